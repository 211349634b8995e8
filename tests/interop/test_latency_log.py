#!/usr/bin/python3
"""--latency-log read by HdrHistogram's own reader (Debian's libhdrhistogram-java), not ovlperf.

Usage: /usr/bin/python3 tests/interop/test_latency_log.py OVLPERF

`ovlperf -- loop --encap raw,vxlan --rate 20k --latency-rate 1000 --duration 3 --latency-log L
--json J` (default EAL options). Then, for each stream, HdrHistogram 2.1.11's
HistogramLogProcessor (its HistogramLogReader decodes every line: base64, zlib, the V2 encoding)
prints the stream's intervals and totals. Checks: it lists one tag per stream
(encap-kind-id); per stream it reads one interval per second of the run and the last one to the
end; its total count equals the JSON's latency_ns.count; its p50, p90 and p99 agree with the
JSON's within 2% (its value is the top of a bucket, ovlperf's the middle, and its rank rounds
where ovlperf's is the ceiling: a bucket or two apart at most); its max is the top of the
bucket of the JSON's max (skipped, with the reason, without java or the jar). Before that,
ovlkit's own reader of the log (bench/plot's) adds each stream's intervals to the JSON's count,
and bench/plot cdf (from the JSON) and timeline (from the log) write their PNG and SVG.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import histogram  # noqa: E402
from ovlkit.tap import Tap  # noqa: E402

JAR = "/usr/share/java/hdrhistogram.jar"
PROCESSOR = "org.HdrHistogram.HistogramLogProcessor"
DURATION = 3
PLOT = os.path.normpath(os.path.join(HERE, "..", "..", "bench", "plot"))


def java(*args):
    return subprocess.run(["java", "-cp", JAR, PROCESSOR] + list(args), capture_output=True,
                          text=True, timeout=120)


def totals(path):
    """The last interval line of HistogramLogProcessor's CSV: the totals' columns by name."""
    with open(path) as f:
        rows = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    head = [h.strip('"') for h in rows[0].split(",")]
    return [dict(zip(head, (float(v) for v in r.split(",")))) for r in rows[1:]]


def near(a, b, share):
    return abs(a - b) <= share * max(abs(a), abs(b)) + 2


def plots(tap, d, log, res, want):
    """ovlkit's reader of the log (bench/plot's) and bench/plot's two plots."""
    rows = histogram.read_interval_log(log)
    bad = ["%s: the intervals add to %d round trips, the JSON %d"
           % (tag, sum(h["count"] for t, _, _, h in rows if t == tag), s["latency_ns"]["count"])
           for tag, s in sorted(want.items())
           if sum(h["count"] for t, _, _, h in rows if t == tag) != s["latency_ns"]["count"]]
    tap.ok(rows and not bad, "ovlkit's decoder of the log: each stream's intervals add up to the "
           "JSON's count", bad)
    made = []
    for what, inp in (("cdf", res), ("timeline", log)):
        p = subprocess.run([sys.executable, PLOT, what, inp, "--out", d], capture_output=True,
                           text=True, timeout=120)
        made += [(what, ext, p.returncode, os.path.getsize(os.path.join(d, "latency-%s.%s" % (what, ext)))
                  if os.path.exists(os.path.join(d, "latency-%s.%s" % (what, ext))) else 0)
                 for ext in ("png", "svg")]
    tap.ok(all(rc == 0 and size > 1000 for _, _, rc, size in made),
           "bench/plot cdf (the JSON) and timeline (the log): PNG and SVG written",
           ["%s.%s: exit %d, %d bytes" % m for m in made])


def main():
    tap = Tap()
    if len(sys.argv) < 2:
        print("usage: test_latency_log.py OVLPERF", file=sys.stderr)
        return 2
    ovlperf = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="ovl-hlog-") as d:
        log, res = os.path.join(d, "lat.hlog"), os.path.join(d, "lat.json")
        p = subprocess.run([ovlperf, "--", "loop", "--encap", "raw,vxlan", "--rate", "20k",
                            "--latency-rate", "1000", "--duration", str(DURATION),
                            "--latency-log", log, "--json", res, "--no-live"],
                           capture_output=True, text=True, timeout=120)
        if not tap.ok(p.returncode == 0 and os.path.exists(log) and os.path.exists(res),
                      "loop --latency-log: exit 0, the log and the JSON written",
                      [p.stderr[-1000:]]):
            return tap.done()
        with open(res) as f:
            doc = json.load(f)
        want = {"%s-%s-%d" % (s["encap"], s["kind"], s["id"]): s for s in doc["streams"]}
        plots(tap, d, log, res, want)
        if shutil.which("java") is None or not os.path.exists(JAR):
            tap.skip("HdrHistogram's reader", "no java or %s (setup.sh installs "
                     "default-jre-headless and libhdrhistogram-java)" % JAR)
            return tap.done()
        r = java("-listtags", "-i", log)
        tags = sorted(l.strip() for l in r.stdout.splitlines()[1:] if l.strip())
        tap.ok(r.returncode == 0 and tags == sorted(want),
               "HistogramLogProcessor -listtags: one tag per stream (%s)" % ", ".join(sorted(want)),
               [r.stdout[-500:], r.stderr[-500:]])
        bad = []
        for tag, s in sorted(want.items()):
            out = os.path.join(d, tag)
            r = java("-i", log, "-tag", tag, "-csv", "-outputValueUnitRatio", "1", "-o", out)
            if r.returncode != 0 or not os.path.exists(out):
                bad.append("%s: HistogramLogProcessor exit %d: %s" % (tag, r.returncode, r.stderr[-300:]))
                continue
            rows = totals(out)
            t, lat = rows[-1], s["latency_ns"]
            if not DURATION <= len(rows) <= DURATION + 2:
                bad.append("%s: %d intervals for a %d s run" % (tag, len(rows), DURATION))
            if int(t["Total_Count"]) != lat["count"] or lat["count"] == 0:
                bad.append("%s: HdrHistogram counts %d round trips, the JSON %d"
                           % (tag, t["Total_Count"], lat["count"]))
            for col, key in (("Total_50%", "p50"), ("Total_90%", "p90"), ("Total_99%", "p99")):
                if not near(t[col], lat[key], 0.02):
                    bad.append("%s: %s %g by HdrHistogram, %d in the JSON" % (tag, key, t[col], lat[key]))
            if not lat["max"] <= t["Total_Max"] <= lat["max"] * (1 + 1 / 128) + 1:
                bad.append("%s: max %g by HdrHistogram, %d in the JSON" % (tag, t["Total_Max"], lat["max"]))
        tap.ok(not bad, "HdrHistogram reads every stream's intervals: counts equal to the JSON's, "
               "p50/p90/p99 within 2%, max the top of the JSON max's bucket", bad[:12])
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
