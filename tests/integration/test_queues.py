#!/usr/bin/python3
"""--queues and --queue-map: a sender and a reflector per port queue, each on its own lcore.

Usage: /usr/bin/python3 tests/integration/test_queues.py PATH_TO_OVLPERF [--ipv6]

Runs, each with its own EAL options (no hugepages, no shared files; lcores oversubscribed on
this 2-CPU machine, so rates stay low):
  * loop --queues 2 over its ring pair (two rings each way): each load stream has a replica per
    queue at half the rate, each sent about rate/2 x seconds and got every reply back on its own
    queue (sender.misrouted 0); the latency stream is on queue 0 only; the reflector's two
    queues both reflected, and their counters add up to the totals;
  * send --queues 2 --queue-map 0@1,1@2 on net_null (no RX): both replicas sent, from lcores 1
    and 2;
  * reflect --queues 2 on net_pcap with two rx_pcap files (one RX queue each): each queue
    reflected exactly its file's probes, and each queue's tx_pcap holds them;
  * bad queue settings: exit status 2 and one line on stderr naming what is wrong.
The runs use the first two tunnels of the binary's table (`ovlperf -- frames --list --json`).
Every process is started by ws.run, which kills it by pid when it outlives its timeout.

With --ipv6 (the queues-ipv6 registration) the runs are over IPv6 (ovlkit.ovlperf.SEND6 and
REFLECT6; the first two tunnels that run over an IPv6 underlay, the probes the reflector reads
made over IPv6 too). The bad queue settings are not run again: they are refused before any
address is read.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue, pcap  # noqa: E402
from ovlkit.harness import load_json, loadavg, main  # noqa: E402
from ovlkit.ovlperf import DEFAULT_EAL as EAL, REFLECT6, SEND6, ipv6_from_argv  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
IP6 = ipv6_from_argv()
ADDR = SEND6 if IP6 else []  # the sender's addresses (loop's reflector answers the same)
# The main lcore and four workers on two CPUs: the main lcore mostly sleeps.
LCORES_5 = "--lcores=0@0,1@1,2@0,3@1,4@0"
LCORES_3 = "--lcores=0@0,1@1,2@0"
RATE = 20000
COUNT = 15000
TIMEOUT = 40
DST = ["--dst-mac", "02:00:00:00:00:02", "--inner-dst-mac", "02:00:00:00:00:03"]


def near(value, want, tolerance=0.15):
    return abs(value - want) <= tolerance * want


def run_json(ws, name, cmd):
    path = ws.path(name + ".json")
    if os.path.exists(path):
        os.unlink(path)
    r = ws.run(cmd + ["--json", path, "--no-live"], TIMEOUT)
    doc, why = load_json(path)
    return r, doc, why


def two_tunnels():
    """The first two tunnels of the binary's table: the encapsulations these runs use."""
    return [e.name for e in catalogue.load(OVLPERF).tunnels() if e.ipv6 or not IP6][:2]


def check_loop(tap, ws):
    two = two_tunnels()
    # --count, not --duration: four polling lcores share two CPUs with whatever else runs here,
    # and a starved sender gives up the slots of a long stall (lib/pacer.h), so only a count
    # pins down what each replica must send; the pace shows in the time it took.
    cmd = [OVLPERF] + EAL + [LCORES_5, "--", "loop", "--queues", "2", "--encap", ",".join(two),
                             "--rate", "%d" % RATE, "--latency-rate", "%d" % (RATE // 2),
                             "--count", str(COUNT), "--drain", "500"] + ADDR
    r, doc, why = run_json(ws, "loop", cmd)
    lost = doc is not None and any(s["lost"] for s in doc["streams"])
    if r.rc == 0 and lost:
        # A shared machine can starve the oversubscribed lcores long enough to overflow a ring.
        tap.diag("loop lost replies (load average %s): running once more" % loadavg())
        r, doc, why = run_json(ws, "loop", cmd)
    if not tap.ok(r.rc == 0 and doc is not None, "loop --queues 2 ran and wrote its results",
                  r.diag() + ([why] if why else [])):
        return
    tap.ok(all(p["queues"] == 2 and p["rx_steering"] == "per_queue" for p in doc["ports"]),
           "both ring ports have 2 queues, each fed by its own ring",
           [str([(p["name"], p["queues"], p["rx_steering"]) for p in doc["ports"]])])
    load = [s for s in doc["streams"] if s["kind"] == "load"]
    lat = [s for s in doc["streams"] if s["kind"] == "latency"]
    ids = [s["id"] for s in doc["streams"]]
    tap.ok(len(ids) == len(set(ids)) and len(load) == 4 and
           sorted((s["encap"], s["queue"]) for s in load) ==
           sorted((e, q) for e in two for q in (0, 1)),
           "one load replica per encapsulation and queue, stream ids distinct",
           [str([(s["id"], s["encap"], s["kind"], s["queue"]) for s in doc["streams"]])])
    tap.ok(len(lat) == 2 and all(s["queue"] == 0 for s in lat),
           "latency streams only on queue 0", [str([(s["encap"], s["queue"]) for s in lat])])
    bad = ["%s q%d: rate %d, tx %d, rx %d, lost %d, %.2f s" %
           (s["encap"], s["queue"], s["rate_pps"], s["tx"]["packets"], s["rx"]["packets"],
            s["lost"], s["tx"]["packets"] / max(s["tx"]["pps"], 1))
           for s in load if s["rate_pps"] != RATE // 2 or s["tx"]["packets"] != COUNT or
           s["rx"]["packets"] != COUNT or s["lost"] or
           s["tx"]["pps"] > RATE / 2 * 1.05]
    tap.ok(not bad, "each replica paced at rate/2 = %d pps, sent its %d and got every reply"
           % (RATE // 2, COUNT), bad)
    totals = {t["encap"]: t for t in doc.get("encap_totals", [])}
    tap.ok(all(totals.get(e, {}).get("queues") == 2 and totals[e]["tx"]["packets"] ==
               sum(s["tx"]["packets"] for s in load if s["encap"] == e) for e in two),
           "encap_totals add each encapsulation's replicas", [str(totals)])
    snd = doc["sender"]
    tap.ok(snd["misrouted"] == 0 and snd["unknown_stream"] == 0,
           "no reply came back on another queue than its stream's",
           ["misrouted %s unknown %s" % (snd["misrouted"], snd["unknown_stream"])])
    refl = doc["reflector"]
    qs = refl.get("queues", [])
    tap.ok(len(qs) == 2 and all(q["rx_frames"] > 0 and q["reflected"] > 0 for q in qs) and
           sum(q["rx_frames"] for q in qs) == refl["rx_frames"] and
           sum(q["reflected"] for q in qs) == refl["reflected"],
           "the reflector's two queues both reflected and add up to its totals",
           [str(qs), "totals rx %s reflected %s" % (refl["rx_frames"], refl["reflected"])])
    lcores = [q["lcore"] for q in snd["queues"]] + [q["lcore"] for q in qs]
    tap.ok(sorted(lcores) == [1, 2, 3, 4], "senders on lcores 1, 2 and reflectors on 3, 4",
           [str(lcores)])


def check_send(tap, ws):
    encap = two_tunnels()[0]
    cmd = [OVLPERF] + EAL + [LCORES_3, "--vdev", "net_null0,no-rx=1", "--", "send",
                             "--queues", "2", "--queue-map", "0@1,1@2", "--encap", encap,
                             "--rate", "%d" % RATE, "--duration", "2"] + DST + ADDR
    r, doc, why = run_json(ws, "send", cmd)
    if not tap.ok(r.rc == 0 and doc is not None, "send --queues 2 on net_null ran",
                  r.diag() + ([why] if why else [])):
        return
    s = sorted(doc["streams"], key=lambda x: x["queue"])
    secs = doc["seconds"]
    tap.ok([x["queue"] for x in s] == [0, 1] and
           all(near(x["tx"]["packets"], RATE / 2 * secs) for x in s),
           "both %s replicas sent about rate/2 x %.2f s" % (encap, secs),
           [str([(x["queue"], x["tx"]["packets"]) for x in s])])
    tap.ok([(q["queue"], q["lcore"]) for q in doc["sender"]["queues"]] == [(0, 1), (1, 2)],
           "--queue-map 0@1,1@2 put queue 0 on lcore 1 and queue 1 on lcore 2",
           [str(doc["sender"]["queues"])])


def write_probes(ws, name, encaps):
    path = ws.path(name)
    r = ws.run([OVLPERF, "--", "frames", "--encap", encaps, "--pcap", path] + ADDR, TIMEOUT)
    return path if r.rc == 0 else None


def check_reflect(tap, ws):
    q0 = write_probes(ws, "q0.pcap", "all")
    q1 = write_probes(ws, "q1.pcap", two_tunnels()[0])
    if not tap.ok(q0 and q1, "ovlperf frames wrote the probes for two RX queues"):
        return
    n0, n1 = len(pcap.frames(q0)), len(pcap.frames(q1))
    out0, out1 = ws.path("out0.pcap"), ws.path("out1.pcap")
    vdev = "net_pcap0,rx_pcap=%s,rx_pcap=%s,tx_pcap=%s,tx_pcap=%s" % (q0, q1, out0, out1)
    r, doc, why = run_json(ws, "reflect", [OVLPERF] + EAL + [LCORES_3, "--vdev", vdev, "--",
                                               "reflect", "--queues", "2", "--promiscuous",
                                               "--duration", "1"] +
                                              (REFLECT6 if IP6 else []))
    if not tap.ok(r.rc == 0 and doc is not None, "reflect --queues 2 on two rx_pcap ran",
                  r.diag() + ([why] if why else [])):
        return
    qs = doc["reflector"].get("queues", [])
    tap.ok([(q["queue"], q["rx_frames"], q["reflected"]) for q in qs] == [(0, n0, n0), (1, n1, n1)]
           and doc["reflector"]["reflected"] == n0 + n1,
           "each queue reflected its own file's %d and %d probes; totals summed" % (n0, n1),
           [str(qs), str(doc["reflector"])])
    tap.ok(doc["port"]["queues"] == 2, "the port reports 2 queues", [str(doc["port"])])
    got0, got1 = len(pcap.frames(out0)), len(pcap.frames(out1))
    tap.ok(got0 == n0 and got1 == n1, "each queue's answers left on its own TX queue (tx_pcap)",
           ["out0 %d out1 %d" % (got0, got1)])


# (EAL lcores or None for a pcap port, command line after "--", words the one line must hold)
ERRORS = [
    ([LCORES_3], ["loop", "--queues", "2"], ["4 worker lcores", "-l 0-4", "--lcores"]),
    ([LCORES_3], ["send", "--queues", "2", "--queue-map", "0@1,1@1"], ["lcore 1", "queue"]),
    ([LCORES_3], ["send", "--queues", "2", "--queue-map", "0@1,2@2"], ["queue 2", "out of range"]),
    ([LCORES_3], ["send", "--queues", "2", "--queue-map", "0@1"], ["queue 1", "no lcore"]),
    ([LCORES_3], ["send", "--queues", "2", "--queue-map", "0@1,1@5"], ["lcore 5", "worker"]),
    ([LCORES_3], ["send", "--queues", "17"], ["--queues", "1..16"]),
    ([LCORES_3], ["send", "--queues", "2", "--queue-map", "0-1"], ["--queue-map", "Q@LCORE"]),
    ([LCORES_3], ["send", "--queue-map", "0@1", "--send-lcore", "2"], ["--send-lcore", "queue 0"]),
    ([LCORES_5], ["loop", "--queues", "2", "--queue-map", "0@1,1@2", "--reflect-lcore", "2"],
     ["lcore 2", "two queues"]),
    (None, ["reflect", "--queues", "2"], ["at most 1", "--queues 2"]),
]


def check_errors(tap, ws):
    one = write_probes(ws, "one.pcap", two_tunnels()[0])
    for lcores, args, words in ERRORS:
        if lcores is None:
            eal = [LCORES_3, "--vdev", "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (one, ws.path("x.pcap"))]
        else:
            eal = lcores + ["--vdev", "net_null0,no-rx=1"]
        r = ws.run([OVLPERF] + EAL + eal + ["--"] + args + DST * (args[0] == "send") +
                   ["--duration", "1", "--no-live"], TIMEOUT)
        lines = r.err.strip().splitlines()
        tap.ok(r.rc == 2 and len(lines) == 1 and all(w in lines[0] for w in words),
               "%s: status 2, one line naming %s" % (" ".join(args), ", ".join(words)),
               r.diag() + ["stdout: " + r.out[-300:]])


def body(tap, ws):
    check_loop(tap, ws)
    check_send(tap, ws)
    check_reflect(tap, ws)
    if not IP6:
        check_errors(tap, ws)


if __name__ == "__main__":
    sys.exit(main("queues-ipv6" if IP6 else "queues", body))
