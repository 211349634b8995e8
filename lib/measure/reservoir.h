/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A reservoir of raw round-trip samples (--latency-samples): a uniform random choice of at
 * most size of the replies a stream received, whatever their number (Vitter's algorithm R).
 * One per stream, written by its sender lcore only; xorshift64 drawn per sample past the first
 * size, so the choice is fixed by the seed.
 */
#ifndef OVL_RESERVOIR_H
#define OVL_RESERVOIR_H

#include <stdint.h>

struct ovl_sample {
	uint64_t seq;     /* the probe's sequence number */
	uint64_t tx_ns;   /* its transmit time, since the measurement began */
	uint64_t rtt_ns;  /* its round trip, as the histogram recorded it */
};

struct ovl_reservoir {
	struct ovl_sample *samples;   /* NULL (size 0): no sampling */
	uint32_t size;
	uint64_t seen;                /* offered so far */
	uint64_t rng;                 /* xorshift64 state, never 0 */
};

/* Takes room for size samples (0: none). Returns 0, or -1 when out of memory. */
int ovl_reservoir_init(struct ovl_reservoir *r, uint32_t size, uint64_t seed);
void ovl_reservoir_free(struct ovl_reservoir *r);

/* How many samples it holds: min(seen, size). */
static inline uint32_t
ovl_reservoir_count(const struct ovl_reservoir *r)
{
	return r->seen < r->size ? (uint32_t)r->seen : r->size;
}

static inline void
ovl_reservoir_add(struct ovl_reservoir *r, uint64_t seq, uint64_t tx_ns, uint64_t rtt_ns)
{
	uint64_t i = r->seen++;

	if (i >= r->size) {
		/* Kept with probability size / (i + 1): a slot drawn from [0, i]. */
		r->rng ^= r->rng << 13;
		r->rng ^= r->rng >> 7;
		r->rng ^= r->rng << 17;
		i = (uint64_t)(((unsigned __int128)r->rng * (i + 1)) >> 64);
		if (i >= r->size)
			return;
	}
	r->samples[i] = (struct ovl_sample){ .seq = seq, .tx_ns = tx_ns, .rtt_ns = rtt_ns };
}

#endif
