/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An IPv6 transport checksum summed here word by word (RFC 8200 8.1), independently of DPDK's
 * helpers, for the tests of IPv6 frames (test_parse_ipv6.c, test_parse_inner6.c).
 */
#ifndef OVL_TEST_SUM_IPV6_H
#define OVL_TEST_SUM_IPV6_H

#include <stdint.h>

/* A big-endian 16-bit field. */
static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The pseudo-header of the IPv6 header at ip and the upper-layer packet at l4: 0xFFFF when good. */
static inline uint16_t
sum_ipv6_upper(const uint8_t *ip, const uint8_t *l4, uint32_t len, uint8_t next)
{
	uint32_t sum = 0, i;

	for (i = 8; i < 40; i += 2)
		sum += get16(ip + i);
	sum += len >> 16;
	sum += len & 0xFFFF;
	sum += next;
	for (i = 0; i + 1 < len; i += 2)
		sum += get16(l4 + i);
	if (len & 1)
		sum += (uint32_t)l4[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)sum;
}

#endif
