/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Turnaround (what the reflector does to a probe): once, checked byte by byte against a frame
 * turned around here independently of the library; twice, byte-identical to the original (see
 * parse_frames.h for the frames).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_icmp.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* ---------------------------------------------------------------------------------------- */
/* Turnaround */

/* What one turnaround must make of orig: built here byte by byte, independently of the library. */
static void
expected_turnaround(const struct ovl_layers *l, const uint8_t *orig, uint32_t len, uint8_t *exp,
		int swap_tunnel_ports)
{
	memcpy(exp, orig, len);
	swap_bytes(exp, exp + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	if (!is_raw(l))
		swap_bytes(exp + l->l3 + IP_SRC, exp + l->l3 + IP_DST, 4);
	swap_bytes(exp + l->inner_l3 + IP_SRC, exp + l->inner_l3 + IP_DST, 4);
	if (l->l4_proto == IPPROTO_UDP) {
		swap_bytes(exp + l->l4 + UDP_SPORT, exp + l->l4 + UDP_DPORT, 2);
	} else {
		exp[l->l4 + ICMP_TYPE] = exp[l->l4 + ICMP_TYPE] == RTE_IP_ICMP_ECHO_REQUEST
			? RTE_IP_ICMP_ECHO_REPLY : RTE_IP_ICMP_ECHO_REQUEST;
		icmp_fix_cksum(exp + l->l4, l->inner_end - l->l4);
	}
	if (l->inner_l2 != 0)
		swap_bytes(exp + l->inner_l2, exp + l->inner_l2 + RTE_ETHER_ADDR_LEN,
				RTE_ETHER_ADDR_LEN);
	if (l->tunnel != 0 && swap_tunnel_ports)
		swap_bytes(exp + l->tunnel + UDP_SPORT, exp + l->tunnel + UDP_DPORT, 2);
}

static long
first_difference(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

/*
 * A copy of f whose outer UDP source port differs from its destination port (flannel sends
 * from 8285 to 8285, where swapping would go unseen), outer UDP checksum kept valid.
 */
static void
with_outer_source_port(const struct frame *f, uint16_t port, uint8_t *out)
{
	memcpy(out, f->buf, f->len);
	put16(out + f->l.tunnel + UDP_SPORT, port);
	if (get16(out + f->l.tunnel + UDP_CKSUM) != 0)
		udp_fix_cksum(out + f->l.l3, out + f->l.tunnel);
}

static void
check_turnaround_once(const struct frame *f, const uint8_t *orig, const char *what)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	const struct ovl_layers *fl = &f->l;
	const char *name = f->v.encap->name;
	int rule = strcmp(name, "vxlan") == 0 ? 0 : strcmp(name, "flannel") == 0 ? 1 : -1;
	uint8_t *fr = scratch;
	struct ovl_layers l;
	long d;

	memcpy(fr, orig, f->len);
	ovl_frame_turnaround(fr, fl);
	expected_turnaround(fl, orig, f->len, scratch2, rule == 1);
	d = first_difference(fr, scratch2, f->len);
	if (d >= 0 && rule == -1 && fl->tunnel != 0) {
		/* An encapsulation this test does not know: either port rule. */
		expected_turnaround(fl, orig, f->len, scratch2, 1);
		d = first_difference(fr, scratch2, f->len);
	}
	CHECK(d < 0, "%s, %s: after one turnaround byte %ld (%s) is 0x%02x, expected 0x%02x "
			"(originally 0x%02x)", f->name, what, d, layer_at(fl, (uint32_t)d),
			d >= 0 ? fr[d] : 0, d >= 0 ? scratch2[d] : 0, d >= 0 ? orig[d] : 0);
	CHECK(ovl_frame_verify_cksums(fr, fl) == 0, "%s, %s: checksums after turnaround: %d",
			f->name, what, ovl_frame_verify_cksums(fr, fl));
	if (f->v.proto == IPPROTO_ICMP)
		CHECK(fr[fl->l4 + ICMP_TYPE] == RTE_IP_ICMP_ECHO_REPLY, "%s: ICMP type %u", f->name,
				fr[fl->l4 + ICMP_TYPE]);
	/* Still to the tunnel's port (all but a swapped source port that is not it): parses. */
	if (fl->tunnel == 0 || get16(fr + fl->tunnel + UDP_DPORT) == get16(orig + fl->tunnel + UDP_DPORT)) {
		EXPECT_RC(parse_exact(fr, f->len, &cfg, &l), 0, "%s, %s: turned-around frame",
				f->name, what);
		CHECK(same_layers(&l, fl), "%s, %s: turned-around frame has other layers", f->name,
				what);
		CHECK(ovl_frame_verify_fill(fr, &l) == 0, "%s, %s: fill after turnaround", f->name,
				what);
	}
}

/*
 * Once: outer MACs, outer and inner IPs and inner ports swapped (ICMP: request <-> reply),
 * and the tunnel's own rule: vxlan swaps the inner MACs and keeps the outer ports (a VTEP
 * answers to the VXLAN port); flannel swaps the outer ports. Nothing else changes; every
 * checksum still verifies and the frame still parses.
 */
static void
test_turnaround_once(void **state)
{
	static uint8_t orig[SCRATCH_LEN];

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		check_turnaround_once(&f, f.buf, "as built");
		if (f.l.tunnel != 0) {
			with_outer_source_port(&f, 33000, orig);
			check_turnaround_once(&f, orig, "outer UDP source port 33000");
		}
	}
}

/* Twice (each time after parsing the frame as received): byte-identical to the original. */
static void
test_turnaround_twice_restores_frame(void **state)
{
	static uint8_t orig[SCRATCH_LEN];
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		uint8_t *fr = frame_scratch(&f);
		struct ovl_layers l;
		long d;

		ovl_frame_turnaround(fr, &f.l);
		EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), 0, "%s: turned around once", f.name);
		ovl_frame_turnaround(fr, &l);
		d = first_difference(fr, f.buf, f.len);
		CHECK(d < 0, "%s: after two turnarounds byte %ld (%s) is 0x%02x, was 0x%02x",
				f.name, d, layer_at(&f.l, (uint32_t)d), d >= 0 ? fr[d] : 0,
				d >= 0 ? f.buf[d] : 0);
		/* The same with the original layers both times. */
		frame_scratch(&f);
		ovl_frame_turnaround(scratch, &f.l);
		ovl_frame_turnaround(scratch, &f.l);
		CHECK(memcmp(scratch, f.buf, f.len) == 0, "%s: twice with the same layers", f.name);
		if (f.l.tunnel != 0) {
			with_outer_source_port(&f, 33000, orig);
			memcpy(scratch, orig, f.len);
			ovl_frame_turnaround(scratch, &f.l);
			ovl_frame_turnaround(scratch, &f.l);
			CHECK(memcmp(scratch, orig, f.len) == 0,
					"%s: twice, outer UDP source port 33000", f.name);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turnaround_once),
		cmocka_unit_test(test_turnaround_twice_restores_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
