"""Shared helpers for the integration suites (tests/integration/test_*.py).

Everything here is written from docs/wire-format.md and the DPDK/tool documentation, never
from ovlperf's sources: the frame decoder below is the tests' own reading of the wire format.

- Tap: the TAP producer of tests/interop/tap.py.
- Workspace: a temporary directory, the processes started in it and the DPDK runtime
  directories of the --file-prefix values it handed out; cleanup() removes all of them and is
  also run on SIGTERM/SIGINT (meson's timeout), so nothing is left behind on failure.
- run(): one process with a bounded wait; Proc: a background process (reflector, testpmd).
- read_pcap() and decode(): plain struct parsing of the pcap files ovlperf writes.
"""

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
from tap import Tap  # noqa: E402,F401

ENCAPS = ("raw", "vxlan", "ipip", "flannel")
OVERHEAD = {"raw": 0, "ipip": 20, "flannel": 28, "vxlan": 50}
VXLAN_PORT = 4789
FLANNEL_PORT = 8285
DPDK_RUN_DIR = "/var/run/dpdk"
TESTPMD = "/usr/bin/dpdk-testpmd"
TSHARK = "/usr/bin/tshark"


def ovlperf_path():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: %s PATH_TO_OVLPERF\n" % sys.argv[0])
        sys.exit(2)
    return os.path.abspath(sys.argv[1])


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


# ---------------------------------------------------------------------------------------------
# pcap files and frames, decoded here from docs/wire-format.md
# ---------------------------------------------------------------------------------------------

def read_pcap(path):
    """Yields the frames (bytes) of a classic pcap file (microsecond or nanosecond)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: %d bytes, no pcap header" % (path, len(data)))
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError("%s: not a pcap file (magic %s)" % (path, magic.hex()))
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError("%s: link type %d, not Ethernet" % (path, linktype))
    rec = struct.Struct(endian + "IIII")
    off = 24
    n = len(data)
    while off + 16 <= n:
        _, _, incl, _ = rec.unpack_from(data, off)
        off += 16
        if off + incl > n:
            raise ValueError("%s: truncated record at byte %d" % (path, off - 16))
        yield data[off:off + incl]
        off += incl


class Frame:
    """One frame's decoded fields (None where a layer is absent)."""
    __slots__ = ("encap", "vlan", "outer_src", "outer_dst", "outer_proto", "outer_sport",
                 "outer_dport", "vni", "vxlan_flags", "inner_ip", "inner_src", "inner_dst",
                 "inner_proto", "frag_offset", "more_frags", "inner_total", "ip_id",
                 "l4_payload", "l4", "probe", "payload", "udp_len", "wire_len")


def _ip4(b):
    return "%d.%d.%d.%d" % (b[0], b[1], b[2], b[3])


def decode(frame, vxlan_port=VXLAN_PORT, flannel_port=FLANNEL_PORT):
    """Decodes an ovlperf frame into a Frame, or raises ValueError saying what is wrong.

    l4_payload: inner L4 payload bytes carried by this frame (for a first fragment: after the
    8-byte UDP/ICMP header; for a later fragment: all of its IP payload).
    """
    f = Frame()
    f.wire_len = len(frame)
    off = 12
    ethertype = struct.unpack_from("!H", frame, off)[0]
    f.vlan = None
    if ethertype == 0x8100:
        f.vlan = struct.unpack_from("!H", frame, 14)[0] & 0x0FFF
        off += 4
        ethertype = struct.unpack_from("!H", frame, off)[0]
    off += 2
    if ethertype != 0x0800:
        raise ValueError("ethertype 0x%04x is not IPv4" % ethertype)
    l3 = off
    ihl = (frame[l3] & 0x0F) * 4
    if frame[l3] >> 4 != 4 or ihl < 20:
        raise ValueError("outer header is not IPv4")
    f.outer_proto = frame[l3 + 9]
    f.outer_src, f.outer_dst = _ip4(frame[l3 + 12:l3 + 16]), _ip4(frame[l3 + 16:l3 + 20])
    f.outer_sport = f.outer_dport = f.vni = f.vxlan_flags = None
    inner = None
    f.encap = "raw"
    if f.outer_proto == 4:
        f.encap = "ipip"
        inner = l3 + ihl
    elif f.outer_proto == 17:
        sport, dport = struct.unpack_from("!HH", frame, l3 + ihl)
        if dport == vxlan_port:
            f.encap = "vxlan"
            f.outer_sport, f.outer_dport = sport, dport
            vx = l3 + ihl + 8
            f.vxlan_flags = frame[vx]
            f.vni = struct.unpack_from("!I", frame, vx + 4)[0] >> 8
            ieth = vx + 8
            if struct.unpack_from("!H", frame, ieth + 12)[0] != 0x0800:
                raise ValueError("vxlan inner ethertype is not IPv4")
            inner = ieth + 14
        elif dport == flannel_port:
            f.encap = "flannel"
            f.outer_sport, f.outer_dport = sport, dport
            inner = l3 + ihl + 8
    if inner is None:
        inner = l3
    f.inner_ip = inner
    iihl = (frame[inner] & 0x0F) * 4
    if frame[inner] >> 4 != 4 or iihl < 20:
        raise ValueError("inner header is not IPv4")
    f.inner_total = struct.unpack_from("!H", frame, inner + 2)[0]
    f.ip_id = struct.unpack_from("!H", frame, inner + 4)[0]
    fl = struct.unpack_from("!H", frame, inner + 6)[0]
    f.more_frags = bool(fl & 0x2000)
    f.frag_offset = (fl & 0x1FFF) * 8
    f.inner_proto = frame[inner + 9]
    f.inner_src, f.inner_dst = _ip4(frame[inner + 12:inner + 16]), _ip4(frame[inner + 16:inner + 20])
    if inner + f.inner_total > len(frame):
        raise ValueError("inner IP length %d runs past the frame" % f.inner_total)
    ip_payload = f.inner_total - iihl
    f.l4 = inner + iihl
    f.probe = f.payload = f.udp_len = None
    if f.frag_offset == 0:
        f.l4_payload = ip_payload - 8
        if f.inner_proto == 17:
            f.udp_len = struct.unpack_from("!H", frame, f.l4 + 4)[0]
        f.probe = f.l4 + 8
        f.payload = frame[f.probe:inner + f.inner_total]
    else:
        f.l4_payload = ip_payload
    return f


def parse_probe(p):
    """The probe fields from the L4 payload's first bytes (docs/wire-format.md, "The probe")."""
    if len(p) < 18 or p[0] != 0xA9:
        raise ValueError("no probe magic")
    form = p[1] & 0x0F
    if p[1] >> 4 != 1:
        raise ValueError("probe version %d" % (p[1] >> 4))
    if form == 1:
        tag, stream, seq, ts = struct.unpack_from("!HHIQ", p, 2)
        return dict(form="compact", session=tag, stream=stream, seq=seq, ts=ts, length=18)
    if form == 2:
        if len(p) < 64:
            raise ValueError("full probe in %d bytes" % len(p))
        flags, session, stream, plen, _, seq, ts, rrx, rtx = struct.unpack_from("!HIHHIQQQQ", p, 2)
        return dict(form="full", flags=flags, session=session, stream=stream, seq=seq, ts=ts,
                    length=plen, reflector_rx=rrx, reflector_tx=rtx)
    raise ValueError("probe form %d" % form)


def fill_ok(payload, probe_len):
    """True if every byte after the probe holds its offset & 0xFF."""
    for k in range(probe_len, len(payload)):
        if payload[k] != (k & 0xFF):
            return False
    return True


def check_ordered(lat):
    keys = ("min", "p50", "p90", "p99", "p99_9", "max")
    vals = [lat.get(k) for k in keys]
    ok = all(isinstance(v, int) for v in vals) and all(a <= b for a, b in zip(vals, vals[1:]))
    return ok, ", ".join("%s %s" % (k, v) for k, v in zip(keys, vals))
