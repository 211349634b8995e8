#!/usr/bin/python3
"""Writes the fuzzers' seed corpora: tests/fuzz/corpus/{parse,options,guards}/.

Usage: /usr/bin/python3 tests/fuzz/make_corpus.py [PATH_TO_OVLPERF]   (default build/app/ovlperf)

parse: the frames `ovlperf frames --pcap` builds for every encapsulation under several options
(smallest, sized, ICMP, VLAN, full probe, keyed, fragmented, Linux's VXLAN port, outer UDP
checksum), ARP requests and replies (plain, tagged, inside VXLAN), a few foreign frames (IPv6,
LLDP) and truncations of a frame of each encapsulation at every header boundary.
options: NUL-separated command lines, valid and invalid (fuzz_options.c reads the first word as
the command).
guards: inputs for fuzz_guards.c: a mode byte (0 allowlist, 1 replay window, 2 key file, 3 rate
cap) and its bytes.

The script replaces the three directories' contents, so the corpus is exactly what it writes.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


FRAME_RUNS = [
    ("small", []),
    ("frame256", ["--frame-size", "256"]),
    ("icmp", ["--inner-proto", "icmp", "--inner-size", "120"]),
    ("vlan", ["--vlan", "100", "--frame-size", "160"]),
    ("full", ["--probe", "full", "--inner-size", "200", "--session", "0x01020304",
              "--stream", "1", "--seq", "0x0102030405060708"]),
    ("keyed", ["--key", "@KEY@", "--inner-size", "120", "--session", "7", "--seq", "9"]),
    ("keyed-icmp", ["--key", "@KEY@", "--inner-size", "120", "--inner-proto", "icmp"]),
    ("frag", ["--inner-size", "2000", "--mtu", "1000"]),
    ("vxlan8472", ["--encap", "vxlan", "--vxlan-port", "8472", "--outer-udp-csum", "compute"]),
    ("nocsum", ["--encap", "flannel", "--outer-udp-csum", "zero"]),
]
# The fuzzer's key (fuzz_parse.c), so that keyed seeds carry tags that check.
FUZZ_KEY = "00112233445566778899aabbccddeeff"


def frames_from_ovlperf(ovlperf, tmp):
    keyfile = os.path.join(tmp, "key")
    with open(keyfile, "w") as f:
        f.write(FUZZ_KEY + "\n")
    out = {}
    for name, opts in FRAME_RUNS:
        pcap = os.path.join(tmp, name + ".pcap")
        opts = [keyfile if o == "@KEY@" else o for o in opts]
        cmd = [ovlperf, "--", "frames", "--quiet", "--session", "0x0a0b0c0d", "--pcap", pcap]
        if "--encap" not in opts:
            cmd += ["--encap", "all"]
        # --session twice is fine: the last one wins
        subprocess.run(cmd + opts, check=True, stdin=subprocess.DEVNULL, timeout=60)
        for i, fr in enumerate(read_pcap(pcap)):
            out["%s-%d" % (name, i)] = fr
    return out


def foreign_frames():
    from scapy.all import ARP, IPv6, UDP, VXLAN, Dot1Q, Ether, Raw  # noqa: E402
    from scapy.all import IP  # noqa: E402
    mac, peer = "02:00:00:00:00:02", "02:00:00:00:00:01"
    out = {
        "arp-request": Ether(dst="ff:ff:ff:ff:ff:ff", src=peer) /
        ARP(op=1, hwsrc=peer, psrc="192.0.2.1", pdst="192.0.2.2"),
        "arp-reply": Ether(dst=peer, src=mac) /
        ARP(op=2, hwsrc=mac, psrc="192.0.2.2", hwdst=peer, pdst="192.0.2.1"),
        "arp-vlan": Ether(dst="ff:ff:ff:ff:ff:ff", src=peer) / Dot1Q(vlan=100) /
        ARP(op=1, hwsrc=peer, psrc="192.0.2.1", pdst="192.0.2.2"),
        "arp-in-vxlan": Ether(dst=mac, src=peer) / IP(src="192.0.2.1", dst="192.0.2.2") /
        UDP(sport=50000, dport=4789) / VXLAN(vni=42) /
        Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:01:01") /
        ARP(op=1, hwsrc="02:00:00:00:01:01", psrc="198.51.100.1", pdst="198.51.100.2"),
        "ipv6": Ether(dst=mac, src=peer) / IPv6(src="2001:db8::1", dst="2001:db8::2") /
        UDP(sport=40000, dport=7000) / Raw(b"\xa9\x11" + bytes(16)),
        "lldp": Ether(dst="01:80:c2:00:00:0e", src=peer, type=0x88CC) /
        Raw(bytes.fromhex("0207040200000000010403020001060200780000")),
    }
    return {k: bytes(v) for k, v in out.items()}


def truncations(frames):
    """Each encapsulation's smallest frame cut at every header boundary, and one byte short."""
    out = {}
    bounds = {
        "raw": [0, 13, 14, 33, 34, 41, 42, 43, 44, 59],
        "vxlan": [14, 33, 34, 41, 42, 49, 50, 63, 64, 83, 84, 91, 92, 109],
        "ipip": [14, 33, 34, 53, 54, 61, 62, 79],
        "flannel": [14, 33, 34, 41, 42, 61, 62, 69, 70, 87],
    }
    order = ["raw", "vxlan", "ipip", "flannel"]
    for i, enc in enumerate(order):
        fr = frames["small-%d" % i]
        for b in bounds[enc]:
            if b < len(fr):
                out["trunc-%s-%d" % (enc, b)] = fr[:b]
    return out


OPTIONS = {
    "frames-all": ["frames", "--encap", "all"],
    "frames-sizes": ["frames", "--encap", "vxlan,raw", "--frame-size", "256", "--vlan", "7"],
    "frames-frag": ["frames", "--inner-size", "3000", "--mtu", "1500"],
    "frames-mtu": ["frames", "--mtu", "9001", "--probe", "full"],
    "frames-icmp": ["frames", "--inner-proto", "icmp", "--inner-size", "92", "--ttl", "3"],
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
    "reflect-encap": ["reflect", "--encap", "vxlan,flannel", "--vxlan-port", "8472",
                      "--flannel-port", "8285", "--promiscuous", "--port", "1", "--no-live"],
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
    "abbrev": ["frames", "--enc=vxlan", "--fra", "128"],
    "bad-allow": ["reflect", "--allow", "192.0.2.0/33"],
}


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
    with tempfile.TemporaryDirectory(prefix="ovl-corpus-") as tmp:
        frames = frames_from_ovlperf(ovlperf, tmp)
    parse = dict(frames)
    parse.update(foreign_frames())
    parse.update(truncations(frames))
    options = {k: b"\0".join(w.encode() for w in v) for k, v in OPTIONS.items()}
    for name, items in (("parse", parse), ("options", options), ("guards", guards())):
        n, size = write(name, items)
        print("%s: %d files, %d bytes" % (name, n, size))


if __name__ == "__main__":
    main()
