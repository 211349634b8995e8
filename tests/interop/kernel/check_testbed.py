#!/usr/bin/python3
"""Self-test of the kernel interop testbed (testbed.sh), without ovlperf.

For each case (raw, vxlan, ipip, flannel, geneve, gretap, gretap-key; default all) it builds the
testbed, then acts from namespace A as the ovlperf sender would, on a raw AF_PACKET socket bound
to veth-a, with packets crafted by scapy: it answers B's ARP requests for 192.0.2.1 (and, in the
tunnels that carry Ethernet, those for 198.51.100.1 that arrive inside the tunnel, answered
inside the tunnel), sends one ICMP echo request in the mode's encapsulation and checks that the
echo reply comes back in the same encapsulation with the same payload and valid checksums. In
vxlan, geneve and gretap it also sends an ARP request for 198.51.100.2 inside the tunnel and
checks the ARP reply, and sends variants that must be answered (GENEVE options, a GRE checksum)
or dropped (another VNI or key, a GENEVE critical option, a wrong checksum). gretap-key is
gretap with a GRE key (TB_GRE_KEY). geneve and gretap run through the kernel's own device where
it has one, else through the userspace endpoint; the TAP lines say which. Then it tears the
testbed down and checks that nothing is left.

Usage: check_testbed.py [CASE...]      (as root)
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
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "..", "lib"))
from ovlkit.tap import Tap  # noqa: E402

from scapy.contrib.geneve import GENEVE, GeneveOptions  # noqa: E402
from scapy.layers.inet import IP, ICMP, UDP  # noqa: E402
from scapy.layers.l2 import ARP, GRE, Ether  # noqa: E402
from scapy.layers.vxlan import VXLAN  # noqa: E402
from scapy.packet import Raw  # noqa: E402

TESTBED = os.path.join(HERE, "testbed.sh")
STATE_DIR = "/tmp"
GRE_KEY = 0x0A0B0C0D
# case: (testbed mode, extra environment for testbed.sh)
CASES = {
    "raw": ("raw", {}),
    "vxlan": ("vxlan", {}),
    "ipip": ("ipip", {}),
    "flannel": ("flannel", {}),
    "geneve": ("geneve", {}),
    "gretap": ("gretap", {}),
    "gretap-key": ("gretap", {"TB_GRE_KEY": str(GRE_KEY)}),
}
L2_MODES = ("vxlan", "geneve", "gretap")   # tunnels carrying an inner Ethernet frame
ETH_P_ALL = 0x0003
ETH_P_TEB = 0x6558
PACKET_OUTGOING = 4
CLONE_NEWNET = 0x40000000
ICMP_ID = 40000
WAIT = 3.0             # seconds to wait for a reply (ARP resolution included)
BAD_WAIT = 1.0         # seconds to wait for the reply that must not come
TOTAL_LIMIT = 100      # seconds for the whole self-test
KEEP = object()        # "the testbed's own key"

libc = ctypes.CDLL(None, use_errno=True)


class KTap(Tap):
    def skip(self, desc, reason):
        self.n += 1
        self._emit("ok %d - %s # SKIP %s" % (self.n, desc, reason))


def has_module(name):
    return os.path.exists("/sys/module/" + name) or \
        subprocess.run(["modprobe", "-nq", name]).returncode == 0


def unavailable(case):
    """Why CASE cannot run on this machine, or None."""
    mode = CASES[case][0]
    tun = os.path.exists("/dev/net/tun")
    if mode in ("ipip", "flannel") and not tun:
        return "no /dev/net/tun for the userspace tunnel endpoint"
    if mode == "vxlan" and not has_module("vxlan"):
        return "this kernel has no vxlan module"
    module = {"geneve": "geneve", "gretap": "ip_gre"}.get(mode)
    if module and not tun and not has_module(module):
        return "this kernel has no %s module and there is no /dev/net/tun for the userspace " \
               "endpoint" % module
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


def out_dest_unreachs(netns):
    """ICMP destination unreachable messages the namespace's kernel has sent."""
    text = subprocess.run(["ip", "netns", "exec", netns, "cat", "/proc/net/snmp"],
                          capture_output=True, text=True, timeout=10).stdout
    rows = [line.split()[1:] for line in text.splitlines() if line.startswith("Icmp:")]
    return int(dict(zip(rows[0], rows[1]))["OutDestUnreachs"])


class Sender:
    """What ovlperf does, for one mode: ARP answering, probes, reply matching."""

    def __init__(self, tb, mode, inner_mac_b):
        self.tb, self.mode, self.inner_mac_b = tb, mode, inner_mac_b
        self.sock = packet_socket(tb["TB_NS_A"], tb["TB_IF_A"])
        self.key = int(tb["TB_GRE_KEY"]) if tb.get("TB_GRE_KEY") else None
        self.arp_answered = []          # the addresses B asked for
        self.tunnel_sports = set()      # outer UDP source ports of B's VXLAN or GENEVE frames
        self.payload = probe_payload()
        self.seq = 0

    def outer(self, dst_mac, proto=None):
        ip = IP(src=self.tb["TB_IP_A"], dst=self.tb["TB_IP_B"], ttl=64, flags="DF", id=0)
        if proto is not None:
            ip.proto = proto
        return Ether(src=self.tb["TB_MAC_A"], dst=dst_mac) / ip

    def tunnel(self, inner_frame, corrupt=None, vni=None, key=KEEP, options=0, critical=False,
               gre_csum=False):
        """inner_frame in the mode's layer-2 tunnel. vni (vxlan, geneve): default the testbed's.
        key (gretap): KEEP for the testbed's key (or none), None for none, or a key. options
        (geneve): that many bytes of options, in one TLV; critical: the C bit and a critical
        option type. gre_csum: a GRE checksum (C bit). corrupt: "udp" (a wrong, nonzero outer
        UDP checksum) or "gre" (a wrong GRE checksum)."""
        tb = self.tb
        vni = int(tb["TB_VNI"]) if vni is None else vni
        if self.mode == "gretap":
            key = self.key if key is KEEP else key
            gre = GRE(proto=ETH_P_TEB, key_present=key is not None, key=key,
                      chksum_present=gre_csum or corrupt == "gre")
            pkt = self.outer(tb["TB_MAC_B"], proto=47) / gre / inner_frame
            if corrupt == "gre":
                pkt[GRE].chksum = GRE(bytes(pkt[GRE])).chksum ^ 0x5555
            return pkt
        if self.mode == "vxlan":
            header = VXLAN(flags=0x08, vni=vni)
            dport = int(tb["TB_VXLAN_PORT"])
        else:
            opts = []
            if options:
                opts = [GeneveOptions(classid=0x0102, type=0x80 if critical else 0x01,
                                      length=options // 4 - 1,
                                      data=bytes(range(0xB0, 0xB0 + options - 4)))]
            header = GENEVE(version=0, optionlen=options // 4, critical=critical,
                            proto=ETH_P_TEB, vni=vni, options=opts)
            dport = int(tb["TB_GENEVE_PORT"])
        pkt = (self.outer(tb["TB_MAC_B"])
               / UDP(sport=0xC000 | 0x1234, dport=dport, chksum=None if corrupt == "udp" else 0)
               / header / inner_frame)
        if corrupt == "udp":
            pkt[UDP].chksum = (UDP(bytes(pkt[UDP])).chksum ^ 0x5555) or 1
        return pkt

    def probe(self, seq, corrupt=None, **variant):
        """corrupt: None, "icmp" (the echo request's checksum), "udp" (the outer UDP checksum,
        nonzero and wrong) or "gre" (the GRE checksum). variant: see tunnel()."""
        tb = self.tb
        icmp = ICMP(type=8, code=0, id=ICMP_ID, seq=seq) / Raw(self.payload)
        if corrupt == "icmp":
            icmp.chksum = ICMP(bytes(icmp)).chksum ^ 0x5555
        inner = IP(src=tb["TB_INNER_IP_A"], dst=tb["TB_INNER_IP_B"], ttl=64, id=0) / icmp
        if self.mode == "raw":
            return self.outer(tb["TB_MAC_B"]) / icmp
        if self.mode == "ipip":
            return self.outer(tb["TB_MAC_B"], proto=4) / inner
        if self.mode in L2_MODES:
            return self.tunnel(Ether(src=tb["TB_INNER_MAC_A"], dst=self.inner_mac_b) / inner,
                               corrupt=corrupt if corrupt != "icmp" else None, **variant)
        port = int(tb["TB_FLANNEL_PORT"])
        pkt = self.outer(tb["TB_MAC_B"]) / UDP(sport=port, dport=port) / inner
        if corrupt == "udp":
            pkt[UDP].chksum = (UDP(bytes(pkt[UDP])).chksum ^ 0x5555) or 1
        return pkt

    def arp_request(self, seq):
        """An ARP request for B's inner address, inside the tunnel."""
        tb = self.tb
        return self.tunnel(Ether(src=tb["TB_INNER_MAC_A"], dst="ff:ff:ff:ff:ff:ff")
                           / ARP(op=1, hwsrc=tb["TB_INNER_MAC_A"], psrc=tb["TB_INNER_IP_A"],
                                 hwdst="00:00:00:00:00:00", pdst=tb["TB_INNER_IP_B"]))

    def send(self, pkt):
        self.sock.send(bytes(pkt))

    def decap(self, frame):
        """(inner Ethernet frame, problems) if frame is B's frame in the mode's layer-2 tunnel,
        else (None, None)."""
        tb = self.tb
        if self.mode not in L2_MODES or not frame.haslayer(IP):
            return None, None
        outer = frame[IP]
        if outer.src != tb["TB_IP_B"] or outer.dst != tb["TB_IP_A"]:
            return None, None
        problems = []
        body = bytes(outer)[outer.ihl * 4:outer.len]
        if self.mode == "gretap":
            if outer.proto != 47:
                return None, None
            gre = GRE(body)
            want_key = self.key is not None
            if gre.version != 0 or gre.proto != ETH_P_TEB or gre.routing_present or \
                    gre.key_present != want_key or (want_key and gre.key != self.key):
                problems.append("GRE version %d proto 0x%04x key %s" % (
                    gre.version, gre.proto, gre.key if gre.key_present else "none"))
            if gre.chksum_present and ones_sum(body) != 0xFFFF:
                problems.append("GRE checksum")
            inner = gre.payload
        else:
            port = int(tb["TB_VXLAN_PORT" if self.mode == "vxlan" else "TB_GENEVE_PORT"])
            if outer.proto != 17 or not frame.haslayer(UDP) or frame[UDP].dport != port:
                return None, None
            self.tunnel_sports.add(frame[UDP].sport)
            if self.mode == "vxlan":
                vx = VXLAN(body[8:])
                if vx.flags != 0x08 or vx.vni != int(tb["TB_VNI"]):
                    problems.append("VXLAN flags 0x%02x VNI %d" % (vx.flags, vx.vni))
                inner = vx.payload
            else:
                gn = GENEVE(body[8:])
                if gn.version != 0 or gn.oam or gn.critical or gn.proto != ETH_P_TEB or \
                        gn.vni != int(tb["TB_VNI"]):
                    problems.append("GENEVE version %d O %d C %d proto 0x%04x VNI %d" % (
                        gn.version, gn.oam, gn.critical, gn.proto, gn.vni))
                inner = gn.payload
        if not isinstance(inner, Ether):
            return None, None
        return inner, problems

    def answer_arp(self, frame):
        """Answers an ARP request for our address, plain or inside the tunnel. True if it was
        an ARP request."""
        tb = self.tb
        inner, _ = self.decap(frame)
        if inner is not None:
            if not inner.haslayer(ARP):
                return False
            req, mine, my_mac = inner[ARP], tb["TB_INNER_IP_A"], tb["TB_INNER_MAC_A"]
        elif frame.haslayer(ARP):
            req, mine, my_mac = frame[ARP], tb["TB_IP_A"], tb["TB_MAC_A"]
        else:
            return False
        if req.op != 1:
            return False
        if req.pdst != mine:
            return True
        reply = (Ether(src=my_mac, dst=req.hwsrc)
                 / ARP(op=2, hwsrc=my_mac, psrc=mine, hwdst=req.hwsrc, pdst=req.psrc))
        if inner is not None:
            reply = self.tunnel(reply)
        self.send(reply)
        self.arp_answered.append(mine + (" (in %s)" % self.mode if inner is not None else ""))
        return True

    def arp_reply(self, frame, seqs):
        """(the ARP reply, problems) if frame carries B's ARP reply for its inner address in
        the tunnel; (None, None) for other frames."""
        tb = self.tb
        inner, problems = self.decap(frame)
        if inner is None or not inner.haslayer(ARP) or inner[ARP].op != 2 or \
                inner[ARP].psrc != tb["TB_INNER_IP_B"]:
            return None, None
        arp = inner[ARP]
        if (arp.hwsrc, arp.hwdst, arp.pdst) != (self.inner_mac_b, tb["TB_INNER_MAC_A"],
                                                tb["TB_INNER_IP_A"]):
            problems.append("ARP reply %s is-at %s to %s %s"
                            % (arp.psrc, arp.hwsrc, arp.pdst, arp.hwdst))
        if (inner.src, inner.dst) != (self.inner_mac_b, tb["TB_INNER_MAC_A"]):
            problems.append("inner MACs %s -> %s" % (inner.src, inner.dst))
        return arp, problems

    def echo_reply(self, frame, seqs):
        """(the echo reply's IP layer, a list of problems) if frame carries the echo reply to
        one of the requests seqs in the mode's encapsulation; (None, None) for other frames."""
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
            ieth, tunnel_problems = self.decap(frame)
            if ieth is None or ieth.type != 0x0800:
                return None, None
            problems += tunnel_problems
            if (ieth.src, ieth.dst) != (self.inner_mac_b, tb["TB_INNER_MAC_A"]):
                problems.append("inner MACs %s -> %s" % (ieth.src, ieth.dst))
            inner = bytes(ieth.payload)
        ip = IP(inner)
        if ip.proto != 1 or not ip.haslayer(ICMP) or ip[ICMP].type != 0 or \
                ip[ICMP].id != ICMP_ID or ip[ICMP].seq not in seqs:
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

    def exchange(self, make, match, wait):
        """Sends make(seq) now and again each second, answering B's ARP meanwhile, until
        match(frame, seqs sent) returns a result (not (None, None)): returns it, or (None,
        None) after `wait` seconds."""
        deadline = time.monotonic() + wait
        next_send, seqs = 0.0, set()
        while True:
            now = time.monotonic()
            if now >= deadline:
                return None, None
            if now >= next_send:
                self.send(make(self.seq))
                seqs.add(self.seq)
                self.seq, next_send = (self.seq + 1) & 0xFFFF, now + 1.0
            readable, _, _ = select.select([self.sock], [], [], min(deadline, next_send) - now)
            if not readable:
                continue
            data, addr = self.sock.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:   # our own frames
                continue
            frame = Ether(data)
            if self.answer_arp(frame):
                continue
            result = match(frame, seqs)
            if result[0] is not None:
                return result

    def run(self, corrupt=None, wait=WAIT, **variant):
        """Sends the echo request (again each second) and waits for the reply. Returns (ip,
        problems) of the first echo reply, or (None, None) after `wait` seconds."""
        return self.exchange(lambda seq: self.probe(seq, corrupt, **variant), self.echo_reply,
                             wait)

    def resolve(self, wait=WAIT):
        """ARP for B's inner address inside the tunnel: (the ARP reply, problems)."""
        return self.exchange(self.arp_request, self.arp_reply, wait)

    def close(self):
        self.sock.close()


def variants(case, key):
    """Probes beside the plain one: (what, probe options, answered?)."""
    if case == "geneve":
        return [("with 8 bytes of GENEVE options", {"options": 8}, True),
                ("with a critical GENEVE option (C bit)", {"options": 8, "critical": True}, False),
                ("in another VNI", {"vni": 43}, False)]
    if case == "gretap":
        return [("with a GRE checksum (C bit)", {"gre_csum": True}, True),
                ("with a GRE key (the tunnel has none)", {"key": GRE_KEY}, False)]
    if case == "gretap-key":
        return [("with a GRE checksum and the key", {"gre_csum": True}, True),
                ("without a GRE key", {"key": None}, False),
                ("with another GRE key", {"key": key + 1}, False)]
    return []


def sh(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=15)


def testbed_up(case):
    """Runs `testbed.sh up MODE` for CASE; returns its result, the TB_* variables and the state
    file (known in advance, so that the testbed is torn down even if `up` itself is
    interrupted)."""
    mode, extra = CASES[case]
    tb_id = "%d%s" % (os.getpid(), "k" if extra else "")
    env = dict(os.environ, TB_ID=tb_id, TB_STATE_DIR=STATE_DIR, **extra)
    state = os.path.join(STATE_DIR, "ovlperf-testbed.%s.%s.env" % (tb_id, mode))
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


def check_mode(tap, case):
    mode = CASES[case][0]
    sender = None
    r, tb, state = testbed_up(case)
    try:
        if not tap.ok(r.returncode == 0 and tb.get("TB_STATE") == state,
                      "%s: testbed up" % case, [r.stdout, r.stderr]):
            return
        # testbed.sh says on stderr what carries the tunnel: the kernel's device or ours.
        tap.diag(*[line for line in r.stderr.splitlines() if line.startswith("testbed: ")])
        who = {"kernel": " (the kernel's %s)" % tb.get("TB_TUNNEL_DEV"),
               "userspace": " (userspace endpoint)"}.get(tb.get("TB_ENDPOINT"), "")
        inner_mac_b = None
        if mode in L2_MODES:
            link = json.loads(sh("ip", "-n", tb["TB_NS_B"], "-j", "link", "show",
                                 tb["TB_TUNNEL_DEV"]).stdout)
            inner_mac_b = link[0]["address"]
        sender = Sender(tb, mode, inner_mac_b)
        start = time.monotonic()
        ip, problems = sender.run()
        took = time.monotonic() - start
        tap.ok(ip is not None, "%s: the kernel answered the ICMP echo request%s" % (case, who),
               "no echo reply within %.0f s; ARP answered for: %s"
               % (WAIT, sender.arp_answered or "nothing"))
        if ip is None:
            return
        tap.ok(not problems, "%s: echo reply in the same encapsulation, same payload, "
               "valid checksums" % case, problems)
        tap.diag("%s: reply after %.3f s, inner TTL %d" % (case, took, ip.ttl))
        tap.ok(tb["TB_IP_A"] in sender.arp_answered,
               "%s: B resolved 192.0.2.1 by ARP" % case, "ARP answered: %s" % sender.arp_answered)
        if mode in L2_MODES:
            tap.ok(tb["TB_INNER_IP_A"] + " (in %s)" % mode in sender.arp_answered,
                   "%s: B resolved 198.51.100.1 by ARP inside %s" % (case, mode),
                   "ARP answered: %s" % sender.arp_answered)
            arp, problems = sender.resolve()
            tap.ok(arp is not None and not problems,
                   "%s: B answered an ARP request for 198.51.100.2 inside %s with %s"
                   % (case, mode, inner_mac_b),
                   problems if arp is not None else "no ARP reply within %.0f s" % WAIT)
            if sender.tunnel_sports:
                tap.diag("%s: outer UDP source port(s) of B's %s frames: %s"
                         % (case, mode, sorted(sender.tunnel_sports)))
        if mode == "vxlan":
            fdb = json.loads(sh("bridge", "-n", tb["TB_NS_B"], "-j", "fdb", "show",
                                "dev", "vxlan0").stdout)
            tap.diag("vxlan: B's fdb afterwards: %s" % ", ".join(
                "%s -> %s%s" % (e["mac"], e.get("dst"), " " + e["state"] if e.get("state") else "")
                for e in fdb))
            tap.ok({"mac": tb["TB_INNER_MAC_A"], "dst": tb["TB_IP_A"], "state": ""}
                   in [{k: e.get(k) for k in ("mac", "dst", "state")} for e in fdb],
                   "vxlan: B learned 02:00:00:00:01:01 -> 192.0.2.1 from the probe", str(fdb))
        probes = variants(case, sender.key)
        for what, variant, answered in probes:
            if answered:
                got, problems = sender.run(**variant)
                tap.ok(got is not None and not problems, "%s: echo request %s answered"
                       % (case, what), problems if got is not None else "no echo reply")
        # The endpoints' raw sockets keep the kernel from answering with ICMP protocol (or
        # port) unreachable; nothing that was answered should have caused one either.
        unreach = out_dest_unreachs(tb["TB_NS_B"])
        tap.ok(unreach == 0, "%s: B sent no ICMP destination unreachable" % case,
               "OutDestUnreachs %d" % unreach)
        for what, variant, answered in probes:
            if not answered:
                bad, _ = sender.run(wait=BAD_WAIT, **variant)
                tap.ok(bad is None, "%s: no reply to an echo request %s" % (case, what),
                       "B answered it")
        # The kernel checks the sender's checksums: a testbed that answered anyway (e.g.
        # because a veth marked frames CHECKSUM_UNNECESSARY) would hide a sender's bugs.
        corrupts = {"vxlan": ("icmp", "udp"), "flannel": ("icmp", "udp"),
                    "geneve": ("icmp", "udp"), "gretap": ("icmp", "gre")}.get(case, ("icmp",))
        for corrupt in corrupts:
            bad, _ = sender.run(corrupt=corrupt, wait=BAD_WAIT)
            tap.ok(bad is None, "%s: no reply to a request with a wrong %s checksum"
                   % (case, {"icmp": "echo request", "udp": "outer UDP", "gre": "GRE"}[corrupt]),
                   "B answered it")
        perm = sh("ip", "-n", tb["TB_NS_B"], "neigh", "show", "nud", "permanent").stdout.strip()
        tap.ok(perm == "", "%s: no static neighbour entries in B" % case, perm)
    except Exception as e:   # report, then still tear down
        tap.ok(False, "%s: no exception" % case, repr(e))
    finally:
        if sender:
            sender.close()
        d = testbed_down(state)
        if "TB_NS_A" in tb:   # else up failed and cleaned up after itself
            check_down(tap, case, tb, state, d)


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
    modes = sys.argv[1:] or list(CASES)
    tap = KTap()
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (network namespaces)")
        return 0
    for m in modes:
        if m not in CASES:
            print("unknown case %s (one of %s)" % (m, ", ".join(CASES)), file=sys.stderr)
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
