#!/usr/bin/python3
"""ovlperf on net_af_xdp: AF_XDP sockets on a veth pair between two network namespaces.

Usage: /usr/bin/python3 tests/integration/test_af_xdp.py PATH_TO_OVLPERF [--ipv6]

The suite makes namespaces ovlA-afxdp-PID and ovlB-afxdp-PID joined by veth-a/veth-b (offloads
off, no addresses: DPDK owns both ends) and removes them at the end, with whatever still runs in
them. Each DPDK process has its own --file-prefix; the two that run at once are pinned to
different CPUs:

  ip netns exec B ovlperf --no-pci --no-huge --no-shconf -m 512 --file-prefix P1 \
      --log-level=error --lcores=0@0,1@0 --vdev=net_af_xdp0,iface=veth-b -- reflect --json R
  ip netns exec A ovlperf --no-pci --no-huge --no-shconf -m 512 --file-prefix P2 \
      --log-level=error --lcores=0@1,1@1 --vdev=net_af_xdp0,iface=veth-a -- \
      send --encap all --rate 5k --duration 2 --drain 500 --json S --no-live

Checks:
  * ovlperf ports shows the XDP mode (text and JSON): the program native or generic, the
    socket in copy mode (a veth has no zero-copy), busy polling as the profile's
    vdev_defaults set it (busy_budget=0) unless --vdev gives its own; and no XDP program is
    left on the interface afterwards.
  * send and reflect both on AF_XDP start (the pools are the UMEM: page-sized objects, 8191
    per queue, 2048 of them in the fill ring), every encapsulation the binary lists comes
    back whole, no mbuf leaks in either pool, eal_args show the added device arguments.
  * the largest frame a UMEM chunk holds (3460 bytes with FCS) goes and comes back; one byte
    more, a 9001-byte MTU, --tx-offload cksum and --queues 2 on one socket are refused in one
    line each with status 2; an interface the namespace lacks gets one line saying what to
    check (status 1: found once EAL runs).
With --ipv6 (the af_xdp-ipv6 registration): the traffic check over IPv6 (ovlkit.ovlperf.SEND6
and REFLECT6: underlay and inner packets IPv6, the next hop found by NDP, every encapsulation
that runs over IPv6); ports, the largest frame and the refusals are the IPv4 run's.
The whole suite is one TAP skip, naming the reason, on a kernel without AF_XDP sockets.
"""

import json
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.harness import load_json, loadavg, main  # noqa: E402
from ovlkit.netns import VethPair, af_xdp_missing  # noqa: E402
from ovlkit.ovlperf import (INNER_MAC6, REFLECT6, SEND6, eal, ipv6_from_argv,  # noqa: E402
                            path_from_argv)

OVLPERF = path_from_argv()
IP6 = ipv6_from_argv()
UMEM_MAX_FRAME = 3460      # with FCS: a 4096-byte page less the object header, mbuf, headrooms
AF_XDP_POOL = 8191         # mbufs per queue


def vdev(iface, extra=""):
    return "net_af_xdp0,iface=%s%s" % (iface, extra)


def check_ports(tap, ws, pair):
    base = [OVLPERF] + eal(ws.prefix("ports"), "0@0", [vdev(pair.if_a)])
    r = ws.run(pair.in_a(base + ["--", "ports"]), 60)
    tap.ok(r.rc == 0 and "xdp: veth-a: XDP program " in r.out and "bound in copy mode" in r.out
           and "no busy polling" in r.out,
           "ports: the XDP mode in words (program, copy-mode socket, no busy polling from the profile)",
           r.diag() + ["stdout: " + l for l in r.out.splitlines()])
    path = ws.path("ports.json")
    r = ws.run(pair.in_a(base + ["--", "ports", "--json", path]), 60)
    doc, why = load_json(path)
    xdp = (doc or [{}])[0].get("xdp") if doc else None
    tap.ok(r.rc == 0 and xdp is not None and xdp.get("iface") == "veth-a"
           and xdp.get("attach") in ("native", "generic") and xdp.get("bind") == "copy"
           and xdp.get("sockets") == 1 and xdp.get("busy_budget") == 0,
           "ports --json: xdp {iface veth-a, attach native or generic, bind copy, 1 socket, busy_budget 0}",
           r.diag() + [why or json.dumps(xdp)])
    if xdp:
        tap.diag("ports: xdp %s" % json.dumps(xdp))
    r = ws.run(pair.in_a([OVLPERF] + eal(ws.prefix("ports"), "0@0",
                                         [vdev(pair.if_a, ",busy_budget=16")]) +
                         ["--", "ports", "--json", path]), 60)
    doc, why = load_json(path)
    xdp = (doc or [{}])[0].get("xdp") if doc else None
    tap.ok(r.rc == 0 and xdp is not None and xdp.get("busy_budget") == 16,
           "ports: a busy_budget given in --vdev wins over the profile's", r.diag() + [why or json.dumps(xdp)])
    tap.ok(not pair.xdp_attached("a"), "ports leaves no XDP program on the interface")


def start_reflector(tap, ws, pair, tag, extra=()):
    rpath = ws.path("reflect-%s.json" % tag)
    refl = ws.start("reflect-" + tag, pair.in_b(
        [OVLPERF] + eal(ws.prefix("refl"), "0@0,1@0", [vdev(pair.if_b)]) +
        ["--", "reflect", "--json", rpath] + list(extra)))
    up = refl.wait_for(lambda: " s] rx" in refl.stderr(), 20)
    if not tap.ok(up and refl.alive(), "%s: the reflector is up on AF_XDP (veth-b)" % tag, refl.diag()):
        refl.stop()
        return None, rpath
    return refl, rpath


def stop_reflector(tap, ws, refl, rpath, tag):
    still = refl.alive()
    refl.send_signal(signal.SIGTERM)
    rc, _ = refl.wait(10)
    tap.ok(still and rc == 0, "%s: the reflector exits 0 on SIGTERM" % tag, refl.diag())
    refl.stop()
    return load_json(rpath)


def pools_balanced(doc):
    pools = doc.get("mempools") or []
    return pools and all(p["in_use_start"] == p["in_use_end"] for p in pools), pools


def check_traffic(tap, ws, pair, encaps):
    refl, rpath = start_reflector(tap, ws, pair, "all", REFLECT6 if IP6 else ())
    if refl is None:
        return
    spath = ws.path("send-all.json")
    r = ws.run(pair.in_a([OVLPERF] + eal(ws.prefix("send"), "0@1,1@1", [vdev(pair.if_a)]) +
                         ["--", "send", "--encap", ",".join(encaps), "--rate", "5k", "--duration",
                          "2", "--drain", "500", "--json", spath, "--no-live"] +
                         (SEND6 + INNER_MAC6 if IP6 else [])), 90)
    doc, why = load_json(spath)
    if tap.ok(r.rc == 0 and doc is not None and doc["partial"] is False,
              "send on AF_XDP exits 0 with a complete result (its pool is the UMEM)",
              r.diag() + ([why] if why else [])):
        for s in doc["streams"]:
            tx, rx = s["tx"]["packets"], s["rx"]["packets"]
            tap.ok(tx >= 7500 and rx == tx and s["lost"] == 0 and s["corrupted"] == 0,
                   "%s: every probe came back through ovlperf reflect on AF_XDP" % s["encap"],
                   "tx %d rx %d lost %d corrupted %d" % (tx, rx, s["lost"], s["corrupted"]))
        ok, pools = pools_balanced(doc)
        tap.ok(ok and pools[0]["size"] == AF_XDP_POOL,
               "send: the port's pool has %d mbufs and no leak (in use at start == at end)" % AF_XDP_POOL,
               json.dumps(pools))
        tap.ok("start_queue=0" in doc["eal_args"] and "busy_budget=0" in doc["eal_args"],
               "send: eal_args show the profile's device arguments added to --vdev", doc["eal_args"])
        xdp = doc["ports"][0].get("xdp") or {}
        tap.ok(xdp.get("bind") == "copy" and xdp.get("iface") == "veth-a",
               "send: ports[0].xdp in the results", json.dumps(xdp))
        tap.ok("port 0 (net_af_xdp0): veth-a: XDP program" in r.out,
               "send: the summary has a line on the XDP mode", r.out[-600:])
        if IP6:
            tap.ok(doc["config"].get("dst_mac_source") == "ndp",
                   "send: the reflector's MAC found by NDP over AF_XDP (no --dst-mac)",
                   "dst_mac_source %r" % doc["config"].get("dst_mac_source"))
    rdoc, why = stop_reflector(tap, ws, refl, rpath, "all")
    if tap.ok(rdoc is not None, "the reflector writes its JSON", why):
        st = rdoc["reflector"]
        tap.ok(st["reflected"] > 0 and not any(st["drops"].values()) and st["tx_full"] == 0,
               "reflect on AF_XDP: reflected everything it received, nothing dropped",
               json.dumps({k: st[k] for k in ("rx_frames", "reflected", "drops", "tx_full")}))
        ok, pools = pools_balanced(rdoc)
        tap.ok(ok, "reflect: no mbuf leak in its UMEM pool", json.dumps(pools))
        tap.ok(rdoc["ports"][0]["mtu_set"] is False,
               "reflect leaves the kernel interface's MTU as it was (no MTU set)",
               json.dumps(rdoc["ports"][0].get("mtu")))


def check_largest(tap, ws, pair):
    # The kernel passes a frame only within both ends' MTU: both veths take the largest chunk.
    pair.set_mtu(UMEM_MAX_FRAME - 4 - 14)
    refl, rpath = start_reflector(tap, ws, pair, "largest")
    if refl is None:
        return
    spath = ws.path("send-largest.json")
    r = ws.run(pair.in_a([OVLPERF] + eal(ws.prefix("send"), "0@1,1@1", [vdev(pair.if_a)]) +
                         ["--", "send", "--encap", "vxlan", "--frame-size", str(UMEM_MAX_FRAME),
                          "--rate", "2k", "--duration", "1", "--drain", "500", "--json", spath,
                          "--no-live"]), 60)
    doc, why = load_json(spath)
    if tap.ok(r.rc == 0 and doc is not None, "send: a %d-byte frame, the largest a UMEM chunk takes, is accepted"
              % UMEM_MAX_FRAME, r.diag() + ([why] if why else [])):
        s = doc["streams"][0]
        tap.ok(s["tx"]["packets"] > 0 and s["rx"]["packets"] == s["tx"]["packets"],
               "send: every %d-byte probe came back" % UMEM_MAX_FRAME,
               "tx %d rx %d" % (s["tx"]["packets"], s["rx"]["packets"]))
    stop_reflector(tap, ws, refl, rpath, "largest")
    pair.set_mtu(1500)


def check_refusals(tap, ws, pair):
    cases = [
        (["--frame-size", str(UMEM_MAX_FRAME + 1)], "", ["UMEM", "at most %d bytes" % UMEM_MAX_FRAME],
         "a frame one byte larger than a UMEM chunk"),
        (["--mtu", "9001"], "", ["UMEM", "9019-byte frames"], "a 9001-byte MTU (jumbo frames)"),
        (["--tx-offload", "cksum"], "", ["does not advertise the TX offloads"], "--tx-offload cksum"),
        (["--queues", "2"], "", ["queue_count=N"], "--queues 2 on a socket bound to one queue"),
    ]
    for opts, extra, words, what in cases:
        r = ws.run(pair.in_a([OVLPERF] + eal(ws.prefix("bad"), "0@1,1@1,2@0", [vdev(pair.if_a, extra)]) +
                             ["--", "send", "--encap", "vxlan", "--duration", "1",
                              "--dst-mac", "02:00:00:00:00:02", "--no-live"] + opts), 60)
        ours = [l for l in r.err.splitlines() if l.startswith("ovlperf")]
        tap.ok(r.rc == 2 and len(ours) == 1 and all(w in ours[0] for w in words),
               "refused with one line and status 2: %s" % what,
               r.diag() + ["ovlperf's lines: %r" % ours])
    # An interface this namespace does not have: EAL cannot make the port (status 1, as for
    # any port missing once EAL runs), and ovlperf says what to check.
    r = ws.run(pair.in_a([OVLPERF] + eal(ws.prefix("bad"), "0@1,1@1", [vdev("nosuch0")]) +
                         ["--", "send", "--encap", "raw", "--duration", "1", "--no-live"]), 60)
    ours = [l for l in r.err.splitlines() if l.startswith("ovlperf")]
    tap.ok(r.rc == 1 and len(ours) == 1 and "iface= must name an interface" in ours[0],
           "an interface that is not there: one line of ovlperf's saying what to check, status 1",
           r.diag() + ["ovlperf's lines: %r" % ours])


def body(tap, ws):
    missing = af_xdp_missing()
    if missing:
        tap.skip("ovlperf on net_af_xdp (ports, send and reflect on a veth pair)", missing)
        return
    pair = VethPair("afxdp")
    try:
        why = pair.up()
        if not tap.ok(why is None, "namespaces %s and %s joined by a veth pair" % (pair.ns_a, pair.ns_b),
                      why):
            return
        tap.diag("load average %s" % loadavg())
        cat = catalogue.load(OVLPERF)
        if IP6:
            check_traffic(tap, ws, pair, [e.name for e in cat if e.ipv6])
            return
        check_ports(tap, ws, pair)
        check_traffic(tap, ws, pair, cat.names())
        check_largest(tap, ws, pair)
        check_refusals(tap, ws, pair)
    finally:
        problems = pair.down()
        tap.ok(not problems and not os.path.exists("/run/netns/" + pair.ns_a),
               "both namespaces (and the veth pair) are gone", problems)


if __name__ == "__main__":
    sys.exit(main("af_xdp-ipv6" if IP6 else "af_xdp", body))
