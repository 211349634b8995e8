# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for bench/perf: child processes that are always reaped, per-thread CPU sampling,
dpdk-testpmd output parsing and callgrind summaries. (pcap files, the encapsulations and
ovlperf's EAL defaults: tests/lib/ovlkit, shared with the tests.)

Nothing here knows about the figures; bench/perf composes them.
"""

import os
import re
import signal
import statistics
import subprocess
import threading
import time


class RunError(Exception):
    """A run that could not produce its figure; the message says why."""


# --------------------------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------------------------

class Children:
    """Every process bench/perf starts goes through here. Each runs in a session of its own
    (its process group id is its pid), so on exit each one is killed by that pid, with
    whatever it forked (valgrind's tool, testpmd under /usr/bin/time)."""

    def __init__(self):
        self._live = {}
        self._lock = threading.Lock()

    def popen(self, argv, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(argv, start_new_session=True, **kw)
        with self._lock:
            self._live[p.pid] = p
        return p

    def done(self, p):
        with self._lock:
            self._live.pop(p.pid, None)

    def kill(self, p, sig=signal.SIGKILL):
        try:
            os.killpg(p.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def kill_all(self):
        with self._lock:
            procs = list(self._live.values())
            self._live.clear()
        for p in procs:
            self.kill(p)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def run(self, argv, timeout, **kw):
        """Runs to completion (killed after timeout s); returns (rc, stdout, stderr) as text."""
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        p = self.popen(argv, text=True, **kw)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(p)
            out, err = p.communicate()
            self.done(p)
            raise RunError("%s: no exit after %.0f s, killed" % (os.path.basename(argv[0]), timeout))
        self.done(p)
        return p.returncode, out, err


def child_pids(pid):
    """Direct children of pid (from /proc, every thread's children file)."""
    kids = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                    kids += [int(x) for x in f.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return kids


# --------------------------------------------------------------------------------------------
# Per-thread CPU time: how much of its CPU a busy-polling lcore actually got
# --------------------------------------------------------------------------------------------

WORKER_PREFIXES = ("rte-worker", "lcore-worker")


class ThreadSampler:
    """Samples /proc/PID/task/*/schedstat (first field: ns on a CPU) every `period` s while the
    process lives. worker_share() is the on-CPU share of the DPDK worker thread over the
    intervals in which it was running (its busy loop), the first and last of those dropped
    because they are only partly busy."""

    def __init__(self, pid, period=0.1):
        self.pid = pid
        self.period = period
        self.samples = {}   # tid -> (comm, [(t, on_cpu_ns), ...])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        base = "/proc/%d/task" % self.pid
        while not self._stop.is_set():
            try:
                tids = os.listdir(base)
            except OSError:
                return
            now = time.monotonic()
            for tid in tids:
                try:
                    with open("%s/%s/schedstat" % (base, tid)) as f:
                        on_cpu = int(f.read().split()[0])
                    entry = self.samples.get(tid)
                    if entry is None:
                        with open("%s/%s/comm" % (base, tid)) as f:
                            entry = self.samples[tid] = (f.read().strip(), [])
                    entry[1].append((now, on_cpu))
                except (OSError, ValueError, IndexError):
                    pass
            self._stop.wait(self.period)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=2)

    @staticmethod
    def _share(pts):
        busy = []
        for (t0, c0), (t1, c1) in zip(pts, pts[1:]):
            if t1 > t0 and (c1 - c0) / ((t1 - t0) * 1e9) > 0.05:
                busy.append((t1 - t0, c1 - c0))
        if len(busy) > 2:
            busy = busy[1:-1]
        if not busy:
            return None
        return sum(c for _, c in busy) / (sum(t for t, _ in busy) * 1e9)

    def worker_shares(self):
        """{thread name: on-CPU share} of every DPDK worker thread."""
        return {comm: self._share(pts) for comm, pts in self.samples.values()
                if comm.startswith(WORKER_PREFIXES)}

    def worker_share(self):
        """The first worker's on-CPU share (the one worker of send, reflect and testpmd)."""
        shares = self.worker_shares()
        return shares[min(shares)] if shares else None


# --------------------------------------------------------------------------------------------
# dpdk-testpmd
# --------------------------------------------------------------------------------------------

_PPS = re.compile(r"^\s*(Rx|Tx)-pps:\s+(\d+)")
_ACC_TX = re.compile(r"TX-packets:\s+(\d+)")


def testpmd_periods(children, argv, periods, startup_timeout=60, sample=True):
    """Runs testpmd (argv must include --stats-period 1) until it has printed `periods` full
    statistics periods after its first one, then stops it with SIGINT (as Ctrl-C would) and
    reads the rest. The first period's "Tx-pps" is always 0 (testpmd has no earlier sample
    to compare with), so the figure is the mean of the `periods` lines after it: each one is
    testpmd's own count over a measured interval. Returns a dict with the per-period rates,
    the accumulated totals and the worker thread's on-CPU share."""
    p = children.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       bufsize=1)
    sampler = ThreadSampler(p.pid) if sample else None
    tx, rx, lines = [], [], []
    deadline = time.monotonic() + startup_timeout + periods * 3
    stopped = False
    timer = threading.Timer(startup_timeout + periods * 3, children.kill, (p,))
    timer.start()
    try:
        for line in p.stdout:
            lines.append(line)
            m = _PPS.match(line)
            if m:
                (tx if m.group(1) == "Tx" else rx).append(int(m.group(2)))
                if len(tx) > periods and len(rx) >= len(tx) and not stopped:
                    if sampler:
                        sampler.stop()
                    os.kill(p.pid, signal.SIGINT)
                    stopped = True
            if time.monotonic() > deadline:
                break
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        children.kill(p)
        p.wait()
    finally:
        timer.cancel()
        if sampler:
            sampler.stop()
        children.done(p)
    text = "".join(lines)
    if len(tx) <= periods:
        cause = [l.strip() for l in lines if "Cause" in l or "rror" in l]
        raise RunError("testpmd printed %d of %d statistics periods%s" % (
            max(len(tx) - 1, 0), periods, (": " + cause[-1]) if cause else ""))
    acc = text.split("Accumulated forward statistics")
    acc_tx = int(_ACC_TX.search(acc[-1]).group(1)) if len(acc) > 1 and _ACC_TX.search(acc[-1]) else None
    return {
        "tx_pps_periods": tx[1:periods + 1],
        "rx_pps_periods": rx[1:periods + 1],
        "tx_pps": statistics.fmean(tx[1:periods + 1]),
        "rx_pps": statistics.fmean(rx[1:periods + 1]),
        "accumulated_tx_packets": acc_tx,
        "worker_cpu_share": sampler.worker_share() if sampler else None,
    }


def testpmd_accumulated_tx(text):
    acc = text.split("Accumulated forward statistics")
    if len(acc) < 2:
        return None
    m = _ACC_TX.search(acc[-1])
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------------------------
# callgrind
# --------------------------------------------------------------------------------------------

_CG_FN = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+\*\s+(.*?)\s+\[(.*)\]\s*$")
_CG_CALLEE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+>\s+(.*?)\s+\(([\d,]+)x\)\s+\[(.*)\]\s*$")
_CG_TOTAL = re.compile(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?PROGRAM TOTALS")


def _num(s):
    return int(s.replace(",", ""))


def object_class(obj):
    base = os.path.basename(obj)
    if base == "ovlperf" or base.startswith("ovlperf"):
        return "ovlperf"
    if "/pmds-" in obj or base.startswith("libpcap"):
        return "pmd"
    return "other"


def callgrind_functions(annotate, path):
    """Every function block of callgrind_annotate --inclusive=yes --tree=calling: name ->
    {"ir": inclusive instructions, "object": its file, "callees": [...]}, and the total."""
    r = subprocess.run([annotate, "--inclusive=yes", "--tree=calling", "--threshold=100", path],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RunError("callgrind_annotate failed: %s" % r.stderr.strip()[-300:])
    total, funcs, cur = None, {}, None
    for line in r.stdout.splitlines():
        m = _CG_TOTAL.match(line)
        if m and total is None:
            total = _num(m.group(1))
            continue
        m = _CG_FN.match(line)
        if m:
            name = short_name(m.group(2), m.group(3))
            cur = funcs.setdefault(name, {"ir": _num(m.group(1)), "object": m.group(3), "callees": []})
            continue
        c = _CG_CALLEE.match(line)
        if c and cur is not None:
            cur["callees"].append({"name": short_name(c.group(2), c.group(4)), "calls": _num(c.group(3)),
                                   "ir": _num(c.group(1)), "class": object_class(c.group(4))})
        elif not line.strip():
            cur = None
    if total is None:
        raise RunError("callgrind: no program total")
    return total, funcs


def short_name(fn, obj):
    """A function's name; for stripped code (???:0x...), the library and the address."""
    name = fn.split(":", 1)[-1].split("'")[0]   # f'2: a recursion level of f
    if name.startswith("0x"):
        lib = os.path.basename(obj).split(".so")[0]
        return "%s+0x%x" % (lib, int(name, 16))
    return name


def callgrind_summary(annotate, path, function):
    """Total instructions, and `function`'s inclusive instructions split into its own (with
    whatever the compiler inlined into it), its callees in ovlperf, in PMDs (and libpcap) and
    in other libraries; with each ovlperf callee's own callees one level down."""
    total, funcs = callgrind_functions(annotate, path)
    f = funcs.get(function)
    if f is None:
        raise RunError("callgrind: %s not found in the profile" % function)
    split = {"ovlperf": 0, "pmd": 0, "other": 0}
    for c in f["callees"]:
        split[c["class"]] += c["ir"]
    split["self"] = f["ir"] - sum(c["ir"] for c in f["callees"])
    below = {}
    for c in f["callees"]:
        sub = funcs.get(c["name"])
        if c["class"] == "ovlperf" and sub and sub["callees"]:
            below[c["name"]] = sorted(sub["callees"], key=lambda x: -x["ir"])
    return {"total_ir": total, "function_ir": f["ir"], "split": split,
            "callees": sorted(f["callees"], key=lambda c: -c["ir"]), "below": below}


def callgrind_total(text):
    m = re.search(r"Collected\s*:\s*(\d+)", text)
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------------------------
# Small statistics
# --------------------------------------------------------------------------------------------

def median(values):
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def spread(values):
    """(max - min) / median, a plain measure of how much repeats disagreed."""
    vals = [v for v in values if v is not None]
    if len(vals) < 2:
        return None
    m = statistics.median(vals)
    return (max(vals) - min(vals)) / m if m else None


def busy_processes(exclude_pid, seconds=1.0, threshold=0.1):
    """Processes (other than exclude_pid and its descendants) that used more than
    `threshold` of a CPU over `seconds`: [(pid, name, share)], busiest first."""
    def snap():
        out = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
                comm = st[st.index("(") + 1:st.rindex(")")]
                rest = st[st.rindex(")") + 2:].split()
                out[int(d)] = (comm, int(rest[11]) + int(rest[12]), int(rest[1]))
            except (OSError, ValueError, IndexError):
                pass
        return out
    hz = os.sysconf("SC_CLK_TCK")
    a = snap()
    time.sleep(seconds)
    b = snap()
    mine = {exclude_pid}
    for pid, (_, _, ppid) in sorted(b.items()):
        if ppid in mine:
            mine.add(pid)
    busy = []
    for pid, (comm, ticks, _) in b.items():
        if pid in mine or pid not in a:
            continue
        share = (ticks - a[pid][1]) / hz / seconds
        if share > threshold:
            busy.append((pid, comm, round(share, 2)))
    return sorted(busy, key=lambda x: -x[2])
