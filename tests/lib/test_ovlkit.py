#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ovlkit's own checks: the pcap reader on every magic and byte order, the writer, the
catalogue as the binary lists it, and the frame decoder on a frame of every encapsulation.

Usage: /usr/bin/python3 tests/lib/test_ovlkit.py PATH_TO_OVLPERF       (TAP on stdout)
"""

import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ovlkit import catalogue, ovlperf, pcap, wire  # noqa: E402
from ovlkit.harness import main  # noqa: E402

OVLPERF = ovlperf.path_from_argv()
RECORDS = [(1_700_000_000_123_456_789, b"\x02" * 60), (1_700_000_001_000_000_001, b"\x03" * 61)]


def pcap_bytes(endian, nanos, records, linktype=1):
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)
    for ts, fr in records:
        sec, sub = divmod(ts, 1_000_000_000)
        out += struct.pack(endian + "IIII", sec, sub if nanos else sub // 1000, len(fr), len(fr))
        out += fr
    return out


def check_pcap(tap, ws):
    for endian, order in (("<", "little-endian"), (">", "big-endian")):
        for nanos in (False, True):
            path = ws.path("t.pcap")
            with open(path, "wb") as f:
                f.write(pcap_bytes(endian, nanos, RECORDS))
            got = list(pcap.read(path))
            want = [(ts if nanos else ts // 1000 * 1000, fr) for ts, fr in RECORDS]
            tap.ok(got == want, "pcap.read: %s, %s timestamps" % (
                order, "nanosecond" if nanos else "microsecond"), "got %r" % got)
    path = ws.path("w.pcap")
    pcap.write(path, RECORDS, nanos=True)
    tap.ok(list(pcap.read(path)) == RECORDS, "pcap.write then pcap.read: the same records")
    for what, data in (("a truncated record", pcap_bytes("<", False, RECORDS)[:-5]),
                       ("another link type", pcap_bytes("<", False, RECORDS, linktype=101)),
                       ("no pcap magic", b"\x0a\x0d\x0d\x0a" + bytes(40))):
        with open(path, "wb") as f:
            f.write(data)
        try:
            list(pcap.read(path))
            ok, why = False, "read without an error"
        except pcap.PcapError as exc:
            ok, why = True, str(exc)
        tap.ok(ok, "pcap.read refuses %s" % what, why)


def check_catalogue(tap, ws):
    cat = catalogue.load(OVLPERF)
    tap.ok(catalogue.load(OVLPERF) is cat, "the catalogue is asked once per binary path")
    bad = ["%s: smallest frame %d, overhead %d" % (e.name, e.min_frame, e.overhead) for e in cat
           if e.min_frame != 14 + e.overhead + 46 + 4 or e.min_frame_keyed != e.min_frame + 46]
    tap.ok(not bad, "every encapsulation's smallest frames are 14 + overhead + 46 (+ 46 keyed) "
           "+ 4 (%s)" % ", ".join(cat.names()), bad)
    tap.ok(cat.baseline().ip_proto is None and cat.baseline().overhead == 0,
           "the baseline (%s) has no tunnel and no overhead" % cat.baseline().name)
    bad = [e.name for e in cat.tunnels() if e.header_len < 0 or (e.udp and not e.udp_port)]
    tap.ok(not bad, "every tunnel's own header length is >= 0, every UDP tunnel has a port", bad)
    frames = ovlperf.frames(OVLPERF, ["--encap", "all", "--inner-size", "200"], ws.dir)
    got = []
    for fr in frames:
        try:
            f = wire.decode(fr, cat)
            got.append((f.encap, f.inner_total, f.inner_ip - wire.ETH_LEN, wire.parse_probe(
                f.payload)["form"]))
        except ValueError as exc:
            got.append(str(exc))
    want = [(e.name, 200, e.overhead, "full") for e in cat]
    tap.ok(got == want, "wire.decode reads each encapsulation's frame (ovlperf frames --encap "
           "all): its name, inner packet at its overhead, the probe", ["got %r" % got])
    try:
        catalogue.load("/bin/false")
        ok, why = False, "loaded"
    except catalogue.CatalogueError as exc:
        ok, why = "exit status 1" in str(exc), str(exc)
    tap.ok(ok, "a binary that cannot list its encapsulations is an error that says so", why)


def body(tap, ws):
    check_pcap(tap, ws)
    check_catalogue(tap, ws)


if __name__ == "__main__":
    sys.exit(main("ovlkit", body))
