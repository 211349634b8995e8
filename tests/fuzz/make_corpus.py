#!/usr/bin/python3
"""Writes the fuzzers' seed corpora: tests/fuzz/corpus/{parse,options,guards}/.

Usage: /usr/bin/python3 tests/fuzz/make_corpus.py [PATH_TO_OVLPERF]   (default build/app/ovlperf)

parse: the frames `ovlperf frames --pcap` builds for every encapsulation the binary lists
(`ovlperf -- frames --list --json`) under several options (smallest, sized, ICMP, VLAN, full
probe, keyed, fragmented: IPv4, and inner IPv6 with a Fragment header; each tunnel's own
options off their defaults with the outer UDP checksum computed), ARP requests and replies (plain, tagged, inside each tunnel that carries
Ethernet), NDP solicitations (one a tagged DAD probe) and an advertisement, a few foreign frames (IPv6, LLDP) and truncations of a frame of each encapsulation at
every header boundary (from the catalogue's layout of it).
options: NUL-separated command lines, valid and invalid (fuzz_options.c reads the first word as
the command).
guards: inputs for fuzz_guards.c: a mode byte (0 allowlist, 1 replay window, 2 key file, 3 rate
cap) and its bytes.

The script replaces the three directories' contents, so the corpus is exactly what it writes.
"""

import os
import shutil
import struct
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import catalogue, ovlperf as ovlrun, wire  # noqa: E402


FRAME_RUNS = [
    ("small", []),
    ("frame256", ["--frame-size", "256"]),
    ("icmp", ["--inner-proto", "icmp", "--inner-size", "120"]),
    ("tcp", ["--inner-proto", "tcp"]),
    ("tcp-psh-ack", ["--inner-proto", "tcp", "--tcp-flags", "PA", "--inner-size", "200",
                     "--seq", "0x0102030405060708"]),
    ("vlan", ["--vlan", "100", "--frame-size", "160"]),
    ("full", ["--probe", "full", "--inner-size", "200", "--session", "0x01020304",
              "--stream", "1", "--seq", "0x0102030405060708"]),
    ("keyed", ["--key", "@KEY@", "--inner-size", "120", "--session", "7", "--seq", "9"]),
    ("keyed-icmp", ["--key", "@KEY@", "--inner-size", "120", "--inner-proto", "icmp"]),
    ("frag", ["--inner-size", "2000", "--mtu", "1000"]),
    ("frag6", ["--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip", "2001:db8:1::2",
               "--inner-size", "3000", "--mtu", "1500"]),
    ("nocsum", ["--outer-udp-csum", "zero"]),
    ("inner6", ["--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip", "2001:db8:1::2"]),
    ("inner6-icmp", ["--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip", "2001:db8:1::2",
                     "--inner-proto", "icmp", "--inner-size", "140", "--src-ip", "2001:db8::1",
                     "--dst-ip", "2001:db8::2"]),
]


def option_runs(cat):
    """Per encapsulation with options of its own: each set off its default (the next allowed
    value; from its minimum for an optional one), the outer UDP checksum computed."""
    runs = []
    for e in cat:
        if not e.options:
            continue
        opts = ["--encap", e.name]
        for o in e.options:
            step = o.get("multiple_of") or 1
            v = o["min"] + 7 * step if o["default"] is None else o["default"] + step
            opts += ["--" + o["name"], str(min(v, o["max"]))]
        if e.udp:
            opts += ["--outer-udp-csum", "compute"]
        runs.append(("opts-" + e.name, opts))
    return runs
# The fuzzer's key (fuzz_parse.c), so that keyed seeds carry tags that check.
FUZZ_KEY = "00112233445566778899aabbccddeeff"


def frames_from_ovlperf(ovlperf, cat, tmp):
    keyfile = os.path.join(tmp, "key")
    with open(keyfile, "w") as f:
        f.write(FUZZ_KEY + "\n")
    out = {}
    for name, opts in FRAME_RUNS + option_runs(cat):
        opts = [keyfile if o == "@KEY@" else o for o in opts]
        args = ["--session", "0x0a0b0c0d"] + ([] if "--encap" in opts else ["--encap", "all"])
        # --session twice is fine: the last one wins
        for i, fr in enumerate(ovlrun.frames(ovlperf, args + opts, tmp)):
            out["%s-%d" % (name, i)] = fr
    return out


def in_tunnel(frame, L, inner):
    """frame's tunnel around other inner bytes (after its inner Ethernet addresses): outer IPv4
    length and checksum and outer UDP length made to fit, the UDP checksum zero."""
    f = bytearray(frame[:L.inner_l3 - 2]) + inner
    struct.pack_into(">H", f, L.l3 + 2, len(f) - L.l3)
    f[L.l3 + 10:L.l3 + 12] = b"\0\0"
    s = sum(struct.unpack_from(">10H", f, L.l3))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    struct.pack_into(">H", f, L.l3 + 10, ~s & 0xFFFF)
    if L.udp is not None:
        struct.pack_into(">HH", f, L.udp + 4, len(f) - L.udp, 0)
    return bytes(f)


def foreign_frames(cat, frames):
    from scapy.all import (ARP, IPv6, UDP, Dot1Q, Ether, ICMPv6ND_NA, ICMPv6ND_NS,  # noqa: E402
                           ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, Raw)
    mac, peer = "02:00:00:00:00:02", "02:00:00:00:00:01"
    out = {
        "arp-request": Ether(dst="ff:ff:ff:ff:ff:ff", src=peer) /
        ARP(op=1, hwsrc=peer, psrc="192.0.2.1", pdst="192.0.2.2"),
        "arp-reply": Ether(dst=peer, src=mac) /
        ARP(op=2, hwsrc=mac, psrc="192.0.2.2", hwdst=peer, pdst="192.0.2.1"),
        "arp-vlan": Ether(dst="ff:ff:ff:ff:ff:ff", src=peer) / Dot1Q(vlan=100) /
        ARP(op=1, hwsrc=peer, psrc="192.0.2.1", pdst="192.0.2.2"),
        "ipv6": Ether(dst=mac, src=peer) / IPv6(src="2001:db8::1", dst="2001:db8::2") /
        UDP(sport=40000, dport=7000) / Raw(b"\xa9\x11" + bytes(16)),
        "ndp-solicitation": Ether(dst="33:33:ff:00:00:02", src=peer) /
        IPv6(src="2001:db8::1", dst="ff02::1:ff00:2", hlim=255) /
        ICMPv6ND_NS(tgt="2001:db8::2") / ICMPv6NDOptSrcLLAddr(lladdr=peer),
        "ndp-dad-vlan": Ether(dst="33:33:ff:00:00:02", src=peer) / Dot1Q(vlan=100) /
        IPv6(src="::", dst="ff02::1:ff00:2", hlim=255) / ICMPv6ND_NS(tgt="2001:db8::2"),
        "ndp-advertisement": Ether(dst=peer, src=mac) /
        IPv6(src="2001:db8::2", dst="2001:db8::1", hlim=255) /
        ICMPv6ND_NA(tgt="2001:db8::2", S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac),
        "lldp": Ether(dst="01:80:c2:00:00:0e", src=peer, type=0x88CC) /
        Raw(bytes.fromhex("0207040200000000010403020001060200780000")),
    }
    out = {k: bytes(v) for k, v in out.items()}
    # An ARP request inside each tunnel that carries Ethernet (the reflector answers it).
    arp = bytes(Ether(type=0x0806) / ARP(op=1, hwsrc="02:00:00:00:01:01", psrc="198.51.100.1",
                                         pdst="198.51.100.2"))[12:]
    for i, e in enumerate(cat):
        if e.inner_ethernet:
            f = frames["small-%d" % i]
            out["arp-in-%s" % e.name] = in_tunnel(f, wire.layers(f, cat), arp)
    return out


def boundaries(frame, cat):
    """Where a frame's headers end (and a byte before): the outer Ethernet and IPv4 headers,
    a tunnel's UDP header, own header and inner Ethernet header, the inner IPv4 and L4 headers;
    one byte short of the whole. The baseline's frame also inside its Ethernet header (0, 13)
    and after its probe's first two bytes."""
    L = wire.layers(frame, cat)
    e = L.encap
    cuts = {14, L.l3 + 19, L.l3 + 20}
    if L.udp is not None:
        cuts |= {L.udp + 7, L.udp + 8}
    if e.header_len:
        cuts |= {L.tunnel + e.header_len - 1, L.tunnel + e.header_len}
    if L.inner_l2 is not None:
        cuts |= {L.inner_l2 + 13, L.inner_l2 + 14}
    cuts |= {L.inner_l3 + 19, L.inner_l3 + 20, L.l4 + 7, L.l4 + 8, len(frame) - 1}
    if not e.tunnel:
        cuts |= {0, 13, L.probe + 1, L.probe + 2}
    return sorted(c for c in cuts if c < len(frame))


def truncations(frames, cat):
    """Each encapsulation's smallest frame cut at every header boundary, and one byte short."""
    out = {}
    for i, e in enumerate(cat):
        fr = frames["small-%d" % i]
        for b in boundaries(fr, cat):
            out["trunc-%s-%d" % (e.name, b)] = fr[:b]
    return out


OPTIONS = {
    "frames-all": ["frames", "--encap", "all"],
    "frames-sizes": ["frames", "--encap", "@TUNNEL@,@BASE@", "--frame-size", "256", "--vlan", "7"],
    "frames-frag": ["frames", "--inner-size", "3000", "--mtu", "1500"],
    "frames-mtu": ["frames", "--mtu", "9001", "--probe", "full"],
    "frames-icmp": ["frames", "--inner-proto", "icmp", "--inner-size", "92", "--ttl", "3"],
    "frames-tcp": ["frames", "--inner-proto", "tcp", "--tcp-flags", "SA", "--frame-size", "200"],
    "bad-tcp-flags": ["frames", "--inner-proto", "tcp", "--tcp-flags", "SR"],
    "frames-addr": ["frames", "--src-mac", "02:00:00:00:00:09", "--dst-ip", "10.0.0.1",
                    "--inner-src-ip", "10.1.0.1", "--src-port", "1", "--dst-port", "65535"],
    "frames-probe": ["frames", "--session", "0xffffffff", "--stream", "65535", "--seq",
                     "18446744073709551615", "--timestamp", "0x10", "--probe", "compact"],
    "send-rate": ["send", "--rate", "1.5M", "--duration", "2", "--warmup", "0.5", "--drain", "50"],
    "send-gbps": ["send", "--rate", "9.5Gbps-l1", "--count", "100", "--flows", "16",
                  "--latency-rate", "1000", "--json", "-", "--csv", "out.csv"],
    "send-pct": ["send", "--rate", "50%", "--line-rate", "10G", "--capture", "c.pcap",
                 "--capture-max", "10", "--arp-timeout", "0.5", "--send-lcore", "1"],
    "reflect": ["reflect", "--allow", "192.0.2.0/24", "--allow", "10.0.0.1", "--max-pps", "1000",
                "--vni", "42", "--ip", "192.0.2.2", "--inner-ip", "198.51.100.2", "--dwell"],
    "reflect-encap": ["reflect", "--encap", "@UDP@", "@PORTS@", "--promiscuous", "--port", "1",
                      "--no-live"],
    "loop": ["loop", "--encap", "all", "--rate", "unlimited", "--peer-port", "0",
             "--reflect-lcore", "2", "--outer-udp-csum", "compute"],
    "loop-key": ["loop", "--key", "/nonexistent/key", "--probe", "full"],
    "bad-both-sizes": ["frames", "--frame-size", "64", "--inner-size", "46"],
    "bad-unknown": ["send", "--frobnicate"],
    "bad-short-cluster": ["reflect", "-xy"],
    "bad-missing": ["send", "--rate"],
    "bad-arg": ["frames", "stray"],
    "bad-encap": ["frames", "--encap", "raw,raw"],
    "bad-mac": ["frames", "--src-mac", "02:00:00:00:00:0g"],
    "bad-cmd-option": ["frames", "--rate", "1M"],
    "help": ["reflect", "--help"],
    "abbrev": ["frames", "--enc=@TUNNEL@", "--fra", "128"],
    "bad-allow": ["reflect", "--allow", "192.0.2.0/33"],
    "frames-inner6": ["frames", "--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip",
                      "2001:db8:1::2", "--inner-proto", "icmp"],
    "bad-inner-mixed": ["frames", "--inner-src-ip", "2001:db8:1::1"],
}


def option_lines(cat):
    """OPTIONS with the catalogue's names in place of @BASE@ (the baseline), @TUNNEL@ (the first
    tunnel), @UDP@ (the UDP tunnels) and @PORTS@ (each UDP tunnel's port option, moved)."""
    udp = [e for e in cat if e.udp]
    ports = []
    for e in udp:
        o = e.port_option()
        if o:
            ports += ["--" + o["name"], str(o["default"] + 1)]
    subst = {"@BASE@": cat.baseline().name, "@TUNNEL@": cat.tunnels()[0].name,
             "@UDP@": ",".join(e.name for e in udp)}
    out = {}
    for name, words in OPTIONS.items():
        line = []
        for w in words:
            if w == "@PORTS@":
                line += ports
                continue
            for k, v in subst.items():
                w = w.replace(k, v)
            line.append(w)
        out[name] = b"\0".join(w.encode() for w in line)
    return out


def guards():
    out = {}
    out["allow-ok"] = b"\x00" + b"192.0.2.0/24\x0010.0.0.1\x000.0.0.0/0"
    out["allow-bad"] = b"\x00" + b"192.0.2/24\x00/8\x001.2.3.4/\x00256.0.0.1\x001.2.3.4/33"
    # replay: session, stream, then 9-byte ops (kind, 8 bytes)
    ops = b""
    for kind, v in [(0, 5), (0, 6), (1, 3), (0, 1000), (2, 1500), (1, 1100), (3, 0), (0, 1)]:
        ops += bytes([kind]) + struct.pack(">Q", v)
    out["replay"] = b"\x01" + struct.pack(">IH", 7, 1) + ops
    out["key-ok"] = b"\x02" + FUZZ_KEY.encode() + b"\n"
    out["key-bad"] = b"\x02" + b"0011223344556677889900aabbccddeeffg"
    out["ratecap"] = b"\x03" + struct.pack(">QQ", 1000, 2000000000) + bytes(range(64))
    return out


def write(dirname, items):
    path = os.path.join(CORPUS, dirname)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for name, data in sorted(items.items()):
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)
    return len(items), sum(len(d) for d in items.values())


def main():
    ovlperf = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else \
        os.path.join(ROOT, "build", "app", "ovlperf")
    cat = catalogue.load(ovlperf)
    with tempfile.TemporaryDirectory(prefix="ovl-corpus-") as tmp:
        frames = frames_from_ovlperf(ovlperf, cat, tmp)
    parse = dict(frames)
    parse.update(foreign_frames(cat, frames))
    parse.update(truncations(frames, cat))
    options = option_lines(cat)
    for name, items in (("parse", parse), ("options", options), ("guards", guards())):
        n, size = write(name, items)
        print("%s: %d files, %d bytes" % (name, n, size))


if __name__ == "__main__":
    main()
