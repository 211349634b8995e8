/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Finding next hops' MACs by ARP (IPv6 underlay: by neighbour discovery) before a run: the
 * underlay next hop on the port, and for tunnels that carry Ethernet the inner peer, asked
 * through the tunnel as a VTEP would; and answering both for our own addresses.
 */
#ifndef OVL_APP_NEIGHBOUR_H
#define OVL_APP_NEIGHBOUR_H

#include <rte_ether.h>
#include <rte_mempool.h>

#include "frame.h"

struct rte_mbuf;

/* Who we are, for ARP and NDP: our MAC and underlay addresses, our inner MAC and address. */
struct neighbour_self {
	struct rte_ether_addr mac;
	uint8_t is_ip6;               /* the underlay is IPv6: ip6 is ours, ip and the range are not */
	uint8_t ip6[16];
	rte_be32_t ip;
	uint32_t ip_count;            /* ip and the next ip_count - 1 (multi-flow IP-in-IP) */
	rte_be32_t peer_ip;           /* never ours, even inside that range */
	struct rte_ether_addr inner_mac;
	rte_be32_t inner_ip;
};

/* What neighbour_answer answered, for the counters. */
enum neighbour_answered {
	NEIGHBOUR_NONE,
	NEIGHBOUR_ARP,
	NEIGHBOUR_NDP,
};

/*
 * Answers, in place, an ARP request or a neighbour solicitation in the received frame m
 * (parse_rc and l from ovl_parse) when it asks for one of our underlay addresses or, inside a
 * tunnel carrying Ethernet, for our inner address. Returns NEIGHBOUR_ARP or NEIGHBOUR_NDP when
 * m is now the answer, ready to send back; NEIGHBOUR_NONE otherwise.
 */
enum neighbour_answered neighbour_answer(struct rte_mbuf *m, const struct ovl_layers *l,
		int parse_rc, const struct neighbour_self *self);

/*
 * The neighbour discovery half of neighbour_answer, for a frame that parsed as IPv6 carrying
 * ICMPv6: answers a valid solicitation (ndp.h) for self->ip6. Returns NEIGHBOUR_NDP or
 * NEIGHBOUR_NONE.
 */
enum neighbour_answered neighbour_ndp_answer(struct rte_mbuf *m,
		const struct neighbour_self *self);

/*
 * When the frame of len bytes at data is a valid advertisement for target with its link-layer
 * option, sets *mac to it and returns 1; else 0.
 */
int neighbour_ndp_advert(const uint8_t *data, uint32_t len, const uint8_t target[16],
		struct rte_ether_addr *mac);

/*
 * Resolves the MAC of spec->dst_ip (IPv6 underlay: spec->dst_ip6) on port (queue 0) and, when inner is set and the encapsulation
 * carries Ethernet, the inner MAC of spec->inner_dst_ip through the tunnel; answers ARP requests
 * and solicitations for our own addresses meanwhile. Returns 0 with the MACs in spec, or -1 after saying on stderr
 * which address did not answer.
 */
int neighbour_resolve(uint16_t port, struct rte_mempool *pool, struct ovl_frame_spec *spec,
		int outer, int inner, double timeout_s);

#endif
