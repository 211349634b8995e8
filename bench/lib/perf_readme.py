# SPDX-License-Identifier: BSD-3-Clause
"""The README's performance table, made from one committed bench/perf results.json.

`bench/perf --readme-table bench/results/perf-DATE` prints the block the README carries
between BEGIN and END; tests/layout/test_cited_figures.py makes it again from the cited
results and fails when the README's copy differs, so no figure in the README can drift from
the run it names. Every row's ratio links to the run's results.md.
"""

import json
import os

BEGIN = "<!-- perf-table: made by bench/perf --readme-table %s; do not edit by hand -->"
END = "<!-- /perf-table -->"


def _mpps(v):
    return "%.2f Mpps" % v


def _x(v, link):
    return "[%.2fx](%s)" % (v, link)


def _send_rows(f, link):
    rows = []
    worst = min(f["send"], key=lambda r: r["vs_txonly"])
    rows.append(["send", "worst of the six encapsulations at their smallest frame and at 1518 "
                 "bytes, one flow (net_null): %s %d bytes" % (worst["encap"], worst["frame"]),
                 _mpps(worst["ovlperf_mpps"]), "txonly %.2f" % worst["txonly_mpps"],
                 _x(worst["vs_txonly"], link)])
    s = f["mix"]["send"]
    rows.append(["send", "%s %d bytes, `--flows %d` (net_null)" % (s["encap"], s["frame"], s["flows"]),
                 _mpps(s["ovlperf_mpps"]), "txonly multi-flow %.2f" % s["txonly_multi_flow_mpps"],
                 _x(s["vs_txonly"], link)])
    return rows


def _reflect_rows(f, link):
    mix = {r["case"]: r for r in f["mix"]["reflect"]}
    rows = []
    for case, what in (("vxlan 65536 flows", "65,536 flows of VXLAN probes (net_pcap replay)"),
                       ("all 64 flows", "64 flows of each encapsulation, interleaved (net_pcap replay)")):
        r = mix[case]
        rows.append(["reflect", what, _mpps(r["ovlperf_mpps"]), "5tswap %.2f" % r["5tswap_mpps"],
                     _x(r["vs_5tswap"], link)])
    worst = min(f["mix"]["reflect"], key=lambda r: r["vs_5tswap"])
    rows.append(["reflect", "worst of the %d flow-mix captures: %s" % (len(mix), worst["case"]),
                 _mpps(worst["ovlperf_mpps"]), "5tswap %.2f" % worst["5tswap_mpps"],
                 _x(worst["vs_5tswap"], link)])
    return rows


def _driver_rows(f, link):
    rows = []
    for r in f.get("af_xdp") or []:
        rows.append(["send", "AF_XDP on a veth (%s, %s), raw %d bytes" % (
            r["xdp"]["attach"], r["xdp"]["bind"], r["frame"]),
            _mpps(r["ovlperf_mpps"]), "txonly %.2f" % r["txonly_mpps"], _x(r["ratio"], link)])
    v = f.get("virtio") or {}
    for key, peer, what in (("send", "txonly", "virtio-user into vhost, raw 64 bytes"),
                            ("reflect", "5tswap", "on vhost, answering virtio-user, raw 64 bytes")):
        if key in v:
            r = v[key]
            rows.append([key, what, _mpps(r["ovlperf_mpps"]), "%s %.2f" % (peer, r["testpmd_mpps"]),
                         _x(r["ratio"], link)])
    return rows


def _callgrind_line(f):
    cg = f.get("callgrind") or {}
    refl = {e["encap"]: e for e in cg.get("ovlperf", []) if e["command"] == "reflect"}
    big, raw = refl.get("vxlan 65536 flows"), refl.get("raw")
    tp = (cg.get("testpmd") or {}).get("5tswap vxlan 65536 flows")
    if not (big and raw and tp):
        return []
    sp = big["split_per_pkt"]
    return ["",
            "What the reflector costs per packet under callgrind (the capture of 65,536 flows of "
            "VXLAN probes): %.0f instructions in its lcore loop, of which %.0f its own, %.0f in "
            "ovlperf's callees and %.0f in the PMD (net_pcap's replay); on raw probes %.0f. "
            "testpmd 5tswap's marginal cost on the same capture: %.0f instructions per packet "
            "with its PMD." % (big["function_per_pkt"], sp["self"], sp["ovlperf"], sp["pmd"],
                               raw["function_per_pkt"], tp["marginal_ir_per_pkt"])]


def readme_block(rel_dir, doc):
    """The README's block for the results in rel_dir (a path from the repository's root),
    doc: its parsed results.json."""
    meta, f = doc["meta"], doc["figures"]
    link = "%s/results.md" % rel_dir
    cfg = doc["config"]
    rows = _send_rows(f, link) + _reflect_rows(f, link) + _driver_rows(f, link)
    lines = [BEGIN % rel_dir,
             "Measured by `bench/perf --reps %d --duration %g` at commit %s on this project's "
             "2-vCPU VM (1-minute load %.2f before the run, %.2f after it), against dpdk-testpmd "
             "on the same ports and lcores, interleaved; committed in [%s](%s):" % (
                 cfg["reps"], cfg["duration"], meta["ovlperf_commit"], meta["load_start"][0],
                 (meta.get("load_after") or {}).get("load", meta["load_end"])[0], rel_dir, link),
             "",
             "| what | traffic | ovlperf | testpmd | ratio |",
             "|------|---------|---------|---------|-------|"]
    lines += ["| %s |" % " | ".join(r) for r in rows]
    lines += _callgrind_line(f)
    lines.append(END)
    return "\n".join(lines)


def readme_block_from(root, rel_dir):
    """The block for root/rel_dir/results.json."""
    with open(os.path.join(root, rel_dir, "results.json")) as fh:
        return readme_block(rel_dir, json.load(fh))


def cited_block(text):
    """(results directory, the block as the text has it) of the first perf table in text, or
    (None, None)."""
    head = BEGIN.split("%s")[0]
    i = text.find(head)
    if i < 0:
        return None, None
    j = text.find(END, i)
    if j < 0:
        return None, None
    rel = text[i + len(head):text.index(";", i)].strip()
    return rel, text[i:j + len(END)]
