/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The answer memo: a reflector's probes answered by comparing their header bytes with those of
 * a probe it answered before, and turned around by that probe's byte moves.
 *
 * The parse memo (frame.h) saves the parse; the reflector's rules and the turnaround still cost
 * more per frame than the work of a reflector that checks nothing (bench/README.md, figure 9).
 * An answer is learned from a UDP probe that the rules admitted: its bytes compared are the
 * parse's decisive bytes and every address, which is all a reflector's rules read of a UDP
 * probe without a key, so a frame that matches would be parsed and admitted alike; a UDP
 * probe's turnaround only moves bytes (MACs, addresses, ports), the same moves for every frame
 * of one answer, learned once as a few shuffles. Source ports, sequence numbers and checksums are not compared: a stream of any
 * number of flows keeps hitting one answer.
 *
 * The comparison and the shuffles are SSE (SSSE3 and SSE4.1, in x86-64-v2), 16 bytes at a
 * time; elsewhere nothing is ever learned and every frame takes the full path. Where the CPU
 * has AVX-512 VBMI (answer_memo_wide.c), the shuffles are 64-byte byte permutes and the
 * leading frames of a burst are compared 64 bytes at a time: chosen when the memo starts, as
 * DPDK's drivers choose their vector paths, so one build runs on any x86-64-v2 CPU. VBMI
 * came with Ice Lake, whose clock does not drop for this light integer work (Skylake's, which
 * has no VBMI, did).
 */
#ifndef OVL_ANSWER_MEMO_H
#define OVL_ANSWER_MEMO_H

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#if defined(__SSSE3__) && defined(__SSE4_1__)
#include <immintrin.h>
#define OVL_ANSWER_MEMO 1
#else
#define OVL_ANSWER_MEMO 0
#endif

#include "frame.h"

#define OVL_ANSWER_BYTES 128    /* headers compared: VXLAN over IPv4 with a full probe takes 112 */
#define OVL_ANSWER_MOVES 6      /* windows turned around: VXLAN over IPv4 takes 4 of 16 bytes */
#define OVL_ANSWER_WIDE 64      /* bytes of a wide window (AVX-512) */
#define OVL_ANSWERS 8
#define OVL_ANSWER_REST (1u << 20) /* frames let past untried when most were missed */
#define OVL_ANSWER_OFF UINT64_MAX
#define OVL_ANSWER_EMPTY UINT32_MAX /* no frame is this long: an empty answer matches none */

struct ovl_answer_move {
	uint8_t order[OVL_ANSWER_WIDE]; /* where each byte of the window comes from, within it */
	uint64_t bytes;         /* a wide window's bytes within the compared head: its mask */
	uint16_t off;           /* where the window starts in the frame */
};

struct ovl_answer {
	uint8_t head[OVL_ANSWER_BYTES] __rte_aligned(64);
	uint8_t mask[OVL_ANSWER_BYTES] __rte_aligned(64); /* the bytes compared */
	uint32_t len;           /* the frame's length; OVL_ANSWER_EMPTY: none learned */
	uint16_t n_bytes;       /* compared from the frame's start: 16-byte pieces */
	uint8_t n_moves;
	uint8_t window;         /* bytes per move: 16, or OVL_ANSWER_WIDE */
	struct ovl_answer_move move[OVL_ANSWER_MOVES];
};

struct ovl_answer_memo {
	struct ovl_answer answer[OVL_ANSWERS];
	uint8_t window;         /* of the answers it learns: 16, or OVL_ANSWER_WIDE */
	const struct ovl_answer *last; /* the answer that matched last: tried first */
	uint8_t next;           /* the answer the next one learned replaces */
	uint64_t rest;          /* frames still to let past untried; OVL_ANSWER_OFF: never tried */
	uint64_t hits, misses, learned;
	uint64_t hits_mark;     /* hits when misses were last a multiple of 4096 */
	uint64_t learn_at;      /* misses at which the next answer may be learned */
};

/*
 * An empty memo; off (never tried, nothing learned) when on is 0 or without SSE. Its windows
 * are wide when wide is not 0 and the CPU can (ovl_answer_wide_ok).
 */
void ovl_answer_memo_init(struct ovl_answer_memo *a, int on, int wide);

/* Whether this build and CPU have the wide path (AVX-512 F, BW, VBMI and BMI2). */
int ovl_answer_wide_ok(void);

/*
 * The frames at the head of a burst that the last answer matches, turned around in place;
 * counted as hits. Returns how many. Any segment but the first, and the rest, are the caller's.
 */
uint16_t ovl_answer_leading(struct ovl_answer_memo *a, struct rte_mbuf **pkts, uint16_t n);

/*
 * Learns the answer to frame (len bytes, before its turnaround), parsed into l by the parse
 * memo m (its shape gives the decisive bytes). Compared are those and every address: MACs and
 * IP addresses, outer and inner. Returns 1 when learned; 0 when this frame is not one to learn
 * from (not a whole UDP probe of a memo shape, headers too long, moves that no few windows
 * hold), or learning waits.
 */
int ovl_answer_learn(struct ovl_answer_memo *a, const struct ovl_parse_memo *m, const uint8_t *frame,
		uint32_t len, const struct ovl_layers *l);

/* Whether a frame missed now may be learned from: cheap, inline, before ovl_answer_learn. */
static inline int
ovl_answer_may_learn(const struct ovl_answer_memo *a)
{
	return a->rest == 0 && a->misses >= a->learn_at;
}

/* Out of line: every other answer, and the counts that put the memo to rest. */
const struct ovl_answer *ovl_answer_search(struct ovl_answer_memo *a, const uint8_t *frame,
		uint32_t len);

#if OVL_ANSWER_MEMO
/*
 * An empty answer's length is no frame's; any other compares at least one piece: the loop runs
 * once before it tests.
 */
static inline int
ovl_answer_matches(const struct ovl_answer *e, const uint8_t *frame, uint32_t len)
{
	const uint8_t *end = frame + e->n_bytes;
	const __m128i *head = (const __m128i *)e->head, *mask = (const __m128i *)e->mask;
	__m128i diff = _mm_setzero_si128();

	if (e->len != len)
		return 0;
	do {
		diff = _mm_or_si128(diff, _mm_and_si128(_mm_xor_si128(
				_mm_loadu_si128((const __m128i *)frame), *head++), *mask++));
		frame += 16;
	} while (frame != end);
	return _mm_testz_si128(diff, diff);
}

/* Turns frame around by e's moves of 16 bytes. */
static inline void
ovl_answer_turn16(const struct ovl_answer *e, uint8_t *frame)
{
	unsigned int j;

	for (j = 0; j < e->n_moves; j++) {
		__m128i *w = (__m128i *)(frame + e->move[j].off);

		_mm_storeu_si128(w, _mm_shuffle_epi8(_mm_loadu_si128(w),
				_mm_loadu_si128((const __m128i *)e->move[j].order)));
	}
}
#else
static inline int
ovl_answer_matches(const struct ovl_answer *e, const uint8_t *frame, uint32_t len)
{
	RTE_SET_USED(e);
	RTE_SET_USED(frame);
	RTE_SET_USED(len);
	return 0;
}

static inline void
ovl_answer_turn16(const struct ovl_answer *e, uint8_t *frame)
{
	RTE_SET_USED(e);
	RTE_SET_USED(frame);
}
#endif

/* answer_memo_wide.c: turning around by wide moves, and ovl_answer_leading with them. */
void ovl_answer_turn_wide(const struct ovl_answer *e, uint8_t *frame);
uint16_t ovl_answer_leading_wide(struct ovl_answer_memo *a, struct rte_mbuf **pkts, uint16_t n);

/* Turns frame around as ovl_frame_turnaround would the frame e was learned from. */
static inline void
ovl_answer_turn(const struct ovl_answer *e, uint8_t *frame)
{
	if (e->window == OVL_ANSWER_WIDE)
		ovl_answer_turn_wide(e, frame);
	else
		ovl_answer_turn16(e, frame);
}

/*
 * The answer for frame, or NULL: the frame then takes the full path (parse, rules,
 * turnaround). The answer that matched last is tried here, the rest out of line.
 */
static inline const struct ovl_answer *
ovl_answer_find(struct ovl_answer_memo *a, const uint8_t *frame, uint32_t len)
{
	const struct ovl_answer *e = a->last;

	if (unlikely(a->rest != 0)) {
		a->rest -= a->rest != OVL_ANSWER_OFF;
		return NULL;
	}
	if (likely(ovl_answer_matches(e, frame, len))) {
		a->hits++;
		return e;
	}
	return ovl_answer_search(a, frame, len);
}

/* Frames written on another core (a NIC, a peer process): their first lines a few ahead. */
#define OVL_ANSWER_PREFETCH_AHEAD 3

/*
 * The loop of ovl_answer_leading, for answer_memo.c (16-byte windows) and answer_memo_wide.c
 * (wide ones): each inlines it with its own comparison and turnaround, compiled for its
 * instructions.
 */
static __rte_always_inline uint16_t
ovl_answer_leading_with(struct ovl_answer_memo *a, struct rte_mbuf **pkts, uint16_t n,
		int (*matches)(const struct ovl_answer *, const uint8_t *, uint32_t),
		void (*turn)(const struct ovl_answer *, uint8_t *))
{
	const struct ovl_answer *e = a->last;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);

		if (i + OVL_ANSWER_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + OVL_ANSWER_PREFETCH_AHEAD], void *));
		if (unlikely(m->nb_segs > 1 || !matches(e, data, rte_pktmbuf_data_len(m))))
			break;
		turn(e, data);
	}
	a->hits += i;
	return i;
}

#endif
