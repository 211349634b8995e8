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

uint16_t
ovl_answer_leading_wide(struct ovl_answer_memo *a, struct rte_mbuf **pkts, uint16_t n)
{
	return ovl_answer_leading_with(a, pkts, n, matches_wide, turn_wide);
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
