#!/usr/bin/python3
"""Faults around a run's results: closed pipes, paths that cannot take a file, a full disk,
and the exit statuses (README, "Exit status").

Usage: /usr/bin/python3 tests/integration/test_faults.py PATH_TO_OVLPERF

Each case runs `ovlperf -- loop --encap raw --rate 10k --duration 1` (default EAL options):
- stdout closed before the run ends (the reader gone, as `| head -1` leaves it): with --json the
  file is written and the status is 0; without a file, status 1 and one line saying the
  results went nowhere. stderr closed (the live line's reader gone): status 0, file written.
- --json in a directory that does not exist, on a read-only file system (a tmpfs the suite
  mounts read-only), or naming a directory: refused before the run, status 2, one line naming
  the directory and what is allowed.
- A full disk (a 64 KiB tmpfs, filled): status 1, one line naming the path and "No space left",
  the earlier results file of that name left as it was, no temporary file left.
- send --rate unlimited over memif to a reflector process stopped (SIGSTOP) for 1.5 s of the
  3 s run, so that the ring fills whatever the machine's speed (a timing race between a sender
  and a reflector in one process is not a test): no_mbuf + tx_full > 0, the run ends on time
  with replies, every mbuf back in its pool.
- reflect with no --duration ends on SIGTERM as planned: status 0, not partial; reflect with
  --duration 30 stopped by SIGTERM: status 3 and partial.
Mounts are removed at the end whatever happens.
"""

import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.ovlperf import eal, memif, path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
LOOP = [OVLPERF, "--", "loop", "--encap", "raw", "--rate", "10k", "--duration", "1"]


def closed_pipe(ws, which, argv):
    """Runs argv with `which` ("stdout" or "stderr") a pipe whose reader has gone: returns
    (status, text of the other stream)."""
    r, w = os.pipe()
    os.close(r)
    other = open(ws.path("other-%s.txt" % which), "w+b")
    kw = {"stdout": w, "stderr": other} if which == "stdout" else {"stdout": other, "stderr": w}
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, **kw)
    os.close(w)
    try:
        rc = p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    other.seek(0)
    text = other.read().decode("utf-8", "replace")
    other.close()
    return rc, text


def pipes(tap, ws):
    j = ws.path("stdout-closed.json")
    rc, err = closed_pipe(ws, "stdout", LOOP + ["--json", j])
    doc, why = load_json(j)
    tap.ok(rc == 0 and doc is not None and doc["partial"] is False and
           doc["streams"][0]["tx"]["packets"] > 0,
           "stdout closed, --json FILE: status 0, the complete results in the file",
           ["status %s; %s" % (rc, why or "partial %r" % (doc or {}).get("partial")), err[-300:]])

    rc, err = closed_pipe(ws, "stdout", LOOP)
    lines = [l for l in err.splitlines() if "no --json or --csv" in l]
    tap.ok(rc == 1 and len(lines) == 1,
           "stdout closed, no results file: status 1 and one line saying the results went nowhere",
           ["status %s" % rc, err[-300:]])

    j = ws.path("stderr-closed.json")
    rc, out = closed_pipe(ws, "stderr", LOOP + ["--json", j])
    doc, why = load_json(j)
    tap.ok(rc == 0 and doc is not None and doc["partial"] is False and "raw" in out,
           "stderr closed (the live line's reader gone): status 0, the file written, the "
           "summary on stdout", ["status %s; %s" % (rc, why), out[-300:]])


def refused(tap, ws, what, path, words):
    r = ws.run(LOOP + ["--json", path], 60)
    lines = r.err.strip().splitlines()
    tap.ok(r.rc == 2 and len(lines) == 1 and all(w in lines[0] for w in words) and
           not os.path.exists(path if not os.path.isdir(path) else os.path.join(path, "x")),
           "--json %s: refused before the run (status 2), one line naming it" % what,
           r.diag())


def mount_tmpfs(mnt, opts):
    os.makedirs(mnt, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", mnt],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode == 0, r.stdout.strip()


def umount(mnt):
    if subprocess.run(["mountpoint", "-q", mnt]).returncode == 0:
        if subprocess.run(["umount", mnt]).returncode != 0:
            subprocess.run(["umount", "-l", mnt])


def paths(tap, ws):
    refused(tap, ws, "in a directory that does not exist", ws.path("nowhere/r.json"),
            ["--json", "nowhere", "does not exist", "writable directory"])
    refused(tap, ws, "naming a directory", ws.dir, ["--json", "is a directory", "file name"])
    ro = ws.path("ro")
    try:
        ok, why = mount_tmpfs(ro, "ro,size=64k")
        if not tap.ok(ok, "a read-only tmpfs is mounted for the next check", [why]):
            return
        refused(tap, ws, "on a read-only file system", os.path.join(ro, "r.json"),
                ["read-only file system", "writable directory"])
    finally:
        umount(ro)


def full_disk(tap, ws):
    mnt = ws.path("full")
    try:
        ok, why = mount_tmpfs(mnt, "size=64k")
        if not tap.ok(ok, "a 64 KiB tmpfs is mounted for the full-disk check", [why]):
            return
        j = os.path.join(mnt, "r.json")
        with open(j, "w") as f:
            f.write('{"earlier": true}\n')
        fd = os.open(os.path.join(mnt, "filler"), os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096) > 0:
                pass
        except OSError:
            pass
        os.close(fd)
        r = ws.run(LOOP + ["--json", j], 60)
        lines = [l for l in r.err.splitlines() if j in l]
        with open(j) as f:
            kept = f.read()
        left = sorted(n for n in os.listdir(mnt) if n not in ("r.json", "filler"))
        tap.ok(r.rc == 1 and len(lines) == 1 and "No space left" in lines[0],
               "full disk: status 1, one line naming the file and 'No space left'", r.diag())
        tap.ok(kept == '{"earlier": true}\n' and not left,
               "full disk: the earlier results file is left as it was, no temporary file left",
               ["r.json now %r; other files %r" % (kept[:80], left)])
    finally:
        umount(mnt)


def reflect_stop(tap, ws, duration, want_rc, want_partial):
    j = ws.path("reflect-%s.json" % duration)
    argv = [OVLPERF, "--no-huge", "--no-pci", "--no-shconf", "--file-prefix", ws.prefix("refl"),
            "--vdev", "net_null0", "--", "reflect", "--no-live", "--json", j]
    if duration:
        argv += ["--duration", str(duration)]
    proc = ws.start("reflect-%s" % duration, argv)
    time.sleep(2)
    up = proc.alive()
    proc.send_signal(signal.SIGTERM)
    rc, _ = proc.wait(10)
    doc, why = load_json(j)
    what = "reflect %s" % ("--duration %d" % duration if duration else "with no --duration")
    tap.ok(up and rc == want_rc and doc is not None and doc["partial"] is want_partial and
           doc["stop_reason"] == "signal",
           "%s, SIGTERM: status %d, partial %s, stop_reason signal" % (what, want_rc,
                                                                       str(want_partial).lower()),
           proc.diag() + [why or "partial %r stop_reason %r" % (doc["partial"], doc["stop_reason"])])
    proc.stop()


def exhaustion(tap, ws):
    """send --rate unlimited over memif to a reflector (another process) that is stopped
    (SIGSTOP, by pid) for 1.5 s of the 3 s run: whatever the machine's speed, the memif ring
    fills while nobody drains it, so the shortfall is certain. It is counted (no_mbuf +
    tx_full > 0), the run ends on time (never a stall), replies come again once the reflector
    goes on (SIGCONT), and every mbuf is back in its pool at the end."""
    sock, j = ws.path("slow.sock"), ws.path("unlimited.json")
    refl = ws.start("slow-refl", [OVLPERF] + eal(ws.prefix("slow-refl"), "0@0,1@0",
                                                 [memif("server", sock)]) + ["--", "reflect"])
    up = refl.wait_for(lambda: os.path.exists(sock) and " s] rx" in refl.stderr(), 20)
    if not tap.ok(up and refl.alive(), "a reflector on a memif server port is up", refl.diag()):
        refl.stop()
        return
    snd = ws.start("unlimited", [OVLPERF] + eal(ws.prefix("unlimited"), "0@1,1@1",
                                                [memif("client", sock)]) +
                   ["--", "send", "--encap", "raw", "--rate", "unlimited", "--duration", "3",
                    "--outage-after", "0.5", "--json", j])
    snd.wait_for(lambda: "[   1.0 s]" in snd.stderr(), 30)
    refl.send_signal(signal.SIGSTOP)
    time.sleep(1.5)
    refl.send_signal(signal.SIGCONT)
    rc, took = snd.wait(60)
    refl.stop()
    doc, why = load_json(j)
    ok = rc == 0 and doc is not None
    s = doc["sender"] if ok else {}
    pools = doc["mempools"] if ok else []
    tap.ok(ok and s["no_mbuf"] + s["tx_full"] > 0 and doc["streams"][0]["rx"]["packets"] > 0
           and took < 30,
           "send --rate unlimited to a stopped reflector: the full ring is counted (no_mbuf + "
           "tx_full > 0), never a stall: the run ends on time with replies",
           snd.diag() + [why or "sender %r" % {k: s.get(k) for k in ("no_mbuf", "tx_full", "rx_frames")}])
    tap.ok(ok and all(p["in_use_start"] == p["in_use_end"] for p in pools),
           "send --rate unlimited to a stopped reflector: every mbuf back in its pool at the end",
           ["%r" % pools])


def body(tap, ws):
    pipes(tap, ws)
    paths(tap, ws)
    full_disk(tap, ws)
    exhaustion(tap, ws)
    reflect_stop(tap, ws, 0, 0, False)
    reflect_stop(tap, ws, 30, 3, True)


if __name__ == "__main__":
    sys.exit(main("faults", body))
