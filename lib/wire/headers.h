/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP and UDP header work shared by the inner packet and every encapsulation: writing them,
 * checking received ones, and the VXLAN-style flow hash for outer source ports.
 */
#ifndef OVL_HEADERS_H
#define OVL_HEADERS_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "tcp.h"

struct ovl_layers;
struct ovl_frame_spec;

#define OVL_IPV4_HDR_LEN ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define OVL_UDP_HDR_LEN ((uint16_t)sizeof(struct rte_udp_hdr))
#define OVL_IPV6_HDR_LEN ((uint16_t)sizeof(struct rte_ipv6_hdr))
#define OVL_ICMP6_ECHO_REQUEST 128 /* RFC 4443 */
#define OVL_ICMP6_ECHO_REPLY 129

/* The probe's transport header: TCP's 20 bytes, or UDP's and ICMP echo's 8. */
static inline uint16_t
ovl_l4_hdr_len(uint8_t proto)
{
	return proto == IPPROTO_TCP ? OVL_TCP_HDR_LEN : OVL_UDP_HDR_LEN;
}

/* Where the checksum is in the probe's transport header (ICMPv6 as ICMP). */
static inline uint16_t
ovl_l4_cksum_off(uint8_t proto)
{
	return proto == IPPROTO_UDP ? 6 : proto == IPPROTO_TCP ? 16 : 2;
}

/* Writes an option-less IPv4 header, id 0, DSCP 0, with its checksum. */
void ovl_ipv4_write(struct rte_ipv4_hdr *ip, rte_be32_t src, rte_be32_t dst, uint8_t proto,
		uint16_t total_len, uint8_t ttl, int dont_fragment);

/* Writes an IPv6 header, traffic class and flow label 0, no extension header. */
void ovl_ipv6_write(struct rte_ipv6_hdr *ip, const uint8_t src[16], const uint8_t dst[16],
		uint8_t proto, uint16_t payload_len, uint8_t hop_limit);

/*
 * Writes the spec's outer IP header (IPv4 with DF set, or IPv6) at l3 for an encapsulation of
 * protocol proto carrying payload_len bytes; returns the first byte after it.
 */
uint8_t *ovl_outer_ip_write(uint8_t *l3, const struct ovl_frame_spec *spec, uint8_t proto,
		uint16_t payload_len);

/*
 * The outer UDP checksum of a UDP tunnel whose headers and inner packet are in place: over
 * IPv4 computed when asked (--outer-udp-csum compute) or when the tunnel's endpoints compute
 * it (by_default), over IPv6 always (RFC 8200) unless zero is asked for (RFC 6935).
 */
void ovl_outer_udp_cksum(struct rte_udp_hdr *udp, const struct ovl_frame_spec *spec, int by_default);

/* A UDP, TCP (or ICMPv6) checksum over IPv4 or IPv6, as the header at ip says. */
uint16_t ovl_l4_cksum(const void *ip, const void *l4);
/* Verifies one: 0 when good. */
int ovl_l4_cksum_verify(const void *ip, const void *l4);

/* Writes a UDP header with a zero checksum. */
void ovl_udp_write(struct rte_udp_hdr *udp, uint16_t src_port, uint16_t dst_port, uint16_t len);

/*
 * Checks the IPv4 header at frame + off, which may extend to end: returns 0 and sets *ip_end,
 * or a negative drop reason counted from first_reason (truncated, version, header length,
 * options, total length, in that order).
 */
int ovl_ipv4_check(const uint8_t *frame, uint16_t off, uint16_t end, int first_reason,
		uint16_t *ip_end);

/*
 * Checks the IPv6 header at frame + off, which may extend to end: returns 0 and sets *ip_end,
 * or a negative drop reason (truncated, version, payload length, an extension header), the
 * outer header's or, when inner, the inner one's. An inner header may be followed by a
 * Fragment header, which the caller checks.
 */
int ovl_ipv6_check(const uint8_t *frame, uint16_t off, uint16_t end, int inner, uint16_t *ip_end);

/*
 * For UDP tunnels: checks that the outer IP packet at l->l3 carries UDP to port, with a
 * sound UDP length. Returns 1 when it is not UDP to that port, a negative drop reason, or 0
 * with l->tunnel set and l->inner_end at the end of the UDP payload.
 */
int ovl_udp_tunnel_find(const uint8_t *frame, rte_be16_t port, struct ovl_layers *l);

/*
 * The outer UDP source port for a tunnelled flow: 49152 | (Toeplitz hash of the inner flow
 * & 0x3FFF), as docs/wire-format.md defines it, so tunnels spread over ECMP paths and RSS queues.
 */
uint16_t ovl_tunnel_src_port(const struct ovl_frame_spec *spec);

/*
 * For tunnels that carry Ethernet: writes the inner Ethernet header (type IPv4 or IPv6) in
 * front of the inner packet; on receipt, finds it at off, sets l->inner_l2 and, when it
 * carries IPv4 or IPv6, l->inner_l3 and l->inner_ip6. Returns 0 or a negative drop reason.
 */
void ovl_inner_ether_write(struct rte_ether_hdr *eth, const struct ovl_frame_spec *spec);
int ovl_inner_ether_find(const uint8_t *frame, uint16_t off, struct ovl_layers *l);
/* Their turnaround: the inner Ethernet header's addresses swapped, as a tunnel endpoint answers. */
void ovl_inner_ether_turnaround(uint8_t *frame, const struct ovl_layers *l);

/*
 * The Ethernet header at eth of a frame of len bytes, untagged or 802.1Q: its EtherType in
 * *type and the offset of what follows it. Returns that offset, or -EINVAL when cut short.
 */
int ovl_ether_read(const uint8_t *eth, uint32_t len, rte_be16_t *type);
/* Writes an Ethernet header (tagged when vlan is not 0) of type; returns its length. */
uint16_t ovl_ether_write(uint8_t *eth, const struct rte_ether_addr *dst,
		const struct rte_ether_addr *src, uint16_t type, uint16_t vlan);

void ovl_swap_ether(struct rte_ether_hdr *eth);
void ovl_swap_ipv4(struct rte_ipv4_hdr *ip);
void ovl_swap_ipv6(struct rte_ipv6_hdr *ip);
/* Swaps the addresses of the IP header at ip, of either version. */
void ovl_swap_ip(uint8_t *ip);
void ovl_swap_udp_ports(struct rte_udp_hdr *udp);

#endif
