/* SPDX-License-Identifier: BSD-3-Clause */
/* The answer memo (answer_memo.h): learning an answer, and looking past the last one. */
#include <netinet/in.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "answer_memo.h"

#define MISS_WINDOW 4096u
#define LEARN_EVERY 32u  /* misses between two answers learned: a learn costs a few parses */

void
ovl_answer_memo_init(struct ovl_answer_memo *a, int on, int wide)
{
	unsigned int k;

	memset(a, 0, sizeof(*a));
	for (k = 0; k < OVL_ANSWERS; k++)
		a->answer[k].len = OVL_ANSWER_EMPTY;
	a->last = &a->answer[0];
	a->rest = on && OVL_ANSWER_MEMO ? 0 : OVL_ANSWER_OFF;
	a->window = wide && ovl_answer_wide_ok() ? OVL_ANSWER_WIDE : 16;
}

uint16_t
ovl_answer_leading(struct ovl_answer_memo *a, struct rte_mbuf **pkts, uint16_t n)
{
	if (a->window == OVL_ANSWER_WIDE)
		return ovl_answer_leading_wide(a, pkts, n);
	return ovl_answer_leading_with(a, pkts, n, ovl_answer_matches, ovl_answer_turn16);
}

const struct ovl_answer *
ovl_answer_search(struct ovl_answer_memo *a, const uint8_t *frame, uint32_t len)
{
	unsigned int k;

	for (k = 0; k < OVL_ANSWERS; k++)
		if (&a->answer[k] != a->last && ovl_answer_matches(&a->answer[k], frame, len)) {
			a->last = &a->answer[k];
			a->hits++;
			return &a->answer[k];
		}
	/*
	 * More misses than hits over the last MISS_WINDOW misses: the frames are not a few
	 * streams' (too many addresses, or not probes). Trying costs them a search each, so
	 * the memo rests, and then tries again.
	 */
	if (++a->misses % MISS_WINDOW == 0) {
		if (a->hits - a->hits_mark < MISS_WINDOW)
			a->rest = OVL_ANSWER_REST;
		a->hits_mark = a->hits;
	}
	return NULL;
}

#if OVL_ANSWER_MEMO
/*
 * Where each byte of frame's first n bytes goes in its turnaround: from[i] is the byte that
 * ends up at i. Found by turning around a frame of position tags, twice, with two tag
 * sequences that no byte value fits both of. The bytes ovl_swap_ip reads (the IP version at
 * l3 and inner_l3) keep the frame's values and must stay where they are; the check at the
 * end of ovl_answer_learn holds the result to the real turnaround. Returns 0, or -1.
 */
static int
moves_of(const uint8_t *frame, const struct ovl_layers *l, unsigned int n, uint8_t *from)
{
	uint8_t t1[OVL_ANSWER_BYTES], t2[OVL_ANSWER_BYTES];
	unsigned int i;

	for (i = 0; i < n; i++) {
		t1[i] = (uint8_t)i;
		t2[i] = (uint8_t)(7 * i + 3);
	}
	t1[l->l3] = t2[l->l3] = frame[l->l3];
	t1[l->inner_l3] = t2[l->inner_l3] = frame[l->inner_l3];
	ovl_frame_turnaround(t1, l);
	ovl_frame_turnaround(t2, l);
	for (i = 0; i < n; i++) {
		if (i == l->l3 || i == l->inner_l3) {
			if (t1[i] != frame[i] || t2[i] != frame[i])
				return -1;
			from[i] = (uint8_t)i;
		} else {
			if (t1[i] >= n || t2[i] != (uint8_t)(7 * t1[i] + 3))
				return -1;
			from[i] = t1[i];
		}
	}
	return 0;
}

/*
 * Whether a window ending at end can take the moves from i on (every byte before i is in
 * place): each byte it moves comes from within it, and from no byte before i.
 */
static int
window_fits(const uint8_t *from, unsigned int i, unsigned int end)
{
	unsigned int j;

	for (j = i; j < end; j++)
		if (from[j] != j && (from[j] < i || from[j] >= end))
			return 0;
	return 1;
}

/*
 * A 16-byte window for the moves from i on: it starts at i, or as far before it as it must to
 * end before a byte whose move it could not hold (the inner MACs just past the outer
 * addresses, in GRE); n is a multiple of 16, so it is always whole. Returns its start, or -1.
 */
static int
window16(const uint8_t *from, unsigned int i, unsigned int n)
{
	unsigned int w = n > 16 ? RTE_MIN(i, n - 16) : 0, back;

	for (back = 0; back < 16 && !window_fits(from, i, w + 16); back++) {
		if (w == 0)
			return -1;
		w--;
	}
	return back == 16 || w + 16 <= i ? -1 : (int)w;
}

/*
 * A wide window for the moves from i on: it starts at i and ends as late as it can hold every
 * move in it, 64 bytes on or where the n bytes do at the latest (its loads and stores are
 * masked). Returns its end, or i when there is none.
 */
static unsigned int
window_wide(const uint8_t *from, unsigned int i, unsigned int n)
{
	unsigned int end = RTE_MIN(i + OVL_ANSWER_WIDE, n);

	while (end > i && !window_fits(from, i, end))
		end--;
	return end;
}

/* The moves as windows of width bytes, each turned around in place, in order. Returns their number, or -1. */
static int
windows_of(const uint8_t *from, unsigned int n, unsigned int width, struct ovl_answer_move *move)
{
	unsigned int i = 0, n_moves = 0, j;

	while (i < n) {
		unsigned int w, end;

		if (from[i] == i) {
			i++;
			continue;
		}
		if (n_moves == OVL_ANSWER_MOVES)
			return -1;
		if (width == OVL_ANSWER_WIDE) {
			w = i;
			end = window_wide(from, i, n);
		} else {
			int at = window16(from, i, n);

			if (at < 0)
				return -1;
			w = (unsigned int)at;
			end = w + 16;
		}
		if (end <= i)
			return -1;
		for (j = w; j < w + width; j++)
			move[n_moves].order[j - w] = (uint8_t)(j < i || j >= end ? j - w : from[j] - w);
		move[n_moves].bytes = end - w >= 64 ? UINT64_MAX : (1ULL << (end - w)) - 1;
		move[n_moves++].off = (uint16_t)w;
		i = end;
	}
	return (int)n_moves;
}

/* Marks len bytes at off of mask; -1 when they lie past it. */
static int
mark(uint8_t *mask, unsigned int off, unsigned int len)
{
	if (off + len > OVL_ANSWER_BYTES)
		return -1;
	memset(mask + off, 0xFF, len);
	return 0;
}

static int
mark_ip_addresses(uint8_t *mask, unsigned int ip, int ip6)
{
	return ip6 ? mark(mask, ip + offsetof(struct rte_ipv6_hdr, src_addr), 32)
		: mark(mask, ip + offsetof(struct rte_ipv4_hdr, src_addr), 8);
}

/* Every address of the frame: MACs and IP addresses, outer and inner. */
static int
mark_addresses(uint8_t *mask, const struct ovl_layers *l)
{
	return mark(mask, 0, 2 * RTE_ETHER_ADDR_LEN) < 0 ||
		mark_ip_addresses(mask, l->l3, l->ip6) < 0 ||
		(l->inner_l3 != l->l3 && mark_ip_addresses(mask, l->inner_l3, l->inner_ip6) < 0) ||
		(l->inner_l2 != 0 && mark(mask, l->inner_l2, 2 * RTE_ETHER_ADDR_LEN) < 0) ? -1 : 0;
}

int
ovl_answer_learn(struct ovl_answer_memo *a, const struct ovl_parse_memo *m, const uint8_t *frame,
		uint32_t len, const struct ovl_layers *l)
{
	struct ovl_answer e;
	uint8_t decisive[OVL_ANSWER_BYTES], from[OVL_ANSWER_BYTES];
	uint8_t want[OVL_ANSWER_BYTES], got[OVL_ANSWER_BYTES];
	unsigned int end = 0, n, i;
	int n_moves;

	if (a->rest != 0 || a->misses < a->learn_at)
		return 0;
	if (l->l4 == 0 || l->fragment || l->l4_proto != IPPROTO_UDP || l->probe == 0)
		return 0;
	a->learn_at = a->misses + LEARN_EVERY;
	if (ovl_parse_memo_decisive(m, frame, len, decisive, sizeof(decisive)) < 0 ||
			mark_addresses(decisive, l) < 0)
		return 0;
	for (i = 0; i < OVL_ANSWER_BYTES; i++)
		if (decisive[i] != 0)
			end = i + 1;
	/* The probe follows every byte a UDP turnaround moves. */
	end = RTE_MAX(end, (unsigned int)l->probe);
	n = (end + 15) / 16 * 16;
	if (n > OVL_ANSWER_BYTES || n > len)
		return 0;
	if (moves_of(frame, l, n, from) < 0)
		return 0;
	n_moves = windows_of(from, n, a->window, e.move);
	if (n_moves < 0)
		return 0;
	memset(e.head, 0, sizeof(e.head));
	memset(e.mask, 0, sizeof(e.mask));
	for (i = 0; i < n; i++) {
		e.mask[i] = decisive[i];
		e.head[i] = frame[i] & decisive[i];
	}
	e.len = len;
	e.n_bytes = (uint16_t)n;
	e.n_moves = (uint8_t)n_moves;
	e.window = a->window;
	/* Held to the real thing: the windows must turn this frame around as it does. */
	memcpy(want, frame, n);
	memcpy(got, frame, n);
	ovl_frame_turnaround(want, l);
	ovl_answer_turn(&e, got);
	if (memcmp(want, got, n) != 0)
		return 0;
	a->answer[a->next] = e;
	a->last = &a->answer[a->next];
	a->next = (uint8_t)((a->next + 1) % OVL_ANSWERS);
	a->learned++;
	return 1;
}
#else
int
ovl_answer_learn(struct ovl_answer_memo *a, const struct ovl_parse_memo *m, const uint8_t *frame,
		uint32_t len, const struct ovl_layers *l)
{
	RTE_SET_USED(a);
	RTE_SET_USED(m);
	RTE_SET_USED(frame);
	RTE_SET_USED(len);
	RTE_SET_USED(l);
	return 0;
}
#endif
