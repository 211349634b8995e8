/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <inttypes.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dissect.h"
#include "drop.h"
#include "headers.h"

static void
print_ether(FILE *out, const char *label, const struct rte_ether_hdr *eth)
{
	char src[RTE_ETHER_ADDR_FMT_SIZE], dst[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(src, sizeof(src), &eth->src_addr);
	rte_ether_format_addr(dst, sizeof(dst), &eth->dst_addr);
	fprintf(out, "  %-9s %s > %s, type 0x%04x\n", label, src, dst,
			rte_be_to_cpu_16(eth->ether_type));
}

static void
print_ipv4(FILE *out, const char *label, const struct rte_ipv4_hdr *ip)
{
	uint32_t s = rte_be_to_cpu_32(ip->src_addr), d = rte_be_to_cpu_32(ip->dst_addr);
	uint16_t frag = rte_be_to_cpu_16(ip->fragment_offset);

	fprintf(out,
		"  %-9s %u.%u.%u.%u > %u.%u.%u.%u, len %u, ttl %u, id %u, %s%s offset %u, proto %u, cksum 0x%04x (%s)\n",
		label, s >> 24, s >> 16 & 0xFF, s >> 8 & 0xFF, s & 0xFF, d >> 24, d >> 16 & 0xFF,
		d >> 8 & 0xFF, d & 0xFF, rte_be_to_cpu_16(ip->total_length), ip->time_to_live,
		rte_be_to_cpu_16(ip->packet_id), frag & RTE_IPV4_HDR_DF_FLAG ? "DF" : "no DF",
		frag & RTE_IPV4_HDR_MF_FLAG ? " MF," : ",", (frag & RTE_IPV4_HDR_OFFSET_MASK) * 8,
		ip->next_proto_id, rte_be_to_cpu_16(ip->hdr_checksum),
		rte_raw_cksum(ip, OVL_IPV4_HDR_LEN) == 0xFFFF ? "ok" : "bad");
}

static void
print_ipv6(FILE *out, const char *label, const struct rte_ipv6_hdr *ip)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	uint32_t vtc = rte_be_to_cpu_32(ip->vtc_flow);

	inet_ntop(AF_INET6, ip->src_addr, s, sizeof(s));
	inet_ntop(AF_INET6, ip->dst_addr, d, sizeof(d));
	fprintf(out,
		"  %-9s %s > %s, payload len %u, hop limit %u, class %u, flow 0x%05x, next header %u\n",
		label, s, d, rte_be_to_cpu_16(ip->payload_len), ip->hop_limits, vtc >> 20 & 0xFF,
		vtc & 0xFFFFF, ip->proto);
}

/* The Fragment header after an inner IPv6 header that the parser found to be a fragment. */
static void
print_ipv6_fragment(FILE *out, const struct rte_ipv6_fragment_ext *fh)
{
	uint16_t frag_data = rte_be_to_cpu_16(fh->frag_data);

	fprintf(out, "  %-9s offset %u,%s id 0x%08" PRIx32 ", next header %u\n", "fragment",
			(unsigned int)RTE_IPV6_GET_FO(frag_data) * 8,
			RTE_IPV6_GET_MF(frag_data) ? " MF," : "", rte_be_to_cpu_32(fh->id),
			fh->next_header);
}

/* The IP header at ip, of either version. */
static void
print_ip(FILE *out, const char *label, const uint8_t *ip)
{
	if ((*ip >> 4) == 6)
		print_ipv6(out, label, (const struct rte_ipv6_hdr *)ip);
	else
		print_ipv4(out, label, (const struct rte_ipv4_hdr *)ip);
}

static void
print_udp(FILE *out, const char *label, const uint8_t *ip, const struct rte_udp_hdr *udp,
		int whole)
{
	const char *status = "none";

	if (udp->dgram_cksum != 0)
		status = !whole ? "not checked" : ovl_l4_cksum_verify(ip, udp) == 0 ? "ok" : "bad";
	fprintf(out, "  %-9s %u > %u, len %u, cksum 0x%04x (%s)\n", label,
			rte_be_to_cpu_16(udp->src_port), rte_be_to_cpu_16(udp->dst_port),
			rte_be_to_cpu_16(udp->dgram_len), rte_be_to_cpu_16(udp->dgram_cksum), status);
}

static void
print_probe(FILE *out, const uint8_t *p, uint16_t len)
{
	struct ovl_probe v;
	int rc = ovl_probe_read(p, len, &v);

	if (rc < 0) {
		fprintf(out, "  %-9s none: %s\n", "probe", ovl_drop_text(rc));
		return;
	}
	if (v.form == OVL_PROBE_COMPACT) {
		fprintf(out,
			"  %-9s v%u compact, session tag 0x%04" PRIx32 ", stream %u, seq 0x%08" PRIx64 ", tx 0x%016" PRIx64 "\n",
			"probe", p[1] >> 4, v.session, v.stream, v.seq, v.tx_ts);
		return;
	}
	fprintf(out,
		"  %-9s v%u full (%u bytes), flags 0x%04x, session 0x%08" PRIx32 ", stream %u, seq %" PRIu64 ", tx 0x%016" PRIx64 ", reflector rx %" PRIu64 " tx %" PRIu64 " ns\n",
		"probe", p[1] >> 4, v.length, v.flags, v.session, v.stream, v.seq, v.tx_ts,
		v.reflector_rx_ns, v.reflector_tx_ns);
}

static void
print_hex(FILE *out, const uint8_t *frame, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(out, "    %04x ", i);
		fprintf(out, " %02x", frame[i]);
		if (i % 16 == 15 || i + 1 == len)
			fputc('\n', out);
	}
}

void
ovl_frame_dump(FILE *out, const uint8_t *frame, uint32_t len, const struct ovl_rx_config *cfg,
		int hex)
{
	struct ovl_layers l;
	int rc = ovl_parse(frame, len, cfg, &l);

	fprintf(out, "%s frame: %u bytes with FCS, %u written\n",
			l.encap != NULL ? l.encap->name : "unparsed", len + OVL_FCS_LEN, len);
	if (len >= RTE_ETHER_HDR_LEN)
		print_ether(out, "Ethernet", (const struct rte_ether_hdr *)frame);
	if (l.vlan)
		fprintf(out, "  %-9s vlan %u, pcp %u\n", "802.1Q", l.vlan_tci & 0x0FFF,
				l.vlan_tci >> 13);
	if (l.l3 != 0 && l.l3 != l.inner_l3)
		print_ip(out, l.ip6 ? "IPv6" : "IPv4", frame + l.l3);
	if (l.tunnel != 0)
		print_udp(out, "UDP", frame + l.l3, (const struct rte_udp_hdr *)(frame + l.tunnel), 1);
	if (l.encap != NULL && l.encap->describe != NULL && rc >= 0)
		l.encap->describe(out, frame, &l);
	if (l.inner_l2 != 0)
		print_ether(out, "Ethernet", (const struct rte_ether_hdr *)(frame + l.inner_l2));
	if (l.inner_l3 != 0 && rc > -OVL_DROP_TRUNC_INNER_IP)
		print_ip(out, l.l3 == l.inner_l3 ? (l.ip6 ? "IPv6" : "IPv4")
				: l.inner_ip6 ? "inner IPv6" : "inner IPv4", frame + l.inner_l3);
	if (rc == 1 && l.inner_ip6)
		print_ipv6_fragment(out, (const struct rte_ipv6_fragment_ext *)(frame + l.inner_l3 +
				OVL_IPV6_HDR_LEN));
	if (l.l4 != 0 && l.l4_proto == IPPROTO_UDP)
		print_udp(out, "UDP", frame + l.inner_l3, (const struct rte_udp_hdr *)(frame + l.l4),
				rc == 0);
	if (l.l4 != 0 && l.l4_proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *tcp = (const struct rte_tcp_hdr *)(frame + l.l4);
		char flags[8];

		fprintf(out, "  %-9s %u > %u, flags %s, seq %u, ack %u, cksum 0x%04x (%s)\n", "TCP",
				rte_be_to_cpu_16(tcp->src_port), rte_be_to_cpu_16(tcp->dst_port),
				ovl_tcp_flags_name(tcp->tcp_flags, flags, sizeof(flags)),
				rte_be_to_cpu_32(tcp->sent_seq), rte_be_to_cpu_32(tcp->recv_ack),
				rte_be_to_cpu_16(tcp->cksum), rc != 0 ? "not checked"
				: ovl_l4_cksum_verify(frame + l.inner_l3, tcp) == 0 ? "ok" : "bad");
	}
	if (l.l4 != 0 && l.l4_proto != IPPROTO_UDP && l.l4_proto != IPPROTO_TCP) {
		const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(frame + l.l4);
		int v6 = l.l4_proto == IPPROTO_ICMPV6;
		/* A fragment's checksum covers its whole datagram: not checked here. */
		int good = rc == 0 && (v6 ? ovl_l4_cksum_verify(frame + l.inner_l3, icmp) == 0
			: rte_raw_cksum(icmp, l.inner_end - l.l4) == 0xFFFF);

		fprintf(out, "  %-9s echo %s, id %u, seq %u, cksum 0x%04x (%s)\n", v6 ? "ICMPv6" : "ICMP",
				icmp->icmp_type == (v6 ? OVL_ICMP6_ECHO_REQUEST : RTE_IP_ICMP_ECHO_REQUEST)
					? "request" : "reply",
				rte_be_to_cpu_16(icmp->icmp_ident), rte_be_to_cpu_16(icmp->icmp_seq_nb),
				rte_be_to_cpu_16(icmp->icmp_cksum),
				rc != 0 ? "not checked" : good ? "ok" : "bad");
	}
	if (rc == 0 && ovl_is_bare_rst(&l)) {
		fprintf(out, "  no probe: a RST, matched to its probe by ports and sequence numbers\n");
	} else if (rc == 0) {
		print_probe(out, frame + l.probe, l.payload_len);
		fprintf(out, "  %-9s %u bytes, fill %s\n", "payload", l.payload_len,
				ovl_frame_verify_fill(frame, &l) == 0 ? "ok" : "bad");
	} else if (rc == 1) {
		fprintf(out, "  inner fragment: the probe is matched after reassembly\n");
	} else {
		fprintf(out, "  not a probe: %s (%s)\n", ovl_drop_text(rc), ovl_drop_name(rc));
	}
	if (hex)
		print_hex(out, frame, len);
}
