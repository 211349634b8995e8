/* SPDX-License-Identifier: BSD-3-Clause */
/* The samples reservoir (lib/measure/reservoir.h): what it keeps, and that the choice is fair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "reservoir.h"

/* Fewer offers than room: every one kept, in order. */
static void
keeps_all_below_size(void **state)
{
	struct ovl_reservoir r;
	uint64_t i;

	(void)state;
	assert_int_equal(ovl_reservoir_init(&r, 100, 1), 0);
	for (i = 0; i < 60; i++)
		ovl_reservoir_add(&r, i, i * 10, i + 1000);
	assert_int_equal(ovl_reservoir_count(&r), 60);
	for (i = 0; i < 60; i++) {
		assert_int_equal(r.samples[i].seq, i);
		assert_int_equal(r.samples[i].tx_ns, i * 10);
		assert_int_equal(r.samples[i].rtt_ns, i + 1000);
	}
	ovl_reservoir_free(&r);
}

/*
 * 1,000 kept of 1,000,000: each decile of the offers holds about 100 of them. Under uniform
 * choice a decile's count is about binomial(1000, 0.1): sd 9.5, so 55..145 is over 4.5 sd; the
 * seed fixes the draw, so the test is deterministic.
 */
static void
fair_choice(void **state)
{
	struct ovl_reservoir r;
	unsigned int decile[10] = { 0 }, i;
	uint64_t n = 1000000, k;

	(void)state;
	assert_int_equal(ovl_reservoir_init(&r, 1000, 12345), 0);
	for (k = 0; k < n; k++)
		ovl_reservoir_add(&r, k, k, k);
	assert_int_equal(ovl_reservoir_count(&r), 1000);
	assert_int_equal(r.seen, n);
	for (i = 0; i < 1000; i++) {
		assert_true(r.samples[i].seq < n);
		decile[r.samples[i].seq * 10 / n]++;
	}
	for (i = 0; i < 10; i++) {
		assert_in_range(decile[i], 55, 145);
	}
	ovl_reservoir_free(&r);
}

/* Size 0: nothing kept, nothing written. */
static void
size_zero(void **state)
{
	struct ovl_reservoir r;

	(void)state;
	assert_int_equal(ovl_reservoir_init(&r, 0, 7), 0);
	assert_null(r.samples);
	assert_int_equal(ovl_reservoir_count(&r), 0);
	ovl_reservoir_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keeps_all_below_size),
		cmocka_unit_test(fair_choice),
		cmocka_unit_test(size_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
