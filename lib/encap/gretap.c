/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gretap: GRE (RFC 2784, with RFC 2890's key) over IPv4, protocol 0x6558 (transparent Ethernet
 * bridging): outer IPv4 (protocol 47) / GRE, 4 bytes or 8 with a key / inner Ethernet / inner
 * IPv4, as Linux's gretap device and Antrea's GRE mode send. --gre-key adds the key.
 */
#include <inttypes.h>
#include <stddef.h>

#include <rte_ether.h>
#include <rte_gre.h>
#include <rte_ip.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"

#define GRE_HDR_LEN ((uint16_t)sizeof(struct rte_gre_hdr))
#define GRE_OPT_LEN 4                 /* each of checksum, key and sequence number */
#define GRE_PROTO_TEB 0x6558          /* transparent Ethernet bridging */
/* The first 16 bits: C, routing, K, S, reserved, version (RFC 2784 2.1, RFC 2890 2). */
#define GRE_FLAG_C 0x8000
#define GRE_FLAG_K 0x2000
#define GRE_FLAG_S 0x1000
#define GRE_FLAGS_KNOWN (GRE_FLAG_K | GRE_FLAG_S)

enum { GRE_KEY };

static int
keyed(const struct ovl_encap_values *v)
{
	return (v->given & 1u << GRE_KEY) != 0;
}

static uint16_t
gretap_overhead(const struct ovl_encap_values *v)
{
	return OVL_IPV4_HDR_LEN + GRE_HDR_LEN + (keyed(v) ? GRE_OPT_LEN : 0) + RTE_ETHER_HDR_LEN;
}

static void
gretap_encapsulate(uint8_t *tunnel, uint16_t inner_len, const struct ovl_frame_spec *spec)
{
	uint16_t gre_len = (uint16_t)(gretap_overhead(&spec->tunnel) - OVL_IPV4_HDR_LEN -
			RTE_ETHER_HDR_LEN);
	uint8_t *gre = tunnel;
	rte_be16_t *word = (rte_be16_t *)gre;

	word[0] = rte_cpu_to_be_16(keyed(&spec->tunnel) ? GRE_FLAG_K : 0); /* version 0 */
	word[1] = rte_cpu_to_be_16(GRE_PROTO_TEB);
	if (keyed(&spec->tunnel))
		((struct rte_gre_hdr_opt_key *)(gre + GRE_HDR_LEN))->key =
			rte_cpu_to_be_32(spec->tunnel.v[GRE_KEY]);
	ovl_inner_ether_write((struct rte_ether_hdr *)(gre + gre_len), spec);
	(void)inner_len;
}

static int
gretap_decapsulate(const uint8_t *frame, const struct ovl_encap_values *v, struct ovl_layers *l)
{
	uint16_t off = l->l3_payload, flags;
	const rte_be16_t *word;

	if (l->l3_proto != IPPROTO_GRE)
		return 1;
	l->inner_end = l->l3_end;
	if ((uint32_t)off + GRE_HDR_LEN > l->inner_end)
		return -OVL_DROP_TRUNC_TUNNEL;
	word = (const rte_be16_t *)(frame + off);
	flags = rte_be_to_cpu_16(word[0]);
	/*
	 * Version 0, no routing, no reserved bits (RFC 2784 2.3: such packets are discarded).
	 * A checksum is refused too: ovlperf's receivers would have to verify it, and Linux sends
	 * none unless told to (ocsum).
	 */
	if ((flags & ~GRE_FLAGS_KNOWN) != 0 || word[1] != rte_cpu_to_be_16(GRE_PROTO_TEB))
		return -OVL_DROP_TUNNEL_FLAGS;
	off += GRE_HDR_LEN;
	if (flags & GRE_FLAG_K) {
		const struct rte_gre_hdr_opt_key *key = (const struct rte_gre_hdr_opt_key *)(frame + off);

		if ((uint32_t)off + GRE_OPT_LEN > l->inner_end)
			return -OVL_DROP_TRUNC_TUNNEL;
		if (keyed(v) && key->key != rte_cpu_to_be_32(v->v[GRE_KEY]))
			return -OVL_DROP_TUNNEL_ID;
		off += GRE_OPT_LEN;
	} else if (keyed(v)) {
		return -OVL_DROP_TUNNEL_ID;
	}
	if (flags & GRE_FLAG_S)
		off += GRE_OPT_LEN;
	if (off > l->inner_end)
		return -OVL_DROP_TRUNC_TUNNEL;
	return ovl_inner_ether_find(frame, off, l);
}

static void
gretap_describe(FILE *out, const uint8_t *frame, const struct ovl_layers *l)
{
	const uint8_t *gre = frame + l->l3_payload;
	const rte_be16_t *word = (const rte_be16_t *)gre;
	uint16_t flags = rte_be_to_cpu_16(word[0]);

	fprintf(out, "  GRE       flags 0x%04x, version %u, protocol 0x%04x", flags & 0xFFF8u,
			flags & 7u, rte_be_to_cpu_16(word[1]));
	if (flags & GRE_FLAG_K)
		fprintf(out, ", key %" PRIu32,
				rte_be_to_cpu_32(((const struct rte_gre_hdr_opt_key *)(gre + GRE_HDR_LEN))->key));
	fputc('\n', out);
}

const struct ovl_encap ovl_encap_gretap = {
	.name = "gretap",
	.summary = "Eth / IPv4 or IPv6 (protocol 47) / GRE 0x6558 / Eth / inner IPv4 or IPv6: Linux gretap, Antrea GRE",
	.flows = "inner UDP source ports",
	.overhead = OVL_IPV4_HDR_LEN + GRE_HDR_LEN + RTE_ETHER_HDR_LEN,
	.overhead_of = gretap_overhead,
	.ip_proto = IPPROTO_GRE,
	.inner_ethernet = 1,
	.params = {
		[GRE_KEY] = { "gre-key", "K",
			"GRE key, 0..4294967295 (default: none; reflect: answer only it)",
			0, 0, UINT32_MAX, .optional = 1, .filter = 1 },
	},
	.encapsulate = gretap_encapsulate,
	.decapsulate = gretap_decapsulate,
	/* Linux's gretap answers with the same key; the inner Ethernet header is turned around. */
	.turnaround = ovl_inner_ether_turnaround,
	.describe = gretap_describe,
};
