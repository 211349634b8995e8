#!/usr/bin/env python3
"""The reflector of an inner IPv6 address against hostile inner IPv6 packets (net_pcap).

The valid probes are ovlperf's own frames with an inner IPv6 packet (`frames --encap E
--inner-src-ip 2001:db8:1::1 --inner-dst-ip 2001:db8:1::2`, UDP through every tunnel that carries
it, ICMPv6 echo through VXLAN); scapy makes the hostile kinds from the VXLAN one, changing only
its inner packet: sources the reflector never answers (link-local, multicast, loopback,
unspecified, its own), a destination not its own, extension headers (hop-by-hop, a fragment
header), an ICMPv6 echo reply, and an inner IPv4 probe to this reflector of an inner IPv6
address. Only the valid probes come back, turned around (inner addresses swapped, the inner
transport checksum good as scapy recomputes it, echo requests answered as replies); every other
frame is counted under its drop reason in the JSON, exactly.

Fragments (RFC 8200 4.5): ovlperf's own fragments of a 3000-byte inner datagram at MTU 1500 are
valid, each turned around on its own as IPv4 fragments are (the first one's ports swapped), and
scapy's defragment6 puts the replies back together into a datagram whose UDP checksum scapy
finds good. Malformed ones, made by scapy from them, are dropped by reason: an atomic fragment,
a length not a multiple of 8 with M set, an offset past 65,535 bytes, a fragment of SCTP, a first
fragment that carries no probe. Overlapping fragments are refused where fragments are
reassembled (the sender: tests/unit/test_frag.c), not here: the reflector, stateless, turns
every well-formed fragment around.
"""

import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import pcap  # noqa: E402
from ovlkit.harness import main  # noqa: E402
from ovlkit.ovlperf import frames as ovl_frames, path_from_argv  # noqa: E402
from test_hostile import port_mac, reflector  # noqa: E402

import logging  # noqa: E402
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (IP, UDP, Ether, ICMPv6EchoRequest, IPv6,  # noqa: E402
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, Raw, defragment6)

OVLPERF = path_from_argv()
SRC, DST = "2001:db8:1::1", "2001:db8:1::2"
REPS = 2


def inner_changed(frame, ext=None, **fields):
    """The VXLAN frame with its inner IPv6 header's fields changed (and extension headers ext
    after it), lengths and the inner checksum made anew by scapy."""
    p = Ether(frame)
    ip = p[IPv6]
    for k, v in fields.items():
        setattr(ip, k, v)
    upper = ip.payload
    if hasattr(upper, "chksum"):
        del upper.chksum
    if hasattr(upper, "cksum"):
        del upper.cksum
    if ext is not None:
        ip.remove_payload()
        del ip.nh
        ip.add_payload(ext / upper)
    del ip.plen
    del p[IP].len, p[IP].chksum, p[UDP].len
    return bytes(p)


def fragment_changed(frame, cut=0, **fields):
    """A VXLAN frame of an inner IPv6 fragment with its Fragment header's fields changed and cut
    bytes taken off its end, the inner and outer lengths made anew by scapy."""
    p = Ether(frame)
    fh = p[IPv6ExtHdrFragment]
    for k, v in fields.items():
        setattr(fh, k, v)
    if cut:
        data = bytes(fh.payload)[:-cut]
        fh.remove_payload()
        fh.add_payload(Raw(data))
    del p[IPv6].plen
    del p[IP].len, p[IP].chksum, p[UDP].len
    return bytes(p)


def no_probe(frame):
    """The first fragment with its probe's magic byte changed."""
    b = bytearray(frame)
    at = len(Ether(frame)) - len(Ether(frame)[IPv6ExtHdrFragment].payload) + 8
    b[at] ^= 0xFF
    return bytes(b)


def echo_reply(frame):
    """An inner ICMPv6 echo request turned into a reply, probe and all: never answered."""
    p = Ether(frame)
    icmp = p[ICMPv6EchoRequest]
    icmp.type = 129
    del icmp.cksum
    return bytes(p)


def kinds(valid, v4_probe, frags):
    """(name, frame, drop reason or None for reflected) for each kind."""
    vx = dict(valid)["vxlan"]
    k = [("valid-%s" % n, f, None) for n, f in valid]
    k += [("valid-fragment-%d" % i, f, None) for i, f in enumerate(frags)]
    first, last = frags[0], frags[-1]
    k += [
        ("fragment-atomic", fragment_changed(last, offset=0, m=0), "inner-ipv6-fragment"),
        ("fragment-not-multiple-of-8", fragment_changed(first, cut=4), "inner-ipv6-fragment"),
        ("fragment-past-65535", fragment_changed(last, offset=8191), "inner-ipv6-fragment"),
        ("fragment-of-sctp", fragment_changed(last, nh=132), "inner-proto"),
        ("fragment-first-without-probe", no_probe(first), "not-probe"),
    ]
    k += [
        ("inner-source-link-local", inner_changed(vx, src="fe80::1"), "bad-source"),
        ("inner-source-multicast", inner_changed(vx, src="ff02::1"), "bad-source"),
        ("inner-source-loopback", inner_changed(vx, src="::1"), "bad-source"),
        ("inner-source-unspecified", inner_changed(vx, src="::"), "bad-source"),
        ("inner-source-own", inner_changed(vx, src=DST), "bad-source"),
        ("inner-destination-other", inner_changed(vx, dst="2001:db8:1::99"), "not-addressed"),
        ("inner-hop-by-hop", inner_changed(vx, ext=IPv6ExtHdrHopByHop()),
         "inner-ipv6-extension-header"),
        ("inner-fragment-header-atomic", inner_changed(vx, ext=IPv6ExtHdrFragment(id=7)),
         "inner-ipv6-fragment"),
        ("inner-icmpv6-echo-reply", echo_reply(dict(valid)["vxlan-icmp"]), "icmp-type"),
        ("inner-ipv4-probe", v4_probe, "not-addressed"),
    ]
    return k


def inner_ipv6(o):
    """The inner IPv6 packet of a reply: scapy finds it after VXLAN and GRE; after the UDP ports
    it does not know, it is read at its offset (flannel: right after UDP 8285; GENEVE on 6081:
    after its 8-byte header and the inner Ethernet one)."""
    p = Ether(o)
    if p.haslayer(IPv6):
        return p[IPv6]
    skip = 8 + 14 if 6081 in (p[UDP].sport, p[UDP].dport) else 0
    return IPv6(bytes(p[UDP].payload)[skip:])


def reply_ok(o):
    """A reply: inner addresses swapped, the inner transport checksum good (scapy), echo
    requests answered as replies (ICMPv6 type 129). A fragment's checksum is its datagram's:
    checked by fragments_bad."""
    ip = inner_ipv6(o)
    if (ip.src, ip.dst) != (DST, SRC):
        return False
    if isinstance(ip.payload, IPv6ExtHdrFragment):
        return True
    upper = ip.payload
    if isinstance(upper, UDP):
        field = "chksum"
    elif isinstance(upper, ICMPv6EchoRequest) and upper.type == 129:
        field = "cksum"  # scapy's echo reply is a kind of its echo request
    else:
        return False
    q = IPv6(bytes(ip))
    delattr(q.payload, field)
    return getattr(upper, field) == getattr(IPv6(bytes(q)).payload, field)


def fragments_bad(outs):
    """The reflected fragments (each of the REPS copies of a datagram comes back in turn, all
    with ovlperf frames' identification 0), put back together per copy by scapy's defragment6:
    REPS datagrams of 3000 bytes, ports swapped, each UDP checksum good as scapy recomputes it.
    Returns what is wrong."""
    frags = [inner_ipv6(o) for o in outs if IPv6ExtHdrFragment in inner_ipv6(o)]
    whole = [IPv6(bytes(defragment6(frags[r::REPS]))) for r in range(REPS) if frags[r::REPS]]
    bad = []
    for ip in whole:
        udp = ip[UDP]
        q = IPv6(bytes(ip))
        del q[UDP].chksum
        if len(ip) != 3000 or (udp.sport, udp.dport) != (7000, 40000) or \
                udp.chksum != IPv6(bytes(q))[UDP].chksum:
            bad.append("%d bytes, ports %d > %d, checksum 0x%04x" % (len(ip), udp.sport,
                                                                    udp.dport, udp.chksum))
    if len(whole) != REPS:
        bad.append("%d datagrams from %d fragments, want %d" % (len(whole), len(frags), REPS))
    return bad


def body(tap, ws):
    mac = port_mac(tap, ws, OVLPERF)
    if mac is None:
        return
    base = ["--dst-mac", mac, "--vni", "42"]
    inner6 = ["--inner-src-ip", SRC, "--inner-dst-ip", DST]
    valid = []
    for name, opts in (("vxlan", []), ("vxlan-icmp", ["--inner-proto", "icmp"]),
                       ("flannel", []), ("geneve", []), ("gretap", [])):
        try:
            valid.append((name, ovl_frames(OVLPERF, base + inner6 + opts +
                                           ["--encap", name.split("-")[0]])[0]))
        except Exception as exc:  # noqa: BLE001  (an encapsulation this build lacks)
            tap.ok(False, "ovlperf frames --encap %s with inner IPv6" % name, [str(exc)])
            return
    v4_probe = ovl_frames(OVLPERF, base + ["--encap", "vxlan"])[0]
    frags = ovl_frames(OVLPERF, base + inner6 + ["--encap", "vxlan", "--inner-size", "3000",
                                                 "--mtu", "1500"])
    if not tap.ok(len(frags) == 3, "frames: a 3000-byte inner IPv6 datagram in 3 fragments "
                  "at MTU 1500", ["%d frames" % len(frags)]):
        return
    ks = kinds(valid, v4_probe, frags)
    frames = [f for _, f, _ in ks for _ in range(REPS)]
    in_pcap = ws.path("IN.pcap")
    pcap.write(in_pcap, frames)
    r, doc, out_pcap = reflector(ws, OVLPERF, "refl-inner6", in_pcap,
                                 ["--inner-ip", DST, "--vni", "42", "--duration", "2"])
    if not tap.ok(r.rc == 0 and doc is not None,
                  "reflect --inner-ip %s over net_pcap exits 0" % DST, r.diag()):
        return
    outs = pcap.frames(out_pcap)
    n_valid = (len(valid) + len(frags)) * REPS
    tap.ok(len(outs) == n_valid and doc["reflector"]["reflected"] == n_valid and
           doc["reflector"]["fragments_reflected"] == len(frags) * REPS,
           "only the valid probes and fragments come back: %d of %d frames (%s, %d fragments)"
           % (len(outs), len(frames), ", ".join(n for n, _ in valid), len(frags) * REPS),
           ["reflected %s, fragments_reflected %s" % (doc["reflector"]["reflected"],
                                                      doc["reflector"]["fragments_reflected"])])
    bad = fragments_bad(outs)
    tap.ok(not bad, "the reflected fragments, reassembled by scapy: %d datagrams of 3000 bytes, "
           "ports swapped, UDP checksums good" % REPS, bad)
    bad = [Ether(o).summary() for o in outs if not reply_ok(o)]
    tap.ok(outs and not bad, "every reply: inner addresses swapped, inner checksum good "
           "(scapy), ICMPv6 echo answered with a reply", bad[:4])
    want = {}
    for _, _, why in ks:
        if why:
            want[why] = want.get(why, 0) + REPS
    drops = {k: v for k, v in doc["reflector"]["drops"].items() if v}
    tap.ok(drops == want, "the drops per reason are exactly these: %s" % ", ".join(
        "%s %d" % kv for kv in sorted(want.items())), ["counted %r" % drops])


if __name__ == "__main__":
    sys.exit(main("hostile_inner6", body))
