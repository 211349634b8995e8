/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"

int
ovl_allowlist_add(struct ovl_allowlist *a, const char *cidr, char *err, size_t errlen)
{
	char addr[INET_ADDRSTRLEN + 1];
	const char *slash = strchr(cidr, '/');
	struct in_addr in;
	unsigned long len = 32;
	size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);
	char *end;

	if (a->n == OVL_ALLOWLIST_MAX) {
		snprintf(err, errlen, "at most %d prefixes", OVL_ALLOWLIST_MAX);
		return -1;
	}
	if (n == 0 || n >= sizeof(addr))
		goto bad;
	memcpy(addr, cidr, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1)
		goto bad;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			goto bad;
		len = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || len > 32)
			goto bad;
	}
	a->mask[a->n] = len == 0 ? 0 : ~0u << (32 - len);
	a->net[a->n] = ntohl(in.s_addr) & a->mask[a->n];
	a->n++;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not an IPv4 prefix: a.b.c.d/len with len 0..32 (e.g. 192.0.2.0/24), or an address", cidr);
	return -1;
}
