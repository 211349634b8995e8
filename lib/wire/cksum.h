/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental Internet checksum update (RFC 1624, equation 3), for the hot path where a
 * few fields of a prebuilt frame change per packet. Full checksums use DPDK's helpers
 * (rte_ipv4_cksum, rte_ipv4_udptcp_cksum, rte_raw_cksum).
 *
 * Checksums and words are handled in memory (network) order, as they sit in the frame:
 * the one's complement sum does not depend on byte order as long as every word is taken
 * the same way. The changed field must start at an even offset from the start of the
 * checksummed region; ovlperf's layouts guarantee that for every field it patches.
 */
#ifndef OVL_CKSUM_H
#define OVL_CKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Adds the one's complement difference (new - old) of len bytes (even) to a sum. */
static inline uint32_t
ovl_cksum_diff(uint32_t sum, const void *old_bytes, const void *new_bytes, size_t len)
{
	const uint8_t *o = old_bytes, *n = new_bytes;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		uint16_t ow, nw;

		memcpy(&ow, o + i, 2);
		memcpy(&nw, n + i, 2);
		sum += (uint16_t)~ow;
		sum += nw;
	}
	return sum;
}

/* HC' = ~(~HC + sum of ~m + sum of m'), folded. */
static inline uint16_t
ovl_cksum_apply(uint16_t cksum, uint32_t diff_sum)
{
	uint32_t sum = (uint16_t)~cksum + diff_sum;

	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One call for one changed field: returns the updated checksum. */
static inline uint16_t
ovl_cksum_update(uint16_t cksum, const void *old_bytes, const void *new_bytes, size_t len)
{
	return ovl_cksum_apply(cksum, ovl_cksum_diff(0, old_bytes, new_bytes, len));
}

/* UDP transmits a computed checksum of zero as 0xFFFF (RFC 768); zero means "none". */
static inline uint16_t
ovl_udp_cksum_fixup(uint16_t cksum)
{
	return cksum == 0 ? 0xFFFF : cksum;
}

#endif
