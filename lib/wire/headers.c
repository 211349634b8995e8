/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_thash.h>

#include "drop.h"
#include "frame.h"
#include "headers.h"

/* Microsoft's default RSS key, the one most NICs ship with. */
static const uint8_t rss_default_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

void
ovl_ipv4_write(struct rte_ipv4_hdr *ip, rte_be32_t src, rte_be32_t dst, uint8_t proto,
		uint16_t total_len, uint8_t ttl, int dont_fragment)
{
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(total_len);
	ip->packet_id = 0;
	ip->fragment_offset = dont_fragment ? rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG) : 0;
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->hdr_checksum = 0;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

void
ovl_ipv6_write(struct rte_ipv6_hdr *ip, const uint8_t src[16], const uint8_t dst[16],
		uint8_t proto, uint16_t payload_len, uint8_t hop_limit)
{
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(payload_len);
	ip->proto = proto;
	ip->hop_limits = hop_limit;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
}

uint8_t *
ovl_outer_ip_write(uint8_t *l3, const struct ovl_frame_spec *spec, uint8_t proto,
		uint16_t payload_len)
{
	if (spec->ip6) {
		ovl_ipv6_write((struct rte_ipv6_hdr *)l3, spec->src_ip6, spec->dst_ip6, proto,
				payload_len, spec->ttl);
		return l3 + OVL_IPV6_HDR_LEN;
	}
	ovl_ipv4_write((struct rte_ipv4_hdr *)l3, spec->src_ip, spec->dst_ip, proto,
			(uint16_t)(OVL_IPV4_HDR_LEN + payload_len), spec->ttl, 1);
	return l3 + OVL_IPV4_HDR_LEN;
}

uint16_t
ovl_l4_cksum(const void *ip, const void *l4)
{
	if ((*(const uint8_t *)ip >> 4) == 6)
		return rte_ipv6_udptcp_cksum(ip, l4);
	return rte_ipv4_udptcp_cksum(ip, l4);
}

int
ovl_l4_cksum_verify(const void *ip, const void *l4)
{
	if ((*(const uint8_t *)ip >> 4) == 6)
		return rte_ipv6_udptcp_cksum_verify(ip, l4);
	return rte_ipv4_udptcp_cksum_verify(ip, l4);
}

void
ovl_outer_udp_cksum(struct rte_udp_hdr *udp, const struct ovl_frame_spec *spec, int by_default)
{
	uint8_t *ip = (uint8_t *)udp - (spec->ip6 ? OVL_IPV6_HDR_LEN : OVL_IPV4_HDR_LEN);
	int compute = spec->outer_udp_csum == OVL_OUTER_UDP_CSUM_DEFAULT ? by_default || spec->ip6
		: spec->outer_udp_csum == OVL_OUTER_UDP_CSUM_COMPUTE;

	udp->dgram_cksum = 0;
	if (compute)
		udp->dgram_cksum = ovl_l4_cksum(ip, udp);
}

void
ovl_udp_write(struct rte_udp_hdr *udp, uint16_t src_port, uint16_t dst_port, uint16_t len)
{
	udp->src_port = rte_cpu_to_be_16(src_port);
	udp->dst_port = rte_cpu_to_be_16(dst_port);
	udp->dgram_len = rte_cpu_to_be_16(len);
	udp->dgram_cksum = 0;
}

int
ovl_ipv4_check(const uint8_t *frame, uint16_t off, uint16_t end, int first_reason,
		uint16_t *ip_end)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(frame + off);
	uint16_t total;

	if ((uint32_t)off + OVL_IPV4_HDR_LEN > end)
		return -first_reason;
	if (likely(ip->version_ihl == 0x45))
		goto length; /* every probe: version 4, no options */
	if ((ip->version_ihl >> 4) != 4)
		return -(first_reason + 1);
	if ((ip->version_ihl & 0x0F) < 5)
		return -(first_reason + 2);
	if ((ip->version_ihl & 0x0F) > 5)
		return -(first_reason + 3);
length:
	total = rte_be_to_cpu_16(ip->total_length);
	if (total < OVL_IPV4_HDR_LEN || (uint32_t)off + total > end)
		return -(first_reason + 4);
	*ip_end = off + total;
	return 0;
}

/* Whether a next header is an IPv6 extension header (RFC 8200 4, RFC 7045's list). */
static int
ipv6_ext_header(uint8_t next)
{
	switch (next) {
	case IPPROTO_HOPOPTS: case IPPROTO_ROUTING: case IPPROTO_FRAGMENT: case IPPROTO_ESP:
	case IPPROTO_AH: case IPPROTO_DSTOPTS: case 135: case 139: case 140:
	case 253: case 254:
		return 1;
	default:
		return 0;
	}
}

/* ovl_ipv6_check's reasons: truncated, version, payload length, extension header. */
static const int ipv6_reasons[2][4] = {
	{ OVL_DROP_TRUNC_IP, OVL_DROP_IP_VERSION, OVL_DROP_IP_TOTAL_LEN, OVL_DROP_IP6_EXT_HDR },
	{ OVL_DROP_TRUNC_INNER_IP, OVL_DROP_INNER_IP_VERSION, OVL_DROP_INNER_IP_TOTAL_LEN,
		OVL_DROP_INNER_IP6_EXT_HDR },
};

int
ovl_ipv6_check(const uint8_t *frame, uint16_t off, uint16_t end, int inner, uint16_t *ip_end)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(frame + off);
	const int *reason = ipv6_reasons[inner != 0];
	uint32_t total;

	if ((uint32_t)off + OVL_IPV6_HDR_LEN > end)
		return -reason[0];
	if ((frame[off] >> 4) != 6)
		return -reason[1];
	total = (uint32_t)OVL_IPV6_HDR_LEN + rte_be_to_cpu_16(ip->payload_len);
	if ((uint32_t)off + total > end)
		return -reason[2];
	/* An inner Fragment header is the caller's to check: inner packets are fragmented. */
	if (ipv6_ext_header(ip->proto) && !(inner && ip->proto == IPPROTO_FRAGMENT))
		return -reason[3];
	*ip_end = (uint16_t)(off + total);
	return 0;
}

int
ovl_udp_tunnel_find(const uint8_t *frame, rte_be16_t port, struct ovl_layers *l)
{
	const struct rte_udp_hdr *udp;
	uint16_t off = l->l3_payload;
	uint16_t udp_len;

	if (l->l3_proto != IPPROTO_UDP)
		return 1;
	/* The port first: a cut datagram to another port is not this tunnel's to name. */
	if ((uint32_t)off + offsetof(struct rte_udp_hdr, dgram_len) > l->l3_end)
		return 1;
	udp = (const struct rte_udp_hdr *)(frame + off);
	if (udp->dst_port != port)
		return 1;
	if ((uint32_t)off + OVL_UDP_HDR_LEN > l->l3_end)
		return -OVL_DROP_TRUNC_UDP;
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (udp_len < OVL_UDP_HDR_LEN || (uint32_t)off + udp_len > l->l3_end)
		return -OVL_DROP_UDP_LEN;
	l->tunnel = off;
	l->inner_end = off + udp_len;
	return 0;
}

/* An IPv6 address folded to 32 bits for the flow hash: its four words added. */
static uint32_t
fold_ipv6(const uint8_t a[16])
{
	uint32_t w[4];

	memcpy(w, a, sizeof(w));
	return rte_be_to_cpu_32(w[0]) + rte_be_to_cpu_32(w[1]) + rte_be_to_cpu_32(w[2]) +
		rte_be_to_cpu_32(w[3]);
}

uint16_t
ovl_tunnel_src_port(const struct ovl_frame_spec *spec)
{
	uint16_t sport = spec->src_port;
	uint16_t dport = spec->inner_proto == IPPROTO_ICMP ? 0 : spec->dst_port;
	uint32_t tuple[3] = {
		spec->inner_ip6 ? fold_ipv6(spec->inner_src_ip6) : rte_be_to_cpu_32(spec->inner_src_ip),
		spec->inner_ip6 ? fold_ipv6(spec->inner_dst_ip6) : rte_be_to_cpu_32(spec->inner_dst_ip),
		(uint32_t)sport << 16 | dport,
	};

	return 0xC000 | (rte_softrss(tuple, 3, rss_default_key) & 0x3FFF);
}

void
ovl_inner_ether_write(struct rte_ether_hdr *eth, const struct ovl_frame_spec *spec)
{
	eth->dst_addr = spec->inner_dst_mac;
	eth->src_addr = spec->inner_src_mac;
	eth->ether_type = rte_cpu_to_be_16(spec->inner_ip6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
}

int
ovl_inner_ether_find(const uint8_t *frame, uint16_t off, struct ovl_layers *l)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)(frame + off);

	if ((uint32_t)off + RTE_ETHER_HDR_LEN > l->inner_end)
		return -OVL_DROP_TRUNC_INNER_ETH;
	/* Set before the type check: an inner ARP is answered from here (neighbour.c). */
	l->inner_l2 = off;
	l->inner_ip6 = eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) && !l->inner_ip6)
		return -OVL_DROP_INNER_NOT_IPV4;
	l->inner_l3 = off + RTE_ETHER_HDR_LEN;
	return 0;
}

void
ovl_inner_ether_turnaround(uint8_t *frame, const struct ovl_layers *l)
{
	ovl_swap_ether((struct rte_ether_hdr *)(frame + l->inner_l2));
}

int
ovl_ether_read(const uint8_t *eth, uint32_t len, rte_be16_t *type)
{
	const struct rte_ether_hdr *h = (const struct rte_ether_hdr *)eth;

	if (len < RTE_ETHER_HDR_LEN)
		return -EINVAL;
	*type = h->ether_type;
	if (*type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		return RTE_ETHER_HDR_LEN;
	if (len < RTE_ETHER_HDR_LEN + OVL_VLAN_LEN)
		return -EINVAL;
	*type = ((const struct rte_vlan_hdr *)(h + 1))->eth_proto;
	return RTE_ETHER_HDR_LEN + OVL_VLAN_LEN;
}

uint16_t
ovl_ether_write(uint8_t *eth, const struct rte_ether_addr *dst, const struct rte_ether_addr *src,
		uint16_t type, uint16_t vlan)
{
	struct rte_ether_hdr *h = (struct rte_ether_hdr *)eth;

	h->dst_addr = *dst;
	h->src_addr = *src;
	if (vlan == 0) {
		h->ether_type = rte_cpu_to_be_16(type);
		return RTE_ETHER_HDR_LEN;
	}
	h->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	((struct rte_vlan_hdr *)(h + 1))->vlan_tci = rte_cpu_to_be_16(vlan);
	((struct rte_vlan_hdr *)(h + 1))->eth_proto = rte_cpu_to_be_16(type);
	return RTE_ETHER_HDR_LEN + OVL_VLAN_LEN;
}

void
ovl_swap_ether(struct rte_ether_hdr *eth)
{
	struct rte_ether_addr tmp = eth->src_addr;

	eth->src_addr = eth->dst_addr;
	eth->dst_addr = tmp;
}

/* Swapping two 16-bit-aligned fields leaves every checksum over them unchanged. */
void
ovl_swap_ipv4(struct rte_ipv4_hdr *ip)
{
	rte_be32_t tmp = ip->src_addr;

	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
}

void
ovl_swap_ipv6(struct rte_ipv6_hdr *ip)
{
	uint8_t tmp[16];

	memcpy(tmp, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, tmp, 16);
}

void
ovl_swap_ip(uint8_t *ip)
{
	if ((*ip >> 4) == 6)
		ovl_swap_ipv6((struct rte_ipv6_hdr *)ip);
	else
		ovl_swap_ipv4((struct rte_ipv4_hdr *)ip);
}

void
ovl_swap_udp_ports(struct rte_udp_hdr *udp)
{
	rte_be16_t tmp = udp->src_port;

	udp->src_port = udp->dst_port;
	udp->dst_port = tmp;
}
