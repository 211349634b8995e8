#!/usr/bin/python3
"""TCP probes against the Linux kernel (issue 16): `ovlperf send --inner-proto tcp`, SYNs that
carry the probe as data, to a closed port of the kernel in namespace B, which answers each with
a RST acknowledging SEQ + 1 + the data: the sender matches every RST to its probe by ports and
sequence number and times it from its own record of departures. Through the kernel's VXLAN
device, at its plain address (raw), and through the userspace endpoints that hand inner packets
to it over TUN (ipip, flannel: this kernel has no ipip or fou modules), 6,000 probes at 2 kpps
each, every one matched. The testbed runs are test_kernel.py's (tests/interop/kernel/testbed.sh).

usage: test_kernel_tcp.py OVLPERF [MODE ...]
"""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_kernel  # noqa: E402
from test_kernel import Tap, known_encaps, run_mode  # noqa: E402

MODES = ["vxlan", "raw", "ipip", "flannel"]
COUNT = 6000


def check_tcp(tap, name, res):
    """What only TCP probes have: every answer a RST matched by ports and sequence number."""
    snd = res["sender"]
    tap.ok(res["config"]["inner_proto"] == "tcp" and res["config"].get("tcp_flags") == "S",
           f"{name}: SYN probes (config.inner_proto, tcp_flags)",
           f"{res['config']['inner_proto']} {res['config'].get('tcp_flags')}")
    tap.ok(snd["tcp_unmatched"] == 0 and snd["tcp_stale"] == 0 and snd["other_session"] == 0,
           f"{name}: every RST named a stream by its ports and a probe by its sequence number",
           f"unmatched {snd['tcp_unmatched']} stale {snd['tcp_stale']}")


def main():
    tap = Tap()
    args = sys.argv[1:]
    if not args:
        print("usage: test_kernel_tcp.py OVLPERF [MODE ...]", file=sys.stderr)
        return 2
    ovlperf = os.path.abspath(args[0])
    modes = args[1:] or MODES
    if os.geteuid() != 0:
        tap.ok(False, "runs as root (network namespaces)")
    else:
        known, how = known_encaps(ovlperf)
        tap.diag(f"encapsulations known to {ovlperf}: {', '.join(sorted(known))} ({how})")
        with tempfile.TemporaryDirectory(prefix="ovl-kernel-tcp-") as d:
            for mode in modes:
                if mode not in known:
                    tap.skip(f"tcp {mode}", f"ovlperf lists no {mode} encapsulation")
                    continue
                res = run_mode(tap, ovlperf, mode, d, proto="tcp", count=COUNT, tb_id="t")
                if res is not None:
                    check_tcp(tap, f"tcp {mode}", res)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    assert test_kernel.USERSPACE_RATE == 2000, "the issue asks for 2 kpps"
    sys.exit(main())
