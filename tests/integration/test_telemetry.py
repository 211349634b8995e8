#!/usr/bin/python3
"""ovlperf's rte_telemetry commands, queried through the telemetry socket while it runs.

Usage: /usr/bin/python3 tests/integration/test_telemetry.py PATH_TO_OVLPERF

ovlperf's default EAL options include --no-telemetry, so the run passes its own:

  ovlperf --no-huge --no-pci -m 512 --file-prefix P --log-level=error --lcores=0@0,1@1,2@0 -- \
      loop --encap vxlan,ipip --rate 20k --vni 4321 --duration 60 --json J --no-live

and is stopped by SIGINT (by pid) after the queries. The client below speaks the protocol of
DPDK's usertools/dpdk-telemetry.py: a SOCK_SEQPACKET unix socket at
/var/run/dpdk/P/dpdk_telemetry.v2; the server first sends a JSON greeting with its pid and
max_output_len, then answers each command (a string such as "/ethdev/stats,0") with one JSON
object keyed by the command.

Checks: the greeting names ovlperf's pid; "/" lists /ovlperf/stats and /ovlperf/config;
/ovlperf/config reports what the command line asked (command, encapsulations, VNI, per-stream
rates); /ovlperf/stats counters grow between two queries at about the rate asked; the ethdev
counters of both ring ports (/ethdev/stats,0 and ,1) agree with ovlperf's own, read just before
and after; /usr/bin/dpdk-telemetry.py (Debian's dpdk package) reads /ovlperf/config too; while a
client queries /ovlperf/stats as fast as it can, SIGINT stops ovlperf with status 3, a partial
JSON result stopped by "signal" whose counters are at least the last ones telemetry showed, and
the socket removed. A second, short run with --no-shconf shows that the socket exists without
shared config files too (the DPDK 22.11 behaviour the README relies on).
"""

import json
import os
import re
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import DPDK_RUN_DIR, load_json, main  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402
from ovlkit.telemetry import Client, sock_path, streams_of  # noqa: E402

OVLPERF = path_from_argv()
TELEMETRY_PY = "/usr/bin/dpdk-telemetry.py"
RATE = 20000
VNI = 4321
ENCAPS = ["vxlan", "ipip"]
EAL = ["--no-huge", "--no-pci", "-m", "512", "--log-level=error", "--lcores=0@0,1@1,2@0"]


def connect(proc, path, timeout=20):
    """A client once the socket answers and /ovlperf/stats shows traffic (or None)."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end and proc.alive():
        if os.path.exists(path):
            try:
                c = Client(path)
                st = c.query("/ovlperf/stats")
                if isinstance(st, dict) and st.get("stream0", {}).get("tx_packets", 0) > 0:
                    return c, None
                c.close()
                last = "stats without traffic yet: %r" % st
            except (OSError, ValueError, KeyError) as exc:
                last = "%s: %s" % (type(exc).__name__, exc)
        time.sleep(0.1)
    return None, last


def tx_sum(stats):
    return sum(s["tx_packets"] for s in streams_of(stats))


def rx_sum(stats):
    return sum(s["rx_packets"] for s in streams_of(stats))


def between(lo, v, hi, slack):
    return lo - slack <= v <= hi + slack


def main_run(tap, ws):
    prefix = ws.prefix("tel")
    jpath = ws.path("loop.json")
    cmd = [OVLPERF] + EAL + ["--file-prefix", prefix, "--", "loop", "--encap", ",".join(ENCAPS),
                             "--rate", "20k", "--vni", str(VNI), "--duration", "60",
                             "--json", jpath, "--no-live"]
    proc = ws.start("loop", cmd)
    path = sock_path(prefix)
    c, why = connect(proc, path)
    if not tap.ok(c is not None, "the telemetry socket %s answers while loop runs" % path,
                  proc.diag() + ([why] if why else [])):
        proc.stop()
        return
    tap.ok(c.greeting.get("pid") == proc.pid and c.max_len > 0,
           "the greeting names ovlperf's pid and a max_output_len",
           "greeting %r, ovlperf pid %d" % (c.greeting, proc.pid))

    cmds = c.query("/")
    missing = [k for k in ("/ovlperf/stats", "/ovlperf/config", "/ethdev/stats", "/info")
               if k not in cmds]
    tap.ok(isinstance(cmds, list) and not missing,
           "/ lists /ovlperf/stats and /ovlperf/config beside DPDK's own commands",
           "missing %s from %d commands" % (missing, len(cmds) if isinstance(cmds, list) else -1))
    helps = c.query("/help,/ovlperf/stats")
    tap.ok(isinstance(helps, dict) and "counters" in str(helps.get("/ovlperf/stats", "")),
           "/help,/ovlperf/stats gives the command's description", "reply %r" % helps)
    info = c.query("/info")
    params = c.query("/eal/params")
    tap.ok(params == cmd[:cmd.index("--")],
           "/eal/params are the EAL arguments ovlperf was started with",
           ["got %r" % params, "started %r" % cmd[:cmd.index("--")]])

    conf = c.query("/ovlperf/config")
    want = {"command": "loop", "encaps": ",".join(ENCAPS), "vni": VNI, "port": 0,
            "stream0_rate_pps": RATE, "stream1_rate_pps": RATE}
    tap.fields("/ovlperf/config reports the command line: loop, vxlan,ipip, VNI 4321, "
               "20k packets/s per stream",
               [(k, v, conf.get(k)) for k, v in want.items() if conf.get(k) != v]
               + ([("stream2_rate_pps", None, conf["stream2_rate_pps"])]
                  if "stream2_rate_pps" in conf else []))

    # Two readings of ovlperf's counters 1 s apart, the ethdev counters between them.
    s1, t1 = c.query("/ovlperf/stats"), time.monotonic()
    e0 = c.query("/ethdev/stats,0")
    e1 = c.query("/ethdev/stats,1")
    time.sleep(1.0)
    s2, t2 = c.query("/ovlperf/stats"), time.monotonic()
    e0b = c.query("/ethdev/stats,0")
    s3 = c.query("/ovlperf/stats")
    dt = t2 - t1
    enc = [s["encap"] for s in streams_of(s2)]
    tap.ok(s2.get("command") == "loop" and enc == ENCAPS,
           "/ovlperf/stats has one entry per stream, in the order asked",
           "command %r, streams %r" % (s2.get("command"), enc))
    versions = [s.get("ip_version") for s in streams_of(s2)]
    tap.ok(versions and all(v == 4 for v in versions),
           "/ovlperf/stats: every stream says its underlay, ip_version 4", "%r" % versions)
    bad = []
    for a, b in zip(streams_of(s1), streams_of(s2)):
        d = b["tx_packets"] - a["tx_packets"]
        if not 0.5 * RATE * dt <= d <= 1.5 * RATE * dt:
            bad.append("%s: tx_packets %d -> %d in %.2f s (%.0f/s)"
                       % (b["encap"], a["tx_packets"], b["tx_packets"], dt, d / dt))
        if b["rx_packets"] <= a["rx_packets"] or b["tx_bytes"] <= a["tx_bytes"]:
            bad.append("%s: rx_packets %d -> %d, tx_bytes %d -> %d" % (
                b["encap"], a["rx_packets"], b["rx_packets"], a["tx_bytes"], b["tx_bytes"]))
        if b["corrupted"] or b["duplicated"]:
            bad.append("%s: corrupted %d duplicated %d" % (b["encap"], b["corrupted"],
                                                           b["duplicated"]))
    if not s2.get("reflector_reflected", 0) > s1.get("reflector_reflected", 0):
        bad.append("reflector_reflected %s -> %s" % (s1.get("reflector_reflected"),
                                                      s2.get("reflector_reflected")))
    tap.ok(not bad, "/ovlperf/stats: counters grow between two queries at about 20k/s per "
           "stream; the reflector's too", bad)

    # Each port pool's mbufs in use (what bench/soak watches for a leak), within the size that
    # DPDK's own /mempool/info gives for the pool of that name.
    bad = []
    # The ports' pools (pool_N); streams that keep their frames have pools of their own.
    pools = [n for n in c.query("/mempool/list") or [] if re.fullmatch(r"pool_\d+", n)]
    for name in pools:
        size = c.query("/mempool/info," + name)["size"]
        used = s2.get(name + "_in_use")
        if not isinstance(used, int) or not 0 <= used <= size:
            bad.append("%s: %s_in_use %r, size %d" % (name, name, used, size))
    tap.ok(pools and not bad, "/ovlperf/stats: each pool of /mempool/list has its mbufs in use, "
           "within its size", bad or ["no pools listed"])

    # ethdev counts a frame when the ring takes it, ovlperf right after the burst: each ethdev
    # reading lies between ovlperf's readings before and after it (a burst per stream of slack for
    # ARP and a burst in flight).
    slack = 128
    bad = []
    if not between(tx_sum(s1), e0["opackets"], tx_sum(s2), slack):
        bad.append("port 0 opackets %d not within sender tx %d..%d"
                   % (e0["opackets"], tx_sum(s1), tx_sum(s2)))
    if not between(tx_sum(s2), e0b["opackets"], tx_sum(s3), slack):
        bad.append("port 0 opackets %d not within sender tx %d..%d"
                   % (e0b["opackets"], tx_sum(s2), tx_sum(s3)))
    if not between(s1["reflector_rx_frames"], e1["ipackets"], s2["reflector_rx_frames"], slack):
        bad.append("port 1 ipackets %d not within reflector rx %d..%d"
                   % (e1["ipackets"], s1["reflector_rx_frames"], s2["reflector_rx_frames"]))
    if not between(rx_sum(s1), e0["ipackets"], rx_sum(s2), slack):
        bad.append("port 0 ipackets %d not within sender rx %d..%d"
                   % (e0["ipackets"], rx_sum(s1), rx_sum(s2)))
    tap.ok(not bad, "/ethdev/stats of both ring ports agree with /ovlperf/stats read around them",
           bad)

    if os.access(TELEMETRY_PY, os.X_OK):
        r = ws.run(["/usr/bin/python3", TELEMETRY_PY, "-f", prefix], 20,
                   stdin_data=b"/ovlperf/config\n/ovlperf/stats\n")
        got = {}
        for line in r.out.splitlines():
            line = line[line.find("{"):] if "{" in line else ""
            try:
                got.update(json.loads(line))
            except ValueError:
                pass
        cf = got.get("/ovlperf/config", {})
        st = got.get("/ovlperf/stats", {})
        tap.ok(r.rc == 0 and cf.get("encaps") == ",".join(ENCAPS) and cf.get("vni") == VNI
               and tx_sum(st) >= tx_sum(s3),
               "dpdk-telemetry.py -f PREFIX reads /ovlperf/config and /ovlperf/stats",
               r.diag() + ["stdout: %.400s" % r.out])
    else:
        tap.skip("dpdk-telemetry.py reads /ovlperf/config",
                 "%s is not installed (Debian package dpdk)" % TELEMETRY_PY)

    # SIGINT while another client queries as fast as it can: the handlers must not read what
    # the run frees on its way out.
    stop = threading.Event()
    seen = {"n": 0, "last": None, "error": None}

    def hammer():
        try:
            h = Client(path)
            while not stop.is_set():
                seen["last"] = h.query("/ovlperf/stats")
                seen["n"] += 1
        except (OSError, ValueError, ConnectionError) as exc:
            seen["error"] = "%s: %s" % (type(exc).__name__, exc)

    th = threading.Thread(target=hammer, daemon=True)
    th.start()
    time.sleep(0.3)
    last_live = c.query("/ovlperf/stats")
    c.close()
    proc.send_signal(signal.SIGINT)
    rc, waited = proc.wait(10)
    stop.set()
    th.join(5)
    doc, why = load_json(jpath)
    tap.ok(rc == 3, "SIGINT (by pid) while a client queries /ovlperf/stats: exit status 3 "
           "(partial) within 10 s", proc.diag() + ["%d queries answered during the stop; client: %s"
                                         % (seen["n"], seen["error"])])
    if tap.ok(doc is not None and doc.get("partial") is True and doc.get("stop_reason") == "signal",
              "the JSON result is written, marked partial, stopped by signal",
              [why or "partial %r stop_reason %r" % (doc.get("partial"), doc.get("stop_reason"))]):
        final = {s["encap"]: s["tx"]["packets"] for s in doc["streams"]}
        live = {s["encap"]: s["tx_packets"] for s in streams_of(last_live)}
        bad = ["%s: final %s < live %d" % (e, final.get(e), n) for e, n in live.items()
               if final.get(e) is None or final[e] < n]
        tap.ok(not bad and doc["config"]["vni"] == VNI,
               "the final counters are at least the last ones telemetry showed", bad)
        tap.ok(info.get("version") == doc.get("dpdk") and info.get("pid") == proc.pid,
               "/info names the DPDK version the result records, and ovlperf's pid",
               "/info %r, result dpdk %r" % (info, doc.get("dpdk")))
    tap.ok(not os.path.exists(path), "the telemetry socket is removed when ovlperf exits",
           "%s still exists" % path)


def no_shconf(tap, ws):
    prefix = ws.prefix("noshconf")
    cmd = [OVLPERF] + EAL + ["--no-shconf", "--file-prefix", prefix, "--", "loop", "--encap",
                             "raw", "--rate", "10k", "--duration", "30", "--no-live"]
    proc = ws.start("noshconf", cmd)
    c, why = connect(proc, sock_path(prefix))
    conf = c.query("/ovlperf/config") if c else {}
    if c:
        c.close()
    files = sorted(os.listdir(os.path.join(DPDK_RUN_DIR, prefix))) if c else []
    tap.ok(c is not None and conf.get("encaps") == "raw" and "config" not in files,
           "with --no-shconf the telemetry socket exists too (no shared config file beside it) "
           "and answers /ovlperf/config",
           proc.diag() + ["%s; runtime dir: %s; config %r" % (why, files, conf)])
    proc.send_signal(signal.SIGINT)
    rc, _ = proc.wait(10)
    tap.ok(rc == 3, "--no-shconf run: exit status 3 (partial) on SIGINT", proc.diag())


def body(tap, ws):
    main_run(tap, ws)
    no_shconf(tap, ws)


if __name__ == "__main__":
    sys.exit(main("telemetry", body))
