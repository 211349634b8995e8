/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * geneve: RFC 8926. Outer IPv4 / UDP 6081 / GENEVE (8 bytes and options) / inner Ethernet /
 * inner IPv4, as OVN-Kubernetes and Antrea send by default. --geneve-opt-len adds that many
 * bytes of options (experimental class, not critical), so that receivers' option handling is
 * exercised.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_geneve.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"

#define GENEVE_HDR_LEN ((uint16_t)sizeof(struct rte_geneve_hdr))
#define GENEVE_OPTS_MAX 252          /* the 6-bit length field counts 4-byte words */
#define GENEVE_OPT_HDR_LEN 4         /* class 16 bits, type 8, reserved 3 and length 5 */
#define GENEVE_OPT_DATA_MAX (31 * 4) /* the option's 5-bit length field, in 4-byte words */
#define GENEVE_OPT_CLASS 0xFFF0      /* RFC 8926's range for experimental use */
#define GENEVE_OPT_TYPE 0x01         /* the high bit clear: not critical */
/* The first two bytes: version 0 and the options' length; O (control) and C (critical) bits. */
#define GENEVE_VER_MASK 0xC0
#define GENEVE_FLAG_O 0x80
#define GENEVE_FLAG_C 0x40

enum { GENEVE_PORT, GENEVE_VNI, GENEVE_OPT_LEN }; /* the order of .params below */

static uint16_t
geneve_overhead(const struct ovl_encap_values *v)
{
	return OVL_IPV4_HDR_LEN + OVL_UDP_HDR_LEN + GENEVE_HDR_LEN + (uint16_t)v->v[GENEVE_OPT_LEN] +
		RTE_ETHER_HDR_LEN;
}

/* Options of len bytes (a multiple of 4): as few TLVs as hold them, their data zero. */
static void
write_options(uint8_t *p, uint32_t len)
{
	while (len > 0) {
		uint32_t data = len - GENEVE_OPT_HDR_LEN;

		if (data > GENEVE_OPT_DATA_MAX)
			data = GENEVE_OPT_DATA_MAX;
		p[0] = GENEVE_OPT_CLASS >> 8;
		p[1] = GENEVE_OPT_CLASS & 0xFF;
		p[2] = GENEVE_OPT_TYPE;
		p[3] = (uint8_t)(data / 4);
		memset(p + GENEVE_OPT_HDR_LEN, 0, data);
		p += GENEVE_OPT_HDR_LEN + data;
		len -= GENEVE_OPT_HDR_LEN + data;
	}
}

static void
geneve_encapsulate(uint8_t *tunnel, uint16_t inner_len, const struct ovl_frame_spec *spec)
{
	uint32_t opt_len = spec->tunnel.v[GENEVE_OPT_LEN], vni = spec->tunnel.v[GENEVE_VNI];
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)tunnel;
	uint8_t *gv = (uint8_t *)(udp + 1);
	struct rte_geneve_hdr *hdr = (struct rte_geneve_hdr *)gv;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)(gv + GENEVE_HDR_LEN + opt_len);
	uint16_t udp_len = (uint16_t)(OVL_UDP_HDR_LEN + GENEVE_HDR_LEN + opt_len +
			RTE_ETHER_HDR_LEN + inner_len);

	ovl_inner_ether_write(eth, spec);
	gv[0] = (uint8_t)(opt_len / 4); /* version 0 */
	gv[1] = 0;                       /* not a control packet, no critical options */
	hdr->proto = rte_cpu_to_be_16(RTE_GENEVE_TYPE_ETH);
	hdr->vni[0] = (uint8_t)(vni >> 16);
	hdr->vni[1] = (uint8_t)(vni >> 8);
	hdr->vni[2] = (uint8_t)vni;
	hdr->reserved2 = 0;
	write_options(gv + GENEVE_HDR_LEN, opt_len);
	ovl_udp_write(udp, ovl_tunnel_src_port(spec), (uint16_t)spec->tunnel.v[GENEVE_PORT], udp_len);
	/* Zero is allowed over IPv4 and is what Linux and Open vSwitch send by default there. */
	ovl_outer_udp_cksum(udp, spec, 0);
}

static int
geneve_decapsulate(const uint8_t *frame, const struct ovl_encap_values *v, struct ovl_layers *l)
{
	const struct rte_geneve_hdr *hdr;
	const uint8_t *gv;
	uint32_t vni;
	uint16_t off;
	int rc = ovl_udp_tunnel_find(frame, rte_cpu_to_be_16((uint16_t)v->v[GENEVE_PORT]), l);

	if (rc != 0)
		return rc;
	off = l->tunnel + OVL_UDP_HDR_LEN;
	if ((uint32_t)off + GENEVE_HDR_LEN > l->inner_end)
		return -OVL_DROP_TRUNC_TUNNEL;
	gv = frame + off;
	hdr = (const struct rte_geneve_hdr *)gv;
	/*
	 * Version 0 only; a control packet carries no data; critical options are ones a receiver
	 * that does not process them must drop (RFC 8926 3.4), and ovlperf processes none.
	 */
	if ((gv[0] & GENEVE_VER_MASK) != 0 || (gv[1] & (GENEVE_FLAG_O | GENEVE_FLAG_C)) != 0 ||
			hdr->proto != rte_cpu_to_be_16(RTE_GENEVE_TYPE_ETH))
		return -OVL_DROP_TUNNEL_FLAGS;
	vni = (uint32_t)hdr->vni[0] << 16 | (uint32_t)hdr->vni[1] << 8 | hdr->vni[2];
	if ((v->given & 1u << GENEVE_VNI) && vni != v->v[GENEVE_VNI])
		return -OVL_DROP_TUNNEL_ID;
	off += GENEVE_HDR_LEN + (uint16_t)((gv[0] & ~GENEVE_VER_MASK) * 4);
	if (off > l->inner_end)
		return -OVL_DROP_TRUNC_TUNNEL;
	return ovl_inner_ether_find(frame, off, l);
}

static void
geneve_describe(FILE *out, const uint8_t *frame, const struct ovl_layers *l)
{
	const uint8_t *gv = frame + l->tunnel + OVL_UDP_HDR_LEN;
	const struct rte_geneve_hdr *hdr = (const struct rte_geneve_hdr *)gv;

	fprintf(out, "  GENEVE    version %u, options %u bytes, O %u C %u, protocol 0x%04x, vni %" PRIu32 "\n",
			gv[0] >> 6, (gv[0] & ~GENEVE_VER_MASK) * 4u, !!(gv[1] & GENEVE_FLAG_O),
			!!(gv[1] & GENEVE_FLAG_C), rte_be_to_cpu_16(hdr->proto),
			(uint32_t)hdr->vni[0] << 16 | (uint32_t)hdr->vni[1] << 8 | hdr->vni[2]);
}

const struct ovl_encap ovl_encap_geneve = {
	.name = "geneve",
	.summary = "Eth / IPv4 or IPv6 / UDP 6081 / GENEVE / Eth / inner IPv4 or IPv6: OVN-Kubernetes, Antrea",
	.flows = "inner UDP source ports (and with them the outer UDP source port)",
	.overhead = OVL_IPV4_HDR_LEN + OVL_UDP_HDR_LEN + GENEVE_HDR_LEN + RTE_ETHER_HDR_LEN,
	.overhead_of = geneve_overhead,
	.ip_proto = IPPROTO_UDP,
	.udp_port_param = 1 + GENEVE_PORT,
	.inner_ethernet = 1,
	.params = {
		[GENEVE_PORT] = { "geneve-port", "P", "GENEVE UDP port (default 6081)", 6081, 1, 65535 },
		[GENEVE_VNI] = { "vni", "N",
			"VXLAN or GENEVE network identifier, 0..16777215 (default 42; reflect: answer only it)",
			42, 0, 0xFFFFFF, .filter = 1 },
		[GENEVE_OPT_LEN] = { "geneve-opt-len", "N",
			"bytes of GENEVE options to send, 0..252 in multiples of 4 (default 0)",
			0, 0, GENEVE_OPTS_MAX, .multiple_of = 4 },
	},
	.varies = {
		{ OVL_IPV4_HDR_LEN + offsetof(struct rte_udp_hdr, src_port), 2, OVL_VARY_FLOW },
		{ OVL_IPV4_HDR_LEN + offsetof(struct rte_udp_hdr, dgram_cksum), 2, OVL_VARY_PACKET },
	},
	.encapsulate = geneve_encapsulate,
	.decapsulate = geneve_decapsulate,
	/* As a VXLAN VTEP: outer ports kept, the inner Ethernet header turned around. */
	.turnaround = ovl_inner_ether_turnaround,
	.describe = geneve_describe,
};
