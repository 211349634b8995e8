#!/usr/bin/python3
"""ovlperf loop --inner-proto tcp: TCP probes (stateless SYNs carrying the probe) through every
encapsulation, answered by ovlperf's own reflector with SYN-ACKs.

Usage: /usr/bin/python3 tests/integration/test_loop_tcp.py PATH_TO_OVLPERF

Checked: nothing lost or corrupted, latency recorded for every reply; the reflector drops
nothing; in the capture (decoded here, tests/lib/ovlkit/wire.py) every frame is a TCP segment
with the flags asked for, a 20-byte header, a checksum right by RFC 9293's pseudo-header sum,
destination port 7000, each stream from ports of its own, and the sequence number such that an
answer acknowledges the probe's low 32 bits: SEQ + SYN + FIN + data = probe seq (mod 2^32), as
a Linux RST (tests/interop/test_kernel_tcp.py) and the reflector's SYN-ACK do. Then PSH-ACK
segments of an IMIX (one template per size class, each its own SEQ offset), inner IPv6, 3000-byte
datagrams fragmented at MTU 1500 (inner IPv4 and IPv6), and a
profile (`ovlperf -- run FILE.ini`: `inner-proto = tcp` by the long option's name).
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ovlkit import catalogue, pcap  # noqa: E402
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.wire import be16, decode, inner_checksums, parse_probe  # noqa: E402
import test_loop  # noqa: E402
from test_loop import loop, no_loss, ran  # noqa: E402

FLAGS = {"S": 0x02, "A": 0x10, "F": 0x01, "P": 0x08, "U": 0x20}


def replies_timed(streams):
    """Every stream: nothing lost or corrupted, a round trip for every reply, under 50 ms."""
    bad = [d for ok, d in map(no_loss, streams) if not ok]
    for s in streams:
        lat = s["latency_ns"]
        if s["inner_proto"] != "tcp" or s["corrupted"] or lat["count"] != s["rx"]["packets"] \
                or not 0 < lat["p50"] < test_loop.P50_LIMIT_NS:
            bad.append("%s: proto %s corrupted %d latency count %d p50 %d of %d replies"
                       % (s["encap"], s["inner_proto"], s["corrupted"], lat["count"], lat["p50"],
                          s["rx"]["packets"]))
    return bad


def segments_right(cap, cat, flags):
    """What is wrong with the captured segments (at most 5), and each stream's source ports."""
    bad, ports = [], {}
    want = sum(FLAGS[c] for c in flags)
    for i, raw in enumerate(pcap.frames(cap)):
        f = decode(raw, cat)
        tcp = f.l4
        seq32 = parse_probe(f.payload)["seq"] & 0xFFFFFFFF
        seg_seq = int.from_bytes(raw[tcp + 4:tcp + 8], "big")
        seg_ack = int.from_bytes(raw[tcp + 8:tcp + 12], "big")
        seg_len = f.l4_payload + (want & 0x02 != 0) + (want & 0x01 != 0)
        acked = seg_ack if want & 0x10 else (seg_seq + seg_len) & 0xFFFFFFFF
        ok = inner_checksums(raw, f.layers)
        if f.inner_proto != 6 or raw[tcp + 13] != want or raw[tcp + 12] != 0x50 \
                or be16(raw, tcp + 2) != 7000 or acked != seq32 or not all(ok):
            bad.append("frame %d (%s): proto %d flags 0x%02x offset 0x%02x dport %d acked %#x "
                       "probe %#x checksums %s" % (i + 1, f.encap, f.inner_proto, raw[tcp + 13],
                                                    raw[tcp + 12], be16(raw, tcp + 2), acked,
                                                    seq32, ok))
        ports.setdefault(parse_probe(f.payload)["stream"], set()).add(be16(raw, tcp))
    return bad[:5], ports


def every_encap(tap, ws, cat):
    cap = ws.path("tcp.pcap")
    r, doc, why = loop(ws, "tcp", ["--encap", "all", "--inner-proto", "tcp", "--rate", "100k",
                                   "--duration", "3", "--latency-rate", "1000", "--capture", cap,
                                   "--capture-max", "20000"], tap)
    if not ran(tap, "TCP loop: exits 0 with a complete JSON result", r, doc, why):
        return
    streams = doc["streams"]
    bad = replies_timed(streams)
    tap.ok(len(streams) == 2 * len(cat) and not bad,
           "TCP: a load and a latency stream per encapsulation, nothing lost or corrupted, a "
           "round trip for every reply", bad)
    refl = doc.get("reflector", {})
    tap.ok(refl.get("reflected", 0) >= sum(s["rx"]["packets"] for s in streams)
           and not any(refl.get("drops", {}).values()),
           "TCP: the reflector answered every segment and dropped none", repr(refl)[:400])
    tap.ok(doc["config"].get("tcp_flags") == "S", "TCP: config.tcp_flags S",
           repr(doc["config"].get("tcp_flags")))
    bad, ports = segments_right(cap, cat, "S")
    tap.ok(not bad, "TCP: every captured frame a SYN, 20-byte header, checksum right, to port "
           "7000, whose answer acknowledges the probe's low 32 bits", bad)
    owned = [ports[k] for k in sorted(ports)]
    overlap = [(a, b) for a in range(len(owned)) for b in range(a) if owned[a] & owned[b]]
    tap.ok(len(owned) == len(streams) and not overlap,
           "TCP: each stream sends from source ports of its own (a RST names its stream by them)",
           ["ports by stream %s" % {k: sorted(v) for k, v in ports.items()}])


def imix_psh_ack(tap, ws, cat):
    cap = ws.path("tcp-imix.pcap")
    r, doc, why = loop(ws, "tcp-imix", ["--encap", "vxlan", "--inner-proto", "tcp", "--tcp-flags",
                                        "PA", "--frame-size", "imix", "--flows", "4", "--rate",
                                        "50k", "--duration", "2", "--capture", cap,
                                        "--capture-max", "2000"], tap)
    if not ran(tap, "TCP IMIX PSH-ACK loop: exits 0 with a complete JSON result", r, doc, why):
        return
    tap.ok(not replies_timed(doc["streams"]), "TCP IMIX PSH-ACK: nothing lost or corrupted",
           replies_timed(doc["streams"]))
    bad, _ = segments_right(cap, cat, "PA")
    sizes = {len(raw) for raw in pcap.frames(cap)}
    tap.ok(not bad and len(sizes) == 3,
           "TCP IMIX PSH-ACK: three sizes, each segment's ACK the probe's low 32 bits", bad +
           ["sizes %s" % sorted(sizes)])


def inner_ipv6(tap, ws):
    r, doc, why = loop(ws, "tcp-inner6", [
        "--encap", "raw,vxlan,geneve,gretap,flannel", "--inner-proto", "tcp",
        "--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip", "2001:db8:1::2", "--rate", "10k",
        "--duration", "2"], tap)
    if not ran(tap, "TCP over inner IPv6 loop: exits 0 with a complete JSON result", r, doc, why):
        return
    bad = replies_timed(doc["streams"])
    tap.ok(len(doc["streams"]) == 5 and not bad, "TCP over inner IPv6: nothing lost or corrupted",
           bad)


def fragmented(tap, ws):
    """TCP probes in datagrams over the tunnel MTU, inner IPv4 and IPv6: fragmented by the
    sender, turned around fragment by fragment by the reflector, reassembled before matching."""
    for name, extra in (("ipv4", []),
                        ("ipv6", ["--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip", "2001:db8:1::2"])):
        r, doc, why = loop(ws, "tcp-frag-" + name, [
            "--encap", "vxlan,geneve", "--inner-proto", "tcp", "--inner-size", "3000", "--mtu",
            "1500", "--rate", "5k", "--duration", "1"] + extra, tap)
        if not ran(tap, "TCP fragmented, inner %s: exits 0 with a complete JSON result" % name,
                   r, doc, why):
            continue
        bad = replies_timed(doc["streams"])
        frags = [s.get("fragments") for s in doc["streams"]]
        tap.ok(len(doc["streams"]) == 2 and not bad and all(f and f > 1 for f in frags),
               "TCP fragmented, inner %s: 3000-byte datagrams in fragments, nothing lost" % name,
               bad + ["fragments %s" % frags])


def profile(tap, ws):
    """A profile's stream takes the long options' names: a TCP stream beside a UDP one."""
    path, js = ws.path("tcp.ini"), ws.path("tcp-profile.json")
    with open(path, "w") as f:
        f.write("[run]\nmode = loop\nduration = 1\nrate = 5k\n\n[stream syn]\nencap = vxlan\n"
                "inner-proto = tcp\ntcp-flags = S\n\n[stream udp]\nencap = vxlan\n")
    r = ws.run([test_loop.OVLPERF, "--", "run", path, "--json", js, "--no-live", "--quiet"], 60)
    doc, why = load_json(js)
    if not ran(tap, "TCP profile (inner-proto = tcp): exits 0 with a complete JSON result", r,
               doc, why):
        return
    got = [(s.get("name"), s["inner_proto"]) for s in doc["streams"]]
    bad = [d for ok, d in map(no_loss, doc["streams"]) if not ok]
    tap.ok(got == [("syn", "tcp"), ("udp", "udp")] and not bad,
           "TCP profile: a tcp stream beside a udp one, every probe of each answered",
           bad + [str(got)])


def body(tap, ws):
    cat = catalogue.load(test_loop.OVLPERF)
    test_loop.CAT = cat
    every_encap(tap, ws, cat)
    imix_psh_ack(tap, ws, cat)
    inner_ipv6(tap, ws)
    fragmented(tap, ws)
    profile(tap, ws)


if __name__ == "__main__":
    sys.exit(main("loop_tcp", body))
