/* SPDX-License-Identifier: BSD-3-Clause */
/* ipip: IPv4 in IPv4, outer protocol 4 (RFC 2003), as Calico's IPIP mode sends. */
#include <stddef.h>

#include <rte_ip.h>

#include "encap.h"
#include "frame.h"
#include "headers.h"

/* The outer IPv4 header is all there is; the generic code writes it. */
static void
ipip_encapsulate(uint8_t *tunnel, uint16_t inner_len, const struct ovl_frame_spec *spec)
{
	(void)tunnel;
	(void)inner_len;
	(void)spec;
}

static int
ipip_decapsulate(const uint8_t *frame, const struct ovl_encap_values *v, struct ovl_layers *l)
{
	(void)frame;
	(void)v;
	/* IPv4 in IPv6 is protocol 4 too (RFC 2473), but not this encapsulation (yet). */
	if (l->l3_proto != IPPROTO_IPIP || l->ip6)
		return 1;
	l->inner_l3 = l->l3_payload;
	l->inner_end = l->l3_end;
	return 0;
}

/* The n-th address after base, stepping over avoid (a flow must not come from its peer). */
static rte_be32_t
nth_address(rte_be32_t base, uint32_t n, rte_be32_t avoid)
{
	uint32_t b = rte_be_to_cpu_32(base), a = rte_be_to_cpu_32(avoid);

	return rte_cpu_to_be_32(b < a && b + n >= a ? b + n + 1 : b + n);
}

/* IP-in-IP has no ports: its flows are pairs of addresses, outer and inner. */
static void
ipip_vary_flow(struct ovl_frame_spec *spec, uint32_t flow)
{
	spec->src_ip = nth_address(spec->src_ip, flow, spec->dst_ip);
	spec->inner_src_ip = nth_address(spec->inner_src_ip, flow, spec->inner_dst_ip);
}

const struct ovl_encap ovl_encap_ipip = {
	.name = "ipip",
	.summary = "Eth / IPv4 (protocol 4) / inner IPv4: Calico IPIP",
	.flows = "pairs of source addresses, outer and inner",
	.overhead = OVL_IPV4_HDR_LEN,
	.ip_proto = IPPROTO_IPIP,
	.ipv4_only = 1,
	.varies = {
		{ offsetof(struct rte_ipv4_hdr, hdr_checksum), 2, OVL_VARY_FLOW },
		{ offsetof(struct rte_ipv4_hdr, src_addr), 4, OVL_VARY_FLOW },
	},
	.inner_ethernet = 0,
	.fallback = 0,
	.encapsulate = ipip_encapsulate,
	.decapsulate = ipip_decapsulate,
	.turnaround = NULL,
	.vary_flow = ipip_vary_flow,
	.describe = NULL,
};
