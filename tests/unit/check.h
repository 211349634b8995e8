/* SPDX-License-Identifier: BSD-3-Clause */
/* CHECK: a cmocka assertion that says what was being checked (printf-style) before failing. */
#ifndef OVL_TEST_CHECK_H
#define OVL_TEST_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		print_error(__VA_ARGS__); \
		print_error("\n    check failed: %s\n", #cond); \
		_fail(__FILE__, __LINE__); \
	} \
} while (0)

#endif
