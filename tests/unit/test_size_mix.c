/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mix schedule: every class exactly its weight's share of a cycle, the order fixed by the
 * seed and different for another, and the classes interleaved (no long run of one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "size_mix.h"

#define CYCLE_MAX 16384

struct mix_case {
	const char *name;
	unsigned int n;
	uint32_t weight[OVL_MIX_CLASSES_MAX];
};

static const struct mix_case cases[] = {
	{ "imix 7:4:1", 3, { 7, 4, 1 } },
	{ "even 1:1", 2, { 1, 1 } },
	{ "skewed 1000:1", 2, { 1000, 1 } },
	{ "eight classes", 8, { 1, 2, 3, 4, 5, 6, 7, 8 } },
	{ "prime sum 5:2", 2, { 5, 2 } },
	{ "largest 8x1000", 8, { 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 } },
};

static void
make_mix(const struct mix_case *c, struct ovl_size_mix *mix)
{
	unsigned int i;

	memset(mix, 0, sizeof(*mix));
	mix->n = c->n;
	for (i = 0; i < c->n; i++) {
		mix->size[i] = 64 + 100 * i;
		mix->weight[i] = c->weight[i];
	}
}

/* 1. Each class appears exactly weight * len / sum times in one cycle. */
static void
test_exact_counts(void **state)
{
	static uint8_t sched[CYCLE_MAX];
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct ovl_size_mix mix;
		uint32_t len, sum = 0, count[OVL_MIX_CLASSES_MAX] = { 0 }, i;

		make_mix(&cases[k], &mix);
		for (i = 0; i < mix.n; i++)
			sum += mix.weight[i];
		len = ovl_size_mix_cycle_len(&mix);
		CHECK(len >= OVL_MIX_CYCLE_MIN && len % sum == 0 && len <= CYCLE_MAX,
				"%s: cycle of %u entries for weights summing to %u", cases[k].name, len, sum);
		ovl_size_mix_schedule(&mix, OVL_MIX_SEED_DEFAULT, sched, len);
		for (i = 0; i < len; i++) {
			CHECK(sched[i] < mix.n, "%s: entry %u is class %u of %u", cases[k].name, i,
					sched[i], mix.n);
			count[sched[i]]++;
		}
		for (i = 0; i < mix.n; i++)
			CHECK(count[i] == mix.weight[i] * (len / sum), "%s: class %u appears %u times, not %u",
					cases[k].name, i, count[i], mix.weight[i] * (len / sum));
	}
}

/* 2. The same seed gives the same order; another seed another. */
static void
test_seeded(void **state)
{
	static uint8_t a[CYCLE_MAX], b[CYCLE_MAX];
	struct ovl_size_mix mix;
	uint32_t len;

	(void)state;
	ovl_size_mix_imix(&mix);
	len = ovl_size_mix_cycle_len(&mix);
	ovl_size_mix_schedule(&mix, 1, a, len);
	ovl_size_mix_schedule(&mix, 1, b, len);
	CHECK(memcmp(a, b, len) == 0, "seed 1 twice gave two orders");
	ovl_size_mix_schedule(&mix, 2, b, len);
	CHECK(memcmp(a, b, len) != 0, "seeds 1 and 2 gave one order");
}

/*
 * 3. Interleaved: in the IMIX, the longest run of 64-byte frames (7 in 12) stays near what a
 * random order gives (about 15 in a few thousand), far from the 2,392 of runs of one size.
 */
static void
test_interleaved(void **state)
{
	static uint8_t sched[CYCLE_MAX];
	struct ovl_size_mix mix;
	uint32_t len, i, run = 1, longest = 1, changes = 0;

	(void)state;
	ovl_size_mix_imix(&mix);
	len = ovl_size_mix_cycle_len(&mix);
	ovl_size_mix_schedule(&mix, OVL_MIX_SEED_DEFAULT, sched, len);
	for (i = 1; i < len; i++) {
		run = sched[i] == sched[i - 1] ? run + 1 : 1;
		changes += sched[i] != sched[i - 1];
		if (run > longest)
			longest = run;
	}
	CHECK(longest <= 30, "longest run of one class: %u of %u", longest, len);
	/* A random order of 7:4:1 changes class at about 1 - (49+16+1)/144 = 54% of entries. */
	CHECK(changes > len * 45 / 100 && changes < len * 63 / 100,
			"class changes at %u of %u entries", changes, len);
}

/* 4. One class (or none): every entry is class 0. */
static void
test_single(void **state)
{
	uint8_t sched[8];
	struct ovl_size_mix mix = { .n = 0 };
	unsigned int i;

	(void)state;
	memset(sched, 0xAA, sizeof(sched));
	CHECK(ovl_size_mix_cycle_len(&mix) == 1, "no mix: a cycle of %u", ovl_size_mix_cycle_len(&mix));
	ovl_size_mix_schedule(&mix, 7, sched, sizeof(sched));
	for (i = 0; i < sizeof(sched); i++)
		CHECK(sched[i] == 0, "no mix: entry %u is class %u", i, sched[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_counts),
		cmocka_unit_test(test_seeded),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_single),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
