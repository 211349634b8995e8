#!/usr/bin/python3
"""The tree's layout rules, checked on the sources; TAP on stdout.

Usage: /usr/bin/python3 tests/layout/test_layout.py SOURCE_ROOT OVLPERF

Each rule passes as one test point, or fails as one point per offence (file or cycle), so a
failure names what to fix:

1. File length. No C file (.c or .h) under app/, lib/, tests/ or bench/ has more than 600 lines
   (lines as wc -l counts them, plus a last line without its newline). Passing: how many files
   were checked and the longest.

2. app/ names no encapsulation. The names are the ones the binary lists
   (OVLPERF -- frames --list --json, {"encaps": [{"name": ...}, ...]}), so a new encapsulation is
   covered the day it is added to the table. Every .c and .h file under app/ is split into
   comments, string and character literals, and code (preprocessor lines included, so
   #include "x.h" is a string and #include <rte_x.h> is code). A word is a maximal run of ASCII
   letters and digits, compared case-insensitively, so "VXLAN", "--vxlan-port", vxlan_port and
   encap_vxlan all contain the word vxlan, and vxlan0 or vxlans do not. Then:
   - a name other than "raw" is an offence as a word of any comment, literal or identifier;
   - "raw" is also an ordinary word (rte_raw_cksum, raw bytes), so it is an offence only where it
     names the encapsulation: a string literal that is exactly "raw" (case-insensitive, spaces
     around ignored), an identifier with both "raw" and "encap" among its words (encap_raw,
     ovl_encap_raw, RAW_ENCAP), or the quoted word "raw" or 'raw' inside a comment;
   - the tunnel-specific words vni, vxlan_port, flannel_port and gre_key are offences as a run of
     consecutive words of an identifier (tunnel_vni, VNI_MAX, opt_gre_key) or of a string literal
     (where the same name is spelled as a JSON key or an option, "vni", "--gre-key"); comments
     may mention them except where they contain an encapsulation's name (vxlan, flannel).
   One point per offending file, listing each occurrence by line.

3. No include cycle. The module graph of app/ and lib/: a module is a file's name without its
   extension (foo.c and foo.h are module foo); there is an edge A -> B when A.c or A.h has
   #include "B.h" (outside comments) and some B.h exists under app/ or lib/. A module including
   its own header is no edge. Each strongly connected group of more than one module is one
   failing point, named by one cycle through it with the file and line of each include.

4. The encapsulation plug-in contract: every lib/encap/*.c but table.c defines exactly one
   descriptor (const struct ovl_encap NAME = ...), listed exactly once (&NAME) in table.c's
   ovl_encaps[] and built by exactly one 'encap/FILE.c' line of lib/meson.build. One point per
   file that breaks it.
"""

import os
import re
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.tap import Tap  # noqa: E402

MAX_LINES = 600
LENGTH_DIRS = ["app", "lib", "tests", "bench"]
GRAPH_DIRS = ["app", "lib"]
AMBIGUOUS_NAMES = {"raw"}
TUNNEL_WORDS = ["vni", "vxlan_port", "flannel_port", "gre_key"]


def c_files(root, dirs):
    """Every .c and .h file under root/dir for dir in dirs, as paths relative to root, sorted."""
    out = []
    for d in dirs:
        for base, subdirs, files in os.walk(os.path.join(root, d)):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            for name in files:
                if name.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(base, name), root))
    return sorted(out)


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return f.read()


def line_count(text):
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def lex(text):
    """Splits C source into (kind, line, text) pieces, kind one of "code", "comment", "string"
    (string and character literals, without their quotes). Also returns the text with every
    comment turned into spaces (newlines kept), for looking at the code alone."""
    pieces = []
    stripped = []
    i, n, line = 0, len(text), 1
    code_start, code_line = 0, 1

    def flush_code(end):
        if end > code_start:
            pieces.append(("code", code_line, text[code_start:end]))

    while i < n:
        c = text[i]
        two = text[i:i + 2]
        if two in ("/*", "//"):
            flush_code(i)
            if two == "/*":
                end = text.find("*/", i + 2)
                end = n if end < 0 else end + 2
            else:
                end = text.find("\n", i)
                end = n if end < 0 else end
            body = text[i:end]
            pieces.append(("comment", line, body))
            stripped.append(re.sub(r"[^\n]", " ", body))
            line += body.count("\n")
            i = end
            code_start, code_line = i, line
            continue
        if c in "\"'":
            flush_code(i)
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            end = min(j + 1, n)
            pieces.append(("string", line, text[i + 1:j]))
            stripped.append(text[i:end])
            line += text[i:end].count("\n")
            i = end
            code_start, code_line = i, line
            continue
        stripped.append(c)
        if c == "\n":
            line += 1
        i += 1
    flush_code(n)
    return pieces, "".join(stripped)


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def has_run(ws, run):
    k = len(run)
    return any(ws[i:i + k] == run for i in range(len(ws) - k + 1))


def name_offences(text, names):
    """(line, where, what) for each occurrence in one file, by the rules of the docstring."""
    plain = [n.lower() for n in names if n.lower() not in AMBIGUOUS_NAMES]
    ambiguous = [n.lower() for n in names if n.lower() in AMBIGUOUS_NAMES]
    tunnel_runs = [(w, words(w)) for w in TUNNEL_WORDS]
    found = []
    pieces, _ = lex(text)
    for kind, line, body in pieces:
        if kind == "code":
            units = [(line + body[:m.start()].count("\n"), "identifier " + m.group(0), m.group(0))
                     for m in re.finditer(r"\b[A-Za-z_]\w*", body)]
        else:
            units = [(line + k, kind, part) for k, part in enumerate(body.split("\n"))]
        for at, where, unit in units:
            ws = words(unit)
            for name in plain:
                if has_run(ws, words(name)):
                    found.append((at, where if kind == "code" else kind, name))
            for name in ambiguous:
                if kind == "string" and unit.strip().lower() == name:
                    found.append((at, "string", '"%s"' % name))
                elif kind == "code" and name in ws and "encap" in ws:
                    found.append((at, where, name))
                elif kind == "comment" and re.search(r"([\"'])%s\1" % re.escape(name), unit,
                                                     re.IGNORECASE):
                    found.append((at, "comment", '"%s"' % name))
            if kind != "comment":
                for word, run in tunnel_runs:
                    if has_run(ws, run):
                        found.append((at, where if kind == "code" else "string", word))
    # One entry per line, place and word: a word twice in one comment is one offence.
    return sorted(set(found))


# The name rule on numbered example lines: what each must find (none: nothing), so that a rule
# that matches nothing cannot pass unnoticed. The names are fixed here, not asked of the binary.
NAME_CASES = [
    (1, "/* VXLAN header */", {"vxlan"}),
    (2, "p = &ovl_encap_vxlan;", {"vxlan"}),
    (3, 'opt = "--vxlan-port";', {"vxlan", "vxlan_port"}),
    (4, "sum = rte_raw_cksum(buf, len);", set()),
    (5, "/* the raw bytes of the frame */", set()),
    (6, 'e = ovl_encap_find("raw");', {"raw"}),
    (7, "extern const struct ovl_encap ovl_encap_raw;", {"raw"}),
    (8, '/* without --encap, "raw" is listed first */', {"raw"}),
    (9, "uint32_t tunnel_vni;", {"vni"}),
    (10, "/* a VNI of 42 */", set()),
    (11, 'key = "gre-key";', {"gre_key"}),
    (12, "n = vxlans + vxlan0; /* ungreedy */", set()),
    (13, "#include <rte_vxlan.h>", {"vxlan"}),
    (14, "c = '\\''; /* flannel */", {"flannel"}),
    (15, 's = "a \\" IPIP";', {"ipip"}),
    (16, "x = GENEVE_OPT_LEN | GRETAP;", {"geneve", "gretap"}),
]
EXAMPLE_NAMES = ["raw", "vxlan", "ipip", "flannel", "geneve", "gretap"]


def check_name_rule(tap):
    wrong = []
    for n, text, want in NAME_CASES:
        got = {w.strip('"') for _, _, w in name_offences(text + "\n", EXAMPLE_NAMES)}
        if got != want:
            wrong.append("case %d: %s: found %s, expected %s"
                         % (n, text, sorted(got) or "nothing", sorted(want) or "nothing"))
    tap.ok(not wrong, "the name rule finds what it should in %d example lines" % len(NAME_CASES),
           wrong)


def encap_names(ovlperf):
    """The names the binary lists (ovlkit.catalogue), or (None, why)."""
    try:
        return catalogue.load(ovlperf).names(), None
    except catalogue.CatalogueError as exc:
        return None, str(exc)


def check_lengths(tap, root):
    files = c_files(root, LENGTH_DIRS)
    counts = [(line_count(read(root, f)), f) for f in files]
    over = [(n, f) for n, f in counts if n > MAX_LINES]
    for n, f in over:
        tap.ok(False, "%s: %d lines (at most %d)" % (f, n, MAX_LINES))
    if not over:
        longest = max(counts) if counts else (0, "none")
        tap.ok(bool(files), "%d C files under %s are at most %d lines (longest: %s, %d)"
               % (len(files), ", ".join(d + "/" for d in LENGTH_DIRS), MAX_LINES, longest[1],
                  longest[0]))


def check_names(tap, root, ovlperf):
    names, why = encap_names(ovlperf)
    if names is None:
        tap.ok(False, "app/ names no encapsulation: the binary lists its encapsulations", why)
        return
    files = c_files(root, ["app"])
    bad = 0
    for f in files:
        found = name_offences(read(root, f), names)
        if found:
            bad += 1
            tap.ok(False, "%s names encapsulations: %s" % (f, ", ".join(
                sorted(set(w for _, _, w in found)))),
                ["line %d (%s): %s" % (line, where, w) for line, where, w in found])
    if not bad:
        tap.ok(bool(files), "%d C files under app/ name no encapsulation (%s) nor %s"
               % (len(files), ", ".join(names), ", ".join(TUNNEL_WORDS)))


def module(path):
    return os.path.splitext(os.path.basename(path))[0]


def include_graph(root):
    """{module: {included module: (file, line)}} and the number of modules."""
    files = c_files(root, GRAPH_DIRS)
    headers = {os.path.basename(f) for f in files if f.endswith(".h")}
    graph = {module(f): {} for f in files}
    for f in files:
        _, code = lex(read(root, f))
        for m in re.finditer(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', code, re.MULTILINE):
            inc = os.path.basename(m.group(1))
            a, b = module(f), module(inc)
            if inc in headers and a != b:
                graph[a].setdefault(b, (f, code[:m.start()].count("\n") + 1))
    return graph


def strongly_connected(graph):
    """Tarjan's algorithm, iterative; the groups in a stable order."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            advanced = False
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.append(w)
                    if w == v:
                        break
                groups.append(sorted(group))
    return groups


def cycle_through(graph, group):
    """A shortest cycle from the group's first module back to it, inside the group."""
    start, members = group[0], set(group)
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v]):
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if w in members and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return group + [start]


def check_cycles(tap, root):
    graph = include_graph(root)
    groups = [g for g in strongly_connected(graph) if len(g) > 1]
    for g in groups:
        path = cycle_through(graph, g)
        diag = ["%s -> %s: %s:%d includes %s.h" % (a, b, graph[a][b][0], graph[a][b][1], b)
                for a, b in zip(path, path[1:])]
        if len(g) > len(path) - 1:
            diag.append("the cycle's group: %s" % ", ".join(g))
        tap.ok(False, "include cycle: %s" % " -> ".join(path), diag)
    if not groups:
        edges = sum(len(v) for v in graph.values())
        tap.ok(True, "no include cycle among the %d modules of app/ and lib/ (%d edges)"
               % (len(graph), edges))


def check_encap_plugins(tap, root):
    _, table = lex(read(root, "lib/encap/table.c"))
    m = re.search(r"ovl_encaps\s*\[\s*\]\s*=\s*\{(.*?)\}\s*;", table, re.DOTALL)
    entries = re.findall(r"&\s*(\w+)", m.group(1)) if m else []
    build = re.sub(r"#[^\n]*", "", read(root, "lib/meson.build"))
    files = [f for f in c_files(root, ["lib/encap"])
             if f.endswith(".c") and os.path.basename(f) != "table.c"]
    bad = 0
    for f in files:
        name = os.path.basename(f)
        _, code = lex(read(root, f))
        descriptors = re.findall(r"^[ \t]*const[ \t]+struct[ \t]+ovl_encap[ \t]+(\w+)[ \t]*=",
                                 code, re.MULTILINE)
        lines = len(re.findall(r"'encap/%s'" % re.escape(name), build))
        problems = []
        if m is None:
            problems.append("lib/encap/table.c has no ovl_encaps[] = { ... };")
        if len(descriptors) != 1:
            problems.append("defines %d descriptors (const struct ovl_encap NAME = ...), not 1%s"
                            % (len(descriptors), ": " + ", ".join(descriptors) if descriptors
                               else ""))
        for d in descriptors:
            if m is not None and entries.count(d) != 1:
                problems.append("&%s is in lib/encap/table.c's ovl_encaps[] %d times, not once"
                                % (d, entries.count(d)))
        if lines != 1:
            problems.append("lib/meson.build has 'encap/%s' %d times, not once" % (name, lines))
        if problems:
            bad += 1
            tap.ok(False, "%s: one descriptor, one table entry, one build line" % f, problems)
    if not bad:
        tap.ok(bool(files), "%d encapsulation files (%s): each one descriptor, one entry in "
               "lib/encap/table.c, one line in lib/meson.build"
               % (len(files), ", ".join(os.path.basename(f) for f in files)))


def main():
    if len(sys.argv) != 3:
        print("usage: %s SOURCE_ROOT OVLPERF" % sys.argv[0], file=sys.stderr)
        return 2
    root, ovlperf = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tap = Tap()
    tap.diag("layout of %s, encapsulation names from %s" % (root, ovlperf))
    check_lengths(tap, root)
    check_name_rule(tap)
    check_names(tap, root, ovlperf)
    check_cycles(tap, root)
    check_encap_plugins(tap, root)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
