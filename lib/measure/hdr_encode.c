/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdint.h>
#include <string.h>

#include <zlib.h>

#include "hdr_encode.h"

#define V2_COOKIE 0x1c849313u            /* V2 encoding base | 0x10: ZigZag LEB128 counts */
#define V2_COMPRESSED_COOKIE 0x1c849314u
#define V2_HEADER 40
#define SIGNIFICANT_DIGITS 2
#define LEB128_MAX 9                     /* LEB128-64b9B: eight 7-bit groups, then 8 bits */

/* The uncompressed form's longest: the header and every count at its longest. */
#define RAW_MAX (V2_HEADER + LEB128_MAX * OVL_HISTOGRAM_BUCKETS)

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static uint8_t *
put64(uint8_t *p, uint64_t v)
{
	return put32(put32(p, (uint32_t)(v >> 32)), (uint32_t)v);
}

/* ZigZag, then LEB128 of at most 9 bytes (the ninth holds 8 bits), as HdrHistogram writes. */
static uint8_t *
put_zigzag(uint8_t *p, int64_t v)
{
	uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	int i;

	for (i = 0; i < LEB128_MAX - 1; i++) {
		if (u < 0x80) {
			*p++ = (uint8_t)u;
			return p;
		}
		*p++ = (uint8_t)(u | 0x80);
		u >>= 7;
	}
	*p++ = (uint8_t)u;
	return p;
}

/* Counts up to the last non-zero one; a run of zeros as minus its length. */
static size_t
encode_raw(const struct ovl_histogram *h, uint8_t *raw)
{
	uint8_t *p = raw + V2_HEADER;
	unsigned int i, last = 0, zeros = 0;
	union { double d; uint64_t u; } one = { .d = 1.0 };

	for (i = 0; i < OVL_HISTOGRAM_BUCKETS; i++)
		if (h->buckets[i] != 0)
			last = i + 1;
	for (i = 0; i < last; i++) {
		if (h->buckets[i] == 0) {
			zeros++;
			continue;
		}
		if (zeros > 0)
			p = put_zigzag(p, -(int64_t)zeros);
		zeros = 0;
		p = put_zigzag(p, (int64_t)h->buckets[i]);
	}
	put32(raw, V2_COOKIE);
	put32(raw + 4, (uint32_t)(p - raw - V2_HEADER));
	put32(raw + 8, 0);                                   /* normalizing index offset */
	put32(raw + 12, SIGNIFICANT_DIGITS);
	put64(raw + 16, 1);                                  /* lowest discernible value */
	put64(raw + 24, OVL_HISTOGRAM_LIMIT - 1);            /* highest trackable value */
	put64(raw + 32, one.u);                              /* integer to double ratio */
	return (size_t)(p - raw);
}

static long
base64(const uint8_t *in, size_t n, char *out, size_t outlen)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	if ((n + 2) / 3 * 4 + 1 > outlen)
		return -1;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = abc[v >> 18];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = abc[(v >> 6) & 63];
		out[o++] = abc[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);

		out[o++] = abc[v >> 18];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return (long)o;
}

long
ovl_hdr_encode(const struct ovl_histogram *h, char *out, size_t outlen)
{
	/* One caller at a time: the main lcore, once a second. */
	static uint8_t raw[RAW_MAX], packed[8 + RAW_MAX + RAW_MAX / 100 + 64];
	uLongf zlen = sizeof(packed) - 8;
	size_t n = encode_raw(h, raw);

	if (compress2(packed + 8, &zlen, raw, (uLong)n, Z_DEFAULT_COMPRESSION) != Z_OK)
		return -1;
	put32(packed, V2_COMPRESSED_COOKIE);
	put32(packed + 4, (uint32_t)zlen);
	return base64(packed, 8 + zlen, out, outlen);
}
