/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Round-trip latency histogram: log-linear buckets of nanosecond values, fixed size, no
 * allocation, so that one can be embedded per stream per lcore and merged for results.
 *
 * Buckets. Values below 256 have a bucket each. Above, every power of two [2^k, 2^(k+1)),
 * 8 <= k < 40, is cut into 128 buckets of width 2^(k-7). A bucket is never wider than 1/128
 * of its lowest value.
 *
 * Percentiles. ovl_histogram_percentile() returns the midpoint (low + width / 2) of the
 * bucket holding the value of the requested rank, clamped to [min, max]. For values below
 * OVL_HISTOGRAM_LIMIT (2^40 ns, about 18 minutes) it is within 1/256 (0.39%) of the exact
 * order statistic, and exact below 256 ns. Larger values are counted in the top bucket (their
 * percentiles are not bounded) but min and max stay exact.
 *
 * Mean and stddev come from exact integer sums of the values and of their squares; values of
 * OVL_HISTOGRAM_LIMIT or more enter those sums as OVL_HISTOGRAM_LIMIT - 1. The sums cannot
 * overflow before count reaches 2^48, even if every value is that large.
 *
 * sizeof(struct ovl_histogram) is 34,880 bytes. Recording touches the 56-byte header and one
 * bucket; it has no division and no floating point.
 */
#ifndef OVL_HISTOGRAM_H
#define OVL_HISTOGRAM_H

#include <assert.h>
#include <stdint.h>

#define OVL_HISTOGRAM_SUB_BITS 7 /* 128 buckets per power of two */
#define OVL_HISTOGRAM_LIMIT_BITS 40
#define OVL_HISTOGRAM_LIMIT (UINT64_C(1) << OVL_HISTOGRAM_LIMIT_BITS)
#define OVL_HISTOGRAM_BUCKETS \
	((OVL_HISTOGRAM_LIMIT_BITS - OVL_HISTOGRAM_SUB_BITS + 1) << OVL_HISTOGRAM_SUB_BITS)

struct ovl_histogram {
	unsigned __int128 sum;    /* of values, each at most OVL_HISTOGRAM_LIMIT - 1 */
	unsigned __int128 sum_sq; /* of their squares */
	uint64_t count;
	uint64_t min;             /* exact; UINT64_MAX while count is 0 */
	uint64_t max;             /* exact; 0 while count is 0 */
	uint64_t buckets[OVL_HISTOGRAM_BUCKETS];
};

static_assert(sizeof(struct ovl_histogram) == 34880, "the size documented above");

/*
 * The bucket of a value below OVL_HISTOGRAM_LIMIT. With s = (msb of (ns | 255)) - 7, the value
 * shifted right by s lies in [128, 256) (or [0, 256) when s is 0), and s * 128 + (ns >> s) runs
 * through consecutive indexes as ns grows.
 */
static inline unsigned int
ovl_histogram_index(uint64_t ns)
{
	unsigned int shift = 63 - __builtin_clzll(ns | ((2u << OVL_HISTOGRAM_SUB_BITS) - 1)) -
			OVL_HISTOGRAM_SUB_BITS;

	return (shift << OVL_HISTOGRAM_SUB_BITS) + (unsigned int)(ns >> shift);
}

void ovl_histogram_init(struct ovl_histogram *h);

/* The inverse of ovl_histogram_index: bucket i holds the values [low, low + width). */
void ovl_histogram_bucket(unsigned int i, uint64_t *low, uint64_t *width);

/*
 * How many values lie in [lo, hi], at bucket granularity: the buckets of lo and hi count whole,
 * so the range is widened by at most one bucket width (under 0.8%) at each end.
 */
uint64_t ovl_histogram_count_range(const struct ovl_histogram *h, uint64_t lo, uint64_t hi);

static inline void
ovl_histogram_record(struct ovl_histogram *h, uint64_t ns)
{
	uint64_t v = ns < OVL_HISTOGRAM_LIMIT ? ns : OVL_HISTOGRAM_LIMIT - 1;

	h->count++;
	h->sum += v;
	h->sum_sq += (unsigned __int128)v * v;
	h->min = ns < h->min ? ns : h->min;
	h->max = ns > h->max ? ns : h->max;
	h->buckets[ovl_histogram_index(v)]++;
}

/* n values of zero at once, as n ovl_histogram_record(h, 0) would: frames of one burst. */
static inline void
ovl_histogram_record_zeros(struct ovl_histogram *h, uint64_t n)
{
	if (n == 0)
		return;
	h->count += n;
	h->min = 0;
	h->buckets[0] += n;
}

/* Adds src's values to dst's, as if they had been recorded into dst. */
void ovl_histogram_merge(struct ovl_histogram *dst, const struct ovl_histogram *src);

/*
 * What was recorded into now since it was copied as before (a snapshot's difference, for the
 * last second's percentiles): buckets, count and sums subtracted; the extremes exact where now
 * has a new one, else their bucket's midpoint. A now with fewer values than before (started
 * again) is all new.
 */
void ovl_histogram_since(struct ovl_histogram *out, const struct ovl_histogram *now,
		const struct ovl_histogram *before);

/*
 * The value at percentile pct (0 to 100): the one of nearest rank ceil(pct / 100 * count),
 * approximated as described above; the first rank is min and the last max, exactly. pct 0
 * (or less, or NaN) returns min, 100 (or more) max. Returns 0 for an empty histogram.
 */
uint64_t ovl_histogram_percentile(const struct ovl_histogram *h, double pct);

/* The arithmetic mean; 0 for an empty histogram. */
double ovl_histogram_mean(const struct ovl_histogram *h);

/* The population standard deviation (divides by count); 0 for an empty histogram. */
double ovl_histogram_stddev(const struct ovl_histogram *h);

#endif
