#!/usr/bin/python3
"""bench/sweep and bench/soak write results a reader can check; TAP on stdout.

Usage: /usr/bin/python3 tests/integration/test_bench_results.py PATH_TO_OVLPERF

1. `bench/sweep --encap vxlan --sizes frame:128 --reps 2 --duration 1 --rfc2544 ...`: exit 0;
   sweep.json records the command, the commit the binary reports, the machine, the load before
   and after and whether the run is clean (a boolean that agrees with ovlkit.provenance's
   rule); rows for raw (the baseline) and vxlan at 128 bytes; the RFC 2544 answer above 0 with
   its interval, its limit (path or sender) and every trial; results.md carries the provenance,
   both tables and the plot, which exists as PNG and SVG.
2. `bench/soak --minutes 0.1 --rate 20k --encap vxlan ...`: exit 0; results.md with the
   provenance, the stream and the mempools, and rss.png/rss.svg.
3. A 2-minute `bench/soak` sent SIGTERM once its jobs run: exit 3, results.json marked partial
   with the seconds it ran, results.md and minutes.csv written, and none of its ovlperf
   processes left.
Only that the figures are produced and sane is checked, never a timing relation.
"""

import json
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import provenance  # noqa: E402
from ovlkit.harness import main  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
BENCH = os.path.normpath(os.path.join(HERE, "..", "..", "bench"))


def run(argv, timeout):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as ex:
        return None, "timed out after %d s: %s" % (timeout, ex)


def plots_exist(tap, out, base, what):
    png, svg = os.path.join(out, base + ".png"), os.path.join(out, base + ".svg")
    ok = os.path.exists(png) and os.path.exists(svg)
    if ok:
        with open(png, "rb") as f:
            ok = f.read(8) == b"\x89PNG\r\n\x1a\n"
        with open(svg, encoding="utf-8") as f:
            ok = ok and "<svg" in f.read()
    tap.ok(ok, "%s: %s.png is a PNG and %s.svg an SVG" % (what, base, base))


def check_meta(tap, meta, what):
    need = ["command", "ovlperf_commit", "machine", "started_utc", "finished_utc", "load_start",
            "load_end", "load_after", "clean"]
    missing = [k for k in need if k not in meta]
    tap.ok(not missing, "%s: the JSON records the command, commit, machine, load and cleanness" % what,
           "missing: %s" % missing)
    if missing:
        return
    rule = provenance.is_clean(meta["ovlperf_commit"], meta["load_start"], meta["load_after"]["load"])
    tap.ok(meta["ovlperf_commit"] and meta["clean"] is rule and meta["machine"]["cpus"] >= 1,
           "%s: commit %s, clean=%s as the rule says" % (what, meta["ovlperf_commit"], meta["clean"]),
           "meta: %r" % meta)


def check_sweep(tap, ws):
    out = ws.path("sweep")
    rc, text = run([os.path.join(BENCH, "sweep"), "--encap", "vxlan", "--sizes", "frame:128",
                    "--reps", "2", "--duration", "1", "--rfc2544", "--search-steps", "3",
                    "--confirm", "1", "--no-settle", "--out", out, "--ovlperf", OVLPERF], 400)
    if not tap.ok(rc == 0, "bench/sweep --rfc2544 (short) exits 0", text[-1500:]):
        return
    with open(os.path.join(out, "sweep.json")) as f:
        doc = json.load(f)
    check_meta(tap, doc.get("run", {}), "sweep")
    rows = {(r["encap"], r["frame_size"]): r for r in doc["rows"]}
    tap.ok(set(rows) == {("raw", 128), ("vxlan", 128)} and all(r["reps"] == 2 for r in rows.values()),
           "sweep: a row each for raw (the baseline) and vxlan at 128 bytes, 2 repetitions",
           "rows: %r" % sorted(rows))
    q = (rows.get(("vxlan", 128)) or {}).get("rfc2544") or {}
    sane = (q.get("throughput_pps", 0) > 0 and q.get("limit") in ("path", "sender")
            and q["interval_pps"][0] == q["throughput_pps"]
            and (q["interval_pps"][1] is None or q["interval_pps"][1] > 0)
            and len(q["steps"]) >= 1 and all(t["tx_pps"] > 0 for t in q["steps"] + q["confirm"]))
    tap.ok(sane, "sweep: the RFC 2544 answer is above 0, with its interval, limit and trials",
           "rfc2544: %r" % {k: v for k, v in q.items() if k not in ("steps", "confirm")})
    with open(os.path.join(out, "results.md")) as f:
        md = f.read()
    tap.ok("- command: `bench/sweep" in md and "ovlperf %s" % doc["run"]["ovlperf_commit"] in md
           and "| vxlan | 128 |" in md and "RFC 2544 throughput" in md and "](sweep.png)" in md,
           "sweep: results.md has the provenance, both tables and the plot")
    plots_exist(tap, out, "sweep", "sweep")


def check_soak(tap, ws):
    out = ws.path("soak")
    rc, text = run([os.path.join(BENCH, "soak"), "--minutes", "0.1", "--rate", "20k", "--encap", "vxlan",
                    "--pair-rate", "2k", "--no-settle", "--out", out, "--ovlperf", OVLPERF], 200)
    if not tap.ok(rc == 0, "bench/soak (6 s, loop and memif pair) exits 0", text[-1500:]):
        return
    with open(os.path.join(out, "results.md")) as f:
        md = f.read()
    tap.ok("- command: `bench/soak" in md and "| loop | 0 | vxlan |" in md
           and "| pair | 0 | vxlan |" in md and "| job | mempool |" in md
           and "](rss.png)" in md and "](latency.png)" in md and "](mbufs.png)" in md,
           "soak: results.md has the provenance, both jobs' streams, the mempools, the plots")
    with open(os.path.join(out, "minutes.csv")) as f:
        jobs = {line.split(",")[0] for line in list(f)[1:]}
    tap.ok(jobs == {"loop", "pair", "reflector"}, "soak: minutes.csv has a row per job",
           "jobs %s" % sorted(jobs))
    for name in ("rss", "latency", "mbufs"):
        plots_exist(tap, out, name, "soak")


def check_soak_stopped(tap, ws):
    out = ws.path("soak-stopped")
    p = subprocess.Popen([os.path.join(BENCH, "soak"), "--minutes", "2", "--rate", "20k", "--encap",
                          "vxlan", "--pair-rate", "2k", "--no-settle", "--out", out,
                          "--ovlperf", OVLPERF], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, start_new_session=True)
    try:
        # The senders run once the memif reflector's socket is there; a few samples later, stop.
        end = time.monotonic() + 60
        while not os.path.exists(os.path.join(out, "memif.sock")) and p.poll() is None \
                and time.monotonic() < end:
            time.sleep(0.2)
        time.sleep(8)
        p.send_signal(signal.SIGTERM)
        text, _ = p.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        text, _ = p.communicate()
        tap.ok(False, "bench/soak stopped by SIGTERM ends within 180 s", text[-1500:])
        return
    tap.ok(p.returncode == 3 and "soak: PARTIAL: partial: stopped by a signal" in text,
           "bench/soak stopped by SIGTERM exits 3 with a PARTIAL line", "rc %s: %s" % (p.returncode, text[-1500:]))
    try:
        with open(os.path.join(out, "results.json")) as f:
            doc = json.load(f)
    except (OSError, ValueError) as ex:
        tap.ok(False, "soak stopped: results.json written", str(ex))
        return
    tap.ok(doc.get("partial") is True and 0 < doc.get("seconds", 0) < 120 and not doc.get("pass"),
           "soak stopped: results.json marked partial, with the seconds it ran (under 120)",
           "partial %s seconds %s" % (doc.get("partial"), doc.get("seconds")))
    tap.ok(os.path.exists(os.path.join(out, "results.md")) and os.path.exists(os.path.join(out, "minutes.csv")),
           "soak stopped: results.md and minutes.csv written")
    left = subprocess.run(["pgrep", "-f", out], capture_output=True, text=True).stdout.split()
    tap.ok(not left, "soak stopped: none of its ovlperf processes left", "pids %s" % left)


def body(tap, ws):
    check_sweep(tap, ws)
    check_soak(tap, ws)
    check_soak_stopped(tap, ws)


if __name__ == "__main__":
    sys.exit(main("bench_results", body))
