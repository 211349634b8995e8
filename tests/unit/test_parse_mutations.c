/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fixed-seed run of random damage against ovl_parse (never a read outside the frame, always a
 * known result, sound layers when accepted), and against the parse memo, which must answer every
 * damaged frame as ovl_parse does (see parse_frames.h for the frames).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <rte_ether.h>

#include "testrand.h"
#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

#define MUTATIONS 200000
#define MUTATION_SEED 0x6f766c7065726601ull

static uint64_t memo_hits; /* mutations the parse memo answered (probe bytes damaged only) */

/* ---------------------------------------------------------------------------------------- */
/* Random mutations */

/* The layers of an accepted (0) or fragment (1) parse are ordered and inside the buffer. */
static void
check_layers_sound(const struct ovl_layers *l, int rc, uint32_t len, unsigned long iter,
		const char *name)
{
	CHECK(l->encap != NULL && ovl_encap_index(l->encap) >= 0, "mutation %lu of %s: encap",
			iter, name);
	CHECK(l->len == len && (l->l3 == RTE_ETHER_HDR_LEN ||
			l->l3 == RTE_ETHER_HDR_LEN + OVL_VLAN_LEN) &&
			l->vlan == (l->l3 != RTE_ETHER_HDR_LEN),
			"mutation %lu of %s: len %u l3 %u vlan %u", iter, name, l->len, l->l3, l->vlan);
	CHECK(l->l3 + OVL_IPV4_HDR_LEN <= l->l3_end && l->l3_end <= len,
			"mutation %lu of %s: l3 %u l3_end %u len %u", iter, name, l->l3, l->l3_end, len);
	CHECK(l->inner_l3 + OVL_IPV4_HDR_LEN <= l->inner_end && l->inner_end <= l->l3_end,
			"mutation %lu of %s: inner_l3 %u inner_end %u l3_end %u", iter, name,
			l->inner_l3, l->inner_end, l->l3_end);
	if (l->encap->fallback)
		CHECK(l->l3 == l->inner_l3, "mutation %lu of %s: raw l3 %u inner_l3 %u", iter, name,
				l->l3, l->inner_l3);
	else
		CHECK(l->l3 < l->inner_l3, "mutation %lu of %s: l3 %u inner_l3 %u", iter, name,
				l->l3, l->inner_l3);
	if (l->tunnel != 0)
		CHECK(l->tunnel == l->l3 + OVL_IPV4_HDR_LEN &&
				l->tunnel + OVL_UDP_HDR_LEN <= l->inner_l3,
				"mutation %lu of %s: tunnel %u", iter, name, l->tunnel);
	if (l->inner_l2 != 0)
		CHECK(l->inner_l2 + RTE_ETHER_HDR_LEN == l->inner_l3 && l->inner_l2 > l->tunnel,
				"mutation %lu of %s: inner_l2 %u", iter, name, l->inner_l2);
	if (rc == 1) {
		/* Of a fragment, only an inner IPv6 first fragment's transport header is known. */
		CHECK(l->fragment && (l->l4 == 0 || (l->inner_ip6 && l->l4 == l->inner_l3 + 48)),
				"mutation %lu of %s: fragment", iter, name);
		return;
	}
	CHECK(!l->fragment, "mutation %lu of %s: accepted fragment", iter, name);
	CHECK(l->inner_l3 < l->l4 && l->l4 < l->probe && l->probe <= l->inner_end,
			"mutation %lu of %s: inner_l3 %u l4 %u probe %u inner_end %u", iter, name,
			l->inner_l3, l->l4, l->probe, l->inner_end);
	CHECK((uint32_t)l->probe + l->payload_len <= l->inner_end,
			"mutation %lu of %s: probe %u payload %u inner_end %u", iter, name, l->probe,
			l->payload_len, l->inner_end);
	CHECK(l->l4_proto == IPPROTO_UDP || l->l4_proto == IPPROTO_ICMP || l->l4_proto == IPPROTO_TCP,
			"mutation %lu of %s: l4_proto %u", iter, name, l->l4_proto);
}

static uint32_t
random_offset(uint32_t len, uint32_t hot)
{
	if (len == 0)
		return 0;
	/* Mostly the headers and the probe; sometimes anywhere. */
	return rng_below(4) != 0 ? rng_below(hot < len ? hot : len) : rng_below(len);
}

/*
 * A fixed-seed run of random damage (1-4 bytes or 16-bit words changed, random
 * padding or truncation): ovl_parse never reads outside the frame, returns 0, 1 or a drop
 * reason, and on 0 or 1 gives sound layers on which the checksum, fill and turnaround
 * functions work without crashing.
 */
/*
 * The memo answers a damaged frame as ovl_parse does: primed with the undamaged frame (whose
 * headers it then holds), it is given the damaged one, and must return the same verdict and,
 * for a probe, the same layers, whether it hit or missed.
 */
static void
check_memo_agrees(const struct frame *f, const uint8_t *buf, uint32_t len,
		const struct ovl_rx_config *cfg, int want_rc, const struct ovl_layers *want,
		unsigned long iter)
{
	static struct ovl_parse_memo memo;
	struct ovl_layers l;
	int rc;

	memset(&memo, 0, sizeof(memo));
	ovl_parse_memo(&memo, f->buf, f->len, cfg, &l);
	rc = ovl_parse_memo(&memo, buf, len, cfg, &l);
	CHECK(rc == want_rc, "mutation %lu of %s (len %u): the memo said %s, ovl_parse %s (memo hits %" PRIu64 ", again %s)",
			iter, f->name, len, rc_name(rc), rc_name(want_rc), memo.hits, rc_name(ovl_parse(buf, len, cfg, &l)));
	CHECK(rc != 0 || same_layers(&l, want), "mutation %lu of %s: the memo's layers differ",
			iter, f->name);
	memo_hits += memo.hits;
}

static void
test_random_mutations(void **state)
{
	static const uint16_t words[] = {
		0, 1, 7, 8, 19, 20, 21, 0x45, 0x0800, 0x8100, 0x4500, 0x4600, 0x2000, 0x4000,
		0x0811, 0x1101, 0x12FF, 0xA911, 0xA912, 0x12B5, 4789, 8285, 0x7FFF, 0x8000, 0xFFFF,
	};
	unsigned int n_frames = 0, n_var, i;
	struct variant *vs = variants(FORMS_EXPLICIT, 1, &n_var);
	struct frame *frames = calloc(n_var, sizeof(*frames));
	unsigned long counts[OVL_DROP_MAX + 2] = { 0 }, iter;
	unsigned int distinct = 0;
	clock_t start = clock();

	(void)state;
	CHECK(frames != NULL, "calloc");
	for (i = 0; i < n_var; i++)
		if (frame_build(&vs[i], &frames[n_frames]) == 0)
			n_frames++;
	rng_state = MUTATION_SEED;
	for (iter = 0; iter < MUTATIONS; iter++) {
		const struct frame *f = &frames[iter % n_frames];
		uint32_t len = f->len, hot = f->l.probe + OVL_PROBE_FULL_LEN + 8;
		uint32_t kind = rng_below(16), k, n;
		struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_layers l;
		uint8_t *buf;
		int rc;

		frame_scratch(f);
		if (kind == 0)
			len += 1 + rng_below(64); /* zero padding */
		if (kind < 13) {
			n = 1 + rng_below(4);
			for (k = 0; k < n; k++) {
				uint32_t off = random_offset(len, hot);

				if (rng_below(3) == 0 && off + 1 < len)
					put16(scratch + (off & ~1u), words[rng_below(RTE_DIM(words))]);
				else
					scratch[off] ^= (uint8_t)(1 + rng_below(255));
			}
		}
		if (kind >= 11) /* truncation, with or without damage before it */
			len = rng_below(2) ? rng_below((hot < len ? hot : len) + 1) : rng_below(len + 1);
		switch (rng_below(8)) {
		case 0:
			cfg.encap_mask = (uint32_t)rng_next();
			break;
		case 1: {
			/* One encapsulation's parameters given and filtered on: defaults, or one moved. */
			unsigned int e = rng_below(ovl_encap_count());
			unsigned int np = ovl_encap_param_count(ovl_encaps[e]);

			if (np != 0) {
				unsigned int p = rng_below(np);

				cfg.tunnel[e].given = (uint8_t)((1u << np) - 1);
				if (rng_below(2))
					cfg.tunnel[e].v[p] = ovl_encaps[e]->params[p].min;
			}
			break;
		}
		default:
			break;
		}
		rc = parse_exact_keep(scratch, len, &cfg, &l, &buf);
		CHECK(rc == 0 || rc == 1 || (rc < 0 && rc > -OVL_DROP_MAX),
				"mutation %lu of %s: ovl_parse returned %d", iter, f->name, rc);
		check_memo_agrees(f, buf, len, &cfg, rc, &l, iter);
		counts[rc <= 0 ? -rc : OVL_DROP_MAX + 1]++;
		if (rc == 0 || rc == 1) {
			int bad;

			check_layers_sound(&l, rc, len, iter, f->name);
			bad = ovl_frame_verify_cksums(buf, &l);
			CHECK(bad <= 0 && bad >= -5, "mutation %lu of %s: verify_cksums %d", iter,
					f->name, bad);
			if (rc == 0) {
				bad = ovl_frame_verify_fill(buf, &l);
				CHECK(bad == 0 || bad == -1, "mutation %lu of %s: verify_fill %d", iter,
						f->name, bad);
			}
			ovl_frame_turnaround(buf, &l);
		}
		free(buf);
	}
	print_message("# %d mutations of %u frames in %.1f s (seed 0x%llx):\n", MUTATIONS,
			n_frames, (double)(clock() - start) / CLOCKS_PER_SEC,
			(unsigned long long)MUTATION_SEED);
	for (i = 0; i < OVL_DROP_MAX + 2; i++) {
		if (counts[i] == 0)
			continue;
		distinct++;
		print_message("#   %-26s %lu\n", i == OVL_DROP_MAX + 1 ? "fragment"
				: i == 0 ? "accepted" : ovl_drop_name((int)i), counts[i]);
	}
	print_message("#   the parse memo answered %" PRIu64 " of them from its headers\n", memo_hits);
	CHECK(memo_hits > MUTATIONS / 100, "the memo hit only %" PRIu64 " times", memo_hits);
	/* The run reached deep into the parser, not only its first checks. */
	CHECK(counts[0] > MUTATIONS / 20 && counts[OVL_DROP_MAX + 1] > 0 && distinct >= 20,
			"accepted %lu, fragments %lu, %u distinct results", counts[0],
			counts[OVL_DROP_MAX + 1], distinct);
	for (i = 0; i < n_frames; i++)
		frame_free(&frames[i]);
	free(frames);
	free(vs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
