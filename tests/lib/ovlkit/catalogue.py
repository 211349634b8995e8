# SPDX-License-Identifier: BSD-3-Clause
"""The encapsulations, as the binary lists them: `ovlperf -- frames --list --json`.

Nothing here knows an encapsulation by name: every fact (order, overhead, smallest frames, the
outer IPv4 protocol and UDP port of the tunnel, whether it carries an inner Ethernet header,
its options) comes from the binary's table (lib/encap/table.c), asked once per binary path.
A binary that cannot answer is an error (CatalogueError), never replaced by a list kept here.
"""

import json
import os
import subprocess

VLAN_LEN = 4
UDP_PROTO = 17
FIELDS = ("name", "summary", "overhead", "min_frame", "min_frame_keyed", "inner_ethernet",
          "ip_proto", "udp_port", "flows", "options", "overhead_ipv6", "min_frame_ipv6",
          "min_frame_keyed_ipv6", "min_frame_inner_ipv6")


class CatalogueError(Exception):
    """The binary did not list its encapsulations; the message says why."""


class Encap:
    """One encapsulation of the table. Fields as `frames --list --json` prints them:

    name, summary; overhead: bytes from the outer IPv4 header to the inner IPv4 header;
    min_frame, min_frame_keyed: smallest frames (with FCS, untagged; keyed: full probe);
    inner_ethernet: the tunnel carries Ethernet frames; ip_proto: the outer IPv4 protocol of the
    tunnel (None: no tunnel, the outer header is the probe's own); udp_port: the default UDP
    port of a UDP tunnel (else None); flows: what a multi-flow stream varies; options: the
    encapsulation's own options, dicts with name, metavar, default, min, max, help;
    overhead_ipv6, min_frame_ipv6, min_frame_keyed_ipv6: the same over an IPv6 underlay (None
    where the encapsulation is IPv4 only); min_frame_inner_ipv6: the smallest frame over IPv4
    with an inner IPv6 packet (raw: its own, having none; None where IPv4 only).
    """

    __slots__ = FIELDS

    def __init__(self, d):
        for f in FIELDS:
            setattr(self, f, d[f])

    @property
    def tunnel(self):
        """True unless the outer IPv4 header is the probe's own (raw)."""
        return self.ip_proto is not None

    @property
    def udp(self):
        """A UDP tunnel: an outer UDP header follows the outer IPv4 header."""
        return self.ip_proto == UDP_PROTO

    @property
    def header_len(self):
        """The tunnel's own header: what lies between the outer IPv4 header (and outer UDP
        header) and the inner Ethernet (or IPv4) header; 0 for raw and IP-in-IP."""
        if not self.tunnel:
            return 0
        return self.overhead - 20 - (8 if self.udp else 0) - (14 if self.inner_ethernet else 0)

    @property
    def ipv6(self):
        """The encapsulation runs over an IPv6 underlay."""
        return self.overhead_ipv6 is not None

    def smallest(self, vlan=False, keyed=False, ip6=False):
        """The smallest frame (with FCS), tagged or not, keyed (full probe) or not, over IPv4
        or IPv6."""
        if ip6:
            base = self.min_frame_keyed_ipv6 if keyed else self.min_frame_ipv6
        else:
            base = self.min_frame_keyed if keyed else self.min_frame
        return base + (VLAN_LEN if vlan else 0)

    def option(self, name):
        """The option dict of this name, or None."""
        for o in self.options:
            if o["name"] == name:
                return o
        return None

    def port_option(self):
        """The option that sets the tunnel's UDP port (the one whose default is udp_port), or
        None."""
        if not self.udp:
            return None
        for o in self.options:
            if o["default"] == self.udp_port and o["name"].endswith("port"):
                return o
        return None

    def __repr__(self):
        return "Encap(%s)" % self.name


class Catalogue:
    """The encapsulations in the table's order (the order of `--encap all`)."""

    def __init__(self, binary, doc):
        self.binary = binary
        try:
            self.encaps = [Encap(d) for d in doc["encaps"]]
        except (KeyError, TypeError) as exc:
            raise CatalogueError("%s -- frames --list --json: an entry lacks %s" % (binary, exc))
        if not self.encaps:
            raise CatalogueError("%s -- frames --list --json: no encapsulations" % binary)
        self._by_name = {e.name: e for e in self.encaps}

    def __iter__(self):
        return iter(self.encaps)

    def __len__(self):
        return len(self.encaps)

    def __getitem__(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError("%s: not an encapsulation of %s (it lists %s)"
                           % (name, self.binary, ", ".join(self.names()))) from None

    def __contains__(self, name):
        return name in self._by_name

    def names(self):
        return [e.name for e in self.encaps]

    def tunnels(self):
        """Every encapsulation with a tunnel (all but the baseline)."""
        return [e for e in self.encaps if e.tunnel]

    def baseline(self):
        """The encapsulation without a tunnel (raw): what every overhead is measured against."""
        for e in self.encaps:
            if not e.tunnel:
                return e
        raise CatalogueError("%s lists no encapsulation without a tunnel" % self.binary)

    def by_overhead(self):
        """The encapsulations from the smallest overhead to the largest (table order on ties)."""
        return sorted(self.encaps, key=lambda e: e.overhead)

    def classify(self, ip_proto, udp_dport=None, ports=None):
        """The encapsulation of an outer IPv4 packet of protocol ip_proto (to UDP port udp_dport):
        the tunnel it matches, else the baseline. ports: {name: port} for tunnels on another
        port than their default."""
        ports = ports or {}
        for e in self.encaps:
            if not e.tunnel or e.ip_proto != ip_proto:
                continue
            if not e.udp or udp_dport == ports.get(e.name, e.udp_port):
                return e
        return self.baseline()

    def parse_list(self, spec):
        """The encapsulations of an --encap value ("all" or a comma list), or ValueError."""
        if spec == "all":
            return list(self.encaps)
        out = []
        for name in spec.split(","):
            if name not in self:
                raise ValueError("'%s' is not one of %s, all" % (name, ", ".join(self.names())))
            out.append(self[name])
        return out


_cache = {}


def load(binary, timeout=60):
    """The catalogue of this binary, asked once per path. Raises CatalogueError."""
    key = os.path.abspath(binary)
    if key in _cache:
        return _cache[key]
    cmd = [binary, "--", "frames", "--list", "--json"]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CatalogueError("%s: %s" % (" ".join(cmd), exc)) from None
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    if p.returncode != 0:
        raise CatalogueError("%s: exit status %d%s: the encapsulations are listed by the binary"
                             % (" ".join(cmd), p.returncode, (" (" + err[-1] + ")") if err else ""))
    try:
        doc = json.loads(p.stdout.decode("utf-8"))
    except ValueError as exc:
        raise CatalogueError("%s: not JSON (%s)" % (" ".join(cmd), exc)) from None
    cat = _cache[key] = Catalogue(binary, doc)
    return cat


def require(table, cat, what):
    """The encapsulations of cat that have no entry in table (a dict keyed by name), as
    "NAME: no WHAT" lines: a suite with per-encapsulation checks fails on each of them."""
    return ["%s: no %s" % (e.name, what) for e in cat if e.name not in table]
