/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INI scanner's syntax flags (ini_scan.h): a test profile's dashed keys and [stream NAME]
 * sections are refused without them, as a driver profile's scan always did, and taken with them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ini_scan.h"

/* Scans text with flags; returns the scanner's status, its error in err. */
static int
scan_text(const char *text, unsigned int flags, struct ovl_ini_scan *s, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	err[0] = '\0';
	rc = ovl_ini_scan_file_with(f, "p.ini", flags, s, err, errlen);
	fclose(f);
	return rc;
}

static void
test_profile_syntax(void **state)
{
	static const char text[] = "[run]\nmode = loop\n\n[stream small-vxlan]\nframe-size = 128\n";
	struct ovl_ini_scan s;
	char err[512];

	(void)state;
	assert_int_equal(scan_text(text, OVL_INI_KEY_DASHES | OVL_INI_LABELS, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n_sections, 2);
	assert_string_equal(s.sections[1].name, "stream small-vxlan");
	assert_int_equal(s.sections[1].line, 4);
	assert_int_equal(ovl_ini_key_line(&s, "stream small-vxlan", "frame-size"), 5);
}

static void
test_without_flags(void **state)
{
	struct ovl_ini_scan s;
	char err[512];

	(void)state;
	/* What a driver profile is held to: no label, no dash. */
	assert_int_equal(scan_text("[stream a]\nx = 1\n", 0, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "p.ini:1: '[stream a]' is not a section name; allowed: [a-z0-9_], at most 63 characters");
	assert_int_equal(scan_text("[run]\nframe-size = 1\n", OVL_INI_LABELS, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "p.ini:2: [run] 'frame-size' is not a key; allowed: [a-z0-9_], at most 63 characters");
}

static void
test_bad_labels(void **state)
{
	static const char *const bad[] = { "[stream  a]\n", "[stream A]\n", "[Stream a]\n", "[stream a b]\n" };
	struct ovl_ini_scan s;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(scan_text(bad[i], OVL_INI_LABELS, &s, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "p.ini:1: "));
		assert_non_null(strstr(err, "[word label]"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_syntax),
		cmocka_unit_test(test_without_flags),
		cmocka_unit_test(test_bad_labels),
	};

	return cmocka_run_group_tests_name("ini_scan", tests, NULL, NULL);
}
