#!/usr/bin/python3
"""The reflector against a hostile capture (net_pcap): only valid probes come back.

Usage: /usr/bin/python3 tests/hostile/test_hostile.py PATH_TO_OVLPERF

1. A short reflector run on an empty capture tells the net_pcap port's MAC (from its JSON).
2. tests/hostile/make_capture.py writes IN.pcap (frames of many kinds: valid probes of every
   encapsulation among truncated, malformed, foreign, misaddressed, spoofed, forged and replayed
   ones, each kind a few times) and manifest.json (per frame and mode: reflected with the bytes
   expected, ARP answered with the reply expected, or dropped with lib/drop.c's reason).
3. The reflector runs twice over IN.pcap, read once (no infinite_rx), for a bounded --duration:

     ovlperf --no-huge --no-pci --no-shconf -m 512 --file-prefix P --lcores=0@0,1@1 \
         --vdev=net_pcap0,rx_pcap=IN.pcap,tx_pcap=OUT.pcap -- reflect --vni 42 \
         --allow 192.0.2.0/24 --allow 10.9.0.0/16 [--key KEYFILE] --duration 2 --json R.json

   without the key (unkeyed) and with it (keyed).
4. For each mode: OUT.pcap holds exactly the frames expected, in order, byte for byte (turned
   around: outer MACs, IPs, inner MACs (tunnels with an inner Ethernet header), inner IPs and
   ports, ICMP echo request to reply; ARP replies). One TAP point per kind says whether its frames came out
   as expected. The JSON's drops per reason equal the manifest's counts; rx_frames, reflected,
   arp_answered and fragments_reflected agree with it.

5. Learned: the capture once more (unkeyed) after 100 rounds of the valid UDP probe of every
   encapsulation, so that the reflector's answer memo (lib/wire/answer_memo.h) holds their
   answers when the hostile frames built from those streams arrive: the same checks as in 4,
   and the memo must have learned the 7 streams and answered most of their 700 probes.

Kinds marked "bug" in the manifest are answered by the reflector today although its rules
(reflector.h) say they must not be; their points fail until it is fixed.
"""

import json
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import pcap  # noqa: E402
from ovlkit.harness import load_json, main  # noqa: E402
from ovlkit.ovlperf import eal, path_from_argv  # noqa: E402

OVLPERF = path_from_argv()
PYTHON = "/usr/bin/python3"
DURATION = "2"
MIN_KINDS = 50
# The learned run: the valid UDP probe of each encapsulation (one stream each), so many times.
LEARNED_KINDS = ["valid-raw-udp-compact", "valid-raw-udp-full", "valid-vxlan-udp",
                 "valid-ipip-udp", "valid-flannel-udp", "valid-geneve-udp", "valid-gretap-udp"]
LEARN_ROUNDS = 100


def reflector(ws, ovlperf, name, in_pcap, opts, timeout=40):
    out_pcap, json_path = ws.path(name + ".OUT.pcap"), ws.path(name + ".json")
    cmd = [ovlperf] + eal(ws.prefix(name), "0@0,1@1",
                          ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (in_pcap, out_pcap)],
                          telemetry=True) + \
        ["--", "reflect", "--json", json_path, "--no-live", "--quiet"] + opts
    r = ws.run(cmd, timeout)
    doc, _ = load_json(json_path)
    return r, doc, out_pcap


def align(frames, outs, mode):
    """Matches OUT frames to IN frames (the reflector keeps their order). Returns per input
    index the frame that came out for it (or None), and the outputs matched to no input."""
    want = []
    for e in frames:
        m = e[mode]
        want.append(bytes.fromhex(m["out"]) if "out" in m else
                    bytes.fromhex(e["if_answered"]) if "if_answered" in e else None)
    got = [None] * len(frames)
    stray = []
    i = 0
    for o in outs:
        k = next((k for k in range(i, len(frames)) if want[k] == o), None)
        if k is None:
            stray.append(o)
            continue
        got[k] = o
        i = k + 1
    return got, stray


def attribute(frames, got, stray, in_frames):
    """For each output that matched nothing: the unanswered input of its length it is closest
    to (a reply differs from its request in addresses and ports only). Returns {index: out}."""
    taken = {}
    for o in stray:
        best, best_d = None, None
        for k, f in enumerate(in_frames):
            if got[k] is not None or k in taken or len(f) != len(o):
                continue
            d = sum(x != y for x, y in zip(f, o))
            if best_d is None or d < best_d:
                best, best_d = k, d
        if best is not None and best_d <= 64:
            taken[best] = o
    return taken


def byte_diff(a, b, limit=8):
    d = ["@%d: %02x != %02x" % (i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(a) != len(b):
        d.append("length %d != %d" % (len(a), len(b)))
    return ", ".join(d[:limit]) + (" ..." if len(d) > limit else "")


def check_drops(tap, mode, frames, drops, kinds_by_reason, label):
    """The JSON's drops per reason against the manifest. Frames with one reason count exactly;
    frames with alternatives (kinds marked bug) may count under any of theirs."""
    fixed, flex = {}, []
    for e in frames:
        m = e[mode]
        if m["outcome"] != "drop":
            continue
        if len(m["reasons"]) == 1:
            fixed[m["reasons"][0]] = fixed.get(m["reasons"][0], 0) + 1
        else:
            flex.append((e["kind"], m["reasons"]))
    deficit = {r: drops.get(r, 0) - fixed.get(r, 0) for r in set(drops) | set(fixed)}
    bad = []
    for r in sorted(deficit):
        if deficit[r] < 0 or (deficit[r] > 0 and not any(r in alts for _, alts in flex)):
            bad.append("%s: counted %d, expected %d%s (kinds: %s)" % (
                r, drops.get(r, 0), fixed.get(r, 0),
                "" if not any(r in alts for _, alts in flex) else " plus some of the kinds with alternatives",
                ", ".join(sorted(kinds_by_reason.get((mode, r), [])))[:300]))
    # the frames with alternatives must be placeable on what is left (a small matching)
    slots = [r for r in sorted(deficit) if deficit[r] > 0 for _ in range(deficit[r])]
    match = {}

    def place(i, seen):
        for s, r in enumerate(slots):
            if r in flex[i][1] and s not in seen:
                seen.add(s)
                if s not in match or place(match[s], seen):
                    match[s] = i
                    return True
        return False

    unplaced = [flex[i][0] for i in range(len(flex)) if not place(i, set())]
    if not bad and (unplaced or len(match) != len(slots)):
        bad.append("%d frames that must be dropped were not counted under any of their "
                   "reasons: %s" % (len(unplaced), ", ".join(sorted(set(unplaced)))[:400]))
    total_expected = sum(fixed.values()) + len(flex)
    tap.ok(not bad, "%s: drops per reason match the manifest (%d drops expected, %d counted)"
           % (label, total_expected, sum(drops.values())), bad +
           ["counted: %s" % json.dumps(drops, sort_keys=True)])


def one_mode(tap, ws, ovlperf, manifest, in_pcap, mode, label=None):
    """The reflector over in_pcap in mode (unkeyed or keyed), checked against the manifest;
    label names the run in the TAP points (the mode by default). Returns its counters."""
    label = label or mode
    refl = manifest["reflector"]
    opts = ["--vni", str(refl["vni"]), "--duration", DURATION]
    for a in refl["allow"]:
        opts += ["--allow", a]
    if mode == "keyed":
        opts += ["--key", refl["key"]]
    r, doc, out_pcap = reflector(ws, ovlperf, label, in_pcap, opts)
    frames = manifest["frames"]
    if not tap.ok(r.rc == 0 and doc is not None and os.path.exists(out_pcap),
                  "%s: reflect over net_pcap exits 0, writes its JSON and OUT.pcap" % label,
                  r.diag()):
        return None
    st = doc["reflector"]
    outs = pcap.frames(out_pcap)
    got, stray = align(frames, outs, mode)
    strays_by_input = attribute(frames, got, stray, pcap.frames(in_pcap))

    # one point per kind
    by_kind = {}
    for e, g in zip(frames, got):
        by_kind.setdefault(e["kind"], []).append((e, g))
    bugs = {k["kind"]: k["bug"] for k in manifest["kinds"]}
    for k in manifest["kinds"]:
        name, exp = k["kind"], k[mode]
        items = by_kind.get(name, [])
        problems = []
        for e, g in items:
            m = e[mode]
            odd = strays_by_input.get(e["index"])
            if odd is not None:
                problems.append("frame %d: something came out for it, not as expected: %s" % (
                    e["index"], byte_diff(odd, bytes.fromhex(m["out"])) if "out" in m else
                    "it must be dropped as %s; out: %s" % (" or ".join(m["reasons"]),
                                                           odd[:64].hex())))
            elif m["outcome"] in ("reflect", "arp"):
                if g is None:
                    want = bytes.fromhex(m["out"])
                    near = [o for o in stray if len(o) == len(want)]
                    near.sort(key=lambda o: sum(x != y for x, y in zip(o, want)))
                    problems.append("frame %d: expected %s, nothing came out for it%s" % (
                        e["index"], "its ARP reply" if m["outcome"] == "arp" else
                        "it turned around", "; nearest stray output differs " +
                        byte_diff(near[0], want) if near else ""))
            elif g is not None:
                problems.append("frame %d (%d bytes): must be dropped as %s, but came out "
                                "turned around" % (e["index"], e["len"], " or ".join(m["reasons"])))
        if exp["outcome"] == "drop":
            what = "dropped (%s)" % " or ".join(exp["reasons"])
        else:
            what = {"reflect": "reflected, turned around", "arp": "ARP answered"}[exp["outcome"]]
        if problems and bugs.get(name):
            problems.append("bug: " + bugs[name])
        tap.ok(not problems, "%s: %s x%d: %s" % (label, name, len(items), what), problems)

    expected_out = [e for e in frames if e[mode]["outcome"] in ("reflect", "arp")]
    tap.ok(not stray and len(outs) == len(expected_out),
           "%s: OUT.pcap holds exactly the %d frames expected, nothing else" % (
               label, len(expected_out)),
           ["%d frames out, %d matched no input's expected reply:" % (len(outs), len(stray))] +
           ["  stray %d bytes: %s" % (len(o), o[:64].hex()) for o in stray[:5]])
    kinds_by_reason = {}
    for e in frames:
        m = e[mode]
        for rsn in m.get("reasons", []):
            kinds_by_reason.setdefault((mode, rsn), set()).add(e["kind"])
    check_drops(tap, mode, frames, st["drops"], kinds_by_reason, label)
    n_arp = sum(1 for e in frames if e[mode]["outcome"] == "arp")
    n_frag = sum(1 for e in frames if e[mode]["outcome"] == "reflect" and e[mode].get("fragment"))
    tap.fields("%s: counters: rx_frames, reflected (with ARP), arp_answered, "
               "fragments_reflected, tx_full" % label,
               [(f, w, g) for f, w, g in (
                   ("rx_frames", len(frames), st["rx_frames"]),
                   ("reflected", len(expected_out), st["reflected"]),
                   ("arp_answered", n_arp, st["arp_answered"]),
                   ("fragments_reflected", n_frag, st["fragments_reflected"]),
                   ("tx_full", 0, st["tx_full"]),
                   ("not_addressed", st["drops"].get("not-addressed", 0), st["not_addressed"]),
               ) if w != g])
    return st


def port_mac(tap, ws, ovlperf):
    """The net_pcap port's MAC, from a short reflector run on an empty capture (a TAP point);
    None when the run failed."""
    empty = ws.path("empty.pcap")
    pcap.write(empty, [])
    r, doc, _ = reflector(ws, ovlperf, "probe-mac", empty, ["--duration", "0.2"])
    mac = doc.get("port", {}).get("mac") if doc else None
    if not tap.ok(r.rc == 0 and mac, "the net_pcap port's MAC from a short reflector run: %s"
                  % mac, r.diag()):
        return None
    return mac


def body(tap, ws):
    ovlperf = OVLPERF
    # 1. the port's MAC
    mac = port_mac(tap, ws, ovlperf)
    if mac is None:
        return
    # 2. the capture
    cap = ws.path("capture")
    mk = [PYTHON, os.path.join(HERE, "make_capture.py"), "--out", cap, "--ovlperf", ovlperf,
          "--mac", mac]
    r = ws.run(mk, 120)
    if not tap.ok(r.rc == 0, "make_capture.py writes IN.pcap and the manifest (%s)"
                  % r.out.strip(), r.diag()):
        return
    with open(os.path.join(cap, "manifest.json")) as f:
        manifest = json.load(f)
    tap.ok(not manifest["missing"], "every encapsulation ovlperf lists (%s) has its own hostile "
           "kinds in make_capture.py, beside the generic ones" % ", ".join(manifest["encaps"]),
           manifest["missing"])
    in_pcap = os.path.join(cap, "IN.pcap")
    frames = manifest["frames"]
    kinds = manifest["kinds"]
    tap.ok(len(kinds) >= MIN_KINDS and len(pcap.frames(in_pcap)) == len(frames),
           "the capture: %d frames of %d kinds (at least %d), %d valid probes among them"
           % (len(frames), len(kinds), MIN_KINDS,
              sum(1 for e in frames if e["unkeyed"]["outcome"] == "reflect")))
    tc = manifest["tag_checks"]
    tap.ok(tc and all(t["ovlperf"] == t["python"] for t in tc),
           "keyed probes: the tags of ovlperf frames --key equal SipHash-2-4-128 over "
           "probe_auth.h's fields (libsodium from Python), %d probes" % len(tc),
           ["frame %d (%s): ovlperf %s, python %s" % (t["index"], t["kind"], t["ovlperf"],
                                                      t["python"])
            for t in tc if t["ovlperf"] != t["python"]][:5] or "no tag checks")
    # 3, 4. both modes
    for mode in ("unkeyed", "keyed"):
        one_mode(tap, ws, ovlperf, manifest, in_pcap, mode)
    # 5. after the answer memo has learned
    learned_mode(tap, ws, ovlperf, manifest, in_pcap)


def learned_mode(tap, ws, ovlperf, manifest, in_pcap):
    """The capture again, unkeyed, after LEARN_ROUNDS rounds of the valid UDP probe of every
    encapsulation (each one stream): the reflector's answer memo (lib/wire/answer_memo.h) has
    learned them, so the hostile frames built from those streams meet it first. Everything
    must come out, or be dropped, as without it; the memo must have answered the rounds."""
    frames, in_frames = manifest["frames"], pcap.frames(in_pcap)
    first = {}
    for k, e in enumerate(frames):
        first.setdefault(e["kind"], k)
    valid = [first[kind] for kind in LEARNED_KINDS if kind in first]
    if not tap.ok(len(valid) == len(LEARNED_KINDS), "learned: the capture holds a valid UDP "
                  "probe of each of %s" % ", ".join(LEARNED_KINDS),
                  sorted(set(LEARNED_KINDS) - set(first))):
        return
    order = [k for _ in range(LEARN_ROUNDS) for k in valid] + list(range(len(frames)))
    learned = dict(manifest)
    learned["frames"] = [dict(frames[k], index=i) for i, k in enumerate(order)]
    path = ws.path("learned.IN.pcap")
    pcap.write(path, [in_frames[k] for k in order])
    st = one_mode(tap, ws, ovlperf, learned, path, "unkeyed", "learned")
    if st is None:
        return
    memo = st["answer_memo"]
    tap.ok(memo["learned"] >= len(LEARNED_KINDS) and
           memo["hits"] >= LEARN_ROUNDS * len(LEARNED_KINDS) // 2,
           "learned: the answer memo learned the %d streams and answered most of their %d "
           "probes (learned %d, %d answered from it, %d missed)" % (
               len(LEARNED_KINDS), LEARN_ROUNDS * len(LEARNED_KINDS), memo["learned"],
               memo["hits"], memo["misses"]))


if __name__ == "__main__":
    sys.exit(main("hostile", body))
