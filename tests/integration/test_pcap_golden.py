#!/usr/bin/python3
"""ovlperf send into a pcap file (net_pcap), checked by tshark and by the probe bytes.

Usage: /usr/bin/python3 tests/integration/test_pcap_golden.py PATH_TO_OVLPERF

  ovlperf --no-pci --no-huge -m 512 --no-shconf --file-prefix P --lcores=0@0,1@1 \
      --vdev=net_pcap0,tx_pcap=OUT.pcap,rx_pcap=EMPTY.pcap -- \
      send --encap all --count 100 --dst-mac 02:00:00:00:00:02 --inner-dst-mac 02:00:00:00:01:02 ...

EMPTY.pcap is a pcap file with its header and no frames: the port receives nothing (net_pcap
also works with tx_pcap= alone; rx_pcap=/dev/null does not, the vdev probe fails). --dst-mac
and --inner-dst-mac are given because nothing answers ARP on a pcap file.

The encapsulations are the binary's (`ovlperf -- frames --list --json`). For every run:
OUT.pcap holds exactly 100 frames per stream; tshark (-d udp.port==P,ip for each UDP tunnel
without inner Ethernet, -d udp.port==7000,data against its heuristic dissectors,
-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE) decodes each into the layers its
encapsulation must have (tests/lib/ovlkit/tshark.py), with every checksum good (a tunnel's outer
UDP checksum of zero, "not present", is allowed for IPv4) and the sizes asked for; a tunnel with
a header of its own has it checked field by field (TUNNEL_CHECKS: an encapsulation missing there
fails the suite); the probe bytes (tshark's data field,
decoded here per docs/wire-format.md) carry the run's session, the stream's id and the sequence
numbers 0..99 in order, and the fill after the probe is k & 0xFF. The JSON results say that
nothing came back: rx 0, lost 100, loss_ratio 1 on every stream.

No IPv6 variant: its decoder (ovlkit.wire) reads IPv4 only; IPv6 frames are checked field by
field by tshark and scapy in tests/interop/test_decoders_ipv6.py and test_decoders_inner6.py.
"""

import collections
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue, pcap, tshark as ts  # noqa: E402
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.wire import decode, fill_ok, parse_probe  # noqa: E402
from ovlkit import ovlperf  # noqa: E402
from ovlkit.ovlperf import path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
CAT = None  # the binary's catalogue, loaded by body()
COUNT = 100
DST_MAC = "02:00:00:00:00:02"
INNER_DST_MAC = "02:00:00:00:01:02"
VNI = 42

# name, options, how the size is given ("frame", "inner" or None for the smallest), value,
# probes per stream. net_pcap leaves the frames it writes as they were, so the sender keeps
# them in its pools between uses: the last run sends more probes than a pool holds (2047), with
# several flows, so every mbuf is reused and must carry its new flow's headers and checksums.
REUSE_COUNT = 5000
REUSE_FLOWS = 7
RUNS = [
    ("smallest", [], None, None, COUNT),
    ("frame256", ["--frame-size", "256"], "frame", 256, COUNT),
    ("inner300", ["--inner-size", "300"], "inner", 300, COUNT),
    ("vlan-frame160", ["--vlan", "100", "--frame-size", "160"], "frame", 160, COUNT),
    ("icmp-inner120", ["--inner-proto", "icmp", "--inner-size", "120"], "inner", 120, COUNT),
    ("kept-reused-flows7", ["--flows", str(REUSE_FLOWS)], None, None, REUSE_COUNT),
]

FIELDS = ["frame.len", "frame.protocols", "ip.checksum.status", "udp.checksum.status",
          "icmp.checksum.status", "ip.len", "ip.proto", "udp.dstport", "vlan.id", "data.data"]


def vxlan_header(row, raw, mine):
    """VXLAN (RFC 7348): flags 0x08 (the I bit), VNI 42; tshark shows the first 16 bits as its
    flags, so 0x0800 is the I bit alone."""
    t = mine.layers.tunnel
    if row["vxlan.vni"] != [str(VNI)] or row["vxlan.flags"] != ["0x0800"] or raw[t] != 0x08:
        return "vxlan vni %s flags %s (first byte 0x%02x)" % (row["vxlan.vni"], row["vxlan.flags"],
                                                              raw[t])
    return None


def geneve_header(row, raw, mine):
    """GENEVE (RFC 8926): version 0, no options (the default), O and C clear, protocol 0x6558
    (Ethernet), VNI 42, reserved zero."""
    t = mine.layers.tunnel
    want = bytes([0, 0]) + b"\x65\x58" + VNI.to_bytes(3, "big") + b"\0"
    got = (row["geneve.version"], row["geneve.option.length"], row["geneve.flags"],
           row["geneve.proto_type"], row["geneve.vni"])
    if got != (["0"], ["0"], ["0x00"], ["0x6558"], ["0x%06x" % VNI]) or raw[t:t + 8] != want:
        return "geneve version, option length, flags, protocol, vni %s; header %s" % (
            got, raw[t:t + 8].hex())
    return None


def gretap_header(row, raw, mine):
    """GRE-TAP (RFC 2784): no checksum, key or sequence number (no --gre-key), version 0,
    protocol 0x6558 (transparent Ethernet bridging)."""
    t = mine.layers.tunnel
    got = (row["gre.flags_and_version"], row["gre.proto"])
    if got != (["0x0000"], ["0x6558"]) or raw[t:t + 4] != b"\0\0\x65\x58":
        return "gre flags and version, protocol %s; header %s" % (got, raw[t:t + 4].hex())
    return None


# A tunnel's own header, checked against tshark's fields: name -> (tshark fields, check(row, raw,
# decoded frame) -> None or what is wrong). An encapsulation without a header of its own has
# None. Every encapsulation the binary lists must be here: a new one fails the suite until its
# header's checks are written.
TUNNEL_CHECKS = {
    "raw": None,
    "ipip": None,
    "flannel": None,
    "vxlan": (["vxlan.vni", "vxlan.flags"], vxlan_header),
    "geneve": (["geneve.version", "geneve.option.length", "geneve.flags", "geneve.proto_type",
                "geneve.vni"], geneve_header),
    "gretap": (["gre.flags_and_version", "gre.proto"], gretap_header),
}


def tunnel_fields():
    return [f for c in TUNNEL_CHECKS.values() if c for f in c[0]]


def flow_key(raw, mine):
    """The bytes before the inner L4 payload with the IPv4 and L4 checksums blanked: the same
    for every probe of one flow, different between flows."""
    head = bytearray(raw[:len(raw) - len(mine.payload)])
    L = mine.layers
    blank = [mine.inner_ip + 10, mine.l4 + (6 if mine.inner_proto == 17 else 2)]
    if L.encap.tunnel:
        blank.append(L.l3 + 10)
    if L.udp is not None:
        blank.append(L.udp + 6)
    for off in blank:
        head[off:off + 2] = b"\0\0"
    return bytes(head)


def tshark(pcap):
    # udp.port==7000 (the inner destination port) as plain data: otherwise a heuristic
    # dissector can claim some payloads (with session 0x8000, DNS took the probes from
    # sequence 11 on), depending on the random session's bytes.
    fields = FIELDS + tunnel_fields()
    # hipercontracer: a heuristic dissector that claims some ICMP echo payloads (probes too).
    cmd = [ts.TSHARK, "-n", "-r", pcap] + ts.decode_as(CAT) + ["-d", "udp.port==7000,data",
           "--disable-protocol", "hipercontracer",
           "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a"]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    rows = []
    for line in p.stdout.decode().splitlines():
        vals = line.split("\t")
        vals += [""] * (len(fields) - len(vals))
        rows.append(dict(zip(fields, [v.split(",") if v else [] for v in vals])))
    return p.returncode, rows, p.stderr.decode()


def one_run(tap, ws, empty, name, opts, size_kind, size, count):
    out = ws.path(name + ".pcap")
    jpath = ws.path(name + ".json")
    vlan = "--vlan" in opts
    l4 = "icmp" if "icmp" in opts else "udp"
    eal = ovlperf.eal(ws.prefix("pcap"), "0@0,1@1",
                      ["net_pcap0,tx_pcap=%s,rx_pcap=%s" % (out, empty)], telemetry=True)
    cmd = [OVLPERF] + eal + ["--", "send", "--encap", "all", "--count", str(count),
                             "--dst-mac", DST_MAC, "--inner-dst-mac", INNER_DST_MAC,
                             "--json", jpath, "--no-live"] + opts
    r = ws.run(cmd, 60)
    doc, why = load_json(jpath)
    if not tap.ok(r.rc == 0 and doc is not None,
                  "%s: send into net_pcap exits 0 and writes its JSON" % name,
                  r.diag() + ([why] if why else [])):
        return
    streams = doc["streams"]
    by_id = {s["id"]: s for s in streams}
    bad = ["%s: tx %d rx %d lost %d loss_ratio %r" % (s["encap"], s["tx"]["packets"],
           s["rx"]["packets"], s["lost"], s["loss_ratio"]) for s in streams
           if s["tx"]["packets"] != count or s["rx"]["packets"] != 0 or s["lost"] != count
           or s["loss_ratio"] != 1.0 or s["tx_frames"] != "kept"]
    tap.ok(sorted(s["encap"] for s in streams) == sorted(CAT.names()) and not bad
           and doc["partial"] is False,
           "%s: JSON: %d sent per stream from kept frames, none back, loss 100%%" % (name, count),
           bad)

    # The frames, by stream (from the probe) in file order.
    frames = pcap.frames(out)
    tap.ok(len(frames) == count * len(CAT),
           "%s: the pcap holds exactly %d frames (%d per stream)" % (name, count * len(CAT), count),
           "%d frames" % len(frames))
    rc, rows, err = tshark(out)
    if not tap.ok(rc == 0 and len(rows) == len(frames),
                  "%s: tshark reads every frame" % name,
                  ["tshark status %d, %d rows for %d frames" % (rc, len(rows), len(frames)),
                   err[-500:]]):
        return
    layer_bad, cksum_bad, size_bad, probe_bad = [], [], [], []
    seqs = collections.defaultdict(list)
    flows = collections.defaultdict(list)   # stream: (seq, the headers before the probe)
    session = doc["config"]["session"]
    for i, (raw, row) in enumerate(zip(frames, rows)):
        n = i + 1
        try:
            mine = decode(raw, CAT)
        except (ValueError, IndexError) as exc:
            layer_bad.append("frame %d: own decoder: %s" % (n, exc))
            continue
        encap = mine.encap
        e = CAT[encap]
        protos = row["frame.protocols"][0] if row["frame.protocols"] else ""
        if protos != ts.protocols(e, vlan, l4):
            layer_bad.append("frame %d (%s): tshark layers %s, expected %s"
                             % (n, encap, protos, ts.protocols(e, vlan, l4)))
        check = TUNNEL_CHECKS.get(encap)
        why = check[1](row, raw, mine) if check else None
        if why:
            layer_bad.append("frame %d: %s" % (n, why))
        if vlan and row["vlan.id"] != ["100"]:
            layer_bad.append("frame %d: vlan id %s" % (n, row["vlan.id"]))
        # Checksums: 1 good; 3 "not present" only for a tunnel's zero outer UDP checksum.
        ip_st = row["ip.checksum.status"]
        udp_st = row["udp.checksum.status"]
        icmp_st = row["icmp.checksum.status"]
        outer_udp = udp_st[:1] if e.udp else []
        want_udp = (["1"] if l4 == "udp" else [])
        n_ip = 2 if e.tunnel else 1
        if ip_st != ["1"] * n_ip or outer_udp not in ([], ["1"], ["3"]) or \
                udp_st[len(outer_udp):] != want_udp or icmp_st != (["1"] if l4 == "icmp" else []):
            cksum_bad.append("frame %d (%s): ip %s udp %s icmp %s" % (n, encap, ip_st, udp_st,
                                                                     icmp_st))
        if outer_udp == ["3"] and raw[mine.layers.udp + 6:mine.layers.udp + 8] != b"\0\0":
            cksum_bad.append("frame %d: %s outer UDP checksum absent but not zero" % (n, encap))
        # Sizes: frame size includes the 4-byte FCS that is not in the file.
        frame_len = int(row["frame.len"][0]) if row["frame.len"] else -1
        inner_len = int(row["ip.len"][-1]) if row["ip.len"] else -1
        l2 = 18 if vlan else 14
        if size_kind == "frame":
            want_frame, want_inner = size - 4, size - 4 - l2 - e.overhead
        elif size_kind == "inner":
            want_frame, want_inner = l2 + e.overhead + size, size
        else:
            want_frame, want_inner = e.smallest() - 4, e.smallest() - 18 - e.overhead
        if frame_len != want_frame or len(raw) != want_frame or inner_len != want_inner:
            size_bad.append("frame %d (%s): %d bytes (file %d), inner IP %d; expected %d, %d"
                            % (n, encap, frame_len, len(raw), inner_len, want_frame, want_inner))
        # The probe, from tshark's payload bytes; the same bytes as our own decoder finds.
        data = bytes.fromhex(row["data.data"][0]) if row["data.data"] else b""
        try:
            if data != mine.payload:
                raise ValueError("tshark's payload differs from the frame's L4 payload")
            p = parse_probe(data)
            want_session = session if p["form"] == "full" else session & 0xFFFF
            s = by_id.get(p["stream"])
            if p["session"] != want_session:
                raise ValueError("session 0x%x, run's 0x%x" % (p["session"], want_session))
            if s is None or s["encap"] != encap:
                raise ValueError("stream %d is not a %s stream" % (p["stream"], encap))
            want_form = "full" if len(data) >= 64 else "compact"
            if p["form"] != want_form or not fill_ok(data, 64 if p["form"] == "full" else 18):
                raise ValueError("form %s in %d bytes, or the fill is wrong" % (p["form"], len(data)))
            seqs[p["stream"]].append(p["seq"])
            # The headers, less the checksums that cover the probe: what names the flow.
            flows[p["stream"]].append((p["seq"], flow_key(raw, mine)))
        except ValueError as exc:
            probe_bad.append("frame %d (%s): %s" % (n, encap, exc))
    tap.ok(not layer_bad, "%s: tshark decodes each encapsulation's layers and tunnel headers "
           "(vlan 100)" % name, layer_bad[:6])
    tap.ok(not cksum_bad, "%s: every IPv4, UDP and ICMP checksum good per tshark" % name,
           cksum_bad[:6])
    tap.ok(not size_bad, "%s: frame and inner packet sizes as asked" % name, size_bad[:6])
    tap.ok(not probe_bad, "%s: every payload is a probe of this run's session and a %s stream, "
           "with the k & 0xFF fill" % (name, "matching"), probe_bad[:6])
    bad = ["stream %d (%s): %d sequence numbers, first %s" % (sid, by_id[sid]["encap"],
           len(seqs.get(sid, [])), seqs.get(sid, [])[:5]) for sid in by_id
           if seqs.get(sid, []) != list(range(count))]
    tap.ok(not bad, "%s: each stream's probes carry sequence numbers 0..%d in order"
           % (name, count - 1), bad)
    n_flows = REUSE_FLOWS if "--flows" in opts else 1
    bad = []
    for sid, seen in sorted(flows.items()):
        first = {}
        for seq, key in seen:
            want = first.setdefault(seq % n_flows, key)
            if key != want:
                bad.append("stream %d seq %d: flow %d's headers differ from its first frame's"
                           % (sid, seq, seq % n_flows))
                break
        if len(set(first.values())) != n_flows:
            bad.append("stream %d: %d distinct flows, %d expected" % (sid, len(set(first.values())),
                                                                        n_flows))
    tap.ok(not bad, "%s: probe k carries flow k %% %d's headers, and the %d flows differ"
           % (name, n_flows, n_flows), bad[:6])


def corrupted_replies(tap, ws, empty):
    """The sender checks every reply: replies read from a pcap file, some damaged after their
    checksums were made, must be counted as corrupted, one each, whichever check catches them:
    an IPv4 header checksum (the parse memo then misses), the inner UDP checksum or the fill
    (the memo hits: only the checksums over the probe are checked), a UDP tunnel's own UDP
    checksum (computed for the purpose)."""
    session = 4242
    for e in CAT:
        encap = e.name
        frames = []
        csum = ["--outer-udp-csum", "compute"] if e.udp else []
        for seq in range(40):
            try:
                frames += ovlperf.frames(OVLPERF, ["--encap", encap, "--seq", str(seq), "--session",
                                                   str(session), "--inner-size", "200"] + csum,
                                         ws.dir, timeout=30)[:1]
            except ovlperf.FramesError as exc:
                tap.ok(False, "corrupted replies: ovlperf frames --encap %s" % encap, str(exc))
                return
        frames = [bytearray(f) for f in frames]
        want = 0
        for seq, fr in enumerate(frames):
            d = decode(bytes(fr), CAT)
            if seq % 10 == 3:      # the inner IPv4 header checksum
                fr[d.inner_ip + 10] ^= 0x01
            elif seq % 10 == 5:    # a byte of the fill: the inner UDP checksum no longer matches
                fr[d.probe + 100] ^= 0x40
            elif seq % 10 == 7 and e.udp:   # the tunnel's UDP checksum alone
                fr[d.layers.udp + 6] ^= 0x01
            else:
                continue
            want += 1
        replies = ws.path("replies-%s.pcap" % encap)
        pcap.write(replies, frames)
        jpath = ws.path("corrupt-%s.json" % encap)
        eal = ovlperf.eal(ws.prefix("corrupt"), "0@0,1@1", [
            "net_pcap0,tx_pcap=%s,rx_pcap=%s" % (ws.path("out-%s.pcap" % encap), replies)],
            telemetry=True)
        r = ws.run([OVLPERF] + eal + ["--", "send", "--encap", encap, "--session", str(session),
                                      "--inner-size", "200", "--rate", "1k", "--duration", "1",
                                      "--dst-mac", DST_MAC, "--inner-dst-mac", INNER_DST_MAC,
                                      "--json", jpath, "--no-live"], 60)
        doc, why = load_json(jpath)
        if not tap.ok(r.rc == 0 and doc is not None, "corrupted replies (%s): send exits 0" % encap,
                      r.diag() + ([why] if why else [])):
            continue
        s = doc["streams"][0]
        tap.ok(s["rx"]["packets"] == len(frames) and s["corrupted"] == want,
               "corrupted replies (%s): %d of %d replies counted corrupted (IPv4 header, fill%s)"
               % (encap, want, len(frames), ", tunnel UDP checksum" if e.udp else ""),
               "rx %d corrupted %d" % (s["rx"]["packets"], s["corrupted"]))


def body(tap, ws):
    global CAT
    CAT = catalogue.load(OVLPERF)
    missing = catalogue.require(TUNNEL_CHECKS, CAT, "tunnel header checks in TUNNEL_CHECKS")
    tap.ok(not missing, "every encapsulation the binary lists has its tunnel header checks here "
           "(%s)" % ", ".join(CAT.names()), missing)
    empty = ws.path("empty.pcap")
    pcap.write(empty, [])
    tap.ok(os.access(ts.TSHARK, os.X_OK), "tshark is installed at %s" % ts.TSHARK)
    for name, opts, kind, size, count in RUNS:
        one_run(tap, ws, empty, name, opts, kind, size, count)
    corrupted_replies(tap, ws, empty)


if __name__ == "__main__":
    sys.exit(main("pcap_golden", body))
