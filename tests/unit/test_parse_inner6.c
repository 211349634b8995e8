/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inner IPv6: every tunnel that carries it (not ipip, which is refused), over an IPv4 and an
 * IPv6 underlay, with UDP and ICMPv6 echo. Built and checked byte by byte against RFC 8200,
 * RFC 768 and RFC 4443 here (checksums summed word by word, independently of DPDK's), parsed,
 * turned around (ICMPv6 128 -> 129), patched as the sender patches its probe, and damaged the
 * ways a hostile sender would (extension headers, version, lengths, truncation).
 */
#include <errno.h>
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
#include "cksum.h"
#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "probe.h"
#include "built6.h"

static const uint8_t outer_src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t outer_dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t inner_src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
static const uint8_t inner_dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0xab, [15] = 2 };
static const uint32_t sizes[] = { 0, 200, 1518, 9018 };

static int
build(struct built *b, const struct ovl_encap *e, int outer6, uint8_t proto, uint32_t size)
{
	ovl_frame_spec_defaults(&b->spec, e);
	b->spec.ip6 = (uint8_t)outer6;
	memcpy(b->spec.src_ip6, outer_src6, 16);
	memcpy(b->spec.dst_ip6, outer_dst6, 16);
	b->spec.inner_ip6 = 1;
	memcpy(b->spec.inner_src_ip6, inner_src6, 16);
	memcpy(b->spec.inner_dst_ip6, inner_dst6, 16);
	b->spec.inner_proto = proto;
	b->spec.size = size;
	snprintf(b->name, sizeof(b->name), "%s inner IPv6 over IPv%d %s size %u", e->name,
			outer6 ? 6 : 4, proto == IPPROTO_UDP ? "udp" : "icmp", size);
	return built_make(b);
}

/* Every tunnel (raw has no inner packet; ipip is refused) over both underlays. */
#define FOR_EACH_INNER6_FRAME(b) \
	for (unsigned int e_ = 0; ovl_encaps[e_] != NULL; e_++) \
		for (unsigned int o_ = 0; o_ < 2; o_++) \
			for (unsigned int p_ = 0; p_ < 2; p_++) \
				for (unsigned int s_ = 0; s_ < RTE_DIM(sizes); s_++) \
					if (ovl_encaps[e_]->ip_proto != 0 && !ovl_encaps[e_]->ipv4_only && \
							build(b, ovl_encaps[e_], (int)o_, \
								p_ ? IPPROTO_ICMP : IPPROTO_UDP, sizes[s_]) == 0)

/* The inner IPv6 packet at ip: its header, and its transport's checksum summed here. */
static void
check_inner6(const struct built *b, const uint8_t *ip, const uint8_t *src, const uint8_t *dst,
		uint8_t icmp_type, const char *what)
{
	uint32_t payload = get16(ip + 4);
	uint8_t next = b->spec.inner_proto == IPPROTO_UDP ? IPPROTO_UDP : IPPROTO_ICMPV6;
	const uint8_t *l4 = ip + 40;

	CHECK(ip[0] == 0x60 && ip[1] == 0 && ip[2] == 0 && ip[3] == 0,
			"%s %s: version 6, class and flow label 0", b->name, what);
	CHECK(payload == b->lay.inner_len - 40, "%s %s: payload length %u", b->name, what, payload);
	CHECK(ip[6] == next, "%s %s: next header %u", b->name, what, ip[6]);
	CHECK(ip[7] == 64, "%s %s: hop limit", b->name, what);
	CHECK(memcmp(ip + 8, src, 16) == 0 && memcmp(ip + 24, dst, 16) == 0, "%s %s: addresses",
			b->name, what);
	CHECK(sum_ipv6_upper(ip, l4, payload, next) == 0xFFFF, "%s %s: transport checksum",
			b->name, what);
	if (next == IPPROTO_UDP) {
		CHECK(get16(l4 + 4) == payload, "%s %s: UDP length", b->name, what);
		CHECK(get16(l4 + 6) != 0, "%s %s: UDP checksum present (mandatory over IPv6)",
				b->name, what);
	} else {
		CHECK(l4[0] == icmp_type && l4[1] == 0, "%s %s: ICMPv6 type %u code 0, want %u",
				b->name, what, l4[0], icmp_type);
		CHECK(get16(l4 + 4) == b->spec.src_port, "%s %s: echo identifier", b->name, what);
	}
}

static void
test_inner6_headers(void **state)
{
	static struct built b;

	(void)state;
	FOR_EACH_INNER6_FRAME(&b) {
		const uint8_t *ip = b.buf + b.lay.inner_off;

		if (b.spec.encap->inner_ethernet)
			CHECK(get16(ip - 2) == RTE_ETHER_TYPE_IPV6, "%s: inner EtherType 0x86dd", b.name);
		check_inner6(&b, ip, inner_src6, inner_dst6, OVL_ICMP6_ECHO_REQUEST, "built");
	}
}

/* The inner IPv6 header's 20 bytes over IPv4's: in the smallest frame and in the layout. */
static void
test_inner6_sizes(void **state)
{
	static const struct { const char *name; uint32_t min4, min6; } want[] = {
		{ "vxlan", 114, 134 }, { "geneve", 114, 134 }, { "gretap", 102, 122 },
		{ "flannel", 92, 112 }, { "raw", 64, 64 },
	};
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	char err[256];
	unsigned int k;

	(void)state;
	for (k = 0; k < RTE_DIM(want); k++) {
		const struct ovl_encap *e = ovl_encap_find(want[k].name);

		if (e == NULL)
			continue;
		ovl_frame_spec_defaults(&spec, e);
		CHECK(ovl_frame_min_size(&spec) == want[k].min4, "%s: IPv4 inner %u", e->name,
				ovl_frame_min_size(&spec));
		spec.inner_ip6 = 1;
		CHECK(ovl_frame_min_size(&spec) == want[k].min6, "%s: IPv6 inner %u, want %u",
				e->name, ovl_frame_min_size(&spec), want[k].min6);
		spec.size_kind = OVL_SIZE_INNER;
		spec.size = 200;
		CHECK(ovl_frame_layout(&spec, &lay, err, sizeof(err)) == 0 &&
				lay.payload_len == (e->ip_proto != 0 ? 200 - 48 : 200 - 28),
				"%s: inner size 200 carries %u payload bytes", e->name, lay.payload_len);
	}
}

static void
test_inner6_refusals(void **state)
{
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	char err[256];

	(void)state;
	ovl_frame_spec_defaults(&spec, ovl_encap_find("ipip"));
	spec.inner_ip6 = 1;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "IPv6 in IPv4 is protocol 41") != NULL && strchr(err, '\n') == NULL,
			"%s", err);
	/* Fragmented at a tunnel MTU of 1280 or more (RFC 8200 5): 1330 leaves VXLAN 1280. */
	ovl_frame_spec_defaults(&spec, ovl_encap_find("vxlan"));
	spec.inner_ip6 = 1;
	spec.size_kind = OVL_SIZE_INNER;
	spec.size = 2000;
	spec.mtu = 1329;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "at least 1280") != NULL && strstr(err, "at least 1330") != NULL &&
			strchr(err, '\n') == NULL, "%s", err);
	spec.mtu = 1330;
	CHECK(ovl_frame_layout(&spec, &lay, err, sizeof(err)) == 0 && lay.n_frames == 2,
			"inner 2000 at MTU 1330: %s", err);
	/* Raw over IPv6 has no inner packet: its own is the underlay's, never fragmented. */
	ovl_frame_spec_defaults(&spec, ovl_encap_find("raw"));
	spec.ip6 = 1;
	spec.size_kind = OVL_SIZE_INNER;
	spec.size = 2000;
	spec.mtu = 1500;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "raw over IPv6 is not fragmented") != NULL && strstr(err, "1500") != NULL,
			"%s", err);
}

/* Parsed back, checksums verified, damage found; turned around once (checked) and twice. */
static void
test_inner6_parse_turnaround(void **state)
{
	static struct built b;
	static uint8_t copy[OVL_FRAME_MAX];
	struct ovl_rx_config rx;

	(void)state;
	ovl_rx_config_defaults(&rx);
	FOR_EACH_INNER6_FRAME(&b) {
		struct ovl_layers l, l2nd;
		uint8_t next = b.spec.inner_proto == IPPROTO_UDP ? IPPROTO_UDP : IPPROTO_ICMPV6;

		CHECK(ovl_parse(b.buf, (uint32_t)b.len, &rx, &l) == 0, "%s: parses", b.name);
		CHECK(l.encap == b.spec.encap && l.inner_ip6 && l.ip6 == b.spec.ip6 &&
				l.inner_l3 == b.lay.inner_off && l.l4 == b.lay.inner_off + 40 &&
				l.l4_proto == next && l.probe == l.l4 + 8 &&
				l.payload_len == b.lay.payload_len, "%s: layers", b.name);
		CHECK(ovl_frame_verify_cksums(b.buf, &l) == 0, "%s: checksums", b.name);
		CHECK(ovl_frame_verify_fill(b.buf, &l) == 0, "%s: fill", b.name);

		memcpy(copy, b.buf, (size_t)b.len);
		copy[l.probe + 4] ^= 0x40;
		CHECK(ovl_frame_verify_l4_cksums(copy, &l) < 0, "%s: damage found", b.name);

		memcpy(copy, b.buf, (size_t)b.len);
		ovl_frame_turnaround(copy, &l);
		check_inner6(&b, copy + l.inner_l3, inner_dst6, inner_src6, OVL_ICMP6_ECHO_REPLY,
				"answer");
		if (next == IPPROTO_UDP)
			CHECK(get16(copy + l.l4) == b.spec.dst_port &&
					get16(copy + l.l4 + 2) == b.spec.src_port, "%s: ports swapped", b.name);
		CHECK(ovl_parse(copy, (uint32_t)b.len, &rx, &l2nd) == 0 &&
				ovl_frame_verify_cksums(copy, &l2nd) == 0, "%s: the answer checks", b.name);
		ovl_frame_turnaround(copy, &l2nd);
		CHECK(memcmp(copy, b.buf, (size_t)b.len) == 0, "%s: twice restores", b.name);
	}
}

/*
 * The sender's patch: the template's probe fields are zero, and a packet's sequence and
 * timestamp are added to the L4 checksum incrementally (no IP header checksum over IPv6; the
 * pseudo-header does not change). The result must be the checksum summed from scratch.
 */
static void
test_inner6_probe_patch(void **state)
{
	static struct built b;
	struct ovl_rx_config rx;

	(void)state;
	ovl_rx_config_defaults(&rx);
	FOR_EACH_INNER6_FRAME(&b) {
		struct ovl_probe zero = { .session = 0x01020304, .stream = 3 };
		struct ovl_layers l;
		uint8_t old[16], *probe, *ck;
		uint8_t fields[16] = { 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4 };
		uint16_t cksum;
		size_t seq_off = b.lay.probe_form == OVL_PROBE_FULL
			? offsetof(struct ovl_probe_full, seq) : offsetof(struct ovl_probe_compact, seq);
		const uint8_t *ip = b.buf + b.lay.inner_off;

		if (b.lay.probe_form != OVL_PROBE_FULL)
			continue; /* the full probe's 16 bytes of sequence and timestamp, adjacent */
		b.len = ovl_frame_build(b.buf, sizeof(b.buf), &b.spec, &b.lay, &zero);
		CHECK(ovl_parse(b.buf, (uint32_t)b.len, &rx, &l) == 0, "%s", b.name);
		probe = b.buf + l.probe + seq_off;
		ck = b.buf + l.l4 + (l.l4_proto == IPPROTO_UDP ? 6 : 2);
		memcpy(old, probe, 16);
		memcpy(probe, fields, 16);
		memcpy(&cksum, ck, 2);
		cksum = ovl_cksum_update(cksum, old, fields, 16);
		if (l.l4_proto == IPPROTO_UDP)
			cksum = ovl_udp_cksum_fixup(cksum);
		memcpy(ck, &cksum, 2);
		CHECK(sum_ipv6_upper(ip, ip + 40, get16(ip + 4), ip[6]) == 0xFFFF,
				"%s: patched checksum", b.name);
	}
}

/* What an inner IPv6 header may not be: each dropped by its inner reason, from the memo too. */
static void
test_inner6_hostile(void **state)
{
	static const uint8_t ext[] = { 0, 43, 50, 51, 60, 135, 139, 140, 253, 254 };
	static struct built b;
	static uint8_t bad[OVL_FRAME_MAX];
	struct ovl_rx_config rx;
	unsigned int k;

	(void)state;
	ovl_rx_config_defaults(&rx);
	FOR_EACH_INNER6_FRAME(&b) {
		uint16_t in = b.lay.inner_off;
		struct ovl_parse_memo memo;
		struct ovl_layers l;
		uint32_t cut;

		if (b.spec.size == 9018)
			continue;
		memset(&memo, 0, sizeof(memo));
		CHECK(ovl_parse_memo(&memo, b.buf, (uint32_t)b.len, &rx, &l) == 0, "%s", b.name);
		for (k = 0; k < RTE_DIM(ext); k++) {
			memcpy(bad, b.buf, (size_t)b.len);
			bad[in + 6] = ext[k];
			CHECK(ovl_parse_memo(&memo, bad, (uint32_t)b.len, &rx, &l) ==
					-OVL_DROP_INNER_IP6_EXT_HDR,
					"%s: inner next header %u is an extension header", b.name, ext[k]);
		}
		/* A Fragment header (44) is read as one: the transport header makes none of a probe. */
		memcpy(bad, b.buf, (size_t)b.len);
		bad[in + 6] = IPPROTO_FRAGMENT;
		CHECK(ovl_parse_memo(&memo, bad, (uint32_t)b.len, &rx, &l) < 0,
				"%s: next header 44 over a transport header", b.name);
		memcpy(bad, b.buf, (size_t)b.len);
		bad[in + 6] = IPPROTO_SCTP;
		CHECK(ovl_parse_memo(&memo, bad, (uint32_t)b.len, &rx, &l) == -OVL_DROP_INNER_PROTO,
				"%s: SCTP", b.name);
		if (b.spec.encap->inner_ethernet) {
			memcpy(bad, b.buf, (size_t)b.len);
			bad[in] = 0x45;
			CHECK(ovl_parse_memo(&memo, bad, (uint32_t)b.len, &rx, &l) ==
					-OVL_DROP_INNER_IP_VERSION, "%s: version 4 under 0x86dd", b.name);
		}
		memcpy(bad, b.buf, (size_t)b.len);
		bad[in + 5] = (uint8_t)(bad[in + 5] + 1);
		if (bad[in + 5] == 0)
			bad[in + 4]++;
		CHECK(ovl_parse_memo(&memo, bad, (uint32_t)b.len, &rx, &l) ==
				-OVL_DROP_INNER_IP_TOTAL_LEN, "%s: payload length past the carrier", b.name);
		/* Cut inside the inner header (the tunnel's own length fields say so first). */
		for (cut = in; cut < (uint32_t)in + 40; cut += 7) {
			int rc;

			memcpy(bad, b.buf, (size_t)b.len);
			rc = ovl_parse(bad, cut, &rx, &l);
			CHECK(rc < 0, "%s: cut at %u (%d)", b.name, cut, rc);
		}
		CHECK(ovl_parse_memo(&memo, b.buf, (uint32_t)b.len, &rx, &l) == 0 && memo.hit,
				"%s: memo hit", b.name);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inner6_headers),
		cmocka_unit_test(test_inner6_sizes),
		cmocka_unit_test(test_inner6_refusals),
		cmocka_unit_test(test_inner6_parse_turnaround),
		cmocka_unit_test(test_inner6_probe_patch),
		cmocka_unit_test(test_inner6_hostile),
	};

	return cmocka_run_group_tests_name("parse_inner6", tests, NULL, NULL);
}
