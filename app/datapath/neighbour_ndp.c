/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour discovery on an IPv6 underlay, as neighbour.c does ARP: a solicitation for our
 * address is turned into the advertisement in place (lib/wire/ndp.c writes it); an
 * advertisement answers our own solicitation while neighbour_resolve waits.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "ndp.h"
#include "neighbour.h"

enum neighbour_answered
neighbour_ndp_answer(struct rte_mbuf *m, const struct neighbour_self *self)
{
	uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t have = rte_pktmbuf_data_len(m), len;
	struct ovl_ndp nd;
	int k;

	if (!self->ips.ip6 || m->nb_segs != 1 || ovl_ndp_read(data, have, &nd) != 0 ||
			(k = ovl_own_addrs_find(&self->ips, 0, nd.target)) < 0)
		return NEIGHBOUR_NONE;
	/* The advertisement may be longer than the solicitation (which need carry no option). */
	if ((uint32_t)nd.l3 + OVL_NDP_IP_LEN > (uint32_t)have + rte_pktmbuf_tailroom(m))
		return NEIGHBOUR_NONE;
	len = ovl_ndp_answer(data, &nd, self->ips.v6[k], &self->mac);
	if (len == 0)
		return NEIGHBOUR_NONE;
	m->data_len = len;
	m->pkt_len = len;
	return NEIGHBOUR_NDP;
}

int
neighbour_ndp_advert(const uint8_t *data, uint32_t len, const uint8_t target[16],
		struct rte_ether_addr *mac)
{
	struct ovl_ndp nd;

	if (ovl_ndp_read(data, len, &nd) != 0 || nd.type != OVL_NDP_ADVERT || !nd.has_lla ||
			memcmp(nd.target, target, 16) != 0)
		return 0;
	*mac = nd.lla;
	return 1;
}
