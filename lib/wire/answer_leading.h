/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loop of ovl_answer_leading, for answer_memo.c (16-byte windows) and answer_memo_wide.c
 * (64): each inlines it with its own comparison and turnaround, compiled for its instructions.
 */
#ifndef OVL_ANSWER_LEADING_H
#define OVL_ANSWER_LEADING_H

#include <rte_prefetch.h>

#include "answer_memo.h"

/* Frames written on another core (a NIC, a peer process): their first lines a few ahead. */
#define ANSWER_PREFETCH_AHEAD 3

static __rte_always_inline uint16_t
answer_leading(struct ovl_answer_memo *a, struct rte_mbuf **pkts, uint16_t n,
		int (*matches)(const struct ovl_answer *, const uint8_t *, uint32_t),
		void (*turn)(const struct ovl_answer *, uint8_t *))
{
	const struct ovl_answer *e = a->last;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);

		if (i + ANSWER_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + ANSWER_PREFETCH_AHEAD], void *));
		if (unlikely(m->nb_segs > 1 || !matches(e, data, rte_pktmbuf_data_len(m))))
			break;
		turn(e, data);
	}
	a->hits += i;
	return i;
}

#endif
