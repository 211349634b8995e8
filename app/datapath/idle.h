/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --idle-sleep: a worker that found nothing to do (no frame received, nothing due to send) for
 * IDLE_POLLS polls in a row sleeps a few microseconds, so that several pollers can share a CPU
 * (a soak with more pollers than CPUs, a shared machine) without the kernel slicing them by the
 * millisecond. What it costs: up to the sleep, plus the kernel's wake-up, on the latency of a
 * frame that arrives during it, and pacing in bursts of that granularity. Off (0) by default:
 * then the only cost is one predictable branch on an empty poll.
 */
#ifndef OVL_APP_IDLE_H
#define OVL_APP_IDLE_H

#include <stdint.h>
#include <sys/prctl.h>

#include <rte_cycles.h>

#define IDLE_POLLS 64

struct idle {
	uint32_t sleep_us;   /* 0: poll without pause */
	uint32_t polls;      /* empty polls in a row */
};

/*
 * On the worker's own thread: the kernel's default timer slack (50 us) would stretch every
 * short sleep; ask for 1 us.
 */
static inline void
idle_start(const struct idle *i)
{
	if (i->sleep_us != 0)
		prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
}

static inline void
idle_poll(struct idle *i, int busy)
{
	if (likely(i->sleep_us == 0))
		return;
	if (busy) {
		i->polls = 0;
		return;
	}
	if (++i->polls >= IDLE_POLLS) {
		rte_delay_us_sleep(i->sleep_us);
		i->polls = 0;
	}
}

#endif
