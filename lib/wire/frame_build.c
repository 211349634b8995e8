/* SPDX-License-Identifier: BSD-3-Clause */
/* Building frames: the inner packet with its probe, then the encapsulation around it. */
#include <errno.h>
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "frame.h"
#include "headers.h"

/*
 * The IP header of the packet that carries the probe: the inner one, IPv4 or IPv6, or with no
 * tunnel headers (raw) the underlay's own. Returns its length.
 */
static uint16_t
probe_ip_write(uint8_t *ip, const struct ovl_frame_spec *spec, const struct ovl_frame_layout *lay)
{
	int raw = spec->encap->ip_proto == 0;

	if (ovl_frame_spec_probe_ip6(spec)) {
		ovl_ipv6_write((struct rte_ipv6_hdr *)ip, raw ? spec->src_ip6 : spec->inner_src_ip6,
				raw ? spec->dst_ip6 : spec->inner_dst_ip6,
				spec->inner_proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : spec->inner_proto,
				(uint16_t)(lay->inner_len - OVL_IPV6_HDR_LEN), spec->inner_ttl);
		return OVL_IPV6_HDR_LEN;
	}
	/* DF clear: a container's kernel fragments what exceeds the tunnel MTU. */
	ovl_ipv4_write((struct rte_ipv4_hdr *)ip, raw ? spec->src_ip : spec->inner_src_ip,
			raw ? spec->dst_ip : spec->inner_dst_ip, spec->inner_proto,
			(uint16_t)lay->inner_len, spec->inner_ttl, 0);
	return OVL_IPV4_HDR_LEN;
}

void
ovl_inner_build(uint8_t *ip, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay, const struct ovl_probe *probe)
{
	uint8_t *l4 = ip + probe_ip_write(ip, spec, lay);
	uint8_t *payload = l4 + ovl_l4_hdr_len(spec->inner_proto);
	uint32_t k;

	ovl_probe_write(payload, lay->probe_form, probe);
	for (k = lay->probe_len; k < lay->payload_len; k++)
		payload[k] = ovl_payload_fill_byte(k);

	if (spec->inner_proto == IPPROTO_ICMP) {
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;
		int v6 = (*ip >> 4) == 6;

		/* ICMPv6 echo (RFC 4443) has ICMP's layout, other types and a pseudo-header sum. */
		icmp->icmp_type = v6 ? OVL_ICMP6_ECHO_REQUEST : RTE_IP_ICMP_ECHO_REQUEST;
		icmp->icmp_code = 0;
		icmp->icmp_cksum = 0;
		icmp->icmp_ident = rte_cpu_to_be_16(spec->src_port);
		icmp->icmp_seq_nb = 0;
		icmp->icmp_cksum = v6 ? ovl_l4_cksum(ip, icmp)
			: (uint16_t)~rte_raw_cksum(icmp, OVL_UDP_HDR_LEN + lay->payload_len);
	} else if (spec->inner_proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)l4;

		ovl_tcp_write(tcp, spec->src_port, spec->dst_port, spec->tcp_flags, (uint32_t)probe->seq,
				lay->payload_len);
		tcp->cksum = ovl_l4_cksum(ip, tcp);
	} else {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)l4;

		ovl_udp_write(udp, spec->src_port, spec->dst_port,
				OVL_UDP_HDR_LEN + lay->payload_len);
		udp->dgram_cksum = ovl_l4_cksum(ip, udp);
	}
}

uint16_t
ovl_frame_encapsulate(uint8_t *frame, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay, uint16_t inner_len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	uint16_t len = lay->inner_off + inner_len;
	uint16_t ip_len = ovl_frame_spec_outer_ip_len(spec);
	rte_be16_t type = rte_cpu_to_be_16(spec->ip6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	uint8_t *l3 = frame + lay->l2_len;

	eth->dst_addr = spec->dst_mac;
	eth->src_addr = spec->src_mac;
	if (spec->vlan) {
		struct rte_vlan_hdr *tag = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		tag->vlan_tci = rte_cpu_to_be_16(spec->vlan);
		tag->eth_proto = type;
	} else {
		eth->ether_type = type;
	}
	/* raw has no outer header: the probe's own IP header is the underlay's. */
	if (ip_len != 0)
		ovl_outer_ip_write(l3, spec, spec->encap->ip_proto,
				(uint16_t)(lay->inner_off - lay->l2_len - ip_len + inner_len));
	spec->encap->encapsulate(l3 + ip_len, inner_len, spec);
	if (len < OVL_ETH_MIN_NOFCS) {
		memset(frame + len, 0, OVL_ETH_MIN_NOFCS - len);
		len = OVL_ETH_MIN_NOFCS;
	}
	return len;
}

int
ovl_frame_build(uint8_t *buf, size_t cap, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay, const struct ovl_probe *probe)
{
	if (lay->n_frames != 1)
		return -EMSGSIZE;
	if (cap < lay->frame_size - OVL_FCS_LEN)
		return -ENOSPC;
	ovl_inner_build(buf + lay->inner_off, spec, lay, probe);
	return ovl_frame_encapsulate(buf, spec, lay, (uint16_t)lay->inner_len);
}
