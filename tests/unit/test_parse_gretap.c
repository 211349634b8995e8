/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The GRE header of GRE-TAP (RFC 2784, RFC 2890's key and sequence number) as receivers check
 * it: flags and version, the protocol, the key filter, a sequence number skipped, truncation in
 * the header, key and sequence number, the inner EtherType, and the turnaround (see
 * parse_frames.h for the frames; here they are also built with --gre-key).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* GRE offsets and bits, from RFC 2784 2.1 and RFC 2890 2 (independently of lib/encap/gretap.c). */
#define GRE_FLAGS 0
#define GRE_PROTO 2
#define GRE_BASE_LEN 4
#define GRE_FIELD_LEN 4   /* the key, the sequence number */
#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_TEB 0x6558
#define GRE_SMALLEST 102  /* the smallest frame without a key (docs/wire-format.md) */

#define NO_KEY (-1)
#define TUNNEL_FLAGS (-OVL_DROP_TUNNEL_FLAGS)
#define TUNNEL_ID (-OVL_DROP_TUNNEL_ID)

/* The frames' keys: none, and keys 0, a pattern and the largest. */
static const int64_t frame_keys[] = { NO_KEY, 0, 0x12345678, 0xFFFFFFFF };

/* ---------------------------------------------------------------------------------------- */
/* Frames and receivers */

static const struct ovl_encap *
gretap(void)
{
	const struct ovl_encap *e = ovl_encap_find("gretap");

	if (e == NULL)
		skip();
	return e;
}

static int
key_param(void)
{
	int i = ovl_encap_param_index(ovl_encap_find("gretap"), "gre-key");

	CHECK(i >= 0, "gretap declares no --gre-key");
	return i;
}

/* A sender's values: --gre-key key, or none. */
static struct ovl_encap_values
gre_values(int64_t key)
{
	struct ovl_encap_values v;

	ovl_encap_values_defaults(ovl_encap_find("gretap"), &v);
	if (key != NO_KEY) {
		v.v[key_param()] = (uint32_t)key;
		v.given |= (uint8_t)(1u << key_param());
	}
	return v;
}

/* A receiver's key filter for GRE-TAP (reflect --gre-key), or none. */
static void
expect_key(struct ovl_rx_config *cfg, int64_t key)
{
	struct ovl_encap_values *t = &cfg->tunnel[ovl_encap_index(ovl_encap_find("gretap"))];

	*t = gre_values(key);
}

static uint32_t
gre_of(const struct ovl_layers *l)
{
	return l->l3 + OVL_IPV4_HDR_LEN;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/*
 * Writes into out the frame buf (len bytes, layers l) with a 4-byte sequence number seq
 * inserted after the GRE header and key, and the S bit set; the outer IPv4 total length and
 * checksum fixed, as a sender with sequence numbers on would have built it. Returns its length.
 */
static uint32_t
with_sequence(const uint8_t *buf, uint32_t len, const struct ovl_layers *l, uint32_t seq,
		uint8_t *out)
{
	uint32_t at = l->inner_l2, gre = gre_of(l);

	memcpy(out, buf, at);
	put16(out + at, (uint16_t)(seq >> 16));
	put16(out + at + 2, (uint16_t)seq);
	memcpy(out + at + GRE_FIELD_LEN, buf + at, len - at);
	put16(out + gre + GRE_FLAGS, get16(out + gre + GRE_FLAGS) | GRE_S);
	put16(out + l->l3 + IP_TOTAL, (uint16_t)(get16(out + l->l3 + IP_TOTAL) + GRE_FIELD_LEN));
	ipv4_fix_cksum(out + l->l3);
	return len + GRE_FIELD_LEN;
}

/* ---------------------------------------------------------------------------------------- */
/* Frames as built, and the key filter */

/*
 * Without a key and with one: outer protocol 47, flags 0 or K, version 0, protocol 0x6558, the
 * key in network order, the inner Ethernet header right after; 102 or 106 bytes at the
 * smallest; any receiver not filtering takes them.
 */
static void
test_gretap_frames_as_built(void **state)
{
	const struct ovl_encap *e = gretap();
	unsigned int k;

	(void)state;
	for (k = 0; k < RTE_DIM(frame_keys); k++) {
		struct ovl_encap_values tv = gre_values(frame_keys[k]);
		int keyed = frame_keys[k] != NO_KEY;
		uint32_t n = 0;

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			struct ovl_rx_config own = rx_config(mask_of(ovl_encap_index(e)));
			uint32_t gre = gre_of(&f.l);
			struct ovl_layers l;

			n++;
			CHECK(f.l.encap == e && f.buf[f.l.l3 + IP_PROTO] == 47 && f.l.tunnel == 0,
					"%s: outer protocol %u, tunnel %u", f.name,
					f.buf[f.l.l3 + IP_PROTO], f.l.tunnel);
			CHECK(get16(f.buf + gre + GRE_FLAGS) == (keyed ? GRE_K : 0) &&
					get16(f.buf + gre + GRE_PROTO) == GRE_TEB, "%s: GRE %04x %04x",
					f.name, get16(f.buf + gre), get16(f.buf + gre + GRE_PROTO));
			CHECK(!keyed || get32(f.buf + gre + GRE_BASE_LEN) == (uint32_t)frame_keys[k],
					"%s: key 0x%08x", f.name, get32(f.buf + gre + GRE_BASE_LEN));
			CHECK(f.l.inner_l2 == gre + GRE_BASE_LEN + (keyed ? GRE_FIELD_LEN : 0) &&
					f.l.inner_l3 == f.l.inner_l2 + RTE_ETHER_HDR_LEN &&
					f.l.inner_end == f.l.l3_end, "%s: inner_l2 %u inner_l3 %u", f.name,
					f.l.inner_l2, f.l.inner_l3);
			if (f.v.size == 0)
				CHECK(f.lay.frame_size == GRE_SMALLEST + (keyed ? GRE_FIELD_LEN : 0u) +
						(f.v.vlan ? OVL_VLAN_LEN : 0u), "%s: smallest frame %u",
						f.name, f.lay.frame_size);
			CHECK(ovl_frame_verify_cksums(f.buf, &f.l) == 0, "%s: checksums", f.name);
			EXPECT_RC(parse_exact(f.buf, f.len, &own, &l), 0, "%s: only gretap expected",
					f.name);
			CHECK(same_layers(&l, &f.l), "%s: only gretap expected: other layers", f.name);
		}
		CHECK(n >= 4, "--gre-key %" PRId64 ": only %u frames built", frame_keys[k], n);
	}
}

static const struct {
	int64_t frame_key;  /* the sender's --gre-key; NO_KEY: none (K clear) */
	int64_t rx_key;     /* the receiver's --gre-key; NO_KEY: any frame, keyed or not */
	int want;
} key_cases[] = {
	/* 1 */ { NO_KEY, NO_KEY, 0 },
	/* 2 */ { NO_KEY, 0, TUNNEL_ID },       /* a filtering receiver wants a key */
	/* 3 */ { NO_KEY, 42, TUNNEL_ID },
	/* 4 */ { 42, NO_KEY, 0 },
	/* 5 */ { 42, 42, 0 },
	/* 6 */ { 42, 43, TUNNEL_ID },
	/* 7 */ { 42, 0, TUNNEL_ID },
	/* 8 */ { 0, 0, 0 },                    /* key 0 is a key */
	/* 9 */ { 0, NO_KEY, 0 },
	/* 10 */ { 0, 0xFFFFFFFF, TUNNEL_ID },
	/* 11 */ { 0xFFFFFFFF, 0xFFFFFFFF, 0 },
	/* 12 */ { 0xFFFFFFFF, 0xFFFFFFFE, TUNNEL_ID },
	/* 13 */ { 0xFFFFFFFF, NO_KEY, 0 },
	/* 14 */ { 0x01020304, 0x01020304, 0 },
	/* 15 */ { 0x01020304, 0x04030201, TUNNEL_ID }, /* byte order */
	/* 16 */ { 0x01000000, 1, TUNNEL_ID },
	/* 17 */ { 0x80000000, 0, TUNNEL_ID },
};

static void
test_gretap_key_filter(void **state)
{
	const struct ovl_encap *e = gretap();
	unsigned int c;

	(void)state;
	for (c = 0; c < RTE_DIM(key_cases); c++) {
		struct ovl_encap_values tv = gre_values(key_cases[c].frame_key);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
			struct ovl_layers l;

			expect_key(&cfg, key_cases[c].rx_key);
			EXPECT_RC(parse_exact(f.buf, f.len, &cfg, &l), key_cases[c].want,
					"%s: case %u: receiver's key %" PRId64, f.name, c + 1,
					key_cases[c].rx_key);
			CHECK(l.encap == e, "%s: case %u: claimed by %s", f.name, c + 1,
					l.encap != NULL ? l.encap->name : "none");
			if (key_cases[c].want == 0)
				CHECK(same_layers(&l, &f.l), "%s: case %u: other layers", f.name, c + 1);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Flags, version, protocol */

static const struct {
	const char *what;
	uint16_t set;   /* ORed into the first 16 bits */
} flag_cases[] = {
	/* 1 */ { "C (checksum present)", GRE_C },
	/* 2 */ { "R (routing present)", GRE_R },
	/* 3 */ { "s (strict source route)", 0x0800 },
	/* 4 */ { "recursion control 1", 0x0100 },
	/* 5 */ { "recursion control 2", 0x0200 },
	/* 6 */ { "recursion control 4", 0x0400 },
	/* 7 */ { "reserved flag 0x0080", 0x0080 },
	/* 8 */ { "reserved flag 0x0040", 0x0040 },
	/* 9 */ { "reserved flag 0x0020", 0x0020 },
	/* 10 */ { "reserved flag 0x0010", 0x0010 },
	/* 11 */ { "reserved flag 0x0008", 0x0008 },
	/* 12 */ { "version 1 (PPTP's enhanced GRE)", 0x0001 },
	/* 13 */ { "version 2", 0x0002 },
	/* 14 */ { "version 4", 0x0004 },
	/* 15 */ { "version 7", 0x0007 },
	/* 16 */ { "C and K", GRE_C | GRE_K },
	/* 17 */ { "R, K and S", GRE_R | GRE_K | GRE_S },
	/* 18 */ { "version 1 with K and S (PPTP)", 0x0001 | GRE_K | GRE_S },
	/* 19 */ { "every bit but K and S", 0xCFFF },
};

/*
 * RFC 2784 2.3 and 2.3.1: a receiver discards these; a checksum ovlperf does not verify. Then
 * K or S set against the frame (a key or sequence number missing; or, K cleared, the key taken
 * for the inner Ethernet header): dropped, for whatever reason, never accepted.
 */
static void
test_gretap_flags_and_version(void **state)
{
	static const uint16_t flips[] = { GRE_K, GRE_S };
	const struct ovl_encap *e = gretap();
	unsigned int k, c;

	(void)state;
	for (k = 0; k < RTE_DIM(frame_keys); k++) {
		struct ovl_encap_values tv = gre_values(frame_keys[k]);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
			uint32_t gre = gre_of(&f.l);

			for (c = 0; c < RTE_DIM(flag_cases); c++) {
				uint8_t *fr = frame_scratch(&f);
				struct ovl_layers l;

				put16(fr + gre + GRE_FLAGS, get16(fr + gre + GRE_FLAGS) | flag_cases[c].set);
				EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), TUNNEL_FLAGS,
						"%s: case %u, %s", f.name, c + 1, flag_cases[c].what);
				/* Before the key: a receiver filtering on it says flags too. */
				expect_key(&cfg, frame_keys[k] == NO_KEY ? 7 : frame_keys[k] ^ 1);
				EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), TUNNEL_FLAGS,
						"%s: case %u, %s, other key filtered", f.name, c + 1,
						flag_cases[c].what);
				expect_key(&cfg, NO_KEY);
			}
			for (c = 0; c < RTE_DIM(flips); c++) {
				struct ovl_layers l;
				int rc;

				put16(frame_scratch(&f) + gre + GRE_FLAGS, get16(f.buf + gre) ^ flips[c]);
				rc = parse_exact(scratch, f.len, &cfg, &l);
				CHECK(rc < 0 && rc > -OVL_DROP_MAX && l.encap == e, "%s: flags 0x%04x "
						"flipped: %s", f.name, flips[c], rc_name(rc));
			}
		}
	}
}

/* Only transparent Ethernet bridging: plain GRE (IPv4 in 0x0800), ERSPAN and the rest are not. */
static void
test_gretap_protocol(void **state)
{
	static const uint16_t protos[] = {
		0x0800, 0x86DD, 0x0806, 0x88BE, 0x22EB, 0x8847, 0x880B, 0x0000, 0xFFFF, 0x5865,
		0x6559,
	};
	const struct ovl_encap *e = gretap();
	unsigned int k, p;

	(void)state;
	for (k = 0; k < RTE_DIM(frame_keys); k++) {
		struct ovl_encap_values tv = gre_values(frame_keys[k]);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
			struct ovl_layers l;

			for (p = 0; p < RTE_DIM(protos); p++) {
				put16(frame_scratch(&f) + gre_of(&f.l) + GRE_PROTO, protos[p]);
				EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), TUNNEL_FLAGS,
						"%s: protocol 0x%04x", f.name, protos[p]);
				CHECK(l.encap == e, "%s: protocol 0x%04x: claimed by %s", f.name,
						protos[p], l.encap != NULL ? l.encap->name : "none");
			}
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Sequence number */

typedef void frame_check(const uint8_t *buf, uint32_t len, const struct ovl_layers *l,
		int64_t key, const char *name);

/* Runs check on every GRE-TAP frame, keyed or not, and on each with sequence number seq. */
static void
for_each_frame_and_sequence(frame_check *check, uint32_t seq)
{
	const struct ovl_encap *e = ovl_encap_find("gretap");
	unsigned int k;

	for (k = 0; k < RTE_DIM(frame_keys); k++) {
		struct ovl_encap_values tv = gre_values(frame_keys[k]);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			static uint8_t seq_frame[SCRATCH_LEN];
			struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
			uint32_t len = with_sequence(f.buf, f.len, &f.l, seq, seq_frame);
			struct ovl_layers l;
			char name[200];

			check(f.buf, f.len, &f.l, frame_keys[k], f.name);
			EXPECT_RC(parse_exact(seq_frame, len, &cfg, &l), 0, "%s: sequence %u", f.name, seq);
			snprintf(name, sizeof(name), "%s, sequence %u", f.name, seq);
			check(seq_frame, len, &l, frame_keys[k], name);
		}
	}
}

/*
 * A sequence number (S bit, 4 bytes after the key) is skipped: the frame is accepted with
 * every layer after it 4 bytes later, its checksums and fill intact, and the key, where there
 * is one, still read from its own place (a filter equal to the sequence number is no match).
 */
static void
test_gretap_sequence_number(void **state)
{
	static const uint32_t seqs[] = { 0, 1, 0x12345679, 0xFFFFFFFF };
	const struct ovl_encap *e = gretap();
	unsigned int k, s;

	(void)state;
	for (k = 0; k < RTE_DIM(frame_keys); k++) {
		struct ovl_encap_values tv = gre_values(frame_keys[k]);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			const struct ovl_layers *fl = &f.l;

			for (s = 0; s < RTE_DIM(seqs); s++) {
				struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
				uint32_t len = with_sequence(f.buf, f.len, fl, seqs[s], scratch);
				struct ovl_layers l;

				EXPECT_RC(parse_exact(scratch, len, &cfg, &l), 0, "%s: sequence %u",
						f.name, seqs[s]);
				CHECK(l.encap == e && l.len == fl->len + 4 && l.l3 == fl->l3 &&
						l.l3_end == fl->l3_end + 4 && l.tunnel == 0 &&
						l.inner_l2 == fl->inner_l2 + 4 && l.inner_l3 == fl->inner_l3 + 4 &&
						l.inner_end == fl->inner_end + 4 && l.l4 == fl->l4 + 4 &&
						l.probe == fl->probe + 4 && l.payload_len == fl->payload_len &&
						l.l4_proto == fl->l4_proto, "%s: sequence %u: inner_l2 %u "
						"inner_l3 %u probe %u", f.name, seqs[s], l.inner_l2, l.inner_l3,
						l.probe);
				CHECK(ovl_frame_verify_cksums(scratch, &l) == 0 &&
						ovl_frame_verify_fill(scratch, &l) == 0,
						"%s: sequence %u: checksums or fill", f.name, seqs[s]);
				expect_key(&cfg, frame_keys[k]);
				EXPECT_RC(parse_exact(scratch, len, &cfg, &l), 0,
						"%s: sequence %u, its own key filtered (if any)", f.name, seqs[s]);
				expect_key(&cfg, seqs[s]);
				EXPECT_RC(parse_exact(scratch, len, &cfg, &l),
						frame_keys[k] == (int64_t)seqs[s] ? 0 : TUNNEL_ID,
						"%s: sequence %u, the sequence number as key filtered",
						f.name, seqs[s]);
			}
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Truncation */

/*
 * The outer packet (lengths consistent) ends at every byte of the GRE header, key and sequence
 * number and of the inner Ethernet header: truncated-tunnel, then truncated-inner-ethernet;
 * the same with the rest of the frame as Ethernet padding. A receiver filtering on another key
 * says tunnel-id once the fields that show it are whole (the flags, and the key if any).
 */
static void
check_truncation(const uint8_t *buf, uint32_t len, const struct ovl_layers *fl, int64_t key,
		const char *name)
{
	int keyed = key != NO_KEY;
	struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
	struct ovl_rx_config own = rx_config(mask_of(ovl_encap_index(fl->encap)));
	struct ovl_rx_config other = rx_config(OVL_ENCAP_MASK_ALL);
	uint32_t gre = gre_of(fl), key_end = gre + GRE_BASE_LEN + (keyed ? GRE_FIELD_LEN : 0);
	uint8_t *fr = scratch2;
	uint32_t cut;

	memcpy(fr, buf, len);
	expect_key(&other, keyed ? get32(buf + gre + GRE_BASE_LEN) ^ 0x100 : 7);
	for (cut = gre; cut < (uint32_t)fl->inner_l2 + RTE_ETHER_HDR_LEN; cut++) {
		int want = cut < fl->inner_l2 ? -OVL_DROP_TRUNC_TUNNEL : -OVL_DROP_TRUNC_INNER_ETH;
		struct ovl_layers l;

		set_outer_end(fr, fl, cut, 0);
		EXPECT_RC(parse_exact(fr, cut, &own, &l), want,
				"%s: outer packet ends at %u (%u into GRE)", name, cut, cut - gre);
		EXPECT_RC(parse_exact(fr, len, &all, &l), want,
				"%s: outer packet ends at %u, the rest as padding", name, cut);
		EXPECT_RC(parse_exact(fr, cut, &other, &l),
				cut < key_end ? -OVL_DROP_TRUNC_TUNNEL : TUNNEL_ID,
				"%s: outer packet ends at %u, another key filtered", name, cut);
	}
}

static void
test_gretap_truncation_in_header_key_and_sequence(void **state)
{
	(void)state;
	gretap();
	for_each_frame_and_sequence(check_truncation, 0x01020304);
}

/*
 * An IPv4 packet of protocol 47 too short for the GRE header (padded to the Ethernet minimum
 * with zeros, or not): truncated-tunnel; one of another kind relabelled 47 (IP-in-IP's inner
 * header read as GRE flags 0x4500): tunnel-flags. Neither is left to raw.
 */
static void
test_gretap_protocol_47_not_gretap(void **state)
{
	const struct ovl_encap *e = gretap();
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	struct ovl_rx_config own = rx_config(mask_of(ovl_encap_index(e)));

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		uint32_t n;
		struct ovl_layers l;

		if (f.v.size != 0 || f.l.tunnel != 0 || f.l.inner_l2 != 0)
			continue; /* raw and ipip at their smallest: no UDP, no GRE */
		for (n = 0; n < GRE_BASE_LEN; n++) {
			uint8_t *fr = frame_scratch(&f);
			uint32_t end = f.l.l3 + OVL_IPV4_HDR_LEN + n;

			fr[f.l.l3 + IP_PROTO] = 47;
			put16(fr + f.l.l3 + IP_TOTAL, (uint16_t)(end - f.l.l3));
			ipv4_fix_cksum(fr + f.l.l3);
			memset(fr + end, 0, f.len - end);
			EXPECT_RC(parse_exact(fr, end, &cfg, &l), -OVL_DROP_TRUNC_TUNNEL,
					"%s relabelled 47: %u bytes of GRE", f.name, n);
			EXPECT_RC(parse_exact(fr, end > OVL_ETH_MIN_NOFCS ? end : OVL_ETH_MIN_NOFCS,
					&own, &l), -OVL_DROP_TRUNC_TUNNEL,
					"%s relabelled 47: %u bytes of GRE, padded", f.name, n);
			CHECK(l.encap == e, "%s relabelled 47: claimed by %s", f.name,
					l.encap != NULL ? l.encap->name : "none");
		}
		if (f.l.l3 != f.l.inner_l3) {
			uint8_t *fr = frame_scratch(&f);

			fr[f.l.l3 + IP_PROTO] = 47;
			ipv4_fix_cksum(fr + f.l.l3);
			EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), TUNNEL_FLAGS,
					"%s relabelled 47", f.name);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Inner Ethernet, turnaround */

static void
test_gretap_inner_ethertype_not_ipv4(void **state)
{
	static const uint16_t types[] = { 0x0806, 0x8100, 0x6558, 0x0000, 0x0008, 0xFFFF };
	static const uint8_t inner_src[RTE_ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0x01, 0x01 };
	const struct ovl_encap *e = gretap();
	unsigned int k, t;

	(void)state;
	for (k = 0; k < RTE_DIM(frame_keys); k++) {
		struct ovl_encap_values tv = gre_values(frame_keys[k]);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
			struct ovl_layers l;

			expect_key(&cfg, frame_keys[k]);
			for (t = 0; t < RTE_DIM(types); t++) {
				put16(frame_scratch(&f) + f.l.inner_l2 + ETH_TYPE, types[t]);
				EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_INNER_NOT_IPV4,
						"%s: inner EtherType 0x%04x", f.name, types[t]);
				/* Located all the same, after the key: an inner ARP is answered. */
				CHECK(l.encap == e && l.inner_l2 == f.l.inner_l2 && l.inner_l3 == 0,
						"%s: inner EtherType 0x%04x: inner_l2 %u inner_l3 %u", f.name,
						types[t], l.inner_l2, l.inner_l3);
				CHECK(memcmp(scratch + l.inner_l2 + RTE_ETHER_ADDR_LEN, inner_src,
						RTE_ETHER_ADDR_LEN) == 0, "%s: inner source MAC", f.name);
			}
		}
	}
}

/*
 * Once: the inner Ethernet addresses swapped, the GRE header, key and sequence number
 * untouched (Linux's gretap answers with the key it was given); every checksum valid; the reply
 * parses with the same layers at a receiver filtering the same key. Twice: the frame restored.
 */
static void
check_turnaround(const uint8_t *buf, uint32_t len, const struct ovl_layers *fl, int64_t key,
		const char *name)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	uint32_t gre = gre_of(fl);
	uint8_t *fr = scratch2;
	struct ovl_layers l;

	memcpy(fr, buf, len);
	ovl_frame_turnaround(fr, fl);
	CHECK(memcmp(fr + fl->inner_l2, buf + fl->inner_l2 + RTE_ETHER_ADDR_LEN,
			RTE_ETHER_ADDR_LEN) == 0 && memcmp(fr + fl->inner_l2 + RTE_ETHER_ADDR_LEN,
			buf + fl->inner_l2, RTE_ETHER_ADDR_LEN) == 0, "%s: inner MACs not swapped", name);
	CHECK(memcmp(fr + gre, buf + gre, fl->inner_l2 - gre) == 0,
			"%s: GRE header, key or sequence number changed", name);
	CHECK(memcmp(fr + fl->l3 + IP_SRC, buf + fl->l3 + IP_DST, 4) == 0 &&
			memcmp(fr + fl->l3 + IP_DST, buf + fl->l3 + IP_SRC, 4) == 0,
			"%s: outer addresses not swapped", name);
	CHECK(ovl_frame_verify_cksums(fr, fl) == 0, "%s: checksums of the reply", name);
	expect_key(&cfg, key);
	EXPECT_RC(parse_exact(fr, len, &cfg, &l), 0, "%s: the reply, its key filtered", name);
	CHECK(same_layers(&l, fl), "%s: the reply has other layers", name);
	CHECK(ovl_frame_verify_fill(fr, &l) == 0, "%s: the reply's fill", name);
	ovl_frame_turnaround(fr, &l);
	CHECK(memcmp(fr, buf, len) == 0, "%s: twice: not the frame", name);
}

static void
test_gretap_turnaround(void **state)
{
	(void)state;
	gretap();
	for_each_frame_and_sequence(check_turnaround, 0xFFFFFFFE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gretap_frames_as_built),
		cmocka_unit_test(test_gretap_key_filter),
		cmocka_unit_test(test_gretap_flags_and_version),
		cmocka_unit_test(test_gretap_protocol),
		cmocka_unit_test(test_gretap_sequence_number),
		cmocka_unit_test(test_gretap_truncation_in_header_key_and_sequence),
		cmocka_unit_test(test_gretap_protocol_47_not_gretap),
		cmocka_unit_test(test_gretap_inner_ethertype_not_ipv4),
		cmocka_unit_test(test_gretap_turnaround),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
