/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flannel: flannel's UDP backend. flanneld reads inner IPv4 packets from a TUN device and
 * sends each as the payload of a UDP datagram from and to port 8285: no inner Ethernet.
 */
#include <stddef.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "encap.h"
#include "frame.h"
#include "headers.h"

enum { FLANNEL_PORT };

static void
flannel_encapsulate(uint8_t *tunnel, uint16_t inner_len, const struct ovl_frame_spec *spec)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)tunnel;
	uint16_t udp_len = OVL_UDP_HDR_LEN + inner_len;
	uint16_t port = (uint16_t)spec->tunnel.v[FLANNEL_PORT];

	ovl_udp_write(udp, port, port, udp_len);
	/* flanneld sends through a kernel socket, which computes the checksum. */
	ovl_outer_udp_cksum(udp, spec, 1);
}

static int
flannel_decapsulate(const uint8_t *frame, const struct ovl_encap_values *v, struct ovl_layers *l)
{
	int rc = ovl_udp_tunnel_find(frame, rte_cpu_to_be_16((uint16_t)v->v[FLANNEL_PORT]), l);

	if (rc != 0)
		return rc;
	l->inner_l3 = l->tunnel + OVL_UDP_HDR_LEN;
	return 0;
}

static void
flannel_turnaround(uint8_t *frame, const struct ovl_layers *l)
{
	ovl_swap_udp_ports((struct rte_udp_hdr *)(frame + l->tunnel));
}

const struct ovl_encap ovl_encap_flannel = {
	.name = "flannel",
	.summary = "Eth / IPv4 or IPv6 / UDP 8285 / inner IPv4 or IPv6: flannel's UDP backend",
	.flows = "inner UDP source ports",
	.overhead = OVL_IPV4_HDR_LEN + OVL_UDP_HDR_LEN,
	.ip_proto = IPPROTO_UDP,
	.udp_port_param = 1 + FLANNEL_PORT,
	.params = {
		[FLANNEL_PORT] = { "flannel-port", "P", "flannel UDP port (default 8285)", 8285, 1, 65535 },
	},
	.varies = {
		{ OVL_IPV4_HDR_LEN + offsetof(struct rte_udp_hdr, dgram_cksum), 2, OVL_VARY_PACKET },
	},
	.inner_ethernet = 0,
	.fallback = 0,
	.encapsulate = flannel_encapsulate,
	.decapsulate = flannel_decapsulate,
	.turnaround = flannel_turnaround,
	.describe = NULL,
};
