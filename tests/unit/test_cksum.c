/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 1624 incremental checksum update (cksum.h) against full recomputation with DPDK's
 * rte_raw_cksum / rte_ipv4_udptcp_cksum: on random buffers (fixed seed), on the RFC's own
 * example and its 0x0000 / 0xFFFF edge, and on real frames of every encapsulation in
 * ovl_encaps[] whose probe fields are patched the way the sender's hot path does.
 *
 * No EAL: only plain buffers and DPDK's inline header helpers.
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

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "testrand.h"
#include "cksum.h"
#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "probe.h"

#define SEED 0x636b73756d303031ull
#define RANDOM_BUFFERS 40000
#define MAX_BUF 9000
#define PATCHES_PER_FRAME 48
#define SCRATCH_LEN (OVL_FRAME_MAX + 64)

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		print_error(__VA_ARGS__); \
		print_error("\n    check failed: %s\n", #cond); \
		_fail(__FILE__, __LINE__); \
	} \
} while (0)

#define CHECK_CKSUM(got, want, ...) do { \
	uint16_t got_ = (got), want_ = (want); \
	if (got_ != want_) { \
		print_error(__VA_ARGS__); \
		print_error("\n    checksum 0x%04x (memory order), expected 0x%04x\n", got_, want_); \
		_fail(__FILE__, __LINE__); \
	} \
} while (0)

/* ---------------------------------------------------------------------------------------- */
/* Helpers */



/* The Internet checksum of a region, as it would be stored in it (memory order). */
static uint16_t
full_cksum(const void *buf, size_t len)
{
	return (uint16_t)~rte_raw_cksum(buf, len);
}

static uint16_t
load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void
store16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* One's complement sum of two memory-order words, folded (never 0 unless both are). */
static uint16_t
ones_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;

	return (uint16_t)((s & 0xFFFF) + (s >> 16));
}

static void
new_field_bytes(uint8_t *nb, const uint8_t *old, size_t len)
{
	switch (rng_below(8)) {
	case 0:
		memcpy(nb, old, len);   /* unchanged */
		break;
	case 1:
		memset(nb, 0, len);
		break;
	case 2:
		memset(nb, 0xFF, len);
		break;
	default:
		rng_fill(nb, len);
		break;
	}
}

/* ---------------------------------------------------------------------------------------- */
/* RFC 1624 and the UDP zero rule */

/*
 * RFC 1624, section 4: the one's complement sum of the other header octets is 0xCD7A and a
 * 16-bit field m = 0x5555 changes to m' = 0x3285. HC = 0xDD2F; recomputation gives 0x0000,
 * and so must equation 3 (equation 2 of RFC 1141 gave the wrong 0xFFFF).
 */
static void
test_rfc1624_section4_example(void **state)
{
	const uint8_t m[2] = { 0x55, 0x55 }, m_new[2] = { 0x32, 0x85 };
	uint8_t hdr[6] = { 0xCD, 0x7A, 0x55, 0x55, 0x00, 0x00 }; /* other octets, m, checksum */
	uint16_t hc = rte_cpu_to_be_16(0xDD2F), hc_new;

	(void)state;
	CHECK_CKSUM(full_cksum(hdr, 4), hc, "RFC 1624 example: HC = ~(0xCD7A + 0x5555)");
	store16(hdr + 4, hc);
	CHECK(rte_raw_cksum(hdr, 6) == 0xFFFF, "RFC 1624 example: HC verifies");

	hc_new = ovl_cksum_update(hc, m, m_new, 2);
	CHECK_CKSUM(hc_new, rte_cpu_to_be_16(0x0000), "RFC 1624 example: equation 3");
	CHECK_CKSUM(ovl_cksum_apply(hc, ovl_cksum_diff(0, m, m_new, 2)), rte_cpu_to_be_16(0x0000),
			"RFC 1624 example: diff + apply");
	memcpy(hdr + 2, m_new, 2);
	CHECK_CKSUM(hc_new, full_cksum(hdr, 4), "RFC 1624 example: recomputation");
	store16(hdr + 4, hc_new);
	CHECK(rte_raw_cksum(hdr, 6) == 0xFFFF, "RFC 1624 example: HC' = 0x0000 verifies (sum 0x%04x)",
			rte_raw_cksum(hdr, 6));
	/* And back again. */
	CHECK_CKSUM(ovl_cksum_update(hc_new, m_new, m, 2), hc, "RFC 1624 example: reverse");
}

/* RFC 768: a computed UDP checksum of zero is sent as 0xFFFF; every other value as it is. */
static void
test_udp_cksum_fixup(void **state)
{
	uint32_t v;

	(void)state;
	CHECK_CKSUM(ovl_udp_cksum_fixup(0), 0xFFFF, "fixup(0)");
	for (v = 1; v <= 0xFFFF; v++)
		CHECK_CKSUM(ovl_udp_cksum_fixup((uint16_t)v), (uint16_t)v, "fixup(0x%04x)", v);
}

/* ---------------------------------------------------------------------------------------- */
/* Random buffers */

static uint32_t
random_len(unsigned long i)
{
	uint32_t len = 2 + rng_below(MAX_BUF - 1); /* 2 .. 9000 */

	/* Alternate even and odd lengths. */
	if ((len & 1) != (i & 1))
		len = len == MAX_BUF ? len - 1 : len + 1;
	return len;
}

static size_t
random_field_len(uint32_t len)
{
	static const size_t sizes[] = { 2, 4, 8, 16 };
	size_t n = sizes[rng_below(RTE_DIM(sizes))];

	while (n > len)
		n /= 2;
	return n;
}

/* An even offset where a field of n bytes fits in len. */
static uint32_t
random_even_offset(uint32_t len, size_t n)
{
	return 2 * rng_below((uint32_t)((len - n) / 2 + 1));
}

static void
test_update_matches_recompute_random_buffers(void **state)
{
	static uint8_t buf[MAX_BUF];
	unsigned long i, changed = 0;

	(void)state;
	rng_state = SEED;
	for (i = 0; i < RANDOM_BUFFERS; i++) {
		uint32_t len = random_len(i);
		size_t n = random_field_len(len);
		uint32_t off = random_even_offset(len, n);
		uint8_t old[16], nb[16];
		uint16_t ck, want, got;

		rng_fill(buf, len);
		ck = full_cksum(buf, len);
		memcpy(old, buf + off, n);
		new_field_bytes(nb, old, n);
		changed += memcmp(old, nb, n) != 0;
		memcpy(buf + off, nb, n);
		want = full_cksum(buf, len);
		got = ovl_cksum_update(ck, old, nb, n);
		CHECK_CKSUM(got, want, "buffer %lu: %u bytes, %zu-byte field at offset %u", i, len, n,
				off);
		got = ovl_cksum_apply(ck, ovl_cksum_diff(0, old, nb, n));
		CHECK_CKSUM(got, want, "buffer %lu: diff + apply, %u bytes, %zu-byte field at %u", i,
				len, n, off);
	}
	CHECK(changed > RANDOM_BUFFERS / 2, "only %lu buffers changed", changed);
}

/*
 * An odd-length buffer's last byte is summed as the high-address half of a word padded with
 * zero: updating it works as a 2-byte field { byte, 0 }.
 */
static void
test_update_of_odd_length_tail(void **state)
{
	static uint8_t buf[MAX_BUF];
	unsigned long i;

	(void)state;
	rng_state = SEED ^ 1;
	for (i = 0; i < RANDOM_BUFFERS / 4; i++) {
		uint32_t len = random_len(1); /* odd */
		uint8_t old[2] = { 0, 0 }, nb[2] = { 0, 0 };
		uint16_t ck;

		rng_fill(buf, len);
		ck = full_cksum(buf, len);
		old[0] = buf[len - 1];
		nb[0] = (uint8_t)rng_next();
		buf[len - 1] = nb[0];
		CHECK_CKSUM(ovl_cksum_update(ck, old, nb, 2), full_cksum(buf, len),
				"buffer %lu: last byte of %u changed 0x%02x -> 0x%02x", i, len, old[0], nb[0]);
	}
}

/* Two fields changed, their differences chained with ovl_cksum_diff and applied once. */
static void
test_chained_diff_two_fields_matches_recompute(void **state)
{
	static uint8_t buf[MAX_BUF];
	unsigned long i;

	(void)state;
	rng_state = SEED ^ 2;
	for (i = 0; i < RANDOM_BUFFERS / 2; i++) {
		uint32_t len = random_len(i);
		size_t n1 = random_field_len(len), n2 = random_field_len(len);
		uint32_t o1 = random_even_offset(len, n1), o2 = random_even_offset(len, n2);
		uint8_t old1[16], new1[16], old2[16], new2[16];
		uint32_t d;
		uint16_t ck, want;

		if (o1 < o2 + n2 && o2 < o1 + n1)
			continue; /* overlapping: not two fields */
		rng_fill(buf, len);
		ck = full_cksum(buf, len);
		memcpy(old1, buf + o1, n1);
		memcpy(old2, buf + o2, n2);
		new_field_bytes(new1, old1, n1);
		new_field_bytes(new2, old2, n2);
		memcpy(buf + o1, new1, n1);
		memcpy(buf + o2, new2, n2);
		want = full_cksum(buf, len);

		d = ovl_cksum_diff(ovl_cksum_diff(0, old1, new1, n1), old2, new2, n2);
		CHECK_CKSUM(ovl_cksum_apply(ck, d), want,
				"buffer %lu: %u bytes, fields %zu@%u and %zu@%u", i, len, n1, o1, n2, o2);
		d = ovl_cksum_diff(ovl_cksum_diff(0, old2, new2, n2), old1, new1, n1);
		CHECK_CKSUM(ovl_cksum_apply(ck, d), want,
				"buffer %lu: fields chained in the other order", i);
		/* Two single updates in a row give the same. */
		CHECK_CKSUM(ovl_cksum_update(ovl_cksum_update(ck, old1, new1, n1), old2, new2, n2),
				want, "buffer %lu: two updates in a row", i);
	}
}

/*
 * The checksum inside the region it covers, as in every real header: after the update the
 * region sums to 0xFFFF, and the stored value equals a recomputation.
 */
static void
test_update_embedded_checksum_verifies(void **state)
{
	static uint8_t buf[MAX_BUF];
	unsigned long i;

	(void)state;
	rng_state = SEED ^ 3;
	for (i = 0; i < RANDOM_BUFFERS / 2; i++) {
		uint32_t len = random_len(i);
		size_t n;
		uint32_t ck_off, off;
		uint8_t old[16], nb[16];
		uint16_t ck;

		if (len < 4)
			len = 4 + (len & 1);
		do { /* a field that does not overlap the checksum */
			ck_off = random_even_offset(len, 2);
			n = random_field_len(len - 2);
			off = random_even_offset(len, n);
		} while (off < ck_off + 2 && ck_off < off + n);
		rng_fill(buf, len);
		store16(buf + ck_off, 0);
		store16(buf + ck_off, full_cksum(buf, len));
		CHECK(rte_raw_cksum(buf, len) == 0xFFFF, "buffer %lu: built checksum", i);

		memcpy(old, buf + off, n);
		new_field_bytes(nb, old, n);
		memcpy(buf + off, nb, n);
		ck = ovl_cksum_update(load16(buf + ck_off), old, nb, n);
		store16(buf + ck_off, ck);
		CHECK(rte_raw_cksum(buf, len) == 0xFFFF,
				"buffer %lu: %u bytes, checksum at %u, %zu-byte field at %u: sums to 0x%04x",
				i, len, ck_off, n, off, rte_raw_cksum(buf, len));
		store16(buf + ck_off, 0);
		CHECK_CKSUM(ck, full_cksum(buf, len), "buffer %lu: against recomputation", i);
	}
}

/*
 * The edge of RFC 1624: when the data after the change sums to 0xFFFF, the checksum is
 * 0x0000 (what recomputation gives), never 0xFFFF, and with it the region still sums to 0xFFFF.
 */
static void
test_update_result_zero_not_ffff(void **state)
{
	static uint8_t buf[MAX_BUF];
	unsigned long i;

	(void)state;
	rng_state = SEED ^ 4;
	for (i = 0; i < RANDOM_BUFFERS / 4; i++) {
		uint32_t len = random_len(i), ck_off, off;
		uint8_t old[2], nb[2];
		uint16_t ck, rest, m_new;

		if (len < 4)
			len = 4 + (len & 1);
		ck_off = random_even_offset(len, 2);
		do
			off = random_even_offset(len, 2);
		while (off == ck_off);
		rng_fill(buf, len);
		store16(buf + ck_off, 0);
		store16(buf + ck_off, full_cksum(buf, len));
		memcpy(old, buf + off, 2);
		/* m' such that everything but the checksum sums to 0xFFFF. */
		store16(buf + off, 0);
		store16(buf + ck_off, 0);
		rest = rte_raw_cksum(buf, len);
		m_new = (uint16_t)~rest;
		store16(nb, m_new);
		memcpy(buf + off, old, 2);
		store16(buf + ck_off, full_cksum(buf, len));

		ck = ovl_cksum_update(load16(buf + ck_off), old, nb, 2);
		memcpy(buf + off, nb, 2);
		CHECK_CKSUM(ck, 0x0000, "buffer %lu: %u bytes, field at %u set so the data sums to 0xFFFF",
				i, len, off);
		store16(buf + ck_off, ck);
		CHECK(rte_raw_cksum(buf, len) == 0xFFFF, "buffer %lu: 0x0000 verifies (sum 0x%04x)", i,
				rte_raw_cksum(buf, len));
		store16(buf + ck_off, 0);
		CHECK_CKSUM(full_cksum(buf, len), 0x0000, "buffer %lu: recomputation", i);
		/* And away from it again: back to the first value. */
		memcpy(buf + off, old, 2);
		CHECK_CKSUM(ovl_cksum_update(ck, nb, old, 2), full_cksum(buf, len),
				"buffer %lu: update starting from 0x0000", i);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Frames: the sender's hot path */

struct frame {
	char name[160];
	uint8_t buf[SCRATCH_LEN];
	uint32_t len;
	struct ovl_frame_layout lay;
	struct ovl_layers l;
};

static const uint32_t frame_sizes[] = { 0, 128, 1518, 9018 };

/* Calls fn on every frame: encap x vlan x proto x size x probe form x outer UDP checksum. */
static void
for_each_frame(uint8_t proto_only, void (*fn)(struct frame *f))
{
	static const uint8_t protos[] = { IPPROTO_UDP, IPPROTO_ICMP };
	static const enum ovl_probe_form forms[] = { OVL_PROBE_COMPACT, OVL_PROBE_FULL };
	static const enum ovl_outer_udp_csum csums[] = {
		OVL_OUTER_UDP_CSUM_DEFAULT, OVL_OUTER_UDP_CSUM_COMPUTE, OVL_OUTER_UDP_CSUM_ZERO,
	};
	static struct frame f;
	struct ovl_rx_config cfg;
	unsigned int e, vlan, p, s, fo, c, built = 0;

	ovl_rx_config_defaults(&cfg);
	for (e = 0; ovl_encaps[e] != NULL; e++)
	for (vlan = 0; vlan < 2; vlan++)
	for (p = 0; p < RTE_DIM(protos); p++)
	for (s = 0; s < RTE_DIM(frame_sizes); s++)
	for (fo = 0; fo < RTE_DIM(forms); fo++)
	for (c = 0; c < RTE_DIM(csums); c++) {
		struct ovl_frame_spec spec;
		struct ovl_probe probe = {
			.session = 0x01020304, .stream = 1, .seq = 0x0102030405060708ull,
			.tx_ts = 0x1112131415161718ull,
		};
		char err[256];
		int rc;

		if (proto_only != 0 && protos[p] != proto_only)
			continue;
		ovl_frame_spec_defaults(&spec, ovl_encaps[e]);
		spec.vlan = vlan ? 100 : 0;
		spec.inner_proto = protos[p];
		spec.size = frame_sizes[s];
		spec.probe_form = forms[fo];
		spec.outer_udp_csum = csums[c];
		snprintf(f.name, sizeof(f.name), "%s vlan=%u %s size=%u%s probe=%s outer-udp-csum=%s",
				ovl_encaps[e]->name, vlan, protos[p] == IPPROTO_UDP ? "udp" : "icmp",
				frame_sizes[s], frame_sizes[s] == 0 ? " (smallest)" : "",
				forms[fo] == OVL_PROBE_FULL ? "full" : "compact",
				c == 0 ? "default" : c == 1 ? "compute" : "zero");
		if (ovl_frame_layout(&spec, &f.lay, err, sizeof(err)) != 0) {
			CHECK(forms[fo] == OVL_PROBE_FULL, "%s: layout: %s", f.name, err);
			continue; /* no room for a full probe */
		}
		rc = ovl_frame_build(f.buf, sizeof(f.buf), &spec, &f.lay, &probe);
		CHECK(rc > 0, "%s: build %d", f.name, rc);
		f.len = (uint32_t)rc;
		rc = ovl_parse(f.buf, f.len, &cfg, &f.l);
		CHECK(rc == 0, "%s: parse %d (%s)", f.name, rc, ovl_drop_name(rc));
		CHECK(ovl_frame_verify_cksums(f.buf, &f.l) == 0, "%s: built checksums", f.name);
		fn(&f);
		built++;
	}
	CHECK(built > 0, "no frames");
}

static uint32_t
l4_cksum_off(const struct ovl_layers *l)
{
	return l->l4 + (l->l4_proto == IPPROTO_UDP ? 6 : 2);
}

/*
 * Replaces n bytes at off (inside the inner L4 payload) by nb and updates incrementally, as
 * the sender does per packet: the inner UDP (fixed up for zero) or ICMP checksum, and the
 * outer UDP checksum, when there is one, over both changes (the field and the inner checksum).
 */
static void
patch_payload(struct frame *f, uint32_t off, const uint8_t *nb, size_t n)
{
	const struct ovl_layers *l = &f->l;
	uint8_t old[16];
	uint32_t ick_off = l4_cksum_off(l);
	uint16_t ick_old = load16(f->buf + ick_off), ick_new;

	/* The update's precondition: an even offset from the start of every checksummed region. */
	CHECK((off - l->l4) % 2 == 0 && n % 2 == 0, "%s: field at %u, l4 at %u", f->name, off, l->l4);
	CHECK(l->tunnel == 0 || ((off - l->tunnel) % 2 == 0 && (ick_off - l->tunnel) % 2 == 0),
			"%s: field at %u, outer udp at %u", f->name, off, l->tunnel);
	memcpy(old, f->buf + off, n);
	memcpy(f->buf + off, nb, n);
	ick_new = ovl_cksum_update(ick_old, old, nb, n);
	if (l->l4_proto == IPPROTO_UDP)
		ick_new = ick_old == 0 ? 0 : ovl_udp_cksum_fixup(ick_new); /* 0: no checksum */
	store16(f->buf + ick_off, ick_new);
	if (l->tunnel != 0 && load16(f->buf + l->tunnel + 6) != 0) {
		uint32_t d = ovl_cksum_diff(0, old, nb, n);

		d = ovl_cksum_diff(d, &ick_old, &ick_new, 2);
		store16(f->buf + l->tunnel + 6,
				ovl_udp_cksum_fixup(ovl_cksum_apply(load16(f->buf + l->tunnel + 6), d)));
	}
}

/* Checks every checksum of the frame against DPDK's verification and full recomputation. */
static void
check_frame_cksums(struct frame *f, const char *what)
{
	const struct ovl_layers *l = &f->l;
	struct rte_ipv4_hdr *inner = (struct rte_ipv4_hdr *)(f->buf + l->inner_l3);
	struct rte_ipv4_hdr *outer = (struct rte_ipv4_hdr *)(f->buf + l->l3);
	uint32_t ick_off = l4_cksum_off(l);
	uint16_t stored = load16(f->buf + ick_off), full;

	store16(f->buf + ick_off, 0);
	if (l->l4_proto == IPPROTO_UDP)
		full = rte_ipv4_udptcp_cksum(inner, f->buf + l->l4);
	else
		full = full_cksum(f->buf + l->l4, l->inner_end - l->l4);
	store16(f->buf + ick_off, stored);
	CHECK_CKSUM(stored, full, "%s, %s: inner %s checksum against recomputation", f->name, what,
			l->l4_proto == IPPROTO_UDP ? "UDP" : "ICMP");
	if (l->l4_proto == IPPROTO_UDP)
		CHECK(rte_ipv4_udptcp_cksum_verify(inner, f->buf + l->l4) == 0,
				"%s, %s: inner UDP checksum 0x%04x does not verify", f->name, what, stored);
	else
		CHECK(rte_raw_cksum(f->buf + l->l4, l->inner_end - l->l4) == 0xFFFF,
				"%s, %s: ICMP checksum 0x%04x does not verify", f->name, what, stored);

	if (l->tunnel != 0 && load16(f->buf + l->tunnel + 6) != 0) {
		stored = load16(f->buf + l->tunnel + 6);
		store16(f->buf + l->tunnel + 6, 0);
		full = rte_ipv4_udptcp_cksum(outer, f->buf + l->tunnel);
		store16(f->buf + l->tunnel + 6, stored);
		CHECK_CKSUM(stored, full, "%s, %s: outer UDP checksum against recomputation", f->name,
				what);
		CHECK(rte_ipv4_udptcp_cksum_verify(outer, f->buf + l->tunnel) == 0,
				"%s, %s: outer UDP checksum does not verify", f->name, what);
	}
	CHECK(ovl_frame_verify_cksums(f->buf, l) == 0, "%s, %s: ovl_frame_verify_cksums", f->name,
			what);
}

/* The probe's per-packet fields: offset from the probe and size, by form. */
struct probe_field {
	const char *name;
	uint8_t off, len;
};

static const struct probe_field compact_fields[] = {
	{ "seq", 6, 4 }, { "tx_ts", 10, 8 }, { "stream", 4, 2 }, { "session_tag", 2, 2 },
};
static const struct probe_field full_fields[] = {
	{ "seq", 16, 8 }, { "tx_ts", 24, 8 }, { "reflector_rx_ns", 32, 8 },
	{ "reflector_tx_ns", 40, 8 }, { "flags", 2, 2 }, { "tag", 48, 16 },
};

static void
patch_probe_fields(struct frame *f)
{
	int full = f->lay.probe_form == OVL_PROBE_FULL;
	const struct probe_field *fields = full ? full_fields : compact_fields;
	unsigned int n_fields = full ? RTE_DIM(full_fields) : RTE_DIM(compact_fields);
	unsigned int k;
	uint64_t seq = 0x0102030405060708ull;
	char what[96];

	for (k = 0; k < PATCHES_PER_FRAME; k++) {
		const struct probe_field *pf = &fields[k < 2 * n_fields ? k % n_fields
								   : rng_below(n_fields)];
		uint8_t nb[16];

		if (strcmp(pf->name, "seq") == 0) {
			/* What the sender does: the next sequence number, big-endian. */
			uint64_t be;

			seq += 1 + (rng_below(4) == 0 ? rng_next() : 0);
			be = rte_cpu_to_be_64(seq);
			memcpy(nb, (uint8_t *)&be + (8 - pf->len), pf->len);
		} else {
			new_field_bytes(nb, f->buf + f->l.probe + pf->off, pf->len);
		}
		patch_payload(f, f->l.probe + pf->off, nb, pf->len);
		snprintf(what, sizeof(what), "patch %u (%s)", k, pf->name);
		check_frame_cksums(f, what);
	}
	{
		struct ovl_probe p;

		CHECK(ovl_probe_read(f->buf + f->l.probe, f->l.payload_len, &p) == 0,
				"%s: probe after patching", f->name);
		CHECK(p.seq == (full ? seq : (uint32_t)seq), "%s: seq read back", f->name);
	}
}

/* Probe seq/timestamps patched with incremental updates: every checksum still verifies. */
static void
test_frame_probe_patch_udp_verifies(void **state)
{
	(void)state;
	rng_state = SEED ^ 5;
	for_each_frame(IPPROTO_UDP, patch_probe_fields);
}

static void
test_frame_probe_patch_icmp_verifies(void **state)
{
	(void)state;
	rng_state = SEED ^ 6;
	for_each_frame(IPPROTO_ICMP, patch_probe_fields);
}

/*
 * The inner IPv4 id (and the outer one, for tunnels) patched per packet: the IPv4 header
 * checksum by update, and the outer UDP checksum over the inner header's two changed fields.
 */
static void
patch_ip_ids(struct frame *f)
{
	const struct ovl_layers *l = &f->l;
	unsigned int k;

	for (k = 0; k < PATCHES_PER_FRAME; k++) {
		uint8_t *ip = f->buf + l->inner_l3;
		uint16_t id_old = load16(ip + 4), id_new = rte_cpu_to_be_16((uint16_t)(k * 7919 + 1));
		uint16_t ck_old = load16(ip + 10), ck_new;
		char what[64];

		ck_new = ovl_cksum_update(ck_old, &id_old, &id_new, 2);
		store16(ip + 4, id_new);
		store16(ip + 10, ck_new);
		if (l->tunnel != 0 && load16(f->buf + l->tunnel + 6) != 0) {
			uint8_t *o = f->buf + l->tunnel + 6;
			uint32_t d = ovl_cksum_diff(0, &id_old, &id_new, 2);

			CHECK((l->inner_l3 - l->tunnel) % 2 == 0, "%s: inner header at an odd offset",
					f->name);
			d = ovl_cksum_diff(d, &ck_old, &ck_new, 2);
			store16(o, ovl_udp_cksum_fixup(ovl_cksum_apply(load16(o), d)));
		}
		if (l->l3 != l->inner_l3) {
			uint8_t *op = f->buf + l->l3;
			uint16_t oid_old = load16(op + 4);
			uint16_t oid_new = rte_cpu_to_be_16((uint16_t)(k * 31 + 2));
			uint16_t ock = ovl_cksum_update(load16(op + 10), &oid_old, &oid_new, 2);

			store16(op + 4, oid_new);
			store16(op + 10, 0);
			CHECK_CKSUM(ock, full_cksum(op, OVL_IPV4_HDR_LEN), "%s, id patch %u: outer IPv4",
					f->name, k);
			store16(op + 10, ock);
		}
		snprintf(what, sizeof(what), "IP id patch %u", k);
		store16(ip + 10, 0);
		CHECK_CKSUM(ck_new, full_cksum(ip, OVL_IPV4_HDR_LEN), "%s, %s: inner IPv4", f->name,
				what);
		store16(ip + 10, ck_new);
		check_frame_cksums(f, what);
	}
}

static void
test_frame_ip_id_patch_verifies(void **state)
{
	(void)state;
	for_each_frame(0, patch_ip_ids);
}

/*
 * A UDP checksum that comes out 0x0000 by update is sent as 0xFFFF (fixup) and verifies; and
 * the next update starts from that 0xFFFF correctly.
 */
static void
force_udp_cksum_zero(struct frame *f)
{
	const struct ovl_layers *l = &f->l;
	uint32_t ick_off = l4_cksum_off(l);
	/* The seq field's low 16 bits: an even offset in every form. */
	uint32_t off = l->probe + (f->lay.probe_form == OVL_PROBE_FULL ? 16 + 6 : 6 + 2);
	uint16_t c = load16(f->buf + ick_off), w = load16(f->buf + off), w_new;

	if (c == 0xFFFF)
		return; /* already the zero case */
	/* w' = w + C (one's complement): the data then sums to 0xFFFF, checksum 0. */
	w_new = ones_add(w, c);
	CHECK_CKSUM(ovl_cksum_update(c, &w, &w_new, 2), 0x0000, "%s: update to zero", f->name);
	patch_payload(f, off, (const uint8_t *)&w_new, 2);
	CHECK_CKSUM(load16(f->buf + ick_off), 0xFFFF, "%s: zero sent as 0xFFFF", f->name);
	check_frame_cksums(f, "UDP checksum forced to zero");
	/* From 0xFFFF back to the original. */
	patch_payload(f, off, (const uint8_t *)&w, 2);
	CHECK_CKSUM(load16(f->buf + ick_off), c, "%s: back from 0xFFFF", f->name);
	check_frame_cksums(f, "back from 0xFFFF");
}

static void
test_udp_zero_cksum_sent_as_ffff_and_updated(void **state)
{
	(void)state;
	for_each_frame(IPPROTO_UDP, force_udp_cksum_zero);
}

/* ICMP has no zero rule: a checksum that comes out 0x0000 stays 0x0000 and verifies. */
static void
force_icmp_cksum_zero(struct frame *f)
{
	const struct ovl_layers *l = &f->l;
	uint32_t ick_off = l4_cksum_off(l);
	uint32_t off = l->probe + (f->lay.probe_form == OVL_PROBE_FULL ? 16 + 6 : 6 + 2);
	uint16_t c = load16(f->buf + ick_off), w = load16(f->buf + off), w_new;

	if (c == 0)
		return;
	w_new = ones_add(w, c);
	patch_payload(f, off, (const uint8_t *)&w_new, 2);
	CHECK_CKSUM(load16(f->buf + ick_off), 0x0000, "%s: ICMP checksum forced to zero", f->name);
	check_frame_cksums(f, "ICMP checksum forced to zero");
}

static void
test_icmp_zero_cksum_stays_zero(void **state)
{
	(void)state;
	for_each_frame(IPPROTO_ICMP, force_icmp_cksum_zero);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1624_section4_example),
		cmocka_unit_test(test_udp_cksum_fixup),
		cmocka_unit_test(test_update_matches_recompute_random_buffers),
		cmocka_unit_test(test_update_of_odd_length_tail),
		cmocka_unit_test(test_chained_diff_two_fields_matches_recompute),
		cmocka_unit_test(test_update_embedded_checksum_verifies),
		cmocka_unit_test(test_update_result_zero_not_ffff),
		cmocka_unit_test(test_frame_probe_patch_udp_verifies),
		cmocka_unit_test(test_frame_probe_patch_icmp_verifies),
		cmocka_unit_test(test_frame_ip_id_patch_verifies),
		cmocka_unit_test(test_udp_zero_cksum_sent_as_ffff_and_updated),
		cmocka_unit_test(test_icmp_zero_cksum_stays_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
