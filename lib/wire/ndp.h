/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 neighbour discovery (RFC 4861) as a tunnel endpoint on an IPv6 underlay needs it, the
 * counterpart of arp.h: reading solicitations and advertisements with the checks of section
 * 7.1, answering a solicitation for our address, asking for a next hop's MAC. Works on plain
 * buffers; eth points at an Ethernet header (untagged or 802.1Q).
 */
#ifndef OVL_NDP_H
#define OVL_NDP_H

#include <stdint.h>

#include <rte_ether.h>

#define OVL_NDP_SOLICIT 135          /* ICMPv6 Neighbor Solicitation */
#define OVL_NDP_ADVERT 136           /* ICMPv6 Neighbor Advertisement */
#define OVL_NDP_HOP_LIMIT 255        /* on-link only: a router would have decremented it */
#define OVL_NDP_OPT_SOURCE_LLA 1
#define OVL_NDP_OPT_TARGET_LLA 2
#define OVL_NDP_FLAG_ROUTER 0x80     /* the advertisement's first flags byte */
#define OVL_NDP_FLAG_SOLICITED 0x40
#define OVL_NDP_FLAG_OVERRIDE 0x20
#define OVL_NDP_MSG_LEN 24           /* type, code, checksum, flags, target */
#define OVL_NDP_LLA_OPT_LEN 8        /* type, length 1 (8 bytes), MAC */
/* What ovl_ndp_solicit and ovl_ndp_answer write after the Ethernet header (and tag). */
#define OVL_NDP_IP_LEN (40 + OVL_NDP_MSG_LEN + OVL_NDP_LLA_OPT_LEN)

struct ovl_ndp {
	uint8_t type;                /* OVL_NDP_SOLICIT or OVL_NDP_ADVERT */
	uint8_t flags;               /* an advertisement's R, S, O */
	uint8_t src[16], dst[16];    /* the IPv6 header's addresses */
	uint8_t target[16];
	uint8_t has_lla;             /* a source (solicitation) or target (advertisement) LLA option */
	struct rte_ether_addr lla;
	uint16_t l3;                 /* offset of the IPv6 header from eth */
};

/*
 * Reads a solicitation or advertisement of len bytes at eth. Returns 0; 1 when the frame is
 * not one (not IPv6, not ICMPv6 after the fixed header, another type); or a negative drop
 * reason: -OVL_DROP_NDP_OFF_LINK for a hop limit other than 255, -OVL_DROP_NDP_INVALID for
 * what else section 7.1 refuses (checksum, code, length, options, multicast target), a
 * multicast source, a DAD solicitation (source ::) with an LLA option or not to a
 * solicited-node group, a solicited advertisement to a multicast group.
 */
int ovl_ndp_read(const uint8_t *eth, uint32_t len, struct ovl_ndp *nd);

/*
 * When nd (read from the frame at eth) is a solicitation for own, rewrites the frame in place
 * into the advertisement from (mac, own) and returns its new length, l3 + OVL_NDP_IP_LEN
 * (eth must hold it); else returns 0 and leaves the frame alone.
 */
uint16_t ovl_ndp_answer(uint8_t *eth, const struct ovl_ndp *nd, const uint8_t own[16],
		const struct rte_ether_addr *mac);

/*
 * Writes a solicitation asking for target's MAC, from (sha, src), to target's solicited-node
 * group: OVL_NDP_IP_LEN bytes after the Ethernet header (and tag). Returns the length.
 */
uint16_t ovl_ndp_solicit(uint8_t *eth, const struct rte_ether_addr *sha, const uint8_t src[16],
		const uint8_t target[16], uint16_t vlan);

/* ff02::1:ffXX:XXXX, the solicited-node group of a (RFC 4291 2.7.1). */
void ovl_ndp_solicited_node(uint8_t group[16], const uint8_t a[16]);
/* 33:33:ff:XX:XX:XX, the MAC of that group (RFC 2464 7): where solicitations for a arrive. */
struct rte_ether_addr ovl_ndp_solicited_mac(const uint8_t a[16]);

#endif
