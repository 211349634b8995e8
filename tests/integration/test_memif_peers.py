#!/usr/bin/python3
"""Memif peers that come and go: one ovlperf reflect (memif server) answering many short senders.

Usage: /usr/bin/python3 tests/integration/test_memif_peers.py PATH_TO_OVLPERF

One reflector (CPU 0, its main and worker lcores sharing it, as on a busy host):

  ovlperf --no-pci --no-huge -m 512 --file-prefix P --log-level=error --lcores=0@0,1@0 \
      --vdev=net_memif0,role=server,socket=SOCK,socket-abstract=no -- reflect --json R

then RUNS senders one after the other (memif clients), each connecting, resolving the
reflector's MAC by ARP, sending 20 kpps for 0.3 s and disconnecting:

  ovlperf ... --lcores=0@0,1@0 --vdev=net_memif0,role=client,socket=SOCK,socket-abstract=no -- \
      send --encap raw --rate 20k --duration 0.3 --drain 200 --json S --no-live

on the reflector's CPU: its lcore is then often preempted, as on a busy host, and a disconnect
that lands while it is inside a burst finds it there.

Every disconnect makes the memif PMD unmap the shared rings on the reflector's interrupt thread
while its lcore polls them (app/ports/port_gate.h): before the gate, about one disconnect in a
dozen killed the reflector with SIGSEGV. Checks: the reflector is alive after every sender;
every sender exits 0 with replies to its probes (at most 1% lost: the reflector's TX ring may
overflow while a sender's lcore waits for the CPU); at the end the reflector exits 0 on SIGTERM
with a JSON showing it received every probe the senders sent and answered each one's ARP.

Then the other way round (issue 19's first outage): a sender (memif client, 20 kpps for 10 s)
whose reflector is killed (SIGKILL, by pid) 2 s in and started again 1 s later on the same
socket (its stale file removed, as a server cannot bind over it) and with the same MAC (mac=
in its vdev: the sender learnt it by ARP once). The memif PMD's client connects only when its
port starts: ovlperf restarts it once the server listens again. Checks: the sender says the
link went down and came up again, exits 0 with a complete (not partial) JSON, and the second
reflector answered it (reflected >= 10000: at least half a second of probes).

Last, --link-timeout 1: a sender whose reflector is killed and not started again ends about
1 s later, not after its 10 s: exit 3, a JSON marked partial with stop_reason "link down", and
one line naming --link-timeout.

Outages with no link event (app/run/outage.c): a reflector stopped with SIGSTOP for 2 s and
continued (memif sees nothing: the link stays up). The sender (--outage-after 0.5) says an
outage began and that replies came back, exits 0 with one outage recorded (ended, cause "no
replies while sending", 1 to 7 s long) and replies measured after it (rx >= 60000, rx + lost
== tx; memif's ring holds what was sent into it and the stopped reflector answers it late, so
the stall shows as lost probes or as bursts the full ring refused, tx_full). Stopped for good with
--link-timeout 1.5: the run ends on the outage (exit 3, stop_reason "outage", not ended).
The restart above is also recorded as one outage, cause "link down", ended.

Last, a reflector with --key that keeps running while the sender is run twice (two processes,
two random sessions): each run's probes are answered (>= 99%): the replay window and rate cap
take the new session.
"""

import os
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.ovlperf import eal, memif, path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
RUNS = 20


def senders(ws, sock, refl):
    """RUNS senders against refl; returns (runs the reflector survived, their tx total, bad)."""
    tx_total, bad = 0, []
    for i in range(1, RUNS + 1):
        spath = ws.path("send-%d.json" % i)
        r = ws.run([OVLPERF] + eal(ws.prefix("send"), "0@0,1@0", [memif("client", sock)]) +
                   ["--", "send", "--encap", "raw", "--rate", "20k", "--duration", "0.3",
                    "--drain", "200", "--json", spath, "--no-live"], 60)
        # The disconnect is the moment: give the reflector's interrupt thread time to act on it.
        refl.wait_for(lambda: not refl.alive(), 0.3)
        if not refl.alive():
            return i - 1, tx_total, bad
        doc, why = load_json(spath)
        if r.rc != 0 or doc is None:
            bad.append("run %d: exit status %s, %s" % (i, r.rc, why or "JSON written"))
            bad += r.diag(5)
            continue
        s = doc["streams"][0]
        tx, rx = s["tx"]["packets"], s["rx"]["packets"]
        tx_total += tx
        if tx == 0 or rx < 0.99 * tx:
            bad.append("run %d: tx %d rx %d lost %d" % (i, tx, rx, s["lost"]))
    return RUNS, tx_total, bad


def reflector(ws, name, sock, rpath):
    """A reflector with a fixed MAC on sock, up (its live line) within 20 s, or None."""
    refl = ws.start(name, [OVLPERF] + eal(ws.prefix(name), "0@0,1@0",
                                          [memif("server", sock, ",mac=02:00:00:00:00:aa")]) +
                    ["--", "reflect", "--json", rpath])
    up = refl.wait_for(lambda: os.path.exists(sock) and " s] rx" in refl.stderr(), 20)
    return refl, up and refl.alive()


def outage(tap, ws, tag, extra):
    """A reflector (fixed MAC) and a 10 s sender with extra options, killed 2 s in (SIGKILL,
    by pid): returns (sender, sock, its JSON path, it ran 2 s, seconds since the kill) or None."""
    sock = ws.path(tag + ".sock")
    spath = ws.path(tag + "-send.json")
    refl, up = reflector(ws, tag + "-a", sock, ws.path(tag + "-a.json"))
    if not tap.ok(up, "%s: the first reflector is up" % tag, refl.diag()):
        refl.stop()
        return None
    snd = ws.start(tag + "-send", [OVLPERF] + eal(ws.prefix("send"), "0@1,1@1",
                                                  [memif("client", sock)]) +
                   ["--", "send", "--encap", "raw", "--rate", "20k", "--duration", "10",
                    "--json", spath] + extra)
    going = snd.wait_for(lambda: "[   2.0 s]" in snd.stderr(), 30)
    refl.stop(signal.SIGKILL)
    return snd, sock, spath, going, time.monotonic()


def restart(tap, ws):
    got = outage(tap, ws, "restart", [])
    if got is None:
        return
    snd, sock, spath, going, _ = got
    os.unlink(sock)
    time.sleep(1)
    second, up = reflector(ws, "restart-b", sock, ws.path("restart-b.json"))
    rc, _ = snd.wait(40)
    err = snd.stderr()
    tap.ok(going and up, "restart: the sender ran 2 s, its reflector was killed and another started",
           snd.diag() + second.diag())
    tap.ok("link down" in err and "link up again" in err,
           "restart: the sender says its link went down and came up again", snd.diag())
    doc, why = load_json(spath)
    out = (doc or {}).get("outages", {})
    tap.ok(out.get("count") == 1 and out["list"][0]["ended"] and out["list"][0]["cause"] == "link down",
           "restart: one outage recorded (cause link down), ended when the second reflector answered",
           ["outages %r" % out])
    tap.ok(rc == 0 and doc is not None and doc["partial"] is False and doc["stop_reason"] is None,
           "restart: the sender exits 0 with a complete JSON (not partial, no stop reason)",
           snd.diag() + [why or "partial %r stop_reason %r" % (doc["partial"], doc["stop_reason"])])
    second.send_signal(signal.SIGTERM)
    second.wait(10)
    rdoc, why = load_json(ws.path("restart-b.json"))
    st = (rdoc or {}).get("reflector", {})
    tap.ok(st.get("reflected", 0) >= 10000,
           "restart: the second reflector answered the sender (reflected >= 10000)",
           [why or "reflector %r" % {k: st.get(k) for k in ("rx_frames", "reflected", "drops")}])
    snd.stop()
    second.stop()


def keyed_restart(tap, ws):
    """A keyed reflector that keeps running, and the sender started again (a new process, so a
    new random session): its replay window and rate cap take the new session, every probe of
    both runs is answered."""
    key = ws.path("peers.key")
    with open(key, "w") as f:
        f.write("00112233445566778899aabbccddeeff\n")
    sock = ws.path("keyed.sock")
    refl = ws.start("keyed", [OVLPERF] + eal(ws.prefix("keyed"), "0@0,1@0",
                                             [memif("server", sock, ",mac=02:00:00:00:00:aa")]) +
                    ["--", "reflect", "--key", key, "--json", ws.path("keyed.json")])
    up = refl.wait_for(lambda: os.path.exists(sock) and " s] rx" in refl.stderr(), 20)
    if not tap.ok(up and refl.alive(), "keyed: the reflector (--key) is up", refl.diag()):
        refl.stop()
        return
    got = []
    for i in (1, 2):
        spath = ws.path("keyed-send-%d.json" % i)
        r = ws.run([OVLPERF] + eal(ws.prefix("send"), "0@1,1@1", [memif("client", sock)]) +
                   ["--", "send", "--encap", "raw", "--inner-size", "128", "--key", key,
                    "--rate", "20k", "--duration", "1", "--drain", "300", "--json", spath,
                    "--no-live"], 60)
        doc, why = load_json(spath)
        s = doc["streams"][0] if doc else None
        got.append((r.rc, doc and doc["config"].get("session"), s and s["tx"]["packets"],
                    s and s["rx"]["packets"], why))
    ok = all(rc == 0 and tx and rx >= 0.99 * tx for rc, _, tx, rx, _ in got)
    tap.ok(ok and got[0][1] != got[1][1],
           "keyed: the sender run twice against the running reflector (two sessions): each "
           "run's probes answered (at least 99%)",
           ["run %d: exit %s session %s tx %s rx %s %s" % (i + 1, *g) for i, g in enumerate(got)]
           + refl.diag(5))
    refl.stop()


def stalled(tap, ws):
    """A reflector stopped (SIGSTOP) for 2 s mid-run and continued: memif reports no link change,
    so only the silence tells. One outage recorded, ended, its probes lost, replies after it."""
    sock = ws.path("stall.sock")
    spath = ws.path("stall-send.json")
    refl, up = reflector(ws, "stall", sock, ws.path("stall.json"))
    if not tap.ok(up, "stall: the reflector is up", refl.diag()):
        refl.stop()
        return
    snd = ws.start("stall-send", [OVLPERF] + eal(ws.prefix("send"), "0@1,1@1",
                                                  [memif("client", sock)]) +
                   ["--", "send", "--encap", "raw", "--rate", "20k", "--duration", "8",
                    "--outage-after", "0.5", "--json", spath])
    going = snd.wait_for(lambda: "[   2.0 s]" in snd.stderr(), 30)
    refl.send_signal(signal.SIGSTOP)
    time.sleep(2)
    refl.send_signal(signal.SIGCONT)
    rc, _ = snd.wait(40)
    err = snd.stderr()
    doc, why = load_json(spath)
    tap.ok(going and "outage from" in err and "replies again after" in err and "link down" not in err,
           "stall: with no link event, the sender says an outage began and that replies came back",
           snd.diag())
    out = (doc or {}).get("outages", {})
    lst = out.get("list", [])
    s = doc["streams"][0] if doc else {"tx": {"packets": 0}, "rx": {"packets": 0}, "lost": 0}
    tx, rx, lost = s["tx"]["packets"], s["rx"]["packets"], s["lost"]
    tap.ok(rc == 0 and doc is not None and doc["partial"] is False and out.get("count") == 1 and
           len(lst) == 1 and lst[0]["ended"] and lst[0]["cause"] == "no replies while sending" and
           1.0 <= lst[0]["length_s"] <= 7,
           "stall: exit 0, complete, one outage recorded (ended, no replies, about 2 s long)",
           snd.diag() + [why or "outages %r" % out])
    full = (doc or {}).get("sender", {}).get("tx_full", 0) + (doc or {}).get("sender", {}).get("no_mbuf", 0)
    tap.ok(rx >= 60000 and rx + lost == tx and (lost > 0 or full > 0),
           "stall: replies are measured again after the outage (rx >= 3 s of probes), every "
           "probe sent is either answered or lost (rx + lost == tx), and the stall shows: probes "
           "lost, or bursts not sent (tx_full: the full ring refused them; no_mbuf)",
           ["tx %d rx %d lost %d tx_full %d" % (tx, rx, lost, full)])
    snd.stop()
    refl.send_signal(signal.SIGCONT)
    refl.stop()

    # Stopped for good: --link-timeout ends the run on the outage alone.
    sock = ws.path("stall2.sock")
    spath = ws.path("stall2-send.json")
    refl, up = reflector(ws, "stall2", sock, ws.path("stall2.json"))
    snd = ws.start("stall2-send", [OVLPERF] + eal(ws.prefix("send"), "0@1,1@1",
                                                   [memif("client", sock)]) +
                   ["--", "send", "--encap", "raw", "--rate", "20k", "--duration", "20",
                    "--outage-after", "0.5", "--link-timeout", "1.5", "--json", spath])
    going = up and snd.wait_for(lambda: "[   2.0 s]" in snd.stderr(), 30)
    refl.send_signal(signal.SIGSTOP)
    stopped = time.monotonic()
    rc, _ = snd.wait(40)
    after = time.monotonic() - stopped
    doc, why = load_json(spath)
    tap.ok(going and rc == 3 and after < 15 and doc is not None and doc["partial"] is True and
           doc["stop_reason"] == "outage" and doc["outages"]["count"] == 1 and
           not doc["outages"]["list"][0]["ended"],
           "stall, --link-timeout 1.5: the run ends on the outage, long before its 20 s: exit 3, "
           "partial, stop_reason 'outage', the outage recorded as not ended",
           snd.diag() + ["ended %.1f s after SIGSTOP" % after,
                         why or "stop_reason %r outages %r" % (doc["stop_reason"], doc["outages"])])
    snd.stop()
    refl.send_signal(signal.SIGCONT)
    refl.stop()


def timeout(tap, ws):
    got = outage(tap, ws, "link-timeout", ["--link-timeout", "1"])
    if got is None:
        return
    snd, sock, spath, going, killed = got
    rc, _ = snd.wait(30)
    after = time.monotonic() - killed
    doc, why = load_json(spath)
    lines = [l for l in snd.stderr().splitlines() if "--link-timeout" in l]
    tap.ok(going and rc == 3 and after < 5 and len(lines) == 1 and doc is not None and
           doc["partial"] is True and doc["stop_reason"] == "link down",
           "link-timeout: --link-timeout 1 ends the run about 1 s after the reflector is killed, "
           "exit 3, partial, stop_reason 'link down', one line naming --link-timeout",
           snd.diag() + ["ended %.1f s after the kill; lines %r" % (after, lines),
                         why or "partial %r stop_reason %r" % (doc["partial"], doc["stop_reason"])])
    snd.stop()


def body(tap, ws):
    sock = ws.path("memif.sock")
    rpath = ws.path("reflect.json")
    refl = ws.start("reflect", [OVLPERF] + eal(ws.prefix("refl"), "0@0,1@0",
                                               [memif("server", sock)]) +
                    ["--", "reflect", "--json", rpath])
    up = refl.wait_for(lambda: os.path.exists(sock) and " s] rx" in refl.stderr(), 20)
    if not tap.ok(up and refl.alive(), "the reflector is up on the memif server port",
                  refl.diag()):
        refl.stop()
        return
    survived, tx_total, bad = senders(ws, sock, refl)
    tap.ok(survived == RUNS and refl.alive(),
           "the reflector outlives %d senders connecting and disconnecting" % RUNS,
           refl.diag() + ["it died after sender %d of %d" % (survived, RUNS)]
           if survived < RUNS else refl.diag())
    if survived < RUNS:
        refl.stop()
        restart(tap, ws)
        timeout(tap, ws)
        stalled(tap, ws)
        keyed_restart(tap, ws)
        return
    tap.ok(not bad, "every sender exits 0 with replies to its probes (at most 1% lost)",
           bad[:20])
    refl.send_signal(signal.SIGTERM)
    rc, waited = refl.wait(10)
    tap.ok(rc == 0, "the reflector exits 0 on SIGTERM (within 10 s)",
           refl.diag() + ["waited %.1f s" % waited])
    rdoc, why = load_json(rpath)
    if tap.ok(rdoc is not None and rdoc.get("command") == "reflect",
              "the reflector writes its JSON", why):
        st = rdoc.get("reflector", {})
        tap.ok(st.get("rx_frames", -1) >= tx_total > 0 and st.get("arp_answered", 0) >= RUNS,
               "reflector JSON: it received every sender's probes and answered each one's ARP",
               "reflector %r, senders' tx %d" % (st, tx_total))
    refl.stop()
    restart(tap, ws)
    timeout(tap, ws)
    stalled(tap, ws)
    keyed_restart(tap, ws)


if __name__ == "__main__":
    sys.exit(main("memif_peers", body))
