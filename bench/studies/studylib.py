# SPDX-License-Identifier: BSD-3-Clause
"""Shared helpers for the overlay-overhead studies under bench/studies/.

Everything a study starts goes through here, so that one cleanup (atexit, SIGINT, SIGTERM,
SIGHUP and the study's own watchdog alarm) removes it again:

  - child processes run in sessions of their own and are killed by their process group id;
  - network namespaces are created under names that carry this process's pid and deleted on
    exit (whatever still runs inside them, all started by this study, is killed first, by pid);
  - every subprocess has a timeout; the whole study has a watchdog (--timeout).

It also knows the tools (iperf3, sockperf, gnuplot, ethtool: installed with apt-get when
missing and run as root), a namespace pair joined by a veth with a kernel VXLAN device on each
end, ovlperf (a snapshot of build/app/ovlperf, so a concurrent rebuild cannot change the binary
in the middle of a study), medians and confidence intervals, CSV, gnuplot (PNG and SVG) and the
markdown of the summaries. Nothing here knows a study's figures.
"""

import argparse
import atexit
import csv
import datetime
import json
import math
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.path.join(HERE, "results")
TESTBED = os.path.join(ROOT, "tests", "interop", "kernel", "testbed.sh")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from ovlkit import catalogue as _catalogue  # noqa: E402
from ovlkit import plot, provenance  # noqa: E402


def catalogue(ovl):
    """The encapsulations of the ovlperf binary at ovl (`ovlperf -- frames --list --json`)."""
    return _catalogue.load(ovl)

# Addresses: TEST-NET-1 for the underlay, TEST-NET-2 inside the tunnel.
IP_A, IP_B = "192.0.2.1", "192.0.2.2"
INNER_A, INNER_B = "198.51.100.1", "198.51.100.2"

NOISY_LOAD = 1.0


class StudyError(Exception):
    """A step that could not produce its figure; the message says why."""


# ------------------------------------------------------------------------------------------
# Cleanup: children, namespaces, callbacks
# ------------------------------------------------------------------------------------------

_children = {}
_namespaces = []
_cleanups = []
_cleaned = [False]
_tmpdir = [None]


def log(msg):
    print(f"[{datetime.datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _signal_exit(signum, _frame):
    signal.signal(signum, signal.SIG_IGN)  # no second interruption of the cleanup
    if signum == signal.SIGALRM:
        log("watchdog: the study ran past its --timeout; stopping")
    raise SystemExit(128 + signum)


def install_handlers(timeout_s):
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
        signal.signal(s, _signal_exit)
    atexit.register(cleanup)
    if timeout_s:
        signal.alarm(int(timeout_s))


def on_cleanup(fn):
    _cleanups.append(fn)


def cleanup():
    if _cleaned[0]:
        return
    _cleaned[0] = True
    for fn in reversed(_cleanups):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the rest of the cleanup must still run
            log(f"cleanup: {e}")
    for p in list(_children.values()):
        try:
            stop(p)
        except Exception as e:  # noqa: BLE001
            log(f"cleanup: pid {p.pid}: {e}")
    for ns in list(reversed(_namespaces)):
        try:
            netns_del(ns)
        except Exception as e:  # noqa: BLE001
            log(f"cleanup: namespace {ns}: {e}")
    if _tmpdir[0]:
        shutil.rmtree(_tmpdir[0], ignore_errors=True)


def tmpdir():
    if _tmpdir[0] is None:
        _tmpdir[0] = tempfile.mkdtemp(prefix="ovl-study-")
    return _tmpdir[0]


def popen(argv, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    _children[p.pid] = p
    return p


def _killpg(p, sig):
    try:
        os.killpg(p.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop(p, grace=2.0):
    """TERM the child's process group, KILL it after grace seconds; reap it."""
    if p.poll() is None:
        _killpg(p, signal.SIGTERM)
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _killpg(p, signal.SIGKILL)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
    else:
        _killpg(p, signal.SIGKILL)  # anything it left in its group
    _children.pop(p.pid, None)


def run(argv, timeout, check=True, env=None, input_text=None, kill_group=True):
    """Runs argv to completion, killed after timeout seconds. Returns (rc, stdout, stderr).
    kill_group: also kill whatever it left running in its session (off for a command that
    starts a daemon on purpose, such as testbed.sh up)."""
    p = popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
              stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL)
    try:
        out, err = p.communicate(input=input_text, timeout=timeout)
    except subprocess.TimeoutExpired:
        _killpg(p, signal.SIGKILL)
        out, err = p.communicate()
        _children.pop(p.pid, None)
        raise StudyError(f"{shlex.join(argv)}: no exit after {timeout:.0f} s, killed") from None
    _children.pop(p.pid, None)
    if kill_group:
        _killpg(p, signal.SIGKILL)  # its session: nothing it started outlives it
    if check and p.returncode != 0:
        raise StudyError(f"{shlex.join(argv)} exited {p.returncode}: {(err or out).strip()[-600:]}")
    return p.returncode, out, err


# ------------------------------------------------------------------------------------------
# Tools
# ------------------------------------------------------------------------------------------

_apt_updated = [False]


def ensure_tools(tools):
    """tools: {command: debian package}. Installs the packages of missing commands as root
    (apt-get update once, only when something is missing)."""
    missing = {cmd: pkg for cmd, pkg in tools.items() if shutil.which(cmd) is None}
    if not missing:
        return
    if os.geteuid() != 0:
        raise StudyError(f"missing {', '.join(missing)}: run as root to install "
                         f"{' '.join(sorted(set(missing.values())))}, or install them")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated[0]:
        log("apt-get update")
        run(["apt-get", "update"], timeout=600, env=env)
        _apt_updated[0] = True
    pkgs = sorted(set(missing.values()))
    log("apt-get install -y " + " ".join(pkgs))
    run(["apt-get", "install", "-y", "--no-install-recommends"] + pkgs, timeout=900, env=env)
    still = [c for c in missing if shutil.which(c) is None]
    if still:
        raise StudyError(f"still missing after apt-get install: {', '.join(still)}")


BASE_TOOLS = {"ip": "iproute2", "ethtool": "ethtool", "gnuplot": "gnuplot-nox",
              "taskset": "util-linux", "timeout": "coreutils"}


def require_root():
    if os.geteuid() != 0:
        raise StudyError("needs root (network namespaces, ethtool, DPDK)")


def ovlperf_snapshot():
    """A private copy of build/app/ovlperf (builds it with ./setup.sh if it is missing)."""
    src = os.path.join(ROOT, "build", "app", "ovlperf")
    if not os.path.exists(src):
        log("build/app/ovlperf missing: running ./setup.sh")
        run([os.path.join(ROOT, "setup.sh")], timeout=1800)
    dst = os.path.join(tmpdir(), "ovlperf")
    if not os.path.exists(dst):
        shutil.copy2(src, dst)
    return dst


def ovlperf_has_option(ovlperf, command, option):
    _, out, err = run([ovlperf, "--", command, "--help"], timeout=30, check=False)
    return option in (out + err)


def cpus():
    return os.cpu_count() or 1


def cpu_hz():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz"):
                return float(line.split(":")[1]) * 1e6
    return float("nan")


# ------------------------------------------------------------------------------------------
# The machine
# ------------------------------------------------------------------------------------------

def machine(settle=False):
    """The machine and its load; settle: first wait for the 1-minute load to fall under
    provenance.CLEAN_LOAD (the end reading of a clean run; provenance.settle)."""
    settled = provenance.settle() if settle else None
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = provenance.loadavg()
    _, up, _ = run(["uptime"], timeout=10, check=False)
    src = os.path.join(ROOT, "build", "app", "ovlperf")
    return {"ovlperf_commit": provenance.ovlperf_commit(src) if os.path.exists(src) else None,
            "settled_after_s": settled["waited_s"] if settled else None,
            "cpu_model": model, "cpus": cpus(), "cpu_mhz": round(cpu_hz() / 1e6),
            "kernel": os.uname().release, "hostname": os.uname().nodename,
            "load": load, "uptime": up.strip(),
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def is_clean(m0, m1):
    """A study run that may be cited (bench/README.md, "Results")."""
    return provenance.is_clean(m0.get("ovlperf_commit"), m0["load"], m1["load"])


def machine_md(m0, m1):
    noisy = max(m0["load"][0], m1["load"][0]) > NOISY_LOAD
    commit = m0.get("ovlperf_commit") or "unknown"
    settled = m1.get("settled_after_s")
    lines = [
        "## Machine",
        "",
        f"- CPU: {m0['cpu_model']}, {m0['cpus']} vCPUs at {m0['cpu_mhz']} MHz (nominal); "
        f"kernel {m0['kernel']}; ovlperf {commit}",
        f"- `uptime` at the start: `{m0['uptime']}`",
        f"- `uptime` at the end"
        f"{f' ({settled:g} s after the last measurement)' if settled is not None else ''}: "
        f"`{m1['uptime']}`",
        "- " + ("Clean run: ovlperf built from a commit without uncommitted changes, 1-minute "
                f"load under {provenance.CLEAN_LOAD:g} at the start and at the end."
                if is_clean(m0, m1) else
                "**Not a clean run (uncommitted changes, or load of "
                f"{provenance.CLEAN_LOAD:g} or more at the start or the end): never cite "
                "these figures.**"),
    ]
    if noisy:
        lines.append(f"- **The load average was above {NOISY_LOAD:g} (other processes were "
                     "running on this machine): the figures below are noisy.** Compare them as "
                     "ratios within this run, not as absolute numbers.")
    else:
        lines.append(f"- The 1-minute load average stayed at or under {NOISY_LOAD:g}.")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------
# Network namespaces
# ------------------------------------------------------------------------------------------

def nsx(ns, argv):
    return ["ip", "netns", "exec", ns] + list(argv)


def netns_add(name):
    if os.path.exists(f"/run/netns/{name}"):
        raise StudyError(f"namespace {name} exists already")
    run(["ip", "netns", "add", name], timeout=10)
    _namespaces.append(name)
    run(nsx(name, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                   "net.ipv6.conf.default.disable_ipv6=1"]), timeout=10)
    run(nsx(name, ["ip", "link", "set", "lo", "up"]), timeout=10)


def netns_del(name):
    if not os.path.exists(f"/run/netns/{name}"):
        if name in _namespaces:
            _namespaces.remove(name)
        return
    # Whatever still runs inside a namespace this study made was started by this study.
    try:
        _, out, _ = run(["ip", "netns", "pids", name], timeout=10, check=False)
        pids = [int(x) for x in out.split()]
    except StudyError:
        pids = []
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.time() + 2
        while pids and time.time() < deadline:
            pids = [p for p in pids if os.path.exists(f"/proc/{p}")]
            time.sleep(0.05)
    run(["ip", "netns", "del", name], timeout=10, check=False)
    if name in _namespaces:
        _namespaces.remove(name)


def wait_up(ns, dev, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, out, _ = run(nsx(ns, ["cat", f"/sys/class/net/{dev}/operstate"]), timeout=5, check=False)
        if out.strip() in ("up", "unknown"):
            return
        time.sleep(0.05)
    raise StudyError(f"{dev} in {ns} not up after {timeout} s")


def snmp(ns):
    """/proc/net/snmp and netstat of a namespace as {'Udp.InDatagrams': n, ...}."""
    out = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        _, text, _ = run(nsx(ns, ["cat", path]), timeout=10)
        lines = text.splitlines()
        for i in range(0, len(lines) - 1, 2):
            k = lines[i].split()
            v = lines[i + 1].split()
            if not k or k[0] != v[0]:
                continue
            proto = k[0].rstrip(":")
            for name, val in zip(k[1:], v[1:]):
                try:
                    out[f"{proto}.{name}"] = int(val)
                except ValueError:
                    pass
    return out


def delta(a, b):
    return {k: b[k] - a.get(k, 0) for k in b}


def link_stats(ns, dev):
    stats = {}
    for k in ("rx_packets", "tx_packets", "rx_dropped", "tx_dropped", "rx_errors", "tx_errors"):
        _, out, _ = run(nsx(ns, ["cat", f"/sys/class/net/{dev}/statistics/{k}"]), timeout=5)
        stats[k] = int(out.strip())
    return stats


def ethtool_features(ns, dev):
    _, out, _ = run(nsx(ns, ["ethtool", "-k", dev]), timeout=10)
    feats = {}
    for line in out.splitlines()[1:]:
        m = re.match(r"\s*([\w-]+): (on|off)( \[fixed\])?", line)
        if m:
            feats[m.group(1)] = (m.group(2) == "on", bool(m.group(3)))
    return feats


# ethtool -K short names and the -k long names they switch.
OFFLOAD_NAMES = {"tx": "tx-checksumming", "tso": "tcp-segmentation-offload",
                 "gso": "generic-segmentation-offload", "gro": "generic-receive-offload",
                 "tx-udp_tnl-segmentation": "tx-udp_tnl-segmentation"}


class VxlanPair:
    """Two namespaces A and B joined by a veth (va 192.0.2.1 - vb 192.0.2.2, underlay MTU mtu),
    with a kernel VXLAN device vx0 on each end (VNI 42, UDP 4789, static remote, MTU mtu - 50)
    carrying 198.51.100.1 - 198.51.100.2: two containers' hosts in one machine."""

    def __init__(self, tag, mtu=1500):
        pid = os.getpid()
        self.a, self.b = f"ovs-{tag}-{pid}-a", f"ovs-{tag}-{pid}-b"
        self.mtu = mtu
        self.dev = {self.a: ["va", "vx0"], self.b: ["vb", "vx0"]}
        netns_add(self.a)
        netns_add(self.b)
        run(["ip", "link", "add", "va", "netns", self.a, "address", "02:00:00:00:0a:01", "mtu",
             str(mtu), "type", "veth", "peer", "name", "vb", "netns", self.b,
             "address", "02:00:00:00:0a:02", "mtu", str(mtu)], timeout=10)
        for ns, dev, ip, peer, inner, mac in ((self.a, "va", IP_A, IP_B, INNER_A, "02:00:00:00:0b:01"),
                                              (self.b, "vb", IP_B, IP_A, INNER_B, "02:00:00:00:0b:02")):
            run(nsx(ns, ["ip", "addr", "add", f"{ip}/24", "dev", dev]), timeout=10)
            run(nsx(ns, ["ip", "link", "set", dev, "up"]), timeout=10)
            run(nsx(ns, ["ip", "link", "add", "vx0", "address", mac, "mtu", str(mtu - 50),
                         "type", "vxlan", "id", "42", "dstport", "4789", "local", ip,
                         "remote", peer, "dev", dev]), timeout=10)
            run(nsx(ns, ["ip", "addr", "add", f"{inner}/24", "dev", "vx0"]), timeout=10)
            run(nsx(ns, ["ip", "link", "set", "vx0", "up"]), timeout=10)
        for ns in (self.a, self.b):
            for dev in self.dev[ns]:
                wait_up(ns, dev)

    def features(self):
        return {f"{ns[-1]}:{dev}": ethtool_features(ns, dev)
                for ns in (self.a, self.b) for dev in self.dev[ns]}

    def set_offloads(self, on, names=("tx", "tso", "gso", "gro", "tx-udp_tnl-segmentation")):
        """Switches the named offloads on every device of both ends (where not [fixed]).
        Returns {ns:dev: {name: on}} as ethtool -k reads back afterwards."""
        state = "on" if on else "off"
        for ns in (self.a, self.b):
            for dev in self.dev[ns]:
                feats = ethtool_features(ns, dev)
                # tx first when switching on (tso depends on it), last when switching off.
                order = list(names) if on else list(reversed(names))
                for n in order:
                    f = feats.get(OFFLOAD_NAMES[n])
                    if f is None or f[1]:
                        continue
                    run(nsx(ns, ["ethtool", "-K", dev, n, state]), timeout=10, check=False)
        got = {}
        for key, feats in self.features().items():
            got[key] = {n: feats.get(OFFLOAD_NAMES[n], (None, None))[0] for n in names}
        return got

    def close(self):
        netns_del(self.b)
        netns_del(self.a)


# ------------------------------------------------------------------------------------------
# iperf3 and sockperf
# ------------------------------------------------------------------------------------------

def pin(cpu):
    """taskset prefix pinning to cpu when the machine has more than one."""
    return ["taskset", "-c", str(cpu)] if cpus() > 1 else []


class Server:
    """A server (iperf3 -s, sockperf sr) in a namespace, bounded by timeout(1), restarted on
    demand when it died."""

    def __init__(self, ns, argv, limit_s, name):
        self.ns, self.argv, self.limit, self.name = ns, argv, limit_s, name
        self.p = None
        self.log = os.path.join(tmpdir(), f"{name}-{ns}.log")
        self.start()

    def start(self):
        if self.p is not None:
            stop(self.p)
        with open(self.log, "a") as lf:
            self.p = popen(nsx(self.ns, ["timeout", "-k", "2", str(int(self.limit))] + self.argv),
                           stdout=lf, stderr=subprocess.STDOUT)
        time.sleep(0.3)
        if self.p.poll() is not None:
            with open(self.log) as f:
                raise StudyError(f"{self.name} did not start: {f.read()[-400:]}")

    def ensure(self):
        if self.p.poll() is not None:
            self.start()

    def close(self):
        if self.p is not None:
            stop(self.p)
            self.p = None


def iperf3_server(ns, limit_s, cpu=1):
    return Server(ns, pin(cpu) + ["iperf3", "-s", "-p", "5201"], limit_s, "iperf3")


def iperf3(ns, dst, duration, args, cpu=0, server=None, tries=2):
    """One iperf3 client run from namespace ns; returns its figures and the command."""
    argv = nsx(ns, pin(cpu) + ["iperf3", "-c", dst, "-p", "5201", "-t", f"{duration:g}",
                               "--connect-timeout", "3000", "--json"] + list(args))
    last = None
    for _ in range(tries):
        if server is not None:
            server.ensure()
        rc, out, err = run(argv, timeout=duration + 20, check=False)
        try:
            d = json.loads(out)
        except ValueError:
            d = {"error": (err or out).strip()[-300:]}
        if rc == 0 and "error" not in d:
            break
        last = d.get("error", f"exit {rc}")
        if server is not None:
            server.start()  # a server stuck in a failed test answers "busy" to the next one
        time.sleep(0.5)
    else:
        raise StudyError(f"{shlex.join(argv)}: {last}")
    e = d["end"]
    sent, recv = e.get("sum_sent", {}), e.get("sum_received", {})
    cpu_u = e.get("cpu_utilization_percent", {})
    return {
        "cmd": shlex.join(argv),
        "seconds": recv.get("seconds") or sent.get("seconds"),
        "sent_bps": sent.get("bits_per_second"),
        "recv_bps": recv.get("bits_per_second"),
        "sent_packets": sent.get("packets"),
        "recv_packets": (recv.get("packets") - recv.get("lost_packets", 0)) if recv.get("packets") is not None else None,
        "lost_percent": recv.get("lost_percent"),
        "retransmits": sent.get("retransmits"),
        "cpu_host": cpu_u.get("host_total"),
        "cpu_remote": cpu_u.get("remote_total"),
    }


def sockperf_server(ns, ip, limit_s, port=11111, cpu=1):
    return Server(ns, pin(cpu) + ["sockperf", "sr", "-i", ip, "-p", str(port)], limit_s, "sockperf")


def sockperf_pp(ns, ip, duration, msg_size, port=11111, cpu=0):
    """Ping-pong: one-way latency (sockperf's RTT/2) percentiles in microseconds."""
    argv = nsx(ns, pin(cpu) + ["sockperf", "pp", "-i", ip, "-p", str(port), "-t", f"{duration:g}",
                               "-m", str(msg_size)])
    _, out, err = run(argv, timeout=duration + 20)
    text = out + err
    pct = {float(m.group(1)): float(m.group(2))
           for m in re.finditer(r"percentile\s+([\d.]+)\s*=\s*([\d.]+)", text)}
    m = re.search(r"avg-(?:lat|rtt)\s*=\s*([\d.]+)", text)
    n = re.search(r"SentMessages=(\d+); ReceivedMessages=(\d+)", text)
    rt = re.search(r"RunTime=([\d.]+)", text)
    if 50.0 not in pct:
        raise StudyError(f"{shlex.join(argv)}: no percentiles in its output: {text[-300:]}")
    return {"cmd": shlex.join(argv), "p50_us": pct[50.0], "p99_us": pct.get(99.0),
            "p99_9_us": pct.get(99.9), "avg_us": float(m.group(1)) if m else None,
            "round_trips_per_s": int(n.group(2)) / float(rt.group(1)) if n and rt else None}


def sockperf_tp(ns, ip, duration, msg_size, port=11111, cpu=0):
    """Throughput mode: the sender's message rate (msg/s) as sockperf reports it."""
    argv = nsx(ns, pin(cpu) + ["sockperf", "tp", "-i", ip, "-p", str(port), "-t", f"{duration:g}",
                               "-m", str(msg_size)])
    _, out, err = run(argv, timeout=duration + 20)
    text = out + err
    m = re.search(r"Message Rate is (\d+)", text)
    rt = re.search(r"RunTime=([\d.]+)", text)
    n = re.search(r"SentMessages=(\d+)", text)
    if not m:
        raise StudyError(f"{shlex.join(argv)}: no message rate in its output: {text[-300:]}")
    return {"cmd": shlex.join(argv), "sent_msgs_per_s": int(m.group(1)),
            "sent": int(n.group(1)) if n else None, "seconds": float(rt.group(1)) if rt else duration}


def ksoftirqd_seconds():
    """CPU seconds spent so far by every ksoftirqd thread (the softirq work no task carried)."""
    total = 0
    tck = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                if not f.read().startswith("ksoftirqd/"):
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / tck


# ------------------------------------------------------------------------------------------
# Statistics, files, plots, markdown
# ------------------------------------------------------------------------------------------

T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
       9: 2.262, 10: 2.228, 15: 2.131, 20: 2.086, 30: 2.042}


def med(values):
    v = [x for x in values if x is not None and not (isinstance(x, float) and math.isnan(x))]
    return statistics.median(v) if v else None


def ci95(values):
    v = [x for x in values if x is not None]
    if len(v) < 2:
        return None
    df = len(v) - 1
    t = T95[max(k for k in T95 if k <= df)]
    half = t * statistics.stdev(v) / math.sqrt(len(v))
    m = statistics.fmean(v)
    return (m - half, m + half)


def pct_change(new, base):
    if new is None or base in (None, 0):
        return None
    return (new / base - 1.0) * 100.0


def fmt(x, nd=1, unit=""):
    if x is None:
        return "n/a"
    if isinstance(x, float) and math.isnan(x):
        return "n/a"
    return f"{x:,.{nd}f}{unit}"


def fmt_pct(x, nd=1):
    return "n/a" if x is None else f"{x:+.{nd}f}%"


def write_csv(path, rows, cols):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])
    os.replace(tmp, path)


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2, default=str)
    os.replace(tmp, path)


def write_text(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


write_dat = plot.write_dat
gq = plot.gq


def gnuplot(out_base, body, width=1100, height=650):
    """Renders body to out_base.png and out_base.svg (ovlkit.plot.gnuplot)."""
    try:
        return plot.gnuplot(out_base, body, width, height)
    except plot.PlotError as ex:
        raise StudyError(str(ex))


def empty_panel(text):
    """gnuplot lines for a multiplot panel that has no data (a study part that was skipped)."""
    return ["unset key", "set xrange [0:1]", "set yrange [0:1]", "unset xtics", "unset ytics",
            f"set label 99 '{text}' at graph 0.5, graph 0.5 center", "plot -1 with lines notitle",
            "unset label 99", "set xtics", "set ytics", "set autoscale", "set key default"]


def md_table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    return "\n".join(out)


def generic(cmd):
    """A command as the summaries show it: this run's namespace names become NS_A, NS_B, ..."""
    cmd = re.sub(r"ovs-[\w]+-\d+-([a-z])\b", lambda m: "NS_" + m.group(1).upper(), cmd)
    cmd = re.sub(r"ovlA-\w+-\w+\b", "NS_A", cmd)
    cmd = cmd.replace(tmpdir() + "/", "") if _tmpdir[0] else cmd
    return cmd.replace(ROOT + "/", "")


def code(cmd):
    return "`" + generic(cmd).replace("`", "'") + "`"


# ------------------------------------------------------------------------------------------
# A study's frame
# ------------------------------------------------------------------------------------------

def common_args(ap, quick_s, full_s):
    ap.add_argument("--quick", action="store_true",
                    help=f"short runs and fewer points (about {quick_s} s instead of {full_s} s)")
    ap.add_argument("--out", default=None, help="output directory (default bench/studies/results/NAME)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions of every point (interleaved)")
    ap.add_argument("--duration", type=float, default=None, help="seconds per measurement")
    ap.add_argument("--timeout", type=float, default=None,
                    help="watchdog: stop and clean up after this many seconds (default 4x the expected time)")
    return ap


class Study:
    def __init__(self, name, args, quick_defaults, full_defaults, expected_s):
        self.name = name
        self.args = args
        d = quick_defaults if args.quick else full_defaults
        self.reps = args.reps or d["reps"]
        self.duration = args.duration or d["duration"]
        self.mode = "quick" if args.quick else "full"
        self.out = os.path.abspath(args.out or os.path.join(RESULTS, name))
        self.expected_s = expected_s
        self.t0 = time.time()
        install_handlers(args.timeout or max(120, 4 * expected_s))
        require_root()
        os.makedirs(self.out, exist_ok=True)
        self.m0 = machine()
        log(f"{name} ({self.mode}): reps {self.reps}, {self.duration:g} s per measurement, "
            f"output {self.out}; load {self.m0['load'][0]:.2f}")

    def path(self, name):
        return os.path.join(self.out, name)

    def finish(self):
        # The end reading waits for the study's own load to decay (quick runs are never cited).
        self.m1 = machine(settle=self.mode == "full")
        self.elapsed = time.time() - self.t0
        return self.m1

    def header_md(self, title, intro):
        return "\n".join([
            f"# {title}",
            "",
            f"Mode: **{self.mode}** ({self.reps} repetition(s), {self.duration:g} s per "
            f"measurement, interleaved; medians). Run {self.m0['time']}, took {self.elapsed:.0f} s. "
            f"Written by `bench/studies/{self.name}{' --quick' if self.mode == 'quick' else ''}`.",
            "",
            intro,
            "",
        ] + ([
            "**Quick mode: one short run per point. It checks the whole chain in a few seconds; its "
            "figures are single samples on a shared machine. Use the full mode (no `--quick`) for "
            "figures.**",
            "",
        ] if self.mode == "quick" else []) + [
            machine_md(self.m0, self.m1),
            "",
            "",
        ])


def main_wrapper(fn):
    try:
        rc = fn()
    except StudyError as e:
        log(f"error: {e}")
        rc = 1
    except SystemExit as e:
        cleanup()
        raise
    finally:
        cleanup()
    return rc
