/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC clock's conversion to TSC cycles (lib/nic_clock.c), on made-up clocks whose true
 * relation is known: a NIC clock with its own rate and offset, read at a known TSC instant
 * inside a bracket of random width, some reads preempted. Every conversion is compared with the
 * truth, and the error with the fit's own budget (read + residual).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nic_clock.h"
#include "testrand.h"

/* The truth: the TSC reads tsc0 + slope * (nic - nic0) when the NIC clock reads nic. */
struct clocks {
	double slope;     /* TSC cycles per NIC tick */
	uint64_t nic0, tsc0;
	double step;      /* added to the TSC, from a NIC tick on (a clock adjusted under us) */
	uint64_t step_from;
};

static double
true_tsc(const struct clocks *c, uint64_t nic)
{
	double t = (double)c->tsc0 + c->slope * (double)(int64_t)(nic - c->nic0);

	return nic >= c->step_from ? t + c->step : t;
}

/*
 * n readings of the NIC clock from nic_start, span NIC ticks apart in all, each bracketed by TSC
 * readings lo..hi cycles before and after it; every preempt-th one (0: none) waited 200000
 * cycles after its NIC read, as if the thread had been preempted there.
 */
static void
readings(const struct clocks *c, struct ovl_clock_pair *p, unsigned int n, uint64_t nic_start,
		uint64_t span, uint32_t lo, uint32_t hi, unsigned int preempt)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t nic = nic_start + span * i / (n > 1 ? n - 1 : 1) + rng_below(50);
		uint64_t t = (uint64_t)llround(true_tsc(c, nic));

		p[i].nic = nic;
		p[i].tsc_before = t - (hi > lo ? lo + rng_below(hi - lo) : lo);
		p[i].tsc_after = t + (hi > lo ? lo + rng_below(hi - lo) : lo);
		if (preempt && i % preempt == preempt - 1)
			p[i].tsc_after = t + 200000;
	}
}

/* The largest |converted - true| over count NIC readings spread over [from, to]. */
static double
worst_error(const struct ovl_nic_fit *fit, const struct clocks *c, uint64_t from, uint64_t to,
		unsigned int count)
{
	double worst = 0;
	unsigned int i;

	for (i = 0; i <= count; i++) {
		uint64_t nic = from + (to - from) / count * i;
		double e = fabs((double)ovl_nic_to_tsc(fit, nic) - true_tsc(c, nic));

		if (e > worst)
			worst = e;
	}
	return worst;
}

/* 2.5 GHz TSC, 1 GHz NIC clock, readings in zero time: the line is exact to a cycle. */
static void
test_exact(void **state)
{
	struct clocks c = { .slope = 2.5, .nic0 = 1000000, .tsc0 = 987654321000ull,
		.step_from = UINT64_MAX };
	struct ovl_clock_pair p[16];
	struct ovl_nic_fit fit;

	(void)state;
	rng_state = 1;
	readings(&c, p, 16, 5000000, 20000000, 0, 0, 0);
	assert_int_equal(ovl_nic_fit(p, 16, &fit), 0);
	assert_int_equal(fit.n_used, 16);
	assert_true(fabs(fit.slope - 2.5) < 1e-9);
	assert_true(fit.read_cycles == 0);
	assert_true(fit.residual_cycles <= 1);
	assert_true(worst_error(&fit, &c, 5000000, 25000000, 1000) <= 1.5);
	assert_true(fabs(ovl_nic_fit_hz(&fit, 2500000000ull) - 1e9) < 1);
}

/*
 * A 2.1 GHz TSC and a 1 GHz NIC clock running 37 ppm fast, 64 readings over 50 ms, each taking
 * 20..300 cycles: within the readings' span the conversion stays inside the fit's budget,
 * which is itself no bigger than the reads' jitter.
 */
static void
test_skew_jitter(void **state)
{
	const double nic_hz = 1e9 * (1 + 37e-6), tsc_hz = 2.1e9;
	struct clocks c = { .slope = tsc_hz / nic_hz, .nic0 = 77777777777ull,
		.tsc0 = 123456789012345ull, .step_from = UINT64_MAX };
	struct ovl_clock_pair p[64];
	struct ovl_nic_fit fit;
	double budget, err;

	(void)state;
	rng_state = 2;
	readings(&c, p, 64, 80000000000ull, 50000000, 20, 300, 0);
	assert_int_equal(ovl_nic_fit(p, 64, &fit), 0);
	assert_in_range(fit.n_used, 32, 64);
	budget = fit.read_cycles + fit.residual_cycles;
	err = worst_error(&fit, &c, p[0].nic, p[63].nic, 5000);
	assert_true(err <= budget);
	assert_true(fit.read_cycles <= 300);
	assert_true(budget < 600);
	/* 50 ms against 300 cycles of jitter pins the rate to a few ppm. */
	assert_true(fabs(fit.slope / c.slope - 1) < 5e-6);
	assert_true(fabs(ovl_nic_fit_hz(&fit, (uint64_t)tsc_hz) / nic_hz - 1) < 5e-6);
}

/* A fifth of the reads preempted for 200000 cycles: left out, and the line does not move. */
static void
test_preempted_reads(void **state)
{
	struct clocks c = { .slope = 3.0, .nic0 = 0, .tsc0 = 5000000000ull, .step_from = UINT64_MAX };
	struct ovl_clock_pair p[100];
	struct ovl_nic_fit fit;
	unsigned int i, wide = 0;

	(void)state;
	rng_state = 3;
	readings(&c, p, 100, 1000000, 30000000, 30, 120, 5);
	for (i = 0; i < 100; i++)
		wide += p[i].tsc_after - p[i].tsc_before > 100000;
	assert_int_equal(wide, 20);
	assert_int_equal(ovl_nic_fit(p, 100, &fit), 0);
	assert_true(fit.n_used <= 80 && fit.n_used >= 50);
	assert_true(fit.read_cycles < 120);
	assert_true(worst_error(&fit, &c, p[0].nic, p[99].nic, 2000) <=
			fit.read_cycles + fit.residual_cycles);
	assert_true(fit.read_cycles + fit.residual_cycles < 250);
}

/*
 * Readings taken after the fit: from the same clocks they deviate no more than the budgets of
 * both; after the NIC clock was stepped 5000 cycles, the deviation finds the step.
 */
static void
test_deviation_finds_drift(void **state)
{
	struct clocks c = { .slope = 2.5, .nic0 = 0, .tsc0 = 1000000, .step_from = UINT64_MAX };
	struct ovl_clock_pair start[32], later[32];
	struct ovl_nic_fit fit, fit_later;
	double same, stepped, slack;

	(void)state;
	rng_state = 4;
	readings(&c, start, 32, 1000000, 40000000, 20, 200, 0);
	assert_int_equal(ovl_nic_fit(start, 32, &fit), 0);
	readings(&c, later, 32, 2000000, 30000000, 20, 200, 0);
	assert_int_equal(ovl_nic_fit(later, 32, &fit_later), 0);
	same = ovl_nic_fit_deviation(&fit, later, 32);
	slack = fit.read_cycles + fit.residual_cycles + fit_later.read_cycles;
	assert_true(same <= slack);
	c.step = 5000;
	c.step_from = 0;
	readings(&c, later, 32, 2000000, 30000000, 20, 200, 0);
	stepped = ovl_nic_fit_deviation(&fit, later, 32);
	assert_true(stepped >= 5000 - slack && stepped <= 5000 + slack);
	/* Wide (preempted) readings are no evidence of drift. */
	c.step = 0;
	readings(&c, later, 32, 2000000, 30000000, 20, 200, 4);
	assert_true(ovl_nic_fit_deviation(&fit, later, 32) <= slack);
	assert_true(ovl_nic_fit_deviation(&fit, later, 0) == 0);
}

/*
 * A line through two clusters of readings 10 s apart (a calibration refreshed during a run)
 * extrapolates one more second within a few hundred cycles; one through a single 10 ms
 * cluster does not, which is why the run refreshes it.
 */
static void
test_long_baseline_extrapolates(void **state)
{
	const double nic_hz = 1e9 * (1 - 12e-6), tsc_hz = 2.4e9;
	struct clocks c = { .slope = tsc_hz / nic_hz, .nic0 = 0, .tsc0 = 10000000000ull,
		.step_from = UINT64_MAX };
	struct ovl_clock_pair p[32];
	struct ovl_nic_fit two, one;
	double err_two, err_one;

	(void)state;
	rng_state = 5;
	readings(&c, p, 16, 1000000000ull, 10000000, 20, 400, 0);
	readings(&c, p + 16, 16, 11000000000ull, 10000000, 20, 400, 0);
	assert_int_equal(ovl_nic_fit(p, 32, &two), 0);
	assert_int_equal(ovl_nic_fit(p, 16, &one), 0);
	err_two = fabs((double)ovl_nic_to_tsc(&two, 12000000000ull) - true_tsc(&c, 12000000000ull));
	err_one = fabs((double)ovl_nic_to_tsc(&one, 12000000000ull) - true_tsc(&c, 12000000000ull));
	assert_true(err_two <= two.read_cycles + two.residual_cycles + 100);
	assert_true(err_one > err_two);
}

/* A reading from before the fit's reference point converts to an earlier TSC. */
static void
test_before_reference(void **state)
{
	struct clocks c = { .slope = 0.5, .nic0 = 3000000000ull, .tsc0 = 400000000ull,
		.step_from = UINT64_MAX };
	struct ovl_clock_pair p[8];
	struct ovl_nic_fit fit;

	(void)state;
	rng_state = 6;
	readings(&c, p, 8, 4000000000ull, 100000000, 0, 0, 0);
	assert_int_equal(ovl_nic_fit(p, 8, &fit), 0);
	assert_true(fit.nic0 >= 4000000000ull);
	assert_true(fabs((double)ovl_nic_to_tsc(&fit, 3500000000ull) - true_tsc(&c, 3500000000ull)) <= 1);
	assert_true(ovl_nic_to_tsc(&fit, 3500000000ull) < fit.tsc0);
}

/* Readings that give no line are refused. */
static void
test_no_line(void **state)
{
	static struct ovl_clock_pair many[OVL_NIC_FIT_MAX + 1];
	struct ovl_clock_pair p[4] = {
		{ 100, 5000, 110 }, { 200, 5000, 210 }, { 300, 5000, 310 }, { 400, 5000, 410 },
	};
	struct ovl_nic_fit fit;

	(void)state;
	assert_int_equal(ovl_nic_fit(p, 1, &fit), -EINVAL);
	assert_int_equal(ovl_nic_fit(p, 4, &fit), -EINVAL);          /* the NIC clock stood still */
	p[1].nic = 4000, p[2].nic = 3000, p[3].nic = 2000;
	assert_int_equal(ovl_nic_fit(p, 4, &fit), -EINVAL);          /* it ran backwards */
	assert_int_equal(ovl_nic_fit(many, OVL_NIC_FIT_MAX + 1, &fit), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_skew_jitter),
		cmocka_unit_test(test_preempted_reads),
		cmocka_unit_test(test_deviation_finds_drift),
		cmocka_unit_test(test_long_baseline_extrapolates),
		cmocka_unit_test(test_before_reference),
		cmocka_unit_test(test_no_line),
	};

	return cmocka_run_group_tests_name("nic_clock", tests, NULL, NULL);
}
