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
#include "own_addrs.h"

struct rte_mbuf;

/*
 * Who we are, for ARP and NDP: our MAC and underlay addresses, our inner addresses with their
 * MACs. A sender's are every stream's sources, a reflector's their destinations.
 */
struct neighbour_self {
	struct rte_ether_addr mac;
	struct ovl_own_addrs ips;       /* IPv6 ones: only IPv6 is answered (NDP), IPv4 ones by ARP */
	uint32_t ip_count;              /* IPv4: each of ips and the next ip_count - 1 (multi-flow IP-in-IP) */
	struct ovl_own_addrs peers;     /* never ours, even inside those ranges */
	struct ovl_own_addrs inner_ips; /* each answered with its MAC through a tunnel carrying Ethernet */
};

/*
 * Adds spec's sources (dst 0) or destinations (dst 1) to self's addresses, outer and inner,
 * and with sources its destinations to the peers. Returns 0, or -1 when a set would hold two IP
 * versions or more than OVL_OWN_ADDRS_MAX addresses.
 */
int neighbour_self_add(struct neighbour_self *self, const struct ovl_frame_spec *spec, int dst);

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
 * ICMPv6: answers a valid solicitation (ndp.h) for one of self->ips. Returns NEIGHBOUR_NDP or
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
