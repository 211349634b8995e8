# SPDX-License-Identifier: BSD-3-Clause
"""Running ovlperf: its default EAL options, EAL lists for tests, and `frames` into bytes."""

import os
import subprocess
import sys
import tempfile

from . import pcap

# What ovlperf uses when given no EAL options (OVL_EAL_DEFAULTS in app/ports/eal.h), before the
# lcore list it makes itself.
DEFAULT_EAL = ["--no-huge", "--no-pci", "--no-shconf", "-m", "512", "--no-telemetry",
               "--log-level=error"]


def eal(prefix=None, lcores=None, vdevs=(), mem=512, shconf=False, telemetry=False,
        log_level="error", huge=False, extra=()):
    """An EAL option list for a DPDK process on this kind of machine (no PCI, no hugepages unless
    huge): --file-prefix and --lcores when given (an lcores value with '@' or ',' goes to
    --lcores=, else to -l), each vdev as --vdev=, then extra."""
    out = [] if huge else ["--no-huge"]
    out += ["--no-pci"]
    if not shconf:
        out.append("--no-shconf")
    out += ["-m", str(mem)]
    if not telemetry:
        out.append("--no-telemetry")
    if log_level:
        out.append("--log-level=" + log_level)
    if prefix:
        out += ["--file-prefix", prefix]
    if lcores:
        out += ["--lcores=" + lcores] if ("@" in lcores or "," in lcores) else ["-l", lcores]
    out += ["--vdev=" + v for v in vdevs]
    return out + list(extra)


# The generic suites' IPv6 variant (registered a second time in tests/meson.build with --ipv6
# after the binary): the underlay IPv6 and the inner packet IPv6 wherever the encapsulation
# carries one (raw ignores the inner addresses; ipip carries IPv4 only and is left out). A
# sender that is not in loop finds the reflector's inner MAC by no neighbour discovery inside
# the tunnel: it is given the reflector's default one (INNER_MAC6).
SEND6 = ["--src-ip", "2001:db8::1", "--dst-ip", "2001:db8::2",
         "--inner-src-ip", "2001:db8:1::1", "--inner-dst-ip", "2001:db8:1::2"]
REFLECT6 = ["--ip", "2001:db8::2", "--inner-ip", "2001:db8:1::2"]
INNER_MAC6 = ["--inner-dst-mac", "02:00:00:00:01:02"]


def ipv6_from_argv():
    """Whether a suite runs its IPv6 variant: --ipv6 after the binary's path."""
    return "--ipv6" in sys.argv[2:]


def path_from_argv():
    """The binary a suite tests: its first argument (usage: SCRIPT PATH_TO_OVLPERF)."""
    if len(sys.argv) < 2:
        sys.stderr.write("usage: %s PATH_TO_OVLPERF\n" % sys.argv[0])
        sys.exit(2)
    return os.path.abspath(sys.argv[1])


class FramesError(RuntimeError):
    """`ovlperf frames` failed; the message holds its command line and stderr."""


def frames(binary, args, tmpdir=None, timeout=60):
    """The frames `ovlperf -- frames ARGS --pcap F --quiet` writes, as a list of bytes."""
    with tempfile.TemporaryDirectory(prefix="ovlkit-frames-", dir=tmpdir) as tmp:
        path = os.path.join(tmp, "frames.pcap")
        cmd = [binary, "--", "frames", "--quiet"] + list(args) + ["--pcap", path]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        if p.returncode != 0:
            raise FramesError("%s: exit status %d: %s" % (" ".join(cmd), p.returncode,
                                                         p.stderr.decode(errors="replace")[-400:]))
        return pcap.frames(path)


def memif(role, sock, extra=""):
    """A net_memif vdev of role (server or client) on the unix socket file sock; extra: more
    ',key=value' devargs."""
    return "net_memif0,role=%s,socket=%s,socket-abstract=no%s" % (role, sock, extra)
