#!/usr/bin/python3
"""A link flap under net_af_packet (or net_af_xdp with --port af_xdp): the kernel's answers stop
while the veth is down, and the sender sees the outage from its own counters (issue 19).

Usage: /usr/bin/python3 tests/interop/test_link_flap.py OVLPERF [--port af_packet|af_xdp]

Namespace A holds the sender (net_af_packet, or an AF_XDP socket, on veth-a), namespace B the Linux kernel with
192.0.2.2 on veth-b, answering ICMP echo (raw encapsulation, --inner-proto icmp, 2 kpps for
8 s, --outage-after 0.5). Two seconds in, B's veth is set down for 2 s and up again. Checks:
the sender says an outage began and that replies came back; its JSON is complete (exit 0,
not partial) with one outage recorded, ended, 1 to 7 s long; replies are measured again after
it (rx >= 3 s of probes), rx + lost == tx, and the flap shows as lost probes or as bursts the
down interface refused (tx_full: the kernel takes nothing on a veth without carrier).
Then the same with B down for good and --link-timeout 1.5: exit 3, stop_reason "outage".
The namespaces and every process in them are removed at the end. With --port af_xdp the
same checks hold, and the whole suite is one TAP skip where the kernel has no AF_XDP.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit.netns import VethPair, af_xdp_missing  # noqa: E402
from ovlkit.tap import Tap  # noqa: E402

RATE = 2000
# The sender's port: its driver and EAL memory (AF_XDP's pool is 8191 page-sized mbufs).
PORTS = {"af_packet": ("net_af_packet0", "256"), "af_xdp": ("net_af_xdp0", "512")}
PORT = "af_packet"


def sender(v, ovlperf, out, seconds, extra):
    drv, mem = PORTS[PORT]
    cmd = v.in_a([ovlperf, "--no-pci", "--no-huge", "--no-shconf", "-m", mem,
                  "--log-level=error", "--vdev", "%s,iface=%s" % (drv, v.if_a), "-l", "0-1",
                  "--", "send", "--encap", "raw", "--inner-proto", "icmp", "--src-ip", "192.0.2.1",
                  "--dst-ip", "192.0.2.2", "--rate", str(RATE), "--duration", str(seconds),
                  "--outage-after", "0.5", "--drain", "300", "--json", out] + extra)
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def set_b(v, state):
    subprocess.run(["ip", "-n", v.ns_b, "link", "set", v.if_b, state], check=True, timeout=30)


def wait(p, seconds):
    try:
        _, err = p.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return p.returncode, err


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def flap(tap, v, ovlperf, d):
    out = os.path.join(d, "flap.json")
    p = sender(v, ovlperf, out, 8, [])
    time.sleep(2.5)
    set_b(v, "down")
    time.sleep(2)
    set_b(v, "up")
    rc, err = wait(p, 60)
    doc = load(out)
    tap.ok("outage from" in err and "replies again after" in err,
           "flap: the sender says an outage began and that replies came back", err[-1500:])
    out_ = (doc or {}).get("outages", {})
    lst = out_.get("list", [])
    tap.ok(rc == 0 and doc is not None and doc["partial"] is False and out_.get("count") == 1
           and len(lst) == 1 and lst[0]["ended"] and 1.0 <= lst[0]["length_s"] <= 7,
           "flap: exit 0, complete, one outage recorded (ended, 1 to 7 s long)",
           ["exit %s" % rc, "outages %r" % out_, err[-800:]])
    if doc is None:
        return
    s = doc["streams"][0]
    tx, rx, lost = s["tx"]["packets"], s["rx"]["packets"], s["lost"]
    full = doc["sender"]["tx_full"] + doc["sender"]["no_mbuf"]
    tap.ok((lost > 0 or full > 0) and rx >= 3 * RATE and rx + lost == tx,
           "flap: replies are measured again after the outage (rx >= 3 s of probes), every probe "
           "sent is answered or lost (rx + lost == tx), and the flap shows: probes lost, or "
           "bursts the down interface refused (tx_full)",
           "tx %d rx %d lost %d tx_full %d" % (tx, rx, lost, full))


def gone(tap, v, ovlperf, d):
    out = os.path.join(d, "gone.json")
    p = sender(v, ovlperf, out, 20, ["--link-timeout", "1.5"])
    time.sleep(2.5)
    set_b(v, "down")
    t0 = time.monotonic()
    rc, err = wait(p, 60)
    after = time.monotonic() - t0
    set_b(v, "up")
    doc = load(out)
    tap.ok(rc == 3 and after < 15 and doc is not None and doc["partial"] is True
           and doc["stop_reason"] == "outage",
           "down for good, --link-timeout 1.5: the run ends on the outage long before its 20 s "
           "(exit 3, partial, stop_reason 'outage')",
           ["exit %s after %.1f s" % (rc, after),
            "stop_reason %r" % (doc or {}).get("stop_reason"), err[-800:]])


def main():
    global PORT
    tap = Tap()
    args = sys.argv[1:]
    if "--port" in args:
        i = args.index("--port")
        PORT = args[i + 1] if i + 1 < len(args) else ""
        del args[i:i + 2]
    if len(args) != 1 or PORT not in PORTS:
        print("usage: test_link_flap.py OVLPERF [--port af_packet|af_xdp]", file=sys.stderr)
        return 2
    ovlperf = args[0]
    missing = af_xdp_missing() if PORT == "af_xdp" else None
    if missing:
        tap.skip("link flap under %s" % PORT, missing)
        return tap.done()
    tap.diag("the sender's port: %s" % PORTS[PORT][0])
    v = VethPair("flap", addr_b="192.0.2.2/24")
    why = v.up()
    if why is not None:
        tap.skip("link flap", "no network namespaces here: %s" % why)
        v.down()
        return tap.done()
    try:
        with tempfile.TemporaryDirectory(prefix="ovl-flap-") as d:
            flap(tap, v, ovlperf, d)
            gone(tap, v, ovlperf, d)
    finally:
        problems = v.down()
        tap.ok(not problems, "namespaces and their processes removed", problems)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
