/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "replay.h"

void
ovl_replay_init(struct ovl_replay *r)
{
	memset(r, 0, sizeof(*r));
}

static struct ovl_replay_slot *
slot_for(struct ovl_replay *r, uint32_t session, uint16_t stream)
{
	uint32_t h = (session ^ ((uint32_t)stream * 0x9E3779B1u)) * 0x85EBCA6Bu;

	return &r->slots[(h >> 16) & (OVL_REPLAY_SLOTS - 1)];
}

static void
mark(struct ovl_replay_slot *s, uint64_t seq)
{
	s->seen[(seq / 64) % OVL_REPLAY_WORDS] |= 1ull << (seq % 64);
}

int
ovl_replay_check(struct ovl_replay *r, uint32_t session, uint16_t stream, uint64_t seq)
{
	struct ovl_replay_slot *s = slot_for(r, session, stream);
	uint64_t word, bit;

	if (!s->used || s->session != session || s->stream != stream) {
		memset(s, 0, sizeof(*s));
		s->used = 1;
		s->session = session;
		s->stream = stream;
		s->highest = seq;
		mark(s, seq);
		return 0;
	}
	if (seq > s->highest) {
		/* Clear the words the window slides over (all of them after a long jump). */
		if (seq / 64 - s->highest / 64 >= OVL_REPLAY_WORDS)
			memset(s->seen, 0, sizeof(s->seen));
		else
			for (word = s->highest / 64 + 1; word <= seq / 64; word++)
				s->seen[word % OVL_REPLAY_WORDS] = 0;
		s->highest = seq;
		mark(s, seq);
		return 0;
	}
	if (s->highest - seq >= OVL_REPLAY_WINDOW)
		return -1;
	word = (seq / 64) % OVL_REPLAY_WORDS;
	bit = 1ull << (seq % 64);
	if (s->seen[word] & bit)
		return -1;
	s->seen[word] |= bit;
	return 0;
}
