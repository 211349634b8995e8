#!/usr/bin/python3
"""Counts the checks of meson test logs and prints what was run, per test, before one last line.

Usage: tap_count.py NORMAL_TESTLOG [--rerun LABEL TESTLOG]...
  e.g. tap_count.py build/meson-logs/testlog.json \\
           --rerun ASan/UBSan build-asan/meson-logs/testlog.json
(A further plain TESTLOG is taken as a rerun labelled by its build directory.)

What a check is: a TAP point ("ok N", "not ok N") of a meson test, identified by the test's name
and the point's number, so a point printed twice is one check (it fails if either line failed).
A test that prints no TAP is one check (its exit status). A test whose process failed (exit
status, timeout, sanitizer abort, a plan it did not keep) while all its points said ok has one
more check, failed, for that; a process that ended well adds none. "1..0 # SKIP reason" or
meson's SKIP result (exit status 77) make the whole test one skipped check.

How N is counted on the last line, "N passed, N failed, N skipped": over DISTINCT checks. A rerun
of the same suites in another build (the unit and integration suites under AddressSanitizer and
UBSan) runs the same checks again: it is printed as its own block, test by test, so that nothing
is hidden, but it adds no check to N. A check that passed in the normal build and failed in the
rerun counts as failed; one skipped in one build and passed in the other counts as passed; a
check only the rerun has (its normal run died before printing it) is counted once like any
other. So passed + failed + skipped is the number of distinct checks, whatever the reruns.

Some tests hold many points of one kind: test_decoders prints one point per frame, decoder
(tshark, scapy) and header field group, about 5,900 points of one decoder suite. Every test's
line gives its own count, the largest say what share of the build's checks they are, and NOTES
below says what their points are.

Above the last line: one line per test per build (passed, failed, skipped), every skipped test
and point by name with its reason, every failed point by name, and per build its totals. The last
line stands alone. Exit status 1 if any check failed or a log cannot be read.
"""
import json
import re
import sys

# What a test's points are, where one test holds many of one kind.
NOTES = {
    "interop / decoders": "field groups (frame x decoder x header) of one decoder suite",
    "integration / hostile": "kinds of hostile frame x mode (unkeyed, keyed) over one capture",
}

TAP_POINT = re.compile(r"^(not )?ok\b\s*(\d+)?\s*(?:-\s*)?(.*)$")
DIRECTIVE = re.compile(r"(?<!\\)#\s*(SKIP|TODO)\S*\s*(.*)$", re.I)
PLAN = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(?:SKIP\S*)?\s*(.*))?$", re.I)
BAD_RESULTS = ("FAIL", "ERROR", "TIMEOUT", "UNEXPECTEDPASS", "INTERRUPT")
RANK = {"fail": 2, "pass": 1, "skip": 0}


def short(name):
    """'ovlperf:integration / loop' -> 'integration / loop'."""
    return name.split(":", 1)[1] if ":" in name.split(" / ")[0] else name


def parse_test(t):
    """The checks of one meson test: {key: (status, description, reason)}."""
    out = t.get("stdout") or ""
    result = t.get("result", "ERROR")
    checks = {}
    plan = None
    plan_skip = None
    bail = None
    for line in out.splitlines():
        m = PLAN.match(line)
        if m:
            plan = int(m.group(1))
            if plan == 0:
                plan_skip = (m.group(2) or "").strip() or "plan 1..0 without a reason"
            continue
        if line.startswith("Bail out!"):
            bail = line[len("Bail out!"):].strip() or "no reason given"
            continue
        m = TAP_POINT.match(line)
        if not m:
            continue
        num = int(m.group(2)) if m.group(2) else len([k for k in checks if isinstance(k, int)]) + 1
        desc = m.group(3)
        d = DIRECTIVE.search(desc)
        reason = ""
        if d:
            desc = desc[:d.start()].rstrip()
            reason = ("TODO: " if d.group(1).upper() == "TODO" else "") + d.group(2).strip()
            status = "skip"
        else:
            status = "fail" if m.group(1) else "pass"
        desc = desc.replace("\\#", "#")
        old = checks.get(num)
        if old is None or RANK[status] > RANK[old[0]]:
            checks[num] = (status, desc, reason)

    if not checks:
        if plan_skip is not None or result == "SKIP":
            reason = plan_skip or last_words(t) or "exit status 77, no reason printed"
            return {"test": ("skip", "(whole test)", reason)}
        if result in ("OK", "EXPECTEDFAIL"):
            return {"test": ("pass", "(whole test)", "")}
        return {"test": ("fail", "(whole test)", "%s, exit status %s" % (result, t.get("returncode")))}

    why = []
    if bail:
        why.append("bailed out: " + bail)
    if plan is not None and plan != len(checks):
        why.append("plan 1..%d but %d point(s)" % (plan, len(checks)))
    if result in BAD_RESULTS and not any(c[0] == "fail" for c in checks.values()):
        why.append("%s, exit status %s" % (result, t.get("returncode")))
    if why:
        checks["exit"] = ("fail", "(the process)", "; ".join(why))
    return checks


def last_words(t):
    for stream in ("stdout", "stderr"):
        lines = [l.strip("# ").strip() for l in (t.get(stream) or "").splitlines() if l.strip()]
        if lines:
            return lines[-1][:200]
    return ""


def read_log(path):
    """{test name: checks} in the log's order; a test run twice is merged like a printed twice
    point (worst status wins)."""
    tests = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            name = short(t["name"])
            merged = tests.setdefault(name, {})
            for key, c in parse_test(t).items():
                if key not in merged or RANK[c[0]] > RANK[merged[key][0]]:
                    merged[key] = c
    return tests


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def count(checks):
    n = {"pass": 0, "fail": 0, "skip": 0}
    for c in checks.values():
        n[c[0]] += 1
    return n


def fmt(n):
    parts = []
    if n["pass"] or not (n["fail"] or n["skip"]):
        parts.append("%d passed" % n["pass"])
    if n["fail"]:
        parts.append("%d FAILED" % n["fail"])
    if n["skip"]:
        parts.append("%d skipped" % n["skip"])
    return ", ".join(parts)


def main(argv):
    builds = []  # (label, heading, path)
    args = list(argv)
    if not args or args[0].startswith("--"):
        print("usage: tap_count.py NORMAL_TESTLOG [--rerun LABEL TESTLOG]...", file=sys.stderr)
        return 2
    path = args.pop(0)
    builds.append(("normal build", path))
    while args:
        a = args.pop(0)
        if a == "--rerun" and len(args) >= 2:
            label, p = args.pop(0), args.pop(0)
            builds.append(("rerun under " + label, p))
        elif not a.startswith("--"):
            builds.append(("rerun in " + a.split("/meson-logs")[0], a))
        else:
            print("usage: tap_count.py NORMAL_TESTLOG [--rerun LABEL TESTLOG]...", file=sys.stderr)
            return 2

    distinct = {}  # (test, key) -> status
    skipped_lines = []
    failed_lines = []
    totals = []
    unreadable = 0
    print("Checks per test: distinct TAP points (a test without TAP is one check).")
    for i, (label, path) in enumerate(builds):
        bdir = path.split("/meson-logs")[0]
        try:
            tests = read_log(path)
        except (OSError, ValueError, KeyError) as exc:
            print("%s (%s): cannot read %s: %s" % (label, bdir, path, exc))
            failed_lines.append("%s: cannot read %s" % (label, path))
            unreadable += 1
            continue
        all_checks = sum(len(c) for c in tests.values())
        suites = sorted({name.split(" / ")[0] for name in tests})
        if i == 0:
            print("%s (%s): %s, %s" % (label, bdir, plural(len(tests), "test"),
                                        plural(all_checks, "check")))
        else:
            print("%s (%s): the same checks again (suites %s), %s, %s;"
                  % (label, bdir, " and ".join(suites), plural(len(tests), "test"),
                     plural(all_checks, "check")))
            print("  it adds no check to the last line's total, only its failures")
        width = max([len(n) for n in tests] + [10])
        sums = {"pass": 0, "fail": 0, "skip": 0}
        for name, checks in tests.items():
            n = count(checks)
            for k in sums:
                sums[k] += n[k]
            notes = []
            if name in NOTES:
                notes.append(NOTES[name])
            if all_checks and len(checks) * 4 >= all_checks:
                notes.append("%d%% of this build's checks" % round(100.0 * len(checks) / all_checks))
            what = ("%5d passed" % n["pass"] if n["pass"] == len(checks)
                    else "%5d check%s: %s" % (len(checks), "" if len(checks) == 1 else "s",
                                                fmt(n)))
            print("  %-*s %s%s" % (width, name, what,
                                   ("  [" + "; ".join(notes) + "]") if notes else ""))
            by_reason = {}
            for key, (status, desc, reason) in checks.items():
                distinct_key = (name, key)
                old = distinct.get(distinct_key)
                if old is None or RANK[status] > RANK[old]:
                    distinct[distinct_key] = status
                where = "%s  %s  %s" % (bdir, name, desc if key in ("test", "exit")
                                        else "#%d %s" % (key, desc))
                if status == "fail":
                    failed_lines.append(where + ((": " + reason) if reason else ""))
                elif status == "skip":
                    by_reason.setdefault(reason, []).append(where)
            for reason, wheres in by_reason.items():
                for w in wheres[:3]:
                    skipped_lines.append("%s: %s" % (w, reason))
                if len(wheres) > 3:
                    skipped_lines.append("%s  %s  and %d more point(s): %s"
                                         % (bdir, name, len(wheres) - 3, reason))
        totals.append("%s (%s): %s, %s: %s"
                      % (label, bdir, plural(len(tests), "test"), plural(all_checks, "check"),
                         fmt(sums)))

    if skipped_lines:
        print("Skipped (test or point: reason):")
        for line in skipped_lines:
            print("  " + line)
    if failed_lines:
        print("FAILED:")
        for line in failed_lines:
            print("  " + line)
    for line in totals:
        print(line)
    n = {"pass": 0, "fail": unreadable, "skip": 0}
    for status in distinct.values():
        n[status] += 1
    print("distinct checks over %s: %d" % (" and ".join(b[0] for b in builds),
                                           len(distinct) + unreadable))
    print("%d passed, %d failed, %d skipped" % (n["pass"], n["fail"], n["skip"]))
    sys.stdout.flush()
    return 1 if n["fail"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
