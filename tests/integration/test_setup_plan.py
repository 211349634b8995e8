#!/usr/bin/python3
"""drivers-config/setup: its plan, its exit statuses, and that without --apply it changes nothing.

Usage: /usr/bin/python3 tests/integration/test_setup_plan.py [ANYTHING]

Three parts:
  1. This machine, printing mode only (never --apply here): several argument sets, each with the
     lines its plan must hold and its exit status; before and after each run a snapshot of what
     setup could change (hugepage counts, hugetlbfs mounts, loaded modules as /proc/modules,
     lsmod and /sys/module show them, every PCI device's driver, the vfio no-IOMMU switch, the
     network interfaces) must be equal. Once more with stub commands first on PATH that log any
     call: printing mode must call none of modprobe, insmod, rmmod, mount, dpdk-devbind.py, ...
  2. Bad arguments: exit status 2, one line on stderr naming what is allowed, nothing on stdout.
  3. Made-up machines: OVL_SETUP_ROOT points setup at a /proc, /sys and /lib/modules built here
     (an ENA VM without IOMMU, with IOMMU, with igb_uio, a busy interface, an mlx5 device, ...),
     with the stubs on PATH. Printing mode must leave that tree as it was; --apply, only ever
     against such a tree, must do exactly the steps it printed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from ovlkit.tap import Tap  # noqa: E402

SETUP = os.path.normpath(os.path.join(HERE, "..", "..", "drivers-config", "setup"))
PROFILES = ["af_packet", "af_xdp", "ena", "i40e", "ice", "ixgbe", "memif", "mlx5", "null",
            "pcap", "tap", "vhost", "virtio", "virtio_user", "vmxnet3"]
STUBS = ["modprobe", "insmod", "rmmod", "mount", "umount", "dpdk-devbind.py", "sysctl", "ip",
         "tee", "dd", "ethtool"]
KVER = os.uname().release


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as exc:
        return "<%s>" % exc.__class__.__name__


def glob_read(pattern_dir, suffix):
    out = {}
    if not os.path.isdir(pattern_dir):
        return out
    for root, dirs, files in os.walk(pattern_dir):
        for name in files:
            p = os.path.join(root, name)
            if p.endswith(suffix):
                out[p] = read(p)
    return out


def machine_state():
    """What setup could change on this machine."""
    s = {}
    s["nr_hugepages"] = read("/proc/sys/vm/nr_hugepages")
    s["nr_overcommit_hugepages"] = read("/proc/sys/vm/nr_overcommit_hugepages")
    s["hugepages"] = glob_read("/sys/kernel/mm/hugepages", "nr_hugepages")
    for node in sorted(os.listdir("/sys/devices/system/node")) if os.path.isdir("/sys/devices/system/node") else []:
        if re.match(r"node\d+$", node):
            s["hugepages " + node] = glob_read("/sys/devices/system/node/%s/hugepages" % node,
                                               "nr_hugepages")
    s["mounts"] = [l for l in read("/proc/mounts").splitlines() if "hugetlbfs" in l]
    s["/dev/hugepages"] = os.path.exists("/dev/hugepages")
    s["/dev/hugepages1G"] = os.path.exists("/dev/hugepages1G")
    s["proc_modules"] = read("/proc/modules")
    lsmod = shutil.which("lsmod")
    s["lsmod"] = subprocess.run([lsmod], capture_output=True, text=True).stdout if lsmod else None
    s["sys_module"] = sorted(os.listdir("/sys/module"))
    s["noiommu"] = read("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode")
    pci = {}
    for bdf in sorted(os.listdir("/sys/bus/pci/devices")):
        d = os.path.join("/sys/bus/pci/devices", bdf)
        drv = os.path.join(d, "driver")
        pci[bdf] = (os.readlink(drv) if os.path.islink(drv) else None,
                    read(os.path.join(d, "driver_override")))
    s["pci"] = pci
    s["net"] = {n: read("/sys/class/net/%s/operstate" % n) for n in sorted(os.listdir("/sys/class/net"))}
    return s


def diff_states(a, b):
    return ["%s: %r -> %r" % (k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def make_stubs(dirpath, log):
    os.makedirs(dirpath, exist_ok=True)
    for name in STUBS:
        p = os.path.join(dirpath, name)
        with open(p, "w") as f:
            f.write("#!/bin/sh\necho \"$(basename \"$0\") $*\" >> %s\nexit 0\n" % log)
        os.chmod(p, 0o755)


def run(args, env_extra=None, path_prefix=None):
    env = dict(os.environ)
    if path_prefix:
        env["PATH"] = path_prefix + ":" + env.get("PATH", "/usr/bin:/bin")
    env.pop("OVL_SETUP_ROOT", None)
    if env_extra:
        env.update(env_extra)
    p = subprocess.run([SETUP] + args, capture_output=True, text=True, env=env, timeout=60,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def check_plan(tap, desc, args, rc, out, err, want_rc, want_lines, last=None, forbid=()):
    """want_lines: regular expressions each matching a whole stdout line, in this order."""
    lines = out.splitlines()
    problems = []
    if rc != want_rc:
        problems.append("exit status %s, expected %s" % (rc, want_rc))
    pos = 0
    for pat in want_lines:
        rx = re.compile(pat)
        while pos < len(lines) and not rx.fullmatch(lines[pos]):
            pos += 1
        if pos == len(lines):
            problems.append("no line (in order) matching %r" % pat)
            pos = 0
        else:
            pos += 1
    if last is not None and (not lines or not re.fullmatch(last, lines[-1])):
        problems.append("last line %r does not match %r" % (lines[-1] if lines else None, last))
    for pat in forbid:
        for l in lines:
            if re.fullmatch(pat, l):
                problems.append("unexpected line %r" % l)
    for l in lines:
        if not re.match(r"(check|warning|error|plan|run): |setup: ", l):
            problems.append("line of no known kind: %r" % l)
    if err.strip():
        problems.append("stderr not empty: %r" % err.strip()[:300])
    diag = problems + ["setup " + " ".join(args)] + ["  " + l for l in lines[-25:]]
    return tap.ok(not problems, desc, diag)


# ---------------------------------------------------------------------------------------------
# 1. This machine
# ---------------------------------------------------------------------------------------------

def busy_nic():
    """A PCI device with an interface that is up (this VM's own NIC), or None."""
    for n in sorted(os.listdir("/sys/class/net")):
        dev = os.path.realpath("/sys/class/net/%s/device" % n)
        if read("/sys/class/net/%s/operstate" % n).strip() != "up":
            continue
        m = re.search(r"/([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])(/|$)", dev)
        if m:
            return m.group(1), n
    return None


def part_this_machine(tap, tmp):
    huge_2m = read("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages").strip()
    plan_or_have_2m = (r"plan: echo 64 > /sys/(kernel/mm|devices/system/node/node\d+)/hugepages/hugepages-2048kB/nr_hugepages"
                       if huge_2m != "64" else r"check: 64 hugepages of 2M already reserved .*")
    cases = [
        ("no arguments: checks only", [], 0,
         [r"check: kernel \S+; .*", r"check: (IOMMU on|no IOMMU): .*", r"check: hugepages: .*"],
         r"setup: nothing to do; nothing was changed", [r"plan: .*"]),
        ("--hugepages 64 plans 2M pages and a hugetlbfs mount", ["--hugepages", "64"], 0,
         [plan_or_have_2m], r"setup: (\d+ step\(s\) planned; nothing was changed: run again with --apply to do them|nothing to do; nothing was changed)", []),
        ("--hugepages 2 --hugepage-size 1G", ["--hugepages", "2", "--hugepage-size", "1G"],
         0 if os.path.isdir("/sys/kernel/mm/hugepages/hugepages-1048576kB") else 1,
         [r"(plan: echo 2 > /sys/.*hugepages-1048576kB/nr_hugepages|check: 2 hugepages of 1G already .*|error: this machine has no 1G hugepages .*)"],
         r"setup: .*nothing was changed.*", []),
        ("--hugepages beyond the machine's memory is a problem", ["--hugepages", "999999"], 1,
         [r"error: --hugepages 999999 x 2M is \d+ MiB, more than 90% of this machine's \d+ MiB"],
         r"setup: \d+ problem\(s\) above; nothing was changed", []),
        ("--bind of an absent device is a problem", ["--bind", "0000:ff:1f.7"], 1,
         [r"error: no PCI device 0000:ff:1f\.7 .*"], r"setup: \d+ problem\(s\) above; nothing was changed", []),
        ("--profile mlx5 binds nothing", ["--profile", "mlx5"], 0,
         [r"check: profile mlx5 binds nothing: Bifurcated.*"], r"setup: nothing to do; nothing was changed",
         [r"plan: .*dpdk-devbind.*"]),
        ("--profile null binds nothing", ["--profile", "null"], 0, [],
         r"setup: nothing to do; nothing was changed", [r"plan: .*"]),
    ]
    nic = busy_nic()
    if nic:
        cases.append(("--bind of this machine's own interface (%s, up) is refused" % nic[1],
                      ["--profile", "ena", "--bind", nic[0]], 1,
                      [r"error: %s is %s, which is up.*take it down first.*" % (re.escape(nic[0]), nic[1])],
                      r"setup: \d+ problem\(s\) above; nothing was changed", [r"plan: dpdk-devbind.*"]))
    else:
        tap.skip("this machine: --bind of this machine's own interface (up) is refused",
                 "no interface of this machine is up: the busy-interface case needs one")

    before = machine_state()
    for desc, args, want_rc, want, last, forbid in cases:
        rc, out, err = run(args)
        check_plan(tap, "this machine: " + desc, args, rc, out, err, want_rc, want, last, forbid)
        after = machine_state()
        tap.ok(after == before, "this machine: nothing changed by setup %s" % " ".join(args),
               diff_states(before, after))
        before = after

    # The same runs with logging stubs first on PATH: printing mode calls none of them.
    log = os.path.join(tmp, "stub-calls.log")
    make_stubs(os.path.join(tmp, "stubs"), log)
    for desc, args, _, _, _, _ in cases:
        run(args, path_prefix=os.path.join(tmp, "stubs"))
    calls = read(log) if os.path.exists(log) else ""
    tap.ok(calls == "", "this machine: printing mode called no modprobe, mount, dpdk-devbind.py, ...",
           calls.splitlines())
    after = machine_state()
    tap.ok(after == before, "this machine: nothing changed by the stub runs", diff_states(before, after))


# ---------------------------------------------------------------------------------------------
# 2. Bad arguments
# ---------------------------------------------------------------------------------------------

BAD = [
    (["--bogus"], ["unknown argument '--bogus'", "--apply", "--profile NAME", "--bind BDF"]),
    (["--profile", "nope"], ["--profile: 'nope' is not allowed", "allowed: " + ", ".join(PROFILES)]),
    (["--profile", "../ena"], ["--profile: '../ena' is not allowed", "ena, i40e"]),
    (["--profile"], ["--profile needs a value", "--hugepages N"]),
    (["--driver", "uio_pci_generic"], ["--driver: 'uio_pci_generic' is not allowed", "vfio-pci, igb_uio, none"]),
    (["--driver=foo"], ["--driver: 'foo' is not allowed", "vfio-pci, igb_uio, none"]),
    (["--bind", "zz"], ["--bind: 'zz' is not a PCI address", "DDDD:BB:DD.F or BB:DD.F"]),
    (["--bind", "0000:00:1f.8"], ["--bind: '0000:00:1f.8' is not a PCI address", "DDDD:BB:DD.F"]),
    (["--hugepages", "abc"], ["--hugepages: 'abc' is not allowed", "0..1048576"]),
    (["--hugepages", "1048577"], ["--hugepages: '1048577' is not allowed", "0..1048576"]),
    (["--hugepages", "-1"], ["--hugepages: '-1' is not allowed", "0..1048576"]),
    (["--hugepages"], ["--hugepages needs a value"]),
    (["--hugepage-size", "4M"], ["--hugepage-size: '4M' is not allowed", "2M, 1G"]),
    (["--profile", "mlx5", "--driver", "vfio-pci"], ["--driver: 'vfio-pci' does not fit profile mlx5", "allowed: none"]),
    (["--profile", "ena", "--driver", "none"], ["--driver: 'none' does not fit profile ena", "allowed: vfio-pci, igb_uio"]),
    (["--profile", "tap", "--bind", "00:03.0"], ["--bind: nothing is bound with driver none", "--driver vfio-pci or igb_uio"]),
    (["stray"], ["unknown argument 'stray'"]),
]


def part_bad_arguments(tap):
    before = machine_state()
    for args, words in BAD:
        rc, out, err = run(args)
        errl = err.splitlines()
        problems = []
        if rc != 2:
            problems.append("exit status %s, expected 2" % rc)
        if out:
            problems.append("stdout not empty: %r" % out[:200])
        if len(errl) != 1:
            problems.append("%d lines on stderr, expected 1: %r" % (len(errl), err[:300]))
        elif not errl[0].startswith("setup: "):
            problems.append("stderr does not start with 'setup: ': %r" % errl[0])
        for w in words:
            if w not in err:
                problems.append("stderr lacks %r: %r" % (w, err.strip()))
        tap.ok(not problems, "bad arguments: setup %s exits 2 with one line" % " ".join(args), problems)
    after = machine_state()
    tap.ok(after == before, "bad arguments: nothing changed", diff_states(before, after))


# ---------------------------------------------------------------------------------------------
# 3. Made-up machines
# ---------------------------------------------------------------------------------------------

def write(root, rel, text):
    p = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)


def symlink(root, rel, target):
    p = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    os.symlink(target, p)


def add_nic(root, bdf, vendor, device, driver, ifname=None, state="down", node=0):
    d = "/sys/bus/pci/devices/" + bdf
    write(root, d + "/vendor", vendor + "\n")
    write(root, d + "/device", device + "\n")
    write(root, d + "/class", "0x020000\n")
    write(root, d + "/numa_node", "%d\n" % node)
    if driver:
        os.makedirs(os.path.join(root, "sys/bus/pci/drivers", driver), exist_ok=True)
        symlink(root, d + "/driver", "../../drivers/" + driver)
    if ifname:
        write(root, "/sys/class/net/%s/operstate" % ifname, state + "\n")
        symlink(root, "/sys/class/net/%s/device" % ifname, "../../../bus/pci/devices/" + bdf)


def make_root(base, name, iommu=False, noiommu_config=True, vfio_loaded=False, vfio_wc=False,
              igb_uio=False, hugepages=0, mounted=False, default_route=None):
    """A machine: /proc, /sys and /lib/modules as setup reads them."""
    root = os.path.join(base, name)
    os.makedirs(root)
    write(root, "/proc/modules", "virtio_net 1 0 - Live 0x0\n")
    write(root, "/proc/cmdline", "console=ttyS0" + (" intel_iommu=on iommu=pt" if iommu else "") + "\n")
    write(root, "/proc/meminfo", "MemTotal:       16384000 kB\nHugepagesize:       2048 kB\n")
    write(root, "/proc/mounts", "proc /proc proc rw 0 0\n" +
          ("hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n" if mounted else ""))
    route = "Iface\tDestination\tGateway\n"
    if default_route:
        route += "%s\t00000000\t0102A8C0\n" % default_route
    write(root, "/proc/net/route", route)
    os.makedirs(os.path.join(root, "sys/kernel/iommu_groups"))
    if iommu:
        os.makedirs(os.path.join(root, "sys/kernel/iommu_groups/0/devices"))
    for kb in ("2048", "1048576"):
        write(root, "/sys/kernel/mm/hugepages/hugepages-%skB/nr_hugepages" % kb, "0\n")
    write(root, "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "%d\n" % hugepages)
    os.makedirs(os.path.join(root, "sys/module/virtio_net"))
    mods = os.path.join("lib/modules", KVER, "kernel/drivers")
    write(root, os.path.join(mods, "vfio/vfio.ko"), "")
    write(root, os.path.join(mods, "vfio/pci/vfio-pci.ko"), "")
    write(root, os.path.join(mods, "uio/uio.ko"), "")
    if vfio_wc:
        write(root, os.path.join(mods, "vfio/pci/vfio-pci.ko_no_wc"), "")
    if igb_uio:
        write(root, os.path.join("lib/modules", KVER, "updates/dkms/igb_uio.ko"), "")
    if vfio_loaded:
        write(root, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N\n")
        os.makedirs(os.path.join(root, "sys/module/vfio_pci"))
    write(root, "/boot/config-" + KVER, "CONFIG_VFIO=m\n" + ("CONFIG_VFIO_NOIOMMU=y\n" if noiommu_config else
                                                             "# CONFIG_VFIO_NOIOMMU is not set\n"))
    return root


def tree(root):
    """Every file, directory and link under root, with contents: to see that nothing changed."""
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            elif os.path.isdir(p):
                out[rel] = ("dir",)
            else:
                out[rel] = ("file", read(p))
    return out


ENA = ("0x1d0f", "0xec20")


def part_made_up(tap, tmp):
    stubs = os.path.join(tmp, "stubs")
    log = os.path.join(tmp, "stub-calls.log")
    make_stubs(stubs, log)
    base = os.path.join(tmp, "roots")
    os.makedirs(base)

    def scenario(desc, root, args, want_rc, want, last, forbid=()):
        if os.path.exists(log):
            os.unlink(log)
        before = tree(root)
        rc, out, err = run(args, env_extra={"OVL_SETUP_ROOT": root}, path_prefix=stubs)
        check_plan(tap, "made-up machine: " + desc, args, rc, out, err, want_rc, want, last, forbid)
        after = tree(root)
        changed = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
        calls = read(log) if os.path.exists(log) else ""
        tap.ok(not changed and calls == "", "made-up machine: %s: changed nothing" % desc,
               ["changed: " + c for c in changed] + ["called: " + c for c in calls.splitlines()])
        return out

    planned = r"setup: %d step\(s\) planned; nothing was changed: run again with --apply to do them"
    problems = r"setup: %d problem\(s\) above; nothing was changed"

    # An ENA VM (no IOMMU): vfio-pci in no-IOMMU mode, WC warning, hugepages on the NIC's node.
    r = make_root(base, "ena-vm")
    add_nic(r, "0000:00:06.0", *ENA, driver="ena", ifname="eth1", state="down")
    add_nic(r, "0000:00:05.0", *ENA, driver="ena", ifname="eth0", state="up")
    scenario("ENA without IOMMU, vfio-pci", r, ["--profile", "ena", "--bind", "00:06.0", "--hugepages", "512"], 0, [
        r"check: no IOMMU: .*intel_iommu=on or amd_iommu=on is not on the kernel command line.*",
        r"check: NIC 0000:00:05\.0 1d0f:ec20 driver ena \(eth0\) NUMA node 0; profile ena",
        r"check: NIC 0000:00:06\.0 1d0f:ec20 driver ena \(eth1\) NUMA node 0; profile ena",
        r"check: hugepages go to NUMA node 0, the node of 0000:00:06\.0",
        r"warning: no IOMMU: vfio-pci falls back to no-IOMMU mode.*",
        r"warning: write-combining is required for this device, and stock vfio-pci maps its BARs uncached.*igb_uio.*wc_activate=1.*get-vfio-with-wc\.sh.*",
        r"check: 0000:00:06\.0 1d0f:ec20 leaves driver ena for vfio-pci",
        r"plan: echo 512 > /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages",
        r"plan: mkdir -p /dev/hugepages",
        r"plan: mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages",
        r"plan: modprobe vfio enable_unsafe_noiommu_mode=1",
        r"plan: modprobe vfio-pci",
        r"plan: dpdk-devbind\.py --bind=vfio-pci 0000:00:06\.0",
    ], planned % 6)

    # The busy interface next to it: refused, and --apply does nothing either.
    scenario("ENA interface that is up", r, ["--profile", "ena", "--bind", "0000:00:05.0"], 1,
             [r"error: 0000:00:05\.0 is eth0, which is up: take it down first \(ip link set eth0 down\).*"],
             problems % 1, [r"plan: dpdk-devbind.*"])
    scenario("ENA interface that is up, --apply", r, ["--apply", "--profile", "ena", "--bind", "0000:00:05.0"], 1,
             [r"error: 0000:00:05\.0 is eth0, which is up.*"], problems % 1, [r"run: .*"])

    # vfio loaded already (no-IOMMU off) and built with WC by amzn-drivers' script.
    r = make_root(base, "ena-vfio-wc", vfio_loaded=True, vfio_wc=True, hugepages=512, mounted=True)
    add_nic(r, "0000:00:06.0", *ENA, driver="ena", ifname="eth1")
    scenario("ENA, vfio loaded, WC build", r, ["--profile", "ena", "--bind", "00:06.0", "--hugepages", "512"], 0, [
        r"check: 512 hugepages of 2M already reserved \(/sys/devices/system/node/node0/.*\)",
        r"check: a hugetlbfs of 2M pages is mounted",
        r"plan: echo 1 > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode",
    ], planned % 2, [r"plan: modprobe .*", r"warning: write-combining .*", r"plan: mount .*"])

    # igb_uio with write-combining for ENA.
    r = make_root(base, "ena-igb-uio", igb_uio=True)
    add_nic(r, "0000:00:06.0", *ENA, driver="ena", ifname="eth1")
    scenario("ENA with igb_uio", r, ["--profile", "ena", "--driver", "igb_uio", "--bind", "00:06.0"], 0, [
        r"plan: modprobe uio",
        r"plan: modprobe igb_uio wc_activate=1",
        r"plan: dpdk-devbind\.py --bind=igb_uio 0000:00:06\.0",
    ], planned % 3, [r"warning: no IOMMU.*"])
    # An ENA bound without a profile: the vendor ID asks for write-combining all the same.
    scenario("ENA by vendor, igb_uio", r, ["--driver", "igb_uio", "--bind", "00:06.0"], 0, [
        r"check: 0000:00:06\.0 is an Amazon ENA: its LLQ wants write-combining .*",
        r"plan: modprobe igb_uio wc_activate=1",
    ], planned % 3)

    r = make_root(base, "no-igb-uio")
    add_nic(r, "0000:00:06.0", *ENA, driver="ena", ifname="eth1")
    scenario("igb_uio not built", r, ["--profile", "ena", "--driver", "igb_uio"], 1, [
        r"error: igb_uio is not built for kernel .*: apt-get install dpdk-kmods-dkms linux-headers-.*",
    ], problems % 1, [r"plan: modprobe igb_uio.*"])

    # Bare metal with an IOMMU: plain vfio-pci, no warning about no-IOMMU mode.
    r = make_root(base, "metal-iommu", iommu=True)
    add_nic(r, "0000:3b:00.0", "0x8086", "0x1572", driver="i40e", ifname="ens1f0", node=0)
    scenario("i40e with IOMMU", r, ["--profile", "i40e", "--bind", "3b:00.0"], 0, [
        r"check: IOMMU on: 1 groups in /sys/kernel/iommu_groups; kernel command line: intel_iommu=on iommu=pt ",
        r"check: NIC 0000:3b:00\.0 8086:1572 driver i40e \(ens1f0\) NUMA node 0; profile i40e",
        r"plan: modprobe vfio-pci",
        r"plan: dpdk-devbind\.py --bind=vfio-pci 0000:3b:00\.0",
    ], planned % 2, [r"warning: .*", r"plan: modprobe vfio .*"])

    # No IOMMU and a vfio without no-IOMMU mode: a problem.
    r = make_root(base, "no-noiommu", noiommu_config=False)
    add_nic(r, "0000:00:06.0", "0x8086", "0x10fb", driver="ixgbe", ifname="eth1")
    scenario("no IOMMU, no vfio no-IOMMU mode", r, ["--profile", "ixgbe", "--bind", "00:06.0"], 1, [
        r"error: this kernel has no vfio no-IOMMU mode \(CONFIG_VFIO_NOIOMMU is not set in /boot/config-.*\): enable the IOMMU, or use --driver igb_uio",
    ], problems % 1)

    # Already done: nothing to do.
    r = make_root(base, "done", iommu=True, vfio_loaded=True, hugepages=256, mounted=True)
    add_nic(r, "0000:00:06.0", "0x8086", "0x1592", driver="vfio-pci")
    scenario("everything in place", r, ["--profile", "ice", "--bind", "00:06.0", "--hugepages", "256"], 0, [
        r"check: 256 hugepages of 2M already reserved .*",
        r"check: vfio-pci is loaded",
        r"check: 0000:00:06\.0 is bound to vfio-pci already",
    ], r"setup: nothing to do; nothing was changed", [r"plan: .*"])

    # An mlx5 device is never bound.
    r = make_root(base, "mlx5", iommu=True)
    add_nic(r, "0000:5e:00.0", "0x15b3", "0x101d", driver="mlx5_core", ifname="ens2f0")
    scenario("mlx5 device given to --bind", r, ["--bind", "5e:00.0"], 1, [
        r"check: NIC 0000:5e:00\.0 15b3:101d driver mlx5_core \(ens2f0\) NUMA node 0; profile mlx5",
        r"error: 0000:5e:00\.0 is an NVIDIA/Mellanox device: mlx5 is bifurcated, leave it on mlx5_core \(--profile mlx5\)",
    ], problems % 1)

    # 1G pages that this machine lacks.
    r = make_root(base, "no-1g")
    shutil.rmtree(os.path.join(r, "sys/kernel/mm/hugepages/hugepages-1048576kB"))
    scenario("no 1G pages", r, ["--hugepages", "4", "--hugepage-size", "1G"], 1, [
        r"error: this machine has no 1G hugepages \(/sys/kernel/mm/hugepages/hugepages-1048576kB is missing\).*",
    ], problems % 1)

    # --apply, against a made-up machine only: the printed steps, done, and nothing else.
    r = make_root(base, "apply")
    add_nic(r, "0000:00:06.0", *ENA, driver="ena", ifname="eth1")
    if os.path.exists(log):
        os.unlink(log)
    args = ["--apply", "--profile", "ena", "--bind", "00:06.0", "--hugepages", "128"]
    rc, out, err = run(args, env_extra={"OVL_SETUP_ROOT": r}, path_prefix=stubs)
    check_plan(tap, "made-up machine: --apply does the steps", args, rc, out, err, 0, [
        r"run: echo 128 > /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages",
        r"run: mkdir -p /dev/hugepages",
        r"run: mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages",
        r"run: modprobe vfio enable_unsafe_noiommu_mode=1",
        r"run: modprobe vfio-pci",
        r"run: dpdk-devbind\.py --bind=vfio-pci 0000:00:06\.0",
    ], r"setup: did 6 step\(s\)", [r"plan: .*"])
    calls = read(log).splitlines() if os.path.exists(log) else []
    want_calls = ["mount -t hugetlbfs -o pagesize=2M nodev %s/dev/hugepages" % r,
                  "modprobe vfio enable_unsafe_noiommu_mode=1", "modprobe vfio-pci",
                  "dpdk-devbind.py --bind=vfio-pci 0000:00:06.0"]
    tap.ok(calls == want_calls, "made-up machine: --apply called exactly the planned commands",
           ["called: %s" % c for c in calls] + ["wanted: %s" % c for c in want_calls])
    got = read(os.path.join(r, "sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages")).strip()
    tap.ok(got == "128" and os.path.isdir(os.path.join(r, "dev/hugepages")),
           "made-up machine: --apply wrote the hugepage count and made the mount point",
           ["nr_hugepages %r" % got])


def main():
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="ovlperf-setup-plan-")
    try:
        tap.ok(os.access(SETUP, os.X_OK), "drivers-config/setup is executable")
        before = machine_state()
        part_this_machine(tap, tmp)
        part_bad_arguments(tap)
        part_made_up(tap, tmp)
        after = machine_state()
        tap.ok(after == before, "this machine: unchanged after the whole suite", diff_states(before, after))
    except Exception as exc:  # a bug in the suite still ends the TAP stream
        import traceback
        tap.ok(False, "suite raised %s: %s" % (type(exc).__name__, exc), traceback.format_exc().splitlines())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
