/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For the checksum tests (test_cksum_*.c): reference checksums by full recomputation with
 * rte_raw_cksum, 16-bit words in memory order, and random field values from testrand.h (so
 * each test program keeps its own seeded sequence).
 */
#ifndef OVL_TEST_CKSUM_WORDS_H
#define OVL_TEST_CKSUM_WORDS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>

#include "check.h"
#include "testrand.h"

#define SEED 0x636b73756d303031ull

#define CHECK_CKSUM(got, want, ...) do { \
	uint16_t got_ = (got), want_ = (want); \
	if (got_ != want_) { \
		print_error(__VA_ARGS__); \
		print_error("\n    checksum 0x%04x (memory order), expected 0x%04x\n", got_, want_); \
		_fail(__FILE__, __LINE__); \
	} \
} while (0)

/* The Internet checksum of a region, as it would be stored in it (memory order). */
static inline uint16_t
full_cksum(const void *buf, size_t len)
{
	return (uint16_t)~rte_raw_cksum(buf, len);
}

static inline uint16_t
load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static inline void
store16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* One's complement sum of two memory-order words, folded (never 0 unless both are). */
static inline uint16_t
ones_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;

	return (uint16_t)((s & 0xFFFF) + (s >> 16));
}

static inline void
new_field_bytes(uint8_t *nb, const uint8_t *old, size_t len)
{
	switch (rng_below(8)) {
	case 0:
		memcpy(nb, old, len);   /* unchanged */
		break;
	case 1:
		memset(nb, 0, len);
		break;
	case 2:
		memset(nb, 0xFF, len);
		break;
	default:
		rng_fill(nb, len);
		break;
	}
}

#endif
