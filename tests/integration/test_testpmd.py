#!/usr/bin/python3
"""dpdk-testpmd in macswap mode as a third-party reflector for ovlperf send, over net_memif.

Usage: /usr/bin/python3 tests/integration/test_testpmd.py PATH_TO_OVLPERF [--ipv6]

With --ipv6 (the testpmd-ipv6 registration): the traffic cases over IPv6 (ovlkit.ovlperf.SEND6:
underlay and inner packets IPv6, every encapsulation that runs over IPv6); the cases without
MACs are the IPv4 run's (over IPv6 the sender asks by NDP, which testpmd answers no better).

testpmd (Debian's dpdk package, /usr/bin/dpdk-testpmd) is the memif server:

  dpdk-testpmd --no-pci --no-huge -m 512 --file-prefix P1 --lcores=0@0,1@0 \
      --vdev=net_memif0,role=server,socket=SOCK,socket-abstract=no,mac=02:00:00:00:aa:01 -- \
      --forward-mode=macswap --stats-period 1 --total-num-mbufs=8192

  * --stats-period keeps it running with stdin closed (without -i it would otherwise wait for
    a key press and end at once on EOF);
  * --total-num-mbufs: its default pool (155456 mbufs) does not fit in -m 512 without hugepages;
  * socket-abstract=no puts the memif socket in the file system, in this suite's directory;
  * both of its lcores share CPU 0; ovlperf runs on CPU 1 (--lcores=0@1,1@1).

ovlperf is the memif client and sends N probes per encapsulation at a moderate rate:

  ovlperf --no-huge --no-pci -m 512 --log-level=error --file-prefix P2 --lcores=0@1,1@1 \
      --vdev=net_memif0,role=client,socket=SOCK,socket-abstract=no -- \
      send --encap E --count 5000 --rate 20k --warmup 0.5 --drain 1000 --dst-mac TESTPMD_MAC \
      [--inner-dst-mac 02:00:00:00:01:02] --json F --no-live

ovlperf starts sending as soon as it has started its port, while the memif connection may still
be coming up: the JSON then reports ports[0].link_up false (checked here: the measurement should
only run on a port that is up), and without a warm-up about 1 run in 13 lost the first probe of
5000. --warmup 0.5 keeps that start-up effect out of "every probe comes back".

testpmd swaps only the Ethernet addresses: the IP addresses, tunnel headers and probe come back
as sent, and ovlperf matches the replies by the probe (session, stream, sequence), so every probe
must come back (also for a probe in an ICMP echo request, which comes back still a request).
testpmd does not answer ARP, so ovlperf cannot learn the next hop's MAC (nor, for a tunnel with
an inner Ethernet header, the inner destination's MAC inside the tunnel): --dst-mac (testpmd's
port MAC, read from its "Port 0: MAC" line) and, for those tunnels, --inner-dst-mac are required.
Cases check that without them ovlperf gives up after --arp-timeout with a message naming the
missing option (the baseline without --dst-mac, each inner-Ethernet tunnel without
--inner-dst-mac). The encapsulations are the binary's (`ovlperf -- frames --list --json`).

Each ovlperf send gets a testpmd of its own, stopped (SIGTERM) after it: Debian's DPDK 22.11
testpmd as a memif server sometimes dies of SIGSEGV in its forwarding lcore, inside
librte_net_memif, when a client disconnects (seen after 3 to 17 client sessions on one testpmd;
ovlperf's own reflector as the server survived 30). One session per testpmd keeps that crash,
which is not ovlperf's, out of the results; a testpmd that does not exit 0 is noted as a
diagnostic.
"""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.harness import TESTPMD, check_ordered, load_json, main  # noqa: E402
from ovlkit.ovlperf import SEND6, eal, ipv6_from_argv, path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
IP6 = ipv6_from_argv()
TESTPMD_MAC = "02:00:00:00:aa:01"
INNER_DST_MAC = "02:00:00:00:01:02"
COUNT = 5000


def start_testpmd(ws, sock, n):
    cmd = [TESTPMD, "--no-pci", "--no-huge", "-m", "512", "--file-prefix", ws.prefix("tpmd"),
           "--lcores=0@0,1@0",
           "--vdev=net_memif0,role=server,socket=%s,socket-abstract=no,mac=%s" % (sock, TESTPMD_MAC),
           "--", "--forward-mode=macswap", "--stats-period", "1", "--total-num-mbufs=8192"]
    return ws.start("testpmd%d" % n, cmd)


def sender(ws, sock, name, args, timeout=60):
    jpath = ws.path(name + ".json")
    args_eal = eal(ws.prefix("send"), "0@1,1@1",
                   ["net_memif0,role=client,socket=%s,socket-abstract=no" % sock],
                   shconf=True, telemetry=True)
    r = ws.run([OVLPERF] + args_eal + ["--", "send", "--json", jpath, "--no-live"] + args, timeout)
    doc, why = load_json(jpath)
    return r, doc, why


class Session:
    """One testpmd for one ovlperf send (see the module's note on testpmd and disconnects)."""
    count = 0

    def __init__(self, tap, ws, label):
        Session.count += 1
        self.tap, self.ws, self.label = tap, ws, label
        self.sock = ws.path("memif%d.sock" % Session.count)
        self.tpmd = start_testpmd(ws, self.sock, Session.count)
        t = self.tpmd
        up = t.wait_for(lambda: os.path.exists(self.sock) and
                        "start packet forwarding" in t.stdout(), 30)
        m = re.search(r"Port 0: ([0-9A-Fa-f:]{17})", t.stdout())
        self.mac = m.group(1).lower() if m else None
        self.ok = tap.ok(up and t.alive() and self.mac == TESTPMD_MAC,
                         "%s: testpmd is up (memif server socket, forwarding started, port 0 "
                         "MAC %s)" % (label, TESTPMD_MAC),
                         t.diag() + ["stdout: " + l for l in t.stdout().splitlines()[:6]])

    def send(self, args):
        return sender(self.ws, self.sock, self.label, args)

    def close(self):
        t = self.tpmd
        t.send_signal(15)
        rc, waited = t.wait(20)
        if rc != 0:
            self.tap.diag("%s: testpmd ended with status %s %.1f s after SIGTERM (its memif server "
                          "can crash when a client disconnects)" % (self.label, rc, waited))
        t.stop()


def body(tap, ws):
    if not tap.ok(os.access(TESTPMD, os.X_OK), "dpdk-testpmd is installed at %s" % TESTPMD):
        return

    cat = catalogue.load(OVLPERF)
    if not IP6:
        no_macs(tap, ws, cat)
    inner_eth = [e.name for e in cat if e.inner_ethernet]
    # Each encapsulation with UDP; then the first with an inner Ethernet header with the probe
    # in an ICMP echo request, which testpmd returns as it came (still a request): the sender
    # matches it by the probe.
    cases = [(e.name, e.name, SEND6 if IP6 else []) for e in cat if e.ipv6 or not IP6]
    if inner_eth:
        cases.append((inner_eth[0] + "-icmp", inner_eth[0],
                      ["--inner-proto", "icmp", "--inner-size", "128"] + (SEND6 if IP6 else [])))
    for label, encap, extra in cases:
        args = ["--encap", encap, "--count", str(COUNT), "--rate", "20k", "--warmup", "0.5",
                "--drain", "1000", "--dst-mac", TESTPMD_MAC] + extra
        if cat[encap].inner_ethernet:
            args += ["--inner-dst-mac", INNER_DST_MAC]
        sess = Session(tap, ws, label)
        try:
            if sess.ok:
                check_session(tap, label, encap, *sess.send(args))
        finally:
            sess.close()


def no_macs(tap, ws, cat):
    # Without the MACs: ovlperf asks by ARP, testpmd only swaps the request's MACs back. A
    # tunnel with an inner Ethernet header also asks for the inner peer's MAC through it.
    sess = Session(tap, ws, "no-dst-mac")
    if sess.ok:
        r, doc, _ = sess.send(["--encap", cat.baseline().name, "--count", "10",
                               "--arp-timeout", "1"])
        tap.ok(r.rc == 1 and "--dst-mac" in r.err and r.elapsed < 20 and doc is None,
               "without --dst-mac: no ARP answer from testpmd, send fails naming --dst-mac",
               r.diag())
    sess.close()
    inner_eth = [e.name for e in cat if e.inner_ethernet]
    for encap in inner_eth:
        sess = Session(tap, ws, "no-inner-mac-" + encap)
        if sess.ok:
            r, doc, _ = sess.send(["--encap", encap, "--count", "10", "--arp-timeout", "1",
                                   "--dst-mac", TESTPMD_MAC])
            tap.ok(r.rc == 1 and "--inner-dst-mac" in r.err and r.elapsed < 20 and doc is None,
                   "%s without --inner-dst-mac: send fails naming --inner-dst-mac" % encap,
                   r.diag())
        sess.close()


def check_session(tap, label, encap, r, doc, why):
    if not tap.ok(r.rc == 0 and doc is not None and doc["partial"] is False,
                  "%s: send through testpmd exits 0 with a complete JSON result" % label,
                  r.diag() + ([why] if why else [])):
        return
    s = doc["streams"][0]
    tap.ok(s["encap"] == encap and s["tx"]["packets"] == COUNT,
           "%s: %d probes sent" % (label, COUNT),
           "stream %s, tx.packets %d" % (s["encap"], s["tx"]["packets"]))
    tap.ok(s["rx"]["packets"] == s["tx"]["packets"] and s["lost"] == 0,
           "%s: every probe came back through testpmd" % label,
           ["tx %d rx %d lost %d" % (s["tx"]["packets"], s["rx"]["packets"], s["lost"]),
            "sender: %r" % doc.get("sender")])
    ok, d = check_ordered(s["latency_ns"])
    tap.ok(ok and s["corrupted"] == 0 and s["latency_ns"]["count"] == s["rx"]["packets"],
           "%s: replies intact, one latency sample each, ordered percentiles" % label,
           [d, "corrupted %d, count %d" % (s["corrupted"], s["latency_ns"]["count"])])
    port = doc["ports"][0]
    tap.ok(port["driver"] == "net_memif", "%s: the JSON names the memif port" % label,
           "ports: %r" % doc["ports"])
    tap.ok(port["link_up"] is True,
           "%s: the port's link was up for the measurement (ports[0].link_up)" % label,
           ["link_up %r; sender.tx_full %d (bursts the port refused); tx.pps %.0f for --rate 20k"
            % (port["link_up"], doc["sender"]["tx_full"], s["tx"]["pps"])])


if __name__ == "__main__":
    sys.exit(main("testpmd-ipv6" if IP6 else "testpmd", body))
