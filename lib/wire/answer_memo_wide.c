/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The answer memo's wide path (answer_memo.h): compiled with AVX-512 F, BW, VBMI and BMI2
 * where the compiler has them, and run only where the CPU does (ovl_answer_wide_ok). A window
 * is 64 bytes, loaded and stored under a mask that stops at the compared head, so nothing past
 * the frame is read or written.
 */
#include "answer_memo.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VBMI__) && defined(__BMI2__)
/* The first n bytes of 64 (all of them from 64 on). */
static inline __mmask64
first_bytes(unsigned int n)
{
	return _bzhi_u64(~0ULL, n);
}

static inline int
matches_wide(const struct ovl_answer *e, const uint8_t *frame, uint32_t len)
{
	unsigned int at = 0;

	if (e->len != len)
		return 0;
	do {
		__m512i diff = _mm512_xor_si512(_mm512_loadu_si512(e->head + at),
				_mm512_maskz_loadu_epi8(first_bytes(e->n_bytes - at), frame + at));

		if (_mm512_test_epi64_mask(diff, _mm512_loadu_si512(e->mask + at)) != 0)
			return 0;
		at += 64;
	} while (at < e->n_bytes);
	return 1;
}

static inline void
turn_wide(const struct ovl_answer *e, uint8_t *frame)
{
	unsigned int j;

	for (j = 0; j < e->n_moves; j++) {
		const struct ovl_answer_move *mv = &e->move[j];
		uint8_t *w = frame + mv->off;

		_mm512_mask_storeu_epi8(w, mv->bytes, _mm512_permutexvar_epi8(
				_mm512_loadu_si512(mv->order), _mm512_maskz_loadu_epi8(mv->bytes, w)));
	}
}

int
ovl_answer_wide_ok(void)
{
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		__builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("bmi2");
}

void
ovl_answer_turn_wide(const struct ovl_answer *e, uint8_t *frame)
{
	turn_wide(e, frame);
}

/*
 * An answer of up to two pieces and two windows (every one of IPv4, and most of IPv6) is held
 * in registers for the whole burst: per frame, a masked load, xor and test per piece, and a
 * permute per window. The second piece and window are skipped by a branch where the answer
 * has none: a masked load or store of no bytes still costs more (over vhost, 4% of the rate).
 */
uint16_t
ovl_answer_leading_wide(struct ovl_answer_memo *a, struct rte_mbuf **pkts, uint16_t n)
{
	const struct ovl_answer *e = a->last;
	__m512i head0, head1, mask0, mask1, order0, order1;
	__mmask64 in0, in1, move0, move1;
	uint16_t off0, off1, i;

	if (e->n_moves > 2 || e->len == OVL_ANSWER_EMPTY)
		return ovl_answer_leading_with(a, pkts, n, matches_wide, turn_wide);
	in0 = first_bytes(e->n_bytes);
	in1 = first_bytes(e->n_bytes > 64 ? e->n_bytes - 64u : 0);
	head0 = _mm512_loadu_si512(e->head);
	head1 = _mm512_loadu_si512(e->head + 64);
	mask0 = _mm512_loadu_si512(e->mask);
	mask1 = _mm512_loadu_si512(e->mask + 64);
	move0 = e->n_moves > 0 ? e->move[0].bytes : 0;
	move1 = e->n_moves > 1 ? e->move[1].bytes : 0;
	order0 = _mm512_loadu_si512(e->move[0].order);
	order1 = _mm512_loadu_si512(e->move[1].order);
	off0 = e->move[0].off;
	off1 = e->n_moves > 1 ? e->move[1].off : 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
		__mmask8 diff;

		if (i + OVL_ANSWER_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + OVL_ANSWER_PREFETCH_AHEAD], void *));
		if (unlikely(m->nb_segs > 1 || rte_pktmbuf_data_len(m) != e->len))
			break;
		diff = _mm512_test_epi64_mask(_mm512_xor_si512(head0, _mm512_maskz_loadu_epi8(in0, data)),
				mask0);
		if (in1 != 0)
			diff |= _mm512_test_epi64_mask(_mm512_xor_si512(head1,
					_mm512_maskz_loadu_epi8(in1, data + 64)), mask1);
		if (unlikely(diff != 0))
			break;
		_mm512_mask_storeu_epi8(data + off0, move0, _mm512_permutexvar_epi8(order0,
				_mm512_maskz_loadu_epi8(move0, data + off0)));
		if (move1 != 0)
			_mm512_mask_storeu_epi8(data + off1, move1, _mm512_permutexvar_epi8(order1,
					_mm512_maskz_loadu_epi8(move1, data + off1)));
	}
	a->hits += i;
	return i;
}
#else
int
ovl_answer_wide_ok(void)
{
	return 0;
}

void
ovl_answer_turn_wide(const struct ovl_answer *e, uint8_t *frame)
{
	RTE_SET_USED(e);
	RTE_SET_USED(frame);
}

uint16_t
ovl_answer_leading_wide(struct ovl_answer_memo *a, struct rte_mbuf **pkts, uint16_t n)
{
	RTE_SET_USED(a);
	RTE_SET_USED(pkts);
	RTE_SET_USED(n);
	return 0;
}
#endif
