/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shipped driver profiles (drivers-config/<name>.ini, read by lib/profile/): every one loads, is
 * read alike by rte_cfgfile on its own, and is found by each driver name it claims; the
 * directory holds exactly the known set, and the ENA profile says what docs/nics.md promises.
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
#include <rte_cfgfile.h>
#include <rte_ethdev.h>

#include "profile.h"
#include "profile_files.h"

static const char *const expected_profiles[] = {
	"af_packet", "af_xdp", "ena", "i40e", "ice", "ixgbe", "memif", "mlx5", "null", "pcap",
	"tap", "vhost", "virtio", "virtio_user", "vmxnet3",
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
	{ "net_virtio_user", "virtio_user", OVL_BIND_NONE },
	{ "net_vhost", "vhost", OVL_BIND_NONE },
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

int
main(void)
{
	static char names[N_PROFILES + N_FIND][96];
	struct CMUnitTest tests[N_PROFILES + N_FIND + 16];
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
	return _cmocka_run_group_tests("profile_shipped", tests, n, NULL, NULL);
}
