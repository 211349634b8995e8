/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Driver profiles as files and directories: unreadable files and names that are not a
 * profile's, driver names claimed twice, loading by name and the directory default, the EAL
 * argument template, and the printed description.
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

#include "profile.h"
#include "profile_files.h"

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
	snprintf(want, sizeof(want), "%s: no profile 'nope'; allowed: af_packet, af_xdp, ena, i40e, ice, ixgbe, memif, mlx5, null, pcap, tap, vhost, virtio, virtio_user, vmxnet3",
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

/* [eal] vdev_defaults: added to a --vdev value for each key it does not set, in order. */
static void
test_vdev_complete(void **state)
{
	static const struct {
		const char *vdev, *out;
		int added;
	} cases[] = {
		{ "net_af_xdp0,iface=eth1", "net_af_xdp0,iface=eth1,start_queue=0,busy_budget=0", 2 },
		{ "net_af_xdp0", "net_af_xdp0,start_queue=0,busy_budget=0", 2 },
		{ "net_af_xdp1,iface=eth1,busy_budget=64", "net_af_xdp1,iface=eth1,busy_budget=64,start_queue=0", 1 },
		{ "net_af_xdp0,start_queue=3,busy_budget=16,iface=eth1", "net_af_xdp0,start_queue=3,busy_budget=16,iface=eth1", 0 },
		/* A key that only starts like one of them is another key. */
		{ "net_af_xdp0,start_queue_x=1", "net_af_xdp0,start_queue_x=1,start_queue=0,busy_budget=0", 2 },
	};
	char out[256], err[512];
	struct ovl_profile p;
	size_t i;

	(void)state;
	assert_int_equal(ovl_profile_load_named(shipped_dir, "af_xdp", &p, err, sizeof(err)), 0);
	assert_string_equal(p.vdev_defaults, "start_queue=0,busy_budget=0");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ovl_profile_vdev_complete(&p, cases[i].vdev, out, sizeof(out)), cases[i].added);
		assert_string_equal(out, cases[i].out);
	}
	assert_int_equal(ovl_profile_vdev_complete(&p, "net_af_xdp0,iface=eth1", out, 30), -EINVAL);
	/* A profile without vdev_defaults leaves the value alone. */
	assert_int_equal(ovl_profile_load_named(shipped_dir, "memif", &p, err, sizeof(err)), 0);
	assert_int_equal(ovl_profile_vdev_complete(&p, "net_memif0,role=client", out, sizeof(out)), 0);
	assert_string_equal(out, "net_memif0,role=client");
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

int
main(void)
{
	struct CMUnitTest tests[16];
	size_t n = 0;

	find_shipped_dir();
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_unreadable);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_duplicate_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_named_and_dir);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_eal_args);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_vdev_complete);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_describe);
	return _cmocka_run_group_tests("profile_files", tests, n, make_tmp, remove_tmp);
}
