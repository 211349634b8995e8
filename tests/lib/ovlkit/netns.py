# SPDX-License-Identifier: BSD-3-Clause
"""Two network namespaces joined by one veth pair, made and removed by the suite or benchmark
that uses them (drivers that own a kernel interface: net_af_xdp, net_af_packet).

    pair = VethPair("afxdp")          # namespaces ovlA-afxdp-PID, ovlB-afxdp-PID
    why = pair.up()                    # None, or why it could not be built (then call down())
    cmd = pair.in_a([binary, ...])     # ["ip", "netns", "exec", NS_A, binary, ...]
    problems = pair.down()             # whatever still runs in them is killed, both deleted

Interfaces: veth-a in A, veth-b in B, MACs 02:00:00:00:00:01 and 02:00:00:00:00:02, no
addresses unless given, IPv6 off (no router solicitations reach a DPDK port), checksum and
segmentation offloads off so every frame crosses as it would a wire.
"""

import errno
import os
import signal
import socket
import subprocess
import time

MAC_A = "02:00:00:00:00:01"
MAC_B = "02:00:00:00:00:02"
OFFLOADS_OFF = ["tx", "off", "rx", "off", "gro", "off", "gso", "off", "tso", "off"]


def af_xdp_missing():
    """Why this kernel cannot run AF_XDP sockets, or None."""
    try:
        socket.socket(44, socket.SOCK_RAW, 0).close()   # AF_XDP
    except OSError as e:
        if e.errno in (errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT, errno.ESOCKTNOSUPPORT):
            return "this kernel has no AF_XDP sockets (socket(AF_XDP): %s)" % e.strerror
    return None


def _run(cmd):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    return p.returncode, p.stdout.decode(errors="replace").strip()


class VethPair:
    def __init__(self, tag, mtu=1500, addr_a=None, addr_b=None):
        pid = os.getpid()
        self.ns_a, self.ns_b = "ovlA-%s-%d" % (tag, pid), "ovlB-%s-%d" % (tag, pid)
        self.if_a, self.if_b = "veth-a", "veth-b"
        self.mtu, self.addr_a, self.addr_b = mtu, addr_a, addr_b
        self.made = []

    def in_a(self, cmd):
        return ["ip", "netns", "exec", self.ns_a] + list(cmd)

    def in_b(self, cmd):
        return ["ip", "netns", "exec", self.ns_b] + list(cmd)

    def _step(self, cmd):
        rc, out = _run(cmd)
        if rc != 0:
            raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), rc, out))
        return out

    def up(self):
        """Builds both namespaces and the veth; None when up, else why not."""
        if os.geteuid() != 0:
            return "not root: cannot make network namespaces"
        try:
            for ns in (self.ns_a, self.ns_b):
                self._step(["ip", "netns", "add", ns])
                self.made.append(ns)
                self._step(["ip", "netns", "exec", ns, "sysctl", "-qw",
                            "net.ipv6.conf.all.disable_ipv6=1",
                            "net.ipv6.conf.default.disable_ipv6=1"])
                self._step(["ip", "-n", ns, "link", "set", "lo", "up"])
            self._step(["ip", "link", "add", self.if_a, "netns", self.ns_a, "address", MAC_A,
                        "mtu", str(self.mtu), "type", "veth", "peer", "name", self.if_b,
                        "netns", self.ns_b, "address", MAC_B, "mtu", str(self.mtu)])
            for ns, dev, addr in ((self.ns_a, self.if_a, self.addr_a),
                                  (self.ns_b, self.if_b, self.addr_b)):
                self._step(["ip", "netns", "exec", ns, "ethtool", "-K", dev] + OFFLOADS_OFF)
                if addr:
                    self._step(["ip", "-n", ns, "addr", "add", addr, "dev", dev])
                self._step(["ip", "-n", ns, "link", "set", dev, "up"])
            # The end that came up first gets its carrier from linkwatch up to a second later.
            for _ in range(50):
                if self.operstate(self.ns_a, self.if_a) == "up" and \
                        self.operstate(self.ns_b, self.if_b) == "up":
                    break
                time.sleep(0.1)
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            return str(e)
        return None

    @staticmethod
    def operstate(ns, dev):
        rc, out = _run(["ip", "netns", "exec", ns, "cat", "/sys/class/net/%s/operstate" % dev])
        return out if rc == 0 else None

    def set_mtu(self, mtu):
        for ns, dev in ((self.ns_a, self.if_a), (self.ns_b, self.if_b)):
            self._step(["ip", "-n", ns, "link", "set", dev, "mtu", str(mtu)])

    def xdp_attached(self, side="a"):
        """Whether an XDP program is still attached to the side's interface (ip -d link)."""
        ns, dev = (self.ns_a, self.if_a) if side == "a" else (self.ns_b, self.if_b)
        rc, out = _run(["ip", "-n", ns, "-d", "link", "show", dev])
        return rc == 0 and ("prog/xdp" in out or " xdp" in out.split("link/ether")[0])

    def down(self):
        """Kills what still runs in the namespaces (by pid), deletes them; returns problems."""
        problems = []
        for ns in reversed(self.made):
            rc, out = _run(["ip", "netns", "pids", ns])
            pids = [int(p) for p in out.split()] if rc == 0 else []
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            rc, out = _run(["ip", "netns", "del", ns])
            if rc != 0:
                problems.append("ip netns del %s: %s" % (ns, out))
        self.made = []
        return problems
