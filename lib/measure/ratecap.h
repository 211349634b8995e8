/* SPDX-License-Identifier: BSD-3-Clause */
/* A token bucket on the TSC: at most rate packets per second, bursts of up to one millisecond. */
#ifndef OVL_RATECAP_H
#define OVL_RATECAP_H

#include <stdint.h>

struct ovl_ratecap {
	uint64_t rate;     /* packets per second; 0: no cap */
	uint64_t hz;
	uint64_t tokens;   /* in units of 1/hz packets, so no division per packet */
	uint64_t depth;
	uint64_t last;
};

static inline void
ovl_ratecap_init(struct ovl_ratecap *c, uint64_t rate, uint64_t hz, uint64_t now)
{
	c->rate = rate;
	c->hz = hz;
	c->depth = (rate / 1000 + 1) * hz;
	c->tokens = c->depth;
	c->last = now;
}

/* Takes one token: 1 when the packet may go, 0 when it is over the cap. */
static inline int
ovl_ratecap_take(struct ovl_ratecap *c, uint64_t now)
{
	if (c->rate == 0)
		return 1;
	if (now > c->last) {
		uint64_t dt = now - c->last;

		/* After a second or more idle the bucket is full; below, dt * rate cannot overflow. */
		if (dt >= c->hz || dt * c->rate >= c->depth - c->tokens)
			c->tokens = c->depth;
		else
			c->tokens += dt * c->rate;
		c->last = now;
	}
	if (c->tokens < c->hz)
		return 0;
	c->tokens -= c->hz;
	return 1;
}

#endif
