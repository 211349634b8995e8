/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Software pacing against the TSC. The deadline of every burst is computed from the start and
 * the count sent so far (start + sent * hz / rate), never by adding a rounded period, so the
 * achieved rate does not drift however long the run.
 */
#ifndef OVL_PACER_H
#define OVL_PACER_H

#include <stdint.h>

struct ovl_pacer {
	uint64_t start;    /* TSC of the first departure */
	uint64_t sent;     /* packets since start */
	uint64_t next;     /* TSC at which the next burst is due */
	uint64_t hz;       /* TSC frequency */
	uint64_t rate;     /* packets per second; 0: unlimited */
	uint64_t late_max; /* how far behind it may fall before giving up on catching up */
	uint64_t given_up; /* TSC cycles of the schedule given up after stalls */
};

static inline void
ovl_pacer_init(struct ovl_pacer *p, uint64_t rate_pps, uint64_t hz, uint64_t now)
{
	p->start = now;
	p->sent = 0;
	p->next = now;
	p->hz = hz;
	p->rate = rate_pps;
	p->late_max = hz / 100; /* 10 ms */
	p->given_up = 0;
}

/* True when the next burst may leave at now. */
static inline int
ovl_pacer_due(const struct ovl_pacer *p, uint64_t now)
{
	return now >= p->next;
}

/* Records n departures and computes the next deadline. */
static inline void
ovl_pacer_sent(struct ovl_pacer *p, uint32_t n, uint64_t now)
{
	if (p->rate == 0)
		return;
	p->sent += n;
	p->next = p->start + (uint64_t)((unsigned __int128)p->sent * p->hz / p->rate);
	/*
	 * After a stall (preemption, a full queue) catch up at most late_max worth of packets
	 * back to back; the rest of the gap is given up, and shows as a lower achieved rate.
	 */
	if (now > p->next + p->late_max) {
		uint64_t skip = now - p->late_max - p->next;

		p->start += skip;
		p->next += skip;
		p->given_up += skip;
	}
}

/*
 * How many packets are due at now: those whose deadlines (start + k * hz / rate) have passed,
 * at least 1 and at most max. A sender that sends them all in one burst keeps the rate even
 * when each burst costs more than the gap between packets: the bursts grow instead.
 */
static inline uint32_t
ovl_pacer_owed(const struct ovl_pacer *p, uint64_t now, uint32_t max)
{
	uint64_t due;

	if (p->rate == 0 || now < p->start)
		return max;
	due = (uint64_t)((unsigned __int128)(now - p->start) * p->rate / p->hz) + 1;
	if (due <= p->sent)
		return 1;
	due -= p->sent;
	return due > max ? max : (uint32_t)due;
}

/* How many packets one deadline releases, so that bursts stay well under a microsecond apart. */
static inline uint32_t
ovl_pacer_burst(uint64_t rate_pps, uint32_t max_burst)
{
	uint64_t b;

	if (rate_pps == 0)
		return max_burst;
	b = rate_pps / 2000000 + 1;
	return b > max_burst ? max_burst : (uint32_t)b;
}

#endif
