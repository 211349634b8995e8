/* SPDX-License-Identifier: BSD-3-Clause */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_malloc.h>

#include "frag.h"
#include "headers.h"

static_assert(OVL_FRAGS_MAX == RTE_LIBRTE_IP_FRAG_MAX_FRAG,
		"layouts refuse more fragments than ip_frag reassembles");

/* Copies len bytes into a chain of mbufs from pool, as many segments as the data room needs. */
static struct rte_mbuf *
mbuf_from_bytes(struct rte_mempool *pool, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *head = NULL, *tail = NULL;

	while (len > 0 || head == NULL) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint16_t n;
		char *dst;

		if (m == NULL)
			goto fail;
		n = (uint16_t)RTE_MIN((uint32_t)rte_pktmbuf_tailroom(m), len);
		dst = rte_pktmbuf_append(m, n);
		memcpy(dst, data, n);
		data += n;
		len -= n;
		if (head == NULL) {
			head = tail = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		tail = m;
	}
	(void)tail;
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

int
ovl_frag_build(uint8_t *const *frames, uint16_t *lens, uint16_t n_max, size_t cap,
		const struct ovl_frame_spec *spec, const struct ovl_frame_layout *lay,
		const struct ovl_probe *probe, struct rte_mempool *direct,
		struct rte_mempool *indirect)
{
	struct rte_mbuf *whole, *frags[n_max > 0 ? n_max : 1];
	uint8_t *inner;
	int32_t n, i;
	int rc = 0, ip6 = ovl_frame_spec_probe_ip6(spec);

	if (lay->n_frames > n_max || lay->frame_size - OVL_FCS_LEN > cap)
		return -ENOSPC;
	inner = malloc(lay->inner_len);
	if (inner == NULL)
		return -ENOMEM;
	ovl_inner_build(inner, spec, lay, probe);
	whole = mbuf_from_bytes(direct, inner, lay->inner_len);
	free(inner);
	if (whole == NULL)
		return -ENOMEM;

	/* IPv6: a Fragment header after the inner header, identification 0 (the sender sets it). */
	n = (ip6 ? rte_ipv6_fragment_packet : rte_ipv4_fragment_packet)(whole, frags, n_max,
			(uint16_t)lay->tunnel_mtu, direct, indirect);
	rte_pktmbuf_free(whole);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		uint8_t *ip_start = frames[i] + lay->inner_off;
		uint32_t len = rte_pktmbuf_pkt_len(frags[i]);
		const void *data = rte_pktmbuf_read(frags[i], 0, len, ip_start);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)ip_start;

		if (data == NULL || lay->inner_off + len > cap) {
			rc = -EMSGSIZE;
			continue;
		}
		if (data != ip_start)
			memcpy(ip_start, data, len);
		/* ip_frag leaves the IPv4 fragments' header checksum to the caller. */
		if (!ip6) {
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
		lens[i] = ovl_frame_encapsulate(frames[i], spec, lay, (uint16_t)len);
	}
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(frags[i]);
	if (rc == 0 && n != lay->n_frames)
		rc = -EPROTO;
	return rc < 0 ? rc : n;
}

struct ovl_reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_ip_frag_death_row death_row;
};

struct ovl_reasm *
ovl_reasm_create(uint32_t max_flows, uint64_t timeout_cycles, int socket)
{
	struct ovl_reasm *r = rte_zmalloc_socket("ovl_reasm", sizeof(*r), 0, socket);
	uint32_t buckets = RTE_MAX(max_flows / 4, 1u);

	if (r == NULL)
		return NULL;
	r->tbl = rte_ip_frag_table_create(buckets, 4, buckets * 4, timeout_cycles, socket);
	if (r->tbl == NULL) {
		rte_free(r);
		return NULL;
	}
	return r;
}

void
ovl_reasm_free(struct ovl_reasm *r)
{
	if (r == NULL)
		return;
	rte_ip_frag_free_death_row(&r->death_row, 0);
	rte_ip_frag_table_destroy(r->tbl);
	rte_free(r);
}

struct rte_mbuf *
ovl_reasm_add(struct ovl_reasm *r, struct rte_mbuf *m, const struct ovl_layers *l, uint64_t now,
		uint64_t *refused)
{
	struct rte_mbuf *done;
	struct rte_ipv4_hdr *ip;

	/* ip_frag chains every byte after the header: Ethernet padding must go first. */
	if (rte_pktmbuf_pkt_len(m) > l->inner_end)
		rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - l->inner_end);
	/* Everything in front of the inner IP header counts as layer 2 for ip_frag. */
	m->l2_len = l->inner_l3;
	if (l->inner_ip6) {
		struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
				l->inner_l3);

		/* The parser let only a Fragment header follow it; ip_frag removes that header. */
		m->l3_len = OVL_IPV6_HDR_LEN + OVL_IPV6_FRAG_HDR_LEN;
		done = rte_ipv6_frag_reassemble_packet(r->tbl, &r->death_row, m, now, ip6,
				(struct rte_ipv6_fragment_ext *)(ip6 + 1));
	} else {
		m->l3_len = OVL_IPV4_HDR_LEN;
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l->inner_l3);
		done = rte_ipv4_frag_reassemble_packet(r->tbl, &r->death_row, m, now, ip);
		if (done != NULL) {
			ip = rte_pktmbuf_mtod_offset(done, struct rte_ipv4_hdr *, l->inner_l3);
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
	}
	/* ip_frag discards on its death row, uncounted: overlaps, repeats, too many, timeouts. */
	*refused += r->death_row.cnt;
	rte_ip_frag_free_death_row(&r->death_row, 0);
	return done;
}
