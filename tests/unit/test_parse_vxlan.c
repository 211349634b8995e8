/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VXLAN header as Linux checks it: flags and reserved bits, the VNI filter, the inner
 * EtherType, and any outer source port (see parse_frames.h for the frames).
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

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* ---------------------------------------------------------------------------------------- */
/* VXLAN */

#define FOR_EACH_VXLAN_FRAME(f) \
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) \
		if (f.v.encap == ovl_encap_find("vxlan"))

static void
skip_without_vxlan(void)
{
	if (ovl_encap_find("vxlan") == NULL)
		skip();
}

/* Linux drops VXLAN-GPE (flags 0x0C) and any flag or reserved bit other than I. */
static void
test_vxlan_flags_and_reserved_bits(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	skip_without_vxlan();
	FOR_EACH_VXLAN_FRAME(f) {
		uint32_t vx = f.l.tunnel + OVL_UDP_HDR_LEN;
		unsigned int v, byte, bit;
		struct ovl_layers l;

		CHECK(f.buf[vx + VXLAN_FLAGS] == 0x08, "%s: flags 0x%02x", f.name,
				f.buf[vx + VXLAN_FLAGS]);
		frame_scratch(&f)[vx + VXLAN_FLAGS] = 0x0C;
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_TUNNEL_FLAGS,
				"%s: VXLAN-GPE flags 0x0C", f.name);
		for (v = 0; v < 256; v++) {
			frame_scratch(&f)[vx + VXLAN_FLAGS] = (uint8_t)v;
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l),
					v == 0x08 ? 0 : -OVL_DROP_TUNNEL_FLAGS, "%s: VXLAN flags 0x%02x",
					f.name, v);
		}
		/* The 24 reserved bits after the flags and the 8 after the VNI. */
		for (byte = 1; byte < VXLAN_LEN; byte++) {
			if (byte >= VXLAN_VNI && byte < VXLAN_VNI + 3)
				continue;
			for (bit = 0; bit < 8; bit++) {
				frame_scratch(&f)[vx + byte] ^= (uint8_t)(1u << bit);
				EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_TUNNEL_FLAGS,
						"%s: VXLAN reserved byte %u bit %u set", f.name, byte, bit);
			}
		}
	}
}

/* The VNI a receiver filters on (reflect --vni), or none with -1. */
static void
expect_vni(struct ovl_rx_config *cfg, int64_t vni)
{
	const struct ovl_encap *vxlan = ovl_encap_find("vxlan");
	int e = ovl_encap_index(vxlan), p = ovl_encap_param_index(vxlan, "vni");

	if (vni < 0) {
		cfg->tunnel[e].given &= (uint8_t)~(1u << p);
		return;
	}
	cfg->tunnel[e].v[p] = (uint32_t)vni;
	cfg->tunnel[e].given |= (uint8_t)(1u << p);
}

static void
test_vxlan_vni_filter(void **state)
{
	static const struct {
		int64_t rx_vni;
		int want;
	} cases[] = {
		{ -1, 0 }, { 42, 0 }, { 43, -OVL_DROP_TUNNEL_ID }, { 0, -OVL_DROP_TUNNEL_ID },
		{ 0xFFFFFF, -OVL_DROP_TUNNEL_ID }, { 42 << 8, -OVL_DROP_TUNNEL_ID },
	};

	(void)state;
	skip_without_vxlan();
	FOR_EACH_VXLAN_FRAME(f) {
		uint32_t vx = f.l.tunnel + OVL_UDP_HDR_LEN;
		unsigned int c;
		struct ovl_layers l;
		struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

		CHECK(f.buf[vx + VXLAN_VNI] == 0 && f.buf[vx + VXLAN_VNI + 1] == 0 &&
				f.buf[vx + VXLAN_VNI + 2] == 42 && f.buf[vx + VXLAN_VNI + 3] == 0,
				"%s: default VNI 42", f.name);
		for (c = 0; c < RTE_DIM(cases); c++) {
			expect_vni(&cfg, cases[c].rx_vni);
			EXPECT_RC(parse_exact(f.buf, f.len, &cfg, &l), cases[c].want,
					"%s: frame VNI 42, rx vni %" PRId64, f.name, cases[c].rx_vni);
		}
		/* The largest VNI, expected and not. */
		frame_scratch(&f);
		scratch[vx + VXLAN_VNI] = scratch[vx + VXLAN_VNI + 1] = scratch[vx + VXLAN_VNI + 2] = 0xFF;
		expect_vni(&cfg, 0xFFFFFF);
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), 0, "%s: VNI 0xFFFFFF expected",
				f.name);
		expect_vni(&cfg, 0xFFFFFE);
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_TUNNEL_ID,
				"%s: VNI 0xFFFFFF, 0xFFFFFE expected", f.name);
		expect_vni(&cfg, -1);
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), 0, "%s: VNI 0xFFFFFF, any expected",
				f.name);
	}
}

static void
test_vxlan_inner_ethertype_not_ipv4(void **state)
{
	static const uint16_t types[] = { 0x0806, 0x8100, 0x0000, 0x0008, 0xFFFF };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	skip_without_vxlan();
	FOR_EACH_VXLAN_FRAME(f) {
		unsigned int t;
		struct ovl_layers l;

		CHECK(f.l.inner_l2 != 0, "%s: no inner Ethernet", f.name);
		for (t = 0; t < RTE_DIM(types); t++) {
			put16(frame_scratch(&f) + f.l.inner_l2 + ETH_TYPE, types[t]);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_INNER_NOT_IPV4,
					"%s: inner EtherType 0x%04x", f.name, types[t]);
			/* The inner Ethernet header is still located (an inner ARP is answered). */
			CHECK(l.encap == f.v.encap && l.inner_l2 == f.l.inner_l2 &&
					l.tunnel == f.l.tunnel, "%s: inner EtherType 0x%04x: inner_l2 %u",
					f.name, types[t], l.inner_l2);
		}
	}
}

/* The outer source port is the sender's flow hash: any value is accepted. */
static void
test_vxlan_any_source_port(void **state)
{
	static const uint16_t ports[] = { 33000, 32768, 60999, 0, 1, 4789, 49152, 65535 };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	skip_without_vxlan();
	FOR_EACH_VXLAN_FRAME(f) {
		unsigned int p;
		struct ovl_layers l;

		CHECK(get16(f.buf + f.l.tunnel + UDP_SPORT) >= 49152, "%s: source port %u", f.name,
				get16(f.buf + f.l.tunnel + UDP_SPORT));
		for (p = 0; p < RTE_DIM(ports); p++) {
			put16(frame_scratch(&f) + f.l.tunnel + UDP_SPORT, ports[p]);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), 0,
					"%s: outer UDP source port %u", f.name, ports[p]);
			CHECK(same_layers(&l, &f.l), "%s: source port %u changed the layers", f.name,
					ports[p]);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vxlan_flags_and_reserved_bits),
		cmocka_unit_test(test_vxlan_vni_filter),
		cmocka_unit_test(test_vxlan_inner_ethertype_not_ipv4),
		cmocka_unit_test(test_vxlan_any_source_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
