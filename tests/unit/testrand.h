/* SPDX-License-Identifier: BSD-3-Clause */
/* A small seeded generator (splitmix64) for the unit tests: the same numbers on every run. */
#ifndef OVL_TEST_RAND_H
#define OVL_TEST_RAND_H

#include <stddef.h>
#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static inline uint32_t
rng_below(uint32_t n)
{
	return (uint32_t)(rng_next() % n);
}

static inline void
rng_fill(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rng_next();
}

#endif
