#!/usr/bin/python3
"""An outage over vhost-user: ovlperf reflect on net_vhost killed (SIGKILL, by pid) and started
again while ovlperf send on net_virtio_user sends to it (issue 19).

Usage: /usr/bin/python3 tests/integration/test_virtio_outage.py PATH_TO_OVLPERF

Hugepages as in test_virtio.py (ovlkit.hugepages: the shortfall reserved, a hugetlbfs of the
suite's own, both put back at the end); the reflector on CPU 0, the sender on CPU 1. What
DPDK 22.11's virtio_user does when its vhost-user peer goes away decides the outcome:

  * reconnect: the sender's virtio_user listens (path=SOCK,server=1, started first) and the
    reflector connects to it (net_vhost0,iface=SOCK,client=1). The PMD reports the link down
    when the reflector dies and up when a new one connects. 10 s at 5 kpps, the reflector killed
    2 s in, another started 1 s later. Checks: the sender says its link went down and came up
    and that replies came back; exit 0, complete (not partial, no stop reason); one outage
    recorded, cause "link down", ended, 0.5 to 8 s long; every probe answered or lost
    (rx + lost == tx); the outage shows as lost probes or as bursts the port refused while its
    link was down (tx_full: virtio_user takes nothing then); replies measured again after it (the second reflector
    reflected >= 2 s of probes and the sender received at least as many as that less those in
    flight); no line about a port that cannot reconnect.
  * no reconnect: the usual setup (net_vhost the server, virtio_user its client). The client
    never connects again once the server is gone, so a restarted reflector is not found: the run
    ends after --link-timeout 1.5 with exit 3, partial, stop_reason "link down", and one line
    saying that net_virtio_user does not reconnect and how to run it so that it does (server=1,
    client=1). The outage is recorded (cause "link down", not ended), what was measured before
    it is in the results (rx > 0, rx + lost == tx), and the second reflector received nothing.

Where hugepages cannot be reserved the suite is one TAP skip naming the reason.
"""

import json
import os
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.harness import load_json, loadavg, main  # noqa: E402
from ovlkit.hugepages import Hugepages  # noqa: E402
from ovlkit.ovlperf import eal, path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
# 2 MB pages: three processes of -m 128 (a reflector killed keeps its pages in the suite's
# hugetlbfs until the mount goes) and room to spare.
NEED = 256
MEM = 128
RATE = 5000
NO_RECONNECT = "net_virtio_user does not reconnect"


def eal_on(ws, hp, tag, lcores, vdev):
    # --single-file-segments for the sender: vhost-user maps at most 8 memory regions.
    extra = ["--huge-dir", hp.mnt] + (["--single-file-segments"] if tag == "send" else [])
    return [OVLPERF] + eal(ws.prefix(tag), lcores, [vdev], mem=MEM, huge=True, extra=extra)


def reflector(ws, hp, name, vdev, rpath, sock, client):
    """A reflector on net_vhost; up once its live line shows (and, as the server, its socket)."""
    refl = ws.start(name, eal_on(ws, hp, "refl", "0@0,1@0", vdev) +
                    ["--", "reflect", "--json", rpath])
    up = refl.wait_for(lambda: (client or os.path.exists(sock)) and " s] rx" in refl.stderr(), 20)
    return refl, up and refl.alive()


def sender(ws, hp, name, vdev, spath, extra):
    return ws.start(name, eal_on(ws, hp, "send", "0@1,1@1", vdev) +
                    ["--", "send", "--encap", "raw", "--rate", str(RATE), "--outage-after", "0.5",
                     "--drain", "500", "--json", spath] + extra)


def stream_counts(doc):
    s = doc["streams"][0]
    return s["tx"]["packets"], s["rx"]["packets"], s["lost"]


def reflected(ws, refl, rpath):
    refl.send_signal(signal.SIGTERM)
    refl.wait(10)
    refl.stop()
    doc, why = load_json(rpath)
    return (doc or {}).get("reflector", {}), why


def reconnect(tap, ws, hp):
    sock = ws.path("listen.sock")
    spath = ws.path("reconnect-send.json")
    snd = sender(ws, hp, "reconnect-send", "net_virtio_user0,path=%s,server=1" % sock, spath,
                 ["--duration", "10"])
    # virtio_user with server=1 listens on sock and waits for the vhost side to connect.
    snd.wait_for(lambda: os.path.exists(sock), 20)
    vdev = "net_vhost0,iface=%s,client=1" % sock
    first, up = reflector(ws, hp, "reconnect-a", vdev, ws.path("reconnect-a.json"), sock, True)
    going = up and snd.wait_for(lambda: "[   2.0 s]" in snd.stderr(), 30)
    first.stop(signal.SIGKILL)
    time.sleep(1)
    rpath = ws.path("reconnect-b.json")
    second, up2 = reflector(ws, hp, "reconnect-b", vdev, rpath, sock, True)
    rc, _ = snd.wait(60)
    err = snd.stderr()
    if not tap.ok(going and up2, "reconnect: the sender (virtio_user server=1) ran 2 s against a "
                  "reflector (net_vhost client=1); it was killed and another connected",
                  snd.diag() + first.diag() + second.diag()):
        snd.stop()
        second.stop()
        return
    tap.ok("link down" in err and "link up again" in err and "outage from" in err
           and "replies again after" in err,
           "reconnect: the sender says its link went down, came up again, and replies returned",
           snd.diag())
    doc, why = load_json(spath)
    tap.ok(rc == 0 and doc is not None and doc["partial"] is False and doc["stop_reason"] is None,
           "reconnect: the sender exits 0 with a complete JSON (not partial, no stop reason)",
           snd.diag() + [why or "partial %r stop_reason %r" % (doc["partial"], doc["stop_reason"])])
    out = (doc or {}).get("outages", {})
    lst = out.get("list") or [{}]
    tap.ok(out.get("count") == 1 and lst[0].get("ended") is True and lst[0].get("cause") == "link down"
           and 0.5 <= lst[0].get("length_s", 0) <= 8,
           "reconnect: one outage recorded (cause link down, ended, 0.5 to 8 s long)", ["outages %r" % out])
    tap.ok(NO_RECONNECT not in err, "reconnect: no line saying the port cannot reconnect", snd.diag())
    st, why = reflected(ws, second, rpath)
    if doc is None:
        return
    tx, rx, lost = stream_counts(doc)
    full = doc["sender"]["tx_full"] + doc["sender"]["no_mbuf"]
    again = st.get("reflected", 0)
    tap.ok(rx + lost == tx and (lost > 0 or full > 0) and again >= 2 * RATE and rx >= again - 1024,
           "reconnect: every probe answered or lost (rx + lost == tx), the outage shows (probes "
           "lost, or bursts the port refused while down: tx_full), and replies are measured again "
           "after it (the second reflector reflected >= 2 s of probes, the sender received them)",
           "tx %d rx %d lost %d tx_full+no_mbuf %d; second reflector %s" % (
               tx, rx, lost, full, why or json.dumps(
                   {k: st.get(k) for k in ("rx_frames", "reflected", "tx_full")})))


def no_reconnect(tap, ws, hp):
    sock = ws.path("vhost.sock")
    spath = ws.path("client-send.json")
    vdev = "net_vhost0,iface=%s" % sock
    first, up = reflector(ws, hp, "client-a", vdev, ws.path("client-a.json"), sock, False)
    if not tap.ok(up, "no reconnect: the reflector (net_vhost server) is up", first.diag()):
        first.stop()
        return
    snd = sender(ws, hp, "client-send", "net_virtio_user0,path=%s" % sock, spath,
                 ["--duration", "20", "--link-timeout", "1.5"])
    going = snd.wait_for(lambda: "[   2.0 s]" in snd.stderr(), 30)
    first.stop(signal.SIGKILL)
    killed = time.monotonic()
    os.unlink(sock)
    time.sleep(1)
    rpath = ws.path("client-b.json")
    second, up2 = reflector(ws, hp, "client-b", vdev, rpath, sock, False)
    rc, _ = snd.wait(60)
    after = time.monotonic() - killed
    err = snd.stderr()
    doc, why = load_json(spath)
    tap.ok(going and up2, "no reconnect: the sender ran 2 s, its reflector was killed and another "
           "started on the same socket", snd.diag() + second.diag())
    tap.ok(rc == 3 and after < 12 and doc is not None and doc["partial"] is True
           and doc["stop_reason"] == "link down",
           "no reconnect: the run ends on --link-timeout 1.5, long before its 20 s (exit 3, "
           "partial, stop_reason 'link down')",
           snd.diag() + ["ended %.1f s after the kill" % after,
                         why or "partial %r stop_reason %r" % (doc["partial"], doc["stop_reason"])])
    said = [l for l in err.splitlines() if l.startswith("ovlperf") and NO_RECONNECT in l]
    tap.ok(len(said) == 1 and "server=1" in said[0] and "client=1" in said[0]
           and "link down for 1.5 s (--link-timeout)" in err,
           "no reconnect: one line says virtio_user does not reconnect and how to make it "
           "(server=1, client=1); another that the link timeout ended the run", snd.diag())
    out = (doc or {}).get("outages", {})
    lst = out.get("list") or [{}]
    tap.ok(out.get("count") == 1 and lst[0].get("ended") is False and lst[0].get("cause") == "link down",
           "no reconnect: the outage is recorded (cause link down, not ended)", ["outages %r" % out])
    st, why = reflected(ws, second, rpath)
    tap.ok(why is None and st.get("rx_frames") == 0,
           "no reconnect: the second reflector received nothing (the sender never connected again)",
           why or json.dumps({k: st.get(k) for k in ("rx_frames", "reflected")}))
    if doc is not None:
        tx, rx, lost = stream_counts(doc)
        tap.ok(rx >= RATE and rx + lost == tx,
               "no reconnect: what was measured before the outage is in the results (rx >= 1 s of "
               "probes, rx + lost == tx)", "tx %d rx %d lost %d" % (tx, rx, lost))


def body(tap, ws):
    tap.diag("load average %s" % loadavg())
    hp = Hugepages(NEED, ws.path("huge"))
    why = hp.setup()
    try:
        if why:
            tap.skip("a vhost reflector killed and restarted under a virtio_user sender", why)
        else:
            reconnect(tap, ws, hp)
            no_reconnect(tap, ws, hp)
    finally:
        # The processes first: the mount cannot go while they hold its pages.
        for p in ws.procs:
            p.stop(signal.SIGKILL)
        problems = hp.undo()
        tap.ok(not problems, "hugepage settings and the hugetlbfs mount are put back", problems)


if __name__ == "__main__":
    sys.exit(main("virtio_outage", body))
