/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Files for the driver profile tests (test_profile_*.c): the shipped drivers-config directory,
 * a temporary directory for the broken files they write, and the check of one error line.
 */
#ifndef OVL_TEST_PROFILE_FILES_H
#define OVL_TEST_PROFILE_FILES_H

#include <limits.h>
#include <stddef.h>

/*
 * The shipped profiles, found through OVL_PROFILE_DIR, else next to OVL_GOLDEN_DIR
 * (tests/golden, set by meson), else from this file's path: set by find_shipped_dir().
 */
extern char shipped_dir[PATH_MAX];
void find_shipped_dir(void);

/*
 * A temporary directory (/tmp/ovl-test-profile-XXXXXX) as a cmocka group setup and teardown:
 * made by make_tmp, removed with its contents by remove_tmp; case_dir makes one subdirectory
 * of it per case.
 */
int make_tmp(void **state);
int remove_tmp(void **state);

void write_file(const char *path, const char *text);
void case_dir(const char *name, char *out, size_t len);
void expect_error(const char *got, const char *fmt, const char *path, int prefix);

#endif
