/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Driver profiles (lib/profile.c, drivers-config/<name>.ini): every shipped profile loads, is read
 * alike by rte_cfgfile on its own, and is found by each driver name it claims; then a table of
 * numbered broken files, each expected to fail with one exact line (file, line, section, key,
 * allowed values); then unreadable files, driver names claimed twice, named loading, the
 * directory default and the EAL argument template.
 *
 * Every case is its own TAP test point, named after it. The shipped profiles are found through
 * OVL_PROFILE_DIR, else next to OVL_GOLDEN_DIR (tests/golden, set by meson), else from this
 * file's path.
 */
#define _GNU_SOURCE /* nftw */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_cfgfile.h>
#include <rte_ethdev.h>

#include "profile.h"

static char shipped_dir[PATH_MAX];
static char tmp_dir[64]; /* /tmp/ovl-test-profile-XXXXXX */

/* ------------------------------------------------------------------------------------------ */
/* Files                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static void
find_shipped_dir(void)
{
	const char *env = getenv("OVL_PROFILE_DIR"), *golden = getenv("OVL_GOLDEN_DIR");
	char here[PATH_MAX - 64], *slash;

	if (env != NULL && *env != '\0') {
		snprintf(shipped_dir, sizeof(shipped_dir), "%s", env);
		return;
	}
	if (golden != NULL && *golden != '\0') {
		snprintf(shipped_dir, sizeof(shipped_dir), "%s/../../drivers-config", golden);
		return;
	}
	snprintf(here, sizeof(here), "%s", __FILE__);
	slash = strrchr(here, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(shipped_dir, sizeof(shipped_dir), "%s/../../drivers-config", slash ? here : ".");
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A fresh subdirectory of tmp_dir for one case. */
static void
case_dir(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", tmp_dir, name);
	assert_true(mkdir(out, 0700) == 0 || errno == EEXIST);
}

static const char *const expected_profiles[] = {
	"af_packet", "af_xdp", "ena", "i40e", "ice", "ixgbe", "memif", "mlx5", "null", "pcap",
	"tap", "virtio", "vmxnet3",
};
#define N_PROFILES (sizeof(expected_profiles) / sizeof(expected_profiles[0]))

/* ------------------------------------------------------------------------------------------ */
/* Shipped profiles                                                                           */
/* ------------------------------------------------------------------------------------------ */

static void
test_shipped_loads(void **state)
{
	const char *name = *state;
	struct ovl_profile p;
	char path[PATH_MAX + 64], err[1024] = "";
	int rc;

	snprintf(path, sizeof(path), "%s/%s.ini", shipped_dir, name);
	rc = ovl_profile_load(path, &p, err, sizeof(err));
	if (rc != 0)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(p.name, name);
	assert_true(p.n_names >= 1);
	assert_true(p.description[0] != '\0');
	assert_true(p.eal_args[0] != '\0');
	assert_true(p.names_line > 0);
	/* A vdev is never bound; a PCI profile names its device. */
	if (p.bus == OVL_BUS_VDEV)
		assert_int_equal(p.bind, OVL_BIND_NONE);
	else
		assert_non_null(strstr(p.eal_args, "{bdf}"));
}

/* rte_cfgfile alone (no ovlperf code) reads every shipped file and finds its driver names. */
static void
test_shipped_rte_cfgfile(void **state)
{
	char path[PATH_MAX + 64], err[1024];
	struct rte_cfgfile *cfg;
	struct ovl_profile p;
	size_t i;

	(void)state;
	for (i = 0; i < N_PROFILES; i++) {
		const char *names;

		snprintf(path, sizeof(path), "%s/%s.ini", shipped_dir, expected_profiles[i]);
		cfg = rte_cfgfile_load(path, 0);
		assert_non_null(cfg);
		names = rte_cfgfile_get_entry(cfg, "driver", "names");
		assert_non_null(names);
		assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), 0);
		assert_non_null(strstr(names, p.names[0]));
		assert_true(rte_cfgfile_has_section(cfg, "timestamps"));
		rte_cfgfile_close(cfg);
	}
}

/* The directory holds exactly the profiles this test knows, and no two claim one driver. */
static void
test_shipped_set(void **state)
{
	struct ovl_profile p;
	char err[1024] = "";
	int rc;

	(void)state;
	rc = ovl_profile_find(shipped_dir, "no_such_driver", &p, err, sizeof(err));
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(err, "no profile names driver 'no_such_driver'; allowed: "));
	assert_non_null(strstr(err, "net_ena (ena)"));
	assert_non_null(strstr(err, "mlx5_pci (mlx5)"));
	assert_non_null(strstr(err, "net_null (null)"));
}

struct find_case {
	const char *driver;
	const char *profile;
	enum ovl_bind bind;
};

static const struct find_case find_cases[] = {
	{ "net_ena", "ena", OVL_BIND_VFIO_PCI },
	{ "net_ixgbe", "ixgbe", OVL_BIND_VFIO_PCI },
	{ "net_ixgbe_vf", "ixgbe", OVL_BIND_VFIO_PCI },
	{ "net_i40e", "i40e", OVL_BIND_VFIO_PCI },
	{ "net_ice", "ice", OVL_BIND_VFIO_PCI },
	{ "mlx5_pci", "mlx5", OVL_BIND_NONE },
	{ "mlx5_auxiliary", "mlx5", OVL_BIND_NONE },
	{ "net_virtio", "virtio", OVL_BIND_VFIO_PCI },
	{ "net_vmxnet3", "vmxnet3", OVL_BIND_VFIO_PCI },
	{ "net_af_xdp", "af_xdp", OVL_BIND_NONE },
	{ "net_af_packet", "af_packet", OVL_BIND_NONE },
	{ "net_memif", "memif", OVL_BIND_NONE },
	{ "net_tap", "tap", OVL_BIND_NONE },
	{ "net_pcap", "pcap", OVL_BIND_NONE },
	{ "net_null", "null", OVL_BIND_NONE },
};
#define N_FIND (sizeof(find_cases) / sizeof(find_cases[0]))

static void
test_find(void **state)
{
	const struct find_case *c = *state;
	struct ovl_profile p;
	char err[1024] = "";
	int rc;

	rc = ovl_profile_find(shipped_dir, c->driver, &p, err, sizeof(err));
	if (rc != 0)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(p.name, c->profile);
	assert_int_equal(p.bind, c->bind);
}

/* What docs/nics.md and the ENA caveats promise, as values. */
static void
test_ena(void **state)
{
	static const char *const allowances[] = { "bw_in_allowance_exceeded",
		"bw_out_allowance_exceeded", "pps_allowance_exceeded", "conntrack_allowance_exceeded",
		"linklocal_allowance_exceeded" };
	const uint64_t tunnel_tx = RTE_ETH_TX_OFFLOAD_OUTER_IPV4_CKSUM |
		RTE_ETH_TX_OFFLOAD_OUTER_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_VXLAN_TNL_TSO |
		RTE_ETH_TX_OFFLOAD_GENEVE_TNL_TSO | RTE_ETH_TX_OFFLOAD_IPIP_TNL_TSO |
		RTE_ETH_TX_OFFLOAD_UDP_TNL_TSO | RTE_ETH_TX_OFFLOAD_IP_TNL_TSO;
	struct ovl_profile p;
	char err[1024];
	unsigned int i, found = 0;

	(void)state;
	assert_int_equal(ovl_profile_load_named(shipped_dir, "ena", &p, err, sizeof(err)), 0);
	assert_int_equal(p.write_combining, OVL_LEVEL_REQUIRED);
	assert_int_equal(p.bind, OVL_BIND_VFIO_PCI);
	assert_int_equal(p.bind_fallback, OVL_BIND_IGB_UIO);
	assert_int_equal(p.rx_hw_ts, OVL_RX_HW_TS_SINCE_25_11);
	assert_int_equal(p.timesync, OVL_TIMESYNC_NO);
	assert_int_equal(p.flow_limit_gbps, 5);
	assert_int_equal(p.tx_offloads & tunnel_tx, 0);
	assert_true(p.tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM);
	assert_int_equal(p.n_stats, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(p.stats[i], allowances[i]);
	for (i = 0; i < p.n_caveats; i++)
		if (strcmp(p.caveats[i].key, "llq_header") == 0) {
			assert_non_null(strstr(p.caveats[i].text, "96"));
			assert_non_null(strstr(p.caveats[i].text, "14+20+8+8+14+20+8 = 92"));
			found++;
		} else if (strcmp(p.caveats[i].key, "llq_header_exceeded") == 0) {
			assert_non_null(strstr(p.caveats[i].text, "large_llq_hdr=1"));
			found++;
		}
	assert_int_equal(found, 2);
	/* mlx5 is the one with send scheduling; ixgbe the one with a queue rate limiter. */
	assert_int_equal(ovl_profile_load_named(shipped_dir, "mlx5", &p, err, sizeof(err)), 0);
	assert_true(p.send_scheduling);
	assert_true(p.tx_offloads & RTE_ETH_TX_OFFLOAD_SEND_ON_TIMESTAMP);
	assert_int_equal(ovl_profile_load_named(shipped_dir, "ixgbe", &p, err, sizeof(err)), 0);
	assert_true(p.hw_rate_limit);
}

/* ------------------------------------------------------------------------------------------ */
/* Broken files: one exact line each                                                          */
/* ------------------------------------------------------------------------------------------ */

/* A valid profile; the cases below change one line (numbered from 1) or add lines at its end. */
static const char *const base_lines[] = {
	"[driver]",                    /* 1 */
	"names = net_x",               /* 2 */
	"description = a test device", /* 3 */
	"bus = pci",                   /* 4 */
	"[binding]",                   /* 5 */
	"method = vfio-pci",           /* 6 */
	"write_combining = no",        /* 7 */
	"[eal]",                       /* 8 */
	"args = -a {bdf}",             /* 9 */
	"hugepages = required",        /* 10 */
	"[queues]",                    /* 11 */
	"rx_desc = 0",                 /* 12 */
	"tx_desc = 0",                 /* 13 */
	"max_queues = 0",              /* 14 */
	"[offloads]",                  /* 15 */
	"tx = none",                   /* 16 */
	"rx = none",                   /* 17 */
	"[timestamps]",                /* 18 */
	"rx_hw = no",                  /* 19 */
	"tx_hw = no",                  /* 20 */
	"timesync = no",               /* 21 */
	"[pacing]",                    /* 22 */
	"hw_rate_limit = no",          /* 23 */
	"send_scheduling = no",        /* 24 */
};
#define N_BASE (sizeof(base_lines) / sizeof(base_lines[0]))

#define SECTIONS "[driver], [binding], [eal], [queues], [offloads], [timestamps], [pacing], [stats], [caveats]"
#define NAMES_ALLOWED "DPDK driver names as rte_eth_dev_info reports them ([a-z0-9_], e.g. net_ena, mlx5_pci), comma-separated, 1 to 8"

struct error_case {
	const char *name;
	unsigned int line;      /* the base line replaced; 0: text is added at the end */
	const char *text;       /* NULL: the line is removed; may hold several lines */
	int rc;
	const char *expected;   /* the whole error, "%s" standing for the file's path */
	int prefix;             /* expected is only the error's beginning (lists from DPDK) */
};

static const struct error_case error_cases[] = {
	{ "unknown section", 0, "[bogus]\nx = 1", -EINVAL,
		"%s:25: unknown section [bogus]; allowed: " SECTIONS, 0 },
	{ "unknown key", 7, "write_combining = no\nspeed = 10G", -EINVAL,
		"%s:8: [binding] unknown key 'speed'; allowed: method, fallback, write_combining, kernel_driver, notes", 0 },
	{ "bad value: method", 6, "method = vfio", -EINVAL,
		"%s:6: [binding] method: 'vfio' is not allowed; allowed: vfio-pci, igb_uio, none", 0 },
	{ "bad value: write_combining", 7, "write_combining = yes", -EINVAL,
		"%s:7: [binding] write_combining: 'yes' is not allowed; allowed: required, recommended, no", 0 },
	{ "bad value: rx_hw", 19, "rx_hw = since-24.11", -EINVAL,
		"%s:19: [timestamps] rx_hw: 'since-24.11' is not allowed; allowed: yes, no, since-25.11", 0 },
	{ "bad value: timesync", 21, "timesync = yes", -EINVAL,
		"%s:21: [timestamps] timesync: 'yes' is not allowed; allowed: ptp-only, no", 0 },
	{ "bad value: hw_rate_limit", 23, "hw_rate_limit = true", -EINVAL,
		"%s:23: [pacing] hw_rate_limit: 'true' is not allowed; allowed: yes, no", 0 },
	{ "bad value: bus", 4, "bus = usb", -EINVAL,
		"%s:4: [driver] bus: 'usb' is not allowed; allowed: pci, vdev", 0 },
	{ "bad value: rx_desc too small", 12, "rx_desc = 8", -EINVAL,
		"%s:12: [queues] rx_desc: '8' is not allowed; allowed: 0 (the driver's default), 16..32768", 0 },
	{ "bad value: tx_desc not a number", 13, "tx_desc = 1k", -EINVAL,
		"%s:13: [queues] tx_desc: '1k' is not allowed; allowed: 0 (the driver's default), 16..32768", 0 },
	{ "bad value: max_queues", 14, "max_queues = 5000", -EINVAL,
		"%s:14: [queues] max_queues: '5000' is not allowed; allowed: 0 (the device's), 1..4096", 0 },
	{ "bad value: flow_limit_gbps", 24, "send_scheduling = no\nflow_limit_gbps = -5", -EINVAL,
		"%s:25: [pacing] flow_limit_gbps: '-5' is not allowed; allowed: 0..1000 (Gbit/s one flow gets; 0: no known cap)", 0 },
	{ "bad value: tx offload", 16, "tx = ipv4_cksum, ipv4_csum", -EINVAL,
		"%s:16: [offloads] tx: 'ipv4_csum' is not a DPDK TX offload; allowed: none, or DPDK TX offload names, comma-separated, any case: ", 1 },
	{ "bad value: rx offload of TX", 17, "rx = tcp_tso", -EINVAL,
		"%s:17: [offloads] rx: 'tcp_tso' is not a DPDK RX offload; allowed: none, or DPDK RX offload names, comma-separated, any case: ", 1 },
	{ "bad value: offload twice", 16, "tx = udp_cksum, UDP_CKSUM", -EINVAL,
		"%s:16: [offloads] tx: 'udp_cksum' is listed twice; allowed: none, or DPDK TX offload names, comma-separated, any case: ", 1 },
	{ "bad value: upper-case driver name", 2, "names = NET_X", -EINVAL,
		"%s:2: [driver] names: 'NET_X' is not allowed; allowed: " NAMES_ALLOWED, 0 },
	{ "bad value: driver named twice", 2, "names = net_x, net_y, net_x", -EINVAL,
		"%s:2: [driver] names: 'net_x' is listed twice; allowed: " NAMES_ALLOWED, 0 },
	{ "bad value: empty item", 2, "names = net_x,, net_y", -EINVAL,
		"%s:2: [driver] names: 'net_x,, net_y' has an empty item; allowed: " NAMES_ALLOWED, 0 },
	{ "bad value: unknown placeholder", 9, "args = -a {pci}", -EINVAL,
		"%s:9: [eal] args: '{pci}' is not a placeholder; allowed: EAL arguments with the placeholders {bdf}, {iface}, {n}, {path}, {out}; pci: -a {bdf}..., vdev: --vdev=...", 0 },
	{ "missing [driver] names", 2, NULL, -EINVAL,
		"%s:1: [driver] names is missing; allowed: names = " NAMES_ALLOWED, 0 },
	{ "missing [timestamps] timesync", 21, NULL, -EINVAL,
		"%s:18: [timestamps] timesync is missing; allowed: timesync = ptp-only, no", 0 },
	{ "missing [offloads] rx", 17, NULL, -EINVAL,
		"%s:15: [offloads] rx is missing; allowed: rx = none, or DPDK offload names", 0 },
	{ "keys under the wrong section", 22, NULL, -EINVAL,
		"%s:22: [timestamps] unknown key 'hw_rate_limit'; allowed: rx_hw, tx_hw, timesync", 0 },
	{ "missing section [pacing]", 22, "[caveats]", -EINVAL,
		"%s: section [pacing] is missing; allowed: a [pacing] section with hw_rate_limit, send_scheduling, flow_limit_gbps", 0 },
	{ "key outside any section", 1, "names = net_x\n[driver]", -EINVAL,
		"%s:1: names = is outside any section; allowed: key = value lines after a [section]", 0 },
	{ "missing section [driver]", 1, "; no driver section\n[caveats]", -EINVAL,
		"%s: section [driver] is missing; allowed: a [driver] section with names, description, bus", 0 },
	{ "key given twice", 0, "[caveats]\na = one\na = two", -EINVAL,
		"%s:27: [caveats] a is given twice (first on line 26); allowed: each key once", 0 },
	{ "section given twice", 0, "[driver]\nx = 1", -EINVAL,
		"%s:25: [driver] is given twice (first on line 1); allowed: each section once", 0 },
	{ "line without =", 3, "description a test device", -EINVAL,
		"%s:3: 'description a test device' is neither [section] nor key = value; allowed: [section], key = value, '; comment', blank lines", 0 },
	{ "hash comment", 0, "# not a comment here", -EINVAL,
		"%s:25: '# not a comment here' is neither [section] nor key = value; allowed: [section], key = value, '; comment', blank lines", 0 },
	{ "empty value", 3, "description =   ; only a comment", -EINVAL,
		"%s:3: [driver] description has no value; allowed: key = value (a comment starts at ';')", 0 },
	{ "section with trailing text", 5, "[binding] extra", -EINVAL,
		"%s:5: '[binding] extra' is not a section header; allowed: [name] alone on its line", 0 },
	{ "bad key name", 3, "Description = x", -EINVAL,
		"%s:3: [driver] 'Description' is not a key; allowed: [a-z0-9_], at most 63 characters", 0 },
	{ "backslash in a value", 3, "description = C:\\drivers", -EINVAL,
		"%s:3: [driver] description: the value has a backslash; allowed: text without '\\' (and without ';', which starts a comment)", 0 },
	{ "pci without {bdf}", 9, "args = --vdev=net_x0", -EINVAL,
		"%s:9: [eal] args: a pci profile's arguments do not name the device; allowed: arguments with -a {bdf}", 0 },
	{ "vdev bound to vfio-pci", 4, "bus = vdev", -EINVAL,
		"%s:9: [eal] args: a vdev profile's arguments make no device; allowed: arguments with --vdev=...", 0 },
	{ "fallback equal to method", 6, "method = vfio-pci\nfallback = vfio-pci", -EINVAL,
		"%s:7: [binding] fallback: 'vfio-pci' with method vfio-pci; allowed: the other of vfio-pci, igb_uio, and only when method binds", 0 },
	{ "fallback none", 6, "method = vfio-pci\nfallback = none", -EINVAL,
		"%s:7: [binding] fallback: 'none' is not allowed; allowed: vfio-pci, igb_uio (and not the method)", 0 },
	{ "stats name", 0, "[stats]\nreport = rx_missed_errors, Bad-Name", -EINVAL,
		"%s:26: [stats] report: 'Bad-Name' is not allowed; allowed: xstat names ([a-z0-9_]), comma-separated, 1 to 16", 0 },
};
#define N_ERRORS (sizeof(error_cases) / sizeof(error_cases[0]))

/* The base profile with the case's change, as one string (caller frees). */
static char *
case_text(const struct error_case *c)
{
	size_t len = 4096, off = 0, i;
	char *t = malloc(len);

	assert_non_null(t);
	t[0] = '\0';
	for (i = 0; i < N_BASE; i++) {
		const char *line = base_lines[i];

		if (c->line == i + 1) {
			if (c->text == NULL)
				continue;
			line = c->text;
		}
		off += (size_t)snprintf(t + off, len - off, "%s\n", line);
	}
	if (c->line == 0)
		off += (size_t)snprintf(t + off, len - off, "%s\n", c->text);
	assert_true(off < len);
	return t;
}

static void
expect_error(const char *got, const char *fmt, const char *path, int prefix)
{
	char want[PATH_MAX + 2048];

	snprintf(want, sizeof(want), fmt, path);
	if (prefix) {
		if (strncmp(got, want, strlen(want)) != 0)
			print_error("want (prefix): %s\ngot:           %s\n", want, got);
		assert_int_equal(strncmp(got, want, strlen(want)), 0);
	} else {
		assert_string_equal(got, want);
	}
	assert_null(strchr(got, '\n'));
}

static void
test_error_case(void **state)
{
	const struct error_case *c = *state;
	char dir[PATH_MAX], path[PATH_MAX + 16], err[2048] = "";
	struct ovl_profile p;
	char *text = case_text(c);

	case_dir("errors", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/case_%02u.ini", dir, (unsigned int)(c - error_cases) + 1);
	write_file(path, text);
	free(text);
	assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), c->rc);
	expect_error(err, c->expected, path, c->prefix);
	unlink(path);
}

/* The base itself loads; so do offload names in DPDK's own upper case; then over-long lines. */
static void
test_base_and_limits(void **state)
{
	static const struct error_case upper = { "upper-case offloads", 16,
		"tx = IPV4_CKSUM, Udp_Cksum, outer_udp_cksum", 0, "", 0 };
	static const struct error_case plain = { "base", 0, "", 0, "", 0 };
	char dir[PATH_MAX], path[PATH_MAX + 16], err[2048] = "", *text, line[400];
	struct ovl_profile p;
	size_t base_len;

	(void)state;
	case_dir("limits", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/base.ini", dir);
	text = case_text(&plain);
	write_file(path, text);
	assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), 0);
	assert_int_equal(p.bind_fallback, OVL_BIND_VFIO_PCI); /* no fallback: the method */
	assert_int_equal(p.n_caveats, 0);
	base_len = strlen(text);
	free(text);

	text = case_text(&upper);
	write_file(path, text);
	free(text);
	assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), 0);
	assert_int_equal(p.tx_offloads, RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			RTE_ETH_TX_OFFLOAD_OUTER_UDP_CKSUM);

	/* A 300-character value: rte_cfgfile would keep 255 of it. */
	text = case_text(&plain);
	text = realloc(text, base_len + 1024);
	assert_non_null(text);
	memset(line, 'x', 300);
	line[300] = '\0';
	sprintf(text + base_len, "[caveats]\nlong = %s\n", line);
	write_file(path, text);
	assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), -EINVAL);
	expect_error(err, "%s:27: [caveats] long: the value has 300 characters; allowed: at most 255", path, 0);

	/* A 330-character line: rte_cfgfile would fail on it. */
	memset(line, ' ', 330);
	memcpy(line + 320, "a = b", 5);
	line[330] = '\0';
	sprintf(text + base_len, "[caveats]\n%s\n", line);
	write_file(path, text);
	assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), -EINVAL);
	expect_error(err, "%s:27: the line is longer than 320 characters; allowed: at most 320 (rte_cfgfile's limit)", path, 0);

	/* Seventeen caveats. */
	{
		size_t off = base_len;
		int i;

		off += (size_t)sprintf(text + off, "[caveats]\n");
		for (i = 1; i <= 17; i++)
			off += (size_t)sprintf(text + off, "c%d = text\n", i);
		write_file(path, text);
		assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), -EINVAL);
		expect_error(err, "%s:43: [caveats] c17: more than 16 caveats; allowed: any key ([a-z0-9_]) = one line of text, at most 16", path, 0);
	}
	free(text);
	unlink(path);
}

/* ------------------------------------------------------------------------------------------ */
/* Files that cannot be read, names that are not profiles', directories                        */
/* ------------------------------------------------------------------------------------------ */

static void
test_unreadable(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], err[1024];
	struct ovl_profile p;

	(void)state;
	case_dir("unreadable", dir, sizeof(dir));

	snprintf(path, sizeof(path), "%s/absent.ini", dir);
	assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), -ENOENT);
	expect_error(err, "%s: cannot read: No such file or directory; allowed: a readable profile file", path, 0);

	snprintf(path, sizeof(path), "%s/dir.ini", dir);
	assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
	assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), -EISDIR);
	expect_error(err, "%s: cannot read: Is a directory; allowed: a readable profile file", path, 0);
	rmdir(path);

	/* Root reads a file of mode 000 all the same: the permission case needs another user. */
	if (geteuid() != 0) {
		snprintf(path, sizeof(path), "%s/noperm.ini", dir);
		write_file(path, "[driver]\n");
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), -EACCES);
		expect_error(err, "%s: cannot read: Permission denied; allowed: a readable profile file", path, 0);
		unlink(path);
	}

	snprintf(path, sizeof(path), "%s/Bad-Name.ini", dir);
	write_file(path, "[driver]\n");
	assert_int_equal(ovl_profile_load(path, &p, err, sizeof(err)), -EINVAL);
	expect_error(err, "%s: the file name is not a profile's; allowed: NAME.ini, NAME of [a-z0-9_], at most 31 characters", path, 0);
	unlink(path);

	snprintf(path, sizeof(path), "%s/no_such_dir", dir);
	assert_int_equal(ovl_profile_find(path, "net_ena", &p, err, sizeof(err)), -ENOENT);
	expect_error(err, "%s: cannot read the profile directory: No such file or directory; allowed: a drivers-config directory (OVL_PROFILE_DIR)", path, 0);
}

static const char two_names[] =
	"[driver]\nnames = %s\ndescription = d\nbus = vdev\n"
	"[binding]\nmethod = none\nwrite_combining = no\n"
	"[eal]\nargs = --vdev=net_x{n}\nhugepages = optional\n"
	"[queues]\nrx_desc = 0\ntx_desc = 0\nmax_queues = 1\n"
	"[offloads]\ntx = none\nrx = none\n"
	"[timestamps]\nrx_hw = no\ntx_hw = no\ntimesync = no\n"
	"[pacing]\nhw_rate_limit = no\nsend_scheduling = no\n";

static void
test_duplicate_names(void **state)
{
	char dir[PATH_MAX], a[PATH_MAX + 16], b[PATH_MAX + 16], c[PATH_MAX + 16], text[1024];
	char err[1024], want[3 * PATH_MAX];
	struct ovl_profile p;

	(void)state;
	case_dir("duplicates", dir, sizeof(dir));
	snprintf(a, sizeof(a), "%s/a.ini", dir);
	snprintf(b, sizeof(b), "%s/b.ini", dir);
	snprintf(c, sizeof(c), "%s/c.ini", dir);
	snprintf(text, sizeof(text), two_names, "net_x");
	write_file(a, text);
	snprintf(text, sizeof(text), two_names, "net_y");
	write_file(b, text);

	assert_int_equal(ovl_profile_find(dir, "net_y", &p, err, sizeof(err)), 0);
	assert_string_equal(p.name, "b");

	snprintf(text, sizeof(text), two_names, "net_z, net_x");
	write_file(c, text);
	assert_int_equal(ovl_profile_find(dir, "net_y", &p, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: [driver] names: 'net_x' is also named by %s:2; allowed: each driver name in one profile",
			c, a);
	assert_string_equal(err, want);

	/* A broken profile anywhere in the directory is an error of the search too. */
	write_file(c, "[driver]\nnames = net_z\nbogus\n");
	assert_int_equal(ovl_profile_find(dir, "net_x", &p, err, sizeof(err)), -EINVAL);
	expect_error(err, "%s:3: 'bogus' is neither [section] nor key = value; allowed: [section], key = value, '; comment', blank lines", c, 0);
	unlink(a);
	unlink(b);
	unlink(c);
}

static void
test_named_and_dir(void **state)
{
	char err[1024], want[PATH_MAX + 256];
	struct ovl_profile p;
	const char *old = getenv("OVL_PROFILE_DIR");
	char saved[PATH_MAX] = "";

	(void)state;
	assert_int_equal(ovl_profile_load_named(shipped_dir, "tap", &p, err, sizeof(err)), 0);
	assert_string_equal(p.names[0], "net_tap");
	assert_int_equal(ovl_profile_load_named(shipped_dir, "nope", &p, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: no profile 'nope'; allowed: af_packet, af_xdp, ena, i40e, ice, ixgbe, memif, mlx5, null, pcap, tap, virtio, vmxnet3",
			shipped_dir);
	assert_string_equal(err, want);
	/* A name is a name, never a path. */
	assert_int_equal(ovl_profile_load_named(shipped_dir, "../drivers-config/ena", &p, err, sizeof(err)),
			-ENOENT);

	if (old != NULL)
		snprintf(saved, sizeof(saved), "%s", old);
	assert_int_equal(setenv("OVL_PROFILE_DIR", "/some/where", 1), 0);
	assert_string_equal(ovl_profile_dir(), "/some/where");
	assert_int_equal(unsetenv("OVL_PROFILE_DIR"), 0);
	assert_true(strlen(ovl_profile_dir()) > 0);
	assert_non_null(strstr(ovl_profile_dir(), "drivers-config"));
	if (old != NULL)
		setenv("OVL_PROFILE_DIR", saved, 1);
}

static void
test_eal_args(void **state)
{
	char out[256], err[512];
	struct ovl_profile p;

	(void)state;
	assert_int_equal(ovl_profile_load_named(shipped_dir, "ena", &p, err, sizeof(err)), 0);
	assert_int_equal(ovl_profile_eal_args(&p, "0000:00:06.0", NULL, 0, NULL, NULL, out, sizeof(out),
			err, sizeof(err)), 15);
	assert_string_equal(out, "-a 0000:00:06.0");
	assert_int_equal(ovl_profile_eal_args(&p, NULL, "eth1", 0, NULL, NULL, out, sizeof(out),
			err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "profile ena: [eal] args needs a value for {bdf}");
	assert_int_equal(ovl_profile_eal_args(&p, "0000:00:06.0", NULL, 0, NULL, NULL, out, 8,
			err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "profile ena: the EAL arguments need more than 7 characters");

	assert_int_equal(ovl_profile_load_named(shipped_dir, "memif", &p, err, sizeof(err)), 0);
	assert_true(ovl_profile_eal_args(&p, NULL, NULL, 1, "/tmp/ovl.sock", NULL, out, sizeof(out),
			err, sizeof(err)) > 0);
	assert_string_equal(out, "--vdev=net_memif1,role=server,socket=/tmp/ovl.sock");

	assert_int_equal(ovl_profile_load_named(shipped_dir, "pcap", &p, err, sizeof(err)), 0);
	assert_true(ovl_profile_eal_args(&p, NULL, NULL, 0, "in.pcap", "out.pcap", out, sizeof(out),
			err, sizeof(err)) > 0);
	assert_string_equal(out, "--vdev=net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap");
}

static void
test_describe(void **state)
{
	char err[512], *buf = NULL;
	size_t len = 0;
	struct ovl_profile p;
	FILE *f;

	(void)state;
	assert_int_equal(ovl_profile_load_named(shipped_dir, "ena", &p, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	ovl_profile_describe(f, &p, "  ");
	fclose(f);
	assert_non_null(strstr(buf, "  profile ena ("));
	assert_non_null(strstr(buf, "binding vfio-pci (or igb_uio), write-combining required"));
	assert_non_null(strstr(buf, "offloads tx: ipv4_cksum udp_cksum tcp_cksum tcp_tso; rx:"));
	assert_non_null(strstr(buf, "one flow <= 5 Gbit/s"));
	assert_non_null(strstr(buf, "xstats reported: bw_in_allowance_exceeded"));
	assert_non_null(strstr(buf, "  caveat llq_header: "));
	free(buf);
}

/* ------------------------------------------------------------------------------------------ */

static int
make_tmp(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/ovl-test-profile-XXXXXX");
	return mkdtemp(tmp_dir) == NULL ? -1 : 0;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int
remove_tmp(void **state)
{
	(void)state;
	return nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	static char names[N_PROFILES + N_FIND + N_ERRORS][96];
	struct CMUnitTest tests[N_PROFILES + N_FIND + N_ERRORS + 16];
	size_t n = 0, k = 0, i;

	find_shipped_dir();
	for (i = 0; i < N_PROFILES; i++, k++) {
		snprintf(names[k], sizeof(names[k]), "shipped profile %s loads", expected_profiles[i]);
		tests[n++] = (struct CMUnitTest){ names[k], test_shipped_loads, NULL, NULL,
			(void *)expected_profiles[i] };
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shipped_rte_cfgfile);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shipped_set);
	for (i = 0; i < N_FIND; i++, k++) {
		snprintf(names[k], sizeof(names[k]), "find %s -> %s", find_cases[i].driver,
				find_cases[i].profile);
		tests[n++] = (struct CMUnitTest){ names[k], test_find, NULL, NULL,
			(void *)&find_cases[i] };
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_ena);
	for (i = 0; i < N_ERRORS; i++, k++) {
		snprintf(names[k], sizeof(names[k]), "error %02zu: %s", i + 1, error_cases[i].name);
		tests[n++] = (struct CMUnitTest){ names[k], test_error_case, NULL, NULL,
			(void *)&error_cases[i] };
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_base_and_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_unreadable);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_duplicate_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_named_and_dir);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_eal_args);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_describe);
	return _cmocka_run_group_tests("profile", tests, n, make_tmp, remove_tmp);
}
