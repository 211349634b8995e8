/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Answering ARP as a tunnel endpoint does: for the underlay address on the port, and for the
 * inner address inside tunnels that carry Ethernet (a Linux VTEP asks for the inner MAC through
 * the tunnel before it answers; for an inner IPv6 address it solicits, answered here too). The
 * answers are the received frame turned around in place. On an IPv6 underlay neighbour_ndp.c
 * answers solicitations instead.
 */
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "arp.h"
#include "drop.h"
#include "headers.h"
#include "ndp.h"
#include "neighbour.h"

/* Whether ip is one of our underlay IPv4 addresses, or in the range one of them begins. */
static int
ours(const struct neighbour_self *self, rte_be32_t ip)
{
	uint32_t a = rte_be_to_cpu_32(ip), count = self->ip_count ? self->ip_count : 1;
	unsigned int i;

	if (ovl_own_addrs_find(&self->peers, ip, NULL) >= 0)
		return 0;
	for (i = 0; i < self->ips.n; i++)
		if (a - rte_be_to_cpu_32(self->ips.v4[i]) < count)
			return 1;
	return 0;
}

int
neighbour_self_add(struct neighbour_self *self, const struct ovl_frame_spec *spec, int dst)
{
	const struct rte_ether_addr *inner_mac = dst ? &spec->inner_dst_mac : &spec->inner_src_mac;

	if (ovl_own_addrs_add(&self->ips, spec->ip6, dst ? spec->dst_ip : spec->src_ip,
			dst ? spec->dst_ip6 : spec->src_ip6, &self->mac) < 0 ||
			(!dst && ovl_own_addrs_add(&self->peers, spec->ip6, spec->dst_ip, spec->dst_ip6,
				&spec->dst_mac) < 0))
		return -1;
	return ovl_own_addrs_add(&self->inner_ips, spec->inner_ip6,
			dst ? spec->inner_dst_ip : spec->inner_src_ip,
			dst ? spec->inner_dst_ip6 : spec->inner_src_ip6, inner_mac);
}

/*
 * A neighbour answer written inside the tunnel goes back to the endpoint that asked, from our
 * underlay address; the tunnel header as it came (a UDP tunnel's ports: to the tunnel's port; a
 * GRE key). A UDP checksum over the old payload would be wrong: zero is allowed over IPv4, over
 * IPv6 it is made anew.
 */
static void
tunnel_back(uint8_t *data, const struct ovl_layers *l, const struct neighbour_self *self)
{
	ovl_swap_ether((struct rte_ether_hdr *)data);
	((struct rte_ether_hdr *)data)->src_addr = self->mac;
	ovl_swap_ip(data + l->l3);
	if (l->tunnel != 0) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(data + l->tunnel);

		udp->dgram_cksum = 0;
		if (l->ip6)
			udp->dgram_cksum = ovl_l4_cksum(data + l->l3, udp);
	}
}

/*
 * A solicitation inside a tunnel carrying Ethernet for one of our inner IPv6 addresses (a Linux
 * VTEP asks for the inner peer's MAC so before it answers). Answered only when the advertisement
 * takes the solicitation's room (it carried its source link-layer option, as Linux's do), so
 * that the outer lengths stand.
 */
static enum neighbour_answered
inner_ndp_answer(uint8_t *data, const struct ovl_layers *l, const struct neighbour_self *self)
{
	uint32_t len = l->inner_end - l->inner_l2;
	struct ovl_ndp nd;
	int k;

	if (!self->inner_ips.ip6 || ovl_ndp_read(data + l->inner_l2, len, &nd) != 0 ||
			(k = ovl_own_addrs_find(&self->inner_ips, 0, nd.target)) < 0 ||
			(uint32_t)nd.l3 + OVL_NDP_IP_LEN != len ||
			ovl_ndp_answer(data + l->inner_l2, &nd, self->inner_ips.v6[k],
				&self->inner_ips.mac[k]) == 0)
		return NEIGHBOUR_NONE;
	tunnel_back(data, l, self);
	return NEIGHBOUR_NDP;
}

enum neighbour_answered
neighbour_answer(struct rte_mbuf *m, const struct ovl_layers *l, int parse_rc,
		const struct neighbour_self *self)
{
	uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
	struct ovl_arp a;

	if (parse_rc < 0 && l->ip6 && l->l3_proto == IPPROTO_ICMPV6)
		return neighbour_ndp_answer(m, self);
	if (parse_rc < 0 && l->inner_l2 != 0 && l->inner_ip6 && l->l4 != 0 &&
			l->l4_proto == IPPROTO_ICMPV6 && m->nb_segs == 1)
		return inner_ndp_answer(data, l, self);
	if (parse_rc == -OVL_DROP_NOT_IPV4) {
		/* On an IPv6 underlay our IPv4 address is only a default nobody was given. */
		if (self->ips.ip6 || ovl_arp_read(data, rte_pktmbuf_data_len(m), &a) < 0 ||
				a.op != RTE_ARP_OP_REQUEST || !ours(self, a.tip))
			return NEIGHBOUR_NONE;
		ovl_arp_answer(data, &a, &self->mac);
		return NEIGHBOUR_ARP;
	}
	if (parse_rc == -OVL_DROP_INNER_NOT_IPV4 && l->inner_l2 != 0) {
		int k;

		if (ovl_arp_read(data + l->inner_l2, l->inner_end - l->inner_l2, &a) < 0 ||
				a.op != RTE_ARP_OP_REQUEST ||
				(k = ovl_own_addrs_find(&self->inner_ips, a.tip, NULL)) < 0)
			return NEIGHBOUR_NONE;
		ovl_arp_answer(data + l->inner_l2, &a, &self->inner_ips.mac[k]);
		tunnel_back(data, l, self);
		return NEIGHBOUR_ARP;
	}
	return NEIGHBOUR_NONE;
}
