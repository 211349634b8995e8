#!/usr/bin/python3
"""A scapy stand-in for `ovlperf frames`, for exercising test_decoders.py before (or without)
the C binary: `test_decoders.py --self-test` runs the whole suite against this script.

It builds frames with tests/golden/make_golden.py's scapy builder and implements the `frames`
command line of the contract (docs/wire-format.md for the bytes), and `frames --list --json`:
the encapsulations make_golden.py builds, their overheads and smallest frames from it, their
outer protocol, UDP port and inner Ethernet read from a frame it builds, and the options this
stand-in takes (OPTIONS, its counterpart of the descriptors' parameters in lib/encap/*.c). It
is test scaffolding, not an oracle: the checks in test_decoders.py compute their expectations on
their own.
"""

import argparse
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
import make_golden as mg  # noqa: E402
from scapy.all import IP, Raw, Ether, PcapWriter  # noqa: E402

# The options this stand-in takes per encapsulation: (name, make_golden.DEFAULTS key or None
# for one passed to make_golden by its own name, default, min, max).
OPTIONS = {
    "vxlan": [("vxlan-port", "vxlan_port", 4789, 1, 65535), ("vni", "vni", 42, 0, 0xFFFFFF)],
    "flannel": [("flannel-port", "flannel_port", 8285, 1, 65535)],
    "geneve": [("geneve-port", "geneve_port", 6081, 1, 65535), ("vni", "vni", 42, 0, 0xFFFFFF),
               ("geneve-opt-len", None, 0, 0, 252)],
    "gretap": [("gre-key", None, None, 0, 0xFFFFFFFF)],
}


def catalogue():
    """`frames --list --json`: make_golden.py's encapsulations, read from what it builds."""
    out = []
    for e in mg.ENCAPS:
        ovh = mg.OVERHEAD[e]
        f = mg.build_frame(e, "udp", 0, mg.MIN_INNER)
        proto = f[14 + 9] if ovh else None
        port = struct.unpack(">H", f[14 + 22:14 + 24])[0] if proto == 17 else None
        inner_mac = bytes(int(x, 16) for x in mg.DEFAULTS["inner_dst_mac"].split(":"))
        ieth = ovh >= 34 and f[14 + ovh - 14:14 + ovh - 8] == inner_mac
        out.append({"name": e, "summary": "make_golden.py's " + e, "overhead": ovh,
                    "min_frame": mg.min_frame(e, 0), "min_frame_keyed": mg.min_frame(e, 0) + 46,
                    "inner_ethernet": bool(ieth), "ip_proto": proto, "udp_port": port,
                    "flows": "inner UDP source ports",
                    "options": [{"name": n, "metavar": "N", "default": d, "min": lo, "max": hi,
                                 "help": n} for n, _, d, lo, hi in OPTIONS.get(e, [])]})
    return {"encaps": out}


def num(s):
    return int(s, 0)


def fail(msg):
    sys.stderr.write("ovlperf: " + msg + "\n")
    sys.exit(2)


def main(argv):
    if len(argv) > 1 and argv[1] == "--":
        argv = argv[:1] + argv[2:]
    if argv[1:] == ["frames", "--list", "--json"]:
        print(json.dumps(catalogue()))
        return 0
    if len(argv) < 2 or argv[1] != "frames":
        fail("usage: ovlperf frames ...")
    ap = argparse.ArgumentParser(prog="ovlperf frames")
    ap.add_argument("--encap", default="raw")
    ap.add_argument("--frame-size", type=num)
    ap.add_argument("--inner-size", type=num)
    ap.add_argument("--mtu", type=num)
    ap.add_argument("--vlan", type=num, default=0)
    ap.add_argument("--inner-proto", default="udp", choices=("udp", "icmp"))
    for opt in sorted({o[0] for opts in OPTIONS.values() for o in opts}):
        ap.add_argument("--" + opt, type=num)
    ap.add_argument("--outer-udp-csum", choices=("zero", "compute"))
    ap.add_argument("--session", type=num)
    ap.add_argument("--stream", type=num)
    ap.add_argument("--seq", type=num)
    ap.add_argument("--timestamp", type=num)
    ap.add_argument("--ttl", type=num)
    ap.add_argument("--inner-ttl", type=num)
    ap.add_argument("--src-ip")
    ap.add_argument("--dst-ip")
    ap.add_argument("--inner-src-ip")
    ap.add_argument("--inner-dst-ip")
    ap.add_argument("--src-port", type=num)
    ap.add_argument("--dst-port", type=num)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv[2:])

    encaps = []
    for e in a.encap.split(","):
        encaps.extend(mg.ENCAPS if e == "all" else [e])
    for e in encaps:
        if e not in mg.ENCAPS:
            fail("unknown encapsulation %r" % e)
    o = dict(mg.DEFAULTS)
    for opts in OPTIONS.values():
        for name, key, _, _, _ in opts:
            v = getattr(a, name.replace("-", "_"))
            if v is not None:
                o[key or name] = v
    for opt, key in (("outer_udp_csum", "outer_udp_csum"), ("session", "session"),
                     ("stream", "stream"), ("seq", "seq"), ("timestamp", "timestamp"),
                     ("src_ip", "src_ip"), ("dst_ip", "dst_ip"), ("inner_src_ip", "inner_src_ip"),
                     ("inner_dst_ip", "inner_dst_ip"), ("src_port", "src_port"),
                     ("dst_port", "dst_port")):
        if getattr(a, opt) is not None:
            o[key] = getattr(a, opt)
    if a.session is None:
        o["session"] = struct.unpack(">I", os.urandom(4))[0]
    if a.timestamp is None:
        o["timestamp"] = 0

    w = PcapWriter(a.pcap, linktype=1, sync=True)
    for encap in encaps:
        oe = dict(o)
        if a.ttl is not None:
            oe["outer_ttl"] = a.ttl
        if a.inner_ttl is not None:
            oe["inner_ttl"] = a.inner_ttl
        ovh = mg.overhead(encap, oe)
        minf = mg.min_frame(encap, a.vlan, oe)
        frag_mtu = None
        if a.frame_size is not None:
            if a.frame_size < minf:
                fail("frame size %d is too small for %s: the minimum is %d"
                     % (a.frame_size, encap, minf))
            inner = mg.inner_size_for(encap, a.vlan, "frame", a.frame_size, oe)
            if a.mtu is not None and a.mtu < ovh + inner:
                fail("frame size %d needs an MTU of %d" % (a.frame_size, ovh + inner))
        elif a.inner_size is not None:
            inner = a.inner_size
            if inner < mg.MIN_INNER:
                fail("inner size %d is too small: the minimum is %d" % (inner, mg.MIN_INNER))
            if a.mtu is not None and inner > a.mtu - ovh:
                frag_mtu = a.mtu - ovh
        elif a.mtu is not None:
            inner = a.mtu - ovh
            if inner < mg.MIN_INNER:
                fail("MTU %d is too small for %s: the minimum is %d"
                     % (a.mtu, encap, mg.MIN_INNER + ovh))
        else:
            inner = mg.inner_size_for(encap, a.vlan, "frame", minf, oe)
        sport = mg.flow_sport(a.inner_proto, oe)
        pkt = mg.inner_packet(encap, a.inner_proto, inner, oe)
        if frag_mtu is None:
            frames = [mg.encapsulate(encap, a.vlan, pkt, oe, sport)]
        else:
            whole = bytes(pkt)
            hdr, body = IP(whole[:20]), whole[20:]
            step = (frag_mtu - 20) // 8 * 8
            frames = []
            for off in range(0, len(body), step):
                chunk = body[off:off + step]
                last = off + step >= len(body)
                f = IP(src=hdr.src, dst=hdr.dst, ttl=hdr.ttl, id=hdr.id, tos=hdr.tos,
                       proto=hdr.proto, flags=0 if last else "MF", frag=off // 8) / Raw(chunk)
                frames.append(mg.encapsulate(encap, a.vlan, f, oe, sport))
        for f in frames:
            w.write(Ether(bytes(f)))
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
