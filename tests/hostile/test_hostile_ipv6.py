#!/usr/bin/env python3
"""The reflector of an IPv6 address against a hostile IPv6 capture (net_pcap).

The valid probes are ovlperf's own frames over IPv6 (`frames --encap all --src-ip 2001:db8::1
--dst-ip 2001:db8::2`); scapy makes the hostile kinds from them: extension headers (hop-by-hop,
a routing and destination-options chain, a fragment header), sources the reflector never
answers (link-local to a global address, multicast, loopback, unspecified, IPv4-mapped, its
own), a destination that is not its own, an ICMPv6 echo reply, an IPv6 header cut short and a
payload length past the frame. Neighbour solicitations: a valid one for its address and a
duplicate address detection probe (from ::) are answered; one from off-link (hop limit 64 or
254), with a wrong checksum, code 1, a multicast target or source, an option of length 0, from
a link-local source or for another address is not. Only the valid probes come back, turned
around (addresses swapped, checksums over IPv6 still good, as scapy recomputes them), and the
advertisements, which scapy decodes field by field; every other frame is counted under its
drop reason in the JSON, exactly.
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
from scapy.all import (UDP, Ether, ICMPv6ND_NA, ICMPv6ND_NS,  # noqa: E402
                       ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, IPv6, Raw,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting)

OVLPERF = path_from_argv()
SRC, DST = "2001:db8::1", "2001:db8::2"
REPS = 2


def with_ipv6(frame, **fields):
    """The frame with its outer IPv6 header's fields changed and checksums made anew."""
    p = Ether(frame)
    for k, v in fields.items():
        setattr(p[IPv6], k, v)
    if p.haslayer(UDP):
        del p[UDP].chksum
    return bytes(p)


def with_ext(frame, ext):
    """The frame with extension headers ext between its IPv6 header and what it carries."""
    p = Ether(frame)
    ip = p[IPv6]
    payload = ip.payload
    ip.remove_payload()
    del ip.nh, ip.plen
    q = p / ext / payload
    return bytes(q)


def echo_reply(frame):
    """An ICMPv6 echo request turned into a reply, probe and all: never answered."""
    p = Ether(frame)
    icmp = p[IPv6].payload
    icmp.type = 129
    del icmp.cksum
    return bytes(p)


def solicitation(mac, src=SRC, dst="ff02::1:ff00:2", tgt=DST, hlim=255, lla=True, **icmp):
    """A neighbour solicitation to the reflector (fields as given, checksum made by scapy)."""
    ns = ICMPv6ND_NS(tgt=tgt, **icmp)
    if lla:
        ns = ns / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01")
    return bytes(Ether(dst=mac, src="02:00:00:00:00:01") / IPv6(src=src, dst=dst, hlim=hlim) / ns)


def bad_cksum(frame):
    """The frame (IPv6 untagged) with its ICMPv6 checksum's first byte flipped."""
    return frame[:56] + bytes([frame[56] ^ 0xFF]) + frame[57:]


def ndp_kinds(mac):
    """Neighbour solicitations: two answered (None), the others dropped by reason."""
    return [
        ("ndp-solicitation", solicitation(mac), None),
        ("ndp-solicitation-dad", solicitation(mac, src="::", lla=False), None),
        ("ndp-solicitation-off-link-hop-limit-64", solicitation(mac, dst=DST, hlim=64),
         "ndp-off-link"),
        ("ndp-solicitation-off-link-hop-limit-254", solicitation(mac, hlim=254), "ndp-off-link"),
        ("ndp-solicitation-bad-checksum", bad_cksum(solicitation(mac)), "ndp-invalid"),
        ("ndp-solicitation-code-1", solicitation(mac, code=1), "ndp-invalid"),
        ("ndp-solicitation-target-multicast", solicitation(mac, tgt="ff02::1"), "ndp-invalid"),
        ("ndp-solicitation-source-multicast", solicitation(mac, src="ff02::2"), "ndp-invalid"),
        ("ndp-solicitation-option-length-0",
         bytes(Ether(dst=mac, src="02:00:00:00:00:01") / IPv6(src=SRC, dst=DST, hlim=255) /
               ICMPv6ND_NS(tgt=DST) / Raw(b"\x01\x00" + b"\x02" + b"\x00" * 5)), "ndp-invalid"),
        ("ndp-solicitation-source-link-local", solicitation(mac, src="fe80::1"), "bad-source"),
        ("ndp-solicitation-other-target", solicitation(mac, tgt="2001:db8::99"), "not-addressed"),
    ]


def kinds(valid, mac):
    """(name, frame, drop reason or None for reflected) for each kind."""
    raw = next(f for n, f in valid if n == "raw")
    tunnels = [(n, f) for n, f in valid if not n.startswith("raw")]
    k = [("valid-%s" % n, f, None) for n, f in valid]
    for n, f in [("raw", raw), tunnels[0]]:
        k += [
            ("%s-hop-by-hop" % n, with_ext(f, IPv6ExtHdrHopByHop()), "ipv6-extension-header"),
            ("%s-routing-dest-opts-chain" % n,
             with_ext(f, IPv6ExtHdrRouting() / IPv6ExtHdrDestOpt()), "ipv6-extension-header"),
            ("%s-fragment-header" % n, with_ext(f, IPv6ExtHdrFragment(id=7)),
             "ipv6-extension-header"),
            ("%s-source-link-local" % n, with_ipv6(f, src="fe80::1"), "bad-source"),
            ("%s-source-multicast" % n, with_ipv6(f, src="ff02::1"), "bad-source"),
            ("%s-source-loopback" % n, with_ipv6(f, src="::1"), "bad-source"),
            ("%s-source-unspecified" % n, with_ipv6(f, src="::"), "bad-source"),
            ("%s-source-ipv4-mapped" % n, with_ipv6(f, src="::ffff:192.0.2.1"), "bad-source"),
            ("%s-source-own" % n, with_ipv6(f, src=DST), "bad-source"),
            ("%s-destination-other" % n, with_ipv6(f, dst="2001:db8::99"), "not-addressed"),
            ("%s-destination-multicast" % n, with_ipv6(f, dst="ff02::1"), "not-addressed"),
            ("%s-cut-in-ipv6-header" % n, f[:14 + 30], "truncated-ip"),
            ("%s-payload-length-past-frame" % n,
             bytes(f[:18]) + (int.from_bytes(f[18:20], "big") + 1).to_bytes(2, "big") + f[20:],
             "ip-total-length"),
        ]
    k += [
        ("raw-icmpv6-echo-reply", echo_reply(next(f for n, f in valid if n == "raw-icmp")),
         "icmp-type"),
    ]
    return k + ndp_kinds(mac)


def check_adverts(tap, adverts, mac):
    """The answers to the two valid solicitations, REPS each, as scapy decodes them."""
    want = {SRC: ("02:00:00:00:00:01", 1), "ff02::1": ("33:33:00:00:00:01", 0)}
    got = sorted(a[IPv6].dst for a in adverts)
    if not tap.ok(got == sorted(list(want) * REPS),
                  "the solicitation and the DAD probe answered, %d each" % REPS,
                  ["advertisements to %s" % got]):
        return
    for a in adverts:
        na, ip = a[ICMPv6ND_NA], a[IPv6]
        eth_dst, solicited = want[ip.dst]
        q = Ether(bytes(a))
        del q[ICMPv6ND_NA].cksum
        cksum = Ether(bytes(q))[ICMPv6ND_NA].cksum
        tap.ok(a.dst == eth_dst and a.src == mac and ip.src == DST and ip.hlim == 255 and
               na.code == 0 and na.R == 0 and na.S == solicited and na.O == 1 and
               na.tgt == DST and a.haslayer(ICMPv6NDOptDstLLAddr) and
               a[ICMPv6NDOptDstLLAddr].lladdr == mac and na.cksum == cksum,
               "advertisement to %s: from %s, hop limit 255, S=%d O=1, target and its LLA "
               "option, checksum good (scapy)" % (ip.dst, DST, solicited), [a.show2(dump=True)])


def body(tap, ws):
    mac = port_mac(tap, ws, OVLPERF)
    if mac is None:
        return
    v6 = ["--src-ip", SRC, "--dst-ip", DST, "--dst-mac", mac, "--vni", "42"]
    names = []
    valid = []
    for name, opts in (("raw", []), ("raw-icmp", ["--inner-proto", "icmp"]), ("vxlan", []),
                       ("flannel", []), ("geneve", []), ("gretap", []),
                       ("vxlan-csum-zero", ["--outer-udp-csum", "zero"])):
        try:
            valid.append((name, ovl_frames(OVLPERF, v6 + opts + ["--encap",
                                                                 name.split("-")[0]])[0]))
            names.append(name)
        except Exception as exc:  # noqa: BLE001  (an encapsulation this build lacks)
            tap.ok(False, "ovlperf frames --encap %s over IPv6" % name, [str(exc)])
            return
    ks = kinds(valid, mac)
    frames = [f for _, f, _ in ks for _ in range(REPS)]
    in_pcap = ws.path("IN.pcap")
    pcap.write(in_pcap, frames)
    r, doc, out_pcap = reflector(ws, OVLPERF, "refl6", in_pcap,
                                 ["--ip", DST, "--vni", "42", "--duration", "2"])
    if not tap.ok(r.rc == 0 and doc is not None, "reflect --ip %s over net_pcap exits 0" % DST,
                  r.diag()):
        return
    outs = pcap.frames(out_pcap)
    n_valid = sum(1 for _, _, why in ks if why is None) * REPS
    tap.ok(len(outs) == n_valid and doc["reflector"]["reflected"] == n_valid,
           "only the valid probes come back: %d of %d frames (%s)" % (
               len(outs), len(frames), ", ".join(names)),
           ["reflected %s" % doc["reflector"]["reflected"]])
    adverts = [Ether(o) for o in outs if Ether(o).haslayer(ICMPv6ND_NA)]
    refl = doc["reflector"]
    tap.ok(refl.get("ndp_answered") == 2 * REPS and refl.get("arp_answered") == 0,
           "the JSON counts the answers as ndp_answered (%d), none as ARP" % (2 * REPS),
           ["ndp_answered %r arp_answered %r" % (refl.get("ndp_answered"),
                                                 refl.get("arp_answered"))])
    outs = [o for o in outs if not Ether(o).haslayer(ICMPv6ND_NA)]
    check_adverts(tap, adverts, mac)
    for o in outs:
        p = Ether(o)
        ok = p.haslayer(IPv6) and p[IPv6].src == DST and p[IPv6].dst == SRC
        if ok and p.haslayer(UDP) and p[UDP].chksum != 0:
            want = p[UDP].chksum
            q = Ether(o)
            del q[UDP].chksum
            ok = want == Ether(bytes(q))[UDP].chksum
        if not tap.ok(ok, "a reply from %s to %s, outer checksum good over IPv6 (scapy)" % (
                DST, SRC), [p.summary()]):
            break
    want = {}
    for _, _, why in ks:
        if why:
            want[why] = want.get(why, 0) + REPS
    drops = {k: v for k, v in doc["reflector"]["drops"].items() if v}
    for name, _, why in ks:
        if why:
            tap.ok(drops.get(why, 0) == want[why], "%s: dropped as %s (%d counted, %d expected)"
                   % (name, why, drops.get(why, 0), want[why]))
    tap.ok(drops == want, "the drops per reason are exactly these", ["counted %r" % drops,
                                                                     "expected %r" % want])


if __name__ == "__main__":
    sys.exit(main("hostile_ipv6", body))
