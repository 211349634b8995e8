/* SPDX-License-Identifier: BSD-3-Clause */
#include "size_mix.h"

void
ovl_size_mix_imix(struct ovl_size_mix *mix)
{
	static const uint32_t size[] = { 64, 594, 1518 }, weight[] = { 7, 4, 1 };
	unsigned int i;

	mix->n = 3;
	mix->imix = 1;
	for (i = 0; i < mix->n; i++) {
		mix->size[i] = size[i];
		mix->weight[i] = weight[i];
	}
}

static uint32_t
weight_sum(const struct ovl_size_mix *mix)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i < mix->n; i++)
		sum += mix->weight[i];
	return sum;
}

uint32_t
ovl_size_mix_cycle_len(const struct ovl_size_mix *mix)
{
	uint32_t sum = weight_sum(mix);

	if (sum == 0)
		return 1;
	return (OVL_MIX_CYCLE_MIN + sum - 1) / sum * sum;
}

/* splitmix64: small, and the same sequence on every machine for one seed. */
static uint64_t
next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void
ovl_size_mix_schedule(const struct ovl_size_mix *mix, uint64_t seed, uint8_t *out, uint32_t len)
{
	uint32_t sum = weight_sum(mix), repeats, pos = 0, i, k;
	uint64_t state = seed;
	unsigned int c;

	if (mix->n <= 1 || sum == 0) {
		for (i = 0; i < len; i++)
			out[i] = 0;
		return;
	}
	repeats = len / sum;
	for (c = 0; c < mix->n; c++)
		for (k = 0; k < mix->weight[c] * repeats; k++)
			out[pos++] = (uint8_t)c;
	while (pos < len)
		out[pos++] = 0;   /* only when len is not a whole cycle */
	for (i = len - 1; i > 0; i--) {
		/* The modulo's bias is below 2^-40 for a cycle this short. */
		uint32_t j = (uint32_t)(next_random(&state) % (i + 1));
		uint8_t t = out[i];

		out[i] = out[j];
		out[j] = t;
	}
}
