/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 1624 incremental checksum update (cksum.h) against full recomputation with DPDK's
 * rte_raw_cksum: on the RFC's own example and its 0x0000 / 0xFFFF edge, the UDP zero rule, and
 * random buffers and fields (fixed seed).
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
#include <rte_ip.h>

#include "cksum.h"
#include "cksum_words.h"

#define RANDOM_BUFFERS 40000
#define MAX_BUF 9000

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
