/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 underlay: every encapsulation that runs over it, built, checked byte by byte against
 * RFC 8200 and RFC 768 here (independently of the library's writers), parsed, verified, turned
 * around, parsed from the memo, and damaged the ways a hostile sender would (extension headers,
 * wrong version, lengths, truncation). IP-in-IP over IPv6 is refused.
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

#include "check.h"
#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "probe.h"
#include "built6.h"

static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 2 };
static const uint32_t sizes[] = { 0, 200, 1518, 9018 };

static int
build6(struct built *b, const struct ovl_encap *e, int vlan, uint8_t proto, uint32_t size,
		enum ovl_outer_udp_csum csum)
{
	ovl_frame_spec_defaults(&b->spec, e);
	b->spec.ip6 = 1;
	memcpy(b->spec.src_ip6, src6, 16);
	memcpy(b->spec.dst_ip6, dst6, 16);
	b->spec.vlan = vlan ? 100 : 0;
	b->spec.inner_proto = proto;
	b->spec.size = size;
	b->spec.outer_udp_csum = csum;
	snprintf(b->name, sizeof(b->name), "%s over IPv6%s %s size %u csum %d", e->name,
			vlan ? " tagged" : "", proto == IPPROTO_UDP ? "udp" : "icmp", size, (int)csum);
	return built_make(b);
}

#define FOR_EACH_IPV6_FRAME(b) \
	for (unsigned int e_ = 0; ovl_encaps[e_] != NULL; e_++) \
		for (unsigned int v_ = 0; v_ < 2; v_++) \
			for (unsigned int p_ = 0; p_ < 2; p_++) \
				for (unsigned int s_ = 0; s_ < RTE_DIM(sizes); s_++) \
					for (unsigned int c_ = 0; c_ < 3; c_++) \
						if (!ovl_encaps[e_]->ipv4_only && \
								build6(b, ovl_encaps[e_], (int)v_, \
									p_ ? IPPROTO_ICMP : IPPROTO_UDP, \
									sizes[s_], (enum ovl_outer_udp_csum)c_) == 0)

/* The headers as RFC 8200 and the encapsulation's RFC lay them out, read byte by byte. */
static void
test_ipv6_headers(void **state)
{
	static struct built b;

	(void)state;
	FOR_EACH_IPV6_FRAME(&b) {
		const struct ovl_encap *e = b.spec.encap;
		uint16_t l2 = b.spec.vlan ? 18 : 14;
		const uint8_t *ip = b.buf + l2;
		uint32_t payload = get16(ip + 4);
		uint8_t next = e->ip_proto ? e->ip_proto
			: b.spec.inner_proto == IPPROTO_UDP ? IPPROTO_UDP : IPPROTO_ICMPV6;

		CHECK(get16(b.buf + l2 - 2) == RTE_ETHER_TYPE_IPV6, "%s: EtherType 0x86dd", b.name);
		CHECK(ip[0] == 0x60 && ip[1] == 0 && ip[2] == 0 && ip[3] == 0,
				"%s: version 6, class and flow label 0", b.name);
		CHECK(ip[6] == next, "%s: next header %u, want %u", b.name, ip[6], next);
		CHECK(ip[7] == 64, "%s: hop limit", b.name);
		CHECK(memcmp(ip + 8, src6, 16) == 0 && memcmp(ip + 24, dst6, 16) == 0,
				"%s: addresses", b.name);
		CHECK(l2 + 40 + payload == (uint32_t)b.len || (b.len == 60 && l2 + 40 + payload < 60),
				"%s: payload length %u in a %d-byte frame", b.name, payload, b.len);
		CHECK(b.lay.frame_size == (uint32_t)b.len + 4, "%s: frame size", b.name);
		/* 20 bytes over IPv4's frame for every tunnel; raw's probe header is IPv6 too. */
		if (b.spec.size == 0) {
			struct ovl_frame_spec v4 = b.spec;

			v4.ip6 = 0;
			CHECK(ovl_frame_min_size(&b.spec) == ovl_frame_min_size(&v4) + 20,
					"%s: smallest frame %u", b.name, ovl_frame_min_size(&b.spec));
		}
		if (e->ip_proto == IPPROTO_UDP || next == IPPROTO_UDP || next == IPPROTO_ICMPV6) {
			const uint8_t *l4 = ip + 40;
			uint16_t ck = get16(l4 + (next == IPPROTO_ICMPV6 ? 2 : 6));
			int tunnel = e->ip_proto == IPPROTO_UDP;

			CHECK(!tunnel || get16(l4 + 4) == payload, "%s: UDP length", b.name);
			/* Zero only where asked for (RFC 6935); else the sum over IPv6 checks (RFC 8200). */
			if (tunnel && b.spec.outer_udp_csum == OVL_OUTER_UDP_CSUM_ZERO)
				CHECK(ck == 0, "%s: outer UDP checksum zero as asked", b.name);
			else
				CHECK(ck != 0 && sum_ipv6_upper(ip, l4, payload, next) == 0xFFFF,
						"%s: checksum 0x%04x over IPv6", b.name, ck);
		}
	}
}

static void
test_vxlan_over_ipv6_is_70_bytes(void **state)
{
	struct ovl_frame_spec spec;

	(void)state;
	ovl_frame_spec_defaults(&spec, ovl_encap_find("vxlan"));
	spec.ip6 = 1;
	assert_int_equal(ovl_frame_spec_overhead(&spec), 70);
	assert_int_equal(ovl_frame_min_size(&spec), 134);
	ovl_frame_spec_defaults(&spec, ovl_encap_find("raw"));
	spec.ip6 = 1;
	assert_int_equal(ovl_frame_spec_overhead(&spec), 0);
	assert_int_equal(ovl_frame_min_size(&spec), 84); /* 14 + 40 + 8 + 18 + 4 */
}

static void
test_ipip_refused(void **state)
{
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	char err[256];

	(void)state;
	ovl_frame_spec_defaults(&spec, ovl_encap_find("ipip"));
	spec.ip6 = 1;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "ipip is IPv4 in IPv4; IPv6 in IPv4 is protocol 41") != NULL, "%s", err);
}

/* Parsed back whole, checksums verified, damage found; turned around once and twice. */
static void
test_ipv6_parse_verify_turnaround(void **state)
{
	static struct built b;
	static uint8_t copy[OVL_FRAME_MAX];
	struct ovl_rx_config rx;

	(void)state;
	ovl_rx_config_defaults(&rx);
	FOR_EACH_IPV6_FRAME(&b) {
		uint16_t l2 = b.spec.vlan ? 18 : 14;
		struct ovl_layers l, l2nd;
		int raw = b.spec.encap->ip_proto == 0;

		CHECK(ovl_parse(b.buf, (uint32_t)b.len, &rx, &l) == 0, "%s: parses", b.name);
		CHECK(l.encap == b.spec.encap && l.ip6 && l.l3 == l2 && l.l3_payload == l2 + 40,
				"%s: layers", b.name);
		CHECK(raw ? l.inner_l3 == l.l3 : l.inner_l3 == b.lay.inner_off, "%s: inner at %u",
				b.name, l.inner_l3);
		CHECK(b.spec.encap->ip_proto != IPPROTO_UDP || l.tunnel == l2 + 40, "%s: tunnel", b.name);
		CHECK(ovl_frame_verify_cksums(b.buf, &l) == 0, "%s: checksums", b.name);
		CHECK(ovl_frame_verify_fill(b.buf, &l) == 0, "%s: fill", b.name);

		memcpy(copy, b.buf, (size_t)b.len);
		copy[l.probe + 4] ^= 0x40; /* damage in flight, in the probe */
		if (b.spec.outer_udp_csum != OVL_OUTER_UDP_CSUM_ZERO || raw || l.tunnel == 0)
			CHECK(ovl_frame_verify_l4_cksums(copy, &l) < 0, "%s: damage found", b.name);

		memcpy(copy, b.buf, (size_t)b.len);
		ovl_frame_turnaround(copy, &l);
		CHECK(memcmp(copy + l2 + 8, dst6, 16) == 0 && memcmp(copy + l2 + 24, src6, 16) == 0,
				"%s: addresses swapped", b.name);
		CHECK(ovl_parse(copy, (uint32_t)b.len, &rx, &l2nd) == 0 &&
				ovl_frame_verify_cksums(copy, &l2nd) == 0, "%s: the answer checks", b.name);
		if (l.l4_proto == IPPROTO_ICMPV6)
			CHECK(copy[l.l4] == OVL_ICMP6_ECHO_REPLY, "%s: echo reply", b.name);
		ovl_frame_turnaround(copy, &l2nd);
		CHECK(memcmp(copy, b.buf, (size_t)b.len) == 0, "%s: twice restores", b.name);
	}
}

/* What an IPv6 header may not be: each is dropped by its reason, from the memo as well. */
static void
test_ipv6_hostile(void **state)
{
	static const uint8_t ext[] = { 0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254 };
	static struct built b;
	static uint8_t bad[OVL_FRAME_MAX];
	struct ovl_rx_config rx;
	unsigned int k;

	(void)state;
	ovl_rx_config_defaults(&rx);
	FOR_EACH_IPV6_FRAME(&b) {
		uint16_t l2 = b.spec.vlan ? 18 : 14;
		struct ovl_parse_memo memo;
		struct ovl_layers l;
		uint32_t cut;

		if (b.spec.outer_udp_csum != OVL_OUTER_UDP_CSUM_DEFAULT)
			continue;
		memset(&memo, 0, sizeof(memo));
		CHECK(ovl_parse_memo(&memo, b.buf, (uint32_t)b.len, &rx, &l) == 0, "%s", b.name);
		for (k = 0; k < RTE_DIM(ext); k++) {
			memcpy(bad, b.buf, (size_t)b.len);
			bad[l2 + 6] = ext[k];
			CHECK(ovl_parse_memo(&memo, bad, (uint32_t)b.len, &rx, &l) == -OVL_DROP_IP6_EXT_HDR,
					"%s: next header %u is an extension header", b.name, ext[k]);
		}
		memcpy(bad, b.buf, (size_t)b.len);
		bad[l2] = 0x40;
		CHECK(ovl_parse_memo(&memo, bad, (uint32_t)b.len, &rx, &l) == -OVL_DROP_IP_VERSION,
				"%s: version 4 under 0x86dd", b.name);
		memcpy(bad, b.buf, (size_t)b.len);
		bad[l2 + 5] = (uint8_t)(bad[l2 + 5] + 1);
		if (bad[l2 + 5] == 0)
			bad[l2 + 4]++;
		CHECK(ovl_parse_memo(&memo, bad, (uint32_t)b.len, &rx, &l) == -OVL_DROP_IP_TOTAL_LEN,
				"%s: payload length past the frame", b.name);
		for (cut = l2; cut < (uint32_t)l2 + 40; cut++)
			CHECK(ovl_parse(b.buf, cut, &rx, &l) == -OVL_DROP_TRUNC_IP,
					"%s: cut at %u", b.name, cut);
		/* The same frame again is answered from its shape. */
		CHECK(ovl_parse_memo(&memo, b.buf, (uint32_t)b.len, &rx, &l) == 0 && memo.hit,
				"%s: memo hit", b.name);
	}
}

/* Flows and packets of an IPv6 stream share one shape: only undecided bytes differ. */
static void
test_ipv6_memo_flows(void **state)
{
	static struct built b, f;
	struct ovl_rx_config rx;

	(void)state;
	ovl_rx_config_defaults(&rx);
	FOR_EACH_IPV6_FRAME(&b) {
		struct ovl_parse_memo memo;
		struct ovl_layers l, want;
		struct ovl_probe p = { .session = 9, .stream = 1, .seq = 123456, .tx_ts = 99 };
		unsigned int flow;

		if (b.spec.size == 9018)
			continue;
		memset(&memo, 0, sizeof(memo));
		CHECK(ovl_parse_memo(&memo, b.buf, (uint32_t)b.len, &rx, &want) == 0, "%s", b.name);
		for (flow = 1; flow < 40; flow += 13) {
			f.spec = b.spec;
			ovl_frame_spec_flow(&f.spec, flow);
			f.len = ovl_frame_build(f.buf, sizeof(f.buf), &f.spec, &b.lay, &p);
			CHECK(ovl_parse_memo(&memo, f.buf, (uint32_t)f.len, &rx, &l) == 0 && memo.hit &&
					memo.misses == 1, "%s: flow %u from the shape", b.name, flow);
			CHECK(ovl_parse(f.buf, (uint32_t)f.len, &rx, &want) == 0 &&
					memcmp(&l, &want, sizeof(l)) == 0, "%s: flow %u layers", b.name, flow);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_headers),
		cmocka_unit_test(test_vxlan_over_ipv6_is_70_bytes),
		cmocka_unit_test(test_ipip_refused),
		cmocka_unit_test(test_ipv6_parse_verify_turnaround),
		cmocka_unit_test(test_ipv6_hostile),
		cmocka_unit_test(test_ipv6_memo_flows),
	};

	return cmocka_run_group_tests_name("parse_ipv6", tests, NULL, NULL);
}
