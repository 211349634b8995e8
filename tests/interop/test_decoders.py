#!/usr/bin/python3
"""Independent decoders agree with ovlperf.

Usage:
  /usr/bin/python3 tests/interop/test_decoders.py PATH_TO_OVLPERF      (e.g. build/app/ovlperf)
  /usr/bin/python3 tests/interop/test_decoders.py --self-test

Runs `ovlperf frames ... --pcap FILE --quiet` for every encapsulation the binary lists
(`ovlperf -- frames --list --json`: names, overheads, smallest frames, outer protocol, UDP port,
inner Ethernet), with and without a VLAN tag, for UDP and ICMP, at several sizes, with a
non-default option set, with fragmentation and with invalid sizes, and checks every frame with
two decoders that share no code with ovlperf: tshark (its JSON output) and scapy (its layers,
plus checksums recomputed by scapy). Every expectation is computed here from the parameters
passed, the catalogue and docs/wire-format.md, never from ovlperf's frames. The outer layers,
inner Ethernet and inner packet are checked the same way for every encapsulation; what is a
tunnel's own (its header's fields, its outer UDP source port and checksum, its options) is in
TUNNELS, keyed by name: an encapsulation the binary lists without an entry there fails the suite
("NAME: no decoder checks"). Output is TAP; the exit status is non-zero if any check fails.
Nothing is skipped: a missing tshark or scapy is a failure.

--self-test exercises the checking code without the C binary: it checks tests/golden/*.pcap
(from tests/golden/make_golden.py) against the same expectations, then runs the whole suite
against tests/interop/mock_ovlperf.py, a scapy stand-in for the binary (which lists the
encapsulations make_golden.py builds).

Assumptions where docs/wire-format.md is silent:
  * --ttl sets the outer header's TTL, --inner-ttl the inner header's (an option the binary
    offers beyond the brief's list); raw's only header is "the outer addresses with the inner
    header's other defaults", so its TTL follows --inner-ttl and --ttl does not change it.
  * --geneve-opt-len N sends options of RFC 8926's experimental class 0xFFF0, type 1 (not
    critical), with zero data, as few as hold N bytes.
  * --src-ip/--dst-ip are the outer addresses (raw: its only header), --inner-src-ip/
    --inner-dst-ip the inner ones (unused by raw); --src-port/--dst-port the inner UDP ports
    (ICMP identifier = --src-port).
  * Fragments: DPDK ip_frag splits greedily, every fragment but the last carries
    floor((tunnel MTU - 20) / 8) * 8 data bytes; all fragments keep the inner IP id (0);
    a VXLAN frame's outer source port is the flow's Toeplitz value for every fragment.
  * A frame shorter than 60 bytes (only a raw last fragment can be) may be written as is or
    padded with zeros to 60 bytes.
  * `--encap all` means every listed encapsulation, in the order of the list.
  * The minimum in the error message for a VLAN-tagged frame is the "with VLAN" minimum.
  * Every size error exits with status 2, including --frame-size with a too small --mtu.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import catalogue, pcap, tshark as ts, wire  # noqa: E402
from ovlkit.tap import Tap  # noqa: E402

try:
    from scapy.all import Ether, Dot1Q, IP, UDP, ICMP, GRE, Raw, bind_layers
    from scapy.layers.vxlan import VXLAN
    from scapy.contrib.geneve import GENEVE
    SCAPY_ERROR = None
except Exception as exc:  # reported as a failure, never skipped
    SCAPY_ERROR = "scapy is not importable: %s" % exc

TSHARK = shutil.which("tshark")
CAT = None  # the binary's catalogue (catalogue.load), set by main()

# ---------------------------------------------------------------------------------------------
# The contract, restated from docs/wire-format.md (independently of make_golden.py)
# ---------------------------------------------------------------------------------------------

MIN_INNER = 46
OUTER_MAC = ("02:00:00:00:00:01", "02:00:00:00:00:02")
INNER_MAC = ("02:00:00:00:01:01", "02:00:00:00:01:02")
OUTER_IP = ("192.0.2.1", "192.0.2.2")
INNER_IP = ("198.51.100.1", "198.51.100.2")
TTL = 64
UDP_PORTS = (40000, 7000)
VNI = 42
RSS_KEY = bytes.fromhex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c"
                        "6a42b73bbeac01fa")
PROBE_MAGIC = 0xA9
GOLDEN_PROBE = dict(session=0x01020304, stream=1, seq=0x0102030405060708,
                    timestamp=0x1112131415161718)


def min_frame(encap, vlan):
    return 14 + (4 if vlan else 0) + CAT[encap].overhead + MIN_INNER + 4


def toeplitz32(data, key=RSS_KEY):
    window = int.from_bytes(key[:4], "big")
    rest = key[4:]
    h = 0
    for i, byte in enumerate(data):
        for b in range(8):
            if byte & (0x80 >> b):
                h ^= window
            # slide the 32-bit window one key bit to the left
            kbyte = rest[i] if i < len(rest) else 0
            window = ((window << 1) & 0xFFFFFFFF) | ((kbyte >> (7 - b)) & 1)
    return h


def ip_bytes(a):
    parts = [int(x) for x in a.split(".")]
    assert len(parts) == 4
    return bytes(parts)


def tunnel_source_port(src, dst, p1, p2):
    """A UDP tunnel's outer source port from the inner flow (RFC 7348 section 5: in
    49152..65535): 0xC000 | the Toeplitz hash's low 14 bits."""
    return 0xC000 | (toeplitz32(ip_bytes(src) + ip_bytes(dst) + struct.pack(">HH", p1, p2))
                     & 0x3FFF)


def expected_probe(l4_payload_len, session, stream, seq, timestamp):
    if l4_payload_len >= 64:
        return dict(magic=PROBE_MAGIC, version=1, form=2, flags=0, session=session & 0xFFFFFFFF,
                    stream=stream, length=64, reserved=0, seq=seq, timestamp=timestamp,
                    reflector_rx=0, reflector_tx=0, tag=bytes(16), size=64)
    return dict(magic=PROBE_MAGIC, version=1, form=1, session_tag=session & 0xFFFF,
                stream=stream, seq32=seq & 0xFFFFFFFF, timestamp=timestamp, size=18)


def decode_probe(b):
    """Our own probe decoder (big-endian fields, docs/wire-format.md)."""
    if len(b) < 2:
        return {"error": "payload shorter than 2 bytes"}
    d = dict(magic=b[0], version=b[1] >> 4, form=b[1] & 0x0F)
    if d["form"] == 1:
        if len(b) < 18:
            return dict(d, error="compact probe truncated (%d bytes)" % len(b))
        _, _, d["session_tag"], d["stream"], d["seq32"], d["timestamp"] = \
            struct.unpack(">BBHHIQ", b[:18])
        d["size"] = 18
    elif d["form"] == 2:
        if len(b) < 64:
            return dict(d, error="full probe truncated (%d bytes)" % len(b))
        (_, _, d["flags"], d["session"], d["stream"], d["length"], d["reserved"], d["seq"],
         d["timestamp"], d["reflector_rx"], d["reflector_tx"], d["tag"]) = \
            struct.unpack(">BBHIHHIQQQQ16s", b[:64])
        d["size"] = 64
    return d


# ---------------------------------------------------------------------------------------------
# A case: one invocation of `ovlperf frames`, and the frames it must produce
# ---------------------------------------------------------------------------------------------

class Case:
    def __init__(self, name, encaps, proto="udp", vlan=0, frame_size=None, inner_size=None,
                 mtu=None, session=GOLDEN_PROBE["session"], stream=GOLDEN_PROBE["stream"],
                 seq=GOLDEN_PROBE["seq"], timestamp=GOLDEN_PROBE["timestamp"], hexnums=True,
                 ttl=None, inner_ttl=None, src_ip=None, dst_ip=None, inner_src_ip=None, inner_dst_ip=None,
                 src_port=None, dst_port=None, opts=None, outer_udp_csum=None,
                 encap_arg=None):
        self.name = name
        self.encaps = list(encaps)
        self.encap_arg = encap_arg or ",".join(self.encaps)
        self.proto, self.vlan = proto, vlan
        self.frame_size, self.inner_size, self.mtu = frame_size, inner_size, mtu
        self.session, self.stream, self.seq, self.timestamp = session, stream, seq, timestamp
        self.hexnums = hexnums
        self.ttl, self.inner_ttl = ttl, inner_ttl
        self.src_ip, self.dst_ip = src_ip, dst_ip
        self.inner_src_ip, self.inner_dst_ip = inner_src_ip, inner_dst_ip
        self.src_port, self.dst_port = src_port, dst_port
        self.opts = dict(opts or {})   # an encapsulation's own options: name -> value
        self.outer_udp_csum = outer_udp_csum

    # effective values
    def o_src(self):
        return self.src_ip or OUTER_IP[0]

    def o_dst(self):
        return self.dst_ip or OUTER_IP[1]

    def i_src(self):
        return self.inner_src_ip or INNER_IP[0]

    def i_dst(self):
        return self.inner_dst_ip or INNER_IP[1]

    def sport(self):
        return UDP_PORTS[0] if self.src_port is None else self.src_port

    def dport(self):
        return UDP_PORTS[1] if self.dst_port is None else self.dst_port

    def opt(self, enc, name):
        """The value of enc's option `name` in this case: given, else its default."""
        return self.opts.get(name, (enc.option(name) or {}).get("default"))

    def port(self, enc):
        """A UDP tunnel's port in this case (its port option, else its default port)."""
        o = enc.port_option()
        return self.opts.get(o["name"], enc.udp_port) if o else enc.udp_port

    def ports(self):
        """{name: port} of the UDP tunnels this case moves off their default port."""
        return {e.name: self.port(e) for e in CAT if e.udp and self.port(e) != e.udp_port}

    def overhead(self, encap):
        return CAT[encap].overhead + TUNNELS[encap].extra_len(self)

    def args(self):
        def n(v):
            return "0x%x" % v if self.hexnums else str(v)
        a = ["--encap", self.encap_arg]
        if self.frame_size is not None:
            a += ["--frame-size", str(self.frame_size)]
        if self.inner_size is not None:
            a += ["--inner-size", str(self.inner_size)]
        if self.mtu is not None:
            a += ["--mtu", str(self.mtu)]
        if self.vlan:
            a += ["--vlan", str(self.vlan)]
        a += ["--inner-proto", self.proto]
        for name, v in sorted(self.opts.items()):
            a += ["--" + name, str(v)]
        for opt, v in (("--ttl", self.ttl), ("--inner-ttl", self.inner_ttl),
                       ("--src-port", self.src_port),
                       ("--dst-port", self.dst_port)):
            if v is not None:
                a += [opt, str(v)]
        for opt, v in (("--src-ip", self.src_ip), ("--dst-ip", self.dst_ip),
                       ("--inner-src-ip", self.inner_src_ip),
                       ("--inner-dst-ip", self.inner_dst_ip),
                       ("--outer-udp-csum", self.outer_udp_csum)):
            if v is not None:
                a += [opt, v]
        a += ["--session", n(self.session), "--stream", n(self.stream), "--seq", n(self.seq),
              "--timestamp", n(self.timestamp)]
        return a

    def inner_size_for(self, encap):
        vl = 4 if self.vlan else 0
        if self.frame_size is not None:
            return self.frame_size - 4 - 14 - vl - self.overhead(encap)
        if self.inner_size is not None:
            return self.inner_size
        if self.mtu is not None:
            return self.mtu - self.overhead(encap)
        raise ValueError("no size")

    def l4_payload(self, length):
        """The whole L4 payload this case's inner packet carries: probe then fill."""
        p = expected_probe(length, self.session, self.stream, self.seq, self.timestamp)
        if p["form"] == 2:
            head = struct.pack(">BBHIHHIQQQQ16s", 0xA9, 0x12, 0, self.session, self.stream, 64,
                               0, self.seq, self.timestamp, 0, 0, bytes(16))
        else:
            head = struct.pack(">BBHHIQ", 0xA9, 0x11, self.session & 0xFFFF, self.stream,
                               self.seq & 0xFFFFFFFF, self.timestamp)
        return head + bytes(k & 0xFF for k in range(len(head), length))

    def expected(self):
        """A list of (encap, [frame expectations]) in output order."""
        out = []
        for encap in self.encaps:
            out.append((encap, self.expected_encap(encap)))
        return out

    def expected_encap(self, encap):
        enc, tun = CAT[encap], TUNNELS[encap]
        vl = 4 if self.vlan else 0
        ovh = self.overhead(encap)
        inner = self.inner_size_for(encap)
        l4len = inner - 20                     # L4 header + L4 payload
        plen = l4len - 8                       # L4 payload (probe + fill)
        if self.inner_size is not None and self.mtu is not None and inner > self.mtu - ovh:
            step = (self.mtu - ovh - 20) // 8 * 8
            pieces = [(off, min(step, l4len - off)) for off in range(0, l4len, step)]
        else:
            pieces = [(0, l4len)]
        fragmented = len(pieces) > 1
        # raw's single header: the outer addresses with the inner header's other fields
        isrc, idst = (self.i_src(), self.i_dst()) if enc.tunnel else (self.o_src(),
                                                                       self.o_dst())
        ittl = TTL if self.inner_ttl is None else self.inner_ttl
        ipproto = 17 if self.proto == "udp" else 1
        flow_p2 = self.dport() if self.proto == "udp" else 0
        frames = []
        for idx, (off, n) in enumerate(pieces):
            last = idx == len(pieces) - 1
            ip_len = 20 + n
            e = dict(encap=encap, proto=self.proto, index=idx, count=len(pieces),
                     fragmented=fragmented)
            e["cap_len"] = 14 + vl + ovh + ip_len
            e["eth"] = dict(src=OUTER_MAC[0], dst=OUTER_MAC[1],
                            type=0x8100 if self.vlan else 0x0800)
            e["vlan"] = dict(id=self.vlan, pcp=0, dei=0, type=0x0800) if self.vlan else None
            e["outer_ip"] = None
            e["outer_udp"] = None
            e["tunnel"] = None
            e["inner_eth"] = None
            csum = {}
            e["csum"] = csum
            if enc.tunnel:
                e["outer_ip"] = dict(src=self.o_src(), dst=self.o_dst(),
                                     ttl=TTL if self.ttl is None else self.ttl, df=1, mf=0,
                                     frag=0, id=0, dscp=0, ecn=0, ihl=20, len=ovh + ip_len,
                                     proto=enc.ip_proto)
                csum["outer ip"] = "good"
            if enc.udp:
                e["outer_udp"] = dict(dport=self.port(enc), len=ovh - 20 + ip_len)
            if enc.inner_ethernet:
                e["inner_eth"] = dict(src=INNER_MAC[0], dst=INNER_MAC[1], type=0x0800)
            # the tunnel's own: its outer UDP source port and checksum, its header's fields
            tun.expect(self, enc, e, (isrc, idst, self.sport(), flow_p2))
            e["inner_ip"] = dict(src=isrc, dst=idst, ttl=ittl, df=0, mf=0 if last else 1,
                                 frag=off // 8, id=0, dscp=0, ecn=0, ihl=20, len=ip_len,
                                 proto=ipproto)
            csum["inner ip"] = "good"
            if not fragmented:
                if self.proto == "udp":
                    e["l4"] = dict(sport=self.sport(), dport=self.dport(), len=l4len)
                else:
                    e["l4"] = dict(type=8, code=0, id=self.sport(), seq=0)
                csum["l4"] = "good"
            else:
                e["l4"] = None
            # the L4 payload offsets this frame carries: [k0, k1)
            e["k0"] = max(off, 8) - 8
            e["k1"] = off + n - 8
            e["plen"] = plen
            e["probe"] = expected_probe(plen, self.session, self.stream, self.seq,
                                        self.timestamp) if off == 0 else None
            frames.append(e)
        if fragmented:
            datagram = dict(l4len=l4len, plen=plen, count=len(pieces),
                            probe=expected_probe(plen, self.session, self.stream, self.seq,
                                                 self.timestamp))
            if self.proto == "udp":
                datagram["l4"] = dict(sport=self.sport(), dport=self.dport(), len=l4len)
            else:
                datagram["l4"] = dict(type=8, code=0, id=self.sport(), seq=0)
            frames[-1]["datagram"] = datagram
        return frames


# ---------------------------------------------------------------------------------------------
# Comparison, shared by both decoders: each decoder produces dicts with the expected keys
# ---------------------------------------------------------------------------------------------

LAYERS = (("eth", "ethernet"), ("vlan", "802.1Q tag"), ("outer_ip", "outer IPv4"),
          ("outer_udp", "outer UDP"), ("tunnel", "tunnel header"), ("inner_eth", "inner Ethernet"),
          ("inner_ip", "inner IPv4"), ("l4", "inner L4 header"))


def compare_dict(exp, got):
    if got is None:
        return [("layer", "present", "absent")]
    mism = []
    for k, v in exp.items():
        g = got.get(k, "<missing>")
        if g != v:
            mism.append((k, v, g))
    return mism


def check_fill(payload, k0, probe_size):
    """Bytes at L4 payload offsets k0.. (probe bytes excluded) must be k & 0xFF."""
    for i, b in enumerate(payload):
        k = k0 + i
        if k < probe_size:
            continue
        if b != k & 0xFF:
            return "L4 payload offset %d: expected 0x%02x, got 0x%02x" % (k, k & 0xFF, b)
    return None


def check_probe_and_fill(tap, prefix, payload, k0, k1, probe, plen):
    if payload is None:
        tap.ok(False, prefix + ": L4 payload bytes", "decoder gave no payload bytes")
        return
    tap.ok(len(payload) == k1 - k0, prefix + ": L4 payload length %d" % (k1 - k0),
           "got %d bytes" % len(payload))
    psize = expected_probe(plen, 0, 0, 0, 0)["size"]
    if probe is not None:
        got = decode_probe(payload)
        mism = [("error", None, got["error"])] if "error" in got else []
        mism += compare_dict(probe, got)
        tap.fields(prefix + ": probe (%s form)" % ("full" if probe["form"] == 2 else "compact"),
                   mism)
    err = check_fill(payload, k0, psize)
    tap.ok(err is None, prefix + ": payload fill k & 0xFF after the probe", err)


def check_frame(tap, prefix, e, d):
    """e: expectation, d: what one decoder saw."""
    if d.get("errors"):
        tap.ok(False, prefix + ": decodes as %s/%s" % (e["encap"], e["proto"]), d["errors"])
    cap_ok = d.get("cap_len") == e["cap_len"]
    diag = "expected %d bytes (frame size %d - 4 FCS), got %s" % (
        e["cap_len"], e["cap_len"] + 4, d.get("cap_len"))
    if not cap_ok and e["cap_len"] < 60 and d.get("cap_len") == 60:
        cap_ok = d.get("padding_zero", False)
        diag += " (padded to 60: padding not zero)"
    tap.ok(cap_ok, prefix + ": frame length %d%s" % (
        e["cap_len"], " (or zero-padded to 60)" if e["cap_len"] < 60 else ""), diag)
    for key, name in LAYERS:
        if e.get(key) is None:
            if d.get(key) is not None:
                tap.ok(False, prefix + ": no " + name, "decoder found %r" % (d.get(key),))
            continue
        if key == "inner_ip" and not CAT[e["encap"]].tunnel:
            name = "IPv4 (%s's only IP header)" % e["encap"]
        if key == "tunnel":
            name = TUNNELS[e["encap"]].header or name
        tap.fields(prefix + ": " + name, compare_dict(e[key], d.get(key)))
    TUNNELS[e["encap"]].check(tap, prefix, e, d)
    tap.fields(prefix + ": checksums", compare_dict(e["csum"], d.get("csum", {})))
    if "payload" in d:   # a decoder may be unable to show a last fragment's own bytes
        check_probe_and_fill(tap, prefix, d["payload"], e["k0"], e["k1"], e["probe"], e["plen"])


def check_datagram(tap, prefix, dg, r):
    """dg: expected reassembled datagram; r: decoder's reassembly result."""
    if r is None:
        tap.ok(False, prefix + ": inner packet reassembled", "decoder did not reassemble it")
        return
    if r.get("errors"):
        tap.ok(False, prefix + ": reassembly", r["errors"])
    tap.fields(prefix + ": reassembled inner L4 header",
               compare_dict(dict(dg["l4"], fragments=dg["count"], reassembled_len=dg["l4len"]), r))
    tap.fields(prefix + ": reassembled L4 checksum", compare_dict({"csum": "good"}, r))
    check_probe_and_fill(tap, prefix + " reassembled", r.get("payload"), 0, dg["plen"],
                         dg["probe"], dg["plen"])


# ---------------------------------------------------------------------------------------------
# Decoder 1: tshark
# ---------------------------------------------------------------------------------------------

def _int(v):
    if isinstance(v, list):
        v = v[0]
    v = str(v)
    return int(v, 16) if v.lower().startswith("0x") else int(v, 10)


def _flatten(obj, out):
    for k, v in obj.items():
        if isinstance(v, dict):
            _flatten(v, out)
        elif k not in out:
            out[k] = v
    return out


def _hexbytes(s):
    return bytes.fromhex(s.replace(":", "")) if s else b""


def tshark_run(pcap, case):
    """tshark's view of every frame: a list of {proto: [flat dict per instance]}."""
    cmd = [TSHARK, "-r", pcap, "-n", "-T", "json", "--no-duplicate-keys",
           "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
           "-o", "ip.defragment:TRUE",
           # a heuristic dissector that claims some ICMP echo payloads (our probe included)
           "--disable-protocol", "hipercontracer"]
    cmd += ts.decode_as(CAT, case.ports(), {n: t.dissector for n, t in TUNNELS.items()})
    if case.proto == "udp":
        cmd += ["-d", "udp.port==%d,data" % case.dport()]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if r.returncode != 0:
        raise RuntimeError("tshark failed (%d): %s" % (r.returncode, r.stderr.decode()[-500:]))
    pkts = []
    for p in json.loads(r.stdout.decode() or "[]"):
        layers = {}
        for name, v in p["_source"]["layers"].items():
            insts = v if isinstance(v, list) else [v]
            layers[name] = [_flatten(i, {}) if isinstance(i, dict) else {"value": i}
                            for i in insts]
        pkts.append(layers)
    return pkts


def _ts_ip(f):
    return dict(src=f.get("ip.src"), dst=f.get("ip.dst"), ttl=_int(f.get("ip.ttl", -1)),
                df=_int(f.get("ip.flags.df", -1)), mf=_int(f.get("ip.flags.mf", -1)),
                frag=_int(f.get("ip.frag_offset", -1)), id=_int(f.get("ip.id", -1)),
                dscp=_int(f.get("ip.dsfield.dscp", -1)), ecn=_int(f.get("ip.dsfield.ecn", -1)),
                ihl=_int(f.get("ip.hdr_len", -1)), len=_int(f.get("ip.len", -1)),
                proto=_int(f.get("ip.proto", -1)))


def _ts_status(v):
    # epan's proto_checksum_enum_e: 0 bad, 1 good, 2 unverified, 3 not present, 4 illegal
    return {0: "bad", 1: "good", 2: "unverified", 3: "zero", 4: "illegal"}.get(
        _int(v) if v is not None else -1, "absent")


def tshark_frame(layers, e):
    """Normalise one tshark packet into the comparison form, guided by the expected encap."""
    d = {"errors": []}
    fr = layers.get("frame", [{}])[0]
    d["cap_len"] = _int(fr.get("frame.cap_len", -1))
    if _int(fr.get("frame.len", -1)) != d["cap_len"]:
        d["errors"].append("frame.len %s != frame.cap_len %s"
                           % (fr.get("frame.len"), fr.get("frame.cap_len")))
    d["protocols"] = fr.get("frame.protocols")
    eths = layers.get("eth", [])
    ips = layers.get("ip", [])
    udps = layers.get("udp", [])
    if eths:
        d["eth"] = dict(src=eths[0].get("eth.src"), dst=eths[0].get("eth.dst"),
                        type=_int(eths[0].get("eth.type", -1)))
    pads = [inst["eth.padding"] for insts in layers.values() for inst in insts
            if "eth.padding" in inst]   # in the eth layer, or the vlan layer when tagged
    if pads:
        d["padding_zero"] = not any(_hexbytes(pads[0]))
    if "vlan" in layers:
        v = layers["vlan"][0]
        d["vlan"] = dict(id=_int(v.get("vlan.id", -1)), pcp=_int(v.get("vlan.priority", -1)),
                         dei=_int(v.get("vlan.dei", -1)), type=_int(v.get("vlan.etype", -1)))
    if "_ws.malformed" in layers or "_ws.expert" in layers and any(
            "malformed" in json.dumps(x).lower() for x in layers["_ws.expert"]):
        d["errors"].append("tshark reports a malformed packet")
    d["csum"] = {}
    encap = e["encap"]
    enc = CAT[encap]
    n_outer_udp = 1 if enc.udp else 0
    if enc.tunnel:
        if ips:
            d["outer_ip"] = _ts_ip(ips[0])
            d["csum"]["outer ip"] = _ts_status(ips[0].get("ip.checksum.status"))
        inner_ips = ips[1:]
    else:
        inner_ips = ips
    if n_outer_udp:
        if udps:
            u = udps[0]
            d["outer_udp"] = dict(sport=_int(u.get("udp.srcport", -1)),
                                  dport=_int(u.get("udp.dstport", -1)),
                                  len=_int(u.get("udp.length", -1)))
            d["csum"]["outer udp"] = _ts_status(u.get("udp.checksum.status"))
    TUNNELS[encap].tshark(layers, d)
    if enc.inner_ethernet:
        if len(eths) > 1:
            d["inner_eth"] = dict(src=eths[1].get("eth.src"), dst=eths[1].get("eth.dst"),
                                  type=_int(eths[1].get("eth.type", -1)))
    if inner_ips:
        d["inner_ip"] = _ts_ip(inner_ips[0])
        d["csum"]["inner ip"] = _ts_status(inner_ips[0].get("ip.checksum.status"))
        if len(inner_ips) > 1:
            d["errors"].append("tshark shows %d inner IPv4 headers" % len(inner_ips))
    if enc.tunnel and d.get("outer_ip") and not inner_ips:
        d["errors"].append("tshark did not decode %s's inner header" % encap)
    inner_udp = udps[n_outer_udp] if len(udps) > n_outer_udp else None
    icmp = layers.get("icmp", [None])[0]
    if not e["fragmented"]:
        if e["proto"] == "udp" and inner_udp:
            d["l4"] = dict(sport=_int(inner_udp.get("udp.srcport", -1)),
                           dport=_int(inner_udp.get("udp.dstport", -1)),
                           len=_int(inner_udp.get("udp.length", -1)))
            d["csum"]["l4"] = _ts_status(inner_udp.get("udp.checksum.status"))
            d["payload"] = _hexbytes(inner_udp.get("udp.payload", ""))
        elif e["proto"] == "icmp" and icmp:
            d["l4"] = dict(type=_int(icmp.get("icmp.type", -1)),
                           code=_int(icmp.get("icmp.code", -1)),
                           id=_int(icmp.get("icmp.ident", -1)), seq=_int(icmp.get("icmp.seq", -1)))
            d["csum"]["l4"] = _ts_status(icmp.get("icmp.checksum.status"))
            d["payload"] = _hexbytes(icmp.get("data.data", ""))
            if "data.data" not in icmp:
                d["errors"].append("tshark shows no ICMP data (protocols %s)" % d["protocols"])
    else:
        if e["index"] < e["count"] - 1:
            # not yet reassembled: tshark shows the fragment's bytes as data
            data = layers.get("data", [{}])[0].get("data.data")
            if data is not None:
                raw = _hexbytes(data)
                d["payload"] = raw[8:] if e["index"] == 0 else raw
            else:
                d["payload"] = None
        else:
            r = {"errors": []}
            ii = inner_ips[0] if inner_ips else {}
            if "ip.reassembled.length" not in ii:
                d["reassembled"] = None
            else:
                r["reassembled_len"] = _int(ii["ip.reassembled.length"])
                r["fragments"] = _int(ii.get("ip.fragment.count", -1))
                if e["proto"] == "udp" and inner_udp:
                    r.update(sport=_int(inner_udp.get("udp.srcport", -1)),
                             dport=_int(inner_udp.get("udp.dstport", -1)),
                             len=_int(inner_udp.get("udp.length", -1)),
                             csum=_ts_status(inner_udp.get("udp.checksum.status")))
                    r["payload"] = _hexbytes(inner_udp.get("udp.payload", ""))
                elif e["proto"] == "icmp" and icmp:
                    r.update(type=_int(icmp.get("icmp.type", -1)),
                             code=_int(icmp.get("icmp.code", -1)),
                             id=_int(icmp.get("icmp.ident", -1)),
                             seq=_int(icmp.get("icmp.seq", -1)),
                             csum=_ts_status(icmp.get("icmp.checksum.status")))
                    r["payload"] = _hexbytes(icmp.get("data.data", ""))
                else:
                    r["errors"].append("no inner %s layer after reassembly (protocols %s)"
                                       % (e["proto"], d["protocols"]))
                d["reassembled"] = r
    if not d["errors"]:
        del d["errors"]
    return d


# ---------------------------------------------------------------------------------------------
# Decoder 2: scapy
# ---------------------------------------------------------------------------------------------

_SCAPY_BOUND = set()


def scapy_bind(case):
    """scapy knows VXLAN on 4789 and GENEVE on 6081; a UDP tunnel without inner Ethernet
    (flannel) carries IPv4 on its port, and a tunnel moved to another port needs binding there
    (TUNNELS' scapy_layer)."""
    for e in CAT:
        if not e.udp:
            continue
        port = case.port(e)
        layer = IP if not e.inner_ethernet else TUNNELS[e.name].scapy_layer()
        if layer is not None and (layer, port) not in _SCAPY_BOUND:
            bind_layers(UDP, layer, dport=port)
            _SCAPY_BOUND.add((layer, port))


def _sc_ip(ip):
    return dict(src=ip.src, dst=ip.dst, ttl=ip.ttl, df=int(bool(int(ip.flags) & 2)),
                mf=int(bool(int(ip.flags) & 1)), frag=ip.frag, id=ip.id, dscp=ip.tos >> 2,
                ecn=ip.tos & 3, ihl=ip.ihl * 4, len=ip.len, proto=ip.proto)


def _sc_recalc_ip(ipb):
    """scapy's header checksum for these IPv4 header bytes (checksum deleted and rebuilt)."""
    ihl = (ipb[0] & 0x0F) * 4
    h = IP(ipb[:ihl])
    h.remove_payload()
    h.chksum = None
    return struct.unpack(">H", bytes(h)[10:12])[0]


def _sc_recalc_l4(ipb):
    """scapy's UDP or ICMP checksum for this (unfragmented) IPv4 packet's L4 segment."""
    ihl = (ipb[0] & 0x0F) * 4
    total = struct.unpack(">H", ipb[2:4])[0]
    h = IP(ipb[:ihl])
    h.remove_payload()
    seg = ipb[ihl:total]
    if h.proto == 17:
        u = UDP(seg[:8])
        u.remove_payload()
        u.chksum = None
        built = bytes(h / u / Raw(seg[8:]))
        return struct.unpack(">H", built[ihl + 6:ihl + 8])[0]
    if h.proto == 1:
        c = ICMP(seg[:8])
        c.remove_payload()
        c.chksum = None
        built = bytes(c / Raw(seg[8:]))
        return struct.unpack(">H", built[2:4])[0]
    raise ValueError("L4 protocol %d" % h.proto)


def _sc_status(carried, recomputed, zero_allowed=False):
    if zero_allowed and carried == 0:
        return "zero"
    return "good" if carried == recomputed else "bad (carried 0x%04x, scapy 0x%04x)" % (
        carried, recomputed)


def scapy_frame(raw, e):
    d = {"errors": [], "csum": {}, "cap_len": len(raw)}
    p = Ether(raw)
    d["eth"] = dict(src=p.src, dst=p.dst, type=p.type)
    layer = p.payload
    if isinstance(layer, Dot1Q):
        d["vlan"] = dict(id=layer.vlan, pcp=layer.prio, dei=layer.id, type=layer.type)
        layer = layer.payload
    if not isinstance(layer, IP):
        d["errors"].append("no IPv4 after Ethernet: %s" % layer.summary())
        return d
    encap = e["encap"]
    enc = CAT[encap]
    if enc.tunnel:
        outer = layer
        d["outer_ip"] = _sc_ip(outer)
        ob = bytes(outer)[:outer.len]
        d["csum"]["outer ip"] = _sc_status(outer.chksum, _sc_recalc_ip(ob))
        nxt = outer.payload
        if enc.udp:
            if not isinstance(nxt, UDP):
                d["errors"].append("no outer UDP: %s" % nxt.summary())
                return d
            d["outer_udp"] = dict(sport=nxt.sport, dport=nxt.dport, len=nxt.len)
            d["csum"]["outer udp"] = _sc_status(nxt.chksum, _sc_recalc_l4(ob), zero_allowed=True)
            nxt = nxt.payload
        nxt = TUNNELS[encap].scapy(nxt, d)
        if nxt is None:
            return d
        if enc.inner_ethernet:
            if not isinstance(nxt, Ether):
                d["errors"].append("%s payload is not Ethernet: %s" % (encap, nxt.summary()))
                return d
            d["inner_eth"] = dict(src=nxt.src, dst=nxt.dst, type=nxt.type)
            nxt = nxt.payload
        if not isinstance(nxt, IP):
            d["errors"].append("no inner IPv4: %s" % nxt.summary())
            return d
        inner = nxt
    else:
        inner = layer
    d["inner_ip"] = _sc_ip(inner)
    ib = bytes(inner)[:inner.len]
    d["inner_bytes"] = ib
    d["csum"]["inner ip"] = _sc_status(inner.chksum, _sc_recalc_ip(ib))
    pad = bytes(inner)[inner.len:]
    if pad:
        d["padding_zero"] = not any(pad)
        if len(raw) != 60:
            d["errors"].append("%d bytes after the IP packet" % len(pad))
    seg = ib[inner.ihl * 4:]
    if not e["fragmented"]:
        l4 = inner.payload
        if e["proto"] == "udp":
            if not isinstance(l4, UDP):
                d["errors"].append("inner L4 is not UDP: %s" % l4.summary())
                return d
            d["l4"] = dict(sport=l4.sport, dport=l4.dport, len=l4.len)
            d["csum"]["l4"] = _sc_status(l4.chksum, _sc_recalc_l4(ib))
        else:
            if not isinstance(l4, ICMP):
                d["errors"].append("inner L4 is not ICMP: %s" % l4.summary())
                return d
            d["l4"] = dict(type=l4.type, code=l4.code, id=l4.id, seq=l4.seq)
            d["csum"]["l4"] = _sc_status(l4.chksum, _sc_recalc_l4(ib))
        d["payload"] = seg[8:]
    else:
        d["payload"] = seg[8:] if inner.frag == 0 else seg
    if not d["errors"]:
        del d["errors"]
    return d


def scapy_reassemble(decoded):
    """Reassemble the inner IPv4 fragments of one encapsulation's frames (our own code) and
    check the L4 header and checksum with scapy."""
    r = {"errors": []}
    frags = [d for d in decoded if "inner_bytes" in d]
    if not frags:
        return None
    frags.sort(key=lambda d: d["inner_ip"]["frag"])
    data, expect_off = b"", 0
    for d in frags:
        off = d["inner_ip"]["frag"] * 8
        if off != expect_off:
            r["errors"].append("fragment at offset %d, expected %d" % (off, expect_off))
        body = d["inner_bytes"][d["inner_ip"]["ihl"]:]
        data += body
        expect_off = off + len(body)
    if frags[-1]["inner_ip"]["mf"]:
        r["errors"].append("last fragment has MF set")
    ids = {d["inner_ip"]["id"] for d in frags}
    if len(ids) != 1:
        r["errors"].append("fragments have different IP ids: %s" % sorted(ids))
    first = frags[0]["inner_ip"]
    whole = IP(src=first["src"], dst=first["dst"], ttl=first["ttl"], id=first["id"],
               proto=first["proto"], flags=0, frag=0) / Raw(data)
    wb = bytes(whole)
    r["fragments"] = len(frags)
    r["reassembled_len"] = len(data)
    p = IP(wb)
    if first["proto"] == 17 and isinstance(p.payload, UDP):
        u = p.payload
        r.update(sport=u.sport, dport=u.dport, len=u.len)
        r["csum"] = _sc_status(u.chksum, _sc_recalc_l4(wb))
    elif first["proto"] == 1 and isinstance(p.payload, ICMP):
        c = p.payload
        r.update(type=c.type, code=c.code, id=c.id, seq=c.seq)
        r["csum"] = _sc_status(c.chksum, _sc_recalc_l4(wb))
    else:
        r["errors"].append("reassembled packet: %s" % p.summary())
    r["payload"] = data[8:]
    if not r["errors"]:
        del r["errors"]
    return r


# ---------------------------------------------------------------------------------------------
# What is a tunnel's own: one entry per encapsulation, keyed by its name
# ---------------------------------------------------------------------------------------------

class Tunnel:
    """What the decoders check of an encapsulation beyond the generic layers (outer IPv4, outer
    UDP's destination port and length, inner Ethernet, the inner packet): nothing more for one
    with neither a header nor an outer UDP header of its own (raw, IP-in-IP)."""
    header = None           # its header's name in messages
    dissector = None        # tshark's dissector for it, when it is moved off its UDP port
    nondefault = {}         # its own options in the "non-default options" cases
    nondefault_csum = None  # --outer-udp-csum in those cases
    nondefault_len = 0      # the bytes those options add to its overhead

    def extra_len(self, case):
        """Bytes the case's options add to the catalogue's overhead (given at the defaults)."""
        return 0

    def expect(self, case, enc, e, flow):
        """Fills in e what is the tunnel's own: e["outer_udp"]["sport"], e["csum"]["outer udp"],
        e["tunnel"] (its header's fields). flow: inner source, destination, ports."""

    def tshark(self, layers, d):
        """Reads the tunnel's header from tshark's layers into d["tunnel"]."""

    def scapy_layer(self):
        """The scapy layer of the header an outer UDP port carries (None: not a UDP tunnel with
        an inner Ethernet header)."""
        return None

    def scapy(self, nxt, d):
        """Reads the tunnel's header at scapy layer nxt into d["tunnel"]; returns the layer
        after it, or None (with d["errors"] said why)."""
        return nxt

    def check(self, tap, prefix, e, d):
        """Checks beyond field equality, as TAP points."""


class Flannel(Tunnel):
    """flannel's UDP backend: IPv4 in UDP from and to its port; the outer UDP checksum is
    computed unless --outer-udp-csum zero."""
    nondefault = {"flannel-port": 8286}
    nondefault_csum = "zero"

    def expect(self, case, enc, e, flow):
        e["outer_udp"]["sport"] = case.port(enc)
        e["csum"]["outer udp"] = "zero" if case.outer_udp_csum == "zero" else "good"


class HashedSourcePort(Tunnel):
    """A UDP tunnel whose outer source port is the inner flow's hash (RFC 7348 section 5,
    RFC 8926 section 3.3): tunnel_source_port(); its outer UDP checksum is zero (allowed over
    IPv4) unless --outer-udp-csum compute."""
    title = None

    def expect(self, case, enc, e, flow):
        e["outer_udp"]["sport"] = tunnel_source_port(*flow)
        e["csum"]["outer udp"] = "good" if case.outer_udp_csum == "compute" else "zero"

    def check(self, tap, prefix, e, d):
        if d.get("outer_udp"):
            sp = d["outer_udp"].get("sport", -1)
            tap.ok(49152 <= sp <= 65535, prefix + ": %s source port in 49152..65535" % self.title,
                   "got %s" % sp)


class Vxlan(HashedSourcePort):
    """VXLAN (RFC 7348): flags 0x08 (I), 24 reserved bits, VNI, 8 reserved bits."""
    title, header, dissector = "VXLAN", "VXLAN header", "vxlan"
    nondefault = {"vni": 7777, "vxlan-port": 8472}
    nondefault_csum = "compute"

    def expect(self, case, enc, e, flow):
        super().expect(case, enc, e, flow)
        e["tunnel"] = dict(flags=0x08, reserved1=0, vni=case.opt(enc, "vni"), reserved2=0)

    def tshark(self, layers, d):
        if "vxlan" not in layers:
            return
        v = layers["vxlan"][0]
        flags16 = _int(v.get("vxlan.flags", -1))
        d["tunnel"] = dict(flags=flags16 >> 8 if flags16 >= 0 else -1,
                           reserved1=((flags16 & 0xFF) << 16 if flags16 >= 0 else 0)
                           | _int(v.get("vxlan.gbp", 0)),
                           vni=_int(v.get("vxlan.vni", -1)),
                           reserved2=_int(v.get("vxlan.reserved8", -1)))
        if v.get("vxlan.flag_i") != "1":
            d["errors"].append("tshark: VXLAN I flag not set")

    def scapy_layer(self):
        return VXLAN

    def scapy(self, nxt, d):
        if not isinstance(nxt, VXLAN):
            d["errors"].append("UDP payload is not VXLAN: %s" % nxt.summary())
            return None
        vb = bytes(nxt)[:8]     # reserved fields straight from the bytes
        d["tunnel"] = dict(flags=int(nxt.flags), reserved1=int.from_bytes(vb[1:4], "big"),
                           vni=nxt.vni, reserved2=vb[7])
        return nxt.payload


def geneve_options(n):
    """--geneve-opt-len n: options of RFC 8926's experimental class 0xFFF0, type 1 (not
    critical), zero data, as few as hold n bytes (an option's data is at most 124 bytes)."""
    out = b""
    while n > 0:
        data = min(n - 4, 124)
        out += struct.pack(">HBB", 0xFFF0, 0x01, data // 4) + bytes(data)
        n -= 4 + data
    return out


class Geneve(HashedSourcePort):
    """GENEVE (RFC 8926): version 0, options length, O and C clear, protocol 0x6558 (Ethernet),
    VNI, 8 reserved bits, then --geneve-opt-len bytes of options."""
    title, header, dissector = "GENEVE", "GENEVE header", "geneve"
    nondefault = {"vni": 7777, "geneve-port": 6082, "geneve-opt-len": 8}
    nondefault_csum = "compute"
    nondefault_len = 8

    def extra_len(self, case):
        return case.opts.get("geneve-opt-len", 0)

    def expect(self, case, enc, e, flow):
        super().expect(case, enc, e, flow)
        n = case.opts.get("geneve-opt-len", 0)
        e["tunnel"] = dict(version=0, opt_len=n, oam=0, critical=0, proto=0x6558,
                           vni=case.opt(enc, "vni"), reserved2=0, options=geneve_options(n).hex())

    def tshark(self, layers, d):
        if "geneve" not in layers:
            return
        g = layers["geneve"][0]
        d["tunnel"] = dict(version=_int(g.get("geneve.version", -1)),
                           opt_len=_int(g.get("geneve.option.length", -1)),
                           oam=_int(g.get("geneve.flags.oam", -1)),
                           critical=_int(g.get("geneve.flags.critical", -1)),
                           proto=_int(g.get("geneve.proto_type", -1)),
                           vni=_int(g.get("geneve.vni", -1)),
                           reserved2=_int(g.get("geneve.reserved", -1)),
                           options=_hexbytes(g.get("geneve.options", "")).hex())

    def scapy_layer(self):
        return GENEVE

    def scapy(self, nxt, d):
        if not isinstance(nxt, GENEVE):
            d["errors"].append("UDP payload is not GENEVE: %s" % nxt.summary())
            return None
        gb = bytes(nxt)
        n = nxt.optionlen * 4
        d["tunnel"] = dict(version=nxt.version, opt_len=n, oam=nxt.oam, critical=nxt.critical,
                           proto=nxt.proto, vni=nxt.vni, reserved2=gb[7],
                           options=gb[8:8 + n].hex())
        return nxt.payload


class Gretap(Tunnel):
    """GRE-TAP (RFC 2784, RFC 2890's key): flags and version 0 (K, 0x2000, with --gre-key),
    protocol 0x6558 (transparent Ethernet bridging), the key when given."""
    header = "GRE header"
    nondefault = {"gre-key": 0x12345678}
    nondefault_len = 4

    def extra_len(self, case):
        return 4 if "gre-key" in case.opts else 0

    def expect(self, case, enc, e, flow):
        key = case.opts.get("gre-key")
        e["tunnel"] = dict(flags_version=0 if key is None else 0x2000, proto=0x6558, key=key)

    def tshark(self, layers, d):
        if "gre" not in layers:
            return
        g = layers["gre"][0]
        d["tunnel"] = dict(flags_version=_int(g.get("gre.flags_and_version", -1)),
                           proto=_int(g.get("gre.proto", -1)),
                           key=_int(g["gre.key"]) if "gre.key" in g else None)

    def scapy(self, nxt, d):
        if not isinstance(nxt, GRE):
            d["errors"].append("outer IPv4 payload is not GRE: %s" % nxt.summary())
            return None
        gb = bytes(nxt)
        d["tunnel"] = dict(flags_version=int.from_bytes(gb[0:2], "big"), proto=nxt.proto,
                           key=nxt.key if nxt.key_present else None)
        return nxt.payload


# Every encapsulation the binary lists needs its entry: one missing fails the suite.
TUNNELS = {
    "raw": Tunnel(),
    "ipip": Tunnel(),
    "flannel": Flannel(),
    "vxlan": Vxlan(),
    "geneve": Geneve(),
    "gretap": Gretap(),
}


# ---------------------------------------------------------------------------------------------
# Running cases
# ---------------------------------------------------------------------------------------------

def check_prereqs(tap):
    ok = tap.ok(TSHARK is not None, "tshark is installed",
                "tshark not found on PATH: install the tshark package")
    ok &= tap.ok(SCAPY_ERROR is None, "scapy is importable",
                 (SCAPY_ERROR or "") + " (run with /usr/bin/python3; install python3-scapy)")
    if ok:
        tap.ok(toeplitz32(ip_bytes("66.9.149.187") + ip_bytes("161.142.100.80")
                          + struct.pack(">HH", 2794, 1766)) == 0x51CCC178,
               "Toeplitz self-check (Microsoft RSS vector 66.9.149.187:2794 -> "
               "161.142.100.80:1766 = 0x51ccc178)")
    return ok


def classify(raw, case):
    """Which encapsulation a frame is, from its bytes (for a list of them)."""
    try:
        return wire.layers(raw, CAT, case.ports()).encap.name
    except (IndexError, struct.error):
        return "?"


def check_frames(tap, name, case, raws, ts_pkts):
    """raws: the frames' bytes (scapy's rdpcap), ts_pkts: tshark's view of the same frames."""
    groups = case.expected()
    want = sum(len(f) for _, f in groups)
    tap.ok(len(raws) == want, "%s: %d frame(s) in the pcap" % (name, want),
           "got %d frame(s)" % len(raws))
    tap.ok(len(ts_pkts) == len(raws), "%s: tshark reads the same %d frame(s)" % (name, len(raws)),
           "tshark read %d" % len(ts_pkts))
    if len(raws) != want or len(ts_pkts) != len(raws):
        return
    if len(groups) > 1:
        order = [classify(r, case) for r in raws]
        want_order = [g for g, frames in groups for _ in frames]
        tap.ok(order == want_order, "%s: encapsulation order %s"
               % (name, ",".join(g for g, _ in groups)),
               "frames are %s, expected %s" % (",".join(order), ",".join(want_order)))
    i = 0
    for encap, frames in groups:
        sc_decoded = []
        for e in frames:
            tag = "%s [%s] frame %d" % (name, encap, i + 1) if len(groups) > 1 or len(frames) > 1 \
                else name
            tsd = tshark_frame(ts_pkts[i], e)
            check_frame(tap, tag + " tshark", e, tsd)
            scd = scapy_frame(bytes(raws[i]), e)
            check_frame(tap, tag + " scapy", e, scd)
            sc_decoded.append(scd)
            if "datagram" in e:
                check_datagram(tap, tag + " tshark", e["datagram"], tsd.get("reassembled"))
            i += 1
        if "datagram" in frames[-1]:
            check_datagram(tap, "%s [%s] scapy" % (name, encap), frames[-1]["datagram"],
                           scapy_reassemble(sc_decoded))


def run_case(tap, binary, case, tmp):
    path = os.path.join(tmp, "out.pcap")
    if os.path.exists(path):
        os.unlink(path)
    cmd = [binary, "frames"] + case.args() + ["--pcap", path, "--quiet"]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    except Exception as exc:
        tap.ok(False, "%s: ovlperf runs" % case.name, ["$ " + " ".join(cmd), str(exc)])
        return
    if not tap.ok(r.returncode == 0 and os.path.exists(path),
                  "%s: ovlperf exits 0 and writes the pcap" % case.name,
                  ["$ " + " ".join(cmd), "exit status %d" % r.returncode,
                   r.stderr.decode(errors="replace")[-2000:]]):
        return
    try:
        raws = pcap.frames(path)
        ts_pkts = tshark_run(path, case)
    except Exception as exc:
        tap.ok(False, "%s: decoders read the pcap" % case.name, ["$ " + " ".join(cmd), str(exc)])
        return
    before = tap.failed
    check_frames(tap, case.name, case, raws, ts_pkts)
    if tap.failed != before:
        tap.diag("command: " + " ".join(cmd))


def run_error_case(tap, binary, name, args, minimum, tmp):
    path = os.path.join(tmp, "err.pcap")
    cmd = [binary, "frames"] + args + ["--pcap", path, "--quiet"]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    except Exception as exc:
        tap.ok(False, "%s: ovlperf runs" % name, ["$ " + " ".join(cmd), str(exc)])
        return
    err = r.stderr.decode(errors="replace")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    tap.ok(r.returncode == 2, "%s: exit status 2" % name,
           ["$ " + " ".join(cmd), "exit status %d" % r.returncode])
    tap.ok(len(lines) == 1, "%s: one line on stderr" % name,
           ["stderr has %d non-empty lines:" % len(lines)] + lines[:10])
    if minimum is not None:
        tap.ok(str(minimum) in err, "%s: message names the minimum %d" % (name, minimum),
               ["stderr: " + err.strip()[:500]])


def suite_cases():
    cases = []
    for encap in CAT.names():
        tun = TUNNELS[encap]
        for vlan in (0, 100):
            for proto in ("udp", "icmp"):
                sizes = [("frame", min_frame(encap, vlan)), ("frame", 128), ("frame", 1518),
                         ("mtu", 1500), ("mtu", 9001)]
                for kind, n in sizes:
                    kw = {"frame_size": n} if kind == "frame" else {"mtu": n}
                    cases.append(Case("%s %s vlan=%d %s:%d" % (encap, proto, vlan, kind, n),
                                      [encap], proto=proto, vlan=vlan, **kw))
        cases.append(Case("%s udp vlan=0 frame:9216" % encap, [encap], frame_size=9216))
        cases.append(Case("%s udp vlan=0 inner:1000" % encap, [encap], inner_size=1000))
        # a non-default option set (the tunnel's own options too), decimal numbers
        for proto in ("udp", "icmp"):
            for vlan, kw in ((100, {"frame_size": 1518}), (0, {"mtu": 1500}),
                             (100, {"frame_size": min_frame(encap, 100) + tun.nondefault_len})):
                label = "frame:%d" % kw["frame_size"] if "frame_size" in kw else "mtu:1500"
                cases.append(Case(
                    "%s %s vlan=%d %s non-default options" % (encap, proto, vlan, label),
                    [encap], proto=proto, vlan=vlan, hexnums=False, ttl=33, inner_ttl=77,
                    opts=tun.nondefault, src_ip="203.0.113.10", dst_ip="203.0.113.20",
                    inner_src_ip="203.0.113.101", inner_dst_ip="203.0.113.102",
                    src_port=12345, dst_port=5001, outer_udp_csum=tun.nondefault_csum,
                    session=0xCAFEF00D, stream=4242, seq=0xFFFFFFFF00000005,
                    timestamp=987654321, **kw))
        # fragmentation of the inner packet
        for proto in ("udp", "icmp"):
            cases.append(Case("%s %s inner:3000 mtu:1500 fragmented" % (encap, proto), [encap],
                              proto=proto, inner_size=3000, mtu=1500))
        cases.append(Case("%s udp vlan=100 inner:3000 mtu:1500 fragmented" % encap, [encap],
                          vlan=100, inner_size=3000, mtu=1500))
    # Lists: the last first, then the rest in order; all; two tunnels, the second first.
    names = CAT.names()
    rotated = names[-1:] + names[:-1]
    cases.append(Case("encap list %s inner:100" % ",".join(rotated), rotated, inner_size=100))
    cases.append(Case("encap all frame:1518", names, frame_size=1518, encap_arg="all"))
    two = [e.name for e in CAT.tunnels()[:2]][::-1]
    cases.append(Case("encap list %s icmp inner:3000 mtu:1500 fragmented" % ",".join(two),
                      two, proto="icmp", inner_size=3000, mtu=1500))
    return cases


def error_cases():
    """(name, arguments, the minimum the message must name): the first encapsulation's frame
    below --frame-size's own 64; each encapsulation's smallest frame less a byte (where that is
    not below 64); the baseline's with a VLAN tag; and --frame-size with a too small --mtu
    ("--frame-size with an --mtu smaller than that frame needs is an error", status assumed 2)."""
    first = CAT.names()[0]
    out = [("error %s frame:63" % first, ["--encap", first, "--frame-size", "63"], 64)]
    for e in CAT:
        n = min_frame(e.name, 0)
        if n > 64:
            out.append(("error %s frame:%d" % (e.name, n - 1),
                        ["--encap", e.name, "--frame-size", str(n - 1)], n))
    base = CAT.baseline().name
    n = min_frame(base, 100)
    out.append(("error %s vlan=100 frame:%d" % (base, n - 1),
                ["--encap", base, "--vlan", "100", "--frame-size", str(n - 1)], n))
    out.append(("error %s frame:1518 mtu:1400" % base,
                ["--encap", base, "--frame-size", "1518", "--mtu", "1400"], None))
    return out


def run_suite(tap, binary):
    tmp = tempfile.mkdtemp(prefix="ovlperf-interop-")
    try:
        for case in suite_cases():
            if SCAPY_ERROR is None:
                scapy_bind(case)
            run_case(tap, binary, case, tmp)
        for name, args, minimum in error_cases():
            run_error_case(tap, binary, name, args, minimum, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_golden(tap, golden_dir):
    """Check tests/golden/<encap>.pcap against expectations from <encap>.cases."""
    for encap in CAT.names():
        path = os.path.join(golden_dir, encap + ".pcap")
        casefile = os.path.join(golden_dir, encap + ".cases")
        if not tap.ok(os.path.exists(path) and os.path.exists(casefile),
                      "golden %s: %s.pcap and %s.cases exist" % (encap, encap, encap),
                      "run tests/golden/make_golden.py first"):
            continue
        with open(casefile) as f:
            lines = [ln.strip() for ln in f if ln.strip()]
        cases = []
        for ln in lines:
            kv = dict(x.split("=", 1) for x in ln.split())
            kind, n = kv.pop("size").split(":")
            kw = {"frame_size": int(n)} if kind == "frame" else {"mtu": int(n)}
            proto, vlan = kv.pop("proto"), int(kv.pop("vlan"))
            # what remains: the encapsulation's own options (geneve-opt-len=8, gre-key=7)
            cases.append(Case("golden %s %s" % (encap, ln), [encap], proto=proto, vlan=vlan,
                              opts={k: int(v, 0) for k, v in kv.items()}, **kw))
        raws = pcap.frames(path)
        tap.ok(len(raws) == len(cases), "golden %s: %d frames for %d cases"
               % (encap, len(raws), len(cases)))
        by_proto = {}
        for proto in ("udp", "icmp"):
            # tshark's decode-as depends on the case (inner port), so one run per proto
            by_proto[proto] = tshark_run(path, Case("", [encap], proto=proto))
        for i, case in enumerate(cases[:len(raws)]):
            scapy_bind(case)
            check_frames(tap, case.name, case, [raws[i]], [by_proto[case.proto][i]])


def load_catalogue(tap, binary):
    """The binary's encapsulations, each with its entry in TUNNELS; False when either fails."""
    global CAT
    try:
        CAT = catalogue.load(binary)
    except catalogue.CatalogueError as exc:
        tap.ok(False, "ovlperf lists its encapsulations", str(exc))
        return False
    missing = catalogue.require(TUNNELS, CAT, "decoder checks (TUNNELS in %s)"
                                % os.path.relpath(os.path.abspath(__file__), ROOT))
    return tap.ok(not missing, "every encapsulation ovlperf lists has its decoder checks here "
                  "(%s)" % ", ".join(CAT.names()), missing)


def main(argv):
    tap = Tap()
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        return 2
    if not check_prereqs(tap):
        return tap.done()
    if argv[1] == "--self-test":
        binary = os.path.join(HERE, "mock_ovlperf.py")
        if load_catalogue(tap, binary):
            run_golden(tap, os.path.join(ROOT, "tests", "golden"))
            run_suite(tap, binary)
    else:
        binary = os.path.abspath(argv[1])
        if tap.ok(os.access(binary, os.X_OK), "ovlperf binary %s is executable" % binary) and \
                load_catalogue(tap, binary):
            run_suite(tap, binary)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
