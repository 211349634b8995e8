/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Broken driver profiles: a table of numbered broken files, each expected to fail with one exact
 * line (file, line, section, key, allowed values); then the valid base itself, offload names in
 * DPDK's upper case, and over-long lines.
 *
 * Every case is its own TAP test point, named after it.
 */
#include <errno.h>
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

#include <rte_ethdev.h>

#include "profile.h"
#include "profile_files.h"

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

#define VDEV_ALLOWED "device arguments key=value ([a-z0-9_]=[A-Za-z0-9_.:/-]), comma-separated, 1 to 8, added to a --vdev of the driver that does not set them"

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
	{ "vdev_defaults without =", 10, "hugepages = required\nvdev_defaults = start_queue", -EINVAL,
		"%s:11: [eal] vdev_defaults: 'start_queue' is not key=value; allowed: " VDEV_ALLOWED, 0 },
	{ "vdev_defaults key twice", 10, "hugepages = required\nvdev_defaults = a=1, b=2, a=3", -EINVAL,
		"%s:11: [eal] vdev_defaults: 'a' is set twice; allowed: " VDEV_ALLOWED, 0 },
	{ "vdev_defaults bad value", 10, "hugepages = required\nvdev_defaults = iface={iface}", -EINVAL,
		"%s:11: [eal] vdev_defaults: 'iface={iface}': '{' may not be in a value; allowed: " VDEV_ALLOWED, 0 },
	{ "vdev_defaults on pci", 10, "hugepages = required\nvdev_defaults = busy_budget=0", -EINVAL,
		"%s:11: [eal] vdev_defaults: a pci profile's device comes from -a, not --vdev; allowed: vdev_defaults only with [driver] bus = vdev", 0 },
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

int
main(void)
{
	static char names[N_ERRORS][96];
	struct CMUnitTest tests[N_ERRORS + 16];
	size_t n = 0, k = 0, i;

	for (i = 0; i < N_ERRORS; i++, k++) {
		snprintf(names[k], sizeof(names[k]), "error %02zu: %s", i + 1, error_cases[i].name);
		tests[n++] = (struct CMUnitTest){ names[k], test_error_case, NULL, NULL,
			(void *)&error_cases[i] };
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_base_and_limits);
	return _cmocka_run_group_tests("profile_errors", tests, n, make_tmp, remove_tmp);
}
