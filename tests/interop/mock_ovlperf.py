#!/usr/bin/python3
"""A scapy stand-in for `ovlperf frames`, for exercising test_decoders.py before (or without)
the C binary: `test_decoders.py --self-test` runs the whole suite against this script.

It builds frames with tests/golden/make_golden.py's scapy builder and implements the `frames`
command line of the contract (docs/wire-format.md for the bytes). It is test scaffolding, not an
oracle: the checks in test_decoders.py compute their expectations on their own.
"""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
import make_golden as mg  # noqa: E402
from scapy.all import IP, Raw, Ether, PcapWriter  # noqa: E402

ALL = ("raw", "vxlan", "ipip", "flannel")


def num(s):
    return int(s, 0)


def fail(msg):
    sys.stderr.write("ovlperf: " + msg + "\n")
    sys.exit(2)


def main(argv):
    if len(argv) < 2 or argv[1] != "frames":
        fail("usage: ovlperf frames ...")
    ap = argparse.ArgumentParser(prog="ovlperf frames")
    ap.add_argument("--encap", default="raw")
    ap.add_argument("--frame-size", type=num)
    ap.add_argument("--inner-size", type=num)
    ap.add_argument("--mtu", type=num)
    ap.add_argument("--vlan", type=num, default=0)
    ap.add_argument("--inner-proto", default="udp", choices=("udp", "icmp"))
    ap.add_argument("--vni", type=num)
    ap.add_argument("--vxlan-port", type=num)
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
        encaps.extend(ALL if e == "all" else [e])
    for e in encaps:
        if e not in ALL:
            fail("unknown encapsulation %r" % e)
    o = dict(mg.DEFAULTS)
    for opt, key in (("vni", "vni"), ("vxlan_port", "vxlan_port"),
                     ("outer_udp_csum", "outer_udp_csum"), ("session", "session"),
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
        ovh = mg.OVERHEAD[encap]
        minf = mg.min_frame(encap, a.vlan)
        frag_mtu = None
        if a.frame_size is not None:
            if a.frame_size < minf:
                fail("frame size %d is too small for %s: the minimum is %d"
                     % (a.frame_size, encap, minf))
            inner = mg.inner_size_for(encap, a.vlan, "frame", a.frame_size)
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
            inner = mg.inner_size_for(encap, a.vlan, "frame", minf)
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
