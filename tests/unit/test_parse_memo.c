/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parse memo (lib/wire/parse_memo.c) against ovl_parse, on the traffic users send: many
 * flows of several streams and encapsulations interleaved, shapes left over from other streams,
 * and every header byte damaged. Whatever the memo answers, ovl_parse must answer the same (return
 * code and layers); and on a mix of a few streams the memo must answer most frames itself.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_ip.h>

#include "parse_frames.h"

#define FLOWS 300
#define SEQS 3

/* The memo's answer against ovl_parse's for one frame. */
static void
agree(struct ovl_parse_memo *m, const struct ovl_rx_config *cfg, const uint8_t *buf,
		uint32_t len, const char *what)
{
	struct ovl_layers lm, lp;
	int rm = ovl_parse_memo(m, buf, len, cfg, &lm);
	int rp = ovl_parse(buf, len, cfg, &lp);

	CHECK(rm == rp, "%s: the memo said %s, ovl_parse %s", what, rc_name(rm), rc_name(rp));
	CHECK(rm != 0 || same_layers(&lm, &lp), "%s: the memo's layers differ", what);
}

/*
 * One stream per encapsulation at its smallest frame (as a capture interleaving them all),
 * 300 flows each, in random order: every answer agrees, and the memo answers nearly all.
 */
static void
test_flow_mix_of_every_encap(void **state)
{
	unsigned int n_enc = ovl_encap_count(), n = 0, i;
	struct flow_frame *b = calloc((size_t)n_enc * FLOWS * SEQS, sizeof(*b));
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	static struct ovl_parse_memo m;

	(void)state;
	assert_non_null(b);
	assert_true(n_enc <= OVL_PARSE_SHAPES);
	for (i = 0; i < n_enc; i++)
		n += build_stream(ovl_encaps[i], 0, IPPROTO_UDP, 0, 0, 0, FLOWS, SEQS, b + n);
	shuffle_frames(b, n, 0x5EED0001);
	memset(&m, 0, sizeof(m));
	for (i = 0; i < n; i++)
		agree(&m, &cfg, b[i].buf, b[i].len, b[i].encap);
	print_message("#   %u frames of %u streams, %u flows each: %" PRIu64 " from the memo, %" PRIu64 " parsed\n",
			n, n_enc, FLOWS, m.hits, m.misses);
	CHECK(m.misses == n_enc, "one miss per stream, not %" PRIu64, m.misses);
	free_all(b, n);
	free(b);
}

/*
 * More streams than shapes (every encapsulation, tagged or not, UDP and ICMP, two sizes, with
 * and without its options), interleaved at random, with shapes of other streams always left
 * over: every answer agrees.
 */
static void
test_more_streams_than_shapes(void **state)
{
	struct flow_frame *b;
	unsigned int n = build_interleaved(FLOWS, SEQS, 0x5EED0002, &b), i;
	static struct ovl_parse_memo m;
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	memset(&m, 0, sizeof(m));
	for (i = 0; i < n; i++)
		agree(&m, &cfg, b[i].buf, b[i].len, b[i].encap);
	print_message("#   %u frames: %" PRIu64 " from the memo, %" PRIu64 " parsed\n", n, m.hits,
			m.misses);
	free_all(b, n);
	free(b);
}

/*
 * Every header byte of a frame of each stream, and the probe's first 16 (a full probe's length
 * among them), set to each of several values, with the memo holding that stream's shape (and
 * others'): the memo and ovl_parse agree. A byte the memo ignores must be one ovl_parse does
 * not decide on; a byte it compares makes it parse whole. Compact probes and full ones.
 */
static void
test_every_header_byte_damaged(void **state)
{
	static const uint8_t values[] = { 0x00, 0xFF, 0x45, 0x11, 0x08, 0x81, 0x65, 0x58, 0x12, 0xB5 };
	unsigned int n_enc = ovl_encap_count(), i, k, v, checked = 0;
	struct flow_frame *b = calloc(FLOWS * SEQS, sizeof(*b));
	static struct ovl_parse_memo m;
	static uint8_t buf[OVL_FRAME_MAX];

	(void)state;
	assert_non_null(b);
	for (i = 0; i < n_enc; i++)
		for (k = 0; k < 16; k++) {
			struct ovl_rx_config cfg = rx_config(k & 4 ? mask_of((int)i) : OVL_ENCAP_MASK_ALL);
			unsigned int n = build_stream(ovl_encaps[i], k & 1 ? VLAN_ID : 0,
					k & 2 ? IPPROTO_ICMP : IPPROTO_UDP, k & 8 ? 300 : 0, k & 4, 0,
					FLOWS, SEQS, b);
			struct ovl_layers l;
			unsigned int pos, hdr;

			/* The frames' own filters: a reflector given their options. */
			if (k & 4)
				for (v = 0; v < ovl_encap_param_count(ovl_encaps[i]); v++) {
					cfg.tunnel[i].v[v] = ovl_encaps[i]->params[v].multiple_of > 1 ?
						ovl_encaps[i]->params[v].multiple_of : ovl_encaps[i]->params[v].max / 2;
					cfg.tunnel[i].given |= (uint8_t)(1u << v);
				}
			assert_true(n > 0);
			assert_int_equal(ovl_parse(b[0].buf, b[0].len, &cfg, &l), 0);
			hdr = l.probe + 16u < b[0].len ? l.probe + 16u : b[0].len;
			memset(&m, 0, sizeof(m));
			for (pos = 0; pos < hdr; pos++)
				for (v = 0; v < RTE_DIM(values); v++) {
					char what[96];

					/* The memo knows this stream from another of its flows. */
					(void)ovl_parse_memo(&m, b[(pos * 7 + v) % n].buf, b[0].len, &cfg, &l);
					memcpy(buf, b[0].buf, b[0].len);
					buf[pos] = values[v];
					snprintf(what, sizeof(what), "%s case %u: byte %u = 0x%02x", b[0].encap,
							k, pos, values[v]);
					agree(&m, &cfg, buf, b[0].len, what);
					checked++;
				}
			free_all(b, n);
		}
	print_message("#   %u damaged frames checked against ovl_parse\n", checked);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_mix_of_every_encap),
		cmocka_unit_test(test_more_streams_than_shapes),
		cmocka_unit_test(test_every_header_byte_damaged),
	};

	return cmocka_run_group_tests_name("parse_memo", tests, NULL, NULL);
}
