#!/usr/bin/python3
"""Builds the hostile capture for the reflector: IN.pcap and manifest.json.

Usage: /usr/bin/python3 tests/hostile/make_capture.py --out DIR --ovlperf PATH [--mac MAC]

Frames of many kinds, valid probes among hostile and foreign ones, each kind a few times, the
repetitions interleaved, for every encapsulation the binary lists (`ovlperf -- frames --list
--json`). The frames are built here with scapy and byte patches from docs/wire-format.md and
lib/drop.h's reasons; a tunnel's own header (and a UDP tunnel's outer source port and checksum
convention) is taken from one frame `ovlperf frames` builds for it, and put in front of the inner
packets built here. The generic kinds cover every encapsulation from the catalogue's facts
(outer protocol, UDP port, overhead, inner Ethernet); each encapsulation's own faults (its
header's flags, identifier, length) are in OWN_KINDS, keyed by name: one the binary lists
without an entry there is reported in the manifest's "missing", and the suite fails. Keyed
probes are built by `ovlperf frames --key` (the sender's own tag function) and their tags
checked against SipHash-2-4-128 computed here through libsodium over the fields probe_auth.h
lists.

The reflector under test runs as tests/hostile/test_hostile.py starts it:
  reflect --vni 42 --allow 192.0.2.0/24 --allow 10.9.0.0/16 [--key DIR/key]
with its defaults otherwise (--ip 192.0.2.2, --inner-ip 198.51.100.2, inner MAC
02:00:00:00:01:02, every encapsulation on its default port), on a port whose MAC is --mac. It runs twice on the same IN.pcap, without and with the key, so every frame has an
expected outcome for each mode:

  reflect  the frame comes out turned around (the bytes expected are in the manifest)
  arp      an ARP request answered (the reply's bytes are in the manifest)
  drop     nothing comes out; the drop is counted under one of "reasons" (lib/drop.c's names).
           More than one reason is listed only where the reflector answers today and the
           reason a fix would count is open (those kinds carry a "bug" note).

Writes DIR/IN.pcap, DIR/manifest.json, DIR/key and DIR/other.key.
"""

import argparse
import ctypes
import ctypes.util
import json
import os
import random
import struct
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit import catalogue, pcap, ovlperf as ovlrun, wire  # noqa: E402
from scapy.all import ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, IPv6, Raw, fragment  # noqa: E402
from scapy.all import IPOption_EOL, IPOption_NOP  # noqa: E402

# The reflector (its defaults) and the peer that probes it (the sender's defaults).
REFL_IP, REFL_INNER_IP, REFL_INNER_MAC = "192.0.2.2", "198.51.100.2", "02:00:00:00:01:02"
PEER_MAC, PEER_IP = "02:00:00:00:00:01", "192.0.2.1"
PEER_INNER_MAC, PEER_INNER_IP = "02:00:00:00:01:01", "198.51.100.1"
VNI = 42  # reflect --vni 42: VXLAN's and GENEVE's identifier
ALLOW = ["192.0.2.0/24", "10.9.0.0/16"]
KEY = "000102030405060708090a0b0c0d0e0f"
OTHER_KEY = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
SESSION = 0x5EED0001
REPS = 3

CAT = None      # the binary's catalogue, loaded by main()
ENCAPS = ()     # its names, in its order
BROADCAST = "ff:ff:ff:ff:ff:ff"


def be16(b, o):
    return struct.unpack_from(">H", b, o)[0]


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def ip_bytes(a):
    return bytes(int(x) for x in a.split("."))


# ---------------------------------------------------------------------------------------------
# Checksums
# ---------------------------------------------------------------------------------------------

def ones_sum(data, start=0):
    if len(data) % 2:
        data = bytes(data) + b"\0"
    s = start
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def cksum(data, start=0):
    return ~ones_sum(data, start) & 0xFFFF


def set_ip_cksum(f, off):
    ihl = (f[off] & 0x0F) * 4
    f[off + 10:off + 12] = b"\0\0"
    if ihl >= 20 and off + ihl <= len(f):
        struct.pack_into(">H", f, off + 10, cksum(f[off:off + ihl]))


def l4_cksum(f, ip_off, l4_off, end, proto):
    """The UDP checksum of the datagram at l4_off..end under the IPv4 header at ip_off."""
    pseudo = bytes(f[ip_off + 12:ip_off + 20]) + struct.pack(">BBH", 0, proto, end - l4_off)
    seg = bytearray(f[l4_off:end])
    seg[6:8] = b"\0\0"
    c = cksum(pseudo + bytes(seg))
    return c or 0xFFFF


# ---------------------------------------------------------------------------------------------
# Reading frames back: where the layers are (independent of ovlperf; used on valid frames)
# ---------------------------------------------------------------------------------------------

def layers(f):
    """Offsets of a well-formed frame's layers (ovlkit.wire.layers: an outer fragment is taken
    as the baseline's, as frame_parse.c takes it), tunnels at their default options."""
    return wire.layers(f, CAT)


def turnaround(frame):
    """The reply the reflector must send: a tunnel endpoint's answer (frame.h, encap_*.c)."""
    f = bytearray(frame)
    L = layers(f)

    def swap(a, b, n):
        f[a:a + n], f[b:b + n] = f[b:b + n], f[a:a + n]

    swap(0, 6, 6)                                   # outer MACs
    if L.encap.tunnel:
        swap(L.l3 + 12, L.l3 + 16, 4)               # outer IPv4 addresses
    if L.inner_l2 is not None:
        swap(L.inner_l2, L.inner_l2 + 6, 6)         # inner MACs
    # A UDP tunnel's outer ports: a VTEP keeps them (its source port is the flow's hash);
    # flannel swaps them, which changes nothing here: both are its port in these frames.
    il3 = L.inner_l3
    swap(il3 + 12, il3 + 16, 4)                     # inner IPv4 addresses
    if L.fragment:
        return bytes(f)                             # a fragment: no transport header touched
    l4 = L.l4
    if L.l4_proto == 17:
        swap(l4, l4 + 2, 2)
    elif L.l4_proto == 6:
        # a peer's answer (RFC 9293): SEQ = its ACK, ACK = SEQ + SYN + FIN + data; SYN -> SYN-ACK,
        # FIN -> FIN-ACK, else ACK; checksum updated as RFC 1624 equation 3 over bytes 4..13
        swap(l4, l4 + 2, 2)
        old = bytes(f[l4 + 4:l4 + 14])
        seq, ack = struct.unpack_from(">II", f, l4 + 4)
        flags = f[l4 + 13]
        seg = L.inner_end - L.probe + (flags & 0x02 != 0) + (flags & 0x01 != 0)
        struct.pack_into(">II", f, l4 + 4, ack, (seq + seg) & 0xFFFFFFFF)
        f[l4 + 13] = 0x12 if flags & 0x12 == 0x02 else 0x10 | (flags & 0x01)
        new = bytes(f[l4 + 4:l4 + 14])
        hc = be16(f, l4 + 16)
        s = ones_sum(new, ones_sum(bytes(~b & 0xFF for b in old), ~hc & 0xFFFF))
        struct.pack_into(">H", f, l4 + 16, ~s & 0xFFFF)
    else:
        # echo request <-> reply, checksum updated as RFC 1624 equation 3
        old = be16(f, l4)
        f[l4] = 0 if f[l4] == 8 else 8
        new = be16(f, l4)
        hc = be16(f, l4 + 2)
        s = ones_sum(b"", (~hc & 0xFFFF) + (~old & 0xFFFF) + new)
        struct.pack_into(">H", f, l4 + 2, ~s & 0xFFFF)
    return bytes(f)


def arp_answer(f, e, arp_off, mac):
    """The ARP request at arp_off (its Ethernet header at e) turned, in place, into the reply
    from mac: arp.c's ovl_arp_answer as documented in arp.h."""
    sha = bytes(f[arp_off + 8:arp_off + 14])
    sip = bytes(f[arp_off + 14:arp_off + 18])
    tip = bytes(f[arp_off + 24:arp_off + 28])
    f[e:e + 6] = sha
    f[e + 6:e + 12] = mac_bytes(mac)
    struct.pack_into(">H", f, arp_off + 6, 2)
    f[arp_off + 8:arp_off + 14] = mac_bytes(mac)
    f[arp_off + 14:arp_off + 18] = tip
    f[arp_off + 18:arp_off + 24] = sha
    f[arp_off + 24:arp_off + 28] = sip


def plain_arp_answer(frame, refl_mac):
    f = bytearray(frame)
    arp_answer(f, 0, 18 if be16(f, 12) == 0x8100 else 14, refl_mac)
    return bytes(f)


def tunnel_arp_answer(frame, refl_mac):
    """Inner ARP in a tunnel with an inner Ethernet header: answered inside, back to the
    endpoint from our underlay address (neighbour.c): inner reply; outer MACs swapped with ours
    as source; outer IPs swapped; the tunnel header as it came, but a UDP tunnel's outer UDP
    checksum zero."""
    L = layers(frame)
    f = bytearray(frame)
    arp_answer(f, L.inner_l2, L.inner_l2 + 14, REFL_INNER_MAC)
    f[0:6], f[6:12] = f[6:12], mac_bytes(refl_mac)
    a = L.l3 + 12
    f[a:a + 4], f[a + 4:a + 8] = f[a + 4:a + 8], f[a:a + 4]
    if L.udp is not None:
        f[L.udp + 6:L.udp + 8] = b"\0\0"
    return bytes(f)


def refresh_checksums(frame):
    """Recomputes every checksum of a well-formed frame (inner first, then what covers it)."""
    f = bytearray(frame)
    L = layers(f)
    il3, l4, end = L.inner_l3, L.l4, L.inner_end
    if not L.fragment:
        if L.l4_proto == 17:
            if be16(f, l4 + 6) != 0:
                struct.pack_into(">H", f, l4 + 6, l4_cksum(f, il3, l4, end, 17))
        elif L.l4_proto == 1:
            f[l4 + 2:l4 + 4] = b"\0\0"
            struct.pack_into(">H", f, l4 + 2, cksum(f[l4:end]))
    set_ip_cksum(f, il3)
    if L.udp is not None and be16(f, L.udp + 6) != 0:
        struct.pack_into(">H", f, L.udp + 6, l4_cksum(f, L.l3, L.udp, L.l3_end, 17))
    if L.encap.tunnel:
        set_ip_cksum(f, L.l3)
    return bytes(f)


# ---------------------------------------------------------------------------------------------
# Keyed probes: the tag as probe_auth.h defines it, through libsodium
# ---------------------------------------------------------------------------------------------

class Sodium:
    def __init__(self):
        name = ctypes.util.find_library("sodium") or "libsodium.so.23"
        self.lib = ctypes.CDLL(name)
        if self.lib.sodium_init() < 0:
            raise OSError("sodium_init failed")
        self.lib.crypto_shorthash_siphashx24.argtypes = [
            ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p]

    def tag(self, key_hex, frame):
        """SipHash-2-4-128 over: magic and version/form, session, stream, sequence, transmit
        timestamp; outer source and destination; inner source and destination; inner UDP
        ports (ICMP: identifier, 0)."""
        L = layers(frame)
        p, l3, il3, l4 = L.probe, L.l3, L.inner_l3, L.l4
        ports = frame[l4:l4 + 4] if L.l4_proto == 17 else frame[l4 + 4:l4 + 6] + b"\0\0"
        msg = (frame[p:p + 2] + frame[p + 4:p + 8] + frame[p + 8:p + 10] + frame[p + 16:p + 24] +
               frame[p + 24:p + 32] + frame[l3 + 12:l3 + 20] + frame[il3 + 12:il3 + 20] + ports)
        out = ctypes.create_string_buffer(16)
        self.lib.crypto_shorthash_siphashx24(out, bytes(msg), len(msg), bytes.fromhex(key_hex))
        return out.raw


# ---------------------------------------------------------------------------------------------
# Building frames
# ---------------------------------------------------------------------------------------------

class Seq:
    n = 1000

    @classmethod
    def next(cls):
        cls.n += 1
        return cls.n


def probe_bytes(form="compact", seq=None, stream=1, session=SESSION, flags=0, tag=None,
                vf=None, magic=0xA9, length=64, tx=0x1112131415161718):
    seq = Seq.next() if seq is None else seq
    if form == "compact":
        return struct.pack(">BBHHIQ", magic, 0x11 if vf is None else vf, session & 0xFFFF,
                           stream, seq & 0xFFFFFFFF, tx)
    return struct.pack(">BBHIHHIQQQQ", magic, 0x12 if vf is None else vf, flags, session,
                       stream, length, 0, seq, tx, 0, 0) + (tag or bytes(16))


def payload(probe, total=None):
    """The probe, then the fill: byte k of the L4 payload is k & 0xFF."""
    total = len(probe) if total is None else total
    return probe + bytes(k & 0xFF for k in range(len(probe), total))


def inner_ip(src, dst, proto="udp", pl=None, sport=40000, dport=7000, icmp_type=8,
             icmp_code=0, ip_kw=None, udp_kw=None, ttl=64):
    """A scapy IPv4 packet: UDP, ICMP echo or TCP (udp_kw: the TCP header's fields, a SYN by
    default) carrying pl (a probe by default), DF clear."""
    pl = payload(probe_bytes()) if pl is None else pl
    kw = dict(src=src, dst=dst, ttl=ttl, id=0, flags=0)
    kw.update(ip_kw or {})
    ip = IP(**kw)
    if proto == "udp":
        return ip / UDP(sport=sport, dport=dport, **(udp_kw or {})) / Raw(pl)
    if proto == "icmp":
        return ip / ICMP(type=icmp_type, code=icmp_code, id=sport, seq=0) / Raw(pl)
    if proto == "tcp":
        tcp = dict(flags="S", seq=0x10000000, window=64240)
        tcp.update(udp_kw or {})
        return ip / TCP(sport=sport, dport=dport, **tcp) / Raw(pl)
    return ip / Raw(pl)


def eth(dst, src=PEER_MAC, vlan=None, etype=0x0800):
    if vlan is not None:
        return Ether(dst=dst, src=src, type=0x8100) / Dot1Q(vlan=vlan, type=etype)
    return Ether(dst=dst, src=src, type=etype)


def vxlan_header(flags=0x08, vni=VNI, reserved1=0, reserved2=0):
    return struct.pack(">BBHI", flags, (reserved1 >> 16) & 0xFF, reserved1 & 0xFFFF,
                       (vni << 8) | reserved2)


def geneve_header(ver_optlen=0x00, flags=0x00, proto=0x6558, vni=VNI, reserved=0):
    return struct.pack(">BBHI", ver_optlen, flags, proto, (vni << 8) | reserved)


class Template:
    """A tunnel's own bytes, from one frame `ovlperf frames --encap NAME` builds: its header
    (what lies between the outer IPv4 or UDP header and the inner Ethernet or IPv4 header), and
    for a UDP tunnel its outer source port and whether its outer UDP checksum is zero."""

    def __init__(self, e, frame):
        L = layers(frame)
        if L.encap.name != e.name:
            raise RuntimeError("ovlperf frames --encap %s: the frame reads as %s"
                               % (e.name, L.encap.name))
        self.header = bytes(frame[L.tunnel:L.tunnel + e.header_len]) if e.tunnel else b""
        self.sport = be16(frame, L.udp) if e.udp else None
        self.zero_csum = e.udp and be16(frame, L.udp + 6) == 0


class Builder:
    def __init__(self, refl_mac, templates):
        self.mac = refl_mac
        self.templates = templates

    def wrap(self, encap, inner, dst_mac=None, src_mac=PEER_MAC, vlan=None, outer_src=PEER_IP,
             outer_dst=REFL_IP, header=None, sport=None, port=None,
             inner_dst_mac=REFL_INNER_MAC, inner_src_mac=PEER_INNER_MAC, inner_type=0x0800,
             outer_kw=None, pad=0, tunnel_payload=None):
        """Puts inner (bytes: the inner IPv4 packet, or the baseline's only packet) into encap:
        outer IPv4 of the tunnel's protocol, its UDP header (to port, default its own), its
        header (default the template's), its inner Ethernet header when it carries one.
        tunnel_payload replaces all that follows the outer UDP header (the outer IPv4 header
        of a tunnel without UDP): the tunnel's header cut short, for one."""
        e = CAT[encap]
        dst_mac = self.mac if dst_mac is None else dst_mac
        outer_eth = eth(dst_mac, src_mac, vlan)
        if not e.tunnel:
            return bytes(outer_eth / Raw(inner)) + bytes(pad)
        okw = dict(src=outer_src, dst=outer_dst, ttl=64, id=0, flags="DF", proto=e.ip_proto)
        okw.update(outer_kw or {})
        t = self.templates[encap]
        body = t.header if header is None else header
        if e.inner_ethernet:
            body += bytes(Ether(dst=inner_dst_mac, src=inner_src_mac, type=inner_type))
        body += inner
        if tunnel_payload is not None:
            body = tunnel_payload
        if e.udp:
            u = UDP(sport=t.sport if sport is None else sport,
                    dport=e.udp_port if port is None else port)
            if t.zero_csum:
                u.chksum = 0
            f = bytes(outer_eth / IP(**okw) / u / Raw(body))
        else:
            f = bytes(outer_eth / IP(**okw) / Raw(body))
        return f + bytes(pad)

    def probe(self, encap, proto="udp", pl=None, inner_src=None, inner_dst=None, sport=40000,
              dport=7000, icmp_type=8, icmp_code=0, ip_kw=None, udp_kw=None, **wrap_kw):
        """A frame of encap whose inner packet carries pl (a fresh compact probe by default)."""
        if not CAT[encap].tunnel:
            src = wrap_kw.pop("outer_src", PEER_IP) if inner_src is None else inner_src
            dst = wrap_kw.pop("outer_dst", REFL_IP) if inner_dst is None else inner_dst
        else:
            src = PEER_INNER_IP if inner_src is None else inner_src
            dst = REFL_INNER_IP if inner_dst is None else inner_dst
        pkt = inner_ip(src, dst, proto, pl, sport, dport, icmp_type, icmp_code, ip_kw, udp_kw)
        return bytearray(self.wrap(encap, bytes(pkt), **wrap_kw))

    def fragment(self, encap, which, **wrap_kw):
        """A fragment (first or last) of a 300-byte inner UDP datagram cut at 128 bytes."""
        if not CAT[encap].tunnel:
            src = wrap_kw.pop("outer_src", PEER_IP)
            dst = wrap_kw.pop("outer_dst", REFL_IP)
        else:
            src, dst = PEER_INNER_IP, REFL_INNER_IP
        pkt = inner_ip(src, dst, "udp", payload(probe_bytes("full"), 272))
        frags = fragment(IP(bytes(pkt)), fragsize=128)
        return bytearray(self.wrap(encap, bytes(frags[0 if which == "first" else -1]),
                                   **wrap_kw))

    def arp(self, op=1, tip=REFL_IP, sha=PEER_MAC, sip=PEER_IP, dst=BROADCAST, src=PEER_MAC,
            vlan=None):
        e = eth(dst, src, vlan, 0x0806)
        return bytearray(bytes(e / ARP(op=op, hwsrc=sha, psrc=sip, pdst=tip,
                                       hwdst="00:00:00:00:00:00" if op == 1 else self.mac)))

    def tunnel_arp(self, encap, tip=REFL_INNER_IP, **wrap_kw):
        """An ARP request for tip inside a tunnel with an inner Ethernet header."""
        a = bytes(ARP(op=1, hwsrc=PEER_INNER_MAC, psrc=PEER_INNER_IP, pdst=tip))
        return bytearray(self.wrap(encap, a, inner_dst_mac=BROADCAST, inner_type=0x0806,
                                   **wrap_kw))


def patch(f, off, data, ip_fix=None):
    f = bytearray(f)
    f[off:off + len(data)] = data
    if ip_fix is not None:
        set_ip_cksum(f, ip_fix)
    return f


# ---------------------------------------------------------------------------------------------
# ovlperf frames --key
# ---------------------------------------------------------------------------------------------

class Ovlperf:
    def __init__(self, path, tmp, refl_mac):
        self.path, self.tmp, self.mac = path, tmp, refl_mac
        self.calls = 0

    def frames(self, key_path, encap, seq, extra=()):
        self.calls += 1
        return [bytearray(f) for f in ovlrun.frames(self.path, [
            "--encap", encap, "--key", key_path, "--session", str(SESSION), "--stream", "2",
            "--seq", str(seq), "--timestamp", "0x2122232425262728", "--dst-mac", self.mac,
            "--inner-size", "120"] + list(extra), self.tmp)]

    def template(self, e):
        """The tunnel's own bytes, from an unkeyed frame of it (see Template)."""
        self.calls += 1
        return Template(e, ovlrun.frames(self.path, ["--encap", e.name, "--dst-mac", self.mac,
                                                     "--inner-size", "120"], self.tmp)[0])


# ---------------------------------------------------------------------------------------------
# The kinds
# ---------------------------------------------------------------------------------------------

R = {"outcome": "reflect"}
A = {"outcome": "arp"}


def D(*reasons):
    return {"outcome": "drop", "reasons": list(reasons)}


def vxlan_kinds(kind, b, e):
    """VXLAN's own: its header's flags, reserved bits and VNI (reflect --vni 42), its port."""
    kind("vxlan-to-port-4790", lambda r: b.probe(e, port=4790), D("not-probe"))
    kind("short-vxlan-header", lambda r: bytearray(b.wrap(e, b"",
                                                        tunnel_payload=b"\x08\0\0\0"[:4 - r])),
         D("truncated-tunnel"))
    kind("short-vxlan-inner-ethernet", lambda r: bytearray(b.wrap(
        e, b"", tunnel_payload=vxlan_header() + bytes.fromhex("0200000001020200")[:6 + r])),
        D("truncated-inner-ethernet"))
    kind("vxlan-flags-0x0c", lambda r: b.probe(e, header=vxlan_header(0x0C)), D("tunnel-flags"))
    kind("vxlan-flags-i-clear", lambda r: b.probe(e, header=vxlan_header(0x00)),
         D("tunnel-flags"))
    kind("vxlan-reserved-bits", lambda r: b.probe(e, header=vxlan_header(
        0x08, reserved1=(0x800000, 0x000100, 0x000001)[r])), D("tunnel-flags"))
    kind("vxlan-vni-reserved-byte", lambda r: b.probe(e, header=vxlan_header(
        0x08, reserved2=1 << r)), D("tunnel-flags"))
    kind("vxlan-wrong-vni", lambda r: b.probe(e, header=vxlan_header(vni=(43, 0, 0xFFFFFF)[r])),
         D("tunnel-id"))


def geneve_kinds(kind, b, e):
    """GENEVE's own: version, O and C bits, protocol, VNI (reflect --vni 42), options' length,
    its port."""
    kind("geneve-to-port-6082", lambda r: b.probe(e, port=6082), D("not-probe"))
    kind("short-geneve-header", lambda r: bytearray(b.wrap(
        e, b"", tunnel_payload=geneve_header()[:2 + 2 * r])), D("truncated-tunnel"))
    kind("geneve-options-beyond-packet", lambda r: bytearray(b.wrap(
        e, b"", tunnel_payload=geneve_header(ver_optlen=0x3F - r))), D("truncated-tunnel"))
    kind("geneve-version-1", lambda r: b.probe(e, header=geneve_header(ver_optlen=0x40 << (r % 2))),
         D("tunnel-flags"))
    kind("geneve-oam-set", lambda r: b.probe(e, header=geneve_header(flags=0x80)),
         D("tunnel-flags"))
    kind("geneve-critical-set", lambda r: b.probe(e, header=geneve_header(flags=0x40)),
         D("tunnel-flags"))
    kind("geneve-protocol-not-ethernet", lambda r: b.probe(e, header=geneve_header(
        proto=(0x0800, 0x86DD, 0x6559)[r])), D("tunnel-flags"))
    kind("geneve-wrong-vni", lambda r: b.probe(e, header=geneve_header(vni=(43, 0, 0xFFFFFF)[r])),
         D("tunnel-id"))


def gretap_kinds(kind, b, e):
    """GRE-TAP's own: GRE's flags (checksum, routing, reserved, version), protocol, and lengths."""
    kind("short-gre-header", lambda r: bytearray(b.wrap(
        e, b"", tunnel_payload=b"\0\0\x65\x58"[:1 + r])), D("truncated-tunnel"))
    kind("gre-key-flag-without-key", lambda r: bytearray(b.wrap(
        e, b"", tunnel_payload=b"\x20\0\x65\x58" + bytes(r))), D("truncated-tunnel"))
    kind("gre-checksum-flag", lambda r: b.probe(e, header=b"\x80\0\x65\x58\0\0\0\0"),
         D("tunnel-flags"))
    kind("gre-routing-flag", lambda r: b.probe(e, header=b"\x40\0\x65\x58\0\0\0\0"),
         D("tunnel-flags"))
    kind("gre-version-1", lambda r: b.probe(e, header=b"\0\x01\x65\x58"), D("tunnel-flags"))
    kind("gre-reserved-bits", lambda r: b.probe(e, header=bytes([0, 0x80 >> r]) + b"\x65\x58"),
         D("tunnel-flags"))
    kind("gre-protocol-not-ethernet", lambda r: b.probe(e, header=b"\0\0" + struct.pack(
        ">H", (0x0800, 0x86DD, 0x880B)[r])), D("tunnel-flags"))


def flannel_kinds(kind, b, e):
    """flannel's own: its port, its UDP length."""
    kind("flannel-to-port-8286", lambda r: b.probe(e, port=8286, sport=8286), D("not-probe"))
    kind("flannel-outer-udp-length-below-8",
         lambda r: patch(b.probe(e), 38, struct.pack(">H", 4 + r)), D("udp-length"))


def ipip_kinds(kind, b, e):
    """IP-in-IP's own: an outer fragment has no inner header to go by."""
    kind("ipip-outer-fragment", lambda r: bytearray(b.wrap(
        e, bytes(inner_ip(PEER_INNER_IP, REFL_INNER_IP)), outer_kw={"flags": "MF"})),
        D("ip-fragment", "no-tunnel"),
        bug="an outer IP-in-IP fragment is claimed by raw and reflected (inner left unswapped)")


def raw_kinds(kind, b, e):
    """The baseline's own: a UDP datagram cut short to a tunnel's port, options, fragments."""
    for t in CAT.tunnels():
        if t.udp:
            kind("short-%s-udp-to-%s-port" % (e, t.name), lambda r, t=t: b.probe(
                e, "other", pl=struct.pack(">HH", 40000 + r, t.udp_port), ip_kw={"proto": 17}),
                D("truncated-udp"))


# Each encapsulation's own kinds, beside the generic ones: every encapsulation the binary lists
# needs an entry (None: nothing of its own); one missing is listed in the manifest and fails.
OWN_KINDS = {
    "raw": raw_kinds,
    "vxlan": vxlan_kinds,
    "ipip": ipip_kinds,
    "flannel": flannel_kinds,
    "geneve": geneve_kinds,
    "gretap": gretap_kinds,
}


def kinds(b, ovl, key_path, other_key_path, sodium):
    """(name, build(rep) -> frame, unkeyed outcome, keyed outcome, bug note or None)."""
    K = []

    def kind(name, build, unkeyed, keyed=None, bug=None):
        K.append((name, build, unkeyed, keyed if keyed is not None else unkeyed, bug))

    def pick(r, names):
        return names[r % len(names)]

    NK = D("not-keyed")
    E = list(ENCAPS)                                  # every encapsulation, in table order
    base = CAT.baseline().name                        # raw: no tunnel
    T = [e.name for e in CAT.tunnels()]               # every tunnel
    U = [e.name for e in CAT.tunnels() if e.udp]      # UDP tunnels
    # tunnels with an inner Ethernet header: ARP inside is answered (neighbour.c)
    UE = [e.name for e in CAT.tunnels() if e.inner_ethernet]
    big = max(CAT.tunnels(), key=lambda e: (e.overhead, e.inner_ethernet)).name
    enc2 = (base, T[0])
    full200 = lambda: payload(probe_bytes("full"), 172)  # noqa: E731  (200-byte inner packet)

    # ---- valid probes: answered unkeyed; without a tag, not answered keyed ----
    kind("valid-%s-udp-compact" % base, lambda r: b.probe(base), R, NK)
    kind("valid-%s-udp-full" % base, lambda r: b.probe(base, pl=full200()), R, NK)
    kind("valid-%s-icmp-echo" % base, lambda r: b.probe(base, "icmp", pl=full200()), R, NK)
    for e in T:
        kind("valid-%s-udp" % e, lambda r, e=e: b.probe(e), R, NK)
        kind("valid-%s-icmp-echo" % e, lambda r, e=e: b.probe(e, "icmp", pl=full200()), R, NK)
    for e in E:
        kind("valid-%s-vlan" % e, lambda r, e=e: b.probe(e, vlan=100), R, NK)
    kind("valid-%s-ethernet-padding" % base, lambda r: b.probe(base, pad=12), R, NK)
    # ---- TCP probes: a SYN (or PSH-ACK) carrying the probe is answered; a RST never is ----
    for e in E:
        kind("valid-%s-tcp-syn" % e, lambda r, e=e: b.probe(e, "tcp"), R, NK)
        kind("valid-%s-tcp-psh-ack" % e, lambda r, e=e: b.probe(
            e, "tcp", pl=full200(), udp_kw={"flags": "PA", "ack": 0x2000}), R, NK)
        kind("%s-tcp-rst-with-probe" % e, lambda r, e=e: b.probe(
            e, "tcp", udp_kw={"flags": "RA"}), D("tcp-rst"))
        kind("%s-tcp-bare-rst" % e, lambda r, e=e: b.probe(
            e, "tcp", pl=b"", udp_kw={"flags": "RA"}), D("tcp-rst"))
        kind("%s-tcp-bare-syn" % e, lambda r, e=e: b.probe(e, "tcp", pl=b""),
             D("not-probe"))
        kind("%s-tcp-options" % e, lambda r, e=e: b.probe(
            e, "tcp", udp_kw={"options": [("NOP", None)] * 4}), D("l4-length"))
    for e in U:
        kind("valid-%s-outer-udp-csum-zero" % e,
             lambda r, e=e: (lambda f: patch(f, layers(f).udp + 6, b"\0\0"))(b.probe(e)), R, NK)
    for e in T:
        kind("valid-%s-inner-udp-csum-zero" % e, lambda r, e=e: b.probe(e, udp_kw={"chksum": 0}),
             R, NK)
    kind("valid-full-probe-version-3", lambda r: b.probe(  # later versions append fields
        base, pl=payload(probe_bytes("full", vf=0x32), 64)), R, NK)
    kind("valid-source-in-second-allow-prefix",
         lambda r: b.probe(pick(r, E), outer_src="10.9.%d.1" % (r + 1)), R, NK)
    kind("valid-%s-jumbo-9000" % big, lambda r: b.probe(
        big, pl=payload(probe_bytes("full"), 9000 - 14 - CAT[big].overhead - 28)), R, NK)
    kind("valid-%s-first-fragment" % base, lambda r: b.fragment(base, "first"), R, NK)
    kind("valid-%s-last-fragment" % base, lambda r: b.fragment(base, "last"), R, NK)
    for e in T:
        kind("valid-%s-inner-fragment" % e, lambda r, e=e: b.fragment(e, "first"), R, NK)

    # ---- ARP ----
    kind("arp-request-for-us", lambda r: b.arp(sip="192.0.2.%d" % (10 + r)), A)
    kind("arp-request-for-us-vlan", lambda r: b.arp(sip="192.0.2.%d" % (20 + r), vlan=100), A)
    kind("arp-request-for-another-ip", lambda r: b.arp(tip="192.0.2.%d" % (30 + r)),
         D("not-ipv4"))
    kind("arp-reply-for-us", lambda r: b.arp(op=2, sip="192.0.2.%d" % (40 + r), dst=b.mac),
         D("not-ipv4"))
    kind("arp-request-broadcast-sender-mac",
         lambda r: b.arp(sha=BROADCAST, sip="192.0.2.%d" % (60 + r)),
         D("bad-source", "not-ipv4"),
         bug="ARP answered to a broadcast sender MAC: the reply is broadcast")
    kind("arp-request-multicast-sender-mac",
         lambda r: b.arp(sha="01:00:5e:00:00:%02x" % (r + 1), sip="192.0.2.%d" % (70 + r)),
         D("bad-source", "not-ipv4"),
         bug="ARP answered to a multicast sender MAC")
    for e in UE:
        kind("%s-inner-arp-for-us" % e, lambda r, e=e: b.tunnel_arp(
            e, **({"sport": 49000 + r} if CAT[e].udp else {})), A)
        kind("%s-inner-arp-for-another-ip" % e,
             lambda r, e=e: b.tunnel_arp(e, tip="198.51.100.%d" % (50 + r)), D("inner-not-ipv4"))
        kind("%s-inner-arp-outer-source-outside-allow" % e,
             lambda r, e=e: b.tunnel_arp(e, outer_src="203.0.113.%d" % (r + 1)),
             D("not-allowed", "inner-not-ipv4"),
             bug="inner ARP answered without the --allow check on the outer source")
        kind("%s-inner-arp-outer-destination-another-ip" % e,
             lambda r, e=e: b.tunnel_arp(e, outer_dst="192.0.2.%d" % (80 + r)),
             D("not-addressed", "inner-not-ipv4"),
             bug="inner ARP answered though the outer IPv4 destination is not ours; "
                 "the reply's outer source is that other address")
        kind("%s-inner-arp-outer-source-multicast" % e,
             lambda r, e=e: b.tunnel_arp(e, outer_src="224.0.0.%d" % (r + 1)),
             D("bad-source", "inner-not-ipv4"),
             bug="inner ARP answered to a multicast outer source")

    # ---- foreign frames ----
    # A well-formed IPv6 probe to a reflector of an IPv4 address is not addressed to it.
    kind("ipv6", lambda r: bytearray(bytes(
        Ether(dst=b.mac, src=PEER_MAC) / IPv6(src="2001:db8::1", dst="2001:db8::2") /
        UDP(sport=40000, dport=7000) / Raw(payload(probe_bytes())))), D("not-addressed"))
    kind("lldp", lambda r: bytearray(bytes(
        Ether(dst="01:80:c2:00:00:0e", src=PEER_MAC, type=0x88CC) /
        Raw(bytes.fromhex("020704020000000001040302000%d0602007800000000" % r)))), D("not-ipv4"))
    kind("qinq-88a8", lambda r: patch(b.probe(base, vlan=100), 12, b"\x88\xa8"), D("not-ipv4"))
    kind("double-802.1q", lambda r: bytearray(bytes(
        Ether(dst=b.mac, src=PEER_MAC, type=0x8100) / Dot1Q(vlan=100, type=0x8100) /
        Dot1Q(vlan=200) / inner_ip(PEER_IP, REFL_IP))), D("not-ipv4"))
    for e in [e.name for e in CAT.tunnels() if e.inner_ethernet]:
        kind("%s-inner-ipv6" % e, lambda r, e=e: bytearray(b.wrap(
            e, bytes(IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP() /
                     Raw(payload(probe_bytes()))), inner_type=0x86DD)),
             # inner IPv6 is parsed; this reflector's inner address is IPv4
             D("not-addressed"))
        kind("%s-inner-vlan-tag" % e, lambda r, e=e: bytearray(b.wrap(
            e, bytes(Dot1Q(vlan=5, type=0x0800) / inner_ip(PEER_INNER_IP, REFL_INNER_IP)),
            inner_type=0x8100)), D("inner-not-ipv4"))

    # ---- truncations: frames cut short (capture-style), lengths left as they were ----
    kind("cut-inside-ethernet", lambda r: b.probe(pick(r, E))[:(1, 7, 13)[r]],
         D("truncated-ethernet"))
    kind("cut-inside-vlan-tag", lambda r: b.probe(T[0], vlan=100)[:15 + r % 2],
         D("truncated-vlan"))
    for enc in CAT:   # each header's start, from the outer IPv4 header
        e = enc.name
        if not enc.tunnel:
            cuts = [("outer-ip", 10), ("udp", 20), ("probe", 28)]
        else:
            cuts, at = [("outer-ip", 10)], 20
            if enc.udp:
                cuts.append(("outer-udp", at))
                at += 8
            if enc.header_len:
                cuts.append((e, at))
                at += enc.header_len
            if enc.inner_ethernet:
                cuts.append(("inner-eth", at))
            cuts += [("inner-ip", enc.overhead), ("inner-l4", enc.overhead + 20),
                     ("probe", enc.overhead + 28)]
        for where, at in cuts + [("one-short", -1)]:
            reason = "truncated-ip" if at == 10 else "ip-total-length"
            kind("cut-%s-at-%s" % (e, where),
                 lambda r, e=e, at=at: (lambda f: f[:len(f) - 1] if at < 0 else
                                        f[:14 + at + 2 * (r % 2)])(b.probe(e)),
                 D(reason))

    # ---- truncations with consistent lengths: a short packet, each header cut ----
    def short_outer_udp(e):
        f = b.probe(e)
        return patch(f[:14 + 24], 16, struct.pack(">H", 24), ip_fix=14)
    for e in U:
        kind("short-%s-outer-udp" % e, lambda r, e=e: short_outer_udp(e), D("truncated-udp"))
    for e in T:
        kind("short-%s-inner-ip" % e, lambda r, e=e: bytearray(b.wrap(e, bytes(10 + r))),
             D("truncated-inner-ip"))
    for e in E:
        # the baseline too: the cut header's port (7000) is no tunnel's: the probe's transport
        kind("short-%s-inner-udp" % e, lambda r, e=e: b.probe(e, "other", pl=bytes(4),
                                                             ip_kw={"proto": 17}),
             D("truncated-l4"))
    kind("short-%s-icmp" % base, lambda r: b.probe(base, "other", pl=bytes([8, 0, 0, 0]),
                                                   ip_kw={"proto": 1}), D("truncated-l4"))
    for e in E:
        kind("short-%s-compact-probe" % e,
             lambda r, e=e: b.probe(e, pl=probe_bytes()[:10 + r]), D("truncated-probe"))
    kind("short-full-probe", lambda r: b.probe(base, pl=probe_bytes("full")[:40]),
         D("truncated-probe"))
    kind("probe-length-beyond-payload",
         lambda r: b.probe(pick(r, T), pl=probe_bytes("full", length=200)), D("truncated-probe"))
    kind("probe-length-below-64",
         lambda r: b.probe(pick(r + 1, T), pl=probe_bytes("full", length=32)),
         D("truncated-probe"))
    kind("payload-one-byte-magic", lambda r: b.probe(pick(r, E), pl=b"\xa9"), D("not-probe"))
    kind("payload-empty", lambda r: b.probe(pick(r + 1, E), pl=b""), D("not-probe"))

    # ---- outer header faults ----
    kind("outer-ip-version-6", lambda r: patch(b.probe(enc2[r % 2]), 14, b"\x65", ip_fix=14),
         D("ip-version"))
    kind("outer-ip-version-5", lambda r: patch(b.probe(pick(r + 1, T)), 14, b"\x55", ip_fix=14),
         D("ip-version"))
    kind("outer-ip-ihl-4", lambda r: patch(b.probe(enc2[r % 2]), 14, b"\x44"),
         D("ip-header-length"))
    kind("outer-ip-ihl-0", lambda r: patch(b.probe(pick(r + 2, T)), 14, b"\x40"),
         D("ip-header-length"))
    opts = [IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_EOL()]
    kind("outer-ip-options", lambda r: bytearray(b.wrap(
        pick(r, T), bytes(inner_ip(PEER_INNER_IP, REFL_INNER_IP)), outer_kw={"options": opts})),
        D("ip-options"))
    kind("%s-ip-options" % base, lambda r: b.probe(base, ip_kw={"options": opts}),
         D("ip-options"))
    kind("outer-ip-total-length-beyond-frame",
         lambda r: (lambda f: patch(f, 16, struct.pack(">H", len(f) - 14 + 1 + r), ip_fix=14))(
             b.probe(pick(r, E))), D("ip-total-length"))
    kind("outer-ip-total-length-below-20",
         lambda r: patch(b.probe(enc2[r % 2]), 16, struct.pack(">H", 10 + r), ip_fix=14),
         D("ip-total-length"))
    # outer protocols no tunnel in the table has: answered by no one
    protos = {e.ip_proto for e in CAT.tunnels()}
    for name, proto in (("gre", 47), ("esp", 50), ("sctp", 132)):
        if proto not in protos:
            kind("outer-proto-%s" % name, lambda r, proto=proto: b.probe(
                base, "other", pl=bytes(24), ip_kw={"proto": proto}), D("no-tunnel"))
    kind("outer-proto-6in4", lambda r: bytearray(bytes(
        eth(b.mac) / IP(src=PEER_IP, dst=REFL_IP, proto=41) /
        IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP() / Raw(payload(probe_bytes())))),
        D("no-tunnel"))
    kind("%s-sctp-fragment" % base, lambda r: b.probe(base, "other", pl=bytes(40),
                                                      ip_kw={"proto": 132, "flags": "MF"}),
         D("no-tunnel", "ip-fragment"),
         bug="an SCTP fragment is reflected: raw claims outer fragments of any protocol")
    for e in U:
        kind("%s-outer-udp-length-beyond-ip" % e,
             lambda r, e=e: (lambda f: patch(f, 38, struct.pack(">H", be16(f, 38) + 1 + r)))(
                 b.probe(e)), D("udp-length"))

    # ---- inner header faults ----
    for i, e in enumerate(T):
        v = (0x65, 0x55)[i % 2]
        # Without an inner EtherType (flannel) version 6 is read as IPv6: the IPv4 header's
        # flags byte (0) is then its next header, hop-by-hop options.
        why = "inner-ipv6-extension-header" if v == 0x65 and not CAT[e].inner_ethernet \
            else "inner-ip-version"
        kind("inner-ip-version-%x-%s" % (v >> 4, e),
             lambda r, e=e, v=v: (lambda f, L: patch(f, L.inner_l3, bytes([v]),
                                                     ip_fix=L.inner_l3))(
                 *(lambda f: (f, layers(f)))(b.probe(e))), D(why))
    kind("inner-ip-ihl-4", lambda r: (lambda f: patch(f, layers(f).inner_l3, b"\x44"))(
        b.probe(pick(r, T))), D("inner-ip-header-length"))
    for e in T:
        kind("inner-ip-options-%s" % e, lambda r, e=e: b.probe(e, ip_kw={"options": opts}),
             D("inner-ip-options"))
        kind("inner-ip-total-length-beyond-%s" % e,
             lambda r, e=e: (lambda f, L: patch(
                 f, L.inner_l3 + 2, struct.pack(">H", L.inner_end - L.inner_l3 + 2),
                 ip_fix=L.inner_l3))(*(lambda f: (f, layers(f)))(b.probe(e))),
             D("inner-ip-total-length"))
        kind("inner-proto-sctp-%s" % e,
             lambda r, e=e: b.probe(e, "other", pl=bytes(40), ip_kw={"proto": 132}),
             D("inner-proto"))
    kind("inner-proto-gre", lambda r: b.probe(pick(r, T), "other", pl=bytes(40),
                                              ip_kw={"proto": 47}), D("inner-proto"))
    kind("l4-udp-length-beyond-ip",
         lambda r: (lambda f, L: patch(f, L.l4 + 4, struct.pack(">H", L.inner_end -
                                                                L.l4 + 1)))(
             *(lambda f: (f, layers(f)))(b.probe(pick(r, E)))), D("l4-length"))
    kind("l4-udp-length-short-of-ip",  # the datagram must fill its IP packet exactly
         lambda r: (lambda f, L: patch(f, L.l4 + 4, struct.pack(">H", L.inner_end -
                                                                L.l4 - 2 - 2 * r)))(
             *(lambda f: (f, layers(f)))(b.probe(pick(r + 2, E)))), D("l4-length"))
    kind("l4-udp-length-below-8",
         lambda r: (lambda f, L: patch(f, L.l4 + 4, struct.pack(">H", 7 - r)))(
             *(lambda f: (f, layers(f)))(b.probe(pick(r + 1, E)))), D("l4-length"))
    kind("icmp-destination-unreachable", lambda r: b.probe(enc2[r % 2], "icmp", icmp_type=3),
         D("icmp-type"))
    kind("icmp-echo-code-1", lambda r: b.probe(pick(r + 2, T), "icmp", icmp_code=1),
         D("icmp-type"))
    kind("icmp-timestamp", lambda r: b.probe(pick(r + 1, T), "icmp", icmp_type=13),
         D("icmp-type"))
    kind("icmp-echo-reply-with-probe", lambda r: b.probe(pick(r, E), "icmp", icmp_type=0),
         D("icmp-type"),
         bug="an ICMP echo reply carrying a probe is answered with an echo request: a reflector "
             "and any host that answers ping bounce the packet between them forever")
    kind("not-probe-bad-magic", lambda r: b.probe(pick(r, E), pl=payload(
        probe_bytes(magic=0xA8))), D("not-probe"))
    kind("not-probe-dns", lambda r: b.probe(base, dport=53, pl=bytes.fromhex(
        "abcd01000001000000000000076578616d706c6503636f6d0000010001")), D("not-probe"))
    kind("probe-version-3-compact", lambda r: b.probe(pick(r, E), pl=payload(
        probe_bytes(vf=0x31))), D("probe-version"))
    kind("probe-form-3", lambda r: b.probe(pick(r, T), pl=payload(probe_bytes(vf=0x13), 64)),
         D("probe-version"))
    kind("probe-version-0-full", lambda r: b.probe(pick(r + 1, T), pl=payload(
        probe_bytes("full", vf=0x02))), D("probe-version"))
    kind("probe-form-0", lambda r: b.probe(pick(r + 2, T), pl=payload(probe_bytes(vf=0x10), 64)),
         D("probe-version"))

    # ---- the reflector's rules ----
    kind("destination-mac-another-host", lambda r: b.probe(
        enc2[r % 2], dst_mac="02:00:00:00:00:%02x" % (0x90 + r)), D("not-addressed"))
    kind("destination-mac-broadcast", lambda r: b.probe(pick(r, E), dst_mac=BROADCAST),
         D("not-addressed"))
    kind("destination-mac-multicast", lambda r: b.probe(pick(r, T),
                                                        dst_mac="01:00:5e:00:00:01"),
         D("not-addressed"))
    kind("outer-destination-ip-another-host", lambda r: b.probe(
        pick(r, E), outer_dst="192.0.2.%d" % (100 + r)), D("not-addressed"))
    for e in T:
        kind("inner-destination-ip-another-host-%s" % e,
             lambda r, e=e: b.probe(e, inner_dst="198.51.100.%d" % (100 + r)),
             D("not-addressed"))
    kind("source-mac-broadcast", lambda r: b.probe(pick(r, E), src_mac=BROADCAST),
         D("bad-source"))
    kind("source-mac-multicast", lambda r: b.probe(pick(r + 1, E),
                                                   src_mac="01:00:5e:00:00:01"), D("bad-source"))
    for name, src in (("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
                      ("224.0.0.1", "224.0.0.1"), ("239.1.2.3", "239.1.2.3"),
                      ("127.0.0.1", "127.0.0.1"), ("own-address", REFL_IP)):
        kind("source-ip-%s" % name,
             lambda r, src=src: b.probe(pick(r, E), outer_src=src), D("bad-source"))
    for i, e in enumerate(T):
        name, src = (("own-inner-address", REFL_INNER_IP), ("127.0.0.1", "127.0.0.1"),
                     ("255.255.255.255", "255.255.255.255"), ("224.0.0.251", "224.0.0.251"))[i % 4]
        kind("inner-source-ip-%s-%s" % (name, e), lambda r, e=e, src=src: b.probe(
            e, inner_src=src), D("bad-source"))
    for e in [e.name for e in CAT.tunnels() if e.inner_ethernet]:
        kind("%s-inner-source-mac-broadcast" % e,
             lambda r, e=e: b.probe(e, inner_src_mac=BROADCAST), D("bad-source"),
             bug="a probe from inner source MAC ff:ff:ff:ff:ff:ff is answered to the inner "
                 "broadcast address (the far VTEP floods it)")
    kind("source-outside-allow", lambda r: b.probe(
        pick(r, E), outer_src="203.0.113.%d" % (r + 1)), D("not-allowed"))
    kind("source-next-to-allow-prefix", lambda r: b.probe(
        enc2[r % 2], outer_src="192.0.3.%d" % (r + 1)), D("not-allowed"))

    # ---- each encapsulation's own ----
    for e in E:
        if OWN_KINDS.get(e):
            OWN_KINDS[e](kind, b, e)

    # ---- keyed probes (ovlperf frames --key) ----
    genuine = {}

    def keyed(encap, r, extra=(), key=key_path, seq=None):
        seq = Seq.next() if seq is None else seq
        f = ovl.frames(key, encap, seq, extra)
        if len(f) != 1:
            raise RuntimeError("frames --key %s %s: %d frames" % (encap, extra, len(f)))
        return f[0]

    def keyed_genuine(encap, extra=()):
        def build(r):
            f = keyed(encap, r, extra)
            genuine[(encap, tuple(extra), r)] = bytes(f)
            return f
        return build

    for e in E:
        kind("keyed-%s-udp" % e, keyed_genuine(e), R, R)
    kind("keyed-%s-icmp" % base, keyed_genuine(base, ("--inner-proto", "icmp")), R, R)
    for e in T:
        kind("keyed-%s-icmp" % e, keyed_genuine(e, ("--inner-proto", "icmp")), R, R)
        kind("keyed-%s-vlan" % e, keyed_genuine(e, ("--vlan", "100")), R, R)

    def with_flags(f, flags):
        f = bytearray(f)
        L = layers(f)
        struct.pack_into(">H", f, L.probe + 2, flags)
        return bytearray(refresh_checksums(f))

    kind("keyed-reflector-ts-flag-set",  # flags are not covered by the tag
         lambda r: with_flags(keyed(pick(r, T), r), 0x0003), R, R)
    kind("keyed-flag-set-tag-zero", lambda r: (lambda f, L: bytearray(refresh_checksums(
        patch(f, L.probe + 48, bytes(16)))))(*(lambda f: (f, layers(f)))(keyed(base, r))),
        R, D("bad-tag"))
    kind("keyed-forged-tag", lambda r: (lambda f, L: bytearray(refresh_checksums(patch(
        f, L.probe + 48, random.Random(r).randbytes(16)))))(
            *(lambda f: (f, layers(f)))(keyed(pick(r, T), r))), R, D("bad-tag"))

    def readdress(f, where, value):
        f = bytearray(f)
        L = layers(f)
        off = {"outer-src": L.l3 + 12, "inner-src": L.inner_l3 + 12,
               "inner-dst-port": L.l4 + 2}[where]
        f[off:off + len(value)] = value
        return bytearray(refresh_checksums(f))

    for i, e in enumerate(T):
        label, where, value = (("outer-source", "outer-src", ip_bytes("192.0.2.77")),
                               ("inner-source", "inner-src", ip_bytes("198.51.100.77")),
                               ("port", "inner-dst-port", b"\x1b\x59"))[i % 3]
        kind("keyed-readdressed-%s-%s" % (label, e),  # an outer victim is inside --allow
             lambda r, e=e, where=where, value=value: readdress(genuine[(e, (), r)], where,
                                                                value),
             R, D("bad-tag"))
    kind("keyed-readdressed-source-%s" % base,
         lambda r: readdress(genuine[(base, (), r)], "outer-src", ip_bytes("10.9.0.77")),
         R, D("bad-tag"))
    kind("keyed-sequence-changed", lambda r: (lambda f, L: bytearray(refresh_checksums(patch(
        f, L.probe + 16, struct.pack(">Q", Seq.next())))))(
            *(lambda f: (f, layers(f)))(bytearray(genuine[(base, (), r)]))), R, D("bad-tag"))
    kind("keyed-another-key", lambda r: keyed(pick(r, E), r, key=other_key_path),
         R, D("bad-tag"))
    kind("keyed-replay", lambda r: bytearray(genuine[(T[0], (), r)]), R, D("replay"))
    kind("keyed-replay-flags-changed",
         lambda r: with_flags(genuine[(pick(1, T), (), r)], 0x0003), R, D("replay"))
    kind("keyed-source-outside-allow",
         lambda r: keyed(base, r, ("--src-ip", "203.0.113.%d" % (50 + r))),
         D("not-allowed"), D("not-allowed"))
    kind("keyed-fragment",  # fragments carry no probe to check
         lambda r: ovl.frames(key_path, pick(r, E), Seq.next(),
                              ("--inner-size", "1400", "--mtu", "1000"))[0],
         R, D("not-keyed"))
    return K


# ---------------------------------------------------------------------------------------------

def is_arp(frame):
    et = be16(frame, 12)
    return et == 0x0806 or (et == 0x8100 and be16(frame, 16) == 0x0806)


def expected_out(frame, outcome, refl_mac):
    if outcome["outcome"] == "reflect":
        return turnaround(frame)
    if outcome["outcome"] == "arp":
        return plain_arp_answer(frame, refl_mac) if is_arp(frame) else \
            tunnel_arp_answer(frame, refl_mac)
    return None


def hypothetical_out(frame, refl_mac):
    """What the reflector would send if it answered a frame it should drop (for diagnosis)."""
    try:
        if is_arp(frame):
            return plain_arp_answer(frame, refl_mac) if len(frame) >= 42 else None
        L = layers(frame)
        if L.inner_l2 is not None and be16(frame, L.inner_l2 + 12) == 0x0806:
            return tunnel_arp_answer(frame, refl_mac)
        return turnaround(frame)
    except (IndexError, struct.error, KeyError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--ovlperf", required=True)
    ap.add_argument("--mac", default="02:70:63:61:70:00", help="the reflector port's MAC")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    key_path = os.path.join(args.out, "key")
    other_key_path = os.path.join(args.out, "other.key")
    with open(key_path, "w") as fh:
        fh.write(KEY + "\n")
    with open(other_key_path, "w") as fh:
        fh.write(OTHER_KEY + "\n")
    try:
        sodium = Sodium()
    except OSError as exc:
        sodium = None
        print("make_capture: libsodium not loadable (%s): tags not cross-checked" % exc,
              file=sys.stderr)

    global CAT, ENCAPS
    CAT = catalogue.load(os.path.abspath(args.ovlperf))
    ENCAPS = tuple(CAT.names())
    missing = catalogue.require(OWN_KINDS, CAT,
                                "kinds of its own (OWN_KINDS in tests/hostile/make_capture.py)")
    mac = args.mac.lower()
    with tempfile.TemporaryDirectory(prefix="ovl-hostile-") as tmp:
        ovl = Ovlperf(os.path.abspath(args.ovlperf), tmp, mac)
        b = Builder(mac, {e.name: ovl.template(e) for e in CAT.tunnels()})
        K = kinds(b, ovl, key_path, other_key_path, sodium)
        frames, entries = [], []
        # Repetitions interleaved: every kind once, then every kind again (so a replay follows
        # the genuine probe it repeats).
        for rep in range(REPS):
            for name, build, unkeyed, keyed_o, bug in K:
                f = bytes(build(rep))
                e = {"index": len(frames), "kind": name, "rep": rep, "len": len(f)}
                for mode, o in (("unkeyed", unkeyed), ("keyed", keyed_o)):
                    d = dict(o)
                    out = expected_out(f, o, b.mac)
                    if out is not None:
                        d["out"] = out.hex()
                        try:
                            d["fragment"] = o["outcome"] == "reflect" and layers(f).fragment
                        except (IndexError, struct.error):
                            d["fragment"] = False
                    e[mode] = d
                if unkeyed["outcome"] == "drop" or keyed_o["outcome"] == "drop":
                    h = hypothetical_out(f, b.mac)
                    if h is not None:
                        e["if_answered"] = h.hex()
                frames.append(f)
                entries.append(e)
        tag_checks = []
        if sodium is not None:
            for e, f in zip(entries, frames):
                if e["kind"].startswith("keyed-") and e["kind"].endswith(("-udp", "-icmp", "-vlan")):
                    L = layers(f)
                    tag_checks.append({"index": e["index"], "kind": e["kind"],
                                       "ovlperf": f[L.probe + 48:L.probe + 64].hex(),
                                       "python": sodium.tag(KEY, f).hex()})
    pcap.write(os.path.join(args.out, "IN.pcap"), frames)
    manifest = {
        "encaps": list(ENCAPS),
        "missing": missing,
        "reflector": {"mac": b.mac, "ip": REFL_IP, "inner_ip": REFL_INNER_IP, "vni": VNI,
                      "allow": ALLOW, "key": key_path, "key_hex": KEY},
        "kinds": [{"kind": n, "unkeyed": u, "keyed": k, "bug": bug} for n, _, u, k, bug in K],
        "frames": entries,
        "tag_checks": tag_checks,
        "ovlperf_frames_calls": ovl.calls,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
    print("make_capture: %d frames of %d kinds, %d ovlperf frames calls -> %s"
          % (len(frames), len(K), ovl.calls, args.out))


if __name__ == "__main__":
    main()
