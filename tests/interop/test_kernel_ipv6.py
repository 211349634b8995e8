#!/usr/bin/python3
"""ovlperf send against the Linux kernel's VXLAN device over an IPv6 underlay.

Namespace A holds the sender (net_af_packet on a veth, IPv6 off in A's kernel); namespace B
the kernel's VXLAN over IPv6 (`ip link add vx0 type vxlan id 77 dstport 4789 local
2001:db8::2 remote 2001:db8::1 dev veth-b`), which drops UDP over IPv6 whose checksum is zero
or wrong (noudp6zerocsumrx) and answers ICMP echo inside the tunnel. Every probe must come
back: the kernel checked each outer UDP checksum over IPv6. The inner MAC is resolved by ARP
through the tunnel (B's vx0 has a MAC that is not ovlperf's default).

No static neighbour on either side: the sender finds B's MAC by neighbour discovery (its
solicitation answered by B's kernel), and B finds the sender's: it learns it from the
solicitation's source LLA option (STALE), and, told to probe after one second instead of five
(delay_first_probe_time), asks the sender by a unicast solicitation mid-run, which the sender
answers (its ndp_answered counts it), so B's entry ends REACHABLE, never PERMANENT.

Inner IPv6: vx0 also holds 2001:db8:1::2, and ICMPv6 echo requests inside the tunnel must all
come back as replies. No static entry inside the tunnel either, and no --inner-dst-mac: the
sender finds vx0's MAC by a solicitation through the tunnel, and B's kernel asks for the
sender's inner MAC (2001:db8:1::1): it learns it from the solicitation's source option, then
(told to probe after one second) asks by a unicast solicitation through the tunnel, answered
by the sender there, so vx0's entry for it ends REACHABLE, never PERMANENT.

Fragmented inner IPv6: 3000-byte ICMPv6 echo requests at MTU 1500 leave in 3 fragments (a
Fragment header each, RFC 8200 4.5; vx0's MTU 1430 less 48 is 1376 data bytes a fragment); B's
kernel reassembles them (its Ip6ReasmOKs counts every request) and answers with 3000-byte
replies that it fragments itself at vx0's MTU (Ip6FragOKs), which the sender reassembles:
every probe must come back, none refused.

TCP: SYN probes (`--inner-proto tcp`) to a closed port, inner IPv4 and IPv6: B's kernel answers
each with a RST, matched by the sender by ports and sequence numbers; every probe must be.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit.netns import MAC_A, MAC_B, VethPair  # noqa: E402
from ovlkit.tap import Tap  # noqa: E402

SRC6, DST6 = "2001:db8::1", "2001:db8::2"
INNER_MAC_B = "02:00:00:00:01:22"
INNER_SRC6, INNER_DST6 = "2001:db8:1::1", "2001:db8:1::2"
INNER_MAC_A = "02:00:00:00:01:01"  # the sender's default inner source MAC
RATE, DURATION = 2000, 2


def b_setup(v):
    """B: IPv6 on its veth (no DAD), quick to probe a neighbour, the VXLAN device over it."""
    steps = [
        ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0",
         "net.ipv6.conf.default.disable_ipv6=0", "net.ipv6.conf.%s.disable_ipv6=0" % v.if_b,
         "net.ipv6.neigh.%s.delay_first_probe_time=1" % v.if_b],
        ["ip", "addr", "add", DST6 + "/64", "dev", v.if_b, "nodad"],
        ["ip", "link", "add", "vx0", "type", "vxlan", "id", "77", "dstport", "4789", "local",
         DST6, "remote", SRC6, "dev", v.if_b],
        ["ip", "link", "set", "vx0", "address", INNER_MAC_B],
        # Inside the tunnel too: B confirms what it learnt from our solicitation by asking us.
        ["sysctl", "-qw", "net.ipv6.neigh.vx0.delay_first_probe_time=1"],
        ["ip", "addr", "add", "198.51.100.2/24", "dev", "vx0"],
        ["ip", "addr", "add", INNER_DST6 + "/64", "dev", "vx0", "nodad"],
        ["ip", "link", "set", "vx0", "up"],
    ]
    for s in steps:
        p = subprocess.run(v.in_b(s), capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            return "%s: %s" % (" ".join(s), p.stderr.strip())
    return None


def vx0_errors(v):
    p = subprocess.run(v.in_b(["ip", "-s", "-d", "link", "show", "vx0"]), capture_output=True,
                       text=True, timeout=30)
    return p.stdout


def b_neighbour(v):
    """B's neighbour entry for the sender's address: `ip -6 neigh` says lladdr and state."""
    p = subprocess.run(v.in_b(["ip", "-6", "neigh", "show", SRC6, "dev", v.if_b]),
                       capture_output=True, text=True, timeout=30)
    return p.stdout.strip()


def b_snmp6(v):
    """B's IPv6 counters (/proc/net/snmp6 in its namespace) as {name: value}."""
    p = subprocess.run(v.in_b(["cat", "/proc/net/snmp6"]), capture_output=True, text=True,
                       timeout=30)
    return {k: int(n) for k, n in (line.split() for line in p.stdout.splitlines()
                                  if len(line.split()) == 2)}


def send(tap, v, ovlperf, extra, what):
    """One send run in A with extra options; its results, or None (a failed point)."""
    with tempfile.TemporaryDirectory(prefix="ovl-kernel6-") as d:
        out = os.path.join(d, "send.json")
        cmd = v.in_a([ovlperf, "--no-pci", "--no-huge", "--no-shconf", "-m", "256",
                      "--log-level=error", "--vdev", "net_af_packet0,iface=%s" % v.if_a,
                      "-l", "0-1", "--", "send", "--encap", "vxlan", "--vni", "77",
                      "--src-ip", SRC6, "--dst-ip", DST6,
                      "--inner-proto", "icmp", "--rate", str(RATE), "--duration",
                      str(DURATION), "--drain", "300", "--json", out, "--no-live"] + extra)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
        if not tap.ok(p.returncode == 0, what, [p.stdout[-1500:], p.stderr[-1500:]]):
            return None
        with open(out) as f:
            return json.load(f)


def fragmented(tap, v, ovlperf):
    """3000-byte inner ICMPv6 echoes at MTU 1500: fragmented both ways, reassembled both ways."""
    before = b_snmp6(v)
    res = send(tap, v, ovlperf, ["--inner-src-ip", INNER_SRC6, "--inner-dst-ip", INNER_DST6,
                                 "--inner-dst-mac", INNER_MAC_B, "--inner-size", "3000",
                                 "--mtu", "1500"],
               "send with 3000-byte inner IPv6 packets at MTU 1500 (fragmented) exited 0")
    if res is None:
        return
    after = b_snmp6(v)
    s = res["streams"][0]
    tx, rx = s["tx"]["packets"], s["rx"]["packets"]
    refused = res["sender"]["drops"].get("fragment-refused", 0)
    reasm = after.get("Ip6ReasmOKs", 0) - before.get("Ip6ReasmOKs", 0)
    frag = after.get("Ip6FragOKs", 0) - before.get("Ip6FragOKs", 0)
    tap.diag("tx %d rx %d, sender fragments received %d; B: Ip6ReasmOKs +%d Ip6FragOKs +%d" % (
        tx, rx, res["sender"]["fragments"], reasm, frag))
    tap.ok(tx >= RATE * DURATION * 3 // 4 and s["fragments"] == 3 and s["tx"]["frames"] == 3 * tx,
           "3 fragments per 3000-byte inner IPv6 datagram at MTU 1500",
           "tx %d datagrams in %d frames, fragments %d" % (tx, s["tx"]["frames"], s["fragments"]))
    tap.ok(reasm >= tx and frag >= rx,
           "B's kernel reassembled every fragmented request and fragmented its replies",
           "Ip6ReasmOKs +%d, Ip6FragOKs +%d, tx %d rx %d" % (reasm, frag, tx, rx))
    tap.ok(rx == tx and s["lost"] == 0 and s["corrupted"] == 0 and refused == 0 and
           res["sender"]["fragments"] >= 2 * rx,
           "every fragmented echo came back: the kernel's fragmented replies reassembled by "
           "the sender, checksums good, none refused",
           ["tx %d rx %d lost %d corrupted %d fragment-refused %d fragments received %d" % (
               tx, rx, s["lost"], s["corrupted"], refused, res["sender"]["fragments"]),
            vx0_errors(v)])


def tcp(tap, v, ovlperf):
    """TCP SYN probes to a closed port in VXLAN over IPv6, inner IPv4 and IPv6: B's kernel
    answers each with a RST, which the sender matches by ports and sequence numbers."""
    for what, extra in (("inner IPv4", []),
                        ("inner IPv6", ["--inner-src-ip", INNER_SRC6, "--inner-dst-ip", INNER_DST6])):
        res = send(tap, v, ovlperf, ["--inner-proto", "tcp", "--inner-dst-mac", INNER_MAC_B] + extra,
                   "send --inner-proto tcp, %s, exited 0" % what)
        if res is None:
            continue
        s = res["streams"][0]
        tx, rx = s["tx"]["packets"], s["rx"]["packets"]
        tap.ok(s["inner_proto"] == "tcp" and tx >= RATE * DURATION * 3 // 4 and rx == tx and
               s["lost"] == 0 and s["corrupted"] == 0 and s["latency_ns"]["count"] == rx,
               "TCP over VXLAN over IPv6, %s: every SYN answered by the kernel's RST, matched "
               "and timed" % what,
               ["tx %d rx %d lost %d corrupted %d latency count %d; unmatched %s stale %s" % (
                   tx, rx, s["lost"], s["corrupted"], s["latency_ns"]["count"],
                   res["sender"].get("tcp_unmatched"), res["sender"].get("tcp_stale")),
                vx0_errors(v)])


def main():
    tap = Tap()
    if len(sys.argv) < 2:
        print("usage: test_kernel_ipv6.py OVLPERF", file=sys.stderr)
        return 2
    ovlperf = os.path.abspath(sys.argv[1])
    v = VethPair("v6")
    why = v.up() or b_setup(v)
    try:
        if not tap.ok(why is None, "namespaces, veth, B's IPv6 address and VXLAN over IPv6",
                      why or ""):
            return 1
        res = send(tap, v, ovlperf, [], "send over IPv6 exited 0")
        if res is None:
            return 1
        s = res["streams"][0]
        tx, rx = s["tx"]["packets"], s["rx"]["packets"]
        tap.diag("tx %d rx %d lost %d p50 %d ns" % (tx, rx, s["lost"], s["latency_ns"]["p50"]))
        tap.ok(res["config"]["ip_version"] == 6 and s["frame_size"] == 134,
               "the results say IPv6, VXLAN's smallest frame over it is 134 bytes",
               "ip_version %r frame %r" % (res["config"]["ip_version"], s["frame_size"]))
        tap.ok(tx >= RATE * DURATION * 3 // 4, "sent at least 3/4 of %d probes" % (RATE * DURATION),
               "tx %d" % tx)
        tap.ok(rx == tx and s["lost"] == 0 and s["corrupted"] == 0,
               "every probe came back from the kernel's VXLAN over IPv6 (each outer UDP checksum "
               "checked by it)", ["tx %d rx %d lost %d corrupted %d" % (tx, rx, s["lost"],
                                                                     s["corrupted"]),
                                  vx0_errors(v)])
        cfg = res["config"]
        tap.ok(cfg["dst_mac_source"] == "ndp" and cfg["dst_mac"] == MAC_B,
               "the next hop's MAC was resolved by NDP (B's kernel answered our solicitation)",
               "%s %s, B's veth is %s" % (cfg["dst_mac_source"], cfg["dst_mac"], MAC_B))
        neigh = b_neighbour(v)
        tap.diag("B: %s; the sender answered %d solicitations" % (neigh,
                                                              res["sender"]["ndp_answered"]))
        tap.ok(res["sender"]["ndp_answered"] >= 1 and MAC_A in neigh and "REACHABLE" in neigh
               and "PERMANENT" not in neigh,
               "B's kernel asked for our address by NDP and we answered: its entry is learnt "
               "and REACHABLE, not static", ["ip -6 neigh: %r" % neigh,
                                             "sender answered %d" % res["sender"]["ndp_answered"]])
        tap.ok(res["config"]["inner_dst_mac"] == INNER_MAC_B,
               "the inner MAC was resolved by ARP through the tunnel over IPv6",
               "%s, B's vx0 is %s" % (res["config"]["inner_dst_mac"], INNER_MAC_B))
        # The kernel's side of RFC 6935: a zero outer checksum over IPv6 is dropped (it was not
        # told udp6zerocsumrx), so the probes above came back because their checksums checked.
        res = send(tap, v, ovlperf, ["--outer-udp-csum", "zero", "--inner-dst-mac", INNER_MAC_B],
                   "send --outer-udp-csum zero exited 0")
        if res is not None:
            z = res["streams"][0]
            tap.ok(z["tx"]["packets"] > 0 and z["rx"]["packets"] == 0,
                   "with a zero outer UDP checksum the kernel answers none (noudp6zerocsumrx)",
                   "tx %d rx %d" % (z["tx"]["packets"], z["rx"]["packets"]))
        # Inner IPv6: ICMPv6 echo requests (128) inside VXLAN over IPv6, answered by B's
        # kernel with replies (129) whose ICMPv6 checksum it computed over the pseudo-header.
        res = send(tap, v, ovlperf, ["--inner-src-ip", INNER_SRC6, "--inner-dst-ip", INNER_DST6],
                   "send with inner IPv6 (ICMPv6 echo), no --inner-dst-mac, exited 0")
        if res is not None:
            s6 = res["streams"][0]
            tx, rx = s6["tx"]["packets"], s6["rx"]["packets"]
            tap.ok(tx >= RATE * DURATION * 3 // 4 and rx == tx and s6["lost"] == 0 and
                   s6["corrupted"] == 0 and s6.get("inner_ip_version") == 6 and
                   s6["frame_size"] == 154,
                   "the kernel's VXLAN over IPv6 answered every inner ICMPv6 echo (154-byte "
                   "frames, replies' checksums checked)",
                   ["tx %d rx %d lost %d corrupted %d inner_ip_version %r frame %d" % (
                       tx, rx, s6["lost"], s6["corrupted"], s6.get("inner_ip_version"),
                       s6["frame_size"]), vx0_errors(v)])
            tap.ok(res["config"]["inner_dst_mac"] == INNER_MAC_B,
                   "the inner peer's MAC was resolved by NDP through the tunnel over IPv6",
                   "%s, B's vx0 is %s" % (res["config"]["inner_dst_mac"], INNER_MAC_B))
            p = subprocess.run(v.in_b(["ip", "-6", "neigh", "show", INNER_SRC6, "dev", "vx0"]),
                               capture_output=True, text=True, timeout=30)
            neigh = p.stdout.strip()
            tap.ok(INNER_MAC_A in neigh.lower() and "REACHABLE" in neigh and
                   res["sender"]["ndp_answered"] >= 1,
                   "B's kernel asked for our inner IPv6 address through the tunnel and we "
                   "answered: its entry on vx0 is learnt and REACHABLE, not static",
                   ["ip -6 neigh on vx0: %r" % neigh,
                    "sender answered %d solicitations" % res["sender"]["ndp_answered"]])
        fragmented(tap, v, ovlperf)
        tcp(tap, v, ovlperf)
    finally:
        problems = v.down()
        tap.ok(not problems, "namespaces removed", problems)
        print("1..%d" % tap.n)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
