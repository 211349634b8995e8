#!/usr/bin/python3
"""Invalid command lines: the right exit status, one line on stderr, nothing else.

Usage: /usr/bin/python3 tests/integration/test_bad_options.py PATH_TO_OVLPERF

Every case runs in a fresh directory and passes --json to a path there (first, so that a
value-less option at the end cannot swallow it; frames has no --json) and expects:
  * exit status 2 for anything found while reading the command line; 1 for what can only be
    found once EAL has started (a port that does not exist, no port at all), except 2 for a
    --timestamps or --pacing source the port lacks, and for what the port cannot take (queues,
    offloads, frame sizes: tests/integration/test_af_xdp.py) (bad choices, like a rate beyond
    the line), and never a crash;
  * exactly one line on stderr, naming the option (or the size/command at fault) and what is
    allowed: each case lists the words that line must contain;
  * nothing on stdout;
  * no results file (and nothing else) written in that directory.

The size and --encap cases are made for every encapsulation the binary lists
(`ovlperf -- frames --list --json`) from its smallest frames.

Errors found after EAL start need EAL itself to be quiet: the cases that start it use ovlperf's
default EAL options (which include --log-level=error) or pass --log-level=error.
"""

import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.harness import main  # noqa: E402
from ovlkit.ovlperf import eal, path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
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
    # IPv6: one version for both ends; what is not over IPv6 yet, refused by name
    ("frames", ["--dst-ip", "2001:db8::2"], 2, ["--src-ip", "--dst-ip", "IP versions"]),
    ("loop", ["--src-ip", "2001:db8::1"], 2, ["--src-ip", "--dst-ip", "IP versions"]),
    ("loop", ["--src-ip", "2001:db8::1::2"], 2, ["--src-ip", "2001:db8::1::2", "IPv6"]),
    # Inner IPv6: one version for both inner addresses; IP-in-IP carries IPv4 only
    ("frames", ["--inner-src-ip", "2001:db8:1::1"], 2,
     ["--inner-src-ip", "--inner-dst-ip", "different IP versions"]),
    ("loop", ["--inner-dst-ip", "2001:db8:1::2"], 2,
     ["--inner-src-ip", "--inner-dst-ip", "different IP versions"]),
    ("frames", ["--inner-src-ip", "198.51.100.1", "--inner-dst-ip", "2001:db8:1::2"], 2,
     ["--inner-src-ip", "--inner-dst-ip", "different IP versions"]),
    ("frames", ["--encap", "ipip", "--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip",
                "2001:db8:1::2"], 2,
     ["--encap ipip", "IP-in-IP carries IPv4 only", "inner addresses are IPv6", "protocol 41"]),
    ("loop", ["--encap", "vxlan,ipip", "--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip",
              "2001:db8:1::2"], 2, ["--encap ipip", "IP-in-IP carries IPv4 only", "protocol 41"]),
    ("frames", ["--encap", "vxlan", "--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip",
                "2001:db8:1::2", "--inner-size", "2000", "--mtu", "1329"], 2,
     ["inner IPv6", "at least 1280", "RFC 8200", "vxlan", "1279", "at least 1330"]),
    ("frames", ["--encap", "vxlan", "--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip",
                "2001:db8:1::2", "--inner-size", "12000", "--mtu", "1500"], 2,
     ["inner size 12000", "9 fragments", "reassembles at most 8", "11240"]),
    ("loop", ["--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip", "2001:db8:1::2",
              "--tx-offload", "cksum"], 2, ["--tx-offload", "IPv6"]),
    ("loop", ["--src-ip", "2001:db8::1", "--dst-ip", "2001:db8::2", "--tx-offload", "cksum"], 2,
     ["--tx-offload", "IPv6"]),
    ("reflect", ["--ip", "2001:db8::2", "--allow", "192.0.2.0/24"], 2, ["--allow", "IPv6"]),
    ("frames", ["--src-ip", "2001:db8::1", "--dst-ip", "2001:db8::2", "--encap", "raw",
                "--inner-size", "2000", "--mtu", "1500"], 2,
     ["raw over IPv6 is not fragmented", "underlay", "1500"]),
    # bad numbers
    ("loop", ["--duration", "-1"], 2, ["--duration", "0.001"]),
    ("loop", ["--duration", "0"], 2, ["--duration", "0.001"]),
    ("loop", ["--duration", "abc"], 2, ["--duration", "seconds"]),
    ("loop", ["--flows", "0"], 2, ["--flows", "1..65536"]),
    ("loop", ["--flows", "65537"], 2, ["--flows", "1..65536"]),
    ("loop", ["--vlan", "4095"], 2, ["--vlan", "1..4094"]),
    ("loop", ["--vlan", "0"], 2, ["--vlan", "1..4094"]),
    ("loop", ["--vni", "16777216"], 2, ["--vni", "0..16777215"]),
    ("loop", ["--ttl", "0"], 2, ["--ttl", "1..255"]),
    ("loop", ["--src-port", "65536"], 2, ["--src-port", "1..65535"]),
    ("loop", ["--count", "0"], 2, ["--count", "1.."]),
    ("loop", ["--warmup", "-1"], 2, ["--warmup", "0..3600"]),
    ("loop", ["--drain", "60001"], 2, ["--drain", "0..60000"]),
    ("loop", ["--link-timeout", "0"], 2, ["--link-timeout", "0.1..3600"]),
    ("send", ["--link-timeout", "x"], 2, ["--link-timeout", "seconds"]),
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
    # size mixes: each bad list named by its fault, with the forms allowed
    ("loop", ["--frame-size", "imix2"], 2, ["--frame-size", "imix2", "imix", "SIZE:WEIGHT"]),
    ("loop", ["--frame-size", "64:7,594"], 2, ["--frame-size", "'594' has no weight", "SIZE:WEIGHT"]),
    ("loop", ["--frame-size", "64:7,abc:1"], 2, ["--frame-size", "size 'abc'", "64..9216", "SIZE:WEIGHT"]),
    ("loop", ["--frame-size", "63:1,594:1"], 2, ["--frame-size", "size '63'", "64..9216"]),
    ("loop", ["--frame-size", "64:0"], 2, ["--frame-size", "weight '0'", "1..1000"]),
    ("loop", ["--frame-size", "64:1001"], 2, ["--frame-size", "weight '1001'", "1..1000"]),
    ("loop", ["--frame-size", "64:7,64:1"], 2, ["--frame-size", "size 64 is listed twice"]),
    ("loop", ["--frame-size", "64:7,,594:1"], 2, ["--frame-size", "empty entry"]),
    ("loop", ["--frame-size", "64:1,65:1,66:1,67:1,68:1,69:1,70:1,71:1,72:1"], 2,
     ["--frame-size", "more than 8 sizes"]),
    ("loop", ["--inner-size", "40:1,500:1"], 2, ["--inner-size", "size '40'", "46..65535"]),
    ("loop", ["--encap", "vxlan", "--frame-size", "64:7,594:4"], 2, ["frame size 64", "vxlan", "114"]),
    ("loop", ["--encap", "vxlan", "--inner-size", "imix", "--mtu", "1500"], 2,
     ["a mix is not fragmented", "vxlan", "--mtu"]),
    ("frames", ["--frame-size", "imix"], 2, ["mix", "send", "loop"]),
    ("loop", ["--encap", "vxlan", "--frame-size", "imix", "--rate", "4M", "--line-rate", "10G"], 2,
     ["--rate", "391-byte (mean)", "3.0414 Mpps"]),
    ("loop", ["--mtu", "67"], 2, ["--mtu", "68.."]),
    # (each encapsulation's smallest sizes: per_encap_cases())
    ("loop", ["--frame-size", "128", "--inner-size", "100"], 2, ["--frame-size", "--inner-size"]),
    ("loop", ["--mtu", "1500", "--frame-size", "9000"], 2, ["frame size", "MTU", "1500"]),
    # addresses, names
    ("loop", ["--dst-mac", "02:00:00:00:00"], 2, ["--dst-mac", "02:00:00:00:00:01"]),
    ("send", ["--inner-dst-mac", "02:00:00:00:00:0g"], 2, ["--inner-dst-mac", "hex"]),
    ("loop", ["--src-ip", "192.0.2.256"], 2, ["--src-ip", "IPv4"]),
    ("reflect", ["--ip", "10.0.0"], 2, ["--ip", "IPv4"]),
    # (unknown, repeated and empty --encap: per_encap_cases())
    ("loop", ["--inner-proto", "sctp"], 2, ["--inner-proto", "udp", "icmp", "tcp"]),
    ("loop", ["--inner-proto", "tcp", "--tcp-flags", "SR"], 2, ["--tcp-flags", "RST"]),
    ("loop", ["--inner-proto", "tcp", "--tcp-flags", "X"], 2, ["--tcp-flags", "S, A, F, P, U"]),
    ("loop", ["--tcp-flags", "S"], 2, ["--tcp-flags", "--inner-proto tcp"]),
    ("loop", ["--inner-proto", "tcp", "--frame-size", "64"], 2, ["frame size 64", "TCP probes"]),
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

EAL_BASE = eal(telemetry=True)
MIN_FRAME = 64        # --frame-size's own lower bound (RFC 2544)
MIN_MTU = 68          # --mtu's own lower bound (an IPv4 link's minimum)
FULL_PROBE_INNER = 92  # inner IPv4 20 + UDP 8 + the 64-byte full probe


def per_encap_cases(cat):
    """The size and name cases of every encapsulation the binary lists: its smallest frame
    less a byte, untagged (where that is not below --frame-size's own bound) and tagged (--vlan
    adds 4); the smallest MTU less a byte where that is not below --mtu's own bound; a full probe in its smallest compact frame; and --encap values
    that are unknown, repeated or empty, answered with the list of every name."""
    cases = []
    cmds = ("loop", "send", "frames")
    for i, e in enumerate(cat):
        cmd = cmds[i % len(cmds)]
        if e.smallest() > MIN_FRAME:
            cases.append((cmd, ["--encap", e.name, "--frame-size", str(e.smallest() - 1)], 2,
                          ["frame size", e.name, "%d..9216" % e.smallest()]))
        cases.append(("frames", ["--encap", e.name, "--vlan", "7", "--frame-size",
                                 str(e.smallest(vlan=True) - 1)], 2,
                      ["frame size", e.name, "VLAN", "%d..9216" % e.smallest(vlan=True)]))
        min_mtu = e.smallest() - 18   # the outer IPv4 packet of the smallest frame
        if min_mtu - 1 >= MIN_MTU:
            cases.append(("loop", ["--encap", e.name, "--mtu", str(min_mtu - 1)], 2,
                          ["MTU", e.name, "%d.." % min_mtu]))
        cases.append((cmd, ["--encap", e.name, "--probe", "full", "--frame-size",
                            str(e.smallest())], 2,
                      ["full probe", str(FULL_PROBE_INNER), "%s frame %d" % (e.name,
                                                                     e.smallest(keyed=True))]))
    # Over an IPv6 underlay: the smallest frame and MTU of each encapsulation that runs over
    # it; an IPv4-only one (IP-in-IP) refused by name, listed or not.
    v6 = ["--src-ip", "2001:db8::1", "--dst-ip", "2001:db8::2"]
    for i, e in enumerate(cat):
        if not e.ipv6:
            cases.append((cmds[i % len(cmds)], v6 + ["--encap", e.name], 2,
                          ["%s is IPv4 in IPv4" % e.name, "protocol 41", "IPv4 addresses"]))
            continue
        cases.append(("frames", v6 + ["--encap", e.name, "--frame-size",
                                      str(e.smallest(ip6=True) - 1)], 2,
                      ["frame size", e.name, "over IPv6", "%d..9216" % e.smallest(ip6=True)]))
    names = cat.names()
    unknown = next(n for n in ("gre", "gre0", "nosuch") if n not in cat)
    first = cat.tunnels()[0].name if cat.tunnels() else names[0]
    cases += [
        ("loop", ["--encap", unknown], 2, ["--encap", unknown] + names),
        ("loop", ["--encap", first + ",bogus"], 2, ["--encap", "bogus"] + names),
        ("loop", ["--encap", first + "," + first], 2, ["--encap", first, "twice"]),
        ("loop", ["--encap", ""], 2, ["--encap"] + names),
    ]
    return cases


def body(tap, ws):
    for i, case in enumerate(CASES + per_encap_cases(catalogue.load(OVLPERF))):
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
