/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "arp.h"
#include "headers.h"

int
ovl_arp_read(const uint8_t *eth, uint32_t len, struct ovl_arp *arp)
{
	const struct rte_arp_hdr *a;
	rte_be16_t type;
	int off = ovl_ether_read(eth, len, &type);

	if (off < 0 || type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP) ||
			len < (uint32_t)off + sizeof(*a))
		return -EINVAL;
	a = (const struct rte_arp_hdr *)(eth + off);
	if (a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
			a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
			a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4)
		return -EINVAL;
	arp->op = rte_be_to_cpu_16(a->arp_opcode);
	if (arp->op != RTE_ARP_OP_REQUEST && arp->op != RTE_ARP_OP_REPLY)
		return -EINVAL;
	arp->sha = a->arp_data.arp_sha;
	arp->sip = a->arp_data.arp_sip;
	arp->tip = a->arp_data.arp_tip;
	arp->arp_off = (uint16_t)off;
	return 0;
}

void
ovl_arp_answer(uint8_t *eth, const struct ovl_arp *a, const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *h = (struct rte_ether_hdr *)eth;
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + a->arp_off);

	h->dst_addr = a->sha;
	h->src_addr = *mac;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = a->sha;
	arp->arp_data.arp_tip = a->sip;
	arp->arp_data.arp_sha = *mac;
	arp->arp_data.arp_sip = a->tip;
}

uint16_t
ovl_arp_request(uint8_t *eth, const struct rte_ether_addr *sha, rte_be32_t sip, rte_be32_t tip,
		uint16_t vlan)
{
	static const struct rte_ether_addr broadcast = { { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF } };
	uint16_t off = ovl_ether_write(eth, &broadcast, sha, RTE_ETHER_TYPE_ARP, vlan);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + off);

	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = *sha;
	arp->arp_data.arp_sip = sip;
	memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
	arp->arp_data.arp_tip = tip;
	return off + sizeof(*arp);
}
