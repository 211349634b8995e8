/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 fragments: outer fragments (raw's to reassemble, or dropped), inner fragments found with
 * their layers and turned around without a transport header, and ovl_parse_inner on a
 * reassembled inner packet (see parse_frames.h for the frames).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* ---------------------------------------------------------------------------------------- */
/* Fragments */

static const uint16_t frag_fields[] = {
	RTE_IPV4_HDR_MF_FLAG,                        /* first fragment */
	RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_DF_FLAG,
	1,                                           /* last fragment at offset 8 */
	RTE_IPV4_HDR_MF_FLAG | 185,
	RTE_IPV4_HDR_OFFSET_MASK,
	RTE_IPV4_HDR_DF_FLAG | 1,
};

/*
 * An outer fragment has no tunnel header to go by: with raw expected, a UDP or ICMP fragment is
 * a raw fragment to reassemble (1); any other protocol, or without raw, it is ip-fragment.
 */
static void
test_outer_fragment(void **state)
{
	uint32_t no_fallback = 0;
	int i;

	(void)state;
	for (i = 0; ovl_encaps[i] != NULL; i++)
		if (!ovl_encaps[i]->fallback)
			no_fallback |= mask_of(i);
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config nofb = rx_config(no_fallback);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		unsigned int k;

		for (k = 0; k < RTE_DIM(frag_fields); k++) {
			uint8_t *ip = frame_scratch(&f) + f.l.l3;
			struct ovl_layers l;

			/* Raw takes only what it could carry: a UDP or ICMP fragment. */
			int raw_proto = ip[9] == IPPROTO_UDP || ip[9] == IPPROTO_ICMP;

			put16(ip + IP_FRAG, frag_fields[k]);
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &all, &l), raw_proto ? 1 : -OVL_DROP_IP_FRAGMENT,
					"%s: outer fragment field 0x%04x, all encaps expected", f.name,
					frag_fields[k]);
			if (!raw_proto)
				continue;
			CHECK(l.fragment && l.encap != NULL && l.encap->fallback &&
					l.inner_l3 == l.l3 && l.inner_end == f.l.l3_end && l.l4 == 0 &&
					l.tunnel == 0, "%s: outer fragment 0x%04x: layers", f.name,
					frag_fields[k]);
			CHECK(ovl_frame_verify_cksums(scratch, &l) == 0,
					"%s: outer fragment 0x%04x: header checksum", f.name, frag_fields[k]);
			EXPECT_RC(parse_exact(scratch, f.len, &nofb, &l), -OVL_DROP_IP_FRAGMENT,
					"%s: outer fragment field 0x%04x, raw not expected", f.name,
					frag_fields[k]);
			EXPECT_RC(parse_exact(scratch, f.len, &own, &l),
					f.v.encap->fallback ? 1 : -OVL_DROP_IP_FRAGMENT,
					"%s: outer fragment field 0x%04x, only %s expected", f.name,
					frag_fields[k], f.v.encap->name);
		}
		/* DF alone is not a fragment. */
		EXPECT_RC(parse_exact(f.buf, f.len, &all, &(struct ovl_layers){ 0 }), 0,
				"%s: unfragmented", f.name);
	}
}

/* An inner fragment is found (1, l.fragment) with the layers up to the inner IPv4 header. */
static void
test_inner_fragment(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		unsigned int k;

		if (is_raw(&f.l))
			continue; /* raw's only header is the outer one: test_outer_fragment */
		for (k = 0; k < RTE_DIM(frag_fields); k++) {
			uint8_t *ip = frame_scratch(&f) + f.l.inner_l3;
			struct ovl_layers l;

			put16(ip + IP_FRAG, frag_fields[k]);
			ipv4_fix_cksum(ip);
			if (f.l.tunnel != 0 && get16(scratch + f.l.tunnel + UDP_CKSUM) != 0)
				udp_fix_cksum(scratch + f.l.l3, scratch + f.l.tunnel);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), 1,
					"%s: inner fragment field 0x%04x", f.name, frag_fields[k]);
			CHECK(l.fragment && l.encap == f.v.encap && l.l3 == f.l.l3 &&
					l.tunnel == f.l.tunnel && l.inner_l2 == f.l.inner_l2 &&
					l.inner_l3 == f.l.inner_l3 && l.inner_end == f.l.inner_end &&
					l.l3_end == f.l.l3_end && l.l4 == 0 && l.payload_len == 0,
					"%s: inner fragment 0x%04x: layers", f.name, frag_fields[k]);
			CHECK(ovl_frame_verify_cksums(scratch, &l) == 0,
					"%s: inner fragment 0x%04x: checksums", f.name, frag_fields[k]);
			/*
			 * Turned around without its transport header (only a first fragment has
			 * one): addresses swapped, every byte from the inner L4 offset untouched,
			 * checksums still valid; twice restores it.
			 */
			memcpy(scratch2, scratch, f.len);
			ovl_frame_turnaround(scratch2, &l);
			CHECK(memcmp(scratch2 + f.l.l4, scratch + f.l.l4, f.len - f.l.l4) == 0 &&
					memcmp(scratch2 + f.l.inner_l3 + IP_SRC,
						scratch + f.l.inner_l3 + IP_DST, 4) == 0 &&
					memcmp(scratch2 + f.l.inner_l3 + IP_DST,
						scratch + f.l.inner_l3 + IP_SRC, 4) == 0,
					"%s: inner fragment 0x%04x turned around", f.name, frag_fields[k]);
			CHECK(ovl_frame_verify_cksums(scratch2, &l) == 0,
					"%s: inner fragment 0x%04x: checksums after turnaround", f.name,
					frag_fields[k]);
			ovl_frame_turnaround(scratch2, &l);
			CHECK(memcmp(scratch2, scratch, f.len) == 0,
					"%s: inner fragment 0x%04x: twice restores", f.name, frag_fields[k]);
		}
	}
}

/* A reassembled inner packet on its own (inner_l3 = 0) goes through ovl_parse_inner. */
static void
test_parse_inner_on_reassembled_packet(void **state)
{
	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		uint32_t n = f.l.inner_end - f.l.inner_l3, t;
		struct ovl_layers l;
		uint8_t *pkt = malloc(n);
		int rc;

		CHECK(pkt != NULL, "malloc");
		memcpy(pkt, f.buf + f.l.inner_l3, n);
		memset(&l, 0, sizeof(l));
		l.encap = f.l.encap;
		l.inner_l3 = 0;
		l.inner_end = (uint16_t)n;
		rc = ovl_parse_inner(pkt, &l);
		EXPECT_RC(rc, 0, "%s: inner packet of %u bytes alone", f.name, n);
		CHECK(l.l4 == OVL_IPV4_HDR_LEN && l.probe == OVL_INNER_HDR_LEN &&
				l.inner_end == n && l.payload_len == f.l.payload_len &&
				l.l4_proto == f.v.proto, "%s: layers of the inner packet alone", f.name);
		free(pkt);
		/* Cut short: the inner IPv4 checks. */
		for (t = 0; t < n; t += t < 64 ? 1 : 997) {
			int want = t < OVL_IPV4_HDR_LEN ? -OVL_DROP_TRUNC_INNER_IP
							: -OVL_DROP_INNER_IP_TOTAL_LEN;

			pkt = malloc(t);
			if (t != 0)
				memcpy(pkt, f.buf + f.l.inner_l3, t);
			memset(&l, 0, sizeof(l));
			l.inner_end = (uint16_t)t;
			EXPECT_RC(ovl_parse_inner(pkt, &l), want, "%s: inner packet alone cut to %u",
					f.name, t);
			free(pkt);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outer_fragment),
		cmocka_unit_test(test_inner_fragment),
		cmocka_unit_test(test_parse_inner_on_reassembled_packet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
