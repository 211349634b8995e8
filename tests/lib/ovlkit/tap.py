# SPDX-License-Identifier: BSD-3-Clause
"""A tiny TAP (Test Anything Protocol) producer.

Results are printed as they come; the plan ("1..N") is printed at the end, which TAP allows.
"""

import sys


class Tap:
    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.n = 0
        self.failed = 0
        self.failures = []

    def _emit(self, line):
        self.out.write(line + "\n")
        self.out.flush()

    def diag(self, *lines):
        for text in lines:
            for line in str(text).splitlines() or [""]:
                self._emit("# " + line)

    def ok(self, cond, desc, diag=None):
        """One test point. diag: a string or a list of strings printed as '# ' lines."""
        self.n += 1
        desc = desc.replace("#", "\\#")
        if cond:
            self._emit("ok %d - %s" % (self.n, desc))
        else:
            self.failed += 1
            self.failures.append(desc)
            self._emit("not ok %d - %s" % (self.n, desc))
        if diag and not cond:
            if isinstance(diag, str):
                diag = [diag]
            self.diag(*diag)
        return bool(cond)

    def skip(self, desc, reason):
        """One test point not run: 'ok N - desc # SKIP reason'."""
        self.n += 1
        self._emit("ok %d - %s # SKIP %s" % (self.n, desc.replace("#", "\\#"),
                                             reason.replace("#", "")))
        return False

    def fields(self, desc, mismatches):
        """A group of field comparisons: mismatches is a list of (field, expected, got)."""
        return self.ok(not mismatches, desc,
                       ["%s: expected %s, got %s" % (f, _fmt(e), _fmt(g))
                        for f, e, g in mismatches])

    def done(self):
        self._emit("1..%d" % self.n)
        if self.failed:
            self.diag("failed %d of %d" % (self.failed, self.n))
        return 1 if self.failed or self.n == 0 else 0


def _fmt(v):
    if isinstance(v, int) and not isinstance(v, bool) and v > 255:
        return "%d (0x%x)" % (v, v)
    return repr(v)
