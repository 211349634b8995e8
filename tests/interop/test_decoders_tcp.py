#!/usr/bin/env python3
"""ovlperf's TCP probes (--inner-proto tcp), decoded by tshark and by scapy.

`ovlperf -- frames --encap X --inner-proto tcp --seq N [--tcp-flags F]` for every encapsulation
the binary lists, at its smallest TCP frame (frames --list --json's min_frame_tcp) and at 300
bytes, with SYN, PSH-ACK and FIN flags, inner IPv4 and (where the tunnel carries it) inner IPv6.
tshark's protocol chain holds tcp; its ports, raw sequence and acknowledgement numbers,
flags, header and data lengths, and its verdict on the TCP checksum; scapy's own decode and the
checksum it computes anew, which must equal the one carried. Expected from the parameters and
RFC 9293 alone: a segment's SEQ + SYN + FIN + its data length is the probe's sequence number
(mod 2^32), what a Linux RST to it acknowledges; with ACK set, the ACK field is that number too.
A frame under the smallest TCP frame is refused in one line, exit 2.
"""

import json
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
    from scapy.all import IP, TCP, IPv6  # noqa: E402
    HAVE_SCAPY = True
except ImportError:
    HAVE_SCAPY = False

OVLPERF = path_from_argv()
SEQ = 0x1234567890   # a probe sequence number past 2^32: the segment carries its low 32 bits
INNER6 = ["--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip", "2001:db8:1::2"]
FLAGS = {"S": 0x02, "PA": 0x18, "F": 0x01}
GOOD = "1"  # tshark's checksum status: good
FIELDS = ["frame.protocols", "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw",
          "tcp.flags", "tcp.hdr_len", "tcp.len", "tcp.checksum.status"]


def check(flags, raw, d, inner_off, inner6):
    """Problems with one frame, from tshark's fields d and scapy's decode of raw (its inner
    packet at inner_off)."""
    bad = []
    f = FLAGS[flags]
    if ":tcp" not in d["frame.protocols"]:
        bad.append("protocols %s" % d["frame.protocols"])
    try:
        seq, ack = int(d["tcp.seq_raw"]), int(d["tcp.ack_raw"] or 0)
        data, hdr = int(d["tcp.len"]), int(d["tcp.hdr_len"])
        got_flags = int(d["tcp.flags"], 16)
    except ValueError as exc:
        return bad + ["tshark fields %r: %s" % (d, exc)]
    seq32 = SEQ & 0xFFFFFFFF
    named = (seq + (f & 0x02 != 0) + (f & 0x01 != 0) + data) & 0xFFFFFFFF
    if named != seq32 or (f & 0x10 and ack != seq32) or (not f & 0x10 and ack != 0):
        bad.append("SEQ %#x + SEG.LEN names %#x, ACK %#x: the probe is %#x" % (seq, named, ack,
                                                                                 seq32))
    if (d["tcp.srcport"], d["tcp.dstport"]) != ("40000", "7000") or got_flags != f or hdr != 20:
        bad.append("ports %s > %s, flags %#x, header %d bytes" % (d["tcp.srcport"],
                                                                 d["tcp.dstport"], got_flags, hdr))
    if d["tcp.checksum.status"] != GOOD:
        bad.append("tshark: TCP checksum status %s" % d["tcp.checksum.status"])
    if not HAVE_SCAPY:
        return bad
    ip = (IPv6 if inner6 else IP)(raw[inner_off:])
    if not ip.haslayer(TCP):
        return bad + ["scapy: no TCP in %s" % ip.summary()]
    t = ip[TCP]
    if (t.sport, t.dport, int(t.flags), t.seq, t.ack, len(t.payload)) != (40000, 7000, f, seq, ack,
                                                                         data):
        bad.append("scapy: %s" % t.summary())
    carried = t.chksum
    q = ip.__class__(bytes(ip))
    del q[TCP].chksum
    again = ip.__class__(bytes(q))[TCP].chksum
    if carried != again:
        bad.append("scapy: checksum 0x%04x carried, 0x%04x computed" % (carried, again))
    return bad


def body(tap, ws):
    cat = catalogue.load(OVLPERF)
    tap.ok(True, "scapy %s" % ("present" if HAVE_SCAPY else "absent: tshark alone decodes"))
    listed = subprocess.run([OVLPERF, "--", "frames", "--list", "--json"], stdout=subprocess.PIPE,
                            timeout=60)
    tcp_min = {d["name"]: d.get("min_frame_tcp") for d in json.loads(listed.stdout)["encaps"]}
    for e in cat:
        smallest = tcp_min.get(e.name)
        for inner6 in ([], INNER6):
            # raw has no inner packet; IP-in-IP carries IPv4 only
            if inner6 and (not e.tunnel or not e.ipv6):
                continue
            for flags in FLAGS:
                for size in ("smallest", 300):
                    args = ["--encap", e.name, "--inner-proto", "tcp", "--tcp-flags", flags,
                            "--seq", str(SEQ)] + inner6
                    if size != "smallest":
                        args += ["--frame-size", str(size)]
                    what = "%s%s %s %s" % (e.name, " inner IPv6" if inner6 else "", flags, size)
                    raws = ovl_frames(OVLPERF, args)
                    path = ws.path("tcp-%s-%d-%s-%s.pcap" % (e.name, len(inner6), flags, size))
                    pcap.write(path, raws)
                    d = ts.fields(path, cat, FIELDS)
                    bad = check(flags, raws[0], d[0], 14 + e.overhead, bool(inner6)) \
                        if len(d) == 1 and len(raws) == 1 else \
                        ["tshark saw %d frames of %d" % (len(d), len(raws))]
                    tap.ok(not bad, "%s: tshark%s agree%s with RFC 9293 field by field"
                           % (what, " and scapy" if HAVE_SCAPY else "",
                              "" if HAVE_SCAPY else "s"), bad)
        small = ovl_frames(OVLPERF, ["--encap", e.name, "--inner-proto", "tcp"])
        want = e.smallest() + 12
        tap.ok(len(small) == 1 and len(small[0]) + 4 == want == smallest,
               "%s: the smallest TCP frame is %d bytes (UDP's %d + TCP's 12 header bytes more)"
               % (e.name, want, e.smallest()),
               ["%d bytes with FCS; frames --list %s" % (len(small[0]) + 4, smallest)] if small
               else [])
        r = subprocess.run([OVLPERF, "--", "frames", "--encap", e.name, "--inner-proto", "tcp",
                            "--frame-size", str(want - 1)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        lines = r.stderr.decode().strip().splitlines()
        tap.ok(r.returncode == 2 and len(lines) == 1 and str(want) in lines[0]
               and "TCP" in lines[0],
               "%s: frame size %d refused in one line naming the TCP smallest, %d"
               % (e.name, want - 1, want), ["status %d" % r.returncode] + lines)


if __name__ == "__main__":
    sys.exit(main("decoders_tcp", body))
