#!/usr/bin/python3
"""dpdk-dumpcap captures a running ovlperf (rte_pdump), on hugepages.

Usage: /usr/bin/python3 tests/integration/test_dumpcap.py PATH_TO_OVLPERF

dpdk-dumpcap is a DPDK secondary process: it maps the primary's memory, so the primary must run
on hugepages with shared config files. The suite reserves them itself and undoes it all:

  * 2 MB pages: if fewer than NEED are free, /sys/kernel/mm/hugepages/hugepages-2048kB/
    nr_hugepages is raised by the shortfall (and that many given back at the end); if the
    kernel cannot give them, every check is skipped saying why;
  * a hugetlbfs of the suite's own, mounted in its temporary directory and given to EAL with
    --huge-dir (unmounted at the end), so nothing outside the suite changes: /dev/hugepages is
    neither needed nor touched.

Then ovlperf is the primary:

  ovlperf --no-pci --huge-dir H -m 256 --file-prefix P --base-virtaddr 0x200000000000 \
      --log-level=error --lcores=0@0,1@1,2@0 -- loop --encap vxlan,ipip --vni 4242 --rate 5k --duration 60 --json J --no-live

The secondary must map the primary's memory at the primary's addresses. EAL's default base
(4 GiB) lies in AddressSanitizer's shadow, so an ASan-built ovlperf reserved wherever the kernel
put it, near the libraries; in about a third of runs dpdk-dumpcap found that range taken by its
own and failed ("Cannot reserve ... bytes at [addr]"). 0x200000000000 (32 TiB) is free in both
processes, sanitized or not.

dpdk-dumpcap (Debian's dpdk package) captures it twice:

  dpdk-dumpcap --file-prefix=P -i 0 -c 200 -q -w A.pcapng
  dpdk-dumpcap --file-prefix=P -i net_ring_loop_b -f 'ip proto 4' -c 50 -q -w B.pcapng

tshark decodes both captures: A holds at least 200 frames, each either VXLAN with VNI 4242 and
110 bytes (114 with FCS) or IP-in-IP carrying UDP in 80 bytes (84), both encapsulations and both
directions (the probes out, the replies in), and every inner UDP payload starts with ovlperf's
probe for the right stream; B, by port name and with a capture filter, holds only IP-in-IP.
ovlperf is then stopped by SIGINT (by pid): status 3, a partial result with nothing corrupted
and at least as many probes sent as were captured going out.
"""

import os
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.harness import DPDK_RUN_DIR, load_json, main  # noqa: E402
from ovlkit.hugepages import Hugepages  # noqa: E402
from ovlkit.tshark import TSHARK  # noqa: E402
from ovlkit.wire import parse_probe  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
DUMPCAP = "/usr/bin/dpdk-dumpcap"
NEED = 192  # 2 MB pages: ovlperf's -m 256 and dpdk-dumpcap's pool, with room to spare
VNI = 4242
ENCAPS = ["vxlan", "ipip"]  # VXLAN for tshark's vxlan.vni, IP-in-IP for a protocol filter
SIZE = {}   # captured bytes: smallest frames without the 4-byte FCS (from the catalogue)
PROTO = {}  # the outer IPv4 protocol of each (from the catalogue)
COUNT_A, COUNT_B = 200, 50
BASE_VIRTADDR = "0x200000000000"  # above ASan's shadow, far from the libraries: see the top


def tshark_rows(ws, path, tag):
    """(rows, error): per frame (len, [ip.proto...], vni or None, direction (pcapng EPB flags:
    1 inbound, 2 outbound), the last UDP payload)."""
    r = ws.run([TSHARK, "-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
                "-E", "aggregator=;", "-e", "frame.len", "-e", "ip.proto", "-e", "vxlan.vni",
                "-e", "frame.packet_flags_direction", "-e", "udp.payload"], 60)
    if r.rc != 0:
        return None, "tshark on %s: %s" % (tag, "; ".join(r.diag()))
    rows = []
    for line in r.out.splitlines():
        flen, protos, vni, direction, payload = (line.split("|") + [""] * 5)[:5]
        rows.append((int(flen), [int(p) for p in protos.split(";") if p],
                     int(vni) if vni else None, int(direction, 0) if direction else None,
                     bytes.fromhex(payload.split(";")[-1]) if payload else b""))
    return rows, None


def classify(row):
    """'vxlan', 'ipip' or why the frame is neither as sent."""
    flen, protos, vni, _, _ = row
    if vni is not None:
        if protos == [PROTO["vxlan"], 17] and vni == VNI and flen == SIZE["vxlan"]:
            return "vxlan"
        return "VXLAN with VNI %s, ip.proto %s, %d bytes" % (vni, protos, flen)
    if protos == [PROTO["ipip"], 17] and flen == SIZE["ipip"]:
        return "ipip"
    return "ip.proto %s, %d bytes" % (protos, flen)


def body(tap, ws):
    for tool in (DUMPCAP, TSHARK):
        if not os.access(tool, os.X_OK):
            tap.skip("dpdk-dumpcap captures ovlperf", "%s is not installed" % tool)
            return
    hp = Hugepages(NEED, ws.path("huge"))
    try:
        why = hp.setup()
        if why:
            tap.skip("dpdk-dumpcap captures ovlperf on hugepages", why)
            return
        run(tap, ws, hp)
    finally:
        # ovlperf and dpdk-dumpcap must be gone before the mount can go.
        for proc in ws.procs:
            proc.stop(signal.SIGKILL, grace=5)
        problems = hp.undo()
        tap.ok(not problems, "hugepage settings and the hugetlbfs mount are put back", problems)


def run(tap, ws, hp):
    cat = catalogue.load(OVLPERF)
    for e in ENCAPS:
        SIZE[e], PROTO[e] = cat[e].min_frame - 4, cat[e].ip_proto
    prefix = ws.prefix("pdump")
    jpath = ws.path("loop.json")
    cmd = [OVLPERF, "--no-pci", "--huge-dir", hp.mnt, "-m", "256", "--file-prefix", prefix,
           "--base-virtaddr", BASE_VIRTADDR, "--log-level=error", "--lcores=0@0,1@1,2@0", "--", "loop", "--encap", ",".join(ENCAPS),
           "--vni", str(VNI), "--rate", "5k", "--duration", "60", "--json", jpath, "--no-live"]
    proc = ws.start("loop", cmd)
    mp = os.path.join(DPDK_RUN_DIR, prefix, "mp_socket")
    up = proc.wait_for(lambda: os.path.exists(mp), 20) and proc.alive()
    time.sleep(1.0)  # ports started, traffic flowing
    maps = [f for f in os.listdir(hp.mnt) if f.startswith(prefix + "map_")]
    if not tap.ok(up and proc.alive() and maps,
                  "ovlperf runs as a primary on hugepages (its %smap_* files in the hugetlbfs)"
                  % prefix, proc.diag() + ["hugetlbfs holds %s" % os.listdir(hp.mnt)]):
        return

    r = ws.run([DUMPCAP, "--file-prefix=" + prefix, "-D"], 30, cwd=ws.dir)
    tap.ok(r.rc == 0 and "net_ring_loop_a" in r.out and "net_ring_loop_b" in r.out,
           "dpdk-dumpcap -D lists the ring pair ovlperf made", r.diag() + ["stdout: " + r.out])

    a = ws.path("a.pcapng")
    r = ws.run([DUMPCAP, "--file-prefix=" + prefix, "-i", "0", "-c", str(COUNT_A), "-q",
                "-w", a], 30, cwd=ws.dir)
    rows, err = tshark_rows(ws, a, "capture A") if r.rc == 0 and os.path.exists(a) else (None, None)
    if tap.ok(rows is not None and len(rows) >= COUNT_A,
              "dpdk-dumpcap -i 0 -c %d: exit 0 and at least %d frames in the pcapng"
              % (COUNT_A, COUNT_A),
              r.diag() + ([err] if err else []) + ["%s frames" % (len(rows) if rows else None)]):
        kinds = [classify(x) for x in rows]
        bad = ["frame %d: %s" % (i + 1, k) for i, k in enumerate(kinds) if k not in ENCAPS]
        tap.ok(not bad and set(kinds) == set(ENCAPS),
               "capture A: every frame decodes as sent: VXLAN VNI %d in %d bytes, or IP-in-IP "
               "carrying UDP in %d bytes; both present" % (VNI, SIZE["vxlan"], SIZE["ipip"]),
               bad[:5])
        dirs = {x[3] for x in rows}
        tap.ok({1, 2} <= dirs, "capture A holds both directions of port 0: probes out, "
               "replies in", "directions (1 in, 2 out): %s" % sorted(dirs))
        bad = []
        for i, (x, k) in enumerate(zip(rows, kinds)):
            try:
                p = parse_probe(x[4])
                if k in ENCAPS and p["stream"] != ENCAPS.index(k):
                    bad.append("frame %d (%s): probe stream %d" % (i + 1, k, p["stream"]))
            except ValueError as exc:
                bad.append("frame %d (%s): %s" % (i + 1, k, exc))
        tap.ok(not bad, "capture A: every inner UDP payload starts with ovlperf's probe for the "
               "stream of its encapsulation", bad[:5])
    out_a = {e: sum(1 for x in (rows or []) if x[3] == 2 and classify(x) == e) for e in ENCAPS}
    tap.diag("capture A, frames going out per encapsulation: %r" % out_a)

    b = ws.path("b.pcapng")
    r = ws.run([DUMPCAP, "--file-prefix=" + prefix, "-i", "net_ring_loop_b",
                "-f", "ip proto %d" % PROTO["ipip"],
                "-c", str(COUNT_B), "-q", "-w", b], 30, cwd=ws.dir)
    rows, err = tshark_rows(ws, b, "capture B") if r.rc == 0 and os.path.exists(b) else (None, None)
    kinds = [classify(x) for x in rows or []]
    tap.ok(rows is not None and len(rows) >= COUNT_B and set(kinds) == {"ipip"},
           "dpdk-dumpcap -i net_ring_loop_b -f 'ip proto 4': by port name, only IP-in-IP frames",
           r.diag() + ([err] if err else []) + ["kinds: %s" % sorted(set(kinds))])

    tap.ok(proc.alive(), "ovlperf is still running after both captures", proc.diag())
    proc.send_signal(signal.SIGINT)
    rc, _ = proc.wait(10)
    doc, why = load_json(jpath)
    tap.ok(rc == 3 and doc is not None and doc.get("stop_reason") == "signal",
           "SIGINT (by pid): exit status 3 (partial) and a result stopped by signal",
           proc.diag() + ([why] if why else []))
    if doc is not None:
        sent = {s["encap"]: s["tx"]["packets"] for s in doc["streams"]}
        bad = ["%s: %d sent, %d captured going out" % (e, sent.get(e, 0), n)
               for e, n in out_a.items() if sent.get(e, 0) < n]
        bad += ["%s: %d corrupted" % (s["encap"], s["corrupted"]) for s in doc["streams"]
                if s["corrupted"]]
        tap.ok(not bad and doc["config"]["vni"] == VNI,
               "the result: nothing corrupted while captured, at least as many probes sent as "
               "captured going out", bad)


if __name__ == "__main__":
    sys.exit(main("dumpcap", body))
