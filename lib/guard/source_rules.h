/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sources a reflector never answers: addresses no single unicast host may send from, and
 * its own. One rule set for probes and neighbour messages (ARP, NDP).
 */
#ifndef OVL_SOURCE_RULES_H
#define OVL_SOURCE_RULES_H

#include <stdint.h>

/*
 * An IPv6 source that is never answered, with own the reflector's address: unspecified (::),
 * loopback (::1), multicast (ff00::/8), IPv4-mapped (::ffff:0:0/96, RFC 4291 2.5.5.2), own,
 * and link-local (fe80::/10) when own is not link-local (RFC 4291 2.5.6: link-local sources
 * are not answered across scopes). Returns 1 for those, else 0.
 */
int ovl_ipv6_bad_source(const uint8_t src[16], const uint8_t own[16]);

/* fe80::/10. */
int ovl_ipv6_link_local(const uint8_t a[16]);

#endif
