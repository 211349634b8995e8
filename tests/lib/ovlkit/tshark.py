# SPDX-License-Identifier: BSD-3-Clause
"""tshark, an independent decoder: its path and the decode-as options the catalogue calls for.

tshark finds most tunnels itself: IP-in-IP by protocol, GRE-TAP by GRE's protocol 0x6558 (as
Ethernet), VXLAN on UDP 4789 and GENEVE on 6081 by port. A UDP tunnel whose port it does not
know, and that carries no inner Ethernet header (flannel's IPv4 in UDP), needs
`-d udp.port==P,ip`; a tunnel on another port than its default needs `-d udp.port==P,DISSECTOR`
(see decode_as's ports).
"""

import shutil
import subprocess

TSHARK = shutil.which("tshark") or "/usr/bin/tshark"


def decode_as(cat, ports=None, dissectors=None):
    """tshark options for the catalogue's UDP tunnels: `-d udp.port==P,ip` for each one without
    inner Ethernet. ports: {name: port} for tunnels on another port than their default;
    dissectors: {name: tshark dissector} for those (an inner-Ethernet tunnel moved off its port
    needs its dissector named; without one, only its default port is decoded)."""
    ports, dissectors = ports or {}, dissectors or {}
    out = []
    for e in cat:
        if not e.udp:
            continue
        port = ports.get(e.name, e.udp_port)
        if not e.inner_ethernet:
            out += ["-d", "udp.port==%d,ip" % port]
        elif port != e.udp_port and e.name in dissectors:
            out += ["-d", "udp.port==%d,%s" % (port, dissectors[e.name])]
    return out


def protocols(e, vlan, l4):
    """tshark's frame.protocols for a frame of encapsulation e (vlan tagged or not) whose inner
    packet carries l4 ("udp" or "icmp") with its payload shown as data. A UDP tunnel with an
    inner Ethernet header appears as tshark's dissector of that name (vxlan, geneve: the
    encapsulation's name is the protocol's), GRE as gre; IP-in-IP and a UDP tunnel of IPv4
    (flannel, decoded as ip) have no layer of their own."""
    eth = "eth:ethertype:vlan:ethertype" if vlan else "eth:ethertype"
    parts = [eth, "ip"]
    if e.tunnel:
        if e.udp:
            parts.append("udp")
            if e.inner_ethernet:
                parts.append(e.name)
        elif e.ip_proto == 47:
            parts.append("gre")
        if e.inner_ethernet:
            parts.append("eth:ethertype")
        parts.append("ip")
    parts += [l4, "data"]
    return ":".join(parts)


def fields(path, cat, names):
    """tshark's fields names of each frame of the capture at path, as dicts of strings (every
    occurrence, comma-separated), checksums checked (TCP's too), the catalogue's tunnels decoded
    and the probe's UDP port 7000 shown as data."""
    cmd = [TSHARK, "-r", path, "-n", "-T", "fields", "-E", "occurrence=a",
           "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
           "-o", "tcp.check_checksum:TRUE",
           "--disable-protocol", "hipercontracer", "-d", "udp.port==7000,data"] + \
        decode_as(cat) + sum([["-e", f] for f in names], [])
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("tshark: %s" % r.stderr.decode()[-300:])
    return [dict(zip(names, line.split("\t"))) for line in r.stdout.decode().splitlines()]
