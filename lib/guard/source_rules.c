/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "source_rules.h"

int
ovl_ipv6_link_local(const uint8_t a[16])
{
	return a[0] == 0xFE && (a[1] & 0xC0) == 0x80;
}

int
ovl_ipv6_bad_source(const uint8_t src[16], const uint8_t own[16])
{
	static const uint8_t zeros[12];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };

	if (src[0] == 0xFF || memcmp(src, own, 16) == 0)
		return 1;
	if (memcmp(src, zeros, 12) == 0 && src[12] == 0 && src[13] == 0 && src[14] == 0 &&
			src[15] <= 1)
		return 1; /* :: and ::1 */
	if (memcmp(src, mapped, 12) == 0)
		return 1;
	return ovl_ipv6_link_local(src) && !ovl_ipv6_link_local(own);
}
