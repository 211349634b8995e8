#!/usr/bin/python3
"""--idle-sleep: workers that sleep when they find nothing to do, so that pollers share CPUs.

Usage: /usr/bin/python3 tests/integration/test_idle_sleep.py PATH_TO_OVLPERF

What shows that a worker sleeps is the kernel's count of the process's voluntary context switches
(getrusage through os.wait4: ru_nvcsw), not anything ovlperf reports: a busy-polling worker
never gives up its CPU, so a run without --idle-sleep switches a few times a second (the main
lcore's once-a-second report, DPDK's interrupt thread), while a sleeping one switches every
time it sleeps. A busy machine only adds switches to neither: the kernel counts preemption as
involuntary (ru_nivcsw).

Runs, each `ovlperf -- loop --encap vxlan,raw --rate 10k --duration 3` on its ring pair:
- without --idle-sleep: fewer than 300 voluntary switches per second (about 60 here);
- with --idle-sleep 20: more than 2000 per second (at 10k packets/s per stream each worker is
  idle between packets; about 36000 here);
- with --idle-sleep 20 and 1000: still every probe answered: tx is the rate asked (within 2%:
  the pacer catches up after a sleep), nothing lost, and the results carry the option's value;
- --idle-sleep 1001, -1, 2x: exit 2 with one line naming the option and 0..1000.
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
RATE = 10000
SECONDS = 3


def loop(ws, name, extra):
    """Runs loop with extra options; (exit status, voluntary switches per second, doc, stderr)."""
    path = ws.path(name + ".json")
    cmd = [OVLPERF, "--", "loop", "--encap", "vxlan,raw", "--rate", str(RATE), "--duration",
           str(SECONDS), "--json", path, "--no-live", "--quiet"] + extra
    err = open(ws.path(name + ".stderr"), "w+")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    try:
        _pid, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    proc.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    text = err.read()
    err.close()
    doc, _why = load_json(path)
    return proc.returncode, usage.ru_nvcsw / SECONDS, doc, text


def body(tap, ws):
    rc, busy, doc, err = loop(ws, "busy", [])
    tap.ok(rc == 0 and busy < 300,
           "without --idle-sleep the workers poll: %.0f voluntary switches/s (< 300)" % busy,
           ["exit status %s" % rc, err[-500:]])
    for us in (20, 1000):
        rc, sw, doc, err = loop(ws, "idle-%d" % us, ["--idle-sleep", str(us)])
        # Two workers sleeping 1 ms at a time cannot switch 2000 times a second: that run is
        # judged by its rate alone.
        if us == 20:
            tap.ok(rc == 0 and sw > 2000,
                   "--idle-sleep 20: the workers sleep, %.0f voluntary switches/s (> 2000)" % sw,
                   ["exit status %s" % rc, err[-500:]])
        bad = []
        if doc is None:
            bad.append("no JSON")
        else:
            for s in doc["streams"]:
                tx = s["tx"]["packets"]
                if abs(tx - RATE * SECONDS) > 0.02 * RATE * SECONDS or s["lost"] != 0:
                    bad.append("%s: tx %d (asked %d), lost %d"
                               % (s["encap"], tx, RATE * SECONDS, s["lost"]))
            if doc.get("config", {}).get("idle_sleep_us") != us:
                bad.append("config.idle_sleep_us %r" % doc.get("config", {}).get("idle_sleep_us"))
        tap.ok(not bad, "--idle-sleep %d: the rate asked, nothing lost, the value in the "
               "results' config" % us, bad)
    for value in ("1001", "-1", "2x"):
        r = ws.run([OVLPERF, "--", "loop", "--idle-sleep", value, "--duration", "1"], 30)
        lines = [x for x in r.err.splitlines() if x.strip()]
        tap.ok(r.rc == 2 and len(lines) == 1 and "--idle-sleep" in lines[0] and "1000" in lines[0],
               "--idle-sleep %s: exit 2, one line naming the option and its range" % value,
               ["exit status %s" % r.rc] + lines[:3])


if __name__ == "__main__":
    sys.exit(main("idle_sleep", body))
