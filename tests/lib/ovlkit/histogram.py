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
