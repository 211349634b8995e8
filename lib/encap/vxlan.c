/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vxlan: RFC 7348. Outer IPv4 / UDP / VXLAN / inner Ethernet / inner IPv4, as Docker overlay,
 * flannel's vxlan backend, Calico VXLAN and Linux's vxlan device send.
 */
#include <inttypes.h>
#include <stddef.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"

#define VXLAN_FLAGS_I 0x08000000u /* flags byte 0x08 (valid VNI), 24 reserved bits zero */
#define VXLAN_HDR_LEN ((uint16_t)sizeof(struct rte_vxlan_hdr))
#define VXLAN_INNER_OFF (OVL_IPV4_HDR_LEN + OVL_UDP_HDR_LEN + VXLAN_HDR_LEN)

enum { VXLAN_PORT, VXLAN_VNI }; /* the order of .params below */

static void
vxlan_encapsulate(uint8_t *tunnel, uint16_t inner_len, const struct ovl_frame_spec *spec)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)tunnel;
	struct rte_vxlan_hdr *vx = (struct rte_vxlan_hdr *)(udp + 1);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)(vx + 1);
	uint16_t udp_len = OVL_UDP_HDR_LEN + VXLAN_HDR_LEN + RTE_ETHER_HDR_LEN + inner_len;

	ovl_inner_ether_write(eth, spec);
	vx->vx_flags = rte_cpu_to_be_32(VXLAN_FLAGS_I);
	vx->vx_vni = rte_cpu_to_be_32(spec->tunnel.v[VXLAN_VNI] << 8);
	ovl_udp_write(udp, ovl_tunnel_src_port(spec), (uint16_t)spec->tunnel.v[VXLAN_PORT], udp_len);
	/* Zero is allowed over IPv4 and is Linux's default there (no udpcsum); over IPv6 it computes it. */
	ovl_outer_udp_cksum(udp, spec, 0);
}

static int
vxlan_decapsulate(const uint8_t *frame, const struct ovl_encap_values *v, struct ovl_layers *l)
{
	const struct rte_vxlan_hdr *vx;
	uint16_t off;
	int rc = ovl_udp_tunnel_find(frame, rte_cpu_to_be_16((uint16_t)v->v[VXLAN_PORT]), l);

	if (rc != 0)
		return rc;
	off = l->tunnel + OVL_UDP_HDR_LEN;
	if ((uint32_t)off + VXLAN_HDR_LEN > l->inner_end)
		return -OVL_DROP_TRUNC_TUNNEL;
	vx = (const struct rte_vxlan_hdr *)(frame + off);
	/* Linux drops any other flag or reserved bit (VXLAN-GPE's 0x0C among them). */
	if (vx->vx_flags != rte_cpu_to_be_32(VXLAN_FLAGS_I) ||
			(vx->vx_vni & rte_cpu_to_be_32(0xFF)) != 0)
		return -OVL_DROP_TUNNEL_FLAGS;
	if ((v->given & 1u << VXLAN_VNI) &&
			vx->vx_vni != rte_cpu_to_be_32((v->v[VXLAN_VNI] & 0xFFFFFF) << 8))
		return -OVL_DROP_TUNNEL_ID;
	return ovl_inner_ether_find(frame, off + VXLAN_HDR_LEN, l);
}

static void
vxlan_describe(FILE *out, const uint8_t *frame, const struct ovl_layers *l)
{
	const struct rte_vxlan_hdr *vx =
		(const struct rte_vxlan_hdr *)(frame + l->tunnel + OVL_UDP_HDR_LEN);

	fprintf(out, "  VXLAN     flags 0x%02x, vni %" PRIu32 "\n",
			rte_be_to_cpu_32(vx->vx_flags) >> 24, rte_be_to_cpu_32(vx->vx_vni) >> 8);
}

const struct ovl_encap ovl_encap_vxlan = {
	.name = "vxlan",
	.summary = "Eth / IPv4 or IPv6 / UDP 4789 / VXLAN / Eth / inner IPv4 or IPv6: Docker overlay, flannel vxlan, Calico VXLAN",
	.flows = "inner UDP source ports (and with them the outer UDP source port)",
	.overhead = VXLAN_INNER_OFF + RTE_ETHER_HDR_LEN,
	.ip_proto = IPPROTO_UDP,
	.udp_port_param = 1 + VXLAN_PORT,
	.inner_ethernet = 1,
	.fallback = 0,
	.params = {
		[VXLAN_PORT] = { "vxlan-port", "P",
			"VXLAN UDP port (default 4789; Linux and flannel use 8472)", 4789, 1, 65535 },
		[VXLAN_VNI] = { "vni", "N",
			"VXLAN or GENEVE network identifier, 0..16777215 (default 42; reflect: answer only it)",
			42, 0, 0xFFFFFF, .filter = 1 },
	},
	.varies = {
		{ OVL_IPV4_HDR_LEN + offsetof(struct rte_udp_hdr, src_port), 2, OVL_VARY_FLOW },
		{ OVL_IPV4_HDR_LEN + offsetof(struct rte_udp_hdr, dgram_cksum), 2, OVL_VARY_PACKET },
	},
	.encapsulate = vxlan_encapsulate,
	.decapsulate = vxlan_decapsulate,
	/*
	 * A VTEP answers from its own port to the VXLAN port, so the outer ports stay as they
	 * are; the inner Ethernet header is turned around like the outer one.
	 */
	.turnaround = ovl_inner_ether_turnaround,
	.describe = vxlan_describe,
};
