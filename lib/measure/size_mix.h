/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A traffic mix: a few size classes, each with a weight, and the schedule that interleaves
 * them. The schedule is one cycle of class indices in which every class appears exactly
 * weight times per repeat of the weights, in a fixed pseudo-random order given by a seed: the
 * sender walks it by sequence number, so datagram seq has class schedule[seq % len], on the
 * wire and in the replies alike.
 */
#ifndef OVL_SIZE_MIX_H
#define OVL_SIZE_MIX_H

#include <stdint.h>

#define OVL_MIX_CLASSES_MAX 8
#define OVL_MIX_WEIGHT_MAX 1000
/* A cycle is the weights repeated to at least this many entries: long enough not to show a
 * period in a capture, short enough to stay in cache. */
#define OVL_MIX_CYCLE_MIN 4096
#define OVL_MIX_SEED_DEFAULT 0x6f766c6d6978ull   /* "ovlmix" */

struct ovl_size_mix {
	unsigned int n;          /* classes; 0: one size, no mix */
	int imix;                /* the simple IMIX: classes below the smallest frame are raised */
	uint32_t size[OVL_MIX_CLASSES_MAX];
	uint32_t weight[OVL_MIX_CLASSES_MAX];
};

/* The simple IMIX: 64, 594 and 1518-byte frames in 7:4:1. */
void ovl_size_mix_imix(struct ovl_size_mix *mix);

/* The entries of one cycle: the sum of the weights times the repeats that reach the minimum. */
uint32_t ovl_size_mix_cycle_len(const struct ovl_size_mix *mix);

/*
 * Fills out[0..len) with one cycle (len from ovl_size_mix_cycle_len): class c exactly
 * weight[c] * len / sum times, shuffled by a generator seeded with seed (Fisher-Yates).
 */
void ovl_size_mix_schedule(const struct ovl_size_mix *mix, uint64_t seed, uint8_t *out,
		uint32_t len);

#endif
