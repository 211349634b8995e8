#!/usr/bin/python3
"""ovlperf reflect and ovlperf send as two processes joined by net_memif.

Usage: /usr/bin/python3 tests/integration/test_memif.py PATH_TO_OVLPERF [--ipv6]

Per encapsulation, the reflector (memif server, CPU 0) is started first:

  ovlperf --no-pci --no-huge -m 512 --file-prefix P1 --log-level=error --lcores=0@0,1@0 \
      --vdev=net_memif0,role=server,socket=SOCK,socket-abstract=no -- reflect --dwell --json R

and once it is up (its memif socket exists and its once-a-second line is on stderr, within 20 s)
the sender (memif client, CPU 1):

  ovlperf --no-pci --no-huge -m 512 --file-prefix P2 --log-level=error --lcores=0@1,1@1 \
      --vdev=net_memif0,role=client,socket=SOCK,socket-abstract=no -- \
      send --encap E --inner-size 128 --rate 10k --duration 3 --drain 1000 --json S --no-live

memif runs in copy mode (zero-copy=no, its default), which works without hugepages;
socket-abstract=no puts the socket in this suite's directory rather than the abstract namespace.
No MACs are given: the sender learns the reflector's (and for vxlan the inner one) by ARP, which
the reflector answers. --inner-size 128 leaves room for the full probe, which carries the
reflector's timestamps (--dwell).

Checks: the sender exits 0 and every probe came back (no loss after the drain) with the
reflector's dwell subtracted; then SIGTERM to the reflector: it exits 0 within 10 s and writes its
JSON, which shows reflected >= the sender's tx packets, stamped > 0 and the ARP it answered.

With --ipv6 (the memif-ipv6 registration) the same over IPv6 (ovlkit.ovlperf.SEND6 and
REFLECT6): every encapsulation that runs over an IPv6 underlay, inner packets IPv6 where it
carries them, the sender given the reflector's inner MAC (no neighbour discovery inside the
tunnel); the reflector's MAC is found by NDP, so its JSON shows the solicitation it answered.
"""

import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.ovlperf import (INNER_MAC6, REFLECT6, SEND6, eal, ipv6_from_argv,  # noqa: E402
                            memif, path_from_argv)

OVLPERF = path_from_argv()
IP6 = ipv6_from_argv()


def one(tap, ws, encap):
    sock = ws.path("memif-%s.sock" % encap)
    rpath = ws.path("reflect-%s.json" % encap)
    spath = ws.path("send-%s.json" % encap)
    refl = ws.start("reflect-" + encap,
                    [OVLPERF] + eal(ws.prefix("refl"), "0@0,1@0", [memif("server", sock)],
                                    shconf=True, telemetry=True) +
                    ["--", "reflect", "--dwell", "--json", rpath] + (REFLECT6 if IP6 else []))
    up = refl.wait_for(lambda: os.path.exists(sock) and " s] rx" in refl.stderr(), 20)
    if not tap.ok(up and refl.alive(), "%s: the reflector is up on the memif server port" % encap,
                  refl.diag()):
        refl.stop()
        return
    r = ws.run([OVLPERF] + eal(ws.prefix("send"), "0@1,1@1", [memif("client", sock)],
                               shconf=True, telemetry=True) +
               ["--", "send", "--encap", encap, "--inner-size", "128", "--rate", "10k",
                "--duration", "3", "--drain", "1000", "--json", spath, "--no-live"] +
               (SEND6 + INNER_MAC6 if IP6 else []), 60)
    doc, why = load_json(spath)
    sent = None
    if tap.ok(r.rc == 0 and doc is not None and doc["partial"] is False,
              "%s: send over memif exits 0 with a complete JSON result" % encap,
              r.diag() + ([why] if why else [])):
        s = doc["streams"][0]
        sent = s["tx"]["packets"]
        tap.ok(sent > 0 and s["rx"]["packets"] == sent and s["lost"] == 0,
               "%s: every probe came back (no loss after the drain)" % encap,
               ["tx %d rx %d lost %d" % (sent, s["rx"]["packets"], s["lost"]),
                "sender: %r" % doc.get("sender")])
        d = s["latency_ns"]["dwell_subtracted"]
        tap.ok(d > 0, "%s: the reflector's dwell was subtracted (dwell_subtracted > 0)" % encap,
               "dwell_subtracted %d of %d replies" % (d, s["rx"]["packets"]))

    still = refl.alive()
    refl.send_signal(signal.SIGTERM)
    rc, waited = refl.wait(10)
    tap.ok(still and rc == 0, "%s: the reflector exits 0 on SIGTERM (within 10 s)" % encap,
           refl.diag() + ["running until the signal: %s; waited %.1f s" % (still, waited)])
    rdoc, why = load_json(rpath)
    if tap.ok(rdoc is not None and rdoc.get("command") == "reflect",
              "%s: the reflector writes its JSON" % encap, why):
        st = rdoc.get("reflector", {})
        tap.ok(sent is not None and st.get("reflected", -1) >= sent and st.get("stamped", 0) > 0,
               "%s: reflector JSON: reflected >= the sender's tx packets, stamped > 0" % encap,
               "reflector %r, sender tx %r" % (st, sent))
        what = "ndp" if IP6 else "arp"
        tap.ok(st.get(what + "_answered", 0) >= 1,
               "%s: the reflector answered the sender's %s" % (encap, what.upper()),
               "reflector %r" % st)
    refl.stop()


def body(tap, ws):
    for e in catalogue.load(OVLPERF):
        if e.ipv6 or not IP6:
            one(tap, ws, e.name)


if __name__ == "__main__":
    sys.exit(main("memif-ipv6" if IP6 else "memif", body))
