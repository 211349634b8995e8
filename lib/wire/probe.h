/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The probe: the payload that makes a packet measurable. Its byte layout is documented in
 * docs/wire-format.md; this header is the only place in the code that defines it.
 * All fields are big-endian on the wire.
 */
#ifndef OVL_PROBE_H
#define OVL_PROBE_H

#include <assert.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#define OVL_PROBE_MAGIC 0xA9
#define OVL_PROBE_VERSION 1

enum ovl_probe_form {
	OVL_PROBE_AUTO = 0, /* full when the L4 payload has room, else compact */
	OVL_PROBE_COMPACT = 1,
	OVL_PROBE_FULL = 2,
};

#define OVL_PROBE_FLAG_REFLECTOR_TS 0x0001 /* reflector timestamps are valid */
#define OVL_PROBE_FLAG_KEYED 0x0002        /* the tag authenticates the probe */

#define OVL_PROBE_TAG_LEN 16

/* Fits the 18 bytes of UDP payload of a 64-byte raw frame. */
struct ovl_probe_compact {
	uint8_t magic;
	uint8_t version_form;  /* version << 4 | form */
	rte_be16_t session_tag; /* low 16 bits of the session id */
	rte_be16_t stream;
	rte_be32_t seq;         /* low 32 bits; the receiver extends them */
	rte_be64_t tx_ts;
} __rte_packed;

struct ovl_probe_full {
	uint8_t magic;
	uint8_t version_form;
	rte_be16_t flags;
	rte_be32_t session;
	rte_be16_t stream;
	rte_be16_t length;      /* bytes of probe; later versions append and readers skip */
	rte_be32_t reserved;
	rte_be64_t seq;
	rte_be64_t tx_ts;       /* sender's clock, sender's unit (ovlperf: TSC ticks) */
	rte_be64_t reflector_rx_ns;
	rte_be64_t reflector_tx_ns;
	uint8_t tag[OVL_PROBE_TAG_LEN];
} __rte_packed;

static_assert(sizeof(struct ovl_probe_compact) == 18, "compact probe must fit a 64-byte raw frame");
static_assert(sizeof(struct ovl_probe_full) == 64, "full probe layout is fixed by version 1");

#define OVL_PROBE_COMPACT_LEN ((uint16_t)sizeof(struct ovl_probe_compact))
#define OVL_PROBE_FULL_LEN ((uint16_t)sizeof(struct ovl_probe_full))

/* A probe's values in host order, whatever its form. */
struct ovl_probe {
	uint8_t form;
	uint16_t length;    /* bytes of probe on the wire */
	uint16_t flags;
	uint32_t session;   /* compact probes carry only the low 16 bits */
	uint16_t stream;
	uint64_t seq;       /* compact probes carry only the low 32 bits */
	uint64_t tx_ts;
	uint64_t reflector_rx_ns;
	uint64_t reflector_tx_ns;
};

uint16_t ovl_probe_len(enum ovl_probe_form form);

/* Writes the probe in the given form (COMPACT or FULL) at p. */
void ovl_probe_write(uint8_t *p, enum ovl_probe_form form, const struct ovl_probe *v);

/*
 * Reads a probe from len bytes at p. Returns 0, or a negative ovl_drop reason
 * (not a probe, unknown version or form, truncated).
 */
int ovl_probe_read(const uint8_t *p, uint32_t len, struct ovl_probe *v);

/*
 * Checks, without reading the values, that len bytes at p hold a probe ovl_probe_read would
 * accept: the same return values. For parsers on the per-packet path.
 */
int ovl_probe_check(const uint8_t *p, uint32_t len);

/*
 * Extends a 32-bit sequence number to 64 bits, taking the value closest to the highest
 * sequence number seen so far (RFC 1982 style): reordering of up to 2^31 packets is safe.
 */
static inline uint64_t
ovl_probe_seq_extend(uint64_t highest, uint32_t seq32)
{
	int32_t delta = (int32_t)(seq32 - (uint32_t)highest);

	if (delta < 0 && (uint64_t)-(int64_t)delta > highest)
		return seq32; /* before the first wrap: no earlier epoch to go back to */
	return highest + (int64_t)delta;
}

/*
 * Extends a 32-bit sequence number for the sender that numbered it: the largest number below
 * next (the sender's next sequence number) with these low 32 bits. Exact for any reply to one
 * of the last 2^32 probes, however long no reply came (an outage of more than 2^31 probes, 21 s
 * at 100 Mpps, would fool ovl_probe_seq_extend, which knows only what came back).
 */
static inline uint64_t
ovl_probe_seq_sent(uint64_t next, uint32_t seq32)
{
	uint64_t seq = (next & ~(uint64_t)UINT32_MAX) | seq32;

	if (seq >= next)
		seq = seq >= (uint64_t)1 << 32 ? seq - ((uint64_t)1 << 32) : seq;
	return seq;
}

/* The fill byte at offset k of the L4 payload (offset 0 is the probe's first byte). */
static inline uint8_t
ovl_payload_fill_byte(uint32_t k)
{
	return (uint8_t)k;
}

#endif
