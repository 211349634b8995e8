/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The software pacer: deadlines from the start and the count sent (no drift), the catch-up
 * limit after a stall, and how many packets are owed at a given moment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pacer.h"

#define HZ 2600000000ull

/* A million bursts at 1 Mpps from a 2.6 GHz clock end exactly one second after the start. */
static void
test_no_drift(void **state)
{
	struct ovl_pacer p;
	uint64_t now = 1000, i;

	(void)state;
	ovl_pacer_init(&p, 1000000, HZ, now);
	for (i = 0; i < 1000000; i++) {
		now = p.next;
		assert_true(ovl_pacer_due(&p, now));
		assert_false(ovl_pacer_due(&p, now - 1) && i > 0);
		ovl_pacer_sent(&p, 1, now);
	}
	assert_int_equal(p.next, 1000 + HZ);
}

/* Owed: 1 at the start; after t the packets whose deadlines passed; clamped to max. */
static void
test_owed(void **state)
{
	struct ovl_pacer p;

	(void)state;
	ovl_pacer_init(&p, 10000000, HZ, 0);  /* 10 Mpps: a deadline every 260 cycles */
	assert_int_equal(ovl_pacer_owed(&p, 0, 32), 1);
	assert_int_equal(ovl_pacer_owed(&p, 259, 32), 1);
	assert_int_equal(ovl_pacer_owed(&p, 260, 32), 2);
	assert_int_equal(ovl_pacer_owed(&p, 260 * 9 + 1, 32), 10);
	assert_int_equal(ovl_pacer_owed(&p, 260 * 100, 32), 32);
	ovl_pacer_sent(&p, 10, 260 * 9 + 1);
	assert_int_equal(p.next, 2600);      /* the 11th packet's deadline */
	assert_int_equal(ovl_pacer_owed(&p, 2600, 32), 1);
	assert_int_equal(ovl_pacer_owed(&p, 2600 + 260 * 4, 32), 5);
	/* Unlimited: always a full burst. */
	ovl_pacer_init(&p, 0, HZ, 0);
	assert_int_equal(ovl_pacer_owed(&p, 12345, 32), 32);
}

/* After a stall longer than late_max the pacer gives the gap up instead of bursting it all. */
static void
test_stall(void **state)
{
	struct ovl_pacer p;
	uint64_t stall = HZ / 10;            /* 100 ms */

	(void)state;
	ovl_pacer_init(&p, 1000000, HZ, 0);
	/* A stall shorter than late_max is caught up, nothing given up. */
	ovl_pacer_sent(&p, 1, HZ / 200);
	assert_int_equal(p.given_up, 0);
	ovl_pacer_init(&p, 1000000, HZ, 0);
	ovl_pacer_sent(&p, 1, stall);
	assert_true(p.next >= stall - p.late_max);
	assert_true(ovl_pacer_owed(&p, stall, 1u << 30) <= p.late_max * 1000000 / HZ + 2);
	/* What was given up: the stall less late_max and the one packet's slot, exactly. */
	assert_int_equal(p.given_up, stall - p.late_max - HZ / 1000000);
	/* A second stall adds to it. */
	ovl_pacer_sent(&p, 1, 2 * stall);
	assert_true(p.given_up > stall - p.late_max && p.given_up < 2 * stall);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_drift),
		cmocka_unit_test(test_owed),
		cmocka_unit_test(test_stall),
	};

	return cmocka_run_group_tests_name("pacer", tests, NULL, NULL);
}
