#!/usr/bin/python3
"""Timestamp source and pacing: --timestamps auto|tsc|hw, --pacing auto|software|hardware.

Usage: /usr/bin/python3 tests/integration/test_clock_pacing.py PATH_TO_OVLPERF

This machine has no NIC: net_ring (loop's own ring pair) and net_null have neither RX hardware
timestamps (RTE_ETH_RX_OFFLOAD_TIMESTAMP, rte_eth_read_clock) nor a queue rate limiter
(rte_eth_set_queue_rate_limit). So:
  * auto falls back to the TSC and to software pacing, and the JSON results say so, with the
    reason naming the driver and the missing capability; the table says it in one line;
  * software pacing still paces (tx packets/s near --rate), and pacing.wanted_mbps is the
    streams' layer-1 rate computed here from the frame sizes in the results;
  * --timestamps hw and --pacing hardware on these ports fail before anything is sent: non-zero
    status, one line on stderr naming the port, its driver and what it lacks, no results file;
  * --timestamps tsc --pacing software runs, and says it was asked;
  * bad values get the one-line error listing the allowed ones (status 2).
The hardware paths themselves need a NIC (mlx5, ice; ixgbe for the rate limiter).
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.ovlperf import eal, path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
EAL_NULL = eal(lcores="0-1", vdevs=["net_null0"], telemetry=True)
SEND_NULL = ["send", "--dst-mac", "02:00:00:00:00:02", "--encap", "raw", "--duration", "1",
             "--no-live"]
RATE = 20000


def l1_mbps(doc):
    """The streams' rate at layer 1, from the results' own frame sizes: (frame + 20) bytes each."""
    return sum(s["rate_pps"] * s["fragments"] * (s["frame_size"] + 20) * 8 / 1e6
               for s in doc["streams"])


def check_fallback(tap, name, r, doc, why, driver):
    diag = r.diag() + ([why] if why else [])
    if not tap.ok(r.rc == 0 and doc is not None, "%s: exits 0 with a JSON result" % name, diag):
        return
    ts, pacing = doc.get("timestamps", {}), doc.get("pacing", {})
    tap.ok(ts.get("tx") == "tsc" and ts.get("rx") == "tsc" and ts.get("requested") == "auto",
           "%s: auto chose the TSC for both sides" % name, "timestamps: %r" % ts)
    reason = ts.get("why", "")
    tap.ok(driver in reason and "RTE_ETH_RX_OFFLOAD_TIMESTAMP" in reason and
           "rte_eth_read_clock" in reason,
           "%s: the timestamp reason names the driver and what it lacks" % name, "why: %r" % reason)
    tap.ok(ts.get("nic_clock_hz") is None and ts.get("calibration") is None and
           ts.get("error_budget_ns") == 0 and isinstance(ts.get("tsc_hz"), int) and
           ts["tsc_hz"] > 0,
           "%s: no NIC clock, no calibration, no conversion error, the TSC's rate" % name,
           "timestamps: %r" % ts)
    tap.ok(pacing.get("source") == "software" and pacing.get("requested") == "auto" and
           pacing.get("queue_rate_mbps") is None and pacing.get("software_cap") is None,
           "%s: auto chose software pacing" % name, "pacing: %r" % pacing)
    reason = pacing.get("why", "")
    tap.ok(driver in reason and "rte_eth_set_queue_rate_limit" in reason and
           "not supported" in reason.lower(),
           "%s: the pacing reason names the driver and the unsupported call" % name,
           "why: %r" % reason)
    want = l1_mbps(doc)
    got = pacing.get("wanted_mbps")
    tap.ok(isinstance(got, (int, float)) and abs(got - want) <= 1e-6 * want,
           "%s: wanted_mbps is the streams' layer-1 rate" % name,
           "wanted_mbps %r, computed %.6f" % (got, want))
    s = doc["streams"][0]
    tap.ok(abs(s["tx"]["pps"] - RATE) <= 0.05 * RATE,
           "%s: software pacing held tx near %d packets/s" % (name, RATE),
           "tx pps %.1f" % s["tx"]["pps"])
    out = r.out + r.err
    tap.ok("round trip: TX and RX stamped by the TSC" in out and "pacing: software" in out,
           "%s: the table names both sources in a line" % name,
           [l for l in out.splitlines() if "round trip" in l] or ["no such line"])


def refused(tap, ws, name, cmd, words, status=None):
    """A run that must fail before sending: one stderr line with words, no results file."""
    out_dir = ws.path(name.replace(" ", "_"))
    os.mkdir(out_dir)
    jpath = os.path.join(out_dir, "r.json")
    full = cmd[:cmd.index("--") + 2] + ["--json", jpath] + cmd[cmd.index("--") + 2:]
    r = ws.run(full, 60, cwd=out_dir)
    lines = r.err.splitlines()
    problems = []
    if r.rc == 0 or r.rc is None or r.rc < 0 or (status is not None and r.rc != status):
        problems.append("exit status %s, expected %s" % (r.rc, status or "non-zero"))
    if len(lines) != 1:
        problems.append("%d lines on stderr, expected 1" % len(lines))
    missing = [w for w in words if not lines or w.lower() not in lines[0].lower()]
    if missing:
        problems.append("stderr's line lacks %r" % missing)
    if r.out:
        problems.append("stdout: %r" % r.out[:200])
    if os.listdir(out_dir):
        problems.append("files written: %r" % os.listdir(out_dir))
    tap.ok(not problems, "%s: refused with one line naming %s" % (name, ", ".join(words)),
           problems + ["command: " + " ".join(full)] + ["stderr: " + l for l in lines[:5]])


def body(tap, ws):
    # auto on loop's ring pair (ovlperf's default EAL options)
    path = ws.path("loop_auto.json")
    r = ws.run([OVLPERF, "--", "loop", "--encap", "raw", "--rate", str(RATE), "--duration", "2",
                "--no-live", "--json", path], 60)
    doc, why = load_json(path)
    check_fallback(tap, "loop auto (net_ring)", r, doc, why, "net_ring")

    # auto on net_null
    path = ws.path("null_auto.json")
    r = ws.run([OVLPERF] + EAL_NULL + ["--file-prefix", ws.prefix("n"), "--"] + SEND_NULL +
               ["--rate", str(RATE), "--json", path], 60)
    doc, why = load_json(path)
    check_fallback(tap, "send auto (net_null)", r, doc, why, "net_null")

    # asked for: tsc and software
    path = ws.path("loop_asked.json")
    r = ws.run([OVLPERF, "--", "loop", "--encap", "raw", "--rate", str(RATE), "--duration", "1",
                "--no-live", "--timestamps", "tsc", "--pacing", "software", "--json", path], 60)
    doc, why = load_json(path)
    if tap.ok(r.rc == 0 and doc is not None,
              "loop --timestamps tsc --pacing software: exits 0 with a JSON result",
              r.diag() + ([why] if why else [])):
        ts, pacing = doc["timestamps"], doc["pacing"]
        tap.ok(ts["requested"] == "tsc" and ts["rx"] == "tsc" and ts["tx"] == "tsc" and
               "--timestamps tsc" in ts["why"],
               "loop --timestamps tsc: the result says it was asked", "timestamps: %r" % ts)
        tap.ok(pacing["requested"] == "software" and pacing["source"] == "software" and
               "--pacing software" in pacing["why"],
               "loop --pacing software: the result says it was asked", "pacing: %r" % pacing)
        s = doc["streams"][0]
        tap.ok(s["rx"]["packets"] > 0 and s["latency_ns"]["count"] == s["rx"]["packets"],
               "loop --timestamps tsc: every reply has a round trip",
               "rx %d, latency samples %d" % (s["rx"]["packets"], s["latency_ns"]["count"]))

    # what these ports cannot do: refused before anything is sent
    null = [OVLPERF] + EAL_NULL + ["--file-prefix", ws.prefix("n"), "--"] + SEND_NULL
    refused(tap, ws, "send --timestamps hw (net_null)", null + ["--timestamps", "hw"],
            ["--timestamps hw", "port 0", "net_null", "RTE_ETH_RX_OFFLOAD_TIMESTAMP",
             "rte_eth_read_clock"], 2)
    null = [OVLPERF] + EAL_NULL + ["--file-prefix", ws.prefix("n"), "--"] + SEND_NULL
    refused(tap, ws, "send --pacing hardware (net_null)", null + ["--pacing", "hardware",
            "--rate", "10k"], ["--pacing hardware", "port 0", "net_null",
                               "rte_eth_set_queue_rate_limit"], 2)
    refused(tap, ws, "loop --pacing hardware (net_ring)",
            [OVLPERF, "--", "loop", "--duration", "1", "--no-live", "--rate", "10k", "--pacing",
             "hardware"], ["--pacing hardware", "port 0", "net_ring",
                           "rte_eth_set_queue_rate_limit"], 2)
    refused(tap, ws, "loop --timestamps hw (net_ring)",
            [OVLPERF, "--", "loop", "--duration", "1", "--no-live", "--timestamps", "hw"],
            ["--timestamps hw", "port 0", "net_ring", "RTE_ETH_RX_OFFLOAD_TIMESTAMP"], 2)
    # found on the command line
    refused(tap, ws, "loop --pacing hardware without --rate",
            [OVLPERF, "--", "loop", "--pacing", "hardware"], ["--pacing hardware", "--rate"], 2)
    refused(tap, ws, "loop --timestamps gps",
            [OVLPERF, "--", "loop", "--timestamps", "gps"],
            ["--timestamps", "gps", "auto", "tsc", "hw"], 2)
    refused(tap, ws, "send --pacing fast",
            [OVLPERF, "--", "send", "--pacing", "fast"],
            ["--pacing", "fast", "auto", "software", "hardware"], 2)
    refused(tap, ws, "reflect --timestamps tsc",
            [OVLPERF, "--", "reflect", "--timestamps", "tsc"], ["--timestamps", "reflect"], 2)


if __name__ == "__main__":
    sys.exit(main("clock_pacing", body))
