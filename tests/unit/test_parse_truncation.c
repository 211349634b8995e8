/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Truncated frames: cut at every length, inside the tunnel and inner packet with the outer
 * lengths made consistent, and with a payload too short for the probe; each cut is dropped with
 * its own reason (see parse_frames.h for the frames).
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

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* ---------------------------------------------------------------------------------------- */
/* Truncation */

static void
test_truncation_at_every_length(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		const struct ovl_layers *fl = &f.l;
		uint8_t *fr = frame_scratch(&f); /* followed by PAD_LEN zero bytes of padding */
		uint32_t t;

		for (t = 0; t < f.len + PAD_LEN; t++) {
			struct ovl_layers l;
			int want, rc;

			if (t < RTE_ETHER_HDR_LEN)
				want = -OVL_DROP_TRUNC_ETH;
			else if (f.v.vlan && t < RTE_ETHER_HDR_LEN + OVL_VLAN_LEN)
				want = -OVL_DROP_TRUNC_VLAN;
			else if (t < (uint32_t)fl->l3 + OVL_IPV4_HDR_LEN)
				want = -OVL_DROP_TRUNC_IP;
			else if (t < fl->l3_end)
				want = -OVL_DROP_IP_TOTAL_LEN;
			else
				want = 0; /* only padding cut */
			rc = parse_exact(fr, t, &cfg, &l);
			EXPECT_RC(rc, want, "%s: truncated to %u bytes (%s)", f.name, t,
					layer_at(fl, t));
			if (want == 0)
				CHECK(l.l3_end == fl->l3_end && l.inner_end == fl->inner_end &&
						l.len == t, "%s: truncated to %u: l3_end %u inner_end %u",
						f.name, t, l.l3_end, l.inner_end);
		}
	}
}

/*
 * Cuts inside the tunnel and inner packet, the outer lengths rewritten so that the outer
 * packet ends at the cut: the encapsulation's own checks must catch it, each with its reason.
 */
static void
test_inner_truncation_with_consistent_outer_lengths(void **state)
{
	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		const struct ovl_layers *fl = &f.l;
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		uint8_t *fr;
		uint32_t cut;

		if (is_raw(fl))
			continue; /* no tunnel: see test_raw_l4_truncation_with_consistent_length */
		fr = frame_scratch(&f);
		for (cut = fl->l3 + OVL_IPV4_HDR_LEN; cut < fl->inner_end; cut++) {
			struct ovl_layers l;
			int want = expected_inner_cut(fl, cut);
			/* Cut before its port, a datagram is no tunnel's: only raw would take it. */
			int want_own = fl->tunnel != 0 && cut < (uint32_t)fl->tunnel + 4
				? -OVL_DROP_NO_TUNNEL : want;

			set_outer_end(fr, fl, cut, 0);
			EXPECT_RC(parse_exact(fr, cut, &all, &l), want,
					"%s: outer packet ends at %u (in %s), all encaps expected",
					f.name, cut, layer_at(fl, cut));
			EXPECT_RC(parse_exact(fr, cut, &own, &l), want_own,
					"%s: outer packet ends at %u (in %s), only %s expected", f.name, cut,
					layer_at(fl, cut), f.v.encap->name);
		}
	}
}

/*
 * raw: the only IP header is the inner one. A cut inside its transport header is
 * truncated-l4 when only raw is expected; with a UDP tunnel expected as well, a UDP datagram
 * cut inside its header is reported as truncated-udp, since the UDP tunnels check the header's
 * length before its port. A cut in the UDP payload is l4-length (the UDP length still counts
 * the whole payload); ICMP echo has no length of its own, so only the probe is checked.
 */
static void
test_raw_l4_truncation_with_consistent_length(void **state)
{
	const struct ovl_encap *vxlan = ovl_encap_find("vxlan");
	const struct ovl_encap *flannel = ovl_encap_find("flannel");
	int udp_tunnel_listed = vxlan != NULL || flannel != NULL;

	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		const struct ovl_layers *fl = &f.l;
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		uint8_t *fr;
		uint32_t cut;

		if (!is_raw(fl))
			continue;
		fr = frame_scratch(&f);
		for (cut = fl->l3 + OVL_IPV4_HDR_LEN; cut < fl->inner_end; cut++) {
			struct ovl_layers l;
			uint32_t n = cut > fl->probe ? cut - fl->probe : 0;
			int want_own, want_all;

			put16(fr + fl->l3 + IP_TOTAL, (uint16_t)(cut - fl->l3));
			ipv4_fix_cksum(fr + fl->l3);
			if (cut < (uint32_t)fl->l4 + OVL_UDP_HDR_LEN)
				want_own = -OVL_DROP_TRUNC_L4;
			else if (f.v.proto == IPPROTO_UDP)
				want_own = -OVL_DROP_L4_LEN;
			else if (n < 2)
				want_own = -OVL_DROP_NOT_PROBE;
			else if (n < f.lay.probe_len)
				want_own = -OVL_DROP_TRUNC_PROBE;
			else
				want_own = 0;
			/* Its port is no tunnel's: every mask gives raw's answer. */
			want_all = want_own;
			(void)udp_tunnel_listed;
			EXPECT_RC(parse_exact(fr, cut, &own, &l), want_own,
					"%s: IP packet ends at %u (in %s), only raw expected", f.name, cut,
					layer_at(fl, cut));
			EXPECT_RC(parse_exact(fr, cut, &all, &l), want_all,
					"%s: IP packet ends at %u (in %s), all encaps expected", f.name, cut,
					layer_at(fl, cut));
		}
	}
}

/*
 * The inner packet shrunk (every length and checksum consistent) until its transport payload
 * cannot hold the probe's form: fewer than 2 bytes cannot say which form, so not-probe; from
 * 2 bytes on, a known form that does not fit is truncated-probe. A payload of exactly the
 * probe's length is accepted.
 */
static void
test_payload_shorter_than_probe(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		uint32_t n;

		for (n = 0; n <= f.lay.probe_len; n++) {
			uint32_t len = frame_resize_inner(&f, OVL_INNER_HDR_LEN + n, scratch);
			struct ovl_layers l;
			int want = n < 2 ? -OVL_DROP_NOT_PROBE
				: n < f.lay.probe_len ? -OVL_DROP_TRUNC_PROBE : 0;

			EXPECT_RC(parse_exact(scratch, len, &cfg, &l), want,
					"%s: L4 payload of %u bytes (probe %u)", f.name, n, f.lay.probe_len);
			if (want == 0) {
				CHECK(l.payload_len == n, "%s: payload_len %u", f.name, l.payload_len);
				CHECK(ovl_frame_verify_cksums(scratch, &l) == 0,
						"%s: resized frame's checksums", f.name);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncation_at_every_length),
		cmocka_unit_test(test_inner_truncation_with_consistent_outer_lengths),
		cmocka_unit_test(test_raw_l4_truncation_with_consistent_length),
		cmocka_unit_test(test_payload_shorter_than_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
