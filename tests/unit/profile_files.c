/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Files for the driver profile tests: where the shipped profiles are, a temporary directory
 * (a cmocka group setup and teardown) with a subdirectory per case, writing a file, and
 * checking that an error is the one expected line.
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

#include <cmocka.h>

#include "profile_files.h"

char shipped_dir[PATH_MAX];
static char tmp_dir[64]; /* /tmp/ovl-test-profile-XXXXXX */

/* ------------------------------------------------------------------------------------------ */
/* Files                                                                                      */
/* ------------------------------------------------------------------------------------------ */

void
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

void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A fresh subdirectory of tmp_dir for one case. */
void
case_dir(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", tmp_dir, name);
	assert_true(mkdir(out, 0700) == 0 || errno == EEXIST);
}

void
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

/* ------------------------------------------------------------------------------------------ */

int
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

int
remove_tmp(void **state)
{
	(void)state;
	return nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
