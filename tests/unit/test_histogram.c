/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The latency histogram against exact references: sorted copies of the values for
 * percentiles, two-pass long double sums for mean and variance. No libm: the unit tests are
 * not linked with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "histogram.h"

#define N_SAMPLES 200000

/* Percentiles checked against the reference, in parts per million. */
static const uint32_t check_ppm[] = { 1, 10000, 50000, 100000, 250000, 500000, 750000, 900000,
	950000, 990000, 999000, 999900, 999999, 1000000 };

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* splitmix64: the tests need repeatable values, not good ones. */
static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]; the modulo bias does not matter here. */
static uint64_t
rng_range(uint64_t lo, uint64_t hi)
{
	return lo + rng() % (hi - lo + 1);
}

/* Uniform in log2 between 2^lo_bits and 2^hi_bits. */
static uint64_t
rng_log(unsigned int lo_bits, unsigned int hi_bits)
{
	unsigned int k = (unsigned int)rng_range(lo_bits, hi_bits - 1);

	return rng_range(UINT64_C(1) << k, (UINT64_C(2) << k) - 1);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank, in integers: the smallest value with at least ppm / 10^6 of them <= it. */
static uint64_t
ref_percentile(const uint64_t *sorted, size_t n, uint32_t ppm)
{
	uint64_t rank = ((uint64_t)ppm * n + 999999) / 1000000;

	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

/* The documented bound: within 1/256 of the exact value. */
static int
within_bound(uint64_t got, uint64_t want)
{
	uint64_t diff = got > want ? got - want : want - got;

	return diff <= want / 256;
}

static struct ovl_histogram *
histogram_new(void)
{
	struct ovl_histogram *h = malloc(sizeof(*h));

	assert_non_null(h);
	ovl_histogram_init(h);
	return h;
}

/* p50 of {0, v, UINT64_MAX}: v's bucket midpoint, which clamping to [min, max] leaves alone. */
static uint64_t
bracketed(struct ovl_histogram *h, uint64_t v)
{
	ovl_histogram_init(h);
	ovl_histogram_record(h, 0);
	ovl_histogram_record(h, v);
	ovl_histogram_record(h, UINT64_MAX);
	return ovl_histogram_percentile(h, 50);
}

static void
test_index_layout(void **state)
{
	uint64_t v;
	unsigned int k;

	(void)state;
	for (v = 0; v < 256; v++)
		assert_int_equal(ovl_histogram_index(v), v);
	/* Consecutive: a value's bucket is its predecessor's or the next one. */
	for (v = 1; v < (1u << 22); v++) {
		unsigned int d = ovl_histogram_index(v) - ovl_histogram_index(v - 1);

		assert_true(d <= 1);
	}
	for (k = 8; k < OVL_HISTOGRAM_LIMIT_BITS; k++) {
		uint64_t p = UINT64_C(1) << k, w = p >> OVL_HISTOGRAM_SUB_BITS;

		assert_int_equal(ovl_histogram_index(p) - ovl_histogram_index(p - 1), 1);
		assert_int_equal(ovl_histogram_index(p + w - 1), ovl_histogram_index(p));
		assert_int_equal(ovl_histogram_index(p + w), ovl_histogram_index(p) + 1);
		assert_int_equal(ovl_histogram_index(2 * p - 1) - ovl_histogram_index(p), 127);
	}
	assert_int_equal(ovl_histogram_index(OVL_HISTOGRAM_LIMIT - 1), OVL_HISTOGRAM_BUCKETS - 1);
}

static void
test_exact_small(void **state)
{
	struct ovl_histogram *h = histogram_new();
	uint64_t v;

	(void)state;
	for (v = 0; v < 256; v++)
		assert_int_equal(bracketed(h, v), v);

	ovl_histogram_init(h);
	for (v = 0; v < 128; v++)
		ovl_histogram_record(h, v);
	for (v = 1; v <= 128; v++)
		assert_int_equal(ovl_histogram_percentile(h, ((double)v - 0.5) * 100 / 128), v - 1);
	free(h);
}

static void
check_one_value(struct ovl_histogram *h, uint64_t v)
{
	uint64_t got;

	ovl_histogram_init(h);
	ovl_histogram_record(h, v);
	assert_int_equal(ovl_histogram_percentile(h, 0), v);
	assert_int_equal(ovl_histogram_percentile(h, 50), v);
	assert_int_equal(ovl_histogram_percentile(h, 99.9), v);
	assert_int_equal(ovl_histogram_percentile(h, 100), v);

	got = bracketed(h, v);
	if (!within_bound(got, v))
		fail_msg("value %llu: got %llu", (unsigned long long)v, (unsigned long long)got);
	assert_true((got > v ? got - v : v - got) * 100 < v); /* under 1% */
}

static void
test_single_values(void **state)
{
	struct ovl_histogram *h = histogram_new();
	double v;
	int i;

	(void)state;
	for (v = 100; v <= 1e9; v *= 1.005)
		check_one_value(h, (uint64_t)v);
	for (v = 100; v <= (double)OVL_HISTOGRAM_LIMIT; v *= 1.1)
		check_one_value(h, (uint64_t)v);
	for (i = 0; i < 20000; i++)
		check_one_value(h, rng_range(100, 1000000000));
	for (i = 0; i < 20000; i++)
		check_one_value(h, rng_log(7, OVL_HISTOGRAM_LIMIT_BITS));
	check_one_value(h, OVL_HISTOGRAM_LIMIT - 1);
	check_one_value(h, UINT64_C(1) << 36);
	free(h);
}

/* Records values[0 .. n-1] and compares every checked percentile with the sorted values. */
static void
check_against_sorted(uint64_t *values, size_t n)
{
	struct ovl_histogram *h = histogram_new();
	uint64_t prev = 0;
	size_t i;

	for (i = 0; i < n; i++)
		ovl_histogram_record(h, values[i]);
	qsort(values, n, sizeof(values[0]), cmp_u64);

	assert_int_equal(h->count, n);
	assert_int_equal(h->min, values[0]);
	assert_int_equal(h->max, values[n - 1]);
	for (i = 0; i < sizeof(check_ppm) / sizeof(check_ppm[0]); i++) {
		uint64_t want = ref_percentile(values, n, check_ppm[i]);
		uint64_t got = ovl_histogram_percentile(h, check_ppm[i] / 10000.0);

		if (!within_bound(got, want))
			fail_msg("p%g: got %llu, want %llu", check_ppm[i] / 10000.0,
					(unsigned long long)got, (unsigned long long)want);
	}

	/* Ordered, from min to max. */
	assert_int_equal(ovl_histogram_percentile(h, 0), h->min);
	assert_int_equal(ovl_histogram_percentile(h, 100), h->max);
	for (i = 0; i <= 1000; i++) {
		uint64_t p = ovl_histogram_percentile(h, i / 10.0);

		assert_true(p >= prev);
		assert_true(p >= h->min && p <= h->max);
		prev = p;
	}
	assert_true(ovl_histogram_percentile(h, 50) <= ovl_histogram_percentile(h, 90));
	assert_true(ovl_histogram_percentile(h, 90) <= ovl_histogram_percentile(h, 99));
	assert_true(ovl_histogram_percentile(h, 99) <= ovl_histogram_percentile(h, 99.9));
	assert_true(ovl_histogram_percentile(h, 99.9) <= ovl_histogram_percentile(h, 100));
	free(h);
}

static void
test_uniform_sequence(void **state)
{
	struct ovl_histogram *h = histogram_new();
	uint64_t *values = malloc(1000000 * sizeof(*values));
	uint64_t p50, p99;
	size_t i;

	(void)state;
	assert_non_null(values);
	for (i = 0; i < 1000000; i++) {
		values[i] = i + 1;
		ovl_histogram_record(h, values[i]);
	}
	p50 = ovl_histogram_percentile(h, 50);
	p99 = ovl_histogram_percentile(h, 99);
	assert_true(p50 >= 495000 && p50 <= 505000);
	assert_true(p99 >= 980100 && p99 <= 999900);
	assert_true(within_bound(p50, 500000));
	assert_true(within_bound(p99, 990000));
	check_against_sorted(values, 1000000);
	free(values);
	free(h);
}

static void
test_distributions(void **state)
{
	uint64_t *values = malloc(N_SAMPLES * sizeof(*values));
	size_t i;

	(void)state;
	assert_non_null(values);

	for (i = 0; i < N_SAMPLES; i++)
		values[i] = rng_range(1, 1000000);
	check_against_sorted(values, N_SAMPLES);

	/* Bimodal: a fast path and a slow one (85% around 10 us, 15% around 2 ms). */
	for (i = 0; i < N_SAMPLES; i++)
		values[i] = rng() % 100 < 85 ? rng_range(9000, 11000) : rng_range(1900000, 2100000);
	check_against_sorted(values, N_SAMPLES);

	/* Log-uniform from 128 ns to 1 s and beyond. */
	for (i = 0; i < N_SAMPLES; i++)
		values[i] = rng_log(7, 31);
	check_against_sorted(values, N_SAMPLES);

	/* A long tail: 1% of the values a thousand times slower. */
	for (i = 0; i < N_SAMPLES; i++)
		values[i] = rng() % 1000 < 990 ? rng_range(20000, 25000) : rng_range(20000000, 50000000);
	check_against_sorted(values, N_SAMPLES);

	/* Tiny values, where buckets are exact. */
	for (i = 0; i < N_SAMPLES; i++)
		values[i] = rng_range(0, 300);
	check_against_sorted(values, N_SAMPLES);
	free(values);
}

static void
check_mean_var(const uint64_t *values, size_t n)
{
	struct ovl_histogram *h = histogram_new();
	long double sum = 0, dev = 0, mean, var;
	double sd;
	size_t i;

	for (i = 0; i < n; i++) {
		ovl_histogram_record(h, values[i]);
		sum += values[i];
	}
	mean = sum / n;
	for (i = 0; i < n; i++)
		dev += (values[i] - mean) * (values[i] - mean);
	var = dev / n;

	assert_true(ovl_histogram_mean(h) >= mean * (1 - 1e-12L));
	assert_true(ovl_histogram_mean(h) <= mean * (1 + 1e-12L));
	sd = ovl_histogram_stddev(h);
	if (var == 0) {
		assert_true(sd == 0);
	} else if (!(sd * sd >= var * (1 - 1e-9L) && sd * sd <= var * (1 + 1e-9L))) {
		fail_msg("variance %.17g, want %.17Lg", sd * sd, var);
	}
	free(h);
}

static void
test_mean_stddev(void **state)
{
	uint64_t *values = malloc(N_SAMPLES * sizeof(*values));
	size_t i;

	(void)state;
	assert_non_null(values);
	for (i = 0; i < N_SAMPLES; i++)
		values[i] = rng_range(1, 1000000);
	check_mean_var(values, N_SAMPLES);
	for (i = 0; i < N_SAMPLES; i++)
		values[i] = rng_log(0, OVL_HISTOGRAM_LIMIT_BITS);
	check_mean_var(values, N_SAMPLES);
	/* A small spread around a large mean: no cancellation. */
	for (i = 0; i < N_SAMPLES; i++)
		values[i] = 1000000000000ull + rng_range(0, 10);
	check_mean_var(values, N_SAMPLES);
	for (i = 0; i < N_SAMPLES; i++)
		values[i] = 123456789;
	check_mean_var(values, N_SAMPLES);
	values[0] = 5;
	check_mean_var(values, 1);
	values[1] = 7;
	check_mean_var(values, 2);
	free(values);
}

static void
assert_same(const struct ovl_histogram *a, const struct ovl_histogram *b)
{
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->min, b->min);
	assert_int_equal(a->max, b->max);
	assert_true(a->sum == b->sum);
	assert_true(a->sum_sq == b->sum_sq);
	assert_memory_equal(a->buckets, b->buckets, sizeof(a->buckets));
}

static void
test_merge(void **state)
{
	struct ovl_histogram *all = histogram_new(), *merged = histogram_new();
	struct ovl_histogram *part[3] = { histogram_new(), histogram_new(), histogram_new() };
	size_t i;

	(void)state;
	for (i = 0; i < N_SAMPLES; i++) {
		uint64_t v = rng_log(0, 34);

		ovl_histogram_record(all, v);
		ovl_histogram_record(part[rng() % 3], v);
	}
	ovl_histogram_record(all, UINT64_MAX);
	ovl_histogram_record(part[1], UINT64_MAX);
	for (i = 0; i < 3; i++)
		ovl_histogram_merge(merged, part[i]);
	assert_same(merged, all);
	assert_int_equal(ovl_histogram_percentile(merged, 99), ovl_histogram_percentile(all, 99));

	/* An empty histogram merges as nothing, both ways. */
	ovl_histogram_init(part[0]);
	ovl_histogram_merge(merged, part[0]);
	assert_same(merged, all);
	ovl_histogram_merge(part[0], all);
	assert_same(part[0], all);

	free(all);
	free(merged);
	for (i = 0; i < 3; i++)
		free(part[i]);
}

/* The last second's histogram: what a run's recorded since a copy equals a fresh one's. */
static void
test_since(void **state)
{
	struct ovl_histogram *run = histogram_new(), *before = histogram_new();
	struct ovl_histogram *second = histogram_new(), *out = histogram_new();
	size_t i;

	(void)state;
	for (i = 0; i < N_SAMPLES; i++)
		ovl_histogram_record(run, rng_log(0, 20));
	*before = *run;
	ovl_histogram_since(out, run, before);
	assert_int_equal(out->count, 0);
	for (i = 0; i < N_SAMPLES / 4; i++) {
		uint64_t v = rng_log(10, 30);

		ovl_histogram_record(run, v);
		ovl_histogram_record(second, v);
	}
	ovl_histogram_record(run, UINT64_C(1) << 35); /* a new maximum: exact */
	ovl_histogram_record(second, UINT64_C(1) << 35);
	ovl_histogram_since(out, run, before);
	assert_int_equal(out->count, second->count);
	assert_int_equal(out->max, second->max);
	assert_true(out->sum == second->sum);
	assert_true(out->sum_sq == second->sum_sq);
	assert_memory_equal(out->buckets, second->buckets, sizeof(out->buckets));
	assert_int_equal(ovl_histogram_percentile(out, 50), ovl_histogram_percentile(second, 50));
	assert_int_equal(ovl_histogram_percentile(out, 99), ovl_histogram_percentile(second, 99));
	/* The run's percentiles differ from the last second's: the reason to print both. */
	assert_true(ovl_histogram_percentile(run, 50) < ovl_histogram_percentile(out, 50));

	/* Started again (fewer values than the copy): all of it is new. */
	ovl_histogram_since(out, second, run);
	assert_same(out, second);

	free(run);
	free(before);
	free(second);
	free(out);
}

static void
test_empty(void **state)
{
	struct ovl_histogram *h = histogram_new(), *e = histogram_new();

	(void)state;
	assert_int_equal(h->count, 0);
	assert_int_equal(ovl_histogram_percentile(h, 0), 0);
	assert_int_equal(ovl_histogram_percentile(h, 50), 0);
	assert_int_equal(ovl_histogram_percentile(h, 100), 0);
	assert_true(ovl_histogram_mean(h) == 0);
	assert_true(ovl_histogram_stddev(h) == 0);
	ovl_histogram_merge(h, e);
	assert_int_equal(h->count, 0);
	assert_int_equal(ovl_histogram_percentile(h, 50), 0);

	/* Percentiles out of range go to the ends; NaN to min. */
	ovl_histogram_record(h, 1000);
	ovl_histogram_record(h, 2000);
	assert_int_equal(ovl_histogram_percentile(h, -5), 1000);
	assert_int_equal(ovl_histogram_percentile(h, 0.0 / 0.0), 1000);
	assert_int_equal(ovl_histogram_percentile(h, 1e-300), 1000);
	assert_int_equal(ovl_histogram_percentile(h, 250), 2000);
	free(h);
	free(e);
}

static void
test_huge(void **state)
{
	struct ovl_histogram *h = histogram_new();
	const uint64_t top = OVL_HISTOGRAM_LIMIT - 1;
	uint64_t p;
	int i;

	(void)state;
	ovl_histogram_record(h, 1000);
	ovl_histogram_record(h, top);
	ovl_histogram_record(h, OVL_HISTOGRAM_LIMIT);
	ovl_histogram_record(h, UINT64_C(1) << 63);
	ovl_histogram_record(h, UINT64_MAX);
	assert_int_equal(h->count, 5);
	assert_int_equal(h->min, 1000);
	assert_int_equal(h->max, UINT64_MAX);
	assert_int_equal(h->buckets[OVL_HISTOGRAM_BUCKETS - 1], 4);
	assert_int_equal(ovl_histogram_percentile(h, 0), 1000);
	assert_int_equal(ovl_histogram_percentile(h, 100), UINT64_MAX);
	p = ovl_histogram_percentile(h, 50);
	assert_true(p >= OVL_HISTOGRAM_LIMIT - (OVL_HISTOGRAM_LIMIT >> 8) && p <= top);
	assert_true(ovl_histogram_mean(h) == (double)(1000 + 4 * top) / 5);

	/* Values above the range enter the sums clamped: no overflow, however many. */
	ovl_histogram_init(h);
	for (i = 0; i < 100000; i++)
		ovl_histogram_record(h, UINT64_MAX);
	assert_true(ovl_histogram_mean(h) == (double)top);
	assert_true(ovl_histogram_stddev(h) == 0);
	assert_int_equal(ovl_histogram_percentile(h, 50), UINT64_MAX);
	free(h);
}

/* Counting a range is exact on bucket edges and widens by at most a bucket inside them. */
static void
test_count_range(void **state)
{
	static struct ovl_histogram h;
	uint64_t v;

	(void)state;
	ovl_histogram_init(&h);
	assert_int_equal(ovl_histogram_count_range(&h, 0, UINT64_MAX), 0);
	for (v = 0; v < 20000; v++)
		ovl_histogram_record(&h, v);
	assert_int_equal(ovl_histogram_count_range(&h, 0, UINT64_MAX), 20000);
	assert_int_equal(ovl_histogram_count_range(&h, 100, 199), 100);     /* exact below 256 */
	assert_int_equal(ovl_histogram_count_range(&h, 300, 200), 0);       /* empty range */
	v = ovl_histogram_count_range(&h, 9000, 11000);
	assert_true(v >= 2001 && v <= 2001 + 2 * (11000 >> 7));
	ovl_histogram_record(&h, UINT64_MAX);
	assert_int_equal(ovl_histogram_count_range(&h, OVL_HISTOGRAM_LIMIT, UINT64_MAX), 1);
}

/* Zeros recorded at once leave the histogram as recording them one by one does. */
static void
test_record_zeros(void **state)
{
	static struct ovl_histogram a, b;
	unsigned int i;

	(void)state;
	ovl_histogram_init(&a);
	ovl_histogram_init(&b);
	ovl_histogram_record_zeros(&a, 0);
	assert_memory_equal(&a, &b, sizeof(a));
	ovl_histogram_record(&a, 1500);
	ovl_histogram_record(&b, 1500);
	ovl_histogram_record_zeros(&a, 31);
	for (i = 0; i < 31; i++)
		ovl_histogram_record(&b, 0);
	ovl_histogram_record(&a, 700);
	ovl_histogram_record(&b, 700);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(ovl_histogram_percentile(&a, 50), 0);
	assert_int_equal(a.min, 0);
	assert_int_equal(a.max, 1500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_layout),
		cmocka_unit_test(test_exact_small),
		cmocka_unit_test(test_single_values),
		cmocka_unit_test(test_uniform_sequence),
		cmocka_unit_test(test_distributions),
		cmocka_unit_test(test_mean_stddev),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_since),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_count_range),
		cmocka_unit_test(test_record_zeros),
	};

	return cmocka_run_group_tests_name("histogram", tests, NULL, NULL);
}
