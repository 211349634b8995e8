/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A histogram in HdrHistogram's compressed V2 form, base64: what an HdrHistogram interval log
 * carries on each line, so HdrHistogram's own tools (HistogramLogProcessor, HistogramLogAnalyzer)
 * read ovlperf's latency logs. struct ovl_histogram has the layout of an HdrHistogram with two
 * significant digits, lowest discernible value 1 and highest trackable 2^40 - 1: values below
 * 256 one bucket each, each power of two above in 128, counts at the same indexes, so the counts
 * array is taken as it is (histogram.h).
 */
#ifndef OVL_HDR_ENCODE_H
#define OVL_HDR_ENCODE_H

#include <stddef.h>

#include "histogram.h"

/* Room enough for any histogram's base64 text and its terminating NUL. */
#define OVL_HDR_TEXT_MAX 65536

/*
 * Writes h as base64 of the compressed V2 encoding (cookie 0x1c849314, zlib) into out, NUL
 * terminated. Returns the text's length, or -1 when out is too small or zlib fails.
 */
long ovl_hdr_encode(const struct ovl_histogram *h, char *out, size_t outlen);

#endif
