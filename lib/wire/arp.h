/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP for IPv4 over Ethernet, as a tunnel endpoint needs it: answering requests for our own
 * addresses (on the underlay, and inside a tunnel that carries Ethernet) and asking for a next
 * hop's MAC. Works on plain buffers; eth points at an Ethernet header (untagged or 802.1Q).
 */
#ifndef OVL_ARP_H
#define OVL_ARP_H

#include <stdint.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>

#define OVL_ARP_FRAME_LEN ((uint16_t)(RTE_ETHER_HDR_LEN + sizeof(struct rte_arp_hdr)))

struct ovl_arp {
	uint16_t op;                 /* RTE_ARP_OP_REQUEST or RTE_ARP_OP_REPLY */
	struct rte_ether_addr sha;   /* sender's MAC */
	rte_be32_t sip;              /* sender's IP */
	rte_be32_t tip;              /* target IP */
	uint16_t arp_off;            /* offset of the ARP header from eth */
};

/* Reads an IPv4-over-Ethernet ARP message of len bytes at eth. Returns 0 or -EINVAL. */
int ovl_arp_read(const uint8_t *eth, uint32_t len, struct ovl_arp *arp);

/*
 * Turns the request read into a into the reply from (mac, ip), in place: Ethernet addresses,
 * opcode and ARP addresses. The caller checked that a.tip is ours.
 */
void ovl_arp_answer(uint8_t *eth, const struct ovl_arp *a, const struct rte_ether_addr *mac);

/* Writes a broadcast request asking for tip, from (sha, sip): OVL_ARP_FRAME_LEN bytes (+4 tagged). */
uint16_t ovl_arp_request(uint8_t *eth, const struct rte_ether_addr *sha, rte_be32_t sip,
		rte_be32_t tip, uint16_t vlan);

#endif
