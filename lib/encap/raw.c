/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * raw: no tunnel. The inner packet travels on the underlay's addresses, as host networking
 * or Calico without encapsulation does: the baseline every overlay is compared with.
 */
#include <rte_ip.h>

#include "encap.h"
#include "frame.h"

static void
raw_encapsulate(uint8_t *tunnel, uint16_t inner_len, const struct ovl_frame_spec *spec)
{
	(void)tunnel;
	(void)inner_len;
	(void)spec;
}

static int
raw_decapsulate(const uint8_t *frame, const struct ovl_encap_values *v, struct ovl_layers *l)
{
	uint8_t icmp = l->ip6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

	(void)frame;
	(void)v;
	if (l->l3_proto != IPPROTO_UDP && l->l3_proto != icmp && l->l3_proto != IPPROTO_TCP)
		return 1;
	l->inner_l3 = l->l3;
	l->inner_end = l->l3_end;
	return 0;
}

const struct ovl_encap ovl_encap_raw = {
	.name = "raw",
	.summary = "Eth / IPv4 or IPv6 / UDP, TCP or ICMP echo: no tunnel (host networking)",
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
