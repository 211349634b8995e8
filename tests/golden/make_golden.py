#!/usr/bin/python3
"""Independent golden-frame builder for ovlperf, written from docs/wire-format.md only.

Builds the frames with scapy's layers (never from ovlperf's output) and writes, for each
encapsulation in (raw, vxlan, ipip, flannel, geneve, gretap), <outdir>/<encap>.pcap (linktype Ethernet, one
packet per case) and <outdir>/<encap>.cases (one line per packet, same order, e.g.
"proto=udp vlan=0 size=frame:128", followed by the encapsulation's options where a case sets
them, e.g. "gre-key=7"). Each encapsulation that runs over IPv6 also gets <encap>-ipv6.pcap/.cases, whose
lines carry "ip=6": the outer header IPv6 2001:db8::1 -> 2001:db8::2 (hop limit 64, class and
flow label 0), the outer UDP checksum computed, raw's probe packet IPv6 (UDP or ICMPv6 echo).

Usage: /usr/bin/python3 tests/golden/make_golden.py [OUTDIR]   (default: this script's directory)

Defaults used (docs/wire-format.md, "Defaults" and "Golden values"):
  outer Ethernet        src 02:00:00:00:00:01, dst 02:00:00:00:00:02
  inner Ethernet (vxlan) src 02:00:00:00:01:01, dst 02:00:00:00:01:02
  802.1Q (vlan cases)   TPID 0x8100, PCP 0, DEI 0, VLAN ID 100
  outer IPv4            192.0.2.1 -> 192.0.2.2, TTL 64, DF set, IP id 0, DSCP 0, ECN 0, no options
  inner IPv4            198.51.100.1 -> 198.51.100.2, TTL 64, DF clear, IP id 0, DSCP 0, ECN 0,
                        no options
  raw's single IPv4     the outer addresses (192.0.2.1 -> 192.0.2.2) with the inner header's
                        other defaults (TTL 64, DF clear, IP id 0, DSCP 0, ECN 0)
  inner UDP             sport 40000, dport 7000, checksum computed
  inner ICMP            echo request type 8 code 0, identifier 40000 (= inner sport), sequence 0,
                        checksum computed
  ipip                  outer IPv4 protocol 4
  flannel               outer UDP sport 8285, dport 8285, outer UDP checksum computed
  vxlan                 outer UDP dport 4789, outer UDP checksum 0, VXLAN flags 0x08, VNI 42,
                        reserved bits 0; outer UDP sport = 0xC000 | (T & 0x3FFF), T = Toeplitz
                        hash (Microsoft default 40-byte RSS key) of the 12 bytes inner src IP,
                        inner dst IP, inner sport, inner dport (ICMP: identifier and 0), all in
                        network byte order
  geneve                outer UDP dport 6081, sport as vxlan's, checksum 0; GENEVE version 0,
                        O and C bits 0, protocol 0x6558, VNI 42; with geneve-opt-len=N: N bytes
                        of options, as few as hold them (up to 124 data bytes each), class
                        0xFFF0, type 0x01, data zero
  gretap                outer IPv4 protocol 47; GRE flags 0 (with gre-key=K: the K bit and the
                        key K), version 0, protocol 0x6558
  probe                 the inner L4 payload (after the 8-byte UDP or ICMP echo header), big-endian;
                        full form (64 bytes, magic 0xA9, 0x12) when the L4 payload is >= 64 bytes,
                        else compact form (18 bytes, magic 0xA9, 0x11)
  probe golden values   session 0x01020304 (compact tag 0x0304), stream 1,
                        sequence 0x0102030405060708 (compact: 0x05060708),
                        tx timestamp 0x1112131415161718, flags 0, reflector timestamps 0,
                        authentication tag zero; full form: length field 64, reserved 0
  payload fill          byte at L4 payload offset k (k = 0 is the probe's first byte) = k & 0xFF,
                        for k >= the probe length
  sizes                 frame size = 14 + (4 if VLAN) + overhead + inner size + 4 (FCS);
                        the FCS is not written, so a pcap frame holds frame size - 4 bytes;
                        overhead raw 0, ipip 20, flannel 28, vxlan 50, geneve 50 + options,
                        gretap 38 (42 with a key);
                        mtu:M makes the outer IP packet exactly M bytes (inner size = M - overhead)
"""

import os
import struct
import sys

from scapy.all import Ether, Dot1Q, IP, IPv6, ICMPv6EchoRequest, UDP, ICMP, Raw, PcapWriter  # noqa: E402
from scapy.layers.vxlan import VXLAN  # noqa: E402
from scapy.layers.l2 import GRE  # noqa: E402
from scapy.contrib.geneve import GENEVE, GeneveOptions  # noqa: E402

ENCAPS = ("raw", "vxlan", "ipip", "flannel", "geneve", "gretap")
OVERHEAD = {"raw": 0, "ipip": 20, "flannel": 28, "vxlan": 50, "geneve": 50, "gretap": 38}


def overhead(encap, o):
    """Bytes from the outer IP header to the inner one, with a case's options (ip=6: an IPv6
    outer header, 20 bytes longer than IPv4's; raw has none of its own)."""
    v6 = 20 if o.get("ip") == 6 and encap != "raw" else 0
    if encap == "geneve":
        return OVERHEAD[encap] + o.get("geneve-opt-len", 0) + v6
    if encap == "gretap" and "gre-key" in o:
        return OVERHEAD[encap] + 4 + v6
    return OVERHEAD[encap] + v6


def min_inner(encap, o):
    """The smallest inner packet: 46 bytes, raw over IPv6 66 (its IPv6 header)."""
    return MIN_INNER + (20 if o.get("ip") == 6 and encap == "raw" else 0)


def geneve_options(n):
    """n bytes of options: as few TLVs as hold them, each up to 4 + 124 bytes, data zero."""
    opts = []
    while n > 0:
        data = min(n - 4, 124)
        opts.append(GeneveOptions(classid=0xFFF0, type=0x01, data=bytes(data)))
        n -= 4 + data
    return opts
ETH_LEN, VLAN_LEN, FCS_LEN = 14, 4, 4
MIN_INNER = 20 + 8 + 18

MS_RSS_KEY = bytes.fromhex(
    "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa")

DEFAULTS = {
    "outer_src_mac": "02:00:00:00:00:01",
    "outer_dst_mac": "02:00:00:00:00:02",
    "inner_src_mac": "02:00:00:00:01:01",
    "inner_dst_mac": "02:00:00:00:01:02",
    "src_ip": "192.0.2.1",
    "dst_ip": "192.0.2.2",
    "src_ip6": "2001:db8::1",
    "dst_ip6": "2001:db8::2",
    "inner_src_ip": "198.51.100.1",
    "inner_dst_ip": "198.51.100.2",
    "outer_ttl": 64,
    "inner_ttl": 64,
    "src_port": 40000,
    "dst_port": 7000,
    "vni": 42,
    "vxlan_port": 4789,
    "flannel_port": 8285,
    "geneve_port": 6081,
    "outer_udp_csum": None,      # None: per-encap default (vxlan zero, flannel compute)
    "vlan_pcp": 0,
    "session": 0x01020304,
    "stream": 1,
    "seq": 0x0102030405060708,
    "timestamp": 0x1112131415161718,
}


def toeplitz(data, key=MS_RSS_KEY):
    """Toeplitz hash: for every set input bit i (MSB first), XOR in key bits i..i+31."""
    k = int.from_bytes(key, "big")
    klen = len(key) * 8
    assert len(data) * 8 + 32 <= klen
    h = 0
    for i in range(len(data) * 8):
        if (data[i // 8] >> (7 - i % 8)) & 1:
            h ^= (k >> (klen - 32 - i)) & 0xFFFFFFFF
    return h


def _ip4(a):
    return bytes(int(x) for x in a.split("."))


def vxlan_sport(inner_src_ip, inner_dst_ip, sport, dport):
    """Outer UDP source port of a VXLAN frame (ICMP: pass identifier and 0)."""
    t = toeplitz(_ip4(inner_src_ip) + _ip4(inner_dst_ip) + struct.pack(">HH", sport, dport))
    return 0xC000 | (t & 0x3FFF)


# Microsoft RSS verification suite, IPv4 with TCP ports, default key.
assert toeplitz(_ip4("66.9.149.187") + _ip4("161.142.100.80") + struct.pack(">HH", 2794, 1766)) \
    == 0x51CCC178
assert toeplitz(_ip4("66.9.149.187") + _ip4("161.142.100.80")) == 0x323E8FC2
assert toeplitz(_ip4("199.92.111.2") + _ip4("65.69.140.83") + struct.pack(">HH", 14230, 4739)) \
    == 0xC626B0EA


def probe_bytes(l4_payload_len, session, stream, seq, timestamp):
    if l4_payload_len >= 64:
        p = struct.pack(">BBHIHHIQQQQ16s", 0xA9, 0x12, 0, session & 0xFFFFFFFF, stream, 64, 0,
                        seq, timestamp, 0, 0, bytes(16))
        assert len(p) == 64
    else:
        p = struct.pack(">BBHHIQ", 0xA9, 0x11, session & 0xFFFF, stream, seq & 0xFFFFFFFF,
                        timestamp)
        assert len(p) == 18
    return p


def l4_payload(l4_payload_len, o):
    p = probe_bytes(l4_payload_len, o["session"], o["stream"], o["seq"], o["timestamp"])
    assert l4_payload_len >= len(p)
    return p + bytes(k & 0xFF for k in range(len(p), l4_payload_len))


def inner_packet(encap, proto, inner_size, o):
    """The inner IP packet (raw: the only IP packet) as a scapy IP layer."""
    assert inner_size >= min_inner(encap, o)
    if encap == "raw" and o.get("ip") == 6:
        # raw over IPv6: the probe's packet is IPv6 (class, flow label 0, hop limit inner_ttl)
        data = Raw(l4_payload(inner_size - 48, o))
        ip6 = IPv6(src=o["src_ip6"], dst=o["dst_ip6"], hlim=o["inner_ttl"], tc=0, fl=0)
        if proto == "udp":
            return ip6 / UDP(sport=o["src_port"], dport=o["dst_port"]) / data
        return ip6 / ICMPv6EchoRequest(id=o["src_port"], seq=0) / data
    if encap == "raw":   # raw: the outer addresses, the inner header's other defaults
        src, dst = o["src_ip"], o["dst_ip"]
    else:
        src, dst = o["inner_src_ip"], o["inner_dst_ip"]
    ip = IP(src=src, dst=dst, ttl=o["inner_ttl"], id=0, flags=0, frag=0, tos=0)
    data = Raw(l4_payload(inner_size - 28, o))
    if proto == "udp":
        l4 = UDP(sport=o["src_port"], dport=o["dst_port"])
    elif proto == "icmp":
        l4 = ICMP(type=8, code=0, id=o["src_port"], seq=0)
    else:
        raise ValueError(proto)
    return ip / l4 / data


def flow_sport(proto, o):
    if proto == "udp":
        return vxlan_sport(o["inner_src_ip"], o["inner_dst_ip"], o["src_port"], o["dst_port"])
    return vxlan_sport(o["inner_src_ip"], o["inner_dst_ip"], o["src_port"], 0)


def encapsulate(encap, vlan, inner, o, vxlan_sport_value):
    """Wrap an inner IP packet (scapy IP, may be a fragment) into the outer frame."""
    eth = Ether(src=o["outer_src_mac"], dst=o["outer_dst_mac"])
    if vlan:
        eth = eth / Dot1Q(prio=o["vlan_pcp"], id=0, vlan=vlan)
    if encap == "raw":
        return eth / inner
    v6 = o.get("ip") == 6
    outer = IP(src=o["src_ip"], dst=o["dst_ip"], ttl=o["outer_ttl"], id=0, flags="DF", frag=0,
               tos=0)
    if v6:
        # IPv6: class and flow label 0, hop limit as the TTL, no extension header; the outer
        # UDP checksum is computed (RFC 8200), whatever the tunnel's IPv4 habit
        outer = IPv6(src=o["src_ip6"], dst=o["dst_ip6"], hlim=o["outer_ttl"], tc=0, fl=0)
    if encap == "ipip":
        outer.proto = 4
        return eth / outer / inner
    if encap == "flannel":
        csum = o["outer_udp_csum"] or "compute"
        udp = UDP(sport=o["flannel_port"], dport=o["flannel_port"])
        if csum == "zero":
            udp.chksum = 0
        return eth / outer / udp / inner
    if encap == "vxlan":
        csum = o["outer_udp_csum"] or ("compute" if v6 else "zero")
        udp = UDP(sport=vxlan_sport_value, dport=o["vxlan_port"])
        if csum == "zero":
            udp.chksum = 0
        return (eth / outer / udp / VXLAN(flags=0x08, vni=o["vni"], reserved2=0)
                / Ether(src=o["inner_src_mac"], dst=o["inner_dst_mac"]) / inner)
    if encap == "geneve":
        csum = o["outer_udp_csum"] or ("compute" if v6 else "zero")
        udp = UDP(sport=vxlan_sport_value, dport=o["geneve_port"])
        if csum == "zero":
            udp.chksum = 0
        # optionlen given: scapy 2.5.0 computes it masked with 0x2f, wrong from 64 bytes of
        # options (its post_build); the field counts 4-byte words (RFC 8926 3.4).
        n = o.get("geneve-opt-len", 0)
        return (eth / outer / udp
                / GENEVE(version=0, optionlen=n // 4, oam=0, critical=0, proto=0x6558,
                         vni=o["vni"], options=geneve_options(n))
                / Ether(src=o["inner_src_mac"], dst=o["inner_dst_mac"]) / inner)
    if encap == "gretap":
        if v6:
            outer.nh = 47
        else:
            outer.proto = 47
        if "gre-key" in o:
            gre = GRE(proto=0x6558, key_present=1, key=o["gre-key"])
        else:
            gre = GRE(proto=0x6558)
        return eth / outer / gre / Ether(src=o["inner_src_mac"], dst=o["inner_dst_mac"]) / inner
    raise ValueError(encap)


def build_frame(encap, proto, vlan, inner_size, opts=None):
    """One unfragmented frame as bytes (without the FCS)."""
    o = dict(DEFAULTS)
    o.update(opts or {})
    inner = inner_packet(encap, proto, inner_size, o)
    frame = encapsulate(encap, vlan, inner, o, flow_sport(proto, o))
    raw = bytes(frame)
    want = ETH_LEN + (VLAN_LEN if vlan else 0) + overhead(encap, o) + inner_size
    assert len(raw) == want, (encap, proto, vlan, inner_size, len(raw), want)
    return raw


def min_frame(encap, vlan, o=None):
    o = o or {}
    return ETH_LEN + (VLAN_LEN if vlan else 0) + overhead(encap, o) + min_inner(encap, o) + FCS_LEN


def inner_size_for(encap, vlan, kind, n, o=None):
    if kind == "frame":
        return n - FCS_LEN - ETH_LEN - (VLAN_LEN if vlan else 0) - overhead(encap, o or {})
    if kind == "mtu":
        return n - overhead(encap, o or {})
    raise ValueError(kind)


# Cases with the encapsulation's options set, beside those with its defaults.
OPTION_CASES = {
    "geneve": ({"geneve-opt-len": 8}, {"geneve-opt-len": 252}),
    "gretap": ({"gre-key": 7}, {"gre-key": 0xFFFFFFFF}),
}


def cases(encap):
    out = []
    for vlan in (0, 100):
        for kind, n in (("frame", min_frame(encap, vlan)), ("frame", 128), ("frame", 1518),
                        ("frame", 9018), ("mtu", 1500), ("mtu", 9001)):
            out.append(("udp", vlan, kind, n, {}))
    for vlan in (0, 100):
        for kind, n in (("frame", min_frame(encap, vlan)), ("frame", 1518)):
            out.append(("icmp", vlan, kind, n, {}))
    for opts in OPTION_CASES.get(encap, ()):
        for vlan in (0, 100):
            for kind, n in (("frame", min_frame(encap, vlan, opts)), ("frame", 1518),
                            ("mtu", 1500)):
                out.append(("udp", vlan, kind, n, opts))
        out.append(("icmp", 0, "frame", min_frame(encap, 0, opts), opts))
    return out


def cases_ipv6(encap):
    """Over an IPv6 underlay (option ip=6, 2001:db8::1 -> 2001:db8::2): ipip is IPv4 only."""
    if encap == "ipip":
        return []
    v6 = {"ip": 6}
    out = [("udp", 0, "frame", min_frame(encap, 0, v6), v6),
           ("udp", 100, "frame", 1518, v6),
           ("udp", 0, "mtu", 1500, v6),
           ("icmp", 0, "frame", min_frame(encap, 0, v6), v6),
           ("icmp", 100, "frame", 300, v6)]
    for opts in OPTION_CASES.get(encap, ())[:1]:
        o = dict(opts, ip=6)
        out.append(("udp", 0, "frame", min_frame(encap, 0, o), o))
    return out


def case_line(proto, vlan, kind, n, opts=None):
    line = "proto=%s vlan=%d size=%s:%d" % (proto, vlan, kind, n)
    return "".join([line] + [" %s=%d" % kv for kv in sorted((opts or {}).items())])


def parse_case_line(line):
    """(proto, vlan, kind, n, options): options maps an encapsulation's option to its value."""
    d = dict(kv.split("=", 1) for kv in line.split())
    kind, n = d.pop("size").split(":")
    proto, vlan = d.pop("proto"), int(d.pop("vlan"))
    return proto, vlan, kind, int(n), {k: int(v, 0) for k, v in d.items()}


def expected_frame_size(encap, vlan, kind, n):
    if kind == "frame":
        return n
    return ETH_LEN + (VLAN_LEN if vlan else 0) + n + FCS_LEN


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(outdir, exist_ok=True)
    total = 0
    # <encap>.pcap over IPv4; <encap>-ipv6.pcap over IPv6 for those that run over it
    files = [(e, e, cases(e)) for e in ENCAPS] + \
        [(e, e + "-ipv6", cases_ipv6(e)) for e in ENCAPS if cases_ipv6(e)]
    for encap, name, its_cases in files:
        lines = []
        w = PcapWriter(os.path.join(outdir, name + ".pcap"), linktype=1, sync=True)
        for i, (proto, vlan, kind, n, opts) in enumerate(its_cases):
            inner = inner_size_for(encap, vlan, kind, n, opts)
            raw = build_frame(encap, proto, vlan, inner, opts)
            assert len(raw) == expected_frame_size(encap, vlan, kind, n) - FCS_LEN
            # Fixed timestamps so that the files are reproducible byte for byte.
            pkt = Ether(raw)
            pkt.time = i
            w.write(pkt)
            lines.append(case_line(proto, vlan, kind, n, opts))
        w.close()
        with open(os.path.join(outdir, name + ".cases"), "w") as f:
            f.write("".join(line + "\n" for line in lines))
        total += len(lines)
        print("%s: %d frames -> %s" % (name, len(lines), os.path.join(outdir, name + ".pcap")))
    print("%d golden frames" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
