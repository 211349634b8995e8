/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Damaged headers: IPv4 version, IHL and total length (outer and inner), Ethernet
 * padding, EtherTypes, outer protocols, tunnel ports and the outer UDP length (see
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

#include <rte_byteorder.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* ---------------------------------------------------------------------------------------- */
/* IPv4 headers */

struct ip_case {
	const char *what;
	int field;        /* IP_VHL or IP_TOTAL */
	int value;        /* -1: total length one past the carrier */
	int reason;       /* counted from the truncated-ip reason, as ovl_ipv4_check does */
};

static const struct ip_case ip_cases[] = {
	{ "version 6", IP_VHL, 0x65, 1 },
	{ "version 0", IP_VHL, 0x05, 1 },
	{ "version 5", IP_VHL, 0x55, 1 },
	{ "version 15", IP_VHL, 0xF5, 1 },
	{ "version 6, IHL 4", IP_VHL, 0x64, 1 },
	{ "IHL 4", IP_VHL, 0x44, 2 },
	{ "IHL 0", IP_VHL, 0x40, 2 },
	{ "IHL 1", IP_VHL, 0x41, 2 },
	{ "IHL 6 (options)", IP_VHL, 0x46, 3 },
	{ "IHL 7", IP_VHL, 0x47, 3 },
	{ "IHL 15", IP_VHL, 0x4F, 3 },
	{ "total length past the carrier", IP_TOTAL, -1, 4 },
	{ "total length 65535", IP_TOTAL, 0xFFFF, 4 },
	{ "total length 19", IP_TOTAL, 19, 4 },
	{ "total length 1", IP_TOTAL, 1, 4 },
	{ "total length 0", IP_TOTAL, 0, 4 },
};

static void
test_outer_ip_header_fields(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		unsigned int c;

		for (c = 0; c < RTE_DIM(ip_cases); c++) {
			const struct ip_case *k = &ip_cases[c];
			uint8_t *ip = frame_scratch(&f) + f.l.l3;
			struct ovl_layers l;

			if (k->field == IP_VHL)
				ip[IP_VHL] = (uint8_t)k->value;
			else
				put16(ip + IP_TOTAL, (uint16_t)(k->value >= 0 ? k->value
						: (int)(f.len - f.l.l3 + 1)));
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l),
					-(OVL_DROP_TRUNC_IP + k->reason), "%s: outer IPv4 %s", f.name,
					k->what);
		}
	}
}

static void
test_inner_ip_header_fields(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		unsigned int c;

		if (is_raw(&f.l))
			continue; /* the only IP header: test_outer_ip_header_fields */
		for (c = 0; c < RTE_DIM(ip_cases); c++) {
			const struct ip_case *k = &ip_cases[c];
			uint8_t *ip = frame_scratch(&f) + f.l.inner_l3;
			struct ovl_layers l;

			/* Without an inner EtherType version 6 is an IPv6 packet: test_parse_inner6.c. */
			if (f.l.inner_l2 == 0 && k->field == IP_VHL && k->value >> 4 == 6)
				continue;
			if (k->field == IP_VHL)
				ip[IP_VHL] = (uint8_t)k->value;
			else
				put16(ip + IP_TOTAL, (uint16_t)(k->value >= 0 ? k->value
						: (int)(f.l.inner_end - f.l.inner_l3 + 1)));
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l),
					-(OVL_DROP_TRUNC_INNER_IP + k->reason), "%s: inner IPv4 %s",
					f.name, k->what);
		}
	}
}

/* A frame longer than its IP packet (Ethernet padding) is accepted; the layers end where the
 * IP packet does. */
static void
test_ethernet_padding_accepted(void **state)
{
	static const uint32_t pads[] = { 1, 2, PAD_LEN, 46, 255 };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		unsigned int p;

		for (p = 0; p < RTE_DIM(pads); p++) {
			uint32_t len = f.len + pads[p];
			struct ovl_layers l;
			uint8_t *keep;

			frame_scratch(&f);
			EXPECT_RC(parse_exact_keep(scratch, len, &cfg, &l, &keep), 0,
					"%s: %u bytes of padding", f.name, pads[p]);
			CHECK(l.len == len && l.l3_end == f.l.l3_end && l.inner_end == f.l.inner_end &&
					l.payload_len == f.l.payload_len,
					"%s: %u bytes of padding: len %u l3_end %u inner_end %u payload %u",
					f.name, pads[p], l.len, l.l3_end, l.inner_end, l.payload_len);
			CHECK(ovl_frame_verify_cksums(keep, &l) == 0 && ovl_frame_verify_fill(keep, &l) == 0,
					"%s: %u bytes of padding: checksums or fill", f.name, pads[p]);
			free(keep);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Ethernet, protocol, ports */

static void
test_non_ipv4_ethertype(void **state)
{
	static const uint16_t types[] = { 0x0806, 0x88A8, 0x8847, 0x0000, 0xFFFF, 0x0008 };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		uint32_t off = f.v.vlan ? VLAN_TYPE : ETH_TYPE;
		unsigned int t;

		for (t = 0; t < RTE_DIM(types) + (f.v.vlan ? 1 : 0); t++) {
			/* Tagged frames also try a second tag (QinQ), which is not parsed. */
			uint16_t type = t < RTE_DIM(types) ? types[t] : RTE_ETHER_TYPE_VLAN;
			struct ovl_layers l;

			put16(frame_scratch(&f) + off, type);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_NOT_IPV4,
					"%s: EtherType 0x%04x at offset %u", f.name, type, off);
		}
	}
}

/* An IPv4 header under the IPv6 EtherType is a version mismatch, whatever it carries. */
static void
test_ipv6_ethertype_ipv4_header(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		struct ovl_layers l;

		put16(frame_scratch(&f) + (f.v.vlan ? VLAN_TYPE : ETH_TYPE), RTE_ETHER_TYPE_IPV6);
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_IP_VERSION,
				"%s: IPv4 header under EtherType 0x86dd", f.name);
	}
}

/* An outer protocol no encapsulation knows (neither UDP, TCP, ICMP nor a tunnel's) is no-tunnel. */
static void
test_unknown_outer_protocol(void **state)
{
	static const uint8_t protos[] = { 47, 41, 50, 132, 0, 255 };

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		unsigned int p;

		for (p = 0; p < RTE_DIM(protos); p++) {
			uint8_t *ip = frame_scratch(&f) + f.l.l3;
			struct ovl_layers l;

			if (outer_proto_claimed(protos[p]))
				continue;
			ip[IP_PROTO] = protos[p];
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &all, &l), -OVL_DROP_NO_TUNNEL,
					"%s: outer protocol %u, all encaps expected", f.name, protos[p]);
			EXPECT_RC(parse_exact(scratch, f.len, &own, &l), -OVL_DROP_NO_TUNNEL,
					"%s: outer protocol %u, only %s expected", f.name, protos[p],
					f.v.encap->name);
		}
	}
}

/* Whether port is the UDP port of an encapsulation cfg expects. */
static int
is_tunnel_port(const struct ovl_rx_config *cfg, uint16_t port)
{
	unsigned int e;

	for (e = 0; ovl_encaps[e] != NULL; e++)
		if ((cfg->encap_mask >> e & 1) && ovl_encaps[e]->udp_port_param != 0 &&
				ovl_encap_udp_port(ovl_encaps[e], &cfg->tunnel[e]) == port)
			return 1;
	return 0;
}

/*
 * A UDP tunnel frame to another destination port: no-tunnel when only that encapsulation is
 * expected. With every encapsulation expected, raw claims it as a plain UDP datagram, whose
 * payload (the tunnel header or inner packet) is not a probe.
 */
static void
test_tunnel_wrong_destination_port(void **state)
{
	static const uint16_t ports[] = { 4790, 8472, 6082, 0, 1, 65535 };

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		unsigned int p;

		if (f.l.tunnel == 0)
			continue;
		for (p = 0; p < RTE_DIM(ports); p++) {
			struct ovl_layers l;
			uint8_t *fr = frame_scratch(&f);

			CHECK(!is_tunnel_port(&all, ports[p]), "port %u is no tunnel's", ports[p]);
			put16(fr + f.l.tunnel + UDP_DPORT, ports[p]);
			if (get16(fr + f.l.tunnel + UDP_CKSUM) != 0)
				udp_fix_cksum(fr + f.l.l3, fr + f.l.tunnel);
			EXPECT_RC(parse_exact(fr, f.len, &own, &l), -OVL_DROP_NO_TUNNEL,
					"%s: outer UDP destination port %u, only %s expected", f.name,
					ports[p], f.v.encap->name);
			EXPECT_RC(parse_exact(fr, f.len, &all, &l), -OVL_DROP_NOT_PROBE,
					"%s: outer UDP destination port %u, all encaps expected (raw UDP)",
					f.name, ports[p]);
			CHECK(l.encap != NULL && l.encap->fallback, "%s: port %u not claimed by raw",
					f.name, ports[p]);
		}
	}
}

/* A UDP tunnel's port in these tests: 20000 + its table index, no default of any. */
static uint16_t
moved_port(unsigned int encap_idx)
{
	return (uint16_t)(20000 + encap_idx);
}

/* The rx config's ports are the ones matched: frames built for other ports parse with them. */
static void
test_tunnel_ports_from_rx_config(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	unsigned int n, i, e;
	struct variant *vs = variants(FORMS_AUTO, 0, &n);

	(void)state;
	for (e = 0; ovl_encaps[e] != NULL; e++)
		if (ovl_encaps[e]->udp_port_param != 0)
			cfg.tunnel[e].v[ovl_encaps[e]->udp_port_param - 1] = moved_port(e);
	for (i = 0; i < n; i++) {
		struct ovl_frame_spec spec;
		struct ovl_frame_layout lay;
		struct ovl_probe probe;
		struct ovl_layers l, ld;
		struct ovl_rx_config defaults = rx_config(OVL_ENCAP_MASK_ALL);
		char err[256];
		int len, rc;

		ovl_frame_spec_defaults(&spec, vs[i].encap);
		spec.vlan = vs[i].vlan ? VLAN_ID : 0;
		spec.inner_proto = vs[i].proto;
		spec.size = vs[i].size;
		ovl_frame_spec_encap(&spec, vs[i].encap, &cfg.tunnel[ovl_encap_index(vs[i].encap)]);
		CHECK(ovl_frame_layout(&spec, &lay, err, sizeof(err)) == 0, "%s", err);
		probe_values(&probe);
		len = ovl_frame_build(scratch, sizeof(scratch), &spec, &lay, &probe);
		CHECK(len > 0, "build %d", len);
		EXPECT_RC(parse_exact(scratch, (uint32_t)len, &cfg, &l), 0,
				"%s vlan=%d size=%u built for moved ports, rx config the same",
				vs[i].encap->name, vs[i].vlan, vs[i].size);
		CHECK(l.encap == vs[i].encap, "parsed as %s", l.encap->name);
		rc = parse_exact(scratch, (uint32_t)len, &defaults, &ld);
		if (l.tunnel != 0)
			EXPECT_RC(rc, -OVL_DROP_NOT_PROBE,
					"%s vlan=%d size=%u built for moved ports, default rx ports",
					vs[i].encap->name, vs[i].vlan, vs[i].size);
		else
			EXPECT_RC(rc, 0, "%s: no UDP tunnel, ports do not matter", vs[i].encap->name);
	}
	free(vs);
}

/* Outer UDP length: longer than the IP packet or < 8 is udp-length; shorter leaves the inner
 * packet cut (the rest of the IP packet is ignored) and the inner checks catch it. */
static void
test_outer_udp_length(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		const struct ovl_layers *fl = &f.l;
		uint32_t full, u;
		static const uint16_t bad[] = { 0, 1, 7 };
		unsigned int b;
		struct ovl_layers l;
		uint8_t *fr;

		if (fl->tunnel == 0)
			continue;
		full = fl->l3_end - fl->tunnel;
		for (b = 0; b < RTE_DIM(bad) + 2; b++) {
			uint16_t v = b < RTE_DIM(bad) ? bad[b] : b == RTE_DIM(bad) ? full + 1 : 0xFFFF;

			fr = frame_scratch(&f);
			put16(fr + fl->tunnel + UDP_LEN, v);
			put16(fr + fl->tunnel + UDP_CKSUM, 0);
			EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), -OVL_DROP_UDP_LEN,
					"%s: outer UDP length %u (IP payload %u)", f.name, v, full);
		}
		/* The outer IP packet one byte shorter, the UDP length unchanged. */
		fr = frame_scratch(&f);
		put16(fr + fl->l3 + IP_TOTAL, (uint16_t)(fl->l3_end - fl->l3 - 1));
		ipv4_fix_cksum(fr + fl->l3);
		EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), -OVL_DROP_UDP_LEN,
				"%s: outer IP total length one short of the UDP length", f.name);
		for (u = OVL_UDP_HDR_LEN; u < full; u += u < 128 ? 1 : 509) {
			int want = expected_inner_cut(fl, fl->tunnel + u);

			fr = frame_scratch(&f);
			put16(fr + fl->tunnel + UDP_LEN, (uint16_t)u);
			put16(fr + fl->tunnel + UDP_CKSUM, 0);
			EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), want,
					"%s: outer UDP length %u of %u (ends in %s)", f.name, u, full,
					layer_at(fl, fl->tunnel + u));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outer_ip_header_fields),
		cmocka_unit_test(test_inner_ip_header_fields),
		cmocka_unit_test(test_ethernet_padding_accepted),
		cmocka_unit_test(test_non_ipv4_ethertype),
		cmocka_unit_test(test_ipv6_ethertype_ipv4_header),
		cmocka_unit_test(test_unknown_outer_protocol),
		cmocka_unit_test(test_tunnel_wrong_destination_port),
		cmocka_unit_test(test_tunnel_ports_from_rx_config),
		cmocka_unit_test(test_outer_udp_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
