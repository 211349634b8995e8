/* SPDX-License-Identifier: BSD-3-Clause */
/* Building frames: the inner packet with its probe, then the encapsulation around it. */
#include <errno.h>
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "frame.h"
#include "headers.h"

void
ovl_inner_build(uint8_t *ip_start, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay, const struct ovl_probe *probe)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)ip_start;
	uint8_t *l4 = ip_start + OVL_IPV4_HDR_LEN;
	uint8_t *payload = l4 + OVL_UDP_HDR_LEN;
	uint32_t k;
	/* With no tunnel headers the inner packet travels on the underlay's addresses. */
	rte_be32_t src = ovl_frame_spec_overhead(spec) != 0 ? spec->inner_src_ip : spec->src_ip;
	rte_be32_t dst = ovl_frame_spec_overhead(spec) != 0 ? spec->inner_dst_ip : spec->dst_ip;

	/* DF clear: a container's kernel fragments what exceeds the tunnel MTU. */
	ovl_ipv4_write(ip, src, dst, spec->inner_proto, (uint16_t)lay->inner_len,
			spec->inner_ttl, 0);
	ovl_probe_write(payload, lay->probe_form, probe);
	for (k = lay->probe_len; k < lay->payload_len; k++)
		payload[k] = ovl_payload_fill_byte(k);

	if (spec->inner_proto == IPPROTO_ICMP) {
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;

		icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
		icmp->icmp_code = 0;
		icmp->icmp_cksum = 0;
		icmp->icmp_ident = rte_cpu_to_be_16(spec->src_port);
		icmp->icmp_seq_nb = 0;
		icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, OVL_UDP_HDR_LEN + lay->payload_len);
	} else {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)l4;

		ovl_udp_write(udp, spec->src_port, spec->dst_port,
				OVL_UDP_HDR_LEN + lay->payload_len);
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	}
}

uint16_t
ovl_frame_encapsulate(uint8_t *frame, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay, uint16_t inner_len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	uint16_t len = lay->inner_off + inner_len;

	eth->dst_addr = spec->dst_mac;
	eth->src_addr = spec->src_mac;
	if (spec->vlan) {
		struct rte_vlan_hdr *tag = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		tag->vlan_tci = rte_cpu_to_be_16(spec->vlan);
		tag->eth_proto = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	} else {
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	}
	spec->encap->encapsulate(frame + lay->l2_len, inner_len, spec);
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
