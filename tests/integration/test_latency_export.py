#!/usr/bin/python3
"""The latency histogram in the results JSON (issue 17): percentiles computed again from the
exported buckets equal the reported ones, and two runs merge by adding bucket counts.

Usage: /usr/bin/python3 tests/integration/test_latency_export.py PATH_TO_OVLPERF

Two runs of `ovlperf -- loop --encap all --rate 20k --latency-rate 1000 --duration 1` (default
EAL options). For every stream of each: the buckets ([low, width, count], values in
[low, low + width) ns) are sorted, do not overlap, add up to latency_ns.count, and contain
min and max; p50, p90, p99, p99_9 and max computed here from them by the rule the README states
(nearest rank ceil(p / 100 * count); rank 1 is min and the last rank max, exactly; otherwise the
midpoint low + width // 2 of the bucket holding that rank, kept within [min, max]) equal the
reported values exactly. The two runs' histograms of one stream added bucket by bucket hold
both runs' counts, and the merged p50 lies between the two runs' p50s. bench/merge on the
two files: a total per encapsulation and kind adding both runs' packets and round trips, every
stream side by side; a file that is not a result is refused in one line (exit 2).
--latency-samples (see samples()): the raw round trips, checked against the histogram.
"""

import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.histogram import add, percentile  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
MERGE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                      "bench", "merge"))


def run(ws, name):
    j = ws.path(name + ".json")
    ws.results = getattr(ws, "results", []) + [j]
    r = ws.run([OVLPERF, "--", "loop", "--encap", "all", "--rate", "20k", "--latency-rate",
                "1000", "--duration", "1", "--json", j, "--no-live"], 60)
    doc, why = load_json(j)
    return r, doc, why


def check_run(tap, name, r, doc, why):
    if not tap.ok(r.rc == 0 and doc is not None, "%s: loop --encap all exits 0 with JSON" % name,
                  r.diag() + ([why] if why else [])):
        return False
    bad, streams = [], doc["streams"]
    for s in streams:
        h, lat = s["latency_histogram"], s["latency_ns"]
        tag = "%s %s" % (s["encap"], s["kind"])
        b = h["buckets"]
        if h["unit"] != "ns" or h["count"] != lat["count"] or sum(n for _, _, n in b) != h["count"]:
            bad.append("%s: count %s, buckets add to %d, latency_ns.count %d"
                       % (tag, h["count"], sum(n for _, _, n in b), lat["count"]))
        if any(b[i][0] + b[i][1] > b[i + 1][0] for i in range(len(b) - 1)):
            bad.append("%s: buckets overlap or are out of order" % tag)
        if b and not (b[0][0] <= h["min"] < b[0][0] + b[0][1] and
                      b[-1][0] <= h["max"] < b[-1][0] + b[-1][1]):
            bad.append("%s: min %d / max %d outside the first / last bucket" % (tag, h["min"], h["max"]))
        for key, pct in (("p50", 50), ("p90", 90), ("p99", 99), ("p99_9", 99.9), ("max", 100),
                         ("min", 0)):
            got = percentile(h, pct)
            if got != lat[key]:
                bad.append("%s: %s from the buckets %d, reported %d" % (tag, key, got, lat[key]))
    counted = sum(s["latency_ns"]["count"] for s in streams)
    tap.ok(not bad and counted > 0 and len(streams) >= 12,
           "%s: every stream's percentiles computed from its exported buckets equal the "
           "reported ones (%d streams, %d round trips)" % (name, len(streams), counted), bad[:20])
    return not bad


def body(tap, ws):
    r1, a, why1 = run(ws, "first")
    r2, b, why2 = run(ws, "second")
    if not (check_run(tap, "first", r1, a, why1) & check_run(tap, "second", r2, b, why2)):
        return
    bad = []
    for sa, sb in zip(a["streams"], b["streams"]):
        ha, hb = sa["latency_histogram"], sb["latency_histogram"]
        m = add([ha, hb])
        lo, hi = sorted((percentile(ha, 50), percentile(hb, 50)))
        if sum(n for _, _, n in m["buckets"]) != ha["count"] + hb["count"] or \
                not lo <= percentile(m, 50) <= hi:
            bad.append("%s %s: merged count %d, p50 %d not within [%d, %d]"
                       % (sa["encap"], sa["kind"], m["count"], percentile(m, 50), lo, hi))
    tap.ok(not bad, "two runs merge by adding bucket counts: every count kept, merged p50 "
           "between the runs' p50s", bad[:10])
    merge_tool(tap, ws, a, b)
    samples(tap, ws)


def samples(tap, ws):
    """--latency-samples F --samples 5000 on loop --encap raw,vxlan at 20 kpps with 1000 pps
    latency streams for 1 s: the latency streams' (about 1,000 replies) are all kept, and placed
    in the exported histogram's buckets they give its counts exactly; the load streams' (about
    20,000) are 5,000, each a round trip within the stream's [min, max], sequence numbers
    distinct and sorted, send times within the run."""
    j, c = ws.path("samples.json"), ws.path("samples.csv")
    r = ws.run([OVLPERF, "--", "loop", "--encap", "raw,vxlan", "--rate", "20k", "--latency-rate",
                "1000", "--duration", "1", "--latency-samples", c, "--samples", "5000",
                "--json", j, "--no-live"], 60)
    doc, why = load_json(j)
    if not tap.ok(r.rc == 0 and doc is not None and os.path.exists(c),
                  "--latency-samples: exit 0, the JSON and the CSV written", r.diag() + [why or ""]):
        return
    with open(c) as f:
        lines = [l.strip() for l in f if not l.startswith("#")]
    head, rows = lines[0].split(","), [l.split(",") for l in lines[1:]]
    by = {}
    for row in rows:
        d = dict(zip(head, row))
        by.setdefault(int(d["stream"]), []).append((int(d["seq"]), int(d["tx_ns"]), int(d["rtt_ns"])))
    bad = []
    for s in doc["streams"]:
        got, lat, h = by.get(s["id"], []), s["latency_ns"], s["latency_histogram"]
        tag = "%s %s" % (s["encap"], s["kind"])
        if len(got) != min(5000, lat["count"]):
            bad.append("%s: %d samples, want min(5000, %d)" % (tag, len(got), lat["count"]))
        seqs = [g[0] for g in got]
        if seqs != sorted(set(seqs)):
            bad.append("%s: sequence numbers repeat or are out of order" % tag)
        if any(not lat["min"] <= g[2] <= lat["max"] or not 0 <= g[1] < 10e9 for g in got):
            bad.append("%s: a round trip outside [%d, %d] or a send time outside the run"
                       % (tag, lat["min"], lat["max"]))
        if lat["count"] <= 5000:
            counts = {}
            for _, _, rtt in got:
                b = next((lw for lw in h["buckets"] if lw[0] <= rtt < lw[0] + lw[1]), None)
                key = (b[0], b[1]) if b else None
                counts[key] = counts.get(key, 0) + 1
            if counts != {(lo, w): n for lo, w, n in h["buckets"]}:
                bad.append("%s: all %d samples kept, but they do not give the histogram's counts"
                           % (tag, len(got)))
    kept_all = [s for s in doc["streams"] if s["latency_ns"]["count"] <= 5000]
    tap.ok(not bad and kept_all and len(kept_all) < len(doc["streams"]),
           "--latency-samples: min(5000, replies) per stream, within the stream's range, "
           "sorted and distinct; where all were kept, they rebuild the histogram bucket for bucket",
           bad[:10])


def merge_tool(tap, ws, a, b):
    """bench/merge on the two results: totals per encapsulation and kind add the runs'
    packets and round trips; a file that is not a result is refused in one line."""
    out = ws.path("merged")
    os.mkdir(out)
    p = subprocess.run([sys.executable, MERGE] + ws.results + ["--out", out], capture_output=True,
                       text=True, timeout=60)
    doc, why = load_json(os.path.join(out, "merged.json"))
    if not tap.ok(p.returncode == 0 and doc is not None and
                  os.path.exists(os.path.join(out, "merged.md")),
                  "bench/merge: exit 0, merged.json and merged.md written",
                  [p.stdout[-500:], p.stderr[-500:], why or ""]):
        return
    bad = []
    for t in doc["totals"]:
        ss = [s for d in (a, b) for s in d["streams"]
              if (s["encap"], s["kind"]) == (t["encap"], t["kind"])]
        tx = sum(s["tx"]["packets"] for s in ss)
        n = sum(s["latency_ns"]["count"] for s in ss)
        if t["tx"]["packets"] != tx or t["latency_ns"]["count"] != n or \
                t["latency_histogram"]["count"] != n or len(ss) != 2:
            bad.append("%s %s: tx %d (want %d), round trips %d (want %d), streams %d"
                       % (t["encap"], t["kind"], t["tx"]["packets"], tx,
                          t["latency_ns"]["count"], n, len(ss)))
    tap.ok(not bad and len(doc["totals"]) == len(a["streams"]) and
           len(doc["streams"]) == len(a["streams"]) + len(b["streams"]) and len(doc["sources"]) == 2,
           "bench/merge: a total per encapsulation and kind, each adding both runs' packets and "
           "round trips; every stream kept side by side", bad[:10])
    junk = ws.path("junk.json")
    with open(junk, "w") as f:
        json.dump({"schema": "something else"}, f)
    p = subprocess.run([sys.executable, MERGE, junk, "--out", out], capture_output=True,
                       text=True, timeout=60)
    lines = p.stderr.strip().splitlines()
    tap.ok(p.returncode == 2 and len(lines) == 1 and "junk.json" in lines[0] and
           "not an ovlperf send or loop result" in lines[0],
           "bench/merge: a file that is not a result is refused in one line naming it (exit 2)",
           [p.stderr[-300:]])


if __name__ == "__main__":
    sys.exit(main("latency_export", body))
