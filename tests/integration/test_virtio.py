#!/usr/bin/python3
"""ovlperf send on net_virtio_user against ovlperf reflect on net_vhost: two processes joined
by a vhost-user socket, on hugepages as a user would run them.

Usage: /usr/bin/python3 tests/integration/test_virtio.py PATH_TO_OVLPERF [--ipv6]

The suite reserves what it needs (as test_dumpcap.py does, with ovlkit.hugepages): the
shortfall of NEED free 2 MB pages is added to nr_hugepages and a hugetlbfs is mounted in its own
directory; both are put back at the end. The reflector (vhost-user server, CPU 0) comes first:

  ovlperf --no-pci --huge-dir H -m 256 --file-prefix P1 --log-level=error --lcores=0@0,1@0 \
      --vdev=net_vhost0,iface=SOCK -- reflect --json R

then the sender (CPU 1; --single-file-segments: vhost-user maps at most 8 memory regions):

  ovlperf --no-pci --huge-dir H -m 256 --single-file-segments --file-prefix P2 \
      --log-level=error --lcores=0@1,1@1 --vdev=net_virtio_user0,path=SOCK -- \
      send --encap all --rate 2k --duration 2 --drain 500 --json S --no-live [--tx-offload cksum]

Checks: every encapsulation the binary lists comes back whole, with software checksums and with
--tx-offload cksum (virtio has no IPv4 header checksum offload: the port takes the inner UDP
checksums, which net_vhost completes, and ovlperf says so in one line). The sender's --capture
shows what the port was handed (with cksum: inner UDP checksums not filled in); the sender's
checksum check on the replies is what shows the offload worked (corrupted 0). The profiles' device
arguments (queue_size=1024) are in eal_args. --queues 2 (queues=2 on both ends) brings every
replica's replies back on its own queue; --queues 2 on a one-queue device is refused in one
line (status 2). Without hugepages (ovlperf's default EAL options) the pair runs as well: EAL's
memory is then memfd, which vhost-user can map. Where hugepages cannot be reserved, those checks
are one TAP skip naming the reason.

With --ipv6 (the virtio-ipv6 registration): the pair without hugepages, over an IPv6 underlay
with inner IPv6 (ovlkit.ovlperf.SEND6, REFLECT6), the reflector's MAC found by NDP, every
encapsulation that runs over IPv6 back whole. No offload A/B: --tx-offload cksum is refused
with an inner IPv6 packet (the IPv4 run has it).
"""

import json
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue, pcap, wire  # noqa: E402
from ovlkit.harness import load_json, loadavg, main  # noqa: E402
from ovlkit.hugepages import Hugepages  # noqa: E402
from ovlkit.ovlperf import (INNER_MAC6, REFLECT6, SEND6, eal, ipv6_from_argv,  # noqa: E402
                            path_from_argv)

OVLPERF = path_from_argv()
IP6 = ipv6_from_argv()
NEED = 288   # 2 MB pages: two processes with -m 256 each, and room to spare
MEM = 256


def eal_for(ws, tag, lcores, vdevs, hp):
    """EAL options on the suite's hugetlbfs (hp), or without hugepages (hp None)."""
    if hp is None:
        return eal(ws.prefix(tag), lcores, vdevs, mem=MEM)
    extra = ["--huge-dir", hp.mnt] + (["--single-file-segments"] if tag.startswith("send") else [])
    return eal(ws.prefix(tag), lcores, vdevs, mem=MEM, huge=True, extra=extra)


class Pair:
    """A reflector on net_vhost, started first; senders on net_virtio_user run against it."""

    def __init__(self, tap, ws, hp, tag, queues=1, extra=()):
        self.tap, self.ws, self.hp, self.tag, self.queues = tap, ws, hp, tag, queues
        self.sock = ws.path("vhost-%s.sock" % tag)
        self.rpath = ws.path("reflect-%s.json" % tag)
        qarg = ",queues=%d" % queues if queues > 1 else ""
        lcores = "0@0,1@0" if queues == 1 else "0@0,1@0,2@1"
        self.proc = ws.start("reflect-" + tag, [OVLPERF] + eal_for(
            ws, "refl", lcores, ["net_vhost0,iface=%s%s" % (self.sock, qarg)], hp) +
            ["--", "reflect", "--queues", str(queues), "--json", self.rpath] + list(extra))
        up = self.proc.wait_for(lambda: os.path.exists(self.sock) and " s] rx" in self.proc.stderr(), 20)
        self.up = tap.ok(up and self.proc.alive(), "%s: the reflector is up on net_vhost" % tag,
                         self.proc.diag())

    def send(self, args, vdev_extra="", lcores="0@1,1@1", timeout=90):
        spath = self.ws.path("send-%s.json" % self.tag)
        r = self.ws.run([OVLPERF] + eal_for(self.ws, "send", lcores, [
            "net_virtio_user0,path=%s%s" % (self.sock, vdev_extra)], self.hp) +
            ["--", "send"] + args + ["--json", spath, "--no-live"], timeout)
        doc, why = load_json(spath)
        if os.path.exists(spath):
            os.unlink(spath)
        return r, doc, why

    def stop(self):
        still = self.proc.alive()
        self.proc.send_signal(signal.SIGTERM)
        rc, _ = self.proc.wait(10)
        self.tap.ok(still and rc == 0, "%s: the reflector exits 0 on SIGTERM" % self.tag,
                    self.proc.diag())
        self.proc.stop()
        doc, why = load_json(self.rpath)
        try:
            os.unlink(self.sock)
        except OSError:
            pass
        return doc, why


def every_reply(tap, what, doc):
    bad = ["%s q%d: tx %d rx %d lost %d corrupted %d" % (s["encap"], s["queue"], s["tx"]["packets"],
                                                          s["rx"]["packets"], s["lost"], s["corrupted"])
           for s in doc["streams"]
           if not (s["tx"]["packets"] > 0 and s["rx"]["packets"] == s["tx"]["packets"]
                   and s["lost"] == 0 and s["corrupted"] == 0)]
    return tap.ok(not bad, "%s: every probe came back whole (%d streams)" % (what, len(doc["streams"])),
                  bad + ["sender: %s" % json.dumps(doc["sender"].get("drops"))])


def check_encaps(tap, ws, hp, encaps, label):
    pair = Pair(tap, ws, hp, label)
    if not pair.up:
        pair.stop()
        return
    base = ["--encap", ",".join(encaps), "--rate", "2k", "--duration", "2", "--drain", "500"]
    cat = catalogue.load(OVLPERF)
    for offload in ("none", "cksum"):
        what = "%s, --tx-offload %s" % (label, offload)
        cap = ws.path("capture-%s-%s.pcap" % (label.replace(" ", "-"), offload))
        r, doc, why = pair.send(base + ["--tx-offload", offload, "--capture", cap,
                                        "--capture-max", "300"])
        # What the port was handed: the inner checksums ovlperf filled, or left to the port.
        sums = {wire.inner_checksums(f, wire.layers(f, cat)) for f in pcap.frames(cap)} \
            if os.path.exists(cap) else set()
        want = {(True, True)} if offload == "none" else {(True, False)}
        tap.ok(sums == want, "%s: the frames handed to the port carry %s" % (what, {
            "none": "right inner IPv4 and UDP checksums",
            "cksum": "right inner IPv4 checksums and UDP ones left to the port"}[offload]),
            "(IPv4 right, UDP right) seen: %s" % sorted(sums))
        if not tap.ok(r.rc == 0 and doc is not None and doc["partial"] is False,
                      "%s: send on net_virtio_user exits 0 with a complete result" % what,
                      r.diag() + ([why] if why else [])):
            continue
        every_reply(tap, what, doc)
        port = doc["ports"][0]
        want = ["UDP_CKSUM"] if offload == "cksum" else []
        tap.ok(port["offloads"]["tx_enabled"] == want,
               "%s: the port's TX offloads enabled are %s" % (what, want or "none"),
               json.dumps(port["offloads"]))
        note = [l for l in r.err.splitlines() if "no IPv4 header checksum offload" in l]
        tap.ok(len(note) == (1 if offload == "cksum" else 0),
               "%s: %s" % (what, "one line says the IPv4 checksums stay in software" if offload == "cksum"
                           else "nothing said about checksums"), note)
        if offload == "none":
            tap.ok(port["profile"] == "virtio_user" and "queue_size=1024" in doc["eal_args"],
                   "%s: profile virtio_user, its queue_size=1024 added to --vdev" % label,
                   "%s / %s" % (port["profile"], doc["eal_args"]))
            tap.diag("%s: p50 %s us, load %s" % (label, ", ".join(
                "%s %.0f" % (s["encap"], s["latency_ns"]["p50"] / 1e3) for s in doc["streams"]), loadavg()))
    rdoc, why = pair.stop()
    if tap.ok(rdoc is not None, "%s: the reflector writes its JSON" % label, why):
        st = rdoc["reflector"]
        tap.ok(st["reflected"] > 0 and not any(st["drops"].values()),
               "%s: the reflector dropped nothing (the checksums it was left arrived completed)" % label,
               json.dumps({k: st[k] for k in ("rx_frames", "reflected", "drops", "tx_full")}))
        tap.ok(rdoc["ports"][0]["profile"] == "vhost", "%s: the reflector's port has profile vhost" % label,
               str(rdoc["ports"][0]["profile"]))


def check_ipv6(tap, ws, encaps):
    pair = Pair(tap, ws, None, "ipv6", extra=REFLECT6)
    if pair.up:
        r, doc, why = pair.send(["--encap", ",".join(encaps), "--rate", "2k", "--duration", "2",
                                 "--drain", "500"] + SEND6 + INNER_MAC6)
        if tap.ok(r.rc == 0 and doc is not None and doc["partial"] is False,
                  "IPv6: send on net_virtio_user exits 0 with a complete result",
                  r.diag() + ([why] if why else [])):
            every_reply(tap, "IPv6 underlay and inner packets", doc)
            tap.ok(doc["config"].get("dst_mac_source") == "ndp",
                   "IPv6: the reflector's MAC found by NDP over vhost-user (no --dst-mac)",
                   "dst_mac_source %r" % doc["config"].get("dst_mac_source"))
    rdoc, why = pair.stop()
    if tap.ok(rdoc is not None, "IPv6: the reflector writes its JSON", why):
        st = rdoc["reflector"]
        tap.ok(st["reflected"] > 0 and st["ndp_answered"] >= 1 and not any(st["drops"].values()),
               "IPv6: the reflector answered NDP and every probe, dropped nothing",
               json.dumps({k: st[k] for k in ("rx_frames", "reflected", "ndp_answered", "drops")}))


def check_queues(tap, ws, hp):
    pair = Pair(tap, ws, hp, "queues", queues=2)
    if pair.up:
        r, doc, why = pair.send(["--queues", "2", "--encap", "raw,vxlan", "--rate", "1k",
                                 "--duration", "2", "--drain", "1000"], ",queues=2", "0@1,1@1,2@0")
        if tap.ok(r.rc == 0 and doc is not None, "--queues 2: send exits 0", r.diag() + ([why] if why else [])):
            every_reply(tap, "--queues 2", doc)
            tap.ok(sorted({s["queue"] for s in doc["streams"]}) == [0, 1]
                   and doc["sender"]["misrouted"] == 0 and doc["ports"][0]["rx_steering"] == "per_queue",
                   "--queues 2: replicas on both queues, every reply back on its own (misrouted 0, per_queue)",
                   "misrouted %s, steering %s" % (doc["sender"]["misrouted"], doc["ports"][0]["rx_steering"]))
        r, doc, why = pair.send(["--queues", "2", "--encap", "raw", "--duration", "1"], "",
                                "0@1,1@1,2@0", 60)
        ours = [l for l in r.err.splitlines() if l.startswith("ovlperf")]
        tap.ok(r.rc == 2 and len(ours) == 1 and "queues=N" in ours[0],
               "--queues 2 on a one-queue virtio_user: one line naming queues=N, status 2",
               r.diag() + ["ovlperf's lines: %r" % ours])
    rdoc, why = pair.stop()
    if rdoc is not None:
        q = [x["rx_frames"] for x in rdoc["reflector"]["queues"]]
        tap.ok(len(q) == 2 and min(q) > 0, "--queues 2: both reflector queues received", str(q))


def check_ports(tap, ws):
    """ovlperf ports on a net_vhost port nobody has connected to (DPDK 22.11's net_vhost
    dereferences its queues when asked for xstats before they exist: ports must not ask)."""
    sock = ws.path("vhost-ports.sock")
    r = ws.run([OVLPERF] + eal(ws.prefix("ports"), "0@0", ["net_vhost0,iface=%s" % sock]) +
               ["--", "ports"], 60)
    tap.ok(r.rc == 0 and "(net_vhost)" in r.out and "profile: vhost" in r.out,
           "ports lists a net_vhost port (profile vhost) without crashing", r.diag() + [r.out])
    if os.path.exists(sock):
        os.unlink(sock)
    r = ws.run([OVLPERF] + eal(ws.prefix("nosock"), "0@1,1@1", ["net_virtio_user0,path=%s" % sock]) +
               ["--", "send", "--encap", "raw", "--duration", "1", "--no-live"], 60)
    ours = [l for l in r.err.splitlines() if l.startswith("ovlperf")]
    tap.ok(r.rc == 1 and len(ours) == 1 and "start the net_vhost side first" in ours[0],
           "virtio_user with no vhost side: one line of ovlperf's saying what to check, status 1",
           r.diag() + ["ovlperf's lines: %r" % ours])


def body(tap, ws):
    cat = catalogue.load(OVLPERF)
    encaps = cat.names()
    tap.diag("load average %s" % loadavg())
    if IP6:
        check_ipv6(tap, ws, [e.name for e in cat if e.ipv6])
        return
    check_ports(tap, ws)
    hp = Hugepages(NEED, ws.path("huge"))
    why = hp.setup()
    try:
        if why:
            tap.skip("virtio-user against vhost on hugepages (every encapsulation, offload A/B, --queues 2)",
                     why)
        else:
            check_encaps(tap, ws, hp, encaps, "hugepages")
            check_queues(tap, ws, hp)
    finally:
        problems = hp.undo()
        tap.ok(not problems, "hugepage settings and the hugetlbfs mount are put back", problems)
    # ovlperf's default memory (no hugepages: memfd), which vhost-user maps as well.
    check_encaps(tap, ws, None, encaps[:2], "no hugepages")


if __name__ == "__main__":
    sys.exit(main("virtio-ipv6" if IP6 else "virtio", body))
