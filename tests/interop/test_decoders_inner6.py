#!/usr/bin/env python3
"""ovlperf's frames with an inner IPv6 packet, decoded field by field by tshark and by scapy.

`ovlperf -- frames --encap X --inner-src-ip 2001:db8:1::1 --inner-dst-ip 2001:db8:1::2` for every
encapsulation the binary lists, with UDP and ICMPv6 echo (--inner-proto icmp), over an IPv4 and
an IPv6 underlay: tshark's protocol chain, the inner IPv6 header's fields (version, class, flow
label, payload length, next header, hop limit, addresses), the inner EtherType where the tunnel
carries Ethernet, its verdict on the inner UDP checksum (over the IPv6 pseudo-header) and on
ICMPv6's (type 128); scapy's own decode of the inner packet and the transport checksum it
computes anew, which must equal the one ovlperf carries. raw carries no inner packet: its frame
stays the underlay's own (IPv4 here). IP-in-IP carries IPv4 only: refused in one line, exit 2.

Fragments (RFC 8200 4.5): a 3000-byte inner datagram at MTU 1500 (--inner-size 3000 --mtu
1500), through every tunnel over both underlays, read by tshark: each frame's Fragment header
(next header, offset, M flag, one identification), its data a multiple of 8 bytes but the
last's, each outer IP packet within 1500 bytes, and tshark's own reassembly of the datagram: 2960
bytes of UDP whose checksum it finds good.
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import catalogue, tshark as ts  # noqa: E402
from ovlkit import pcap  # noqa: E402
from ovlkit.harness import main  # noqa: E402
from ovlkit.ovlperf import frames as ovl_frames, path_from_argv  # noqa: E402

try:
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.all import UDP, ICMPv6EchoRequest, IPv6  # noqa: E402
    HAVE_SCAPY = True
except ImportError:
    HAVE_SCAPY = False

OVLPERF = path_from_argv()
INNER_SRC, INNER_DST = "2001:db8:1::1", "2001:db8:1::2"
OUTER6 = ["--src-ip", "2001:db8::1", "--dst-ip", "2001:db8::2"]
GOOD = "1"  # tshark's checksum status: good
FIELDS = ["frame.protocols", "eth.type", "ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen",
          "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport",
          "udp.checksum.status", "icmpv6.type", "icmpv6.code", "icmpv6.echo.identifier",
          "icmpv6.checksum.status"]


def tshark_fields(path, cat):
    """Each frame's fields, every occurrence as a list (the inner header's is the last)."""
    return [{k: v.split(",") for k, v in d.items()} for d in ts.fields(path, cat, FIELDS)]


def expected_protocols(e, outer6, proto):
    """tshark's chain: the outer header IPv6 or IPv4, the inner one IPv6 (flannel's inner packet
    decoded as `ip`, which hands IPv6 on: ip:ipv6), ICMPv6 for icmp."""
    chain = ts.protocols(e, False, proto).split(":")
    if outer6:
        chain[chain.index("ip")] = "ipv6"
    last_ip = len(chain) - 1 - chain[::-1].index("ip")
    chain[last_ip:last_ip + 1] = ["ipv6"] if e.inner_ethernet else ["ip", "ipv6"]
    if proto == "icmp":
        chain[chain.index("icmp")] = "icmpv6"
    return ":".join(chain)


def inner_offset(e, outer6):
    return 14 + e.overhead + (20 if outer6 else 0)


def check(e, outer6, proto, raw, d):
    """Problems with one frame, from tshark's fields d and scapy's decode of raw."""
    bad = []
    want = expected_protocols(e, outer6, proto)
    if d["frame.protocols"][0] != want:
        bad.append("protocols %s, want %s" % (d["frame.protocols"][0], want))
    if e.inner_ethernet and d["eth.type"][-1] != "0x86dd":
        bad.append("inner EtherType %s, want 0x86dd" % d["eth.type"][-1])
    off = inner_offset(e, outer6)
    nxt = 17 if proto == "udp" else 58
    got = tuple(d[f][-1] for f in ("ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen",
                                   "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst"))
    got = (got[0], int(got[1], 16), int(got[2], 16), int(got[3]), int(got[4]), int(got[5]),
           got[6], got[7])
    exp = ("6", 0, 0, len(raw) - off - 40, nxt, 64, INNER_SRC, INNER_DST)
    if got != exp:
        bad.append("tshark inner IPv6 (version, class, flow, plen, nxt, hlim, src, dst) %r, "
                   "want %r" % (got, exp))
    if proto == "udp":
        ports = (d["udp.srcport"][-1], d["udp.dstport"][-1])
        if ports != ("40000", "7000"):
            bad.append("inner UDP ports %s > %s" % ports)
        if d["udp.checksum.status"][-1] != GOOD:
            bad.append("inner UDP checksum status %s" % d["udp.checksum.status"])
    else:
        icmp = (d["icmpv6.type"][-1], d["icmpv6.code"][-1], d["icmpv6.echo.identifier"][-1],
                d["icmpv6.checksum.status"][-1])
        if icmp != ("128", "0", "0x9c40", GOOD):
            bad.append("ICMPv6 (type, code, id, checksum status) %r" % (icmp,))
    if not HAVE_SCAPY:
        return bad
    # scapy: the inner packet on its own, and its transport checksum made anew
    ip = IPv6(raw[off:])
    if (ip.version, ip.tc, ip.fl, ip.plen, ip.nh, ip.hlim, ip.src, ip.dst) != \
            (6, 0, 0, len(raw) - off - 40, nxt, 64, INNER_SRC, INNER_DST):
        bad.append("scapy inner IPv6 %s" % ip.summary())
    layer, field = (UDP, "chksum") if proto == "udp" else (ICMPv6EchoRequest, "cksum")
    if not ip.haslayer(layer):
        return bad + ["scapy: no %s in %s" % (layer.__name__, ip.summary())]
    carried = getattr(ip[layer], field)
    q = IPv6(raw[off:])
    delattr(q[layer], field)
    again = getattr(IPv6(bytes(q))[layer], field)
    if carried != again or carried == 0:
        bad.append("scapy: checksum 0x%04x carried, 0x%04x computed" % (carried, again))
    return bad


FRAG_FIELDS = ["ip.len", "ipv6.plen", "ipv6.nxt", "ipv6.fraghdr.nxt", "ipv6.fraghdr.offset",
               "ipv6.fraghdr.more", "ipv6.fraghdr.ident", "ipv6.reassembled.length",
               "udp.length", "udp.checksum.status"]


def fragments_bad(e, outer6, path, cat):
    """Problems with the fragments of a 3000-byte inner datagram at MTU 1500, as tshark reads
    them: the tunnel MTU less 48 bytes, rounded down to 8, of data a fragment, the rest last."""
    tunnel_mtu = 1500 - (e.overhead_ipv6 if outer6 else e.overhead)
    per = (tunnel_mtu - 48) // 8 * 8
    want = [(k * per, min(per, 2960 - k * per)) for k in range(-(-2960 // per))]
    frames = [{k: v.split(",") if v else [] for k, v in d.items()}
              for d in ts.fields(path, cat, FRAG_FIELDS)]
    bad = [] if len(frames) == len(want) else ["%d frames, want %d" % (len(frames), len(want))]
    for k, (f, (offset, data)) in enumerate(zip(frames, want)):
        outer = int(f["ipv6.plen"][0]) + 40 if outer6 else int(f["ip.len"][0])
        # tshark shows the offset in bytes or in 8-byte units, as its version has it
        got = (f["ipv6.nxt"][-1], f["ipv6.fraghdr.nxt"][-1:], f["ipv6.fraghdr.offset"][-1:],
               f["ipv6.fraghdr.more"][-1:] in (["1"], ["True"]), int(f["ipv6.plen"][-1]) - 8)
        exp = ("44", ["17"], [str(offset // 8)], k + 1 < len(want), data)
        if got != exp and got != exp[:2] + ([str(offset)],) + exp[3:]:
            bad.append("fragment %d: (next header, its next header, offset, M, data) %r, want "
                       "%r" % (k, got, exp))
        if outer > 1500:
            bad.append("fragment %d: outer IP packet of %d bytes" % (k, outer))
    idents = {tuple(f["ipv6.fraghdr.ident"]) for f in frames}
    if len(idents) != 1:
        bad.append("identifications %s" % sorted(idents))
    last = frames[-1] if frames else {}
    if (last.get("ipv6.reassembled.length"), last.get("udp.length", [])[-1:],
            last.get("udp.checksum.status", [])[-1:]) != (["2960"], ["2960"], [GOOD]):
        bad.append("tshark's reassembly (length, UDP length, UDP checksum status): %s %s %s" % (
            last.get("ipv6.reassembled.length"), last.get("udp.length"),
            last.get("udp.checksum.status")))
    return bad


def body(tap, ws):
    cat = catalogue.load(OVLPERF)
    tap.ok(True, "scapy %s" % ("present" if HAVE_SCAPY else "absent: tshark alone decodes"))
    inner6 = ["--inner-src-ip", INNER_SRC, "--inner-dst-ip", INNER_DST]
    for e in cat:
        if e.name == "ipip":
            r = subprocess.run([OVLPERF, "--", "frames", "--encap", "ipip"] + inner6,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
            lines = r.stderr.decode().strip().splitlines()
            tap.ok(r.returncode == 2 and len(lines) == 1 and "IPv4 only" in lines[0] and
                   "protocol 41" in lines[0],
                   "ipip with inner IPv6: exit 2, one line (IPv4 only, protocol 41)",
                   ["status %d" % r.returncode] + lines)
            continue
        if not e.tunnel:
            raws = ovl_frames(OVLPERF, ["--encap", e.name] + inner6)
            tap.ok(len(raws) == 1 and raws[0][12:14] == b"\x08\x00",
                   "%s carries no inner packet: its frame stays the IPv4 underlay's" % e.name)
            continue
        for outer6 in (False, True):
            for proto in ("udp", "icmp"):
                args = ["--encap", e.name, "--inner-proto", proto, "--frame-size", "300"]
                args += inner6 + (OUTER6 if outer6 else [])
                raws = ovl_frames(OVLPERF, args)
                path = ws.path("%s-%s-%d.pcap" % (e.name, proto, outer6))
                pcap.write(path, raws)
                d = tshark_fields(path, cat)
                bad = check(e, outer6, proto, raws[0], d[0]) if len(d) == 1 else \
                    ["tshark saw %d frames" % len(d)]
                tap.ok(not bad, "%s, inner IPv6 %s, over IPv%d: tshark%s agree%s field by field"
                       % (e.name, proto, 6 if outer6 else 4, " and scapy" if HAVE_SCAPY else "",
                          "" if HAVE_SCAPY else "s"), bad)
        for outer6 in (False, True):
            raws = ovl_frames(OVLPERF, ["--encap", e.name, "--inner-size", "3000", "--mtu",
                                        "1500"] + inner6 + (OUTER6 if outer6 else []))
            path = ws.path("%s-frag-%d.pcap" % (e.name, outer6))
            pcap.write(path, raws)
            bad = fragments_bad(e, outer6, path, cat)
            tap.ok(not bad, "%s, a 3000-byte inner IPv6 datagram at MTU 1500 over IPv%d: tshark "
                   "reads each Fragment header as RFC 8200 4.5 has it and reassembles the "
                   "datagram" % (e.name, 6 if outer6 else 4), bad)
        # the smallest frame: the inner IPv6 header's 20 bytes over the inner IPv4 one's
        small = ovl_frames(OVLPERF, ["--encap", e.name] + inner6)
        tap.ok(len(small) == 1 and len(small[0]) + 4 == e.smallest() + 20 ==
               e.min_frame_inner_ipv6,
               "%s: the smallest frame with inner IPv6 is %d bytes (IPv4 inner: %d), as "
               "frames --list says" % (e.name, e.smallest() + 20, e.smallest()),
               ["%d bytes with FCS, frames --list %s" % (len(small[0]) + 4,
                                                         e.min_frame_inner_ipv6)] if small else [])


if __name__ == "__main__":
    sys.exit(main("decoders_inner6", body))
