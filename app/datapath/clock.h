/* SPDX-License-Identifier: BSD-3-Clause */
/* TSC cycles to nanoseconds by one multiplication, for the per-packet path. */
#ifndef OVL_APP_CLOCK_H
#define OVL_APP_CLOCK_H

#include <stdint.h>

struct tsc_clock {
	uint64_t hz;
	uint64_t mult; /* nanoseconds per cycle, 32.32 fixed point */
};

static inline void
tsc_clock_init(struct tsc_clock *c, uint64_t hz)
{
	c->hz = hz;
	c->mult = (uint64_t)(((unsigned __int128)1000000000 << 32) / hz);
}

static inline uint64_t
tsc_to_ns(const struct tsc_clock *c, uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * c->mult) >> 32);
}

#endif
