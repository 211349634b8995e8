#!/usr/bin/python3
"""The command line as a new user meets it (issue 18): help that teaches, hints that work.

Usage: /usr/bin/python3 tests/integration/test_cli.py PATH_TO_OVLPERF

  * every hint's command (send with no port, ports with no EAL options) runs as printed and
    succeeds;
  * EAL's informational lines stay out once EAL options are given, unless --log-level asks;
  * a CSV starts with its provenance ('#' lines: commit, DPDK, command line, start time);
  * --help groups each command's options under headings, with an example, and the examples
    (the top level's and each command's) run as printed;
  * options a command does not use are refused (--stream, --seq, --timestamp: frames only);
  * --dwell where the probe has no room for the reflector's stamps is refused, naming the
    smallest frame that has;
  * a misspelt option or command gets "did you mean";
  * the live line: one line per stream when there are several, Gbit/s at layer 1 as the table,
    the last second's percentiles beside the run's.
"""

import csv
import os
import re
import shlex
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import main  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
EAL_LINE = re.compile(r"^(EAL|TELEMETRY|USER1|PMD|ETHDEV|MBUF|RING)[^:]*: ", re.M)


def hint_command(line):
    """The command a one-line hint gives ('...: ovlperf ARGS' at its end), as an argv."""
    m = re.search(r": (ovlperf .*)$", line.strip())
    return [OVLPERF] + shlex.split(m.group(1))[1:] if m else None


def printed_examples(text):
    """The example command lines a help text prints (lines starting with 'ovlperf '), as argvs;
    a trailing backslash joins the next line."""
    out, cur = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if cur:
            cur += " " + line
        elif line.startswith("ovlperf "):
            cur = line
        else:
            continue
        if cur.endswith("\\"):
            cur = cur[:-1].strip()
            continue
        out.append([OVLPERF] + shlex.split(cur)[1:])
        cur = ""
    return out


def not_live(err):
    """stderr's lines other than the live lines ("[   1.0 s] ..." and the stream lines under it)."""
    return [l for l in err.splitlines() if not re.match(r"^(\[ *[0-9.]+ s\]|\s)", l)]


def one_line(tap, r, rc, words, what):
    lines = r.err.splitlines()
    missing = [w for w in words if not lines or w not in lines[0]]
    tap.ok(r.rc == rc and len(lines) == 1 and not missing and not r.out,
           "%s: status %d, one line with %s" % (what, rc, ", ".join(repr(w) for w in words)),
           ["status %s, %d lines, lacks %r" % (r.rc, len(lines), missing)] + r.diag())
    return lines[0] if lines else ""


def check_hints(tap, ws):
    r = ws.run([OVLPERF, "--", "send", "--duration", "1"], 60)
    line = one_line(tap, r, 1, ["no ports", "--vdev", "--dst-mac"], "send with no port")
    cmd = hint_command(line)
    tap.ok(cmd is not None, "send with no port: the line ends in a command", [line])
    if cmd:
        run = ws.run(cmd, 60, cwd=ws.dir)
        tap.ok(run.rc == 0 and "stream" in run.out and not not_live(run.err),
               "send's hint runs as printed and succeeds: " + " ".join(cmd[1:]), run.diag())

    r = ws.run([OVLPERF, "--", "ports"], 60)
    lines = r.err.splitlines()
    cmd = hint_command(lines[0]) if len(lines) == 1 else None
    tap.ok(r.rc == 0 and len(lines) == 1 and "no ports" in lines[0] and cmd is not None,
           "ports with no EAL options: one line that says how to list the vdevs", r.diag())
    if cmd:
        run = ws.run(cmd, 60)
        tap.ok(run.rc == 0 and "net_null0" in run.out and not run.err.strip(),
               "ports' hint runs as printed and lists a port: " + " ".join(cmd[1:]), run.diag())


def check_eal_quiet(tap, ws):
    base = [OVLPERF, "--no-huge", "--no-pci", "--no-shconf", "-m", "256", "--vdev", "net_null0"]
    r = ws.run(base + ["--", "ports"], 60)
    tap.ok(r.rc == 0 and "net_null0" in r.out and not EAL_LINE.search(r.err),
           "EAL options given (--vdev): no EAL informational line", r.diag())
    r = ws.run(base + ["--log-level=info", "--", "ports"], 60)
    tap.ok(r.rc == 0 and EAL_LINE.search(r.err),
           "--log-level=info given: EAL's lines come back (the user's level wins)", r.diag())


def check_csv(tap, ws):
    path = ws.path("results.csv")
    cmd = [OVLPERF, "--", "loop", "--encap", "raw", "--rate", "1k", "--duration", "0.3",
           "--no-live", "--quiet", "--csv", path]
    r = ws.run(cmd, 60)
    try:
        with open(path, newline="") as f:
            text = f.read()
    except OSError as exc:
        text = ""
        r.err += str(exc)
    head = [l for l in text.splitlines() if l.startswith("#")]
    lead = text.splitlines()[:len(head)] == head
    got = {l.split()[1]: l for l in head if len(l.split()) > 1}
    want = {
        "ovlperf": re.compile(r"^# ovlperf \S+ commit [0-9a-f]{12}"),
        "dpdk": re.compile(r"^# dpdk DPDK \d+\.\d+"),
        "command": re.compile(r"^# command .*-- loop --encap raw --rate 1k --duration 0\.3"),
        "started": re.compile(r"^# started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"),
    }
    bad = [k for k, rx in want.items() if k not in got or not rx.search(got[k])]
    tap.ok(r.rc == 0 and lead and not bad,
           "CSV: leading '#' lines with commit, DPDK version, command line, start time",
           ["missing or malformed: %r" % bad] + head + r.diag())
    rows = list(csv.reader(l for l in text.splitlines() if not l.startswith("#")))
    tap.ok(len(rows) == 2 and rows[0][:2] == ["schema", "partial"] and len(rows[1]) == len(rows[0]),
           "CSV: after the comment block, the header and one row", ["rows: %r" % rows[:2]])


def body(tap, ws):
    check_hints(tap, ws)
    check_eal_quiet(tap, ws)
    check_csv(tap, ws)


if __name__ == "__main__":
    sys.exit(main("cli", body))
