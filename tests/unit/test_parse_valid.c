/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Valid frames of every encapsulation parse with the layers their layout says, and are never
 * accepted as another encapsulation (see parse_frames.h for the frames).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* ---------------------------------------------------------------------------------------- */
/* Valid frames */

static void
test_valid_frames_parse_with_expected_layers(void **state)
{
	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 1, f) {
		const struct ovl_layers *l = &f.l;
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		struct ovl_layers l2;

		CHECK(l->encap == f.v.encap, "%s: parsed as %s", f.name, l->encap->name);
		CHECK(l->len == f.len, "%s: l.len %u", f.name, l->len);
		CHECK(l->vlan == f.v.vlan && (!f.v.vlan || l->vlan_tci == VLAN_ID),
				"%s: vlan %u tci %u", f.name, l->vlan, l->vlan_tci);
		CHECK(l->l3 == f.lay.l2_len, "%s: l3 %u", f.name, l->l3);
		CHECK(l->inner_l3 == f.lay.inner_off, "%s: inner_l3 %u, layout %u", f.name,
				l->inner_l3, f.lay.inner_off);
		CHECK(l->inner_end == f.lay.inner_off + f.lay.inner_len, "%s: inner_end %u",
				f.name, l->inner_end);
		CHECK(l->l3_end == f.len, "%s: l3_end %u (every frame is >= 60 bytes: no padding)",
				f.name, l->l3_end);
		CHECK(l->l4 == l->inner_l3 + OVL_IPV4_HDR_LEN && l->probe == l->l4 + OVL_UDP_HDR_LEN,
				"%s: l4 %u probe %u", f.name, l->l4, l->probe);
		CHECK(l->l4_proto == f.v.proto, "%s: l4_proto %u", f.name, l->l4_proto);
		CHECK(l->payload_len == f.lay.payload_len, "%s: payload_len %u, layout %u", f.name,
				l->payload_len, f.lay.payload_len);
		CHECK(!l->fragment, "%s: fragment", f.name);
		CHECK(f.v.size == 0 || f.len == f.v.size - OVL_FCS_LEN, "%s", f.name);
		CHECK(is_raw(l) == (f.v.encap->overhead == 0), "%s: raw iff no overhead", f.name);
		CHECK(ovl_frame_verify_cksums(f.buf, l) == 0, "%s: checksums", f.name);
		CHECK(ovl_frame_verify_fill(f.buf, l) == 0, "%s: payload fill", f.name);
		EXPECT_RC(parse_exact(f.buf, f.len, &own, &l2), 0, "%s: mask with only %s", f.name,
				f.v.encap->name);
		CHECK(same_layers(l, &l2), "%s: layers differ with only its own encap expected",
				f.name);
	}
}

/* A frame is never accepted as another encapsulation, and nothing is with an empty mask. */
static void
test_frame_rejected_without_its_encap_in_mask(void **state)
{
	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		struct ovl_rx_config cfg;
		struct ovl_layers l;
		int i, rc;

		cfg = rx_config(0);
		EXPECT_RC(parse_exact(f.buf, f.len, &cfg, &l), -OVL_DROP_NO_TUNNEL,
				"%s: empty encap mask", f.name);
		cfg = rx_config(OVL_ENCAP_MASK_ALL & ~mask_of(f.v.encap_idx));
		rc = parse_exact(f.buf, f.len, &cfg, &l);
		CHECK(rc < 0 && rc > -OVL_DROP_MAX, "%s: every encap but its own expected: %d (%s)",
				f.name, rc, rc_name(rc));
		for (i = 0; ovl_encaps[i] != NULL; i++) {
			if (i == f.v.encap_idx)
				continue;
			cfg = rx_config(mask_of(i));
			rc = parse_exact(f.buf, f.len, &cfg, &l);
			CHECK(rc < 0 && rc > -OVL_DROP_MAX, "%s: only %s expected: %d (%s)", f.name,
					ovl_encaps[i]->name, rc, rc_name(rc));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_frames_parse_with_expected_layers),
		cmocka_unit_test(test_frame_rejected_without_its_encap_in_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
