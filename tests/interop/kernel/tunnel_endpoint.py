#!/usr/bin/python3
"""A userspace tunnel endpoint for kernels without the ipip/fou/geneve/gre modules.

Runs inside the testbed's namespace B and hands the decapsulated packets to the kernel through a
TUN device (layer 3: inner IPv4 packets) or a TAP device (layer 2: inner Ethernet frames), so the
kernel itself answers (ARP, ICMP echo) as it would behind a real tunnel device:

  flannel  (TUN) as flanneld's UDP backend: a UDP socket on LOCAL:PORT (8285); each datagram's
           payload is an inner IPv4 packet. Like flanneld, the inner TTL is decremented in both
           directions (a packet whose TTL would reach 0 is dropped).
  ipip     (TUN) a raw IPPROTO_IPIP socket: the kernel delivers outer IPv4 + inner packet; the
           outer header is stripped. Replies go out with sendto(), the kernel adds the outer
           header (protocol 4).
  geneve   (TAP) RFC 8926: a UDP socket on LOCAL:PORT (6081). Accepted: version 0, protocol
           0x6558 (Transparent Ethernet Bridging), VNI = --vni; the options (opt len, in 4-byte
           units) are skipped. Like Linux's geneve device (without external/collect_md), a
           packet with the C bit (critical options present) is dropped, because no option is
           understood, and the O bit (OAM) is not looked at. Frames read from the TAP go out
           with an 8-byte header (no options, O and C clear, the same VNI) from LOCAL:PORT,
           i.e. a fixed UDP source port, to the peer's PORT (6081), as RFC 8926 sends to the
           well-known port whatever the peer's source port was.
  gretap   (TAP) RFC 2784/2890: a raw IPPROTO_GRE socket: the kernel delivers outer IPv4 + GRE.
           Accepted, as by Linux's gretap device: version 0, R bit clear, protocol 0x6558, a key
           present if and only if --key K is given and then equal to K; a checksum (C bit) is
           verified, a sequence number (S bit) skipped. Replies go out with sendto(), the kernel
           adds the outer IPv4 header (protocol 47): GRE flags 0, or K with the key when --key
           is given.

The raw sockets take protocols 4 and 47, so the kernel, which has no handler for them, sends no
ICMP "protocol unreachable"; the UDP sockets do the same for their ports.

The TAP device gets --mac and the inner address, so the kernel answers ARP for that address
through the tunnel (and ARPs for its peers through it).

Packets read from the device go to the peer learned from the last accepted packet (its
underlay address and, for flannel, its UDP port); before anything was accepted they are dropped.
Drops are counted by reason and printed on exit.

Usage: tunnel_endpoint.py --mode flannel|ipip|geneve|gretap --dev NAME --local 192.0.2.2
                          --inner 198.51.100.2/24 [--mac MAC] [--port P] [--vni N] [--key K]
                          [--mtu 1500]
Prints "ready" on stdout once the device is up and the socket bound; exits on SIGTERM/SIGINT.
"""

import argparse
import collections
import fcntl
import os
import select
import signal
import socket
import struct
import subprocess
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
SO_RCVBUFFORCE = 33         # SO_RCVBUF beyond net.core.rmem_max (CAP_NET_ADMIN)
RCVBUF = 4 << 20            # about 100 ms of 2 kpps bursts and scheduling stalls, and more
ETH_P_TEB = 0x6558          # Transparent Ethernet Bridging: the payload is an Ethernet frame
IPPROTO_GRE = 47
GRE_C, GRE_R, GRE_K, GRE_S, GRE_VERSION = 0x8000, 0x4000, 0x2000, 0x1000, 0x0007
GENEVE_VERSION_MASK, GENEVE_OPTLEN_MASK = 0xC0, 0x3F   # first byte: Ver (2 bits), Opt Len (6)
GENEVE_O, GENEVE_C = 0x80, 0x40                        # second byte
LAYER2 = ("geneve", "gretap")
DEFAULT_PORT = {"flannel": 8285, "geneve": 6081}


def overhead(mode, key):
    """Bytes a tunnel adds to the device's MTU-sized packet: outer IPv4 (+ UDP, + tunnel
    header, + inner Ethernet for the layer-2 tunnels). The device's MTU is the underlay MTU
    minus this, as a kernel tunnel device has it (vxlan and geneve 50, gretap 38 or 42)."""
    return {"flannel": 28, "ipip": 20, "geneve": 20 + 8 + 8 + 14,
            "gretap": 20 + (8 if key is not None else 4) + 14}[mode]


def open_dev(name, tap):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH", name.encode(), (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


def ip(*args):
    subprocess.run(["ip"] + list(args), check=True)


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def decrement_ttl(pkt):
    """flanneld's behaviour: TTL - 1 with an incremental checksum update (RFC 1624).
    Returns the new packet, or None when the TTL would reach 0."""
    if not is_ipv4(pkt) or pkt[8] <= 1:
        return None
    b = bytearray(pkt)
    old = (b[8] << 8) | b[9]
    b[8] -= 1
    new = (b[8] << 8) | b[9]
    csum = (~((b[10] << 8) | b[11])) & 0xFFFF
    csum += (~old & 0xFFFF) + new
    while csum >> 16:
        csum = (csum & 0xFFFF) + (csum >> 16)
    csum = ~csum & 0xFFFF
    b[10], b[11] = csum >> 8, csum & 0xFF
    return bytes(b)


def is_ipv4(pkt):
    return len(pkt) >= 20 and pkt[0] >> 4 == 4


def geneve_decap(data, vni):
    """data: the UDP payload. Returns (inner Ethernet frame, None) or (None, drop reason)."""
    if len(data) < 8:
        return None, "geneve: short header"
    if data[0] & GENEVE_VERSION_MASK:
        return None, "geneve: version %d" % (data[0] >> 6)
    hlen = 8 + (data[0] & GENEVE_OPTLEN_MASK) * 4
    if len(data) < hlen + 14:
        return None, "geneve: shorter than its options and an Ethernet header"
    if data[1] & GENEVE_C:
        return None, "geneve: critical options (C bit)"
    if struct.unpack("!H", data[2:4])[0] != ETH_P_TEB:
        return None, "geneve: protocol not 0x6558"
    if struct.unpack("!I", data[4:8])[0] >> 8 != vni:
        return None, "geneve: other VNI"
    return data[hlen:], None


def geneve_encap(frame, vni):
    return struct.pack("!BBHI", 0, 0, ETH_P_TEB, vni << 8) + frame


def gre_decap(data, key):
    """data: outer IPv4 + GRE + frame, as a raw socket reads it. Returns (frame, None) or
    (None, drop reason)."""
    ihl = (data[0] & 0x0F) * 4
    total = struct.unpack("!H", data[2:4])[0]
    gre = data[ihl:total]
    if len(gre) < 4:
        return None, "gre: short header"
    flags, proto = struct.unpack("!HH", gre[:4])
    if flags & GRE_VERSION:
        return None, "gre: version %d" % (flags & GRE_VERSION)
    if flags & GRE_R:
        return None, "gre: routing present (R bit)"
    if proto != ETH_P_TEB:
        return None, "gre: protocol not 0x6558"
    hlen = 4 + 4 * bool(flags & GRE_C) + 4 * bool(flags & GRE_K) + 4 * bool(flags & GRE_S)
    if len(gre) < hlen + 14:
        return None, "gre: shorter than its header and an Ethernet header"
    if flags & GRE_C and ones_sum(gre) != 0xFFFF:   # over GRE header and payload (RFC 2784)
        return None, "gre: wrong checksum"
    if bool(flags & GRE_K) != (key is not None):
        return None, "gre: key %s" % ("present" if key is None else "missing")
    if key is not None:
        at = 8 if flags & GRE_C else 4
        if struct.unpack("!I", gre[at:at + 4])[0] != key:
            return None, "gre: other key"
    return gre[hlen:], None


def gre_encap(frame, key):
    if key is None:
        return struct.pack("!HH", 0, ETH_P_TEB) + frame
    return struct.pack("!HHI", GRE_K, ETH_P_TEB, key) + frame


def number(text):
    return int(text, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("flannel", "ipip", "geneve", "gretap"), required=True)
    ap.add_argument("--dev", "--tun", dest="dev", required=True, help="TUN/TAP device name")
    ap.add_argument("--local", required=True, help="underlay address to bind")
    ap.add_argument("--inner", required=True, help="inner address/prefix for the device")
    ap.add_argument("--mac", help="the TAP device's MAC (geneve, gretap)")
    ap.add_argument("--port", type=int, help="UDP port (flannel 8285, geneve 6081)")
    ap.add_argument("--vni", type=number, default=42, help="geneve VNI (default 42)")
    ap.add_argument("--key", type=number, help="gretap: GRE key (K bit); default no key")
    ap.add_argument("--mtu", type=int, default=1500, help="underlay MTU")
    args = ap.parse_args()
    layer2 = args.mode in LAYER2
    port = args.port if args.port is not None else DEFAULT_PORT.get(args.mode)
    if not 0 <= args.vni < 1 << 24:
        ap.error("--vni is 0..16777215")
    if args.key is not None and (args.mode != "gretap" or not 0 <= args.key < 1 << 32):
        ap.error("--key is for gretap, 0..4294967295")

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    dev = open_dev(args.dev, layer2)
    if args.mode in ("flannel", "geneve"):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((args.local, port))
    else:
        proto = socket.IPPROTO_IPIP if args.mode == "ipip" else IPPROTO_GRE
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
        sock.bind((args.local, 0))
    # The default buffer (rmem_max, 208 KiB: about 200 small packets) overflowed when this
    # process was kept off the CPU for ~0.1 s on a busy 2-CPU machine.
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
    drops = collections.Counter()
    try:
        # The inner MTU as a real tunnel device would have it, so replies fit the underlay.
        ip("link", "set", "dev", args.dev, "mtu", str(args.mtu - overhead(args.mode, args.key)))
        if layer2 and args.mac:
            ip("link", "set", "dev", args.dev, "address", args.mac)
        ip("addr", "add", args.inner, "dev", args.dev)
        ip("link", "set", "dev", args.dev, "up")
        print("ready", flush=True)

        peer = None
        while True:
            readable, _, _ = select.select([dev, sock], [], [])
            if sock in readable:
                data, addr = sock.recvfrom(65535)
                why = None
                if args.mode == "ipip":
                    data = data[(data[0] & 0x0F) * 4:]   # strip the outer header (its IHL)
                    addr = (addr[0], 0)
                elif args.mode == "flannel":
                    data = decrement_ttl(data)
                elif args.mode == "geneve":
                    data, why = geneve_decap(data, args.vni)
                    addr = (addr[0], port)   # replies go to the well-known port
                else:
                    data, why = gre_decap(data, args.key)
                    addr = (addr[0], 0)
                if data is None or (not layer2 and not is_ipv4(data)):
                    drops[why or "not an IPv4 packet (or TTL expired)"] += 1
                else:
                    peer = addr
                    try:
                        os.write(dev, data)
                    except OSError as e:   # a malformed inner packet
                        print("device write failed: %s" % e, file=sys.stderr, flush=True)
            if dev in readable:
                data = os.read(dev, 65535)
                if args.mode == "flannel":
                    data = decrement_ttl(data)
                if peer is None or data is None or (not layer2 and not is_ipv4(data)):
                    continue
                if args.mode == "geneve":
                    data = geneve_encap(data, args.vni)
                elif args.mode == "gretap":
                    data = gre_encap(data, args.key)
                try:
                    sock.sendto(data, peer)
                except OSError as e:   # e.g. EMSGSIZE, or no ARP answer (EHOSTUNREACH)
                    print("send to %s failed: %s" % (peer[0], e), file=sys.stderr, flush=True)
    finally:
        if drops:
            print("dropped: " + ", ".join("%s: %d" % kv for kv in sorted(drops.items())),
                  file=sys.stderr, flush=True)
        sock.close()
        os.close(dev)   # a non-persistent TUN/TAP device disappears with its last fd


if __name__ == "__main__":
    main()
