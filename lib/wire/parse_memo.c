/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parse memo (frame.h): frames parsed by comparing their decisive header bytes with the
 * shapes of frames parsed whole before. What is decisive is what ovl_parse reads to decide;
 * the bytes that differ between the flows and packets of a stream are not, so a stream of any
 * number of flows keeps hitting one shape.
 */
#include <stddef.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "frame.h"
#include "headers.h"

/*
 * Word by word under a mask: the headers are short, and a library call per frame would cost
 * more than the comparison. Never reads past len: a shape's words end within its frame, and
 * the frames compared are as long.
 */
static inline int
shape_matches(const struct ovl_parse_shape *s, const uint8_t *frame, uint32_t len)
{
	uint64_t diff = 0, w;
	unsigned int i;

	if (s->len != len || len == 0) /* 0: the shape is empty */
		return 0;
	for (i = 0; i < s->n_words; i++) {
		memcpy(&w, frame + 8 * i, 8);
		diff |= (w ^ s->head[i]) & s->mask[i];
	}
	return diff == 0;
}

/* Takes len bytes at off out of the comparison. */
static void
ignore(struct ovl_parse_shape *s, unsigned int off, unsigned int len)
{
	if (off < sizeof(s->mask))
		memset((uint8_t *)s->mask + off, 0, RTE_MIN(len, (unsigned int)sizeof(s->mask) - off));
}

/* An IPv4 header's bytes that no parsing decision reads: DSCP, id, TTL, checksum, addresses. */
static void
ignore_ipv4(struct ovl_parse_shape *s, unsigned int ip)
{
	ignore(s, ip + offsetof(struct rte_ipv4_hdr, type_of_service), 1);
	ignore(s, ip + offsetof(struct rte_ipv4_hdr, packet_id), 2);
	ignore(s, ip + offsetof(struct rte_ipv4_hdr, time_to_live), 1);
	ignore(s, ip + offsetof(struct rte_ipv4_hdr, hdr_checksum), 2);
	ignore(s, ip + offsetof(struct rte_ipv4_hdr, src_addr), 8);
}

/* An IPv6 header's: traffic class, flow label (not the version nibble), hop limit, addresses. */
static void
ignore_ipv6(struct ovl_parse_shape *s, unsigned int ip)
{
	uint8_t *mask = (uint8_t *)s->mask;

	if (ip < sizeof(s->mask))
		mask[ip] &= 0xF0;
	ignore(s, ip + 1, 3);
	ignore(s, ip + offsetof(struct rte_ipv6_hdr, hop_limits), 1);
	ignore(s, ip + offsetof(struct rte_ipv6_hdr, src_addr), 32);
}

static void
ignore_ip(struct ovl_parse_shape *s, unsigned int ip, int ip6)
{
	if (ip6)
		ignore_ipv6(s, ip);
	else
		ignore_ipv4(s, ip);
}

/* The shape of a frame ovl_parse accepted whole (rc 0), with its layers. */
static void
shape_make(struct ovl_parse_shape *s, const uint8_t *frame, uint32_t len,
		const struct ovl_layers *l)
{
	const struct ovl_encap *e = l->encap;
	unsigned int i;

	s->n_words = (uint16_t)((l->probe + 7) / 8);
	memset(s->head, 0, sizeof(s->head));
	memcpy(s->head, frame, 8u * s->n_words);
	memset(s->mask, 0xFF, sizeof(s->mask));
	ignore(s, l->probe, sizeof(s->mask));
	ignore(s, 0, 2 * RTE_ETHER_ADDR_LEN);
	if (l->vlan)
		ignore(s, RTE_ETHER_HDR_LEN, 2); /* the TCI: copied into the layers, not decided on */
	ignore_ip(s, l->l3, l->ip6);
	if (l->inner_l3 != l->l3)
		ignore_ip(s, l->inner_l3, l->inner_ip6);
	/* `varies` counts as over IPv4: what lies past the outer IP header starts at l3_payload. */
	for (i = 0; i < OVL_ENCAP_FIELDS_MAX && e->varies[i].len != 0; i++)
		ignore(s, (e->varies[i].off < OVL_IPV4_HDR_LEN ? l->l3
					: l->l3_payload - OVL_IPV4_HDR_LEN) + e->varies[i].off,
				e->varies[i].len);
	if (l->tunnel != 0)
		ignore(s, l->tunnel + offsetof(struct rte_udp_hdr, dgram_cksum), 2);
	if (l->l4_proto == IPPROTO_UDP) {
		ignore(s, l->l4 + offsetof(struct rte_udp_hdr, src_port), 2);
		ignore(s, l->l4 + offsetof(struct rte_udp_hdr, dgram_cksum), 2);
		/* Without a tunnel the probe's UDP header is the outer one: its port names tunnels. */
		if (l->inner_l3 != l->l3)
			ignore(s, l->l4 + offsetof(struct rte_udp_hdr, dst_port), 2);
	} else if (l->l4_proto == IPPROTO_TCP) {
		/* Ports, SEQ and ACK; then window, checksum and urgent pointer: not the flags. */
		ignore(s, l->l4, 12);
		ignore(s, l->l4 + offsetof(struct rte_tcp_hdr, rx_win), 6);
	} else {
		ignore(s, l->l4 + offsetof(struct rte_icmp_hdr, icmp_cksum), 2);
		ignore(s, l->l4 + offsetof(struct rte_icmp_hdr, icmp_ident), 4); /* and the sequence */
	}
	s->l = *l;
	s->len = len;
}

static inline int
answer(struct ovl_parse_memo *m, unsigned int k, const uint8_t *frame, struct ovl_layers *l)
{
	m->hits++;
	m->hit = 1;
	m->last = (uint8_t)k;
	*l = m->shape[k].l;
	if (l->vlan)
		l->vlan_tci = rte_be_to_cpu_16(*(const rte_be16_t *)(frame + RTE_ETHER_HDR_LEN));
	/* A bare RST's shape has its flags: only a bare RST matches it. */
	if (unlikely(ovl_is_bare_rst(l)))
		return 0;
	return ovl_probe_check(frame + l->probe, l->payload_len);
}

int
ovl_parse_memo(struct ovl_parse_memo *m, const uint8_t *frame, uint32_t len,
		const struct ovl_rx_config *cfg, struct ovl_layers *l)
{
	unsigned int k;
	int rc;

	if (likely(shape_matches(&m->shape[m->last], frame, len)))
		return answer(m, m->last, frame, l);
	for (k = 0; k < OVL_PARSE_SHAPES; k++)
		if (k != m->last && shape_matches(&m->shape[k], frame, len))
			return answer(m, k, frame, l);
	m->misses++;
	m->hit = 0;
	rc = ovl_parse(frame, len, cfg, l);
	/*
	 * Only whole probes: a fragment's or a dropped frame's verdict may rest on later bytes.
	 * The words must lie within the frame: the probe is followed by at least its own header.
	 */
	if (rc != 0 || l->probe > 8 * OVL_PARSE_MEMO_WORDS || (l->probe + 7u) / 8 * 8 > len)
		return rc;
	k = m->next;
	m->next = (uint8_t)((k + 1) % OVL_PARSE_SHAPES);
	shape_make(&m->shape[k], frame, len, l);
	m->last = (uint8_t)k;
	return rc;
}
