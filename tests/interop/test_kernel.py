#!/usr/bin/python3
"""ovlperf send against the Linux kernel: in network namespace A the sender (net_af_packet on a
veth), in B the kernel answering ICMP echo on its plain address (raw), through its VXLAN device
(vxlan), through userspace tunnel endpoints that hand inner packets to it over TUN (ipip,
flannel: this kernel has no ipip or fou modules), and through its geneve or gretap device where
it has one, else a userspace endpoint on a TAP (geneve, gretap). No static neighbour entries and
no static VXLAN fdb entry: the sender resolves MACs by ARP and answers the kernel's ARP, outer
and inner. A mode whose encapsulation the binary does not list (`frames --list --json`) is
skipped.

usage: test_kernel.py OVLPERF [MODE ...]
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit import catalogue  # noqa: E402
from ovlkit.tap import Tap  # noqa: E402

TESTBED = os.path.join(HERE, "kernel", "testbed.sh")
# The testbed's modes (tests/interop/kernel/testbed.sh), each an encapsulation of ovlperf's.
MODES = ["raw", "vxlan", "ipip", "flannel", "geneve", "gretap"]
# Runs with the encapsulation's options set: name -> (testbed mode, send options, testbed env).
VARIANTS = {
    "geneve-options": ("geneve", " --geneve-opt-len 12", {}),
    "gretap-key": ("gretap", " --gre-key \"$TB_GRE_KEY\"", {"TB_GRE_KEY": "3405691582"}),
}
L2_MODES = ("vxlan", "geneve", "gretap")   # an inner Ethernet frame: inner MAC resolved by ARP
# The inner device's MAC in B. Not ovlperf's default inner destination MAC (02:00:00:00:01:02),
# so that a sender which did not resolve it by ARP through the tunnel is caught.
INNER_MAC_B = "02:00:00:00:01:22"
def known_encaps(ovlperf):
    """The encapsulations the binary lists (frames --list --json); fails loudly without it."""
    return set(catalogue.load(ovlperf).names()), "from frames --list --json"


def run_mode(tap, ovlperf, name, workdir):
    mode, extra, tb_env = VARIANTS.get(name, (name, "", {}))
    out = os.path.join(workdir, name + ".json")
    if mode == "geneve":
        extra += " --vni \"$TB_VNI\" --geneve-port \"$TB_GENEVE_PORT\""
    inner = f"ip netns exec \"$TB_NS_A\" {ovlperf} --no-pci --no-huge --no-shconf -m 256 " \
            f"--log-level=error --vdev net_af_packet0,iface=\"$TB_IF_A\" -l 0-1 -- send " \
            f"--encap {mode}{extra} --inner-proto icmp --rate 2k --duration 2 --drain 300 " \
            f"--json {out} --no-live"
    env = dict(os.environ, TB_VXLAN_DEFAULT_FDB="0", TB_ID=f"k{os.getpid()}{name[:2]}",
               TB_INNER_MAC=INNER_MAC_B)
    env.pop("TB_GRE_KEY", None)   # gretap without a key unless the variant has one
    env.update(tb_env)
    try:
        p = subprocess.run([TESTBED, "run", mode, "--", "sh", "-c", inner], env=env,
                           capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        tap.ok(False, f"{name}: send finished within 90 s")
        return
    # testbed.sh says what carries the tunnel: the kernel's device or a userspace endpoint.
    tap.diag(*[line for line in p.stderr.splitlines() if line.startswith("testbed: ")])
    if not tap.ok(p.returncode == 0, f"{name}: send exited 0",
                  [f"exit {p.returncode}", p.stdout[-2000:], p.stderr[-2000:]]):
        return
    try:
        with open(out) as f:
            res = json.load(f)
    except (OSError, ValueError) as e:
        tap.ok(False, f"{name}: results JSON readable", str(e))
        return
    s = res["streams"][0]
    tx, rx = s["tx"]["packets"], s["rx"]["packets"]
    lat = s["latency_ns"]
    tap.diag(f"{name}: tx {tx} rx {rx} lost {s['lost']} p50 {lat['p50']} ns p99 {lat['p99']} ns "
             f"arp answered {res['sender']['arp_answered']}")
    tap.ok(res["partial"] is False, f"{name}: run complete, not partial")
    tap.ok(tx >= 3000, f"{name}: sent at least 3000 probes at 2 kpps for 2 s", f"tx {tx}")
    tap.ok(rx == tx and s["lost"] == 0, f"{name}: every probe came back from the kernel",
           f"tx {tx} rx {rx} lost {s['lost']}")
    tap.ok(s["corrupted"] == 0 and s["duplicated"] == 0, f"{name}: no corrupted or duplicated replies")
    tap.ok(lat["count"] == rx and 0 < lat["min"] <= lat["p50"] <= lat["p99"] <= lat["max"],
           f"{name}: latency recorded for every reply, percentiles ordered", json.dumps(lat))
    tap.ok(lat["p50"] < 5_000_000, f"{name}: p50 under 5 ms", f"p50 {lat['p50']} ns")
    cfg = res["config"]
    tap.ok(cfg["dst_mac_source"] == "arp" and cfg["dst_mac"] == "02:00:00:00:00:02",
           f"{name}: the next hop's MAC was resolved by ARP", f"{cfg['dst_mac_source']} {cfg['dst_mac']}")
    if mode in L2_MODES:
        tap.ok(cfg["inner_dst_mac"] == INNER_MAC_B,
               f"{name}: the inner device's MAC was resolved by ARP through the tunnel",
               f"{cfg['inner_dst_mac']}, B's is {INNER_MAC_B}")


def main():
    tap = Tap()
    if len(sys.argv) < 2:
        print("usage: test_kernel.py OVLPERF [MODE ...]", file=sys.stderr)
        return 2
    ovlperf = os.path.abspath(sys.argv[1])
    modes = sys.argv[2:] or MODES + list(VARIANTS)
    if os.geteuid() != 0:
        tap.ok(False, "runs as root (network namespaces)")
    else:
        known, how = known_encaps(ovlperf)
        tap.diag(f"encapsulations known to {ovlperf}: {', '.join(sorted(known))} ({how})")
        with tempfile.TemporaryDirectory(prefix="ovl-kernel-") as d:
            for name in modes:
                mode = VARIANTS.get(name, (name,))[0]
                if mode not in known:
                    tap.skip(name, f"ovlperf lists no {mode} encapsulation")
                else:
                    run_mode(tap, ovlperf, name, d)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
