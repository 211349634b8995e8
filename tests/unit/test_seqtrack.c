/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive sequence tracking: hand-made cases, then random streams checked packet by packet
 * against an exact reference that remembers every sequence number it has seen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "seqtrack.h"

#define W OVL_SEQTRACK_WINDOW

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

/* splitmix64: repeatable values for the random streams. */
static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/*
 * The reference: one byte per sequence number from base, over the whole stream. It applies
 * the definitions directly, the window only for what is late.
 */
struct ref {
	uint64_t base;
	size_t cap;
	uint8_t *seen;
	int started;
	uint64_t highest, received, unique, reordered, duplicated, late;
};

static void
ref_init(struct ref *r, uint64_t base, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->cap = cap;
	r->seen = calloc(cap, 1);
	assert_non_null(r->seen);
}

static int
ref_add(struct ref *r, uint64_t seq)
{
	uint64_t i = seq - r->base;

	assert_true(seq >= r->base && i < r->cap);
	r->received++;
	if (!r->started || seq > r->highest) {
		r->started = 1;
		r->highest = seq;
		r->seen[i] = 1;
		r->unique++;
		return OVL_SEQ_IN_ORDER;
	}
	if (r->highest - seq >= W) {
		r->late++;
		r->reordered++;
		r->unique++;
		return OVL_SEQ_REORDERED;
	}
	if (r->seen[i]) {
		r->duplicated++;
		return OVL_SEQ_DUPLICATE;
	}
	r->seen[i] = 1;
	r->reordered++;
	r->unique++;
	return OVL_SEQ_REORDERED;
}

static void
assert_counts_equal(const struct ovl_seqtrack *t, const struct ref *r)
{
	assert_int_equal(t->highest, r->highest);
	assert_int_equal(t->received, r->received);
	assert_int_equal(t->unique, r->unique);
	assert_int_equal(t->reordered, r->reordered);
	assert_int_equal(t->duplicated, r->duplicated);
	assert_int_equal(t->late, r->late);
	assert_int_equal(t->received, t->unique + t->duplicated);
}

/* Both trackers take seq; they must agree on it. */
static void
add_both(struct ovl_seqtrack *t, struct ref *r, uint64_t seq)
{
	int want = ref_add(r, seq), got = ovl_seqtrack_add(t, seq);

	if (got != want)
		fail_msg("seq %llu (highest %llu): got %d, want %d", (unsigned long long)seq,
				(unsigned long long)r->highest, got, want);
}

static struct ovl_seqtrack *
seqtrack_new(void)
{
	struct ovl_seqtrack *t = malloc(sizeof(*t));

	assert_non_null(t);
	ovl_seqtrack_init(t);
	return t;
}

static void
test_in_order(void **state)
{
	struct ovl_seqtrack *t = seqtrack_new();
	uint64_t s;

	(void)state;
	assert_int_equal(ovl_seqtrack_lost(t, 0), 0);
	assert_int_equal(ovl_seqtrack_lost(t, 3), 3);
	for (s = 0; s < 3 * W + 100; s++)
		assert_int_equal(ovl_seqtrack_add(t, s), OVL_SEQ_IN_ORDER);
	assert_int_equal(t->started, 1);
	assert_int_equal(t->highest, 3 * W + 99);
	assert_int_equal(t->received, 3 * W + 100);
	assert_int_equal(t->unique, 3 * W + 100);
	assert_int_equal(t->reordered + t->duplicated + t->late, 0);
	assert_int_equal(ovl_seqtrack_lost(t, 3 * W + 100), 0);
	assert_int_equal(ovl_seqtrack_lost(t, 3 * W + 105), 5);
	assert_int_equal(ovl_seqtrack_lost(t, 10), 0); /* never negative */
	free(t);
}

static void
test_swapped_pair(void **state)
{
	static const uint64_t seqs[] = { 1, 2, 4, 3, 5, 6 };
	static const int want[] = { OVL_SEQ_IN_ORDER, OVL_SEQ_IN_ORDER, OVL_SEQ_IN_ORDER,
		OVL_SEQ_REORDERED, OVL_SEQ_IN_ORDER, OVL_SEQ_IN_ORDER };
	struct ovl_seqtrack *t = seqtrack_new();
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++)
		assert_int_equal(ovl_seqtrack_add(t, seqs[i]), want[i]);
	assert_int_equal(t->reordered, 1);
	assert_int_equal(t->duplicated, 0);
	assert_int_equal(t->unique, 6);
	assert_int_equal(ovl_seqtrack_lost(t, 6), 0);
	free(t);
}

static void
test_duplicates(void **state)
{
	struct ovl_seqtrack *t = seqtrack_new();
	uint64_t s;

	(void)state;
	for (s = 100; s < 200; s++)
		ovl_seqtrack_add(t, s);
	assert_int_equal(ovl_seqtrack_add(t, 199), OVL_SEQ_DUPLICATE); /* the highest */
	assert_int_equal(ovl_seqtrack_add(t, 195), OVL_SEQ_DUPLICATE); /* a recent one */
	assert_int_equal(ovl_seqtrack_add(t, 100), OVL_SEQ_DUPLICATE); /* the first */
	assert_int_equal(ovl_seqtrack_add(t, 99), OVL_SEQ_REORDERED);  /* before the first */
	assert_int_equal(ovl_seqtrack_add(t, 99), OVL_SEQ_DUPLICATE);
	assert_int_equal(ovl_seqtrack_add(t, 202), OVL_SEQ_IN_ORDER);
	assert_int_equal(ovl_seqtrack_add(t, 201), OVL_SEQ_REORDERED);
	assert_int_equal(ovl_seqtrack_add(t, 201), OVL_SEQ_DUPLICATE);
	assert_int_equal(ovl_seqtrack_add(t, 200), OVL_SEQ_REORDERED);
	assert_int_equal(t->duplicated, 5);
	assert_int_equal(t->reordered, 3);
	assert_int_equal(t->unique, 104);
	assert_int_equal(t->received, 109);
	assert_int_equal(ovl_seqtrack_lost(t, 203 - 99), 0);

	/* The edge of the window: WINDOW - 1 below highest is checked, WINDOW below is late. */
	ovl_seqtrack_init(t);
	for (s = 0; s <= W; s++)
		ovl_seqtrack_add(t, s);
	assert_int_equal(ovl_seqtrack_add(t, 1), OVL_SEQ_DUPLICATE);
	assert_int_equal(t->late, 0);
	assert_int_equal(ovl_seqtrack_add(t, 0), OVL_SEQ_REORDERED);
	assert_int_equal(t->late, 1);
	assert_int_equal(t->duplicated, 1);
	free(t);
}

static void
test_loss(void **state)
{
	struct ovl_seqtrack *t = seqtrack_new();
	uint64_t s;

	(void)state;
	for (s = 0; s < 1000; s++)
		if (s % 10 != 3)
			assert_int_equal(ovl_seqtrack_add(t, s), OVL_SEQ_IN_ORDER);
	assert_int_equal(t->reordered, 0);
	assert_int_equal(ovl_seqtrack_lost(t, 1000), 100);
	/* A gap filled later was reordering, not loss. */
	assert_int_equal(ovl_seqtrack_add(t, 993), OVL_SEQ_REORDERED);
	assert_int_equal(ovl_seqtrack_lost(t, 1000), 99);
	/* Loss at the end of the run shows only against what was sent. */
	assert_int_equal(ovl_seqtrack_lost(t, 1500), 599);
	free(t);
}

static void
test_jump(void **state)
{
	struct ovl_seqtrack *t = seqtrack_new();
	uint64_t s, far = 1000 + 10 * (uint64_t)W;

	(void)state;
	for (s = 0; s < 1000; s++)
		ovl_seqtrack_add(t, s);
	assert_int_equal(ovl_seqtrack_add(t, far), OVL_SEQ_IN_ORDER);
	/* Received before, but out of the window: late, not a duplicate. */
	assert_int_equal(ovl_seqtrack_add(t, 500), OVL_SEQ_REORDERED);
	assert_int_equal(t->late, 1);
	assert_int_equal(t->duplicated, 0);
	/* Inside the window, where the jump left nothing behind. */
	assert_int_equal(ovl_seqtrack_add(t, far - 5), OVL_SEQ_REORDERED);
	assert_int_equal(ovl_seqtrack_add(t, far - W + 1), OVL_SEQ_REORDERED);
	assert_int_equal(ovl_seqtrack_add(t, far - 5), OVL_SEQ_DUPLICATE);
	assert_int_equal(ovl_seqtrack_add(t, far), OVL_SEQ_DUPLICATE);
	assert_int_equal(t->late, 1);
	assert_int_equal(t->reordered, 3);
	assert_int_equal(t->duplicated, 2);

	/*
	 * A jump of less than the window wraps the ring: the bits of 0..4 sit where W..W+4 go
	 * and must be cleared, those of 6..9 are still in the window and must stay.
	 */
	ovl_seqtrack_init(t);
	for (s = 0; s < 10; s++)
		ovl_seqtrack_add(t, s);
	assert_int_equal(ovl_seqtrack_add(t, W + 5), OVL_SEQ_IN_ORDER);
	assert_int_equal(ovl_seqtrack_add(t, W + 2), OVL_SEQ_REORDERED);
	assert_int_equal(ovl_seqtrack_add(t, W), OVL_SEQ_REORDERED);
	assert_int_equal(ovl_seqtrack_add(t, 7), OVL_SEQ_DUPLICATE);
	assert_int_equal(ovl_seqtrack_add(t, 6), OVL_SEQ_DUPLICATE);
	assert_int_equal(ovl_seqtrack_add(t, 5), OVL_SEQ_REORDERED); /* late */
	assert_int_equal(ovl_seqtrack_add(t, 10), OVL_SEQ_REORDERED);
	assert_int_equal(ovl_seqtrack_add(t, 10), OVL_SEQ_DUPLICATE);
	assert_int_equal(t->late, 1);
	free(t);
}

struct slot {
	uint64_t key;
	uint64_t seq;
};

static int
cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->key != y->key)
		return (x->key > y->key) - (x->key < y->key);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * n packets from base, each displaced by less than max_disp, 1% duplicated (a recent one, or
 * the highest so far) and 0.5% lost; checked packet by packet against the reference.
 */
static void
check_displaced(uint64_t base, size_t n, uint64_t max_disp)
{
	struct ovl_seqtrack *t = seqtrack_new();
	struct slot *order = malloc(n * sizeof(*order));
	uint64_t *sent = malloc(n * sizeof(*sent));
	struct ref r;
	size_t i, n_sent = 0;

	assert_non_null(order);
	assert_non_null(sent);
	ref_init(&r, base, n);
	for (i = 0; i < n; i++) {
		order[i].key = i + rng() % max_disp;
		order[i].seq = base + i;
	}
	qsort(order, n, sizeof(*order), cmp_slot);

	for (i = 0; i < n; i++) {
		uint64_t dice = rng() % 1000;

		if (dice < 5)
			continue;
		add_both(t, &r, order[i].seq);
		sent[n_sent++] = order[i].seq;
		if (dice < 15) {
			uint64_t back = rng() % (n_sent < 300 ? n_sent : 300);

			add_both(t, &r, dice < 13 ? sent[n_sent - 1 - back] : r.highest);
		}
	}
	assert_counts_equal(t, &r);
	assert_true(t->reordered > n / 10);
	assert_true(t->duplicated > n / 200);
	assert_int_equal(t->late, 0);
	assert_int_equal(ovl_seqtrack_lost(t, n), n - r.unique);
	assert_true(ovl_seqtrack_lost(t, n) > n / 400);

	free(r.seen);
	free(order);
	free(sent);
	free(t);
}

static void
test_random_displacement(void **state)
{
	(void)state;
	check_displaced(0, 100000, 50);
	check_displaced(1000003, 100000, 8);
	check_displaced((uint64_t)UINT32_MAX - 10, 100000, 50);
	check_displaced(UINT64_MAX - 100000, 100000, 500);
}

/*
 * Forward jumps of every size up to beyond the window, returns from up to 1.5 windows back,
 * repeats: checked packet by packet against the reference, late ones included.
 */
static void
test_random_jumps(void **state)
{
	const size_t cap = 64 << 20;
	struct ovl_seqtrack *t = seqtrack_new();
	uint64_t base = (uint64_t)UINT32_MAX - 1000, next = base;
	struct ref r;
	int i;

	(void)state;
	ref_init(&r, base, cap);
	for (i = 0; i < 300000; i++) {
		uint64_t dice = rng() % 1000, seq;

		if (dice < 600) {
			seq = next++;
		} else if (dice < 700) {
			next += rng() % 200;
			seq = next++;
		} else if (dice < 703) {
			next += rng() % (W + W / 4);
			seq = next++;
		} else if (dice < 900) {
			seq = next - 1 - rng() % (next - base < 1000 ? next - base : 1000);
		} else {
			uint64_t span = next - base < W + W / 2 ? next - base : W + W / 2;

			seq = next - 1 - rng() % span;
		}
		assert_true(next - base < cap);
		add_both(t, &r, seq);
	}
	assert_counts_equal(t, &r);
	assert_true(t->late > 1000);
	assert_true(t->duplicated > 1000);
	assert_true(t->reordered > t->late);

	free(r.seen);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_swapped_pair),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_jump),
		cmocka_unit_test(test_random_displacement),
		cmocka_unit_test(test_random_jumps),
	};

	return cmocka_run_group_tests_name("seqtrack", tests, NULL, NULL);
}
