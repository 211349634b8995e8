#!/usr/bin/env python3
"""ovlperf's frames over an IPv6 underlay, decoded field by field by tshark and by scapy.

For every encapsulation the binary lists as running over IPv6 (frames --list --json:
overhead_ipv6), UDP and ICMP probes, untagged and tagged, with the outer UDP checksum as the
default makes it and as --outer-udp-csum zero: tshark's protocol chain and its IPv6 fields
(version, class, flow label, payload length, next header, hop limit, addresses), its verdict on
every checksum (the outer UDP one over the IPv6 pseudo-header, ICMPv6's), the tunnel's
identifier; scapy's own decode of the same frame and the checksums it computes anew, which must
equal the ones ovlperf carries. An encapsulation that is IPv4 only has no IPv6 frame.
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

import logging  # noqa: E402
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import ICMP, UDP, Ether, ICMPv6EchoRequest, IPv6  # noqa: E402

OVLPERF = path_from_argv()
SRC, DST = "2001:db8::1", "2001:db8::2"
GOOD = "1"  # tshark's checksum status: good


def tshark_fields(path, cat):
    fields = ["frame.protocols", "ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen",
              "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst", "udp.checksum",
              "udp.checksum.status", "icmpv6.type", "icmpv6.checksum.status", "vxlan.vni",
              "geneve.vni", "gre.proto", "ip.src", "ip.dst", "icmp.type"]
    cmd = [ts.TSHARK, "-r", path, "-n", "-T", "fields", "-E", "occurrence=a",
           "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
           "--disable-protocol", "hipercontracer", "-d", "udp.port==7000,data"] + \
        ts.decode_as(cat) + sum([["-e", f] for f in fields], [])
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("tshark: %s" % r.stderr.decode()[-300:])
    return [dict(zip(fields, line.split("\t"))) for line in r.stdout.decode().splitlines()]


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


def body(tap, ws):
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
