/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP probes (tcp.h): built, parsed and turned around over every encapsulation, inner IPv4 and
 * IPv6, each checksum verified by DPDK's own verifier and, over IPv6, by a sum made here; the
 * answer a Linux kernel gives (RST, ACK = SEQ + SYN + FIN + data, RFC 9293 3.10.7.1) worked out
 * here from the segment's bytes, acknowledging the probe's low 32 bits; bare RSTs accepted,
 * other bare segments not; the --tcp-flags letters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "built6.h"
#include "check.h"
#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "tcp.h"

static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t flag_sets[] = {
	RTE_TCP_SYN_FLAG, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, RTE_TCP_PSH_FLAG | RTE_TCP_ACK_FLAG,
	RTE_TCP_FIN_FLAG, RTE_TCP_ACK_FLAG,
};

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The TCP checksum of the segment at l4 under the IP header at ip: good by DPDK and, v6, by hand. */
static int
tcp_cksum_good(const uint8_t *ip, const uint8_t *l4)
{
	if ((ip[0] >> 4) == 6)
		return rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)ip, l4) == 0 &&
			sum_ipv6_upper(ip, l4, get16(ip + 4), IPPROTO_TCP) == 0xFFFF;
	return rte_ipv4_udptcp_cksum_verify((const struct rte_ipv4_hdr *)ip, l4) == 0;
}

/* Data bytes of the segment at l4, from the IP header's lengths alone. */
static uint32_t
data_len(const uint8_t *ip, const uint8_t *l4)
{
	uint32_t ip_len = (ip[0] >> 4) == 6 ? get16(ip + 4) : get16(ip + 2) - (uint32_t)(l4 - ip);

	return ip_len - (uint32_t)(l4[12] >> 4) * 4;
}

static void
make(struct built *b, const struct ovl_encap *e, int inner6, uint8_t flags, uint32_t size,
		uint64_t seq)
{
	struct ovl_probe p = { .session = 0x01020304, .stream = 3, .seq = seq, .tx_ts = 0x1122 };
	char err[256];

	ovl_frame_spec_defaults(&b->spec, e);
	b->spec.inner_proto = IPPROTO_TCP;
	b->spec.tcp_flags = flags;
	b->spec.size = size;
	if (inner6) {
		b->spec.inner_ip6 = 1;
		memcpy(b->spec.inner_src_ip6, src6, 16);
		memcpy(b->spec.inner_dst_ip6, dst6, 16);
		if (e->ip_proto == 0) { /* raw: the probe's header is the underlay's */
			b->spec.ip6 = 1;
			memcpy(b->spec.src_ip6, src6, 16);
			memcpy(b->spec.dst_ip6, dst6, 16);
		}
	}
	snprintf(b->name, sizeof(b->name), "%s%s flags 0x%02x size %u seq %#llx", e->name,
			inner6 ? " inner6" : "", flags, size, (unsigned long long)seq);
	CHECK(ovl_frame_layout(&b->spec, &b->lay, err, sizeof(err)) == 0, "%s: %s", b->name, err);
	b->len = ovl_frame_build(b->buf, sizeof(b->buf), &b->spec, &b->lay, &p);
	CHECK(b->len > 0, "%s: built", b->name);
}

static void
test_smallest_frames(void **state)
{
	struct ovl_frame_spec spec;

	(void)state;
	ovl_frame_spec_defaults(&spec, ovl_encap_find("raw"));
	spec.inner_proto = IPPROTO_TCP;
	/* 14 Ethernet + 20 IPv4 + 20 TCP + 18 compact probe + 4 FCS: no room in 64 bytes. */
	CHECK(ovl_frame_min_size(&spec) == 76, "raw TCP smallest %u", ovl_frame_min_size(&spec));
	spec.inner_proto = IPPROTO_UDP;
	CHECK(ovl_frame_min_size(&spec) == 64, "raw UDP smallest %u", ovl_frame_min_size(&spec));
	ovl_frame_spec_defaults(&spec, ovl_encap_find("vxlan"));
	spec.inner_proto = IPPROTO_TCP;
	CHECK(ovl_frame_min_size(&spec) == 126, "vxlan TCP smallest %u", ovl_frame_min_size(&spec));
}

/* Build and parse; the segment's numbers; a kernel's RST and the reflector's answer, worked out. */
static void
check_one(const struct ovl_encap *e, int inner6, uint8_t flags, uint32_t size, uint64_t seq)
{
	struct ovl_rx_config rx;
	struct ovl_layers l, back;
	struct ovl_probe p;
	struct built b;
	const uint8_t *ip, *tcp;
	uint32_t n, seq32 = (uint32_t)seq, rst_ack;
	int rc;

	make(&b, e, inner6, flags, size, seq);
	ovl_rx_config_defaults(&rx);
	rc = ovl_parse(b.buf, (uint32_t)b.len, &rx, &l);
	CHECK(rc == 0, "%s: parse %d (%s)", b.name, rc, ovl_drop_name(rc));
	CHECK(l.l4_proto == IPPROTO_TCP && l.payload_len == b.lay.payload_len && !ovl_is_bare_rst(&l),
			"%s: TCP with %u bytes of data", b.name, l.payload_len);
	CHECK(ovl_probe_read(b.buf + l.probe, l.payload_len, &p) == 0 && (uint32_t)p.seq == seq32,
			"%s: the probe", b.name);
	ip = b.buf + l.inner_l3;
	tcp = b.buf + l.l4;
	CHECK(tcp_cksum_good(ip, tcp), "%s: TCP checksum", b.name);
	CHECK(ovl_frame_verify_cksums(b.buf, &l) == 0 && ovl_frame_verify_fill(b.buf, &l) == 0,
			"%s: checksums and fill", b.name);
	CHECK(tcp[13] == flags && tcp[12] == 0x50, "%s: flags 0x%02x, offset 0x%02x", b.name,
			tcp[13], tcp[12]);
	n = data_len(ip, tcp);
	CHECK(n == b.lay.payload_len, "%s: data %u", b.name, n);
	/* Linux: to a segment without ACK, RST with ACK = SEQ + SYN + FIN + data; with ACK, SEQ = its ACK. */
	rst_ack = (flags & RTE_TCP_ACK_FLAG) ? get32(tcp + 8)
		: get32(tcp + 4) + !!(flags & RTE_TCP_SYN_FLAG) + !!(flags & RTE_TCP_FIN_FLAG) + n;
	CHECK(rst_ack == seq32, "%s: a kernel's RST names %#x, the probe is %#x", b.name, rst_ack, seq32);

	ovl_frame_turnaround(b.buf, &l);
	CHECK(tcp_cksum_good(ip, tcp), "%s: TCP checksum after turnaround", b.name);
	CHECK(tcp[13] == ((flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) == RTE_TCP_SYN_FLAG
			? (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) : RTE_TCP_ACK_FLAG | (flags & RTE_TCP_FIN_FLAG)),
			"%s: answered with flags 0x%02x", b.name, tcp[13]);
	CHECK(get32(tcp + 8) == seq32 && get16(tcp) == 7000 && get16(tcp + 2) == b.spec.src_port,
			"%s: answer acks %#x from %u to %u", b.name, get32(tcp + 8), get16(tcp), get16(tcp + 2));
	CHECK(ovl_tcp_answer_seq32((const struct rte_tcp_hdr *)tcp) == seq32, "%s: answer's seq32",
			b.name);
	rc = ovl_parse(b.buf, (uint32_t)b.len, &rx, &back);
	CHECK(rc == 0 && ovl_frame_verify_cksums(b.buf, &back) == 0, "%s: answer parses (%d)", b.name, rc);
}

static void
test_build_parse_turnaround(void **state)
{
	static const uint64_t seqs[] = { 0, 1, 0xFFFFFFFF, 0x1234567890ULL };
	unsigned int i, f, k, v6;

	(void)state;
	for (i = 0; ovl_encaps[i] != NULL; i++)
		for (v6 = 0; v6 < 2; v6++) {
			uint32_t sizes[] = { 0, 200, 1400 };

			if (v6 && ovl_encaps[i]->ipv4_only)
				continue;
			for (f = 0; f < RTE_DIM(flag_sets); f++)
				for (k = 0; k < RTE_DIM(sizes); k++)
					check_one(ovl_encaps[i], (int)v6, flag_sets[f], sizes[k],
							seqs[(f + k) % RTE_DIM(seqs)]);
		}
}

/* A RST as Linux sends it: the probe frame cut to its headers, flags and numbers rewritten. */
static int
kernel_rst(struct built *b, const struct ovl_layers *l, uint8_t flags)
{
	uint8_t *ip = b->buf + l->inner_l3;
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(b->buf + l->l4);
	uint16_t cut = l->payload_len;

	tcp->tcp_flags = flags;
	tcp->cksum = 0;
	if ((ip[0] >> 4) == 6) {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;

		h->payload_len = rte_cpu_to_be_16(OVL_TCP_HDR_LEN);
		tcp->cksum = rte_ipv6_udptcp_cksum(h, tcp);
	} else {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;

		h->total_length = rte_cpu_to_be_16(OVL_IPV4_HDR_LEN + OVL_TCP_HDR_LEN);
		h->hdr_checksum = 0;
		h->hdr_checksum = rte_ipv4_cksum(h);
		tcp->cksum = rte_ipv4_udptcp_cksum(h, tcp);
	}
	/* The tunnel's own lengths: shortened by rebuilding its headers from the spec. */
	return ovl_frame_encapsulate(b->buf, &b->spec, &b->lay,
			(uint16_t)(b->lay.inner_len - cut));
}

static void
test_bare_segments(void **state)
{
	static const char *names[] = { "raw", "vxlan", "ipip", "flannel", "geneve", "gretap" };
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(names); i++) {
		const struct ovl_encap *e = ovl_encap_find(names[i]);
		struct ovl_parse_memo memo;
		struct ovl_rx_config rx;
		struct ovl_layers l;
		struct built b;
		int len, rc;

		if (e == NULL)
			continue;
		ovl_rx_config_defaults(&rx);
		make(&b, e, 0, RTE_TCP_SYN_FLAG, 0, 5);
		CHECK(ovl_parse(b.buf, (uint32_t)b.len, &rx, &l) == 0, "%s: parse", b.name);
		len = kernel_rst(&b, &l, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
		memset(&memo, 0, sizeof(memo));
		rc = ovl_parse_memo(&memo, b.buf, (uint32_t)len, &rx, &l);
		CHECK(rc == 0 && ovl_is_bare_rst(&l) && ovl_frame_verify_cksums(b.buf, &l) == 0,
				"%s: a bare RST is accepted (%d %s)", b.name, rc, ovl_drop_name(rc));
		rc = ovl_parse_memo(&memo, b.buf, (uint32_t)len, &rx, &l);
		CHECK(rc == 0 && ovl_is_bare_rst(&l), "%s: and again, from the memo (%d)", b.name, rc);
		b.buf[l.l4 + 13] = RTE_TCP_ACK_FLAG;
		rc = ovl_parse_memo(&memo, b.buf, (uint32_t)len, &rx, &l);
		CHECK(rc < 0, "%s: a bare ACK is no probe (%d)", b.name, rc);
		b.buf[l.l4 + 13] = RTE_TCP_RST_FLAG;
		b.buf[l.l4 + 12] = 0x60;
		rc = ovl_parse(b.buf, (uint32_t)len, &rx, &l);
		CHECK(rc == -OVL_DROP_L4_LEN, "%s: a TCP header with options (%d %s)", b.name, rc,
				ovl_drop_name(rc));
	}
}

static void
test_flags(void **state)
{
	static const struct {
		const char *arg;
		int rc;
		uint8_t flags;
	} cases[] = {
		{ "S", 0, RTE_TCP_SYN_FLAG }, { "SA", 0, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG },
		{ "AS", 0, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG },
		{ "PA", 0, RTE_TCP_PSH_FLAG | RTE_TCP_ACK_FLAG }, { "FU", 0, RTE_TCP_FIN_FLAG | RTE_TCP_URG_FLAG },
		{ "", -1, 0 }, { "R", -1, 0 }, { "SR", -1, 0 }, { "SS", -1, 0 }, { "s", -1, 0 },
		{ "X", -1, 0 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		char err[256] = "", name[8];
		uint8_t f = 0;
		int rc = ovl_tcp_flags_parse(cases[i].arg, &f, err, sizeof(err));

		CHECK(rc == cases[i].rc && (rc < 0 || f == cases[i].flags), "'%s': %d 0x%02x", cases[i].arg,
				rc, f);
		CHECK(rc == 0 || (strchr(err, '\n') == NULL && strstr(err, "S, A, F, P, U") != NULL),
				"'%s': one line naming the letters: %s", cases[i].arg, err);
		if (rc == 0)
			CHECK(ovl_tcp_flags_parse(ovl_tcp_flags_name(f, name, sizeof(name)), &f, err,
					sizeof(err)) == 0 && f == cases[i].flags, "'%s' named back", cases[i].arg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smallest_frames),
		cmocka_unit_test(test_build_parse_turnaround),
		cmocka_unit_test(test_bare_segments),
		cmocka_unit_test(test_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
