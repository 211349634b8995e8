/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Answering ARP as a tunnel endpoint does: for the underlay address on the port, and for the
 * inner address inside tunnels that carry Ethernet (a Linux VTEP asks for the inner MAC through
 * the tunnel before it answers). Both answers are the received frame turned around in place.
 * On an IPv6 underlay neighbour_ndp.c answers solicitations instead.
 */
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "arp.h"
#include "drop.h"
#include "headers.h"
#include "neighbour.h"

static int
ours(const struct neighbour_self *self, rte_be32_t ip)
{
	uint32_t first = rte_be_to_cpu_32(self->ip), a = rte_be_to_cpu_32(ip);

	return ip != self->peer_ip && a - first < (self->ip_count ? self->ip_count : 1);
}

enum neighbour_answered
neighbour_answer(struct rte_mbuf *m, const struct ovl_layers *l, int parse_rc,
		const struct neighbour_self *self)
{
	uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
	struct ovl_arp a;

	if (parse_rc < 0 && l->ip6 && l->l3_proto == IPPROTO_ICMPV6)
		return neighbour_ndp_answer(m, self);
	if (parse_rc == -OVL_DROP_NOT_IPV4) {
		/* On an IPv6 underlay our IPv4 address is only a default nobody was given. */
		if (self->is_ip6 || ovl_arp_read(data, rte_pktmbuf_data_len(m), &a) < 0 ||
				a.op != RTE_ARP_OP_REQUEST || !ours(self, a.tip))
			return NEIGHBOUR_NONE;
		ovl_arp_answer(data, &a, &self->mac);
		return NEIGHBOUR_ARP;
	}
	if (parse_rc == -OVL_DROP_INNER_NOT_IPV4 && l->inner_l2 != 0) {
		if (ovl_arp_read(data + l->inner_l2, l->inner_end - l->inner_l2, &a) < 0 ||
				a.op != RTE_ARP_OP_REQUEST || a.tip != self->inner_ip)
			return NEIGHBOUR_NONE;
		ovl_arp_answer(data + l->inner_l2, &a, &self->inner_mac);
		/*
		 * Back to the endpoint that asked, from our underlay address; the tunnel header as it
		 * came (a UDP tunnel's ports: to the tunnel's port; a GRE key). A UDP checksum over
		 * the old payload would be wrong: zero is allowed over IPv4, over IPv6 it is made anew.
		 */
		ovl_swap_ether((struct rte_ether_hdr *)data);
		((struct rte_ether_hdr *)data)->src_addr = self->mac;
		ovl_swap_ip(data + l->l3);
		if (l->tunnel != 0) {
			struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(data + l->tunnel);

			udp->dgram_cksum = 0;
			if (l->ip6)
				udp->dgram_cksum = ovl_l4_cksum(data + l->l3, udp);
		}
		return NEIGHBOUR_ARP;
	}
	return NEIGHBOUR_NONE;
}
