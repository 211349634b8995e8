# SPDX-License-Identifier: BSD-3-Clause
"""A test suite's harness (tests/integration/test_*.py and others).

- Workspace: a temporary directory, the processes started in it and the DPDK runtime
  directories of the --file-prefix values it handed out; cleanup() removes all of them and is
  also run on SIGTERM/SIGINT (meson's timeout), so nothing is left behind on failure.
- run(): one process with a bounded wait; Proc: a background process (reflector, testpmd).
- main(suite, body): runs body(tap, ws) and ends the TAP stream whatever happens.
- load_json(), loadavg(), check_ordered(): small readers of results.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from .tap import Tap

DPDK_RUN_DIR = "/var/run/dpdk"
TESTPMD = "/usr/bin/dpdk-testpmd"


# ---------------------------------------------------------------------------------------------
# Processes and cleanup
# ---------------------------------------------------------------------------------------------

class Result:
    def __init__(self, cmd, rc, out, err, elapsed, timed_out):
        self.cmd, self.rc, self.out, self.err = cmd, rc, out, err
        self.elapsed, self.timed_out = elapsed, timed_out

    def diag(self, tail=15):
        lines = ["command: " + " ".join(self.cmd),
                 "exit status %s after %.2f s%s" % (self.rc, self.elapsed,
                                                   " (timed out, killed)" if self.timed_out else "")]
        err = self.err.splitlines()
        if err:
            lines.append("stderr (last %d lines):" % min(tail, len(err)))
            lines.extend("  " + l for l in err[-tail:])
        return lines


class Proc:
    """A background process whose stdout/stderr go to files in the workspace."""

    def __init__(self, ws, name, cmd):
        self.ws, self.name, self.cmd = ws, name, cmd
        self.out_path = ws.path(name + ".stdout")
        self.err_path = ws.path(name + ".stderr")
        self._out = open(self.out_path, "wb")
        self._err = open(self.err_path, "wb")
        self.started = time.monotonic()
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._out,
                                  stderr=self._err)
        self.pid = self.p.pid
        ws.procs.append(self)

    def alive(self):
        return self.p.poll() is None

    def stdout(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for(self, predicate, timeout):
        """Polls predicate() every 50 ms until true, the process ends or timeout s pass."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return True
            if not self.alive():
                return predicate()
            time.sleep(0.05)
        return predicate()

    def send_signal(self, sig):
        if self.alive():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def wait(self, timeout):
        """Waits up to timeout s; returns (exit status or None if still running, seconds)."""
        t0 = time.monotonic()
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        return rc, time.monotonic() - t0

    def stop(self, sig=signal.SIGTERM, grace=5.0):
        """Signals the process, then SIGKILLs it (by pid) if it outlives the grace period."""
        if self.alive():
            self.send_signal(sig)
            rc, _ = self.wait(grace)
            if rc is None:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.p.wait(timeout=10)
        for f in (self._out, self._err):
            if not f.closed:
                f.close()
        return self.p.returncode

    def diag(self, tail=15):
        lines = ["command: " + " ".join(self.cmd),
                 "pid %d, %s" % (self.pid, "running" if self.alive()
                                 else "exit status %s" % self.p.returncode)]
        err = self.stderr().splitlines()
        if err:
            lines.append("stderr (last %d lines):" % min(tail, len(err)))
            lines.extend("  " + l for l in err[-tail:])
        return lines


class Workspace:
    """A temporary directory plus everything a suite starts; cleanup() undoes it all."""

    def __init__(self, suite):
        self.dir = tempfile.mkdtemp(prefix="ovlperf-it-%s-" % suite)
        self.suite = suite
        self.procs = []
        self.prefixes = []
        self.extra_paths = []
        self._n = 0
        self._old = {}
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            self._old[sig] = signal.signal(sig, self._on_signal)

    def _on_signal(self, sig, frame):
        # Unwind through the suite's finally: cleanup runs, then the exit status says why.
        raise SystemExit(128 + sig)

    def path(self, name):
        return os.path.join(self.dir, name)

    def prefix(self, tag):
        """A --file-prefix no other process uses; its runtime directory is removed at cleanup."""
        self._n += 1
        p = "ovlit-%s-%d-%s%d" % (self.suite, os.getpid(), tag, self._n)
        self.prefixes.append(p)
        return p

    def run(self, cmd, timeout, env=None, cwd=None, stdin_data=None):
        """Runs cmd to completion (killed by pid after timeout s); returns a Result.

        stdin_data (bytes): written to its stdin, which is then closed; otherwise /dev/null."""
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL if stdin_data is None else subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
        timed_out = False
        try:
            out, err = p.communicate(input=stdin_data, timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            p.kill()
            out, err = p.communicate(timeout=30)
        except BaseException:
            p.kill()
            p.wait(timeout=30)
            raise
        return Result(cmd, p.returncode, out.decode("utf-8", "replace"),
                      err.decode("utf-8", "replace"), time.monotonic() - t0, timed_out)

    def start(self, name, cmd):
        return Proc(self, name, cmd)

    def cleanup(self):
        for proc in self.procs:
            try:
                proc.stop(signal.SIGKILL, grace=5)
            except Exception:
                pass
        for p in self.prefixes:
            shutil.rmtree(os.path.join(DPDK_RUN_DIR, p), ignore_errors=True)
        for p in self.extra_paths:
            try:
                os.unlink(p)
            except OSError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
        for sig, old in self._old.items():
            signal.signal(sig, old)


def main(suite, body):
    """Runs body(tap, ws) with cleanup on every exit path; returns the TAP exit status."""
    tap = Tap()
    ws = Workspace(suite)
    t0 = time.monotonic()
    try:
        body(tap, ws)
    except SystemExit:
        tap.ok(False, "suite interrupted by a signal")
        raise
    except Exception as exc:  # a bug in the suite itself still ends the TAP stream properly
        import traceback
        tap.ok(False, "suite raised %s: %s" % (type(exc).__name__, exc),
               traceback.format_exc().splitlines())
    finally:
        ws.cleanup()
    tap.diag("suite %s took %.1f s" % (suite, time.monotonic() - t0))
    return tap.done()


def load_json(path):
    """The parsed JSON document, or (None, why)."""
    try:
        with open(path) as f:
            return json.load(f), None
    except FileNotFoundError:
        return None, "%s was not written" % path
    except ValueError as exc:
        return None, "%s is not valid JSON: %s" % (path, exc)


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().strip()
    except OSError:
        return "?"


def check_ordered(lat):
    keys = ("min", "p50", "p90", "p99", "p99_9", "max")
    vals = [lat.get(k) for k in keys]
    ok = all(isinstance(v, int) for v in vals) and all(a <= b for a, b in zip(vals, vals[1:]))
    return ok, ", ".join("%s %s" % (k, v) for k, v in zip(keys, vals))
