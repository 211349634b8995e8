#!/usr/bin/python3
"""Self-test of the kernel interop testbed (testbed.sh), without ovlperf.

For each mode (raw, vxlan, ipip, flannel; default all) it builds the testbed, then acts from
namespace A as the ovlperf sender would, on a raw AF_PACKET socket bound to veth-a: it answers
B's ARP requests for 192.0.2.1 (and, for vxlan, those for 198.51.100.1 that arrive inside
VXLAN, answered inside VXLAN), sends one ICMP echo request in the mode's encapsulation and
checks that the echo reply comes back in the same encapsulation with the same payload and
valid checksums. Then it tears the testbed down and checks that nothing is left. TAP output.

Usage: check_testbed.py [MODE...]      (as root)
"""

import ctypes
import json
import os
import select
import shlex
import signal
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from tap import Tap  # noqa: E402  (tests/interop/tap.py)

from scapy.layers.inet import IP, ICMP, UDP  # noqa: E402
from scapy.layers.l2 import ARP, Ether  # noqa: E402
from scapy.layers.vxlan import VXLAN  # noqa: E402
from scapy.packet import Raw  # noqa: E402

TESTBED = os.path.join(HERE, "testbed.sh")
STATE_DIR = "/tmp"
MODES = ("raw", "vxlan", "ipip", "flannel")
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
CLONE_NEWNET = 0x40000000
ICMP_ID = 40000
WAIT = 3.0             # seconds to wait for a reply (ARP resolution included)
BAD_WAIT = 1.0         # seconds to wait for the reply that must not come
TOTAL_LIMIT = 55       # seconds for the whole self-test

libc = ctypes.CDLL(None, use_errno=True)


class KTap(Tap):
    def skip(self, desc, reason):
        self.n += 1
        self._emit("ok %d - %s # SKIP %s" % (self.n, desc, reason))


def unavailable(mode):
    """Why MODE cannot run on this machine, or None."""
    if mode in ("ipip", "flannel") and not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun for the userspace tunnel endpoint"
    if mode == "vxlan" and not os.path.exists("/sys/module/vxlan") and \
            subprocess.run(["modprobe", "-nq", "vxlan"]).returncode != 0:
        return "this kernel has no vxlan module"
    return None


def packet_socket(netns, ifname):
    """An AF_PACKET socket on ifname inside netns (a socket stays in the namespace where it
    was created, so we enter the namespace only to create it)."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + netns, os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + netns)
        try:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind((ifname, ETH_P_ALL))
        finally:
            if libc.setns(own, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(own)
        os.close(target)
    return s


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def checksum_problems(ip, what):
    """ip: the bytes of an IPv4 packet (padding allowed). Checks the header checksum and the
    ICMP or UDP checksum (a UDP checksum of 0 means none, allowed for IPv4)."""
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    l4 = ip[ihl:total]
    bad = []
    if ones_sum(ip[:ihl]) != 0xFFFF:
        bad.append(what + " IPv4 header checksum")
    if ip[9] == 1 and ones_sum(l4) != 0xFFFF:
        bad.append(what + " ICMP checksum")
    if ip[9] == 17 and l4[6:8] != b"\0\0":
        pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, len(l4))
        if ones_sum(pseudo + l4) != 0xFFFF:
            bad.append(what + " UDP checksum")
    return bad


def probe_payload(n=100):
    """A full-form-like ovlperf probe (magic 0xA9) followed by the k & 0xFF fill."""
    head = struct.pack("!BBHIHHIQQ", 0xA9, 0x12, 0, 0x01020304, 1, 64, 0, 1, time.monotonic_ns())
    return head + bytes(k & 0xFF for k in range(len(head), n))


class Sender:
    """What ovlperf does, for one mode: ARP answering, one probe, reply matching."""

    def __init__(self, tb, mode, inner_mac_b):
        self.tb, self.mode, self.inner_mac_b = tb, mode, inner_mac_b
        self.sock = packet_socket(tb["TB_NS_A"], tb["TB_IF_A"])
        self.arp_answered = []          # the addresses B asked for
        self.vxlan_sports = set()       # outer UDP source ports of B's VXLAN frames
        self.payload = probe_payload()

    def outer(self, dst_mac, proto=None):
        ip = IP(src=self.tb["TB_IP_A"], dst=self.tb["TB_IP_B"], ttl=64, flags="DF", id=0)
        if proto is not None:
            ip.proto = proto
        return Ether(src=self.tb["TB_MAC_A"], dst=dst_mac) / ip

    def vxlan(self, inner_frame, udp_csum=0):
        return (self.outer(self.tb["TB_MAC_B"])
                / UDP(sport=0xC000 | 0x1234, dport=int(self.tb["TB_VXLAN_PORT"]), chksum=udp_csum)
                / VXLAN(flags=0x08, vni=int(self.tb["TB_VNI"])) / inner_frame)

    def probe(self, seq, corrupt=None):
        """corrupt: None, "icmp" (the echo request's checksum) or "udp" (the outer UDP
        checksum, nonzero and wrong)."""
        tb = self.tb
        icmp = ICMP(type=8, code=0, id=ICMP_ID, seq=seq) / Raw(self.payload)
        if corrupt == "icmp":
            icmp.chksum = ICMP(bytes(icmp)).chksum ^ 0x5555
        inner = IP(src=tb["TB_INNER_IP_A"], dst=tb["TB_INNER_IP_B"], ttl=64, id=0) / icmp
        if self.mode == "raw":
            return self.outer(tb["TB_MAC_B"]) / icmp
        if self.mode == "ipip":
            return self.outer(tb["TB_MAC_B"], proto=4) / inner
        if self.mode == "vxlan":
            pkt = self.vxlan(Ether(src=tb["TB_INNER_MAC_A"], dst=self.inner_mac_b) / inner,
                             udp_csum=None if corrupt == "udp" else 0)
        else:
            port = int(tb["TB_FLANNEL_PORT"])
            pkt = self.outer(tb["TB_MAC_B"]) / UDP(sport=port, dport=port) / inner
        if corrupt == "udp":
            pkt[UDP].chksum = (UDP(bytes(pkt[UDP])).chksum ^ 0x5555) or 1
        return pkt

    def send(self, pkt):
        self.sock.send(bytes(pkt))

    def answer_arp(self, frame):
        """Answers an ARP request for our address, plain or inside VXLAN. True if it was one."""
        tb = self.tb
        if frame.haslayer(VXLAN):
            inner = frame[VXLAN].payload
            if not isinstance(inner, Ether) or not inner.haslayer(ARP):
                return False
            req, mine, my_mac = inner[ARP], tb["TB_INNER_IP_A"], tb["TB_INNER_MAC_A"]
        elif frame.haslayer(ARP):
            req, mine, my_mac = frame[ARP], tb["TB_IP_A"], tb["TB_MAC_A"]
        else:
            return False
        if req.op != 1 or req.pdst != mine:
            return True
        reply = (Ether(src=my_mac, dst=req.hwsrc)
                 / ARP(op=2, hwsrc=my_mac, psrc=mine, hwdst=req.hwsrc, pdst=req.psrc))
        if frame.haslayer(VXLAN):
            self.vxlan_sports.add(frame[UDP].sport)
            reply = self.vxlan(reply)
        self.send(reply)
        self.arp_answered.append(mine + (" (in VXLAN VNI %d)" % frame[VXLAN].vni
                                         if frame.haslayer(VXLAN) else ""))
        return True

    def echo_reply(self, frame):
        """(the echo reply's IP layer, a list of problems) if frame carries our echo reply in
        the mode's encapsulation; (None, None) for other frames."""
        tb = self.tb
        if not frame.haslayer(IP):
            return None, None
        outer = frame[IP]
        if outer.src != tb["TB_IP_B"] or outer.dst != tb["TB_IP_A"]:
            return None, None
        outer_bytes = bytes(outer)
        problems = checksum_problems(outer_bytes, "outer")
        ihl = outer.ihl * 4
        if self.mode == "raw":
            inner = outer_bytes
        elif self.mode == "ipip":
            if outer.proto != 4:
                return None, None
            inner = outer_bytes[ihl:outer.len]
        elif self.mode == "flannel":
            if outer.proto != 17 or (outer[UDP].sport, outer[UDP].dport) != (8285, 8285):
                return None, None
            inner = outer_bytes[ihl + 8:outer.len]
        else:
            if not frame.haslayer(VXLAN) or frame[UDP].dport != int(tb["TB_VXLAN_PORT"]):
                return None, None
            self.vxlan_sports.add(frame[UDP].sport)
            vx = frame[VXLAN]
            if vx.flags != 0x08 or vx.vni != int(tb["TB_VNI"]):
                problems.append("VXLAN flags 0x%02x VNI %d" % (vx.flags, vx.vni))
            ieth = vx.payload
            if not isinstance(ieth, Ether) or ieth.type != 0x0800:
                return None, None
            if (ieth.src, ieth.dst) != (self.inner_mac_b, tb["TB_INNER_MAC_A"]):
                problems.append("inner MACs %s -> %s" % (ieth.src, ieth.dst))
            inner = bytes(ieth.payload)
        ip = IP(inner)
        if ip.proto != 1 or not ip.haslayer(ICMP) or ip[ICMP].type != 0 or ip[ICMP].id != ICMP_ID:
            return None, None
        want = ((tb["TB_IP_B"], tb["TB_IP_A"]) if self.mode == "raw"
                else (tb["TB_INNER_IP_B"], tb["TB_INNER_IP_A"]))
        if (ip.src, ip.dst) != want:
            problems.append("inner addresses %s -> %s" % (ip.src, ip.dst))
        if self.mode != "raw":
            problems += checksum_problems(inner, "inner")
        if bytes(ip[ICMP].payload)[:len(self.payload)] != self.payload:
            problems.append("echo payload differs")
        return ip, problems

    def run(self, corrupt=None, wait=WAIT):
        """Sends the probe (again each second) and waits for the reply. Returns (ip, problems)
        of the first echo reply, or (None, None) after `wait` seconds."""
        deadline = time.monotonic() + wait
        next_send, seq = 0.0, 0
        while True:
            now = time.monotonic()
            if now >= deadline:
                return None, None
            if now >= next_send:
                self.send(self.probe(seq, corrupt))
                seq, next_send = seq + 1, now + 1.0
            readable, _, _ = select.select([self.sock], [], [], min(deadline, next_send) - now)
            if not readable:
                continue
            data, addr = self.sock.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:   # our own frames
                continue
            frame = Ether(data)
            if self.answer_arp(frame):
                continue
            ip, problems = self.echo_reply(frame)
            if ip is not None:
                return ip, problems

    def close(self):
        self.sock.close()


def sh(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=15)


def testbed_up(mode):
    """Runs `testbed.sh up MODE`; returns its result, the TB_* variables and the state file
    (known in advance, so that the testbed is torn down even if `up` itself is interrupted)."""
    env = dict(os.environ, TB_ID=str(os.getpid()), TB_STATE_DIR=STATE_DIR)
    state = os.path.join(STATE_DIR, "ovlperf-testbed.%d.%s.env" % (os.getpid(), mode))
    tb = {}
    try:
        r = subprocess.run([TESTBED, "up", mode], capture_output=True, text=True, env=env,
                           timeout=20)
    except BaseException:
        testbed_down(state)
        raise
    for line in r.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            key, _, value = line[len("export "):].partition("=")
            tb[key] = (shlex.split(value) or [""])[0]
    return r, tb, state


def testbed_down(state):
    if not os.path.exists(state):
        return None
    return subprocess.run([TESTBED, "down", state], capture_output=True, text=True, timeout=20)


def check_mode(tap, mode):
    sender = None
    r, tb, state = testbed_up(mode)
    try:
        if not tap.ok(r.returncode == 0 and tb.get("TB_STATE") == state,
                      "%s: testbed up" % mode, [r.stdout, r.stderr]):
            return
        inner_mac_b = None
        if mode == "vxlan":
            link = json.loads(sh("ip", "-n", tb["TB_NS_B"], "-j", "link", "show", "vxlan0").stdout)
            inner_mac_b = link[0]["address"]
        sender = Sender(tb, mode, inner_mac_b)
        start = time.monotonic()
        ip, problems = sender.run()
        took = time.monotonic() - start
        tap.ok(ip is not None, "%s: the kernel answered the ICMP echo request" % mode,
               "no echo reply within %.0f s; ARP answered for: %s"
               % (WAIT, sender.arp_answered or "nothing"))
        if ip is None:
            return
        tap.ok(not problems, "%s: echo reply in the same encapsulation, same payload, "
               "valid checksums" % mode, problems)
        tap.diag("%s: reply after %.3f s, inner TTL %d" % (mode, took, ip.ttl))
        tap.ok(tb["TB_IP_A"] in sender.arp_answered,
               "%s: B resolved 192.0.2.1 by ARP" % mode, "ARP answered: %s" % sender.arp_answered)
        if mode == "vxlan":
            tap.ok(any(a.startswith(tb["TB_INNER_IP_A"] + " (in VXLAN") for a in sender.arp_answered),
                   "vxlan: B resolved 198.51.100.1 by ARP inside VXLAN",
                   "ARP answered: %s" % sender.arp_answered)
            tap.diag("vxlan: outer UDP source port(s) of B's VXLAN frames: %s"
                     % sorted(sender.vxlan_sports))
            fdb = json.loads(sh("bridge", "-n", tb["TB_NS_B"], "-j", "fdb", "show",
                                "dev", "vxlan0").stdout)
            tap.diag("vxlan: B's fdb afterwards: %s" % ", ".join(
                "%s -> %s%s" % (e["mac"], e.get("dst"), " " + e["state"] if e.get("state") else "")
                for e in fdb))
            tap.ok({"mac": tb["TB_INNER_MAC_A"], "dst": tb["TB_IP_A"], "state": ""}
                   in [{k: e.get(k) for k in ("mac", "dst", "state")} for e in fdb],
                   "vxlan: B learned 02:00:00:00:01:01 -> 192.0.2.1 from the probe", str(fdb))
        # The kernel checks the sender's checksums: a testbed that answered anyway (e.g.
        # because a veth marked frames CHECKSUM_UNNECESSARY) would hide a sender's bugs.
        for corrupt in ("icmp", "udp") if mode in ("vxlan", "flannel") else ("icmp",):
            bad, _ = sender.run(corrupt=corrupt, wait=BAD_WAIT)
            tap.ok(bad is None, "%s: no reply to a request with a wrong %s checksum"
                   % (mode, "echo request" if corrupt == "icmp" else "outer UDP"),
                   "B answered it")
        perm = sh("ip", "-n", tb["TB_NS_B"], "neigh", "show", "nud", "permanent").stdout.strip()
        tap.ok(perm == "", "%s: no static neighbour entries in B" % mode, perm)
    except Exception as e:   # report, then still tear down
        tap.ok(False, "%s: no exception" % mode, repr(e))
    finally:
        if sender:
            sender.close()
        d = testbed_down(state)
        if "TB_NS_A" in tb:   # else up failed and cleaned up after itself
            check_down(tap, mode, tb, state, d)


def check_down(tap, mode, tb, state, d):
    left = [ns for ns in (tb["TB_NS_A"], tb["TB_NS_B"]) if os.path.exists("/run/netns/" + ns)]
    pid = tb.get("TB_PID")
    if pid:
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if b"tunnel_endpoint.py" in f.read():
                    left.append("endpoint pid " + pid)
        except OSError:
            pass   # gone
    tap.ok(d is not None and d.returncode == 0 and not left and not os.path.exists(state),
           "%s: testbed down left nothing behind" % mode, [d.stderr if d else ""] + left)


def main():
    modes = sys.argv[1:] or list(MODES)
    tap = KTap()
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (network namespaces)")
        return 0
    for m in modes:
        if m not in MODES:
            print("unknown mode %s (one of %s)" % (m, ", ".join(MODES)), file=sys.stderr)
            return 2

    def stop(signum, frame):
        raise SystemExit(128 + signum)   # unwinds through check_mode's finally: testbed down
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(TOTAL_LIMIT)
    try:
        for m in modes:
            reason = unavailable(m)
            if reason:
                tap.skip("%s: kernel answers through the testbed" % m, reason)
            else:
                check_mode(tap, m)
    except SystemExit as e:
        print("Bail out! interrupted (%s)" % ("time limit" if e.code == 128 + signal.SIGALRM
                                              else "signal %d" % (e.code - 128)), flush=True)
        raise
    signal.alarm(0)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
