#!/usr/bin/python3
"""Invalid command lines: the right exit status, one line on stderr, nothing else.

Usage: /usr/bin/python3 tests/integration/test_bad_options.py PATH_TO_OVLPERF

Every case runs in a fresh directory and passes --json to a path there (first, so that a
value-less option at the end cannot swallow it; frames has no --json) and expects:
  * exit status 2 for anything found while reading the command line; 1 for what can only be
    found once EAL has started (a port that does not exist, no port at all), except 2 for a
    --timestamps or --pacing source the port lacks (a bad choice, like a rate beyond the line),
    and never a crash;
  * exactly one line on stderr, naming the option (or the size/command at fault) and what is
    allowed: each case lists the words that line must contain;
  * nothing on stdout;
  * no results file (and nothing else) written in that directory.

Errors found after EAL start need EAL itself to be quiet: the cases that start it use ovlperf's
default EAL options (which include --log-level=error) or pass --log-level=error.
"""

import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import main, ovlperf_path  # noqa: E402

OVLPERF = ovlperf_path()
RATE_WORDS = ["--rate", "100k", "unlimited"]

# (command after "--", extra options after --json, expected status, words stderr must contain)
# An entry with a leading EAL list uses those EAL options instead of ovlperf's defaults.
CASES = [
    # unknown option, missing value, option of another command, unknown command
    ("loop", ["--bogus"], 2, ["--bogus", "--help"]),
    ("send", ["--rate"], 2, ["--rate", "value"]),
    ("loop", ["--duration"], 2, ["--duration", "value"]),
    ("reflect", ["--rate", "10k"], 2, ["--rate", "reflect"]),
    ("reflect", ["--count", "5"], 2, ["--count", "reflect"]),
    ("loop", ["--pcap", "x.pcap"], 2, ["--pcap", "loop"]),
    ("frames", ["--duration", "3"], 2, ["--duration", "frames"]),
    ("send", ["--dwell"], 2, ["--dwell", "send"]),
    ("bogus", [], 2, ["bogus", "send", "reflect", "loop", "frames"]),
    ("loop", ["stray"], 2, ["stray", "--"]),
    # bad numbers
    ("loop", ["--duration", "-1"], 2, ["--duration", "0.001"]),
    ("loop", ["--duration", "0"], 2, ["--duration", "0.001"]),
    ("loop", ["--duration", "abc"], 2, ["--duration", "seconds"]),
    ("loop", ["--flows", "0"], 2, ["--flows", "1..4096"]),
    ("loop", ["--flows", "4097"], 2, ["--flows", "1..4096"]),
    ("loop", ["--vlan", "4095"], 2, ["--vlan", "1..4094"]),
    ("loop", ["--vlan", "0"], 2, ["--vlan", "1..4094"]),
    ("loop", ["--vni", "16777216"], 2, ["--vni", "0..16777215"]),
    ("loop", ["--ttl", "0"], 2, ["--ttl", "1..255"]),
    ("loop", ["--src-port", "65536"], 2, ["--src-port", "1..65535"]),
    ("loop", ["--count", "0"], 2, ["--count", "1.."]),
    ("loop", ["--warmup", "-1"], 2, ["--warmup", "0..3600"]),
    ("loop", ["--drain", "60001"], 2, ["--drain", "0..60000"]),
    ("loop", ["--latency-rate", "0"], 2, ["--latency-rate", "1..1000000"]),
    ("loop", ["--session", "4294967296"], 2, ["--session", "0..4294967295"]),
    ("loop", ["--line-rate", "5"], 2, ["--line-rate", "10G"]),
    ("loop", ["--port", "99"], 2, ["--port", "0.."]),
    # bad rate strings
    ("loop", ["--rate", "10q"], 2, RATE_WORDS),
    ("loop", ["--rate", "0"], 2, RATE_WORDS),
    ("loop", ["--rate", "-5"], 2, RATE_WORDS),
    ("loop", ["--rate", "101%"], 2, RATE_WORDS),
    ("loop", ["--rate", "0.5"], 2, RATE_WORDS),
    ("loop", ["--rate", "5Xbps"], 2, RATE_WORDS),
    ("loop", ["--rate", "inf", "--duration", "1", "--encap", "raw"], 2, RATE_WORDS),
    ("loop", ["--rate", "infGbps", "--duration", "1", "--encap", "raw"], 2, RATE_WORDS),
    # sizes, overall and per encapsulation
    ("loop", ["--frame-size", "63"], 2, ["--frame-size", "64..9216"]),
    ("loop", ["--frame-size", "9217"], 2, ["--frame-size", "64..9216"]),
    ("loop", ["--inner-size", "45"], 2, ["--inner-size", "46..65535"]),
    ("loop", ["--mtu", "67"], 2, ["--mtu", "68.."]),
    ("loop", ["--encap", "vxlan", "--frame-size", "113"], 2, ["frame size", "vxlan", "114..9216"]),
    ("loop", ["--encap", "ipip", "--frame-size", "83"], 2, ["frame size", "ipip", "84..9216"]),
    ("send", ["--encap", "flannel", "--frame-size", "91"], 2, ["frame size", "flannel", "92..9216"]),
    ("frames", ["--encap", "raw", "--vlan", "7", "--frame-size", "64"], 2,
     ["frame size", "raw", "68..9216"]),
    ("loop", ["--encap", "vxlan", "--mtu", "80"], 2, ["MTU", "vxlan", "96.."]),
    ("loop", ["--frame-size", "128", "--inner-size", "100"], 2, ["--frame-size", "--inner-size"]),
    ("loop", ["--mtu", "1500", "--frame-size", "9000"], 2, ["frame size", "MTU", "1500"]),
    ("loop", ["--encap", "raw", "--probe", "full", "--frame-size", "64"], 2, ["full probe", "92"]),
    # addresses, names
    ("loop", ["--dst-mac", "02:00:00:00:00"], 2, ["--dst-mac", "02:00:00:00:00:01"]),
    ("send", ["--inner-dst-mac", "02:00:00:00:00:0g"], 2, ["--inner-dst-mac", "hex"]),
    ("loop", ["--src-ip", "192.0.2.256"], 2, ["--src-ip", "IPv4"]),
    ("reflect", ["--ip", "10.0.0"], 2, ["--ip", "IPv4"]),
    ("loop", ["--encap", "gre"], 2, ["--encap", "gre", "raw", "vxlan", "ipip", "flannel"]),
    ("loop", ["--encap", "vxlan,bogus"], 2, ["--encap", "bogus", "raw", "vxlan", "ipip", "flannel"]),
    ("loop", ["--encap", "vxlan,vxlan"], 2, ["--encap", "vxlan", "twice"]),
    ("loop", ["--encap", ""], 2, ["--encap", "raw", "vxlan", "ipip", "flannel"]),
    ("loop", ["--inner-proto", "tcp"], 2, ["--inner-proto", "udp", "icmp"]),
    ("loop", ["--outer-udp-csum", "maybe"], 2, ["--outer-udp-csum", "zero", "compute"]),
    ("loop", ["--probe", "huge"], 2, ["--probe", "auto", "compact", "full"]),
    ("loop", ["--capture", ""], 2, ["--capture", "file"]),
    ("loop", ["--timestamps", "gps"], 2, ["--timestamps", "gps", "auto", "tsc", "hw"]),
    ("send", ["--pacing", "fast"], 2, ["--pacing", "fast", "auto", "software", "hardware"]),
    ("reflect", ["--timestamps", "tsc"], 2, ["--timestamps", "reflect"]),
    ("reflect", ["--pacing", "software"], 2, ["--pacing", "reflect"]),
    ("loop", ["--pacing", "hardware"], 2, ["--pacing hardware", "--rate"]),
    # found only once EAL has started: status 1, still one line
    ("send", ["--duration", "1"], 1, ["no ports", "--vdev"]),
    ("loop", ["--port", "5", "--duration", "1"], 1, ["port 5", "exist"]),
    ("loop", ["--peer-port", "7", "--duration", "1"], 1, ["port 7", "exist"]),
    ("loop", ["--peer-port", "0", "--duration", "1"], 1, ["--peer-port", "two ports"]),
    (["--vdev", "net_null0"], "send", ["--port", "5", "--duration", "1"], 1, ["port 5", "exist"]),
    (["--vdev", "net_null0"], "reflect", ["--port", "5", "--duration", "1"], 1,
     ["port 5", "exist"]),
    # a source the port lacks: refused after EAL starts, before anything is sent (status 2)
    (["--vdev", "net_null0"], "send", ["--timestamps", "hw", "--duration", "1"], 2,
     ["--timestamps hw", "net_null", "RTE_ETH_RX_OFFLOAD_TIMESTAMP"]),
    (["--vdev", "net_null0"], "send", ["--pacing", "hardware", "--rate", "10k", "--duration", "1"],
     2, ["--pacing hardware", "net_null", "rte_eth_set_queue_rate_limit"]),
]

EAL_BASE = ["--no-pci", "--no-huge", "-m", "512", "--no-shconf", "--log-level=error"]


def body(tap, ws):
    for i, case in enumerate(CASES):
        if isinstance(case[0], list):
            eal, command, extra, want_rc, words = case
            eal = EAL_BASE + ["--file-prefix", ws.prefix("b")] + eal
        else:
            command, extra, want_rc, words = case
            eal = []
        out_dir = ws.path("case%02d" % i)
        os.mkdir(out_dir)
        jpath = os.path.join(out_dir, "results.json")
        # frames writes no results (it has no --json); its cases run in the empty directory.
        json_opt = [] if command == "frames" else ["--json", jpath]
        cmd = [OVLPERF] + eal + ["--", command] + json_opt + extra
        r = ws.run(cmd, 30, cwd=out_dir)
        lines = r.err.splitlines()
        problems = []
        if r.rc != want_rc:
            problems.append("exit status %s, expected %d%s" % (
                r.rc, want_rc, " (killed by signal %d)" % -r.rc if r.rc < 0 else ""))
        if len(lines) != 1:
            problems.append("%d lines on stderr, expected 1" % len(lines))
        missing = [w for w in words if not lines or w.lower() not in lines[0].lower()]
        if missing:
            problems.append("stderr's line lacks %r" % missing)
        if r.out:
            problems.append("%d bytes on stdout: %r" % (len(r.out), r.out[:200]))
        written = os.listdir(out_dir)
        if written:
            problems.append("files written: %r" % written)
        label = " ".join(extra) if extra else "(no options)"
        tap.ok(not problems, "%s%s %s: status %d, one line naming %s" % (
            "[EAL %s] " % " ".join(case[0]) if eal else "", command, label, want_rc,
            ", ".join(repr(w) for w in words[:2])),
            problems + ["command: " + " ".join(cmd)] +
            ["stderr: " + l for l in lines[:6]])
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main("bad_options", body))
