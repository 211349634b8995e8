#!/usr/bin/env python3
"""ovlperf's frames over an IPv6 underlay, decoded field by field by tshark and by scapy.

For every encapsulation the binary lists as running over IPv6 (frames --list --json:
overhead_ipv6), UDP and ICMP probes, untagged and tagged, with the outer UDP checksum as the
default makes it and as --outer-udp-csum zero: tshark's protocol chain and its IPv6 fields
(version, class, flow label, payload length, next header, hop limit, addresses), its verdict on
every checksum (the outer UDP one over the IPv6 pseudo-header, ICMPv6's), the tunnel's
identifier; scapy's own decode of the same frame and the checksums it computes anew, which must
equal the ones ovlperf carries. An encapsulation that is IPv4 only has no IPv6 frame.

Neighbour discovery: the solicitations a sender writes while nothing answers (net_pcap, an
empty capture in), untagged and tagged, and the advertisements a reflector of their target
writes for them (those solicitations as its capture in), decoded by tshark field by field
(hop limit 255, solicited-node group and its 33:33 MAC, target, LLA option, flags, checksum)
and by scapy, which computes the ICMPv6 checksums anew.
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
from ovlkit.ovlperf import eal, frames as ovl_frames, path_from_argv  # noqa: E402

import logging  # noqa: E402
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (ICMP, UDP, Ether, ICMPv6EchoRequest, ICMPv6ND_NA,  # noqa: E402
                       ICMPv6ND_NS, IPv6)

OVLPERF = path_from_argv()
SRC, DST = "2001:db8::1", "2001:db8::2"
GOOD = "1"  # tshark's checksum status: good


def tshark_fields(path, cat):
    fields = ["frame.protocols", "ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen",
              "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst", "udp.checksum",
              "udp.checksum.status", "icmpv6.type", "icmpv6.checksum.status", "vxlan.vni",
              "geneve.vni", "gre.proto", "ip.src", "ip.dst", "icmp.type"]
    return ts.fields(path, cat, fields)


def expected_protocols(e, vlan, proto):
    chain = ts.protocols(e, vlan, proto).split(":")
    i = chain.index("ip")
    chain[i] = "ipv6"  # the outer header (raw: the probe's own)
    if not e.tunnel and proto == "icmp":
        chain[chain.index("icmp")] = "icmpv6"
    return ":".join(chain)


def check(e, vlan, proto, zero, raw, d):
    """Problems with one frame, from tshark's fields d and scapy's decode of raw."""
    bad = []
    l2 = 18 if vlan else 14
    want = expected_protocols(e, vlan, proto)
    if d["frame.protocols"] != want:
        bad.append("protocols %s, want %s" % (d["frame.protocols"], want))
    nxt = e.ip_proto or (17 if proto == "udp" else 58)
    got = (d["ipv6.version"], int(d["ipv6.tclass"], 16), int(d["ipv6.flow"], 16),
           int(d["ipv6.plen"]), int(d["ipv6.nxt"]), int(d["ipv6.hlim"]), d["ipv6.src"],
           d["ipv6.dst"])
    exp = ("6", 0, 0, len(raw) - l2 - 40, nxt, 64, SRC, DST)
    if got != exp:
        bad.append("tshark IPv6 (version, class, flow, plen, nxt, hlim, src, dst) %r, want %r"
                   % (got, exp))
    statuses = d["udp.checksum.status"].split(",") if d["udp.checksum.status"] else []
    if e.udp:
        # RFC 6935's zero: tshark calls it illegal over IPv6, which is why it is not the default
        outer = "4" if zero else GOOD
        if not statuses or statuses[0] != outer:
            bad.append("outer UDP checksum status %s, want %s" % (statuses[:1], outer))
        statuses = statuses[1:]
    if proto == "udp" and statuses != [GOOD]:
        bad.append("probe UDP checksum statuses %s" % statuses)
    if not e.tunnel and proto == "icmp" and (d["icmpv6.type"], d["icmpv6.checksum.status"]) \
            != ("128", GOOD):
        bad.append("ICMPv6 type %s checksum %s" % (d["icmpv6.type"], d["icmpv6.checksum.status"]))
    if e.tunnel:
        if (d["ip.src"], d["ip.dst"]) != ("198.51.100.1", "198.51.100.2"):
            bad.append("inner IPv4 %s > %s" % (d["ip.src"], d["ip.dst"]))
        if proto == "icmp" and d["icmp.type"] != "8":
            bad.append("inner ICMP type %s" % d["icmp.type"])
    vni = d.get("%s.vni" % e.name)
    if vni is not None and int(vni, 0) != 42:
        bad.append("%s VNI %s" % (e.name, vni))
    if e.ip_proto == 47 and d["gre.proto"] != "0x6558":
        bad.append("GRE protocol %s" % d["gre.proto"])
    # scapy: its own decode, and the checksums made anew
    p = Ether(raw)
    ip = p[IPv6]
    if (ip.version, ip.tc, ip.fl, ip.plen, ip.nh, ip.hlim, ip.src, ip.dst) != \
            (6, 0, 0, len(raw) - l2 - 40, nxt, 64, SRC, DST):
        bad.append("scapy IPv6 %s" % ip.summary())
    # the first checksum after the IPv6 header: the outer UDP one, the probe's own (raw), or
    # (GRE) the inner packet's
    layer = UDP if (e.udp or proto == "udp") else ICMP if e.tunnel else ICMPv6EchoRequest
    field = "cksum" if layer is ICMPv6EchoRequest else "chksum"
    carried = getattr(ip[layer], field)
    if layer is UDP and zero and e.udp:
        if carried != 0:
            bad.append("outer UDP checksum 0x%04x, --outer-udp-csum zero asked" % carried)
    else:
        q = Ether(raw)
        delattr(q[IPv6][layer], field)
        again = getattr(Ether(bytes(q))[IPv6][layer], field)
        if carried != again:
            bad.append("scapy: checksum 0x%04x carried, 0x%04x computed" % (carried, again))
    return bad


NDP_FIELDS = ["frame.protocols", "eth.dst", "eth.src", "vlan.id", "ipv6.plen", "ipv6.hlim",
              "ipv6.src", "ipv6.dst", "icmpv6.type", "icmpv6.code", "icmpv6.checksum.status",
              "icmpv6.nd.ns.target_address", "icmpv6.nd.na.target_address",
              "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o",
              "icmpv6.opt.type", "icmpv6.opt.length", "icmpv6.opt.linkaddr"]


def ndp_tshark(path):
    cmd = [ts.TSHARK, "-r", path, "-n", "-T", "fields", "-E", "occurrence=a"]
    cmd += sum([["-e", f] for f in NDP_FIELDS], [])
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("tshark: %s" % r.stderr.decode()[-300:])
    return [dict(zip(NDP_FIELDS, line.split("\t"))) for line in r.stdout.decode().splitlines()]


def ndp_run(ws, name, in_pcap, args):
    """One ovlperf run on net_pcap reading in_pcap; its result and the capture it wrote."""
    out = ws.path(name + ".OUT.pcap")
    cmd = [OVLPERF] + eal(ws.prefix(name), "0@0,1@1",
                          ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (in_pcap, out)]) + ["--"] + args
    return ws.run(cmd, 60), out


def ndp_check(d, raw, mac, vlan, advert):
    """Problems with one solicitation (advert False) or advertisement, as tshark (fields d)
    and scapy (raw) decode it."""
    want = {"frame.protocols": "eth:ethertype:%sipv6:icmpv6" % ("vlan:ethertype:" if vlan else ""),
            "eth.src": mac, "vlan.id": "5" if vlan else "", "ipv6.plen": "32",
            "ipv6.hlim": "255", "icmpv6.code": "0", "icmpv6.checksum.status": GOOD,
            "icmpv6.opt.length": "1", "icmpv6.opt.linkaddr": mac}
    if advert:
        want.update({"eth.dst": mac, "ipv6.src": DST, "ipv6.dst": SRC,
                     "icmpv6.type": "136", "icmpv6.nd.na.target_address": DST,
                     "icmpv6.nd.na.flag.r": "0", "icmpv6.nd.na.flag.s": "1",
                     "icmpv6.nd.na.flag.o": "1", "icmpv6.opt.type": "2"})
    else:
        want.update({"eth.dst": "33:33:ff:00:00:02", "ipv6.src": SRC,
                     "ipv6.dst": "ff02::1:ff00:2", "icmpv6.type": "135",
                     "icmpv6.nd.ns.target_address": DST, "icmpv6.opt.type": "1"})
    bad = ["tshark %s %r, want %r" % (k, d.get(k), v) for k, v in want.items() if d.get(k) != v]
    p = Ether(raw)
    layer = ICMPv6ND_NA if advert else ICMPv6ND_NS
    if not p.haslayer(layer):
        return bad + ["scapy: no %s in %s" % (layer.__name__, p.summary())]
    q = Ether(raw)
    del q[layer].cksum
    again = Ether(bytes(q))[layer].cksum
    if p[layer].cksum != again:
        bad.append("scapy: checksum 0x%04x carried, 0x%04x computed" % (p[layer].cksum, again))
    return bad


def body_ndp(tap, ws):
    empty = ws.path("ndp-empty.pcap")
    pcap.write(empty, [])
    sent = []
    for vlan in (0, 1):
        r, out = ndp_run(ws, "ndp-send-%d" % vlan, empty,
                         ["send", "--encap", "vxlan", "--src-ip", SRC, "--dst-ip", DST,
                          "--arp-timeout", "0.5", "--no-live"] + (["--vlan", "5"] if vlan else []))
        line = "no neighbour advertisement for next hop %s on port 0 within 0.5 s; give its " \
            "MAC with --dst-mac" % DST
        tap.ok(r.rc != 0 and line in r.err, "send over IPv6, nothing answering%s: fails in one "
               "line naming the address and --dst-mac" % (", tagged" if vlan else ""), r.diag())
        sent.append(pcap.frames(out))
    mac = Ether(sent[0][0]).src if sent[0] else None
    for vlan, raws in enumerate(sent):
        d = ndp_tshark(ws.path("ndp-send-%d.OUT.pcap" % vlan))
        bad = [] if raws and len(d) == len(raws) else ["%d frames, tshark %d" % (len(raws), len(d))]
        for i, raw in enumerate(raws if not bad else []):
            bad += ndp_check(d[i], raw, mac, vlan, False)
        tap.ok(not bad, "the sender's solicitations%s (%d): tshark and scapy agree field by field"
               % (", tagged" if vlan else "", len(raws)), bad[:8])
    # Both processes' net_pcap port has the same MAC: the reflector answers at the one the
    # solicitation's option names, from its own.
    asks = [raw for raws in sent for raw in raws[:2]]
    in_pcap = ws.path("ndp-asks.pcap")
    pcap.write(in_pcap, asks)
    r, out = ndp_run(ws, "ndp-reflect", in_pcap, ["reflect", "--ip", DST, "--duration", "1",
                                                  "--no-live", "--quiet"])
    answers = pcap.frames(out) if r.rc == 0 else []
    d = ndp_tshark(out) if answers else []
    bad = [] if len(answers) == len(asks) == len(d) else \
        ["%d solicitations, %d advertisements, tshark %d" % (len(asks), len(answers), len(d))] + \
        r.diag()
    for i, raw in enumerate(answers if not bad else []):
        bad += ndp_check(d[i], raw, mac, Ether(asks[i]).type == 0x8100, True)
    tap.ok(not bad, "reflect --ip %s answers each solicitation with an advertisement (%d): "
           "tshark and scapy agree field by field" % (DST, len(asks)), bad[:8])


def body(tap, ws):
    body_ndp(tap, ws)
    cat = catalogue.load(OVLPERF)
    v6 = [e for e in cat if e.ipv6]
    tap.ok([e.name for e in cat if not e.ipv6] == ["ipip"],
           "IPv4 only: ipip alone (%s)" % ", ".join(e.name for e in cat if not e.ipv6))
    for e in v6:
        for proto in ("udp", "icmp"):
            for vlan in (0, 1):
                for zero in (False, True):
                    if zero and not e.udp:
                        continue
                    args = ["--encap", e.name, "--inner-proto", proto, "--src-ip", SRC,
                            "--dst-ip", DST, "--frame-size", "300"]
                    args += ["--vlan", "5"] if vlan else []
                    args += ["--outer-udp-csum", "zero"] if zero else []
                    raws = ovl_frames(OVLPERF, args)
                    path = ws.path("%s-%s-%d-%d.pcap" % (e.name, proto, vlan, zero))
                    pcap.write(path, raws)
                    d = tshark_fields(path, cat)
                    bad = check(e, vlan, proto, zero, raws[0], d[0]) if len(d) == 1 else \
                        ["tshark saw %d frames" % len(d)]
                    tap.ok(not bad, "%s over IPv6, %s%s%s: tshark and scapy agree field by "
                           "field" % (e.name, proto, ", tagged" if vlan else "",
                                      ", outer UDP checksum zero" if zero else ""), bad)


if __name__ == "__main__":
    sys.exit(main("decoders_ipv6", body))
