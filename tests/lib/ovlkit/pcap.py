# SPDX-License-Identifier: BSD-3-Clause
"""The one pcap reader (and a writer): classic pcap files, microsecond or nanosecond
timestamps, either byte order (pcap-savefile(5)). pcapng is left to tshark.

  for ts_ns, frame in read(path): ...        every record: (timestamp in ns, bytes)
  frames(path)                               the records' bytes, as a list
  write(path, frames)                        frames: bytes, or (ts_ns, bytes) pairs
"""

import struct

LINKTYPE_ETHERNET = 1
SNAPLEN = 65535
_MAGIC = {  # first four bytes: (byte order, nanosecond timestamps)
    b"\xd4\xc3\xb2\xa1": ("<", False),
    b"\x4d\x3c\xb2\xa1": ("<", True),
    b"\xa1\xb2\xc3\xd4": (">", False),
    b"\xa1\xb2\x3c\x4d": (">", True),
}


class PcapError(ValueError):
    """Not a pcap file, another link type, or a truncated record; the message says which."""


def read(path, linktype=LINKTYPE_ETHERNET):
    """Yields (timestamp_ns, frame bytes) per record. linktype: the one the file must have
    (None: any). Raises PcapError."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise PcapError("%s: %d bytes, no pcap header" % (path, len(data)))
    try:
        endian, nanos = _MAGIC[data[:4]]
    except KeyError:
        raise PcapError("%s: not a pcap file (magic %s)" % (path, data[:4].hex())) from None
    link = struct.unpack_from(endian + "I", data, 20)[0]
    if linktype is not None and link != linktype:
        raise PcapError("%s: link type %d, not %d" % (path, link, linktype))
    rec = struct.Struct(endian + "IIII")
    frac = 1 if nanos else 1000
    off, n = 24, len(data)
    while off + 16 <= n:
        sec, sub, incl, _ = rec.unpack_from(data, off)
        off += 16
        if off + incl > n:
            raise PcapError("%s: truncated record at byte %d" % (path, off - 16))
        yield sec * 1_000_000_000 + sub * frac, data[off:off + incl]
        off += incl


def frames(path, linktype=LINKTYPE_ETHERNET):
    """Every record's bytes, in file order."""
    return [fr for _, fr in read(path, linktype)]


def write(path, records, nanos=False, linktype=LINKTYPE_ETHERNET):
    """Writes a little-endian pcap. records: frame bytes (record k stamped 1 s + k units) or
    (timestamp_ns, bytes) pairs. Returns the number of records."""
    n = 0
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D if nanos else 0xA1B2C3D4, 2, 4, 0, 0,
                            SNAPLEN, linktype))
        for k, r in enumerate(records):
            if isinstance(r, tuple):
                ts, fr = r
                sec, sub = divmod(ts, 1_000_000_000)
                if not nanos:
                    sub //= 1000
            else:
                sec, sub, fr = 1, k, r
            f.write(struct.pack("<IIII", sec, sub, len(fr), len(fr)))
            f.write(bytes(fr))
            n += 1
    return n


def concat(paths, out, nanos=True):
    """Writes every record of every file in paths, in order, into out; returns the count."""
    def records():
        for p in paths:
            yield from read(p)
    return write(out, records(), nanos=nanos)
