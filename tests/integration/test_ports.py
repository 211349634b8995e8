#!/usr/bin/python3
"""ovlperf ports on virtual devices, against what dpdk-testpmd reports for the same devices.

Usage: /usr/bin/python3 tests/integration/test_ports.py PATH_TO_OVLPERF

The same vdevs are given to both programs (EAL: --no-huge --no-pci --no-shconf, a file prefix
each):

  net_null0; net_ring0; net_pcap0,rx_pcap=IN,tx_pcap=OUT (IN: an empty capture written here);
  net_memif0,role=server,socket=SOCK,socket-abstract=no,mac=02:00:00:00:00:09;
  net_tap0,iface=ovlitN,mac=02:00:00:00:00:07 (only as root with /dev/net/tun; the interface
  lives as long as the process, and the suite checks that it is gone afterwards)

  ovlperf [EAL] -- ports --json FILE          (the table on stdout, the JSON in FILE)
  dpdk-testpmd [EAL] -- -i --total-num-mbufs=8192 --disable-device-start
      with "show port info N", "show port N rx_offload capabilities", "... tx_offload ..." on stdin

Ports are not started by either, so both see their links down. Per port, ovlperf's JSON must
agree with testpmd on: device and driver name (and the driver is the vdev's own), MAC, link
status and speed, MTU, the largest RX frame, queue and descriptor limits, the RX and TX offload
capabilities (per queue and per port together), and NUMA socket (testpmd shows socket 0 where
the device has none, which ovlperf reports as -1: any); given MACs (memif, tap) are the ones
passed; no vdev has hardware timestamps (no TIMESTAMP offload, no readable NIC clock). The table
on stdout says the same as the JSON. Bad command lines give one line on stderr and a non-zero
status: ports --port, ports --bogus, send --port 5 with one port.
"""

import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import TESTPMD, load_json, main  # noqa: E402
from ovlkit.ovlperf import eal, path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
EAL = eal(telemetry=True)
MEMIF_MAC = "02:00:00:00:00:09"
TAP_MAC = "02:00:00:00:00:07"
PCAP_HEADER = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")


def vdevs(ws, tag):
    """(vdev arguments, expected {name: {driver, mac or None}}, tap interface or None)."""
    inp = ws.path("in.pcap")
    if not os.path.exists(inp):
        with open(inp, "wb") as f:
            f.write(PCAP_HEADER)
    args = ["net_null0", "net_ring0",
            "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (inp, ws.path("out-%s.pcap" % tag)),
            "net_memif0,role=server,socket=%s,socket-abstract=no,mac=%s"
            % (ws.path("memif-%s.sock" % tag), MEMIF_MAC)]
    tap = None
    if os.geteuid() == 0 and os.path.exists("/dev/net/tun"):
        tap = "ovlit%d%s" % (os.getpid() % 100000, tag[0])
        args.append("net_tap0,iface=%s,mac=%s" % (tap, TAP_MAC))
    want = {a.split(",")[0]: a.split(",")[0].rstrip("0123456789") for a in args}
    return [x for a in args for x in ("--vdev", a)], want, tap


def link_exists(name):
    return subprocess.run(["ip", "link", "show", name], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def parse_testpmd(out):
    """{port id: {field: value}} from testpmd's show port info / offload capabilities."""
    ports = {}
    for m in re.finditer(r"\*+ Infos for port (\d+) +\*+\n(.*?)(?=\n\n|\Z)", out, re.S):
        info = {}
        for line in m.group(2).splitlines():
            if ": " in line:
                k, v = line.split(": ", 1)
                info[k.strip()] = v.strip()
        ports[int(m.group(1))] = info
    for m in re.finditer(r"(Rx|Tx) Offloading Capabilities of port (\d+) :\n"
                         r"\s*Per Queue :(.*)\n\s*Per Port  :(.*)", out):
        p = ports.setdefault(int(m.group(2)), {})
        p[m.group(1).lower() + "_offloads"] = set((m.group(3) + " " + m.group(4)).split())
    return ports


def speed_mbps(text):
    m = re.match(r"(\d+) ([MG])bps", text or "")
    if not m:
        return None
    return int(m.group(1)) * (1000 if m.group(2) == "G" else 1)


def compare(tap, doc, tp, want, table):
    names = [p["name"] for p in doc]
    if not tap.ok(names == list(want),
                  "ports --json lists the %d vdevs in the order given" % len(want),
                  "names %s, given %s" % (names, list(want))):
        return
    for p in doc:
        t = tp.get(p["id"], {})
        if not t:
            tap.ok(False, "%s: testpmd reported the port" % p["name"], "ports: %s" % sorted(tp))
            continue
        q = p["queues"]
        mism = [
            ("driver (the vdev's own)", want[p["name"]], p["driver"]),
            ("driver (testpmd)", t.get("Driver name"), p["driver"]),
            ("name (testpmd)", t.get("Device name"), p["name"]),
            ("link_up (testpmd: %s)" % t.get("Link status"), t.get("Link status") == "up",
             p["link_up"]),
            ("link_speed_mbps", speed_mbps(t.get("Link speed")), p["link_speed_mbps"]),
            ("mtu current", int(t.get("MTU", -2)), p["mtu_range"]["current"]),
            ("max_rx_frame", int(t.get("Maximum configurable length of RX packet", -2)),
             p["max_rx_frame"]),
            ("max_rx queues", int(t.get("Max possible RX queues", -2)), q["max_rx"]),
            ("max_tx queues", int(t.get("Max possible TX queues", -2)), q["max_tx"]),
            ("max_rx_desc", int(t.get("Max possible number of RXDs per queue", -2)),
             q["max_rx_desc"]),
            ("max_tx_desc", int(t.get("Max possible number of TXDs per queue", -2)),
             q["max_tx_desc"]),
            ("rx offloads", sorted(t.get("rx_offloads", {"?"})), sorted(p["offloads"]["rx"])),
            ("tx offloads", sorted(t.get("tx_offloads", {"?"})), sorted(p["offloads"]["tx"])),
        ]
        # testpmd prints socket 0 for a device without one (SOCKET_ID_ANY); ovlperf says -1.
        tsock = int(t.get("Connect to socket", -2))
        if not (p["socket"] == tsock or (p["socket"] == -1 and tsock == 0)):
            mism.append(("socket (testpmd %d)" % tsock, tsock, p["socket"]))
        if p["driver"] != "net_null":  # net_null draws a random MAC in every process
            mism.append(("mac (testpmd)", t.get("MAC address"), p["mac"]))
        tap.fields("%s: driver, link, MTU, frame and queue limits, offloads, socket and MAC "
                   "agree with dpdk-testpmd" % p["name"], [m for m in mism if m[1] != m[2]])
    given = {"net_memif": MEMIF_MAC, "net_tap": TAP_MAC}
    bad = ["%s: mac %s, given %s" % (p["name"], p["mac"], given[p["driver"]]) for p in doc
           if p["driver"] in given and p["mac"].lower() != given[p["driver"]]]
    null = [p for p in doc if p["driver"] == "net_null"][0]
    first = int(null["mac"].split(":")[0], 16)
    if first & 1 or not first & 2:
        bad.append("net_null0: random mac %s is not a locally administered unicast address"
                   % null["mac"])
    tap.ok(not bad, "MACs: the ones given to memif and tap; net_null's random one is locally "
           "administered unicast", bad)
    bad = ["%s: rx_hw %s nic_clock %s fallback %s, testpmd rx offloads %s" % (
        p["name"], p["timestamps"]["rx_hw"], p["timestamps"]["nic_clock"],
        p["timestamps"]["fallback"], sorted(tp.get(p["id"], {}).get("rx_offloads", [])))
        for p in doc if p["timestamps"]["rx_hw"] or p["timestamps"]["nic_clock"]
        or p["timestamps"]["fallback"] != "tsc"
        or "TIMESTAMP" in tp.get(p["id"], {}).get("rx_offloads", [])]
    tap.ok(not bad, "no vdev offers hardware timestamps (nor does testpmd see a TIMESTAMP "
           "offload); TSC is the fallback", bad)
    bad = []
    for p in doc:
        head = "port %d: %s (%s), mac %s, socket %d" % (p["id"], p["name"], p["driver"], p["mac"],
                                                        p["socket"])
        lines = [head,
                 "  link %s, %d Mbit/s; MTU %d (%d..%d); queues rx %d tx %d" % (
                     "up" if p["link_up"] else "down", p["link_speed_mbps"],
                     p["mtu_range"]["current"], p["mtu_range"]["min"], p["mtu_range"]["max"],
                     p["queues"]["max_rx"], p["queues"]["max_tx"]),
                 "  tx offloads: " + (" ".join(p["offloads"]["tx"]) or "none"),
                 "  timestamps: rx hardware no, NIC clock no (TSC otherwise)"]
        bad += ["missing from the table: %r" % l for l in lines if l not in table]
    tap.ok(not bad, "the table on stdout says what the JSON says", bad)


def errors(tap, ws):
    eal = EAL + ["--file-prefix", ws.prefix("err"), "--vdev", "net_null0"]
    cases = [(["ports", "--port", "5"], 2, ["--port"]),
             (["ports", "--bogus"], 2, ["--bogus"]),
             (["send", "--port", "5", "--duration", "1"], 1, ["port 5", "1 found"])]
    for args, status, words in cases:
        r = ws.run([OVLPERF] + eal + ["--"] + args, 30, cwd=ws.dir)
        err = r.err.strip().splitlines()
        tap.ok(r.rc == status and len(err) == 1 and all(w in err[0] for w in words)
               and not r.out,
               "%s: exit status %d, one line on stderr naming %s, nothing on stdout"
               % (" ".join(args), status, ", ".join(words)), r.diag())


def body(tap, ws):
    if not os.access(TESTPMD, os.X_OK):
        tap.skip("ports against dpdk-testpmd", "%s is not installed" % TESTPMD)
        return
    args, want, tapif = vdevs(ws, "o")
    if tapif is None:
        tap.diag("net_tap left out: needs root and /dev/net/tun")
    elif link_exists(tapif):
        tap.ok(False, "no interface named %s exists before the suite" % tapif)
        return
    jpath = ws.path("ports.json")
    r = ws.run([OVLPERF] + EAL + ["--file-prefix", ws.prefix("ports")] + args
               + ["--", "ports", "--json", jpath], 60, cwd=ws.dir)
    doc, why = load_json(jpath)
    ok = tap.ok(r.rc == 0 and isinstance(doc, list),
                "ovlperf ports --json FILE on %d vdevs: exit 0, a JSON array" % len(want),
                r.diag() + ([why] if why else []))
    if tapif:
        tap.ok(not link_exists(tapif), "net_tap's interface %s is gone once ovlperf exits" % tapif)
    args_t, _, tapif_t = vdevs(ws, "t")
    cmds = "".join("show port info %d\nshow port %d rx_offload capabilities\n"
                   "show port %d tx_offload capabilities\n" % (i, i, i) for i in range(len(want)))
    rt = ws.run([TESTPMD] + EAL + ["--file-prefix", ws.prefix("tpmd")] + args_t
                + ["--", "-i", "--total-num-mbufs=8192", "--disable-device-start"], 60,
                cwd=ws.dir, stdin_data=(cmds + "quit\n").encode())
    tp = parse_testpmd(rt.out)
    # The ports made for testpmd have other memif sockets, pcap files and tap names, but the
    # same kinds, in the same order.
    tok = tap.ok(rt.rc == 0 and len(tp) == len(want),
                 "dpdk-testpmd on the same vdevs: exit 0, %d ports described" % len(want),
                 rt.diag() + ["ports parsed: %s" % sorted(tp)])
    if tapif_t:
        tap.ok(not link_exists(tapif_t), "testpmd's tap interface %s is gone too" % tapif_t)
    if ok and tok:
        compare(tap, doc, tp, want, r.out.splitlines())
    errors(tap, ws)
    r = ws.run([OVLPERF] + EAL + ["--file-prefix", ws.prefix("none"), "--", "ports", "--json",
                                  "-"], 30, cwd=ws.dir)
    try:
        empty = json.loads(r.out)
    except ValueError:
        empty = None
    tap.ok(r.rc == 0 and empty == [] and "--vdev" in r.err,
           "no ports: an empty JSON array, and stderr says how to add one", r.diag())


if __name__ == "__main__":
    sys.exit(main("ports", body))
