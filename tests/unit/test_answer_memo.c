/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The answer memo (lib/wire/answer_memo.c) against the full path. Frames go through it as the
 * reflector sends them: answered from the memo when it matches, else parsed (parse memo) and,
 * when whole, learned from. Whatever the memo answers, ovl_parse must accept with the layers of
 * the frame the answer was learned from, with that frame's addresses, and the memo's turnaround
 * must be ovl_frame_turnaround's, byte for byte. Streams of many flows, every encapsulation,
 * over IPv4 and IPv6, tagged or not, with and without options; and every header byte damaged.
 * Each test runs with 16-byte windows (SSE) and with 64-byte ones (AVX-512, where the CPU has
 * it): every frame is also given to ovl_answer_leading, the reflector's loop at the head of a
 * burst (the wide path's own comparison), which must answer it exactly when the last answer
 * does, and turn it around alike.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_ip.h>

#include <rte_mbuf.h>

#include "answer_memo.h"
#include "parse_frames.h"

#define FLOWS 64
#define SEQS 3

static struct ovl_parse_memo memo;
static struct ovl_answer_memo answers;
static uint8_t turned[OVL_FRAME_MAX], want[OVL_FRAME_MAX], led[OVL_FRAME_MAX];
static int wide; /* the windows of the tests' memos: 64 bytes when 1 */

/* ovl_answer_leading on a burst of this one frame, a copy of it in led: 1 when answered. */
static int
lead(const uint8_t *buf, uint32_t len)
{
	struct rte_mbuf m, *pkts[1] = { &m };

	memset(&m, 0, sizeof(m));
	memcpy(led, buf, len);
	m.buf_addr = led;
	m.data_len = (uint16_t)len;
	m.pkt_len = len;
	m.nb_segs = 1;
	return ovl_answer_leading(&answers, pkts, 1);
}

/* Where a frame's addresses lie, as the memo compares them: 1 for each byte of one. */
static void
address_bytes(const struct ovl_layers *l, uint8_t *is, unsigned int n)
{
	unsigned int ip[2] = { l->l3, l->inner_l3 }, six[2] = { l->ip6, l->inner_ip6 }, k, i;

	memset(is, 0, n);
	for (i = 0; i < 12 && i < n; i++)
		is[i] = 1;
	for (i = 0; l->inner_l2 != 0 && i < 12 && l->inner_l2 + i < n; i++)
		is[l->inner_l2 + i] = 1;
	for (k = 0; k < 2; k++) {
		unsigned int off = ip[k] + (six[k] ? 8 : 12), len = six[k] ? 32 : 8;

		for (i = 0; i < len && off + i < n; i++)
			is[off + i] = 1;
	}
}

/*
 * One frame as the reflector takes it. Answered: checked against the full path and against
 * learned (the frame the answers were learned from, and its layers; NULL: not checked).
 * Returns 1 when answered from the memo.
 */
static int
take(const struct ovl_rx_config *cfg, const uint8_t *buf, uint32_t len, const char *what,
		const uint8_t *learned, const struct ovl_layers *learned_l)
{
	const struct ovl_answer *last = answers.last;
	int resting = answers.rest != 0, at_head = resting ? 0 : lead(buf, len);
	const struct ovl_answer *a = ovl_answer_find(&answers, buf, len);
	struct ovl_layers l;
	int rc;

	CHECK(resting || at_head == (a == last), "%s: %s at the head of a burst, %s by the last answer",
			what, at_head ? "answered" : "not answered", a == last ? "answered" : "not answered");
	if (a == NULL) {
		rc = ovl_parse_memo(&memo, buf, len, cfg, &l);
		if (rc == 0)
			(void)ovl_answer_learn(&answers, &memo, buf, len, &l);
		return 0;
	}
	rc = ovl_parse(buf, len, cfg, &l);
	CHECK(rc == 0, "%s: answered from the memo, but ovl_parse says %s", what, rc_name(rc));
	if (rc != 0)
		return 1;
	memcpy(turned, buf, len);
	memcpy(want, buf, len);
	ovl_answer_turn(a, turned);
	ovl_frame_turnaround(want, &l);
	CHECK(memcmp(turned, want, len) == 0, "%s: the memo's turnaround differs", what);
	CHECK(!at_head || memcmp(led, want, len) == 0, "%s: the turnaround at the head of a burst differs",
			what);
	if (learned != NULL) {
		uint8_t is[OVL_ANSWER_BYTES];
		unsigned int i;

		/* The VLAN tag's TCI is no decision: it is answered as it came. */
		l.vlan_tci = learned_l->vlan_tci;
		CHECK(same_layers(&l, learned_l), "%s: answered with another frame's layers", what);
		address_bytes(&l, is, sizeof(is));
		for (i = 0; i < sizeof(is) && i < len; i++)
			CHECK(!is[i] || buf[i] == learned[i], "%s: answered with another address (byte %u)",
					what, i);
	}
	return 1;
}

/* A reflector's filters for a stream of encapsulation i: its options when given them. */
static struct ovl_rx_config
config_for(unsigned int i, int with_options)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	const struct ovl_encap *e = ovl_encaps[i];
	unsigned int v;

	for (v = 0; with_options && v < ovl_encap_param_count(e); v++) {
		cfg.tunnel[i].v[v] = e->params[v].multiple_of > 1 ? e->params[v].multiple_of
			: e->params[v].max / 2;
		cfg.tunnel[i].given |= (uint8_t)(1u << v);
	}
	return cfg;
}

static void
fresh(int on)
{
	memset(&memo, 0, sizeof(memo));
	ovl_answer_memo_init(&answers, on, wide);
	assert_int_equal(answers.window, wide ? OVL_ANSWER_WIDE : 16);
}

/* Per test: its windows; the wide ones need a CPU that has them. */
static int
narrow_windows(void **state)
{
	(void)state;
	wide = 0;
	return 0;
}

static int
wide_windows(void **state)
{
	(void)state;
	wide = 1;
	return 0;
}

static void
skip_without_windows(void)
{
	if (wide && !ovl_answer_wide_ok()) {
		print_message("#   skipped: this CPU (or build) has no AVX-512 VBMI for 64-byte windows\n");
		skip();
	}
}

/* How many address sets (address_bytes) the frames of b have: IP-in-IP's flows are addresses. */
static unsigned int
address_sets(const struct flow_frame *b, unsigned int n, const struct ovl_layers *l)
{
	uint8_t is[OVL_ANSWER_BYTES];
	unsigned int i, j, p, sets = 0;

	address_bytes(l, is, sizeof(is));
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			for (p = 0; p < sizeof(is) && p < b[i].len; p++)
				if (is[p] && b[i].buf[p] != b[j].buf[p])
					break;
			if (p == sizeof(is) || p == b[i].len)
				break;
		}
		sets += j == i;
	}
	return sets;
}

/*
 * Each stream alone, all its flows and probes in order: everything the memo answers agrees.
 * Over IPv4, a UDP stream of one address set is learned from its first frame and answered from
 * the memo after; over IPv6 the addresses swap in 32-byte blocks, which no 16-byte shuffle
 * moves: never learned, nor ICMP.
 */
static void
test_every_stream(void **state)
{
	unsigned int n_enc = ovl_encap_count(), i, k, f, streams = 0, learned4 = 0, learned6 = 0;
	struct flow_frame *b = calloc(FLOWS * SEQS, sizeof(*b));

	(void)state;
	skip_without_windows();
	assert_non_null(b);
	for (i = 0; i < n_enc; i++)
		for (k = 0; k < 64; k++) {
			unsigned int ip6 = k >> 4, n, hits = 0;
			uint8_t proto = k & 2 ? IPPROTO_ICMP : IPPROTO_UDP;
			struct ovl_rx_config cfg = config_for(i, k & 8);
			char what[96];

			n = build_stream(ovl_encaps[i], k & 1 ? VLAN_ID : 0, proto, k & 4 ? 300 : 0, k & 8,
					ip6, FLOWS, SEQS, b);
			if (n == 0)
				continue; /* a layout refused: IPv6 inside IP-in-IP */
			streams++;
			fresh(1);
			for (f = 0; f < n; f++) {
				snprintf(what, sizeof(what), "%s case %u frame %u", b[f].encap, k, f);
				hits += (unsigned int)take(&cfg, b[f].buf, b[f].len, what, NULL, NULL);
			}
			if (ip6 == 0 && proto == IPPROTO_UDP) {
				struct ovl_layers l;

				assert_int_equal(ovl_parse(b[0].buf, b[0].len, &cfg, &l), 0);
				CHECK(address_sets(b, n, &l) > 1 || (answers.learned == 1 && hits == n - 1),
						"%s case %u: learned %" PRIu64 ", %u of %u frames from the memo",
						b[0].encap, k, answers.learned, hits, n);
				learned4++;
			} else if (proto != IPPROTO_UDP) {
				CHECK(answers.learned == 0 && hits == 0, "%s case %u: learned %" PRIu64,
						b[0].encap, k, answers.learned);
			} else {
				learned6 += answers.learned != 0;
			}
			free_all(b, n);
		}
	print_message("#   %u streams of %u frames; learned: %u over IPv4 (every UDP one), %u with IPv6\n",
			streams, FLOWS * SEQS, learned4, learned6);
	free(b);
}

/*
 * Twelve times more streams than answers, over IPv4 (every encapsulation, tagged or not, two
 * sizes, with and without options, UDP and ICMP), interleaved at random: answers are learned
 * and replaced (and the memo rests, missing most), and every answer agrees.
 */
static void
test_more_streams_than_answers(void **state)
{
	struct flow_frame *b;
	unsigned int n = build_interleaved(FLOWS, SEQS, 0x5EED0003, &b), i, hits = 0;
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	skip_without_windows();
	fresh(1);
	for (i = 0; i < n; i++)
		hits += (unsigned int)take(&cfg, b[i].buf, b[i].len, b[i].encap, NULL, NULL);
	print_message("#   %u frames of %u streams: %u from the memo, %" PRIu64 " learned\n", n,
			ovl_encap_count() * 16, hits, answers.learned);
	CHECK(answers.learned >= OVL_ANSWERS, "answers were replaced: %" PRIu64 " learned",
			answers.learned);
	free_all(b, n);
	free(b);
}

/*
 * Every header byte of a frame of each stream set to each of several values (over IPv4; with
 * wide windows over IPv6 too), with the memo holding that stream's answer: whatever it answers agrees with the full path and carries the
 * learned frame's addresses; an address changed is never answered from the memo.
 */
static void
test_every_header_byte_damaged(void **state)
{
	static const uint8_t values[] = { 0x00, 0xFF, 0x45, 0x11, 0x08, 0x81, 0x65, 0x58, 0x12, 0xB5 };
	static uint8_t buf[OVL_FRAME_MAX];
	unsigned int n_enc = ovl_encap_count(), i, k, v, ip6, checked = 0, answered = 0, unlearned6 = 0;
	struct flow_frame *b = calloc(FLOWS * SEQS, sizeof(*b));

	(void)state;
	skip_without_windows();
	assert_non_null(b);
	/* Over IPv6 too with wide windows, which hold its addresses' moves. */
	for (ip6 = 0; ip6 <= (unsigned int)wide; ip6++)
		for (i = 0; i < n_enc; i++)
			for (k = 0; k < 16; k++) {
				unsigned int n = build_stream(ovl_encaps[i], k & 1 ? VLAN_ID : 0, IPPROTO_UDP,
						k & 2 ? 300 : 0, k & 4, ip6, FLOWS, SEQS, b);
				struct ovl_rx_config cfg = config_for(i, k & 4);
				uint8_t is[OVL_ANSWER_BYTES];
				struct ovl_layers l;
				unsigned int pos, hdr;

				if (ip6 && n == 0)
					continue; /* a layout refused: IPv6 inside IP-in-IP */
				assert_true(n > 0);
				assert_int_equal(ovl_parse(b[0].buf, b[0].len, &cfg, &l), 0);
				address_bytes(&l, is, sizeof(is));
				hdr = RTE_MIN(b[0].len, (uint32_t)OVL_ANSWER_BYTES);
				fresh(1);
				(void)take(&cfg, b[0].buf, b[0].len, "learned", NULL, NULL);
				if (ip6 && answers.learned == 0) {
					unlearned6++; /* headers past OVL_ANSWER_BYTES */
					free_all(b, n);
					continue;
				}
				for (pos = 0; pos < hdr; pos++)
					for (v = 0; v < RTE_DIM(values); v++) {
						char what[96];
						int hit;

						fresh(1);
						(void)take(&cfg, b[0].buf, b[0].len, "learned", NULL, NULL);
						CHECK(answers.learned == 1, "%s case %u: learned", b[0].encap, k);
						/* Another flow's frame, damaged. */
						memcpy(buf, b[(pos * 7 + v) % n].buf, b[0].len);
						buf[pos] = values[v];
						snprintf(what, sizeof(what), "%s case %u%s: byte %u = 0x%02x",
								b[0].encap, k, ip6 ? " over IPv6" : "", pos, values[v]);
						hit = take(&cfg, buf, b[0].len, what, b[0].buf, &l);
						CHECK(!hit || !is[pos] || values[v] == b[0].buf[pos],
								"%s: an address changed, answered from the memo", what);
						answered += (unsigned int)hit;
						checked++;
					}
				free_all(b, n);
			}
	print_message("#   %u damaged frames checked against ovl_parse, %u answered from the memo%s\n",
			checked, answered, wide ? " (IPv4 and IPv6)" : " (IPv4)");
	if (wide)
		print_message("#   %u IPv6 streams not learned (longer headers)\n", unlearned6);
	free(b);
}

/*
 * Frames the memo never matches (a new source address each) put it to rest after 4,096
 * misses with fewer hits: it then lets OVL_ANSWER_REST frames past untried, and tries again.
 */
static void
test_rest_on_strangers(void **state)
{
	struct flow_frame b[1];
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	struct ovl_layers l;
	unsigned int i, n;
	uint64_t misses;

	(void)state;
	skip_without_windows();
	n = build_stream(ovl_encap_find("vxlan"), 0, IPPROTO_UDP, 0, 0, 0, 1, 1, b);
	assert_int_equal(n, 1);
	assert_int_equal(ovl_parse(b[0].buf, b[0].len, &cfg, &l), 0);
	fresh(1);
	(void)take(&cfg, b[0].buf, b[0].len, "learned", NULL, NULL);
	assert_int_equal(answers.learned, 1);
	for (i = 1; i <= 5000 && answers.rest == 0; i++) {
		memcpy(turned, b[0].buf, b[0].len);
		memcpy(turned + l.l3 + 12, &i, sizeof(i)); /* the outer source address */
		assert_null(ovl_answer_find(&answers, turned, b[0].len));
	}
	CHECK(answers.rest == OVL_ANSWER_REST && answers.misses == 4096,
			"at rest after 4096 misses: %" PRIu64 " misses, rest %" PRIu64, answers.misses,
			answers.rest);
	misses = answers.misses;
	for (i = 0; i < OVL_ANSWER_REST; i++)
		if (ovl_answer_find(&answers, b[0].buf, b[0].len) != NULL)
			break;
	CHECK(i == OVL_ANSWER_REST && answers.misses == misses,
			"resting: %u frames past untried, %" PRIu64 " misses counted", i,
			answers.misses - misses);
	CHECK(ovl_answer_find(&answers, b[0].buf, b[0].len) != NULL, "tries again after its rest");
	free_all(b, n);
}

/* A frame of no bytes (a driver may hand one over): no answer matches it, empty or learned. */
static void
test_empty_frame(void **state)
{
	struct flow_frame b[1];
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	unsigned int round;

	(void)state;
	skip_without_windows();
	assert_int_equal(build_stream(ovl_encap_find("raw"), 0, IPPROTO_UDP, 0, 0, 0, 1, 1, b), 1);
	fresh(1);
	for (round = 0; round < 2; round++) {
		CHECK(lead(b[0].buf, 0) == 0, "round %u: an empty frame answered at a burst's head", round);
		CHECK(ovl_answer_find(&answers, b[0].buf, 0) == NULL, "round %u: an empty frame answered",
				round);
		(void)take(&cfg, b[0].buf, b[0].len, "learned", NULL, NULL);
	}
	CHECK(answers.learned == 1, "learned %" PRIu64, answers.learned);
	free_all(b, 1);
}

/* Off (a reflector with stamps or a key): nothing learned, nothing answered. */
static void
test_off(void **state)
{
	struct flow_frame b[4];
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	unsigned int i, n, hits = 0;

	(void)state;
	skip_without_windows();
	n = build_stream(ovl_encap_find("raw"), 0, IPPROTO_UDP, 0, 0, 0, 2, 2, b);
	assert_int_equal(n, 4);
	fresh(0);
	for (i = 0; i < n; i++)
		hits += (unsigned int)take(&cfg, b[i].buf, b[i].len, "off", NULL, NULL);
	CHECK(hits == 0 && answers.learned == 0, "off: %u answered, %" PRIu64 " learned", hits,
			answers.learned);
	free_all(b, n);
}

int
main(void)
{
	static const struct {
		const char *name;
		CMUnitTestFunction run;
	} each[] = {
		{ "every_stream", test_every_stream },
		{ "more_streams_than_answers", test_more_streams_than_answers },
		{ "every_header_byte_damaged", test_every_header_byte_damaged },
		{ "rest_on_strangers", test_rest_on_strangers },
		{ "off", test_off },
		{ "empty_frame", test_empty_frame },
	};
	static char names[2 * RTE_DIM(each)][64];
	struct CMUnitTest tests[2 * RTE_DIM(each)];
	unsigned int w, i, k = 0;

	/* Every test with 16-byte windows, then with 64-byte ones. */
	for (w = 0; w < 2; w++)
		for (i = 0; i < RTE_DIM(each); i++, k++) {
			snprintf(names[k], sizeof(names[k]), "%s, %u-byte windows", each[i].name,
					w ? OVL_ANSWER_WIDE : 16);
			tests[k] = (struct CMUnitTest){ names[k], each[i].run,
				w ? wide_windows : narrow_windows, NULL, NULL };
		}
	return cmocka_run_group_tests_name("answer_memo", tests, NULL, NULL);
}
