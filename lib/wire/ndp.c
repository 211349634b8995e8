/* SPDX-License-Identifier: BSD-3-Clause */
#include <assert.h>
#include <string.h>

#include <rte_ip.h>

#include "drop.h"
#include "headers.h"
#include "ndp.h"

/* RFC 4861 4.3 and 4.4: one shape for both messages (a solicitation's flags are reserved). */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	uint8_t flags;
	uint8_t reserved[3];
	uint8_t target[16];
} __rte_packed;

struct nd_lla_opt {
	uint8_t type;
	uint8_t len;                 /* in units of 8 bytes */
	uint8_t mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

static_assert(sizeof(struct nd_msg) == OVL_NDP_MSG_LEN, "RFC 4861 4.3");
static_assert(sizeof(struct nd_lla_opt) == OVL_NDP_LLA_OPT_LEN, "RFC 4861 4.6.1");

static const uint8_t all_nodes[16] = { 0xFF, 0x02, [15] = 0x01 };

static int
unspecified(const uint8_t a[16])
{
	static const uint8_t zeros[16];

	return memcmp(a, zeros, 16) == 0;
}

void
ovl_ndp_solicited_node(uint8_t group[16], const uint8_t a[16])
{
	static const uint8_t prefix[13] = { 0xFF, 0x02, [11] = 0x01, [12] = 0xFF };

	memcpy(group, prefix, 13);
	memcpy(group + 13, a + 13, 3);
}

/* 33:33 and the group's last 32 bits (RFC 2464 7). */
static struct rte_ether_addr
multicast_mac(const uint8_t group[16])
{
	struct rte_ether_addr mac = { { 0x33, 0x33 } };

	memcpy(&mac.addr_bytes[2], group + 12, 4);
	return mac;
}

struct rte_ether_addr
ovl_ndp_solicited_mac(const uint8_t a[16])
{
	uint8_t group[16];

	ovl_ndp_solicited_node(group, a);
	return multicast_mac(group);
}

/* The options after the message: each at least 8 bytes and within it (RFC 4861 4.6). */
static int
read_options(const uint8_t *opt, uint32_t len, uint8_t want, struct ovl_ndp *nd)
{
	while (len > 0) {
		uint32_t n = len >= 2 ? opt[1] * 8u : 0;

		if (n == 0 || n > len)
			return -1;
		if (opt[0] == want && n == OVL_NDP_LLA_OPT_LEN) {
			nd->has_lla = 1;
			memcpy(&nd->lla, opt + 2, RTE_ETHER_ADDR_LEN);
		}
		opt += n;
		len -= n;
	}
	return 0;
}

int
ovl_ndp_read(const uint8_t *eth, uint32_t len, struct ovl_ndp *nd)
{
	const struct rte_ipv6_hdr *ip;
	const struct nd_msg *msg;
	rte_be16_t type;
	int off = ovl_ether_read(eth, len, &type);
	uint32_t icmp_len;

	if (off < 0 || type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) ||
			len < (uint32_t)off + OVL_IPV6_HDR_LEN + 1)
		return 1;
	ip = (const struct rte_ipv6_hdr *)(eth + off);
	msg = (const struct nd_msg *)(ip + 1);
	if ((eth[off] >> 4) != 6 || ip->proto != IPPROTO_ICMPV6 ||
			(msg->type != OVL_NDP_SOLICIT && msg->type != OVL_NDP_ADVERT))
		return 1;
	memset(nd, 0, sizeof(*nd));
	nd->type = msg->type;
	nd->l3 = (uint16_t)off;
	/* First: a message that crossed a router must not be believed, whatever else it says. */
	if (ip->hop_limits != OVL_NDP_HOP_LIMIT)
		return -OVL_DROP_NDP_OFF_LINK;
	icmp_len = rte_be_to_cpu_16(ip->payload_len);
	if (icmp_len < OVL_NDP_MSG_LEN || len < (uint32_t)off + OVL_IPV6_HDR_LEN + icmp_len ||
			rte_ipv6_udptcp_cksum_verify(ip, msg) != 0 || msg->code != 0 ||
			msg->target[0] == 0xFF || ip->src_addr[0] == 0xFF)
		return -OVL_DROP_NDP_INVALID;
	if (read_options((const uint8_t *)(msg + 1), icmp_len - OVL_NDP_MSG_LEN,
			msg->type == OVL_NDP_SOLICIT ? OVL_NDP_OPT_SOURCE_LLA : OVL_NDP_OPT_TARGET_LLA,
			nd) < 0)
		return -OVL_DROP_NDP_INVALID;
	memcpy(nd->src, ip->src_addr, 16);
	memcpy(nd->dst, ip->dst_addr, 16);
	memcpy(nd->target, msg->target, 16);
	nd->flags = msg->flags & (OVL_NDP_FLAG_ROUTER | OVL_NDP_FLAG_SOLICITED | OVL_NDP_FLAG_OVERRIDE);
	if (nd->type == OVL_NDP_SOLICIT && unspecified(nd->src)) {
		uint8_t group[16];

		ovl_ndp_solicited_node(group, nd->target);
		if (nd->has_lla || memcmp(nd->dst, group, 16) != 0)
			return -OVL_DROP_NDP_INVALID;
	}
	if (nd->type == OVL_NDP_ADVERT && nd->dst[0] == 0xFF && (nd->flags & OVL_NDP_FLAG_SOLICITED))
		return -OVL_DROP_NDP_INVALID;
	return 0;
}

/* The message and one LLA option after the IPv6 header at ip, with the ICMPv6 checksum. */
static void
write_message(struct rte_ipv6_hdr *ip, uint8_t type, uint8_t flags, const uint8_t target[16],
		uint8_t opt_type, const struct rte_ether_addr *mac)
{
	struct nd_msg *msg = (struct nd_msg *)(ip + 1);
	struct nd_lla_opt *opt = (struct nd_lla_opt *)(msg + 1);

	memset(msg, 0, sizeof(*msg));
	msg->type = type;
	msg->flags = flags;
	memcpy(msg->target, target, 16);
	opt->type = opt_type;
	opt->len = 1;
	memcpy(opt->mac, mac, RTE_ETHER_ADDR_LEN);
	msg->cksum = rte_ipv6_udptcp_cksum(ip, msg);
}

uint16_t
ovl_ndp_answer(uint8_t *eth, const struct ovl_ndp *nd, const uint8_t own[16],
		const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *h = (struct rte_ether_hdr *)eth;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + nd->l3);
	int dad = unspecified(nd->src);

	if (nd->type != OVL_NDP_SOLICIT || memcmp(nd->target, own, 16) != 0)
		return 0;
	/*
	 * RFC 4861 7.2.4: to the asker, at the MAC its option names (else the frame's source),
	 * solicited. A duplicate address detection probe comes from a host that does not own
	 * the address it asks about and has none to be answered at: it is answered to all
	 * nodes, not solicited, so that it learns the address is taken and gives it up.
	 */
	h->dst_addr = dad ? multicast_mac(all_nodes) : nd->has_lla ? nd->lla : h->src_addr;
	h->src_addr = *mac;
	ovl_ipv6_write(ip, own, dad ? all_nodes : nd->src, IPPROTO_ICMPV6,
			OVL_NDP_MSG_LEN + OVL_NDP_LLA_OPT_LEN, OVL_NDP_HOP_LIMIT);
	write_message(ip, OVL_NDP_ADVERT, (dad ? 0 : OVL_NDP_FLAG_SOLICITED) | OVL_NDP_FLAG_OVERRIDE,
			own, OVL_NDP_OPT_TARGET_LLA, mac);
	return nd->l3 + OVL_NDP_IP_LEN;
}

uint16_t
ovl_ndp_solicit(uint8_t *eth, const struct rte_ether_addr *sha, const uint8_t src[16],
		const uint8_t target[16], uint16_t vlan)
{
	uint8_t group[16];
	struct rte_ether_addr dst = ovl_ndp_solicited_mac(target);
	uint16_t off;

	ovl_ndp_solicited_node(group, target);
	off = ovl_ether_write(eth, &dst, sha, RTE_ETHER_TYPE_IPV6, vlan);
	ovl_ipv6_write((struct rte_ipv6_hdr *)(eth + off), src, group, IPPROTO_ICMPV6,
			OVL_NDP_MSG_LEN + OVL_NDP_LLA_OPT_LEN, OVL_NDP_HOP_LIMIT);
	write_message((struct rte_ipv6_hdr *)(eth + off), OVL_NDP_SOLICIT, 0, target,
			OVL_NDP_OPT_SOURCE_LLA, sha);
	return off + OVL_NDP_IP_LEN;
}
