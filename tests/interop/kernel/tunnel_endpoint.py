#!/usr/bin/python3
"""A userspace tunnel endpoint for kernels without the ipip/fou modules.

Runs inside the testbed's namespace B and hands inner IPv4 packets to the kernel through a TUN
device, so the kernel itself answers (ICMP echo) as it would behind a real tunnel:

  flannel  as flanneld's UDP backend: a UDP socket on LOCAL:PORT (8285); each datagram's payload
           is an inner IPv4 packet. Like flanneld, the inner TTL is decremented in both
           directions (a packet whose TTL would reach 0 is dropped).
  ipip     a raw IPPROTO_IPIP socket: the kernel delivers outer IPv4 + inner packet; the outer
           header is stripped. Replies go out with sendto(), the kernel adds the outer header
           (protocol 4). Because a raw socket takes protocol 4, the kernel sends no ICMP
           "protocol unreachable" for it.

Packets read from the TUN go to the peer learned from the last received packet (its underlay
address and, for flannel, its UDP port); before anything was received they are dropped.

Usage: tunnel_endpoint.py --mode flannel|ipip --tun NAME --local 192.0.2.2
                          --inner 198.51.100.2/24 [--port 8285] [--mtu 1500]
Prints "ready" on stdout once the TUN is up and the socket bound; exits on SIGTERM/SIGINT.
"""

import argparse
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
IFF_NO_PI = 0x1000
OVERHEAD = {"flannel": 28, "ipip": 20}   # outer IPv4 (+ UDP) added to the inner packet


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


def ip(*args):
    subprocess.run(["ip"] + list(args), check=True)


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("flannel", "ipip"), required=True)
    ap.add_argument("--tun", required=True)
    ap.add_argument("--local", required=True, help="underlay address to bind")
    ap.add_argument("--inner", required=True, help="inner address/prefix for the TUN")
    ap.add_argument("--port", type=int, default=8285, help="flannel UDP port")
    ap.add_argument("--mtu", type=int, default=1500, help="underlay MTU")
    args = ap.parse_args()

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tun = open_tun(args.tun)
    if args.mode == "flannel":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((args.local, args.port))
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IPIP)
        sock.bind((args.local, 0))
    try:
        # The inner MTU as a real tunnel device would have it, so replies fit the underlay.
        ip("link", "set", "dev", args.tun, "mtu", str(args.mtu - OVERHEAD[args.mode]))
        ip("addr", "add", args.inner, "dev", args.tun)
        ip("link", "set", "dev", args.tun, "up")
        print("ready", flush=True)

        peer = None
        while True:
            readable, _, _ = select.select([tun, sock], [], [])
            if sock in readable:
                data, addr = sock.recvfrom(65535)
                if args.mode == "ipip":
                    data = data[(data[0] & 0x0F) * 4:]   # strip the outer header (its IHL)
                    addr = (addr[0], 0)
                else:
                    data = decrement_ttl(data)
                if data is not None and is_ipv4(data):
                    peer = addr
                    try:
                        os.write(tun, data)
                    except OSError as e:   # a malformed inner packet
                        print("tun write failed: %s" % e, file=sys.stderr, flush=True)
            if tun in readable:
                data = os.read(tun, 65535)
                if args.mode == "flannel":
                    data = decrement_ttl(data)
                if peer is None or data is None or not is_ipv4(data):
                    continue
                try:
                    sock.sendto(data, peer)
                except OSError as e:   # e.g. EMSGSIZE, or no ARP answer (EHOSTUNREACH)
                    print("send to %s failed: %s" % (peer[0], e), file=sys.stderr, flush=True)
    finally:
        sock.close()
        os.close(tun)   # a non-persistent TUN device disappears with its last fd


if __name__ == "__main__":
    main()
