/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A NIC's clock against the TSC. Hardware RX timestamps count the NIC's clock while transmit
 * timestamps are TSC readings, so a round trip needs one converted to the other: a straight
 * line fitted by least squares through pairs of readings (TSC before, NIC clock, TSC after).
 *
 * How far the line can be trusted (the error budget) has three parts: when within its
 * bracket the NIC clock was read (half the widest bracket kept), how far the kept pairs lie
 * from the line (largest residual), and how far later readings have wandered from it (drift,
 * measured by ovl_nic_fit_deviation on pairs read after the fit).
 *
 * Pure arithmetic: no EAL, so the unit tests feed it made-up clocks.
 */
#ifndef OVL_NIC_CLOCK_H
#define OVL_NIC_CLOCK_H

#include <stdint.h>

/* One reading of the NIC clock, bracketed by two TSC readings. */
struct ovl_clock_pair {
	uint64_t tsc_before;
	uint64_t nic;
	uint64_t tsc_after;
};

struct ovl_nic_fit {
	uint64_t nic0, tsc0;     /* a point on the line */
	uint64_t mult;           /* TSC cycles per NIC tick, 32.32 fixed point */
	double slope;            /* the same, as a double */
	double read_cycles;      /* half the widest bracket among the pairs kept */
	double residual_cycles;  /* the largest distance of a kept pair from the line */
	unsigned int n_used;     /* pairs kept: the others took long to read (preempted) */
};

#define OVL_NIC_FIT_MAX 1024 /* most pairs one fit takes */

/*
 * Fits the line through the faster half of the pairs (those whose bracket is no wider than
 * the median): a reading that was preempted has a wide bracket and would pull the line.
 * Returns 0, or -EINVAL when the pairs cannot give a line: fewer than two kept, all at one NIC
 * reading, more than OVL_NIC_FIT_MAX, or a clock that does not advance with the TSC.
 */
int ovl_nic_fit(const struct ovl_clock_pair *pairs, unsigned int n, struct ovl_nic_fit *fit);

/*
 * The largest distance, in TSC cycles, between the line and the midpoints of the faster half
 * of pairs (read later, or elsewhere): how far the clocks drifted apart since the fit.
 */
double ovl_nic_fit_deviation(const struct ovl_nic_fit *fit, const struct ovl_clock_pair *pairs,
		unsigned int n);

/* The NIC clock's frequency implied by the fit, for a TSC of tsc_hz. */
static inline double
ovl_nic_fit_hz(const struct ovl_nic_fit *fit, uint64_t tsc_hz)
{
	return (double)tsc_hz / fit->slope;
}

/* A NIC clock reading as a TSC reading: one multiplication, for the per-packet path. */
static inline uint64_t
ovl_nic_to_tsc(const struct ovl_nic_fit *fit, uint64_t nic)
{
	/* Signed: packets stamped before nic0 (a refit's point) land before tsc0. */
	__int128 d = (__int128)(int64_t)(nic - fit->nic0) * (__int128)fit->mult;

	return fit->tsc0 + (uint64_t)(int64_t)(d / ((__int128)1 << 32));
}

#endif
