/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters at their wrap points (issue 19): what 100 Mpps for a day (8.64e12 probes, 2^43)
 * and more puts in a latency histogram, and sequence numbers extended across 2^32 with an
 * outage longer than 2^31 probes. Counts that large cannot be recorded one by one here, so
 * record_n() puts n equal values in at once, exactly as n ovl_histogram_record() calls would
 * (checked against them first); every figure below is then exact or bounded as histogram.h
 * promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "histogram.h"
#include "probe.h"
#include "seqtrack.h"

#define DAY_AT_100MPPS (UINT64_C(86400) * 100000000) /* 8.64e12 */
#define TOP (OVL_HISTOGRAM_LIMIT - 1)

/* Three histograms (35 KB each) for a test to use, emptied by fresh(). */
static struct ovl_histogram pool[3];

static struct ovl_histogram *
fresh(unsigned int i)
{
	ovl_histogram_init(&pool[i]);
	return &pool[i];
}

/* n values of v (below OVL_HISTOGRAM_LIMIT) at once. */
static void
record_n(struct ovl_histogram *h, uint64_t v, uint64_t n)
{
	h->count += n;
	h->sum += (unsigned __int128)v * n;
	h->sum_sq += (unsigned __int128)v * v * n;
	h->min = v < h->min ? v : h->min;
	h->max = v > h->max ? v : h->max;
	h->buckets[ovl_histogram_index(v)] += n;
}

static uint64_t
mid_of(uint64_t v)
{
	uint64_t low, width;

	ovl_histogram_bucket(ovl_histogram_index(v), &low, &width);
	return low + width / 2;
}

/* record_n is n records: the same bytes. */
static void
record_n_is_n_records(void **state)
{
	struct ovl_histogram *a = fresh(0), *b = fresh(1);
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		ovl_histogram_record(a, 1000);
		ovl_histogram_record(a, TOP);
	}
	record_n(b, 1000, 3);
	record_n(b, TOP, 3);
	assert_memory_equal(a, b, sizeof(*a));
}

/*
 * A day at 100 Mpps on each of two lcores, merged: half the round trips 1000 ns, half 3000 ns.
 * Mean and stddev exact (2000, 1000), the median in 1000's bucket and one rank in 1e8 above it
 * in 3000's: ranks are exact at 2^44 values.
 */
static void
day_at_100mpps(void **state)
{
	struct ovl_histogram *a = fresh(0), *b = fresh(1);

	(void)state;
	record_n(a, 1000, DAY_AT_100MPPS);
	record_n(b, 3000, DAY_AT_100MPPS);
	ovl_histogram_merge(a, b);
	CHECK(a->count == 2 * DAY_AT_100MPPS, "count %llu", (unsigned long long)a->count);
	CHECK(ovl_histogram_mean(a) == 2000.0, "mean %.17g", ovl_histogram_mean(a));
	CHECK(ovl_histogram_stddev(a) == 1000.0, "stddev %.17g", ovl_histogram_stddev(a));
	assert_int_equal(ovl_histogram_percentile(a, 50), mid_of(1000));
	assert_int_equal(ovl_histogram_percentile(a, 50.000001), mid_of(3000));
	assert_int_equal(ovl_histogram_percentile(a, 99.9), mid_of(3000));
	assert_int_equal(ovl_histogram_percentile(a, 0), 1000);
	assert_int_equal(ovl_histogram_percentile(a, 100), 3000);
	assert_int_equal(ovl_histogram_count_range(a, 0, 2000), DAY_AT_100MPPS);
}

/*
 * A day of the largest values the sums take: the sum passes 2^64 (a 64-bit one would wrap,
 * 2^40 * 2^43) and the sum of squares 2^123; the mean stays the value exactly, stddev 0.
 */
static void
sums_past_64_bits(void **state)
{
	struct ovl_histogram *h = fresh(0);

	(void)state;
	record_n(h, TOP, DAY_AT_100MPPS);
	CHECK((uint64_t)(h->sum >> 64) != 0, "the sum is past 2^64");
	CHECK((uint64_t)(h->sum_sq >> 120) != 0, "the sum of squares is past 2^120");
	CHECK(ovl_histogram_mean(h) == (double)TOP, "mean %.17g", ovl_histogram_mean(h));
	CHECK(ovl_histogram_stddev(h) == 0, "stddev %.17g", ovl_histogram_stddev(h));
	/* Values above the range clamp into the same sums: one more, clamped, changes nothing. */
	ovl_histogram_record(h, UINT64_MAX);
	CHECK(ovl_histogram_mean(h) == (double)TOP, "mean %.17g", ovl_histogram_mean(h));
	assert_int_equal(h->max, UINT64_MAX);
	assert_int_equal(ovl_histogram_percentile(h, 50), TOP);

	/* histogram.h's bound: 2^48 values at the top still fit the sum of squares. */
	ovl_histogram_init(h);
	record_n(h, TOP, UINT64_C(1) << 48);
	CHECK(ovl_histogram_mean(h) == (double)TOP, "mean %.17g", ovl_histogram_mean(h));
	CHECK(ovl_histogram_stddev(h) == 0, "stddev %.17g", ovl_histogram_stddev(h));
}

/*
 * Counts at the top of 64 bits: 2^63 - 1 values of 1000 and 2^63 of 3000, UINT64_MAX in all.
 * The rank (pct * 1e6 * count, 91 bits) and the walk over the buckets stay exact.
 */
static void
counts_near_2_64(void **state)
{
	const uint64_t lo = (UINT64_C(1) << 63) - 1, hi = UINT64_C(1) << 63;
	struct ovl_histogram *h = fresh(0), *before = fresh(1), *out = fresh(2);
	double mean, sd;

	(void)state;
	record_n(h, 1000, lo);
	record_n(h, 3000, hi);
	assert_int_equal(h->count, UINT64_MAX);
	/* Rank ceil(count / 2) = 2^63: the first value of 3000. */
	assert_int_equal(ovl_histogram_percentile(h, 50), mid_of(3000));
	assert_int_equal(ovl_histogram_percentile(h, 49.999999), mid_of(1000));
	assert_int_equal(ovl_histogram_percentile(h, 99.999999), mid_of(3000));
	assert_int_equal(ovl_histogram_percentile(h, 100), 3000);
	assert_int_equal(ovl_histogram_percentile(h, 0), 1000);
	mean = ovl_histogram_mean(h);
	sd = ovl_histogram_stddev(h);
	CHECK(mean > 1999.999999 && mean < 2000.000001, "mean %.17g", mean);
	CHECK(sd > 999.999999 && sd < 1000.000001, "stddev %.17g", sd);
	assert_int_equal(ovl_histogram_count_range(h, 2000, 4000), hi);

	/* The last second's difference at those counts: exact. */
	record_n(before, 1000, lo - 5);
	record_n(before, 3000, hi - 7);
	ovl_histogram_since(out, h, before);
	assert_int_equal(out->count, 12);
	assert_int_equal(out->buckets[ovl_histogram_index(1000)], 5);
	assert_int_equal(out->buckets[ovl_histogram_index(3000)], 7);
	CHECK(out->sum == 5 * 1000 + 7 * 3000, "sum %llu", (unsigned long long)out->sum);
	assert_int_equal(ovl_histogram_percentile(out, 50), mid_of(3000));
}

/*
 * The sender's path for compact probes: 32-bit sequence numbers extended from its next one
 * (ovl_probe_seq_sent), then tracked. Across 2^32 (and 2^33) with one probe lost and two
 * swapped: the counts are exact.
 */
static void
seq_across_2_32(void **state)
{
	struct ovl_seqtrack *t = malloc(sizeof(*t));
	const uint64_t bases[] = { (UINT64_C(1) << 32) - 1000, (UINT64_C(1) << 33) - 1000 };
	unsigned int b;

	(void)state;
	assert_non_null(t);
	for (b = 0; b < 2; b++) {
		uint64_t s, next = bases[b] + 2000, lost_one = bases[b] + 1000;

		ovl_seqtrack_init(t);
		for (s = bases[b]; s < next; s++) {
			uint64_t seq = s;

			if (s == lost_one)
				continue;
			if (s == lost_one + 1)     /* 2^k + 1 and 2^k + 2 arrive swapped */
				seq = s + 1;
			else if (s == lost_one + 2)
				seq = s - 1;
			CHECK(ovl_probe_seq_sent(next, (uint32_t)seq) == seq, "seq %llu",
					(unsigned long long)seq);
			ovl_seqtrack_add(t, ovl_probe_seq_sent(next, (uint32_t)seq));
		}
		assert_int_equal(t->unique, 1999);
		assert_int_equal(t->reordered, 1);
		assert_int_equal(t->duplicated, 0);
		assert_int_equal(t->highest, next - 1);
		assert_int_equal(ovl_seqtrack_lost(t, 2000), 1);
	}
	free(t);
}

/*
 * An outage of 3e9 probes (over 2^31: 30 s at 100 Mpps) at 100 Mpps for a day: the first reply
 * after it is placed exactly, and the lost are exactly the probes of the outage.
 */
static void
outage_past_2_31(void **state)
{
	struct ovl_seqtrack *t = malloc(sizeof(*t));
	const uint64_t start = DAY_AT_100MPPS - 5000000000ull, gap = 3000000000ull;
	uint64_t s, seq;

	(void)state;
	assert_non_null(t);
	ovl_seqtrack_init(t);
	for (s = start; s < start + 1000; s++)
		ovl_seqtrack_add(t, ovl_probe_seq_sent(s + 1, (uint32_t)s));
	/* Probes start + 1000 .. start + 1000 + gap - 1 lost; replies return. */
	for (s = start + 1000 + gap; s < start + 2000 + gap; s++) {
		seq = ovl_probe_seq_sent(s + 10, (uint32_t)s);   /* ten more already sent */
		CHECK(seq == s, "reply %llu placed at %llu", (unsigned long long)s,
				(unsigned long long)seq);
		assert_int_equal(ovl_seqtrack_add(t, seq), OVL_SEQ_IN_ORDER);
	}
	assert_int_equal(t->unique, 2000);
	assert_int_equal(t->reordered, 0);
	assert_int_equal(ovl_seqtrack_lost(t, 2000 + gap), gap);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_n_is_n_records),
		cmocka_unit_test(day_at_100mpps),
		cmocka_unit_test(sums_past_64_bits),
		cmocka_unit_test(counts_near_2_64),
		cmocka_unit_test(seq_across_2_32),
		cmocka_unit_test(outage_past_2_31),
	};

	return cmocka_run_group_tests_name("wrap", tests, NULL, NULL);
}
