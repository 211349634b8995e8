# SPDX-License-Identifier: BSD-3-Clause
"""Frames and probes read here from docs/wire-format.md and the catalogue, never from ovlperf's
sources: the tests' own reading of the wire format.

  layers(frame, cat)   where a well-formed frame's layers are (offsets only, nothing checked)
  decode(frame, cat)   its fields, or ValueError saying what is wrong
  parse_probe(bytes)   the probe at the start of an L4 payload
  inner_checksums(frame, layers)   whether the inner IPv4 and L4 checksums are right
"""

import struct

ETH_LEN = 14
VLAN_TPID = 0x8100
TCP_PROTO = 6
ETHERTYPE_IPV4 = 0x0800
PROBE_MAGIC = 0xA9
COMPACT_PROBE_LEN = 18
FULL_PROBE_LEN = 64


def be16(b, off):
    return struct.unpack_from(">H", b, off)[0]


def ip4(b):
    """Dotted quad of 4 bytes."""
    return "%d.%d.%d.%d" % (b[0], b[1], b[2], b[3])


def ip_bytes(a):
    return bytes(int(x) for x in a.split("."))


class Layers:
    """Offsets of a frame's layers (None where a layer is absent):

    vlan (the tag's VLAN id), l3 (outer IPv4 header), l3_end, outer_proto, encap (a catalogue
    entry), udp (the outer UDP header of a UDP tunnel), tunnel (the tunnel's own header, header_len
    bytes), inner_l2 (inner Ethernet header), inner_l3, inner_end, fragment (the inner packet is
    a fragment), l4, l4_proto, probe (the L4 payload: l4 + 8; TCP's after its data offset).
    """

    __slots__ = ("vlan", "l3", "l3_end", "outer_proto", "encap", "udp", "tunnel", "inner_l2",
                 "inner_l3", "inner_end", "fragment", "l4", "l4_proto", "probe")


def layers(frame, cat, ports=None):
    """Where the layers of a well-formed frame are. The encapsulation is the catalogue's tunnel
    whose outer protocol (and UDP destination port; ports: {name: port} for tunnels on another
    port than their default) the frame carries, else the baseline (raw); an outer fragment has
    no tunnel header to go by and is taken as the baseline's, as the receiver takes it."""
    L = Layers()
    et, off = be16(frame, 12), ETH_LEN
    L.vlan = None
    if et == VLAN_TPID:
        L.vlan = be16(frame, 14) & 0x0FFF
        et, off = be16(frame, 16), ETH_LEN + 4
    L.l3 = off
    ihl = (frame[off] & 0x0F) * 4
    L.outer_proto = frame[off + 9]
    L.l3_end = off + be16(frame, off + 2)
    L.udp = L.tunnel = L.inner_l2 = None
    if be16(frame, off + 6) & 0x3FFF:
        e = cat.baseline()
    else:
        dport = be16(frame, off + ihl + 2) if L.outer_proto == 17 else None
        e = cat.classify(L.outer_proto, dport, ports)
    L.encap = e
    if e.tunnel:
        p = off + ihl
        if e.udp:
            L.udp = p
            p += 8
        L.tunnel = p
        p += e.header_len
        if e.inner_ethernet:
            L.inner_l2 = p
            p += ETH_LEN
        L.inner_l3 = p
    else:
        L.inner_l3 = off
    il3 = L.inner_l3
    L.inner_end = il3 + be16(frame, il3 + 2)
    L.fragment = (be16(frame, il3 + 6) & 0x3FFF) != 0
    L.l4 = il3 + (frame[il3] & 0x0F) * 4
    L.l4_proto = frame[il3 + 9]
    L.probe = L.l4 + l4_header_len(frame, L.l4, L.l4_proto)
    return L


def l4_header_len(frame, l4, proto):
    """The transport header at l4: TCP's by its data offset (RFC 9293), UDP's and ICMP echo's 8."""
    if proto == TCP_PROTO and l4 + 13 <= len(frame):
        return (frame[l4 + 12] >> 4) * 4
    return 8


def ones_sum(data):
    """The 16-bit ones' complement sum of data (RFC 1071), not yet complemented."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def inner_checksums(frame, L):
    """(IPv4 header checksum right, L4 checksum right) of the inner packet at L (layers()):
    what a receiver checks, computed here from RFC 791, 768 and 792. A UDP checksum of 0 (none)
    counts as right."""
    il3, end = L.inner_l3, L.inner_end
    ip_ok = ones_sum(frame[il3:L.l4]) == 0xFFFF
    l4 = frame[L.l4:end]
    if L.l4_proto == 17:
        if be16(frame, L.l4 + 6) == 0:
            return ip_ok, True
        pseudo = frame[il3 + 12:il3 + 20] + struct.pack("!BBH", 0, 17, len(l4))
        return ip_ok, ones_sum(pseudo + l4) == 0xFFFF
    if L.l4_proto == TCP_PROTO:
        pseudo = frame[il3 + 12:il3 + 20] + struct.pack("!BBH", 0, TCP_PROTO, len(l4))
        return ip_ok, ones_sum(pseudo + l4) == 0xFFFF
    return ip_ok, ones_sum(l4) == 0xFFFF


class Frame:
    """One frame's decoded fields (None where a layer is absent). encap is the name; the
    offsets (inner_ip, l4, probe, and layers' others in .layers) index the frame's bytes."""
    __slots__ = ("encap", "layers", "vlan", "outer_src", "outer_dst", "outer_proto",
                 "outer_sport", "outer_dport", "inner_ip", "inner_src", "inner_dst",
                 "inner_proto", "frag_offset", "more_frags", "inner_total", "ip_id", "l4_payload",
                 "l4", "probe", "payload", "udp_len", "wire_len")


def decode(frame, cat, ports=None):
    """Decodes an ovlperf frame into a Frame, or raises ValueError saying what is wrong.

    l4_payload: inner L4 payload bytes carried by this frame (for a first fragment: after the
    8-byte UDP/ICMP header; for a later fragment: all of its IP payload).
    """
    f = Frame()
    f.wire_len = len(frame)
    if len(frame) < ETH_LEN + 20:
        raise ValueError("%d bytes: no room for Ethernet and IPv4" % len(frame))
    et = be16(frame, 12)
    if et == VLAN_TPID:
        et = be16(frame, 16)
    if et != ETHERTYPE_IPV4:
        raise ValueError("ethertype 0x%04x is not IPv4" % et)
    L = layers(frame, cat, ports)
    f.layers, f.vlan, f.encap = L, L.vlan, L.encap.name
    l3 = L.l3
    if frame[l3] >> 4 != 4 or (frame[l3] & 0x0F) < 5:
        raise ValueError("outer header is not IPv4")
    f.outer_proto = frame[l3 + 9]
    f.outer_src, f.outer_dst = ip4(frame[l3 + 12:l3 + 16]), ip4(frame[l3 + 16:l3 + 20])
    f.outer_sport = f.outer_dport = None
    if L.udp is not None:
        f.outer_sport, f.outer_dport = struct.unpack_from("!HH", frame, L.udp)
    if L.inner_l2 is not None and be16(frame, L.inner_l2 + 12) != ETHERTYPE_IPV4:
        raise ValueError("%s inner ethertype is not IPv4" % f.encap)
    inner = f.inner_ip = L.inner_l3
    if inner + 20 > len(frame):
        raise ValueError("%s: the inner IPv4 header at %d runs past the frame" % (f.encap, inner))
    iihl = (frame[inner] & 0x0F) * 4
    if frame[inner] >> 4 != 4 or iihl < 20:
        raise ValueError("inner header is not IPv4")
    f.inner_total = be16(frame, inner + 2)
    f.ip_id = be16(frame, inner + 4)
    fl = be16(frame, inner + 6)
    f.more_frags = bool(fl & 0x2000)
    f.frag_offset = (fl & 0x1FFF) * 8
    f.inner_proto = frame[inner + 9]
    f.inner_src, f.inner_dst = ip4(frame[inner + 12:inner + 16]), ip4(frame[inner + 16:inner + 20])
    if inner + f.inner_total > len(frame):
        raise ValueError("inner IP length %d runs past the frame" % f.inner_total)
    ip_payload = f.inner_total - iihl
    f.l4 = inner + iihl
    f.probe = f.payload = f.udp_len = None
    if f.frag_offset == 0:
        hdr = l4_header_len(frame, f.l4, f.inner_proto)
        f.l4_payload = ip_payload - hdr
        if f.inner_proto == 17:
            f.udp_len = be16(frame, f.l4 + 4)
        f.probe = f.l4 + hdr
        f.payload = frame[f.probe:inner + f.inner_total]
    else:
        f.l4_payload = ip_payload
    return f


def parse_probe(p):
    """The probe fields from the L4 payload's first bytes (docs/wire-format.md, "The probe")."""
    if len(p) < COMPACT_PROBE_LEN or p[0] != PROBE_MAGIC:
        raise ValueError("no probe magic")
    form = p[1] & 0x0F
    if p[1] >> 4 != 1:
        raise ValueError("probe version %d" % (p[1] >> 4))
    if form == 1:
        tag, stream, seq, ts = struct.unpack_from("!HHIQ", p, 2)
        return dict(form="compact", session=tag, stream=stream, seq=seq, ts=ts,
                    length=COMPACT_PROBE_LEN)
    if form == 2:
        if len(p) < FULL_PROBE_LEN:
            raise ValueError("full probe in %d bytes" % len(p))
        flags, session, stream, plen, _, seq, ts, rrx, rtx = struct.unpack_from("!HIHHIQQQQ", p, 2)
        return dict(form="full", flags=flags, session=session, stream=stream, seq=seq, ts=ts,
                    length=plen, reflector_rx=rrx, reflector_tx=rtx)
    raise ValueError("probe form %d" % form)


def fill_ok(payload, probe_len):
    """True if every byte after the probe holds its offset & 0xFF."""
    for k in range(probe_len, len(payload)):
        if payload[k] != (k & 0xFF):
            return False
    return True
