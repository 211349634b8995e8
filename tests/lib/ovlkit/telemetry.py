# SPDX-License-Identifier: BSD-3-Clause
"""A client of DPDK's rte_telemetry v2 socket, speaking the protocol of DPDK's
usertools/dpdk-telemetry.py: a SOCK_SEQPACKET unix socket at /var/run/dpdk/PREFIX/dpdk_telemetry.v2;
the server first sends a JSON greeting with its pid and max_output_len, then answers each command
(a string such as "/ethdev/stats,0") with one JSON object keyed by the command."""
import json
import os
import socket

from .harness import DPDK_RUN_DIR


class Client:
    """One connection to an rte_telemetry v2 socket."""

    def __init__(self, path, timeout=5.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.greeting = json.loads(self.s.recv(4096).decode())
        self.max_len = int(self.greeting["max_output_len"])

    def query(self, cmd):
        self.s.send(cmd.encode())
        reply = self.s.recv(self.max_len)
        if not reply:
            raise ConnectionError("the server closed the connection")
        doc = json.loads(reply.decode())
        key = cmd.split(",", 1)[0]
        if key not in doc:
            raise ValueError("reply to %s lacks its key: %.200s" % (cmd, reply))
        return doc[key]

    def close(self):
        self.s.close()


def sock_path(prefix):
    return os.path.join(DPDK_RUN_DIR, prefix, "dpdk_telemetry.v2")


def streams_of(stats):
    """/ovlperf/stats' per-stream dictionaries, stream0 first."""
    return [stats[k] for k in sorted((k for k in stats if k.startswith("stream")),
                                     key=lambda k: int(k[6:]))]


def mempools_in_use(client):
    """Each mempool's mbufs in use (size less those in its ring and in the lcore caches), by
    name, from DPDK's /mempool/list and /mempool/info."""
    out = {}
    for name in client.query("/mempool/list") or []:
        info = client.query("/mempool/info," + name)
        out[name] = info["size"] - info["common_pool_count"] - info["total_cache_count"]
    return out
