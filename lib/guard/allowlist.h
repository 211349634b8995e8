/* SPDX-License-Identifier: BSD-3-Clause */
/* The outer source prefixes a reflector answers (--allow CIDR, repeatable). */
#ifndef OVL_ALLOWLIST_H
#define OVL_ALLOWLIST_H

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>

#define OVL_ALLOWLIST_MAX 64

struct ovl_allowlist {
	unsigned int n;           /* 0: everything is allowed */
	uint32_t net[OVL_ALLOWLIST_MAX];  /* host order, masked */
	uint32_t mask[OVL_ALLOWLIST_MAX];
};

/* Adds "a.b.c.d/len" (or a bare address, /32). Returns 0 or -1 with a message in err. */
int ovl_allowlist_add(struct ovl_allowlist *a, const char *cidr, char *err, size_t errlen);

static inline int
ovl_allowlist_match(const struct ovl_allowlist *a, rte_be32_t addr)
{
	uint32_t h = rte_be_to_cpu_32(addr);
	unsigned int i;

	if (a->n == 0)
		return 1;
	for (i = 0; i < a->n; i++)
		if ((h & a->mask[i]) == a->net[i])
			return 1;
	return 0;
}

#endif
