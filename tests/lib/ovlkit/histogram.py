# SPDX-License-Identifier: BSD-3-Clause
"""ovlperf's exported latency histograms (results JSON: streams[].latency_histogram), read by
the README's rule and added: written from the README's words, not from lib/measure's C, so
that tests checking the C against it are checking against something else."""
import math
from fractions import Fraction


def percentile(h, pct):
    """Nearest rank ceil(pct / 100 * count), in exact arithmetic (pct as written: 99.9 is
    999/10); rank 1 is min, the last rank max, exactly; any other rank the midpoint
    low + width // 2 of the bucket holding it, kept within [min, max]."""
    count = h["count"]
    if count == 0:
        return 0
    if pct >= 100:
        return h["max"]
    rank = math.ceil(Fraction(str(pct)) * count / 100)
    if rank <= 1:
        return h["min"]
    if rank >= count:
        return h["max"]
    seen = 0
    for low, width, n in h["buckets"]:
        seen += n
        if seen >= rank:
            return min(max(low + width // 2, h["min"]), h["max"])
    return h["max"]


class LayoutError(ValueError):
    pass


def add(hs):
    """Histograms of one layout added bucket by bucket (as if one had recorded every value)."""
    layout = {(h["unit"], h["sub_bucket_bits"]) for h in hs}
    if len(layout) != 1:
        raise LayoutError("histograms of different layouts cannot be added: %s" % sorted(layout))
    counts = {}
    for h in hs:
        for low, width, n in h["buckets"]:
            counts[(low, width)] = counts.get((low, width), 0) + n
    filled = [h for h in hs if h["count"] > 0]
    return {"unit": hs[0]["unit"], "sub_bucket_bits": hs[0]["sub_bucket_bits"],
            "limit_bits": hs[0].get("limit_bits"), "count": sum(h["count"] for h in hs),
            "min": min((h["min"] for h in filled), default=0),
            "max": max((h["max"] for h in filled), default=0),
            "buckets": [[lw[0], lw[1], n] for lw, n in sorted(counts.items())]}


PERCENTILES = (("min", 0), ("p50", 50), ("p90", 90), ("p99", 99), ("p99_9", 99.9), ("max", 100))


V2_COMPRESSED_COOKIE = 0x1c849314
V2_COOKIE = 0x1c849313


def _zigzag_leb128(data, pos):
    value, shift = 0, 0
    for i in range(9):
        b = data[pos]
        pos += 1
        if i == 8:
            value |= b << shift
            break
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            break
    return (value >> 1) ^ -(value & 1), pos


def decode_hdr(text, sub_bits=7):
    """One HdrHistogram compressed V2 histogram (base64, as an interval log line carries it),
    in the results JSON's form (buckets [low, width, count]). Only the layout ovlperf writes
    (two significant digits, lowest discernible value 1) is accepted."""
    import base64
    import struct
    import zlib
    raw = base64.b64decode(text)
    cookie, length = struct.unpack(">iI", raw[:8])
    if cookie & 0xFFFFFFFF != V2_COMPRESSED_COOKIE:
        raise ValueError("not a compressed V2 histogram (cookie %#x)" % (cookie & 0xFFFFFFFF))
    data = zlib.decompress(raw[8:8 + length])
    cookie, payload, offset, digits, lowest, _highest, _ratio = struct.unpack(">iiiiqqd", data[:40])
    if cookie & 0xFFFFFFFF != V2_COOKIE or digits != 2 or lowest != 1 or offset != 0:
        raise ValueError("not ovlperf's layout: cookie %#x, %d digits, lowest %d, offset %d"
                         % (cookie & 0xFFFFFFFF, digits, lowest, offset))
    pos, end, index, buckets = 40, 40 + payload, 0, []
    while pos < end:
        v, pos = _zigzag_leb128(data, pos)
        if v < 0:
            index += -v
            continue
        shift = index >> sub_bits
        if shift <= 1:
            low, width = index, 1
        else:
            low, width = (index - ((shift - 1) << sub_bits)) << (shift - 1), 1 << (shift - 1)
        buckets.append([low, width, v])
        index += 1
    count = sum(n for _, _, n in buckets)
    return {"unit": "ns", "sub_bucket_bits": sub_bits, "count": count,
            "min": buckets[0][0] if buckets else 0,
            "max": buckets[-1][0] + buckets[-1][1] - 1 if buckets else 0, "buckets": buckets}


def read_interval_log(path):
    """An HdrHistogram interval log's lines: (tag, start_s, length_s, histogram) each."""
    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or line.startswith('"') or not line.strip():
                continue
            tag = None
            if line.startswith("Tag="):
                tag, line = line[4:].split(",", 1)
            start, length, _max, text = line.strip().split(",", 3)
            out.append((tag, float(start), float(length), decode_hdr(text)))
    return out
