#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ovlkit's own checks: the TAP producer's pass, skip and failure lines, the pcap reader on every
magic and byte order, the writer, the catalogue as the binary lists it, and the frame decoder on
a frame of every encapsulation.

Usage: /usr/bin/python3 tests/lib/test_ovlkit.py PATH_TO_OVLPERF       (TAP on stdout)
"""

import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ovlkit import catalogue, ovlperf, pcap, provenance, wire  # noqa: E402
from ovlkit.tap import Tap  # noqa: E402
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


def check_tap(tap):
    """A skip is a TAP skip ('ok N - desc # SKIP reason'), never a pass; a '#' in a
    description is escaped so that it cannot turn a pass into a skip or a TODO."""
    import io
    out = io.StringIO()
    t = Tap(out)
    t.ok(True, "a pass # SKIP not really")
    t.skip("a skip", "the reason # here")
    t.ok(False, "a failure")
    t.done()
    want = ["ok 1 - a pass \\# SKIP not really", "ok 2 - a skip # SKIP the reason  here",
            "not ok 3 - a failure", "1..3", "# failed 1 of 3"]
    got = out.getvalue().splitlines()
    tap.ok(got == want, "Tap: ok, skip and a failure print the TAP lines a harness reads",
           ["got:  %r" % got, "want: %r" % want])


def check_provenance(tap, ws):
    """Which runs may be cited: a commit without -dirty and both loads under 0.5; the commit
    as the binary reports it; an atomic write leaves no temporary file."""
    low, high = [0.2, 0.5, 0.6], [0.5, 0.5, 0.5]
    cases = [("abc1234", low, low, True), ("abc1234-dirty", low, low, False),
             (None, low, low, False), ("abc1234", high, low, False), ("abc1234", low, high, False),
             ("abc1234", low, None, False)]
    bad = [c for c in cases if provenance.is_clean(*c[:3]) != c[3]]
    tap.ok(not bad, "provenance.is_clean: %d cases (dirty, unknown, load at 0.5 before or "
           "after, no reading after)" % len(cases), ["wrong: %r" % (c,) for c in bad])
    commit = provenance.ovlperf_commit(OVLPERF)
    tap.ok(commit is not None and len(commit.split("-")[0]) >= 7,
           "provenance.ovlperf_commit reads the commit from ovlperf --version", "got %r" % commit)
    path = os.path.join(ws.dir, "atomic.txt")
    provenance.write_atomic(path, "one\n")
    provenance.write_atomic(path, "two\n")
    with open(path) as f:
        text = f.read()
    tap.ok(text == "two\n" and os.listdir(ws.dir).count("atomic.txt") == 1 and
           not [n for n in os.listdir(ws.dir) if n.endswith(".tmp")],
           "provenance.write_atomic replaces the file and leaves no temporary file",
           "content %r, directory %r" % (text, os.listdir(ws.dir)))
    t0 = provenance.settle(limit=1e9, max_wait=0)
    tap.ok(t0["settled"] and t0["waited_s"] < 1 and len(t0["load"]) == 3,
           "provenance.settle returns at once when the load is under the limit", "%r" % t0)


def body(tap, ws):
    check_tap(tap)
    check_provenance(tap, ws)
    check_pcap(tap, ws)
    check_catalogue(tap, ws)


if __name__ == "__main__":
    sys.exit(main("ovlkit", body))
