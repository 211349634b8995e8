/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-stream receive sequence tracking, with RFC 4737's definitions: a packet is reordered
 * when its sequence number is lower than the highest received before it (the next expected
 * is highest + 1) and it was not received before; a duplicate is a sequence number received
 * before. Gaps above highest are not counted here: they are loss, or reordering yet to come.
 *
 * Duplicates are found in a bitmap of the OVL_SEQTRACK_WINDOW sequence numbers
 * [highest - OVL_SEQTRACK_WINDOW + 1, highest]. A packet older than that cannot be checked:
 * it is counted as reordered, as unique, and as late. So a late duplicate is taken for a
 * reordered packet and understates loss by one.
 *
 * Sequence numbers are 64-bit (receivers extend 32-bit ones with ovl_probe_seq_extend) and the
 * first one received can be anything. sizeof(struct ovl_seqtrack) is 8,248 bytes.
 */
#ifndef OVL_SEQTRACK_H
#define OVL_SEQTRACK_H

#include <assert.h>
#include <stdint.h>

#define OVL_SEQTRACK_WINDOW 65536 /* a power of two, multiple of 64 */

enum ovl_seq_class {
	OVL_SEQ_IN_ORDER = 0,  /* above highest, gap or not */
	OVL_SEQ_REORDERED = 1, /* below highest, first time (or too old to tell: late) */
	OVL_SEQ_DUPLICATE = 2,
};

struct ovl_seqtrack {
	uint64_t highest;    /* highest sequence number received; valid once started */
	uint64_t received;   /* every packet: unique + duplicated */
	uint64_t unique;     /* distinct sequence numbers, late ones included */
	uint64_t reordered;  /* late ones included */
	uint64_t duplicated;
	uint64_t late;       /* older than the window */
	int started;
	uint64_t window[OVL_SEQTRACK_WINDOW / 64]; /* bit (seq % WINDOW): seq was received */
};

static_assert((OVL_SEQTRACK_WINDOW & (OVL_SEQTRACK_WINDOW - 1)) == 0 &&
		OVL_SEQTRACK_WINDOW >= 64, "the window is a ring of 64-bit words");
static_assert(sizeof(struct ovl_seqtrack) == 8248, "the size documented above");

void ovl_seqtrack_init(struct ovl_seqtrack *t);

/*
 * Counts one received packet. Returns its enum ovl_seq_class. O(1), except that a jump of
 * highest by more than one clears the bits it passes (at most OVL_SEQTRACK_WINDOW / 64 words).
 */
int ovl_seqtrack_add(struct ovl_seqtrack *t, uint64_t seq);

/* Packets lost of the first `sent`: sent - unique, or 0 if more arrived than were counted. */
uint64_t ovl_seqtrack_lost(const struct ovl_seqtrack *t, uint64_t sent);

#endif
