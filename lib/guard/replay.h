/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replay protection for keyed probes at the reflector: per (session, stream), the highest
 * sequence number answered and a window of the 1024 below it, as IPsec's anti-replay window
 * does. Entries are made only for probes whose tag checked, so only key holders can fill the
 * table; when it is full, a new session takes the slot of the one it collides with.
 */
#ifndef OVL_REPLAY_H
#define OVL_REPLAY_H

#include <stdint.h>

#define OVL_REPLAY_WINDOW 1024
#define OVL_REPLAY_SLOTS 4096  /* a power of two */
/* One word more than the window: the window's ends may sit inside two words that share none. */
#define OVL_REPLAY_WORDS (OVL_REPLAY_WINDOW / 64 + 1)

struct ovl_replay_slot {
	uint32_t session;
	uint16_t stream;
	uint8_t used;
	uint64_t highest;
	uint64_t seen[OVL_REPLAY_WORDS]; /* bit seq % 64 of word (seq / 64) % WORDS */
};

struct ovl_replay {
	struct ovl_replay_slot slots[OVL_REPLAY_SLOTS];
};

void ovl_replay_init(struct ovl_replay *r);

/*
 * Records seq for (session, stream). Returns 0 when it is new, -1 when it was answered before
 * or is older than the window (a replay either way).
 */
int ovl_replay_check(struct ovl_replay *r, uint32_t session, uint16_t stream, uint64_t seq);

#endif
