/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "own_addrs.h"

int
ovl_own_addrs_find(const struct ovl_own_addrs *s, rte_be32_t v4, const uint8_t v6[16])
{
	unsigned int i;

	if (s->ip6 && v6 == NULL)
		return -1;
	for (i = 0; i < s->n; i++)
		if (s->ip6 ? memcmp(s->v6[i], v6, 16) == 0 : s->v4[i] == v4)
			return (int)i;
	return -1;
}

int
ovl_own_addrs_add(struct ovl_own_addrs *s, int ip6, rte_be32_t v4, const uint8_t v6[16],
		const struct rte_ether_addr *mac)
{
	unsigned int i;

	if (s->n > 0 && s->ip6 != !!ip6)
		return -1;
	s->ip6 = !!ip6;
	if (ovl_own_addrs_find(s, v4, v6) >= 0)
		return 0;
	if (s->n == OVL_OWN_ADDRS_MAX)
		return -1;
	s->v4[s->n] = ip6 ? 0 : v4;
	if (ip6)
		memcpy(s->v6[s->n], v6, 16);
	s->mac[s->n] = *mac;
	s->n++;
	for (i = s->n; i < OVL_OWN_ADDRS_MAX; i++)
		s->v4[i] = s->v4[0];
	return 0;
}
