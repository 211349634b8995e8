#!/usr/bin/python3
"""Size mixes (--frame-size imix, SIZE:WEIGHT lists): what goes on the wire and what is counted.

Usage: /usr/bin/python3 tests/integration/test_mix.py PATH_TO_OVLPERF

1. send on net_null, VXLAN, --frame-size imix, --count 12000, --capture: tshark (not ovlperf's
   code) decodes every captured frame as VXLAN carrying the inner UDP probe; the frame lengths
   are the IMIX's 64 (raised to VXLAN's smallest frame, 114), 594 and 1518 bytes with FCS in
   7:4:1, each class within 3% of its share; interleaved: the longest run of one size is far
   below the count (under 40 of 12,000), and the size changes from one frame to the next about
   as often as a random order of 7:4:1 makes it (45 to 63% of frames); the JSON's per-class
   counts are the capture's, and config.mix holds the sizes, weights and default seed.
2. The order is the seed's: the same seed gives the same sizes frame by frame, another seed
   another order with the same proportions (JSON config.mix.seed is the one given).
3. A weighted list on raw (64:1,1518:3) in its proportions, decoded by tshark; with --flows 4,
   every size in 4 flows; every IPv4 and inner UDP checksum good (tshark verifies them).
4. --encap all --frame-size imix on net_null: every stream's classes are 64 raised to its
   encapsulation's smallest frame (the catalogue's, frames --list --json), 594 and 1518.
   With --key (the full probe), 64 is raised to each one's smallest keyed frame (the
   catalogue's). --inner-size imix: inner packets of 64, 594 and 1518 bytes under each one's headers.
   --rate 100%, 1Gbps and 1Gbps-l1 (--line-rate 10G) give the packets/s of the mix's mean frame
   (computed here from the classes' sizes and weights), and so does the line rate.
5. loop, VXLAN, imix, 12,000 probes at 200k/s: no loss; per class, sent = received, and the
   classes add up to the stream's packets and bytes, sent and received; the table's per-class
   lines are printed. A run with loss is repeated once (a shared machine starves the loop).
6. bench/sweep --sizes 128,imix (short, loop at 50k/s): the imix row is a mix whose frame is the
   mean (391 for VXLAN), its classes 114, 594 and 1518, its overhead against raw's imix row; the
   bare 128 is frame:128.

7. Over IPv6: VXLAN IMIX over an IPv6 underlay (inner IPv4), and with the inner packet IPv6
   too: tshark decodes every frame as VXLAN over IPv6 (outer UDP checksum good: RFC 8200 wants
   one), the sizes 64 raised to the catalogue's smallest VXLAN frame over IPv6 (134; with the
   inner packet IPv6 20 bytes more, 154), 594 and 1518 in 7:4:1, each within 3% of its share.
   (Parts 1-6 are not run twice: the mix code does not look at the IP version.)
"""

import collections
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.harness import load_json, loadavg, main  # noqa: E402
from ovlkit.ovlperf import SEND6, eal, path_from_argv  # noqa: E402
from ovlkit.tshark import TSHARK  # noqa: E402

OVLPERF = path_from_argv()
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
COUNT = 12000
IMIX = {64: 7, 594: 4, 1518: 1}
DEFAULT_SEED = 0x6f766c6d6978
MACS = ["--dst-mac", "02:00:00:00:00:02", "--inner-dst-mac", "02:00:00:00:00:03"]


def send(ws, tag, args, count=COUNT):
    """send on net_null with a capture; (result, json doc or None, pcap path)."""
    cap, js = ws.path(tag + ".pcap"), ws.path(tag + ".json")
    r = ws.run([OVLPERF] + eal(prefix=ws.prefix(tag), vdevs=["net_null0"]) +
               ["--", "send", "--count", str(count), "--rate", "1M", "--capture", cap,
                "--json", js, "--no-live", "--quiet"] + MACS + args, 60)
    doc, _ = load_json(js)
    return r, doc, cap


def tshark_frames(ws, path, fields):
    """Per frame, the fields tshark gives (strings), or (None, why); checksums verified."""
    cmd = [TSHARK, "-r", path, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
           "-T", "fields", "-E", "separator=|"]
    for f in fields:
        cmd += ["-e", f]
    r = ws.run(cmd, 60)
    if r.rc != 0:
        return None, "; ".join(r.diag())
    return [(line.split("|") + [""] * len(fields))[:len(fields)]
            for line in r.out.splitlines()], None


def check_shares(tap, what, sizes, weights):
    """Each class (frame size with FCS: weight) within 3% of its share of the frames."""
    counts = collections.Counter(sizes)
    total, wsum = len(sizes), sum(weights.values())
    bad = []
    for size, w in weights.items():
        want = total * w / wsum
        if abs(counts.get(size, 0) - want) > 0.03 * want:
            bad.append("%d bytes: %d frames, %.0f wanted (+-3%%)" % (size, counts.get(size, 0), want))
    other = set(counts) - set(weights)
    if other:
        bad.append("sizes outside the mix: %s" % sorted(other))
    tap.ok(total == COUNT and not bad, "%s: %d frames, each size within 3%% of its share" % (what, total),
           bad + ["counts: %s" % dict(counts)])
    return counts


def runs(sizes):
    longest, run, changes = 1, 1, 0
    for a, b in zip(sizes, sizes[1:]):
        run = run + 1 if a == b else 1
        changes += a != b
        longest = max(longest, run)
    return longest, changes


def check_capture(tap, ws, cat):
    vx = cat["vxlan"].smallest()
    weights = {max(s, vx): w for s, w in IMIX.items()}
    r, doc, cap = send(ws, "imix", ["--encap", "vxlan", "--frame-size", "imix"])
    if not tap.ok(r.rc == 0 and doc is not None and os.path.exists(cap),
                  "send --encap vxlan --frame-size imix --count %d on net_null" % COUNT, r.diag()):
        return None
    rows, why = tshark_frames(ws, cap, ["frame.len", "vxlan.vni", "udp.dstport",
                                        "ip.checksum.status", "udp.checksum.status"])
    if not tap.ok(rows is not None, "tshark reads the capture", why):
        return None
    # frame.len has no FCS; the sizes of the mix have it.
    sizes = [int(row[0]) + 4 for row in rows]
    tap.ok(all(vni and "," in dport for _, vni, dport, _, _ in rows),
           "tshark decodes every frame as VXLAN carrying inner UDP",
           ["first rows: %s" % rows[:3]])
    tap.ok(all(cksums_good(row[3], row[4]) for row in rows),
           "every size's IPv4 and inner UDP checksums are good (tshark)",
           [str(row) for row in rows if not cksums_good(row[3], row[4])][:3])
    counts = check_shares(tap, "IMIX on VXLAN (64 raised to %d)" % vx, sizes, weights)
    longest, changes = runs(sizes)
    tap.ok(longest < 40, "interleaved: the longest run of one size is %d frames of %d" % (longest, len(sizes)))
    tap.ok(0.45 * len(sizes) < changes < 0.63 * len(sizes),
           "interleaved: the size changes at %d of %d frames (a random 7:4:1 order: ~54%%)" % (changes, len(sizes)))
    classes = doc["streams"][0]["classes"]
    got = {c["frame_size"]: c["tx"]["packets"] for c in classes}
    tap.ok(got == dict(counts), "the JSON's per-class packets are the capture's",
           ["json %s, capture %s" % (got, dict(counts))])
    mix = doc["config"]["mix"]
    tap.ok(mix["imix"] and mix["seed"] == DEFAULT_SEED and
           {s["size"]: s["weight"] for s in mix["sizes"]} == IMIX,
           "config.mix: the IMIX's sizes and weights, the default seed", [str(mix)])
    return sizes, weights


def check_ipv6(tap, ws, cat):
    vx = cat["vxlan"]
    for what, args, smallest in (
            ("outer IPv6", SEND6[:4], vx.smallest(ip6=True)),
            ("outer and inner IPv6", SEND6,
             vx.smallest(ip6=True) + vx.min_frame_inner_ipv6 - vx.smallest())):
        r, doc, cap = send(ws, "imix6-%d" % len(args), ["--encap", "vxlan", "--frame-size", "imix"] + args)
        if not tap.ok(r.rc == 0 and doc is not None and os.path.exists(cap),
                      "send --encap vxlan --frame-size imix over %s" % what, r.diag()):
            continue
        rows, why = tshark_frames(ws, cap, ["frame.len", "vxlan.vni", "ipv6.src", "udp.checksum.status"])
        if not tap.ok(rows is not None, "tshark reads the %s capture" % what, why):
            continue
        tap.ok(all(vni and src.startswith("2001:db8::1") and ck.split(",")[0] == "1"
                   for _, vni, src, ck in rows),
               "%s: tshark decodes every frame as VXLAN over IPv6, outer UDP checksum good" % what,
               ["first rows: %s" % rows[:3]])
        weights = {max(s, smallest): w for s, w in IMIX.items()}
        check_shares(tap, "IMIX on VXLAN over %s (64 raised to %d)" % (what, smallest),
                     [int(row[0]) + 4 for row in rows], weights)


def cksums_good(row_ip, row_udp):
    """tshark's checksum status: every IPv4 header good (1), the inner UDP (the last) good."""
    return all(x == "1" for x in row_ip.split(",")) and row_udp.split(",")[-1] == "1"


def check_flows(tap, ws):
    r, doc, cap = send(ws, "flows", ["--encap", "vxlan", "--frame-size", "imix", "--flows", "4"],
                       count=1200)
    rows, why = tshark_frames(ws, cap, ["frame.len", "udp.srcport", "ip.checksum.status",
                                        "udp.checksum.status"]) if r.rc == 0 else (None, r.diag())
    if not tap.ok(rows is not None, "send --frame-size imix --flows 4", why):
        return
    flows = collections.defaultdict(set)
    for flen, sport, _, _ in rows:
        flows[int(flen) + 4].add(sport)
    bad = [row for row in rows if not cksums_good(row[2], row[3])]
    tap.ok(len(flows) == 3 and all(len(v) == 4 for v in flows.values()) and not bad,
           "--flows 4: every size in 4 flows, every checksum good (tshark)",
           ["flows per size: %s" % {k: len(v) for k, v in flows.items()}, "bad: %s" % bad[:3]])


def check_seed(tap, ws, sizes, weights):
    args = ["--encap", "vxlan", "--frame-size", "imix"]
    again, other = [], []
    for tag, seed, out in (("same", str(DEFAULT_SEED), again), ("other", "42", other)):
        r, doc, cap = send(ws, tag, args + ["--mix-seed", seed])
        rows, why = tshark_frames(ws, cap, ["frame.len"]) if r.rc == 0 else (None, r.diag())
        if rows is None:
            tap.ok(False, "send --mix-seed %s" % seed, why)
            return
        out.extend(int(row[0]) + 4 for row in rows)
        tap.ok(doc["config"]["mix"]["seed"] == int(seed), "config.mix.seed is %s" % seed)
    tap.ok(again == sizes, "the same seed gives the same sizes frame by frame")
    same = sum(a == b for a, b in zip(other, sizes))
    check_shares(tap, "seed 42", other, weights)
    tap.ok(same < 0.6 * len(sizes), "seed 42: another order (%d of %d frames the same size)"
           % (same, len(sizes)))


def check_list(tap, ws):
    r, doc, cap = send(ws, "list", ["--encap", "raw", "--frame-size", "64:1,1518:3"])
    rows, why = tshark_frames(ws, cap, ["frame.len", "ip.proto"]) if r.rc == 0 else (None, r.diag())
    if not tap.ok(rows is not None, "send --encap raw --frame-size 64:1,1518:3", why):
        return
    check_shares(tap, "raw 64:1,1518:3", [int(row[0]) + 4 for row in rows], {64: 1, 1518: 3})


def check_rates(tap, ws):
    """--rate in %, bit/s at layer 2 and at layer 1 is of the mix's mean frame, computed here
    from its classes' sizes and weights; the line rate too."""
    bad = []
    for rate, bits in (("100%", lambda f: 10e9 / ((f + 20) * 8)), ("1Gbps", lambda f: 1e9 / (f * 8)),
                       ("1Gbps-l1", lambda f: 1e9 / ((f + 20) * 8))):
        r, doc, _ = send(ws, "rate" + rate.replace("%", "pct"), ["--encap", "vxlan", "--frame-size",
                         "imix", "--line-rate", "10G", "--rate", rate], count=12)
        if r.rc != 0 or doc is None:
            bad.append("--rate %s: %s" % (rate, "; ".join(r.diag())))
            continue
        s = doc["streams"][0]
        mean = sum(c["frame_size"] * c["weight"] for c in s["classes"]) / sum(c["weight"] for c in s["classes"])
        if abs(s["rate_pps"] - bits(mean)) > 1 or abs(s["mean_frame_size"] - mean) > 1e-6:
            bad.append("--rate %s: rate_pps %s, mean frame %s; expected %.0f, %.3f" % (
                rate, s["rate_pps"], s["mean_frame_size"], bits(mean), mean))
        if abs(s["line_rate"]["pps"] - 10e9 / ((mean + 20) * 8)) > 1:
            bad.append("line_rate.pps %s, expected %.0f" % (s["line_rate"]["pps"], 10e9 / ((mean + 20) * 8)))
    tap.ok(not bad, "--rate 100%, 1Gbps, 1Gbps-l1 and the line rate are of the mix's mean frame", bad)


def check_raised(tap, ws, cat):
    r, doc, _ = send(ws, "all", ["--encap", "all", "--frame-size", "imix"], count=120)
    if not tap.ok(r.rc == 0 and doc is not None, "send --encap all --frame-size imix", r.diag()):
        return
    bad = []
    for s in doc["streams"]:
        want = [max(64, cat[s["encap"]].smallest()), 594, 1518]
        got = [c["frame_size"] for c in s["classes"]]
        if got != want:
            bad.append("%s: classes %s, expected %s" % (s["encap"], got, want))
    tap.ok(not bad and len(doc["streams"]) == len(cat),
           "every encapsulation: 64 raised to its smallest frame, then 594 and 1518", bad)
    key = ws.path("key")
    with open(key, "w") as f:
        f.write("00112233445566778899aabbccddeeff\n")
    r, doc, _ = send(ws, "keyed", ["--encap", "all", "--frame-size", "imix", "--key", key], count=120)
    got = {s["encap"]: [c["frame_size"] for c in s["classes"]] for s in doc["streams"]} \
        if r.rc == 0 and doc is not None else r.diag()
    want = {e.name: [max(64, e.smallest(keyed=True)), 594, 1518] for e in cat}
    tap.ok(got == want, "--key (the full probe): 64 raised to each one's smallest keyed frame",
           ["got %s" % got, "expected %s" % want])
    r, doc, _ = send(ws, "inner", ["--encap", "all", "--inner-size", "imix"], count=120)
    if not tap.ok(r.rc == 0 and doc is not None, "send --encap all --inner-size imix", r.diag()):
        return
    bad = []
    for s in doc["streams"]:
        # The smallest frame holds a 46-byte inner packet: the rest is the frame's headers.
        headers = cat[s["encap"]].smallest() - 46
        want = [(i + headers, i) for i in (64, 594, 1518)]
        got = [(c["frame_size"], c["inner_size"]) for c in s["classes"]]
        if got != want:
            bad.append("%s: (frame, inner) %s, expected %s" % (s["encap"], got, want))
    tap.ok(not bad and doc["config"]["mix"]["of"] == "inner_size",
           "--inner-size imix: inner packets of 64, 594 and 1518 bytes in every encapsulation", bad)


def loop(ws, tag):
    js = ws.path(tag + ".json")
    r = ws.run([OVLPERF, "--", "loop", "--encap", "vxlan", "--frame-size", "imix", "--count",
                str(COUNT), "--rate", "200k", "--no-live", "--json", js], 60)
    doc, _ = load_json(js)
    return r, doc


def check_loop(tap, ws):
    r, doc = loop(ws, "loop")
    if doc is not None and doc["streams"][0]["lost"]:
        tap.diag("loss %d, run again (load %s)" % (doc["streams"][0]["lost"], loadavg()))
        r, doc = loop(ws, "loop2")
    if not tap.ok(r.rc == 0 and doc is not None, "loop --encap vxlan --frame-size imix", r.diag()):
        return
    s = doc["streams"][0]
    tap.ok(s["lost"] == 0 and s["rx"]["packets"] == COUNT and s["corrupted"] == 0,
           "loop: no loss, no corrupted reply (%d sent, %d received, %d corrupted)" % (
               s["tx"]["packets"], s["rx"]["packets"], s["corrupted"]))
    cl = s["classes"]
    mism = []
    for d in ("tx", "rx"):
        for k in ("packets", "bytes"):
            total = sum(c[d][k] for c in cl)
            if total != s[d][k]:
                mism.append(("%s %s over the classes" % (d, k), s[d][k], total))
    for c in cl:
        if c["tx"] != c["rx"]:
            mism.append(("class %d rx" % c["frame_size"], c["tx"], c["rx"]))
    tap.fields("loop: the classes add up to the stream, sent and received, each class all back", mism)
    tap.ok("tx packets" in r.out and "total" in r.out, "loop: the table has the per-class lines",
           [r.out])


def check_sweep(tap, ws):
    out = ws.path("sweep")
    r = ws.run([os.path.join(ROOT, "bench", "sweep"), "--encap", "vxlan", "--sizes", "128,imix",
                "--reps", "1", "--duration", "0.3", "--no-settle", "--out", out, "--ovlperf",
                OVLPERF, "--", "--rate", "50k"], 120)
    doc, why = load_json(os.path.join(out, "sweep.json"))
    if not tap.ok(r.rc == 0 and doc is not None, "bench/sweep --sizes 128,imix", r.diag() + [str(why)]):
        return
    rows = {(x["encap"], x["size_kind"], x["size_value"]): x for x in doc["rows"]}
    mix, frame = rows.get(("vxlan", "mix", "imix")), rows.get(("vxlan", "frame", 128))
    tap.ok(mix is not None and frame is not None, "bench/sweep: rows vxlan imix and frame 128",
           [str(sorted(rows))])
    if mix is None:
        return
    tap.fields("bench/sweep: the vxlan imix row", [
        (k, want, got) for k, want, got in (
            ("frame_size (the mean)", 391, mix["frame_size"]),
            ("classes", [114, 594, 1518], [c["frame_size"] for c in mix.get("classes", [])]),
            ("overhead bytes (against raw imix)", 50, (mix["overhead"] or {}).get("bytes")))
        if want != got])


def body(tap, ws):
    cat = catalogue.load(OVLPERF)
    captured = check_capture(tap, ws, cat)
    if captured is not None:
        check_seed(tap, ws, *captured)
    check_list(tap, ws)
    check_flows(tap, ws)
    check_raised(tap, ws, cat)
    check_rates(tap, ws)
    check_loop(tap, ws)
    check_sweep(tap, ws)
    check_ipv6(tap, ws, cat)


if __name__ == "__main__":
    sys.exit(main("mix", body))
