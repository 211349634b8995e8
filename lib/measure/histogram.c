/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "histogram.h"

void
ovl_histogram_init(struct ovl_histogram *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void
ovl_histogram_merge(struct ovl_histogram *dst, const struct ovl_histogram *src)
{
	unsigned int i;

	dst->count += src->count;
	dst->sum += src->sum;
	dst->sum_sq += src->sum_sq;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	for (i = 0; i < OVL_HISTOGRAM_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

void
ovl_histogram_bucket(unsigned int i, uint64_t *low, uint64_t *width)
{
	unsigned int shift = i >> OVL_HISTOGRAM_SUB_BITS;

	if (shift <= 1) {
		*low = i; /* below 256: one value per bucket */
		*width = 1;
		return;
	}
	shift--;
	*low = (uint64_t)(i - (shift << OVL_HISTOGRAM_SUB_BITS)) << shift;
	*width = UINT64_C(1) << shift;
}

/* The midpoint of bucket i: its one value, or low + width / 2. */
static uint64_t
bucket_mid(unsigned int i)
{
	uint64_t low, width;

	ovl_histogram_bucket(i, &low, &width);
	return low + width / 2;
}

void
ovl_histogram_since(struct ovl_histogram *out, const struct ovl_histogram *now,
		const struct ovl_histogram *before)
{
	unsigned int i, first = OVL_HISTOGRAM_BUCKETS, last = 0;

	if (now->count < before->count) {
		*out = *now; /* restarted (the warm-up's end): all of now is new */
		return;
	}
	ovl_histogram_init(out);
	for (i = 0; i < OVL_HISTOGRAM_BUCKETS; i++) {
		if (now->buckets[i] <= before->buckets[i])
			continue;
		out->buckets[i] = now->buckets[i] - before->buckets[i];
		out->count += out->buckets[i];
		first = i < first ? i : first;
		last = i;
	}
	if (out->count == 0)
		return;
	out->sum = now->sum > before->sum ? now->sum - before->sum : 0;
	out->sum_sq = now->sum_sq > before->sum_sq ? now->sum_sq - before->sum_sq : 0;
	/* A new extreme is exact; otherwise the extreme bucket's midpoint. */
	out->min = now->min < before->min ? now->min : bucket_mid(first);
	out->max = now->max > before->max ? now->max : bucket_mid(last);
}

uint64_t
ovl_histogram_percentile(const struct ovl_histogram *h, double pct)
{
	uint64_t rank, seen = 0, v;
	double want;
	unsigned int i;

	if (h->count == 0)
		return 0;
	if (!(pct > 0))
		return h->min;
	if (pct >= 100)
		return h->max;

	/*
	 * ceil(pct / 100 * count) in integers, pct to 1e-6: in doubles 99.9 / 100 * 60000 is
	 * 59940.00000000001, whose ceiling is one rank too far.
	 */
	want = pct * 1e6 + 0.5;
	rank = (uint64_t)(((unsigned __int128)(uint64_t)want * h->count + 100000000 - 1) / 100000000);
	if (rank <= 1)
		return h->min;
	if (rank >= h->count)
		return h->max;

	for (i = 0; i < OVL_HISTOGRAM_BUCKETS - 1; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	v = bucket_mid(i);
	if (v < h->min)
		return h->min;
	if (v > h->max)
		return h->max;
	return v;
}

double
ovl_histogram_mean(const struct ovl_histogram *h)
{
	if (h->count == 0)
		return 0;
	return (double)h->sum / (double)h->count;
}

/*
 * Newton's iteration from above, which decreases until it reaches the root. The library is
 * not linked with libm (DPDK's pkg-config does not bring it), and this is not a hot path.
 */
static double
square_root(double v)
{
	double y = v > 1 ? v : 1, next;

	if (!(v > 0))
		return 0;
	for (;;) {
		next = (y + v / y) / 2;
		if (next >= y)
			return y;
		y = next;
	}
}

/*
 * With q and r the integer quotient and remainder of sum / count, the sum of squared
 * deviations from q, sum_sq - q * (sum + r), is exact in 128 bits and no larger than sum_sq;
 * the deviations from the mean are those minus r^2 / count. Going through q avoids the
 * cancellation of sum_sq / count - mean^2 when the spread is small next to the mean.
 */
double
ovl_histogram_stddev(const struct ovl_histogram *h)
{
	unsigned __int128 q, r, dev_q;
	double n = (double)h->count, var;

	if (h->count == 0)
		return 0;
	q = h->sum / h->count;
	r = h->sum - q * h->count;
	dev_q = h->sum_sq - q * (h->sum + r);
	var = ((double)dev_q - (double)r * (double)r / n) / n;
	return square_root(var);
}

uint64_t
ovl_histogram_count_range(const struct ovl_histogram *h, uint64_t lo, uint64_t hi)
{
	unsigned int i, first, last;
	uint64_t n = 0;

	if (h->count == 0 || lo > hi)
		return 0;
	first = ovl_histogram_index(lo < OVL_HISTOGRAM_LIMIT ? lo : OVL_HISTOGRAM_LIMIT - 1);
	last = ovl_histogram_index(hi < OVL_HISTOGRAM_LIMIT ? hi : OVL_HISTOGRAM_LIMIT - 1);
	for (i = first; i <= last; i++)
		n += h->buckets[i];
	return n;
}
