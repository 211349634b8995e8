/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * raw: no tunnel. The inner packet travels on the underlay's addresses, as host networking
 * or Calico without encapsulation does: the baseline every overlay is compared with.
 */
#include <rte_ip.h>

#include "encap.h"
#include "frame.h"

static void
raw_encapsulate(uint8_t *l3, uint16_t inner_len, const struct ovl_frame_spec *spec)
{
	(void)l3;
	(void)inner_len;
	(void)spec;
}

static int
raw_decapsulate(const uint8_t *frame, const struct ovl_encap_values *v, struct ovl_layers *l)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(frame + l->l3);

	(void)v;
	if (ip->next_proto_id != IPPROTO_UDP && ip->next_proto_id != IPPROTO_ICMP)
		return 1;
	l->inner_l3 = l->l3;
	l->inner_end = l->l3_end;
	return 0;
}

const struct ovl_encap ovl_encap_raw = {
	.name = "raw",
	.summary = "Eth / IPv4 / UDP or ICMP: no tunnel (host networking)",
	.flows = "inner UDP source ports",
	.overhead = 0,
	.ip_proto = 0,
	.inner_ethernet = 0,
	.fallback = 1,
	.encapsulate = raw_encapsulate,
	.decapsulate = raw_decapsulate,
	.turnaround = NULL,
	.describe = NULL,
};
