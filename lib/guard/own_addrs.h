/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The addresses a receiver takes as its own, all of one IP version: a reflector's (--ip and
 * --inner-ip as lists, loop's: every stream's destinations) and a sender's (every stream's
 * sources, for ARP). Each has the MAC that answers ARP or NDP for it.
 */
#ifndef OVL_OWN_ADDRS_H
#define OVL_OWN_ADDRS_H

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ether.h>

#define OVL_OWN_ADDRS_MAX 16

struct ovl_own_addrs {
	unsigned int n;                   /* 0: none yet */
	uint8_t ip6;                      /* the addresses are IPv6 */
	/* Every slot past n repeats v4[0], so that a check compares all of them, branch free. */
	rte_be32_t v4[OVL_OWN_ADDRS_MAX];
	uint8_t v6[OVL_OWN_ADDRS_MAX][16];
	struct rte_ether_addr mac[OVL_OWN_ADDRS_MAX];
};

/*
 * Adds an address (v4, or v6 when ip6) answered by mac, once. Returns 0, or -1 when the set
 * holds the other IP version or is full (nothing added).
 */
int ovl_own_addrs_add(struct ovl_own_addrs *s, int ip6, rte_be32_t v4, const uint8_t v6[16],
		const struct rte_ether_addr *mac);

/*
 * The slot of an address of the set's version (v4, or v6 when the set is IPv6), or -1 (always
 * for an IPv6 set when v6 is NULL: an IPv4 address is never in it).
 */
int ovl_own_addrs_find(const struct ovl_own_addrs *s, rte_be32_t v4, const uint8_t v6[16]);

/*
 * Whether the IPv4 address a is one of an IPv4 set: the per-packet check. A set of one (a
 * reflector's usual) takes a branch that never changes its mind; larger ones compare every slot.
 */
static inline int
ovl_own_addrs_has4(const struct ovl_own_addrs *s, rte_be32_t a)
{
	unsigned int i;
	int hit = 0;

	if (likely(s->n <= 1))
		return (s->v4[0] == a) & !s->ip6;
	for (i = 0; i < OVL_OWN_ADDRS_MAX; i++)
		hit |= s->v4[i] == a;
	return hit & !s->ip6;
}

#endif
