/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The outage watch (lib/measure/outage.c) fed by hand: totals at chosen instants of a clock
 * of 1000 ticks a second, so every length below is exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "outage.h"

#define HZ 1000u
#define AFTER 0.5

static double
look(struct outage_watch *w, uint64_t tx, uint64_t rx, int down, uint64_t ms)
{
	return outage_look(w, "test", tx, rx, down, ms, 0, HZ, AFTER);
}

/* A sink that never answers (send into net_null): no outage however long it sends. */
static void
no_replies_ever_is_no_outage(void **state)
{
	struct outage_watch w;
	uint64_t t;

	(void)state;
	memset(&w, 0, sizeof(w));
	for (t = 0; t <= 10000; t += 20)
		assert_true(look(&w, t * 10, 0, 0, t) == 0);
	assert_int_equal(w.count, 0);
}

/* Silence longer than --outage-after while sending opens one; replies close it. */
static void
silence_while_sending_opens_and_replies_close(void **state)
{
	struct outage_watch w;

	(void)state;
	memset(&w, 0, sizeof(w));
	look(&w, 100, 90, 0, 1000);            /* replies flow; the last at 1.0 s */
	look(&w, 200, 90, 0, 1400);            /* 0.4 s of silence: not yet */
	assert_int_equal(w.count, 0);
	assert_true(look(&w, 300, 90, 0, 1600) > 0.59);   /* 0.6 s: open, from 1.0 s */
	assert_int_equal(w.count, 1);
	assert_true(w.open);
	assert_true(w.list[0].start_s == 1.0);
	assert_string_equal(w.list[0].cause, "no replies while sending");
	look(&w, 400, 90, 0, 3000);
	assert_true(look(&w, 500, 91, 0, 3500) == 0);      /* a reply: closed, 2.5 s long */
	assert_false(w.open);
	assert_true(w.list[0].ended);
	assert_true(w.list[0].length_s == 2.5);
}

/* Silence while nothing is sent (the drain, a paused sender) is not an outage. */
static void
silence_while_idle_is_no_outage(void **state)
{
	struct outage_watch w;

	(void)state;
	memset(&w, 0, sizeof(w));
	look(&w, 100, 100, 0, 1000);
	look(&w, 100, 100, 0, 5000);
	assert_int_equal(w.count, 0);
}

/* A link down opens one at once; an outage open at the end is closed there, not ended. */
static void
link_down_and_finish(void **state)
{
	struct outage_watch w;

	(void)state;
	memset(&w, 0, sizeof(w));
	look(&w, 100, 100, 0, 1000);
	look(&w, 100, 100, 1, 1020);
	assert_int_equal(w.count, 1);
	assert_string_equal(w.list[0].cause, "link down");
	outage_finish(&w, 4000, 0, HZ);
	assert_false(w.list[0].ended);
	assert_true(w.list[0].length_s == 3.0);
}

/* More outages than the list holds: all counted, the first OUTAGES_MAX listed. */
static void
many_outages_counted(void **state)
{
	struct outage_watch w;
	uint64_t t = 1000, tx = 0, rx = 1;
	unsigned int i;

	(void)state;
	memset(&w, 0, sizeof(w));
	look(&w, tx, rx, 0, t);
	for (i = 0; i < OUTAGES_MAX + 10; i++) {
		look(&w, tx += 10, rx, 0, t += 600);    /* silent while sending: open */
		look(&w, tx += 10, ++rx, 0, t += 100);  /* a reply: closed */
	}
	assert_int_equal(w.count, OUTAGES_MAX + 10);
	assert_int_equal(w.n, OUTAGES_MAX);
	assert_true(w.list[OUTAGES_MAX - 1].ended);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_replies_ever_is_no_outage),
		cmocka_unit_test(silence_while_sending_opens_and_replies_close),
		cmocka_unit_test(silence_while_idle_is_no_outage),
		cmocka_unit_test(link_down_and_finish),
		cmocka_unit_test(many_outages_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
