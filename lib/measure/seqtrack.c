/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_branch_prediction.h>

#include "seqtrack.h"

#define WINDOW_WORDS (OVL_SEQTRACK_WINDOW / 64)

void
ovl_seqtrack_init(struct ovl_seqtrack *t)
{
	memset(t, 0, sizeof(*t));
}

/* Clears the bits of sequence numbers from .. from + n - 1 (n < OVL_SEQTRACK_WINDOW). */
static void
window_clear(uint64_t *window, uint64_t from, uint64_t n)
{
	while (n > 0) {
		unsigned int bit = from % 64;
		uint64_t take = 64 - bit < n ? 64 - bit : n;

		window[(from / 64) % WINDOW_WORDS] &= ~((UINT64_MAX >> (64 - take)) << bit);
		from += take;
		n -= take;
	}
}

int
ovl_seqtrack_add(struct ovl_seqtrack *t, uint64_t seq)
{
	uint64_t *word = &t->window[(seq / 64) % WINDOW_WORDS];
	uint64_t bit = UINT64_C(1) << (seq % 64);

	t->received++;
	if (unlikely(!t->started)) {
		t->started = 1;
		t->highest = seq;
		*word |= bit;
		t->unique++;
		return OVL_SEQ_IN_ORDER;
	}

	if (likely(seq > t->highest)) {
		uint64_t gap = seq - t->highest - 1;

		/* seq's own bit belonged to seq - WINDOW, which leaves the window: no clearing. */
		if (unlikely(gap != 0)) {
			if (gap >= OVL_SEQTRACK_WINDOW)
				memset(t->window, 0, sizeof(t->window));
			else
				window_clear(t->window, t->highest + 1, gap);
		}
		t->highest = seq;
		*word |= bit;
		t->unique++;
		return OVL_SEQ_IN_ORDER;
	}

	if (unlikely(t->highest - seq >= OVL_SEQTRACK_WINDOW)) {
		t->late++;
		t->reordered++;
		t->unique++;
		return OVL_SEQ_REORDERED;
	}
	if (*word & bit) {
		t->duplicated++;
		return OVL_SEQ_DUPLICATE;
	}
	*word |= bit;
	t->reordered++;
	t->unique++;
	return OVL_SEQ_REORDERED;
}

uint64_t
ovl_seqtrack_lost(const struct ovl_seqtrack *t, uint64_t sent)
{
	return sent > t->unique ? sent - t->unique : 0;
}
