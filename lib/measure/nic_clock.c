/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "nic_clock.h"

static uint64_t
width(const struct ovl_clock_pair *p)
{
	return p->tsc_after - p->tsc_before;
}

/* The TSC at which the NIC clock was most likely read: the middle of its bracket. */
static uint64_t
midpoint(const struct ovl_clock_pair *p)
{
	return p->tsc_before + width(p) / 2;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median bracket width (n is 1..OVL_NIC_FIT_MAX): pairs no wider than it are kept. */
static uint64_t
median_width(const struct ovl_clock_pair *pairs, unsigned int n)
{
	uint64_t w[OVL_NIC_FIT_MAX];
	unsigned int i;

	for (i = 0; i < n; i++)
		w[i] = width(&pairs[i]);
	qsort(w, n, sizeof(w[0]), cmp_u64);
	return w[(n - 1) / 2];
}

static int
kept(const struct ovl_clock_pair *p, uint64_t limit)
{
	return p->tsc_after >= p->tsc_before && width(p) <= limit;
}

int
ovl_nic_fit(const struct ovl_clock_pair *pairs, unsigned int n, struct ovl_nic_fit *fit)
{
	uint64_t limit, nic_ref = 0, tsc_ref = 0, widest = 0;
	double sx = 0, sy = 0, sxx = 0, sxy = 0, mx, my, slope;
	unsigned int i, used = 0;
	int have_ref = 0;

	if (n < 2 || n > OVL_NIC_FIT_MAX)
		return -EINVAL;
	limit = median_width(pairs, n);
	/* Differences from the first kept pair are exact in a double; absolute readings are not. */
	for (i = 0; i < n; i++) {
		double x, y;

		if (!kept(&pairs[i], limit))
			continue;
		if (!have_ref) {
			nic_ref = pairs[i].nic;
			tsc_ref = midpoint(&pairs[i]);
			have_ref = 1;
		}
		x = (double)(int64_t)(pairs[i].nic - nic_ref);
		y = (double)(int64_t)(midpoint(&pairs[i]) - tsc_ref);
		sx += x;
		sy += y;
		used++;
		if (width(&pairs[i]) > widest)
			widest = width(&pairs[i]);
	}
	if (used < 2)
		return -EINVAL;
	mx = sx / used;
	my = sy / used;
	for (i = 0; i < n; i++) {
		double x, y;

		if (!kept(&pairs[i], limit))
			continue;
		x = (double)(int64_t)(pairs[i].nic - nic_ref) - mx;
		y = (double)(int64_t)(midpoint(&pairs[i]) - tsc_ref) - my;
		sxx += x * x;
		sxy += x * y;
	}
	if (sxx <= 0)
		return -EINVAL;
	slope = sxy / sxx;
	/* A 2^32 ratio either way is no NIC clock: a counter that stood still, or ran backwards. */
	if (!(slope > 1.0 / 4294967296.0 && slope < 4294967296.0))
		return -EINVAL;
	fit->slope = slope;
	fit->mult = (uint64_t)llround(slope * 4294967296.0);
	fit->nic0 = nic_ref;
	fit->tsc0 = tsc_ref + (uint64_t)(int64_t)llround(my - slope * mx);
	fit->n_used = used;
	fit->read_cycles = (double)widest / 2;
	/* Residuals through the fixed-point conversion the packets will get, not the double. */
	fit->residual_cycles = ovl_nic_fit_deviation(fit, pairs, n);
	return 0;
}

double
ovl_nic_fit_deviation(const struct ovl_nic_fit *fit, const struct ovl_clock_pair *pairs,
		unsigned int n)
{
	double worst = 0;
	uint64_t limit;
	unsigned int i;

	if (n == 0 || n > OVL_NIC_FIT_MAX)
		return 0;
	limit = median_width(pairs, n);
	for (i = 0; i < n; i++) {
		double d;

		if (!kept(&pairs[i], limit))
			continue;
		d = fabs((double)(int64_t)(ovl_nic_to_tsc(fit, pairs[i].nic) - midpoint(&pairs[i])));
		if (d > worst)
			worst = d;
	}
	return worst;
}
