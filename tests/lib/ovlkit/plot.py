# SPDX-License-Identifier: BSD-3-Clause
"""Plots as PNG and SVG through gnuplot, from whitespace-separated data files."""

import os
import subprocess


class PlotError(RuntimeError):
    """gnuplot failed; the message has the end of what it said."""


def write_dat(path, header, rows):
    """Whitespace-separated data for gnuplot; None becomes NaN ('?' is skipped by gnuplot)."""
    with open(path, "w") as f:
        f.write("# " + " ".join(header) + "\n")
        for r in rows:
            f.write(" ".join("NaN" if x is None else (f'"{x}"' if isinstance(x, str) else f"{x:.6g}")
                             for x in r) + "\n")


def gnuplot(out_base, body, width=1100, height=650):
    """Renders body (gnuplot commands, no terminal/output) to out_base.png and out_base.svg;
    the script is kept beside them as out_base.gp. Returns the two paths."""
    font = "DejaVu Sans,12"
    paths = []
    for term, ext in ((f"pngcairo size {width},{height} enhanced font '{font}'", "png"),
                      (f"svg size {width},{height} dynamic enhanced font '{font}' background '#ffffff'", "svg")):
        out = f"{out_base}.{ext}"
        script = f"set terminal {term}\nset output '{out}'\nset encoding utf8\n{body}\nunset output\n"
        with open(f"{out_base}.gp", "w") as f:
            f.write(script)
        try:
            r = subprocess.run(["gnuplot", f"{out_base}.gp"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as ex:
            raise PlotError(f"gnuplot failed for {out}: {ex}")
        if r.returncode != 0 or not os.path.exists(out):
            raise PlotError(f"gnuplot failed for {out}: {r.stderr.strip()[-500:]}")
        paths.append(out)
    return paths


def gq(text):
    """A gnuplot string expression showing text literally in enhanced mode: single-quoted pieces
    (underscores escaped, quotes doubled) joined by newlines."""
    parts = ["'" + p.replace("'", "''").replace("_", "\\_").replace("^", "\\^") + "'" for p in text.split("\n")]
    return '."\\n".'.join(parts)
