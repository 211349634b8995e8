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
#include <rte_common.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "frame.h"
#include "headers.h"

/*
 * Two words at a time under a mask: the headers are short, and a library call per frame would
 * cost more than the comparison (the pairs halve the loop's own work). Never reads past len: a
 * shape's words, an even number, end within its frame, and the frames compared are as long.
 */
static inline int
shape_matches(const struct ovl_parse_shape *s, const uint8_t *frame, uint32_t len)
{
	uint64_t diff = 0, w[2];
	unsigned int i;

	if (s->len != len || len == 0) /* 0: the shape is empty */
		return 0;
	for (i = 0; i < s->n_words; i += 2) {
		memcpy(w, frame + 8 * i, 16);
		diff |= ((w[0] ^ s->head[i]) & s->mask[i]) | ((w[1] ^ s->head[i + 1]) & s->mask[i + 1]);
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

/* Puts len bytes at off back into the comparison. */
static void
keep(struct ovl_parse_shape *s, unsigned int off, unsigned int len)
{
	if (off < sizeof(s->mask))
		memset((uint8_t *)s->mask + off, 0xFF, RTE_MIN(len, (unsigned int)sizeof(s->mask) - off));
}

/*
 * How far into the probe the bytes ovl_probe_check decides on reach: magic and version with
 * form, and a full probe's length. In the shape, they make a match a checked probe. A bare
 * RST carries none.
 */
static unsigned int
probe_decisive(const uint8_t *frame, const struct ovl_layers *l)
{
	if (ovl_is_bare_rst(l))
		return 0;
	if ((frame[l->probe + 1] & 0x0F) == OVL_PROBE_FULL)
		return offsetof(struct ovl_probe_full, length) + sizeof(rte_be16_t);
	return offsetof(struct ovl_probe_full, version_form) + 1;
}

/* Puts the probe's decisive bytes (probe_decisive: reach) back into the comparison. */
static void
keep_probe(struct ovl_parse_shape *s, const struct ovl_layers *l, unsigned int reach)
{
	if (reach == 0)
		return;
	keep(s, l->probe, 2);
	if (reach > 2)
		keep(s, l->probe + offsetof(struct ovl_probe_full, length), sizeof(rte_be16_t));
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

/*
 * The shape of a frame ovl_parse accepted whole (rc 0), with its layers; end is where its
 * decisive bytes end (the probe's among them).
 */
static void
shape_make(struct ovl_parse_shape *s, const uint8_t *frame, uint32_t len,
		const struct ovl_layers *l, unsigned int end)
{
	const struct ovl_encap *e = l->encap;
	unsigned int i;

	s->n_words = (uint16_t)((end + 15) / 16 * 2);
	memset(s->head, 0, sizeof(s->head));
	memcpy(s->head, frame, 8u * s->n_words);
	memset(s->mask, 0xFF, sizeof(s->mask));
	ignore(s, l->probe, sizeof(s->mask));
	keep_probe(s, l, end - l->probe);
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
	/*
	 * The probe passed ovl_probe_check: its decisive bytes are the shape's, and so are the
	 * frame's length and its headers. A bare RST's shape has its flags: only a bare RST
	 * matches it.
	 */
	return 0;
}

/* Every other shape, then a whole parse whose shape, if it is a probe's, replaces the oldest. */
static __rte_noinline int
memo_search(struct ovl_parse_memo *m, const uint8_t *frame, uint32_t len,
		const struct ovl_rx_config *cfg, struct ovl_layers *l)
{
	unsigned int k, end;
	int rc;

	for (k = 0; k < OVL_PARSE_SHAPES; k++)
		if (k != m->last && shape_matches(&m->shape[k], frame, len))
			return answer(m, k, frame, l);
	m->misses++;
	m->hit = 0;
	rc = ovl_parse(frame, len, cfg, l);
	/*
	 * Only whole probes: a fragment's or a dropped frame's verdict may rest on later bytes.
	 * The pairs of words must lie within the frame: the probe is followed by at least its
	 * own header.
	 */
	if (rc != 0)
		return rc;
	end = l->probe + probe_decisive(frame, l);
	if (end > 8 * OVL_PARSE_MEMO_WORDS || (end + 15u) / 16 * 16 > len)
		return rc;
	k = m->next;
	m->next = (uint8_t)((k + 1) % OVL_PARSE_SHAPES);
	shape_make(&m->shape[k], frame, len, l, end);
	m->last = (uint8_t)k;
	return rc;
}

/* The shape that matched last is tried first, here; the rest out of line. */
int
ovl_parse_memo(struct ovl_parse_memo *m, const uint8_t *frame, uint32_t len,
		const struct ovl_rx_config *cfg, struct ovl_layers *l)
{
	if (likely(shape_matches(&m->shape[m->last], frame, len)))
		return answer(m, m->last, frame, l);
	return memo_search(m, frame, len, cfg, l);
}

int
ovl_parse_memo_decisive(const struct ovl_parse_memo *m, const uint8_t *frame, uint32_t len,
		uint8_t *mask, unsigned int n)
{
	const struct ovl_parse_shape *s = &m->shape[m->last];

	if (!shape_matches(s, frame, len))
		return -1;
	memset(mask, 0, n);
	memcpy(mask, s->mask, RTE_MIN(n, 8u * s->n_words));
	return 0;
}
