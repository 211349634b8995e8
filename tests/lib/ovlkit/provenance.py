# SPDX-License-Identifier: BSD-3-Clause
"""Where a result came from and whether it may be cited (bench/README.md, "Results").

A run is clean when the commit it measured has no uncommitted changes and the 1-minute load
average was under CLEAN_LOAD when it started and again once it was over. The load just as the
run's last process exits still holds the run's own busy-polling (1 to 2 on this machine), so
the end reading is taken after settle(): the average falls by half in about 42 s once nothing
runs, and a reading still high after SETTLE_MAX_S means something else was running.
"""

import datetime
import os
import platform
import re
import shlex
import subprocess
import time

CLEAN_LOAD = 0.5
SETTLE_MAX_S = 150


def loadavg():
    """The 1, 5 and 15-minute load averages."""
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def settle(limit=CLEAN_LOAD, max_wait=SETTLE_MAX_S, step=5.0):
    """Waits until the 1-minute load average is under limit, at most max_wait seconds.
    Returns {"load": [1, 5, 15 min], "waited_s": s, "settled": bool}."""
    t0 = time.monotonic()
    while True:
        load = loadavg()
        waited = time.monotonic() - t0
        if load[0] < limit or waited >= max_wait:
            return {"load": load, "waited_s": round(waited, 1), "settled": load[0] < limit}
        time.sleep(step)


def ovlperf_commit(ovlperf):
    """The commit the binary was built from, as it reports it (git describe --dirty at build
    time): 'ovlperf 0.1.0 (6f971ebecd20)' -> '6f971ebecd20'; None when it does not say."""
    try:
        out = subprocess.run([ovlperf, "--version"], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"\(([0-9a-f]{7,40}(?:-dirty)?)\)", out)
    return m.group(1) if m else None


def is_clean(commit, load_start, load_after):
    """Whether a run may be cited: a commit without -dirty, both loads under CLEAN_LOAD.
    load_start, load_after: [1, 5, 15 min] lists (load_after may be None: not clean)."""
    return (bool(commit) and not commit.endswith("-dirty") and load_start is not None
            and load_after is not None and load_start[0] < CLEAN_LOAD
            and load_after[0] < CLEAN_LOAD)


def write_atomic(path, text):
    """Writes text to path through a temporary file in the same directory and a rename, so a
    reader never sees half a file and an interrupted write leaves the old one."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _utc():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def machine():
    """CPU model, CPU count, kernel and the DPDK package this machine runs."""
    model = None
    try:
        with open("/proc/cpuinfo") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), None)
    except OSError:
        pass
    try:
        dpdk = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libdpdk-dev"],
                              capture_output=True, text=True, timeout=20).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        dpdk = None
    return {"cpu_model": model, "cpus": os.cpu_count(), "kernel": platform.release(),
            "dpdk_package": dpdk}


def run_meta(ovlperf, argv):
    """What a benchmark records as it starts: its command line, the commit the binary was built
    from, the machine, the time and the load."""
    return {"command": shlex.join(argv), "ovlperf_commit": ovlperf_commit(ovlperf),
            "machine": machine(), "started_utc": _utc(), "load_start": loadavg()}


def finish_meta(meta, wait=True):
    """Completes run_meta's record once the run is over: the time, the load as it ended and once
    settled (wait=False reads it at once: a short run is never cited), and whether the run is
    clean."""
    meta["finished_utc"] = _utc()
    meta["load_end"] = loadavg()
    meta["load_after"] = settle(max_wait=SETTLE_MAX_S if wait else 0)
    meta["clean"] = is_clean(meta["ovlperf_commit"], meta["load_start"], meta["load_after"]["load"])
    return meta


def meta_md(meta):
    """The markdown lines that head a results summary: command, commit, machine, load, and
    whether it may be cited."""
    m = meta["machine"]
    return [
        "- command: `%s`" % meta["command"],
        "- ovlperf %s; %s, %s CPUs; kernel %s; DPDK package %s" % (
            meta["ovlperf_commit"] or "commit unknown", m["cpu_model"], m["cpus"], m["kernel"],
            m["dpdk_package"]),
        "- %s to %s (UTC); 1-minute load %.2f before, %.2f as it ended, %.2f %g s later" % (
            meta["started_utc"], meta["finished_utc"], meta["load_start"][0], meta["load_end"][0],
            meta["load_after"]["load"][0], meta["load_after"]["waited_s"]),
        "- " + ("clean run: may be cited" if meta["clean"] else
                "**not a clean run (uncommitted changes, or load of %g or more before or after): "
                "never cite these figures**" % CLEAN_LOAD),
    ]
