#!/usr/bin/python3
"""ovlperf loop stopped by SIGINT, SIGTERM or SIGHUP writes partial results and exits 3 (partial).

Usage: /usr/bin/python3 tests/integration/test_signal.py PATH_TO_OVLPERF

For each signal: `ovlperf -- loop --encap all --rate 10k --duration 60 --json F --csv C` (default
EAL options), the signal after 2 s; then: it ends within 5 s with status 3 (a run stopped early), F is valid JSON with
"partial": true and 1 <= seconds <= 10, C has the header and one row per stream (partial column
1), and the output directory holds nothing but F and C (no *.tmp.* files left behind).
"""

import csv
import os
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
STOP_WITHIN_S = 5


def one(tap, ws, sig):
    name = signal.Signals(sig).name
    out_dir = ws.path("out-" + name)
    os.mkdir(out_dir)
    jpath = os.path.join(out_dir, "results.json")
    cpath = os.path.join(out_dir, "results.csv")
    proc = ws.start("loop-" + name, [OVLPERF, "--", "loop", "--encap", "all", "--rate", "10k",
                                     "--duration", "60", "--json", jpath, "--csv", cpath])
    # The live line (once a second on stderr) says the measurement is under way.
    up = proc.wait_for(lambda: "tx" in proc.stderr(), 15)
    time.sleep(max(0.0, 2.0 - (time.monotonic() - proc.started)))
    alive = proc.alive()
    tap.ok(up and alive, "%s: loop is running and reporting before the signal" % name,
           proc.diag())
    if not alive:
        proc.stop()
        return
    sent = time.monotonic()
    proc.send_signal(sig)
    rc, waited = proc.wait(STOP_WITHIN_S)
    tap.ok(rc is not None, "%s: loop ends within %d s of the signal" % (name, STOP_WITHIN_S),
           "still running %.1f s after the signal" % (time.monotonic() - sent))
    if rc is None:
        proc.stop(signal.SIGKILL)
        return
    tap.diag("%s: ended %.2f s after the signal" % (name, waited))
    tap.ok(rc == 3, "%s: exit status 3 (partial)" % name, proc.diag())

    doc, why = load_json(jpath)
    tap.ok(doc is not None, "%s: the JSON results are written and valid" % name, why)
    n_streams = None
    if doc is not None:
        n_streams = len(doc.get("streams", []))
        tap.ok(doc.get("partial") is True, "%s: JSON says \"partial\": true" % name,
               "partial: %r" % doc.get("partial"))
        secs = doc.get("seconds")
        tap.ok(isinstance(secs, (int, float)) and 1 <= secs <= 10,
               "%s: JSON seconds between 1 and 10" % name, "seconds: %r" % secs)
        want = catalogue.load(OVLPERF).names()
        tap.ok([s.get("encap") for s in doc.get("streams", [])] == want
               and all(s["tx"]["packets"] > 0 for s in doc["streams"]),
               "%s: JSON has a stream per encapsulation (%s), each with packets sent"
               % (name, ",".join(want)),
               "streams: %r" % [(s.get("encap"), s["tx"]["packets"]) for s in doc.get("streams", [])])

    rows = None
    try:
        with open(cpath, newline="") as f:
            # The provenance's '#' lines come first (spreadsheet tools skip them).
            rows = list(csv.reader(line for line in f if not line.startswith("#")))
    except OSError as exc:
        why = str(exc)
    ok = rows is not None and len(rows) >= 1 and "encap" in rows[0] and "partial" in rows[0]
    tap.ok(ok, "%s: the CSV has a header" % name, why if rows is None else "rows: %r" % rows[:2])
    if ok:
        body = rows[1:]
        col = rows[0].index("partial")
        enc = rows[0].index("encap")
        widths = {len(r) for r in body}
        tap.ok(n_streams is not None and len(body) == n_streams and widths == {len(rows[0])}
               and all(r[col] == "1" for r in body),
               "%s: the CSV has one full row per stream, each marked partial" % name,
               ["%d rows for %s JSON streams; header %d columns, rows %s"
                % (len(body), n_streams, len(rows[0]), sorted(widths)),
                "encap/partial: %r" % [(r[enc], r[col]) for r in body]])
    left = sorted(set(os.listdir(out_dir)) - {"results.json", "results.csv"})
    tap.ok(not left, "%s: no temporary files left in the output directory" % name,
           "left: %r" % left)
    proc.stop()


def body(tap, ws):
    one(tap, ws, signal.SIGINT)
    one(tap, ws, signal.SIGTERM)
    one(tap, ws, signal.SIGHUP)


if __name__ == "__main__":
    sys.exit(main("signal", body))
