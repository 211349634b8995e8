# SPDX-License-Identifier: BSD-3-Clause
"""2 MB hugepages for a suite or benchmark that needs them, and a hugetlbfs of its own.

    hp = Hugepages(need=256, mnt=ws.path("huge"))
    why = hp.setup()      # None when ready, else why not (the caller skips, naming it)
    ... EAL: --huge-dir hp.mnt ...
    problems = hp.undo()  # unmounts, puts nr_hugepages back to what it was; [] when all is back

Only the shortfall is reserved (nr_hugepages raised by need - free_hugepages), and exactly
that many are given back at the end, whatever others reserved meanwhile: two suites of two
engineers that overlap each take back their own, never each other's (setting the count back to
what one of them saw first would). The mount is private to the caller's directory, so
/dev/hugepages and other users' pages are untouched.
"""

import os
import subprocess

HP_DIR = "/sys/kernel/mm/hugepages/hugepages-2048kB"


def _read_int(path):
    with open(path) as f:
        return int(f.read().strip())


def _write_int(path, v):
    with open(path, "w") as f:
        f.write("%d\n" % v)


class Hugepages:
    def __init__(self, need, mnt):
        self.need = need
        self.mnt = mnt
        self.added = 0
        self.mounted = False

    def setup(self):
        """None when need free 2 MB pages and the mount are ready, else why not."""
        if os.geteuid() != 0:
            return "not root: cannot reserve hugepages or mount hugetlbfs"
        if not os.path.isdir(HP_DIR):
            return "%s does not exist (no 2 MB hugepages in this kernel)" % HP_DIR
        with open("/proc/filesystems") as f:
            if "hugetlbfs" not in f.read():
                return "the kernel has no hugetlbfs"
        free = _read_int(os.path.join(HP_DIR, "free_hugepages"))
        if free < self.need:
            nr = _read_int(os.path.join(HP_DIR, "nr_hugepages"))
            try:
                _write_int(os.path.join(HP_DIR, "nr_hugepages"), nr + self.need - free)
            except OSError as exc:
                return "writing nr_hugepages failed: %s" % exc
            self.added = max(_read_int(os.path.join(HP_DIR, "nr_hugepages")) - nr, 0)
            free = _read_int(os.path.join(HP_DIR, "free_hugepages"))
            if free < self.need:
                return "the kernel gave only %d free 2 MB pages of the %d needed" % (free, self.need)
        os.makedirs(self.mnt, exist_ok=True)
        r = subprocess.run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev", self.mnt],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            return "mount -t hugetlbfs failed: %s" % r.stdout.decode().strip()
        self.mounted = True
        return None

    def undo(self):
        """Unmounts and restores nr_hugepages; returns what could not be put back."""
        problems = []
        if self.mounted:
            r = subprocess.run(["umount", self.mnt], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            if r.returncode != 0:
                problems.append("umount %s: %s; lazy unmount" % (self.mnt, r.stdout.decode().strip()))
                subprocess.run(["umount", "-l", self.mnt])
            self.mounted = False
        if self.added:
            path = os.path.join(HP_DIR, "nr_hugepages")
            before = _read_int(path)
            want = max(before - self.added, 0)
            try:
                _write_int(path, want)
            except OSError as exc:
                problems.append("giving back %d pages (nr_hugepages %d): %s" % (self.added, before, exc))
            now = _read_int(path)
            if now != want:
                problems.append("nr_hugepages is %d after giving back the %d added (wanted %d)"
                                % (now, self.added, want))
            self.added = 0
        return problems
