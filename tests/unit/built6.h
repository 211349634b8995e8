/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For the tests of IPv6 frames (test_parse_ipv6.c, test_parse_inner6.c): a frame built from a
 * spec with one probe, and an IPv6 transport checksum summed here word by word (RFC 8200 8.1),
 * independently of DPDK's helpers.
 */
#ifndef OVL_TEST_BUILT6_H
#define OVL_TEST_BUILT6_H

#include <stdint.h>

#include "check.h"
#include "frame.h"

struct built {
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	uint8_t buf[OVL_FRAME_MAX];
	int len;
	char name[96];
};

/* Builds b->spec (named b->name) with a fixed probe: 0, or -1 when its layout is refused. */
static inline int
built_make(struct built *b)
{
	struct ovl_probe p = { .session = 0x01020304, .stream = 3, .seq = 77, .tx_ts = 0x1122 };
	char err[256];

	if (ovl_frame_layout(&b->spec, &b->lay, err, sizeof(err)) < 0)
		return -1;
	b->len = ovl_frame_build(b->buf, sizeof(b->buf), &b->spec, &b->lay, &p);
	CHECK(b->len > 0, "%s: built", b->name);
	return 0;
}

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
