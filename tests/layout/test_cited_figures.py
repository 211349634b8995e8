#!/usr/bin/python3
"""The figures the READMEs cite are the committed results they name; TAP on stdout.

Usage: /usr/bin/python3 tests/layout/test_cited_figures.py SOURCE_ROOT

1. README.md's performance table is the block `bench/perf --readme-table DIR` makes from the
   results it cites (bench/lib/perf_readme.py): one point; on a difference, the first line
   that differs.
2. bench/README.md's "Results" section: every markdown table in it appears, line for line,
   in the results.md it names, and the commit it states is the one the results recorded.
3. Every bench/perf result a README cites (1 and 2), every bench/soak result README.md cites
   (bench/results/soak-*/results.md) and every study summary
   bench/studies/results/index.md links to is tracked by git and is a clean run
   (bench/README.md, "Results"): the commit it measured has no uncommitted changes, and the
   1-minute load was under 0.5 before and after it (bench/perf: meta.clean; a study:
   raw.json's machine readings at its start and end). One point per cited result.
Skipped when SOURCE_ROOT is not a git checkout.
"""

import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench", "lib"))
from ovlkit import provenance  # noqa: E402
from ovlkit.tap import Tap  # noqa: E402
import perf_readme  # noqa: E402

TABLE = re.compile(r"(?:^\|.*\|\n)+", re.M)
RESULTS_MD = re.compile(r"bench/results/[A-Za-z0-9_.-]+/results\.md")


def tracked(root):
    r = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True, timeout=60)
    if r.returncode != 0:
        return None
    return set(p for p in r.stdout.decode("utf-8", "surrogateescape").split("\0") if p)


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


def first_difference(want, got):
    w, g = want.splitlines(), got.splitlines()
    for i, (a, b) in enumerate(zip(w, g)):
        if a != b:
            return ["line %d of the block" % (i + 1), "README:  " + b, "results: " + a]
    return ["the README's block has %d lines, the results make %d" % (len(g), len(w))]


def check_readme_table(tap, root, files, cited):
    rel, block = perf_readme.cited_block(read(root, "README.md"))
    if rel is None:
        tap.ok(False, "README.md has a performance table made by bench/perf --readme-table",
               "no '%s' ... '%s' block" % (perf_readme.BEGIN % "DIR", perf_readme.END))
        return
    if rel + "/results.json" not in files:
        tap.ok(False, "README.md's performance table: %s is committed" % rel,
               "git does not track %s/results.json" % rel)
        return
    want = perf_readme.readme_block_from(root, rel)
    tap.ok(want == block, "README.md's performance table is what %s/results.json makes" % rel,
           None if want == block else first_difference(want, block) +
           ["make it again: bench/perf --readme-table %s" % rel])
    cited.add(rel)


def bench_readme_results(text):
    """The 'Results' section of bench/README.md that quotes a results.md: the one whose first
    paragraph cites it; it ends at "What the figures say" or the next '## ' heading."""
    for m in re.finditer(r"^## Results\n\n", text, re.M):
        first = text[m.end():text.find("\n\n", m.end())]
        if not RESULTS_MD.search(first):
            continue
        ends = [i for i in (text.find("\n### What the figures say", m.end()),
                            text.find("\n## ", m.end())) if i >= 0]
        return text[m.end():min(ends) if ends else len(text)]
    return None


def check_bench_readme(tap, root, files, cited):
    sec = bench_readme_results(read(root, "bench/README.md"))
    if sec is None:
        tap.ok(False, "bench/README.md has a Results section quoting a bench/perf results.md")
        return
    md = RESULTS_MD.search(sec).group(0)
    rel = os.path.dirname(md)
    if md not in files:
        tap.ok(False, "bench/README.md quotes %s, which git tracks" % md)
        return
    results = read(root, md)
    tables = TABLE.findall(sec)
    missing = [t.splitlines()[0] for t in tables if t not in results]
    tap.ok(tables and not missing,
           "bench/README.md's Results: its %d tables are %s's, line for line" % (len(tables), md),
           ["not in %s: the table headed %s" % (md, h) for h in missing] or
           ["no table in the section"])
    with open(os.path.join(root, rel, "results.json")) as f:
        commit = json.load(f)["meta"]["ovlperf_commit"]
    says = re.search(r"ovlperf commit ([0-9a-f]{7,40}(?:-dirty)?)", sec)
    tap.ok(says and says.group(1) == commit,
           "bench/README.md's Results name the commit the results measured (%s)" % commit,
           "the section says %s" % (says.group(1) if says else "no 'ovlperf commit ...'"))
    cited.add(rel)


def perf_is_clean(meta):
    """bench/perf results: meta.clean, or for results written before bench/perf recorded it,
    a commit without -dirty and the start load under the limit (their end reading was taken
    by hand, beside the citation)."""
    if "clean" in meta:
        return meta["clean"], "meta.clean is %s (commit %s, load before %s, after %s)" % (
            meta["clean"], meta["ovlperf_commit"], meta["load_start"][0],
            (meta.get("load_after") or {}).get("load"))
    commit = meta.get("ovlperf_commit") or ""
    ok = bool(commit) and not commit.endswith("-dirty") and \
        meta["load_start"][0] < provenance.CLEAN_LOAD
    return ok, "commit %s, load before %s" % (commit or "unknown", meta["load_start"][0])


def check_soaks(tap, root, files):
    """bench/soak results README.md names: committed, and a clean run by their results.json."""
    for md in sorted(set(re.findall(r"bench/results/soak-[A-Za-z0-9_.-]+/results\.md",
                                    read(root, "README.md")))):
        rel = os.path.dirname(md)
        if md not in files or rel + "/results.json" not in files:
            tap.ok(False, "README.md cites %s, which git tracks with its results.json" % md)
            continue
        with open(os.path.join(root, rel, "results.json")) as f:
            ok, why = perf_is_clean(json.load(f)["meta"])
        tap.ok(ok, "cited %s is a clean run" % rel, why)


def check_clean(tap, root, files, cited):
    for rel in sorted(cited):
        with open(os.path.join(root, rel, "results.json")) as f:
            ok, why = perf_is_clean(json.load(f)["meta"])
        tap.ok(ok, "cited %s is a clean run" % rel, why)
    index = "bench/studies/results/index.md"
    if index not in files:
        return
    for name in sorted(set(re.findall(r"\]\(([A-Za-z0-9_-]+)/summary\.md\)", read(root, index)))):
        raw = "bench/studies/results/%s/raw.json" % name
        if raw not in files:
            tap.ok(False, "study %s: cited in %s with its raw.json committed" % (name, index),
                   "git does not track %s" % raw)
            continue
        with open(os.path.join(root, raw)) as f:
            m0, m1 = json.load(f)["machine"]
        ok = provenance.is_clean(m0.get("ovlperf_commit"), m0["load"], m1["load"])
        tap.ok(ok, "study %s is a clean run" % name,
               "commit %s, load at the start %s, at the end %s" % (
                   m0.get("ovlperf_commit"), m0["load"][0], m1["load"][0]))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: test_cited_figures.py SOURCE_ROOT\n")
        return 2
    root = os.path.abspath(sys.argv[1])
    tap = Tap()
    files = tracked(root)
    if files is None:
        tap.skip("cited figures are committed results", "%s is not a git checkout" % root)
        return tap.done()
    cited = set()
    check_readme_table(tap, root, files, cited)
    check_bench_readme(tap, root, files, cited)
    check_clean(tap, root, files, cited)
    check_soaks(tap, root, files)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
