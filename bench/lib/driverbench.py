# SPDX-License-Identifier: BSD-3-Clause
"""bench/perf's figures on the real driver paths of this machine (bench/README.md, 8 and 9):

  af_xdp   ovlperf send on net_af_xdp against dpdk-testpmd txonly on the same veth, interleaved;
           the kernel's copy-mode path bounds both
  virtio   over net_virtio_user / net_vhost (two processes): ovlperf send against testpmd txonly
           into the same sink (testpmd rxonly on net_vhost), and ovlperf reflect against testpmd
           5tswap answering the same source (ovlperf send unlimited on net_virtio_user)

Each figure sets up what it needs (a veth pair in two namespaces; hugepages and a hugetlbfs of
its own) and undoes it in teardown(), also when bench/perf is stopped by a signal. A figure
this machine cannot run (no AF_XDP in the kernel, not root) is recorded as skipped, with the
reason, never as missing.
"""

import json
import os
import re
import signal
import subprocess
import threading
import time

from benchkit import RunError, median, testpmd_periods
from ovlkit.hugepages import Hugepages
from ovlkit.netns import VethPair, af_xdp_missing
from ovlkit.ovlperf import eal as eal_args

AF_XDP_SIZES = (64, 1518)
# A destination MAC nobody on the veth has: the peer's kernel drops every frame as soon as it
# sees it is for another host, the same way for both senders.
OTHER_MAC = "02:00:00:00:00:99"
AF_XDP_VDEV = "net_af_xdp0,iface=veth-a,start_queue=0,busy_budget=0"
VHOST_MAC = "56:48:4F:53:54:00"          # net_vhost's port 0
VIRTIO_QUEUE_SIZE = 1024                 # the profile's; given to testpmd too
HUGEPAGES = 288
SANE_MAX_PPS = 100e6


def _kernel_rx(pair):
    """Packets the peer veth (veth-b) received, from the kernel's own counters."""
    p = subprocess.run(["ip", "-n", pair.ns_b, "-s", "-j", "link", "show", pair.if_b],
                       capture_output=True, text=True, timeout=30)
    try:
        return json.loads(p.stdout)[0]["stats64"]["rx"]["packets"]
    except (ValueError, KeyError, IndexError):
        return None


class DriverFigures:
    def __init__(self, bench, base_encap, log):
        self.b = bench
        self.base = base_encap
        self.log = log
        self.pair = None
        self.hp = None
        self.skipped = {}          # figure -> why it could not run here
        self.memory = None         # virtio: "hugepages" or "memfd (why)"
        self.sock = None

    # ------------------------------------------------------------ set-up and tear-down

    def setup(self, figures):
        if "af_xdp" in figures:
            why = "not root: cannot make network namespaces" if os.geteuid() != 0 else af_xdp_missing()
            if why is None:
                self.pair = VethPair("perfxdp")
                why = self.pair.up()
                if why:
                    self.pair.down()
                    self.pair = None
                    why = "veth pair: " + why
            if why:
                self.skipped["af_xdp"] = why
        if "virtio" in figures:
            self.hp = Hugepages(HUGEPAGES, self.b.path("huge"))
            why = self.hp.setup()
            if why:
                self.hp.undo()
                self.hp = None
                self.memory = "memfd (no hugepages: %s)" % why
            else:
                self.memory = "hugepages (2 MB, --single-file-segments on the virtio side)"
            self.sock = self.b.path("vhost.sock")

    def teardown(self):
        problems = []
        if self.pair is not None:
            problems += self.pair.down()
            self.pair = None
        if self.hp is not None:
            problems += self.hp.undo()
            self.hp = None
        return problems

    def _note(self, doc):
        """The run's provenance, for the report's header when only these figures ran."""
        b = self.b
        b.tsc_hz = b.tsc_hz or doc.get("timestamps", {}).get("tsc_hz")
        b.dpdk = b.dpdk or doc.get("dpdk")
        b.commit = b.commit or doc.get("ovlperf", {}).get("commit")

    # ------------------------------------------------------------ AF_XDP

    def rep_af_xdp(self, rep):
        b, d = self.b, self.b.a.duration
        if "af_xdp" in self.skipped:
            return
        for size in AF_XDP_SIZES:
            j = b.path("afxdp.json")
            argv = [b.a.ovlperf] + eal_args(lcores="0-1", telemetry=True, log_level=None) + [
                "--vdev", AF_XDP_VDEV, "--", "send", "--encap", self.base, "--frame-size",
                str(size), "--rate", "unlimited", "--dst-mac", OTHER_MAC, "--duration", str(d),
                "--json", j, "--no-live"]
            try:
                k0 = _kernel_rx(self.pair)
                rc, out, err, share = b.run_sampled(self.pair.in_a(argv), d + 60)
                k1 = _kernel_rx(self.pair)
                doc = b.read_json(j, rc, err)
                self._note(doc)
                s = doc["streams"][0]
                if rc != 0 or doc.get("partial") or s["tx"]["frames"] <= 0:
                    raise RunError("exit %d, %d frames sent" % (rc, s["tx"]["frames"]))
                kernel = (k1 - k0) / s["tx"]["frames"] if None not in (k0, k1) else None
                b.record("af_xdp", "ovlperf", rep, frame=size, pps=s["tx"]["pps"],
                         frames=s["tx"]["frames"], seconds=doc["seconds"], cpu_share=share,
                         kernel_rx_over_tx=kernel, xdp=doc["ports"][0].get("xdp"),
                         tx_frames=s.get("tx_frames"), argv=b.shown(["ip", "netns", "exec", "NS_A"] + argv))
                self.log("rep %d af_xdp %4d ovlperf %.3f Mpps (kernel got %s of it, cpu %.0f%%)" % (
                    rep, size, s["tx"]["pps"] / 1e6, "n/a" if kernel is None else "%.3f" % kernel,
                    100 * (share or 0)))
            except RunError as ex:
                b.fail("af_xdp", "ovlperf %d" % size, ex)
            prefix = b.file_prefix()
            targv = [b.a.testpmd] + eal_args(lcores="0-1", shconf=True, telemetry=True,
                                             log_level=None) + [
                "--file-prefix", prefix, "--vdev", AF_XDP_VDEV, "--", "--forward-mode=txonly",
                "--stats-period", "1", "--nb-cores=1", "--total-num-mbufs=8192",
                "--port-topology=loop", "--txpkts=%d" % (size - 4), "--eth-peer=0," + OTHER_MAC]
            try:
                k0 = _kernel_rx(self.pair)
                r = testpmd_periods(b.kids, self.pair.in_a(targv), int(d))
                k1 = _kernel_rx(self.pair)
                acc = r["accumulated_tx_packets"]
                kernel = (k1 - k0) / acc if None not in (k0, k1) and acc else None
                b.record("af_xdp", "txonly", rep, frame=size, pps=r["tx_pps"], periods=r["tx_pps_periods"],
                         cpu_share=r["worker_cpu_share"], kernel_rx_over_tx=kernel,
                         argv="ip netns exec NS_A " + " ".join(targv))
                self.log("rep %d af_xdp %4d testpmd txonly %.3f Mpps" % (rep, size, r["tx_pps"] / 1e6))
            except RunError as ex:
                b.fail("af_xdp", "testpmd txonly %d" % size, ex)
            finally:
                b.drop_runtime_dir(prefix)

    # ------------------------------------------------------------ virtio-user / vhost

    def _eal(self, side, prefix):
        """EAL options: the vhost side on CPU 0, the virtio side on CPU 1; hugepages if held."""
        lcores = "0@0,1@0" if side == "vhost" else "0@1,1@1"
        if self.hp is None:
            return eal_args(lcores=lcores, shconf=True, telemetry=True, log_level=None) + \
                ["--file-prefix", prefix]
        extra = ["--huge-dir", self.hp.mnt, "--file-prefix", prefix]
        if side == "virtio":
            extra.append("--single-file-segments")
        return eal_args(lcores=lcores, shconf=True, telemetry=True, log_level=None, huge=True,
                        mem=256, extra=extra)

    def _virtio_vdev(self):
        return "net_virtio_user0,path=%s,queue_size=%d" % (self.sock, VIRTIO_QUEUE_SIZE)

    def _start_vhost_side(self, what, tail):
        """Starts the process that owns the vhost socket; returns (popen, prefix, log path)."""
        b = self.b
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        prefix = b.file_prefix()
        logp = b.path("vhost-side.log")
        log = open(logp, "w")
        binary = b.a.ovlperf if what == "ovlperf" else b.a.testpmd
        argv = [binary] + self._eal("vhost", prefix) + ["--vdev", "net_vhost0,iface=%s" % self.sock] + tail
        p = b.kids.popen(argv, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        for _ in range(200):
            if os.path.exists(self.sock) or p.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.sock):
            self._stop(p, prefix)
            with open(logp) as f:
                raise RunError("%s on net_vhost did not come up: %s" % (
                    what, " | ".join(f.read().strip().splitlines()[-2:])))
        time.sleep(0.3)
        return p, prefix, argv

    def _stop(self, p, prefix, sig=signal.SIGINT):
        b = self.b
        if p.poll() is None:
            os.kill(p.pid, sig)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                b.kids.kill(p)
                p.wait()
        b.kids.done(p)
        b.drop_runtime_dir(prefix)

    def _sink_received(self):
        """What the stopped testpmd sink received in all (its accumulated RX-total)."""
        with open(self.b.path("vhost-side.log")) as f:
            found = re.findall(r"RX-total:\s*(\d+)", f.read())
        return int(found[-1]) if found else None

    def _send_row(self, rep, frame, which):
        """One sender (ovlperf or testpmd txonly on net_virtio_user) into a sink of its own
        (testpmd rxonly on net_vhost), whose count of what arrived checks the sender's."""
        b, d = self.b, self.b.a.duration
        sink = self._start_vhost_side("testpmd", ["--", "--forward-mode=rxonly", "--stats-period",
                                      "1", "--nb-cores=1", "--total-num-mbufs=8192",
                                      "--port-topology=loop"])
        prefix = b.file_prefix()
        try:
            if which == "ovlperf":
                doc, s, share, shown = self._ovl_source(d)
                data = {"pps": s["tx"]["pps"], "sent": s["tx"]["frames"], "cpu_share": share,
                        "tx_full": doc["sender"].get("tx_full"), "argv": shown}
            else:
                argv = [b.a.testpmd] + self._eal("virtio", prefix) + ["--vdev", self._virtio_vdev(),
                        "--", "--forward-mode=txonly", "--stats-period", "1", "--nb-cores=1",
                        "--total-num-mbufs=8192", "--port-topology=loop", "--txpkts=%d" % (frame - 4),
                        "--eth-peer=0," + OTHER_MAC]
                r = testpmd_periods(b.kids, argv, int(d))
                data = {"pps": r["tx_pps"], "sent": r["accumulated_tx_packets"],
                        "periods": r["tx_pps_periods"], "cpu_share": r["worker_cpu_share"],
                        "argv": " ".join(argv)}
        finally:
            b.drop_runtime_dir(prefix)
            self._stop(sink[0], sink[1])
        got = self._sink_received()
        data["sink_rx_over_tx"] = got / data["sent"] if got is not None and data["sent"] else None
        b.record("virtio", "send " + ("ovlperf" if which == "ovlperf" else "txonly"), rep,
                 frame=frame, memory=self.memory, sink_argv=" ".join(sink[2]), **data)
        self.log("rep %d virtio send %-7s %.3f Mpps (the sink got %s of it)" % (
            rep, which, data["pps"] / 1e6, "n/a" if data["sink_rx_over_tx"] is None
            else "%.3f" % data["sink_rx_over_tx"]))

    def _ovl_source(self, d, reply_to=None):
        """ovlperf send unlimited on net_virtio_user: its JSON (tx and rx per second)."""
        b = self.b
        prefix = b.file_prefix()
        j = b.path("virtio-send.json")
        argv = [b.a.ovlperf] + self._eal("virtio", prefix) + ["--vdev", self._virtio_vdev(), "--",
                "send", "--encap", self.base, "--rate", "unlimited", "--dst-mac",
                reply_to or OTHER_MAC, "--duration", str(d), "--json", j, "--no-live"]
        try:
            rc, out, err, share = b.run_sampled(argv, d + 60)
            doc = b.read_json(j, rc, err)
        finally:
            b.drop_runtime_dir(prefix)
        self._note(doc)
        s = doc["streams"][0]
        if rc != 0 or doc.get("partial") or s["tx"]["frames"] <= 0:
            raise RunError("exit %d, %d frames sent" % (rc, s["tx"]["frames"]))
        return doc, s, share, b.shown(argv)

    def rep_virtio(self, rep):
        b, d = self.b, self.b.a.duration
        frame = 64
        # Which goes first swaps every other repetition: the pair's rate drifts by the minute
        # on this VM, and a fixed order would hand that drift to one side.
        first = 0 if rep % 2 else 1
        # Send: each sender into a sink of its own making (testpmd rxonly on net_vhost).
        for which in ("ovlperf", "txonly")[first:] + ("ovlperf", "txonly")[:first]:
            try:
                self._send_row(rep, frame, which)
            except RunError as ex:
                b.fail("virtio", "send " + which, ex)
        # Reflect: the same source against each reflector. It must outpace them, so it is
        # testpmd io forwarding a capture of valid probes (net_pcap, replayed forever) onto
        # net_virtio_user, and the replies it gets back on that port to net_pcap's TX (dropped):
        # the figure is that port's RX rate, the replies per second, one instrument for both.
        try:
            pcap_file = self._probes()
        except RunError as ex:
            b.fail("virtio", "probe capture", ex)
            return
        reflectors = (("ovlperf", ["--", "reflect", "--no-live"]),
                      ("5tswap", ["--", "--forward-mode=5tswap", "--stats-period", "1", "--nb-cores=1",
                                  "--total-num-mbufs=8192", "--port-topology=loop"]))
        for what, tail in reflectors[first:] + reflectors[:first]:
            side = None
            try:
                side = self._start_vhost_side("ovlperf" if what == "ovlperf" else "testpmd", tail)
                r = self._pcap_source(pcap_file, int(d))
                if r["replies_pps"] <= 0:
                    raise RunError("no replies came back (%.0f offered per second)" % r["offered_pps"])
                b.record("virtio", "reflect " + what, rep, frame=frame, pps=r["replies_pps"],
                         offered_pps=r["offered_pps"], periods=r["periods"], memory=self.memory,
                         argv=" ".join(side[2]), source_argv=r["argv"])
                self.log("rep %d virtio reflect %-7s %.3f Mpps back (%.3f offered)" % (
                    rep, what, r["replies_pps"] / 1e6, r["offered_pps"] / 1e6))
            except RunError as ex:
                b.fail("virtio", "reflect " + what, ex)
            finally:
                if side is not None:
                    self._stop(side[0], side[1], signal.SIGTERM if what == "ovlperf" else signal.SIGINT)

    def _probes(self):
        """Valid probes addressed to net_vhost's port (its MAC), once per run."""
        out = self.b.path("virtio-probes.pcap")
        if not os.path.exists(out):
            self.b.frames_pcap(self.base, VHOST_MAC, out)
        return out

    def _pcap_source(self, pcap_file, periods):
        """testpmd io: port 0 net_pcap (the capture, forever) -> port 1 net_virtio_user, and
        port 1's replies -> port 0 (dropped). Per-period rates of port 1, periods 2..N+1."""
        b = self.b
        prefix = b.file_prefix()
        argv = [b.a.testpmd] + self._eal("virtio", prefix) + [
            "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap_file,
            "--vdev", self._virtio_vdev().replace("net_virtio_user0", "net_virtio_user1"), "--",
            "--forward-mode=io", "--port-topology=paired", "--stats-period", "1", "--nb-cores=1",
            "--total-num-mbufs=16384", "--no-flush-rx"]
        p = b.kids.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        port, rx, tx, lines = None, [], [], []
        timer = threading.Timer(60 + 3 * periods, b.kids.kill, (p,))
        timer.start()
        try:
            for line in p.stdout:
                lines.append(line)
                m = re.search(r"NIC statistics for port (\d+)", line)
                if m:
                    port = int(m.group(1))
                m = re.match(r"\s*(Rx|Tx)-pps:\s+(\d+)", line)
                if m and port == 1:
                    (rx if m.group(1) == "Rx" else tx).append(int(m.group(2)))
                    if len(rx) > periods + 1 and len(tx) > periods + 1 and p.poll() is None:
                        os.kill(p.pid, signal.SIGINT)
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            b.kids.kill(p)
            p.wait()
        finally:
            timer.cancel()
            b.kids.done(p)
            b.drop_runtime_dir(prefix)
        if len(rx) <= periods + 1:
            cause = [l.strip() for l in lines if "Cause" in l or "rror" in l]
            raise RunError("the testpmd source printed %d statistics periods%s" % (
                len(rx), (": " + cause[-1]) if cause else ""))
        # The first period reads 0 (no earlier sample), the second starts while the reflector
        # still connects: the figure is the median of the next ones.
        return {"replies_pps": median(rx[2:periods + 2]), "offered_pps": median(tx[2:periods + 2]),
                "periods": rx[2:periods + 2], "argv": " ".join(argv)}

    # ------------------------------------------------------------ report

    def sane(self, fig, recs):
        """Why a figure's runs are not sane (empty list: they are): rates above 0 and below any
        this machine could reach; AF_XDP frames that the kernel actually received."""
        bad = []
        for r in recs:
            pps = r.get("pps")
            if not isinstance(pps, (int, float)) or not 0 < pps < SANE_MAX_PPS:
                bad.append("%s %s rep %d: %r packets/s" % (fig, r["what"], r["rep"], pps))
            for key, who in (("kernel_rx_over_tx", "the kernel"), ("sink_rx_over_tx", "the sink")):
                k = r.get(key, 1.0)
                if k is None or not 0.5 <= k <= 1.5:
                    bad.append("%s %s rep %d: %s received %s of the frames sent" % (
                        fig, r["what"], r["rep"], who, "an unknown share" if k is None else "%.2f" % k))
        return bad

    def report_af_xdp(self, rep, fmt, md_table, passfail):
        if "af_xdp" in self.skipped:
            rep.figures["af_xdp"] = {"skipped": self.skipped["af_xdp"]}
            return "Skipped on this machine: %s." % self.skipped["af_xdp"]
        rows, data = [], []
        for size in AF_XDP_SIZES:
            o = rep.pick("af_xdp", "ovlperf", frame=size)
            t = rep.pick("af_xdp", "txonly", frame=size)
            d = {"frame": size,
                 "ovlperf_mpps": rep.need("af_xdp", "ovlperf %d" % size, median([r["pps"] / 1e6 for r in o])),
                 "txonly_mpps": rep.need("af_xdp", "txonly %d" % size, median([r["pps"] / 1e6 for r in t])),
                 "ratio": rep.per_rep_ratio(o, t), "ratio_per_cpu": rep.per_rep_ratio(o, t, True),
                 "kernel_rx_over_tx": median([r.get("kernel_rx_over_tx") for r in o]),
                 "xdp": o[0].get("xdp") if o else None, "reps": len(o),
                 "argv": o[0]["argv"] if o else None, "testpmd_argv": t[0]["argv"] if t else None}
            data.append(d)
            rows.append([size, fmt(d["ovlperf_mpps"], 3), fmt(d["txonly_mpps"], 3), fmt(d["ratio"], x=True),
                         fmt(d["ratio_per_cpu"], x=True), fmt(d["kernel_rx_over_tx"], 3),
                         passfail(None if d["ratio"] is None else d["ratio"] >= 0.95)])
        rep.figures["af_xdp"] = data
        r64 = data[0]["ratio"]
        if r64 is not None:
            rep.target("AF_XDP send >= 0.95x testpmd txonly (64 bytes, same veth)", r64, ">= 0.95x",
                       r64 >= 0.95, "the kernel's copy-mode path bounds both")
        xdp = data[0]["xdp"] or {}
        return (md_table(["frame", "ovlperf Mpps", "testpmd txonly Mpps", "ovl/txonly",
                          "ovl/txonly per CPU-s", "kernel received / ovlperf sent", ">= 0.95x"], rows)
                + "\n\nBoth on `%s` (veth-a in a namespace of the bench's own; the peer drops the "
                  "frames, addressed to %s, as soon as it sees they are for another host). "
                  "ovlperf ran the socket as: %s." % (AF_XDP_VDEV, OTHER_MAC, json.dumps(xdp)))

    def report_virtio(self, rep, fmt, md_table, passfail):
        rows, data = [], {}
        for row, ours, theirs in (("send", "send ovlperf", "send txonly"),
                                  ("reflect", "reflect ovlperf", "reflect 5tswap")):
            o, t = rep.pick("virtio", ours), rep.pick("virtio", theirs)
            d = {"ovlperf_mpps": rep.need("virtio", ours, median([r["pps"] / 1e6 for r in o])),
                 "testpmd_mpps": rep.need("virtio", theirs, median([r["pps"] / 1e6 for r in t])),
                 "ratio": rep.per_rep_ratio(o, t), "reps": len(o), "memory": self.memory,
                 "argv": o[0]["argv"] if o else None, "testpmd_argv": t[0]["argv"] if t else None}
            if row == "reflect":
                d["offered_mpps"] = median([r["offered_pps"] / 1e6 for r in o + t])
                d["source_argv"] = o[0]["source_argv"] if o else None
            data[row] = d
            rows.append([row, theirs.split()[1], fmt(d["ovlperf_mpps"], 3), fmt(d["testpmd_mpps"], 3),
                         fmt(d["ratio"], x=True),
                         passfail(None if d["ratio"] is None else d["ratio"] >= 1.0)])
            if d["ratio"] is not None:
                rep.target("virtio %s >= 1.0x testpmd %s" % (row, theirs.split()[1]), d["ratio"],
                           ">= 1.0x", d["ratio"] >= 1.0, "net_virtio_user / net_vhost, 64 bytes")
        rep.figures["virtio"] = data
        return (md_table(["row", "testpmd mode", "ovlperf Mpps", "testpmd Mpps", "ratio", ">= 1.0x"], rows)
                + "\n\nsend: the sender's own TX rate on net_virtio_user (CPU 1) into testpmd rxonly "
                  "on net_vhost (CPU 0), whose count of what arrived is checked against it; "
                  "reflect: the reflector on net_vhost (CPU 0), answering the same source on CPU 1 "
                  "(testpmd io from a net_pcap capture of valid %s probes onto net_virtio_user, "
                  "%.2f Mpps offered): replies per second the source's virtio port received. "
                  "Memory: %s; virtio ring queue_size=%d for every run." % (
                      self.base, data["reflect"].get("offered_mpps") or 0, self.memory, VIRTIO_QUEUE_SIZE))
