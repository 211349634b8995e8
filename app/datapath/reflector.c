/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "answer_memo.h"
#include "arp.h"
#include "cksum.h"
#include "config.h"
#include "headers.h"
#include "ndp.h"
#include "neighbour.h"
#include "port_gate.h"
#include "probe.h"
#include "reflector.h"
#include "run_stop.h"
#include "sender.h"
#include "source_rules.h"

#define BURST 32
#define PREFETCH_AHEAD 3

static __rte_always_inline int
bad_source_ip(rte_be32_t be, const struct ovl_own_addrs *own)
{
	uint32_t a = rte_be_to_cpu_32(be);

	/* Unspecified or broadcast, multicast, loopback, our own: one branch for all. */
	return ((a - 1) >= UINT32_MAX - 1) | ((a >> 28) == 0xE) | ((a >> 24) == 127) |
		ovl_own_addrs_has4(own, be);
}

static int
bad_source6(const uint8_t src[16], const struct ovl_own_addrs *own)
{
	return ovl_ipv6_bad_source(src, own->v6[0]) ||
		(own->ip6 && ovl_own_addrs_find(own, 0, src) >= 0);
}

/* The IP header at ip (IPv6 when ip6) is to one of the addresses own (of one version). */
static int
to_us(const uint8_t *ip, int ip6, const struct ovl_own_addrs *own)
{
	if (!ip6)
		return ovl_own_addrs_has4(own, ((const struct rte_ipv4_hdr *)ip)->dst_addr);
	return own->ip6 && ovl_own_addrs_find(own, 0, ((const struct rte_ipv6_hdr *)ip)->dst_addr) >= 0;
}

static int
bad_source(const uint8_t *ip, int ip6, const struct ovl_own_addrs *own)
{
	if (!ip6)
		return bad_source_ip(((const struct rte_ipv4_hdr *)ip)->src_addr, own);
	return bad_source6(((const struct rte_ipv6_hdr *)ip)->src_addr, own);
}

static int
outer_to_us(const struct reflector *r, const uint8_t *ip, int ip6)
{
	return to_us(ip, ip6, &r->self.ips);
}

static int
outer_bad_source(const struct reflector *r, const uint8_t *ip, int ip6)
{
	return bad_source(ip, ip6, &r->self.ips);
}

/*
 * The address rules of a frame with an IPv6 header, outer or inner, or of any frame to a
 * reflector with an IPv6 address: out of the IPv4 path. Returns 0 or a negative drop reason,
 * in admit's order.
 */
static __rte_noinline int
admit_ipv6(const struct reflector *r, const uint8_t *data, const struct ovl_layers *l)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)data;
	const uint8_t *inner = data + l->inner_l3;
	int tunnel = l->l3 != l->inner_l3;

	if ((!r->promiscuous && !rte_is_same_ether_addr(&eth->dst_addr, &r->mac)) ||
			!outer_to_us(r, data + l->l3, l->ip6) ||
			(tunnel && !to_us(inner, l->inner_ip6, &r->self.inner_ips)))
		return -OVL_DROP_NOT_ADDRESSED;
	if (!rte_is_unicast_ether_addr(&eth->src_addr) || outer_bad_source(r, data + l->l3, l->ip6) ||
			(tunnel && bad_source(inner, l->inner_ip6, &r->self.inner_ips)))
		return -OVL_DROP_BAD_SOURCE;
	/* (The allow list holds IPv4 prefixes: with one, an IPv6 reflector is refused at start.) */
	if (l->l4 != 0 && l->l4_proto == IPPROTO_ICMPV6 &&
			((const struct rte_icmp_hdr *)(data + l->l4))->icmp_type != OVL_ICMP6_ECHO_REQUEST)
		return -OVL_DROP_ICMP_TYPE;
	return 0;
}

/*
 * The rules, cheapest first. Returns 0 when the probe may be answered, or a negative drop
 * reason. Fragments pass the address rules only: without their transport header they carry
 * no probe to check, so a keyed reflector drops them.
 *
 * Of a UDP probe, without a key, they read its addresses (MACs and IP addresses) and the run's
 * settings only, and take from the rate cap: the answer memo (answer_memo.h) compares those
 * addresses, and answers after the rate cap alike. A rule that reads more of a UDP probe must
 * be compared there too.
 */
static int
admit(struct reflector *r, const uint8_t *data, const struct ovl_layers *l, uint64_t now)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)data;
	const struct rte_ipv4_hdr *outer = (const struct rte_ipv4_hdr *)(data + l->l3);
	const struct rte_ipv4_hdr *inner = (const struct rte_ipv4_hdr *)(data + l->inner_l3);
	int rc;

	if (unlikely(l->ip6 | l->inner_ip6 | r->any_ip6)) {
		rc = admit_ipv6(r, data, l);
		if (rc < 0)
			return rc;
		goto tunnel_source;
	}
	if ((!r->promiscuous && !rte_is_same_ether_addr(&eth->dst_addr, &r->mac)) ||
			!ovl_own_addrs_has4(&r->self.ips, outer->dst_addr) ||
			(l->l3 != l->inner_l3 && !ovl_own_addrs_has4(&r->self.inner_ips, inner->dst_addr)))
		return -OVL_DROP_NOT_ADDRESSED;
	if (!rte_is_unicast_ether_addr(&eth->src_addr) || bad_source_ip(outer->src_addr, &r->self.ips) ||
			(l->l3 != l->inner_l3 && bad_source_ip(inner->src_addr, &r->self.inner_ips)))
		return -OVL_DROP_BAD_SOURCE;
tunnel_source:
	if (l->inner_l2 != 0 &&
			!rte_is_unicast_ether_addr(&((const struct rte_ether_hdr *)(data + l->inner_l2))->src_addr))
		return -OVL_DROP_BAD_SOURCE;
	if (!l->ip6 && !ovl_allowlist_match(&r->allow, outer->src_addr))
		return -OVL_DROP_NOT_ALLOWED;
	/* Answering a reply would bounce it between us and any host that answers ping. */
	if (l->l4 != 0 && l->l4_proto == IPPROTO_ICMP &&
			((const struct rte_icmp_hdr *)(data + l->l4))->icmp_type != RTE_IP_ICMP_ECHO_REQUEST)
		return -OVL_DROP_ICMP_TYPE;
	/* Nobody answers a RST (RFC 9293 3.10.7.1): a sender's probes never are one. */
	if (l->l4 != 0 && l->l4_proto == IPPROTO_TCP &&
			(((const struct rte_tcp_hdr *)(data + l->l4))->tcp_flags & RTE_TCP_RST_FLAG))
		return -OVL_DROP_TCP_RST;
	if (r->key != NULL) {
		struct ovl_probe p;

		if (l->fragment || ovl_probe_read(data + l->probe, l->payload_len, &p) < 0 ||
				p.form != OVL_PROBE_FULL || !(p.flags & OVL_PROBE_FLAG_KEYED))
			return -OVL_DROP_NOT_KEYED;
		if (ovl_probe_tag_check(r->key, data, l) < 0)
			return -OVL_DROP_BAD_TAG;
		if (ovl_replay_check(r->replay, p.session, p.stream, p.seq) < 0)
			return -OVL_DROP_REPLAY;
	}
	if (!ovl_ratecap_take(&r->cap, now))
		return -OVL_DROP_RATE_CAP;
	return 0;
}

/*
 * ARP is answered under the same address rules as probes: to our MAC (or broadcast, for a
 * request on the underlay), from a sane and allowed source, and inside a tunnel only through
 * a tunnel addressed to us. Returns 0 when it may be answered, or a negative drop reason.
 */
static int
admit_arp(const struct reflector *r, const uint8_t *data, uint32_t len, const struct ovl_layers *l,
		int parse_rc)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)data;
	struct ovl_arp a;

	if (!rte_is_unicast_ether_addr(&eth->src_addr))
		return -OVL_DROP_BAD_SOURCE;
	if (parse_rc == -OVL_DROP_NOT_IPV4) {
		if (ovl_arp_read(data, len, &a) < 0)
			return 0; /* not ARP: nothing to answer */
		if (!rte_is_unicast_ether_addr(&a.sha) || bad_source_ip(a.sip, &r->self.ips))
			return -OVL_DROP_BAD_SOURCE;
		return ovl_allowlist_match(&r->allow, a.sip) ? 0 : -OVL_DROP_NOT_ALLOWED;
	}
	if (parse_rc == -OVL_DROP_INNER_NOT_IPV4 && l->inner_l2 != 0) {
		if ((!r->promiscuous && !rte_is_same_ether_addr(&eth->dst_addr, &r->mac)) ||
				!outer_to_us(r, data + l->l3, l->ip6))
			return -OVL_DROP_NOT_ADDRESSED;
		if (outer_bad_source(r, data + l->l3, l->ip6))
			return -OVL_DROP_BAD_SOURCE;
		if (ovl_arp_read(data + l->inner_l2, l->inner_end - l->inner_l2, &a) < 0)
			return 0;
		if (!rte_is_unicast_ether_addr(&a.sha) ||
				!rte_is_unicast_ether_addr(&((const struct rte_ether_hdr *)(data + l->inner_l2))->src_addr) ||
				bad_source_ip(a.sip, &r->self.inner_ips))
			return -OVL_DROP_BAD_SOURCE;
		return l->ip6 || ovl_allowlist_match(&r->allow,
				((const struct rte_ipv4_hdr *)(data + l->l3))->src_addr)
			? 0 : -OVL_DROP_NOT_ALLOWED;
	}
	return 0;
}

/*
 * Neighbour discovery under the same rules as ARP: a solicitation (valid by RFC 4861 7.1, read
 * in ndp.c) for our address, from a unicast MAC and a source a probe would be answered from.
 * The one source more is ::, duplicate address detection, which RFC 4861 7.2.4 answers to all
 * nodes (ndp.c says why). Returns 0 when it may be answered, 1 when it is no solicitation to
 * answer (the parse's reason stands), or a negative drop reason.
 */
static int
admit_ndp(const struct reflector *r, const uint8_t *data, uint32_t len)
{
	static const uint8_t unspecified[16];
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)data;
	struct ovl_ndp nd;
	int rc;

	if (!r->self.ips.ip6)
		return 1;
	rc = ovl_ndp_read(data, len, &nd);
	if (rc != 0 || nd.type != OVL_NDP_SOLICIT)
		return rc != 0 ? rc : 1;
	if (!rte_is_unicast_ether_addr(&eth->src_addr) ||
			(nd.has_lla && !rte_is_unicast_ether_addr(&nd.lla)) ||
			(memcmp(nd.src, unspecified, 16) != 0 && bad_source6(nd.src, &r->self.ips)))
		return -OVL_DROP_BAD_SOURCE;
	return ovl_own_addrs_find(&r->self.ips, 0, nd.target) >= 0 ? 0 : -OVL_DROP_NOT_ADDRESSED;
}

int
reflector_configure(struct reflector *r, const struct app_config *cfg)
{
	r->self.mac = r->mac;
	r->self.ip_count = 1;
	r->any_ip6 = r->self.ips.ip6 | r->self.inner_ips.ip6;
	r->promiscuous = cfg->promiscuous;
	r->dwell = cfg->dwell;
	r->idle.sleep_us = cfg->idle_sleep_us;
	r->allow = cfg->allow;
	tsc_clock_init(&r->clock, rte_get_tsc_hz());
	ovl_ratecap_init(&r->cap, cfg->max_pps, rte_get_tsc_hz(), rte_rdtsc());
	ovl_histogram_init(&r->stats.interarrival);
	/* Stamps and tags are per frame: with either, every frame takes the full path. */
	ovl_answer_memo_init(&r->answers, !cfg->dwell && !cfg->keyed, 1);
	if (cfg->keyed) {
		r->key = &cfg->key;
		r->replay = rte_malloc("replay", sizeof(*r->replay), 0);
		if (r->replay == NULL)
			return -1;
		ovl_replay_init(r->replay);
	}
	return 0;
}

void
reflector_release(struct reflector *r)
{
	rte_free(r->replay);
	r->replay = NULL;
}

/* Writes one timestamp (and the flag) into a full probe, keeping the L4 checksum valid. */
static void
stamp(uint8_t *data, const struct ovl_layers *l, size_t field, uint64_t ns, int set_flag)
{
	uint8_t *p = data + l->probe;
	uint8_t *ck = data + l->l4 + ovl_l4_cksum_off(l->l4_proto);
	rte_be64_t v = rte_cpu_to_be_64(ns);
	uint16_t cksum;
	uint32_t diff;

	diff = ovl_cksum_diff(0, p + field, &v, 8);
	memcpy(p + field, &v, 8);
	if (set_flag) {
		rte_be16_t old, flags;

		memcpy(&old, p + offsetof(struct ovl_probe_full, flags), 2);
		flags = old | rte_cpu_to_be_16(OVL_PROBE_FLAG_REFLECTOR_TS);
		diff = ovl_cksum_diff(diff, &old, &flags, 2);
		memcpy(p + offsetof(struct ovl_probe_full, flags), &flags, 2);
	}
	memcpy(&cksum, ck, 2);
	/* A UDP checksum of zero means the sender computed none: there is nothing to keep valid. */
	if (l->l4_proto == IPPROTO_UDP && cksum == 0)
		return;
	cksum = ovl_cksum_apply(cksum, diff);
	if (l->l4_proto == IPPROTO_UDP)
		cksum = ovl_udp_cksum_fixup(cksum);
	memcpy(ck, &cksum, 2);
}

static int
full_probe(const uint8_t *data, const struct ovl_layers *l)
{
	return l->payload_len >= OVL_PROBE_FULL_LEN &&
		(data[l->probe + 1] & 0x0F) == OVL_PROBE_FULL;
}

/*
 * A frame longer than the RX pool's mbufs, chained by the driver, copied whole into one mbuf
 * of the jumbo pool: the reflector answers in place, in one segment. NULL when there is none.
 */
static struct rte_mbuf *
whole(struct reflector *r, struct rte_mbuf *m)
{
	struct rte_mbuf *one = r->jumbo != NULL ? rte_pktmbuf_alloc(r->jumbo) : NULL;

	if (one != NULL && rte_pktmbuf_pkt_len(m) <= rte_pktmbuf_tailroom(one) &&
			rte_pktmbuf_read(m, 0, rte_pktmbuf_pkt_len(m), rte_pktmbuf_mtod(one, void *)) != NULL) {
		one->data_len = (uint16_t)rte_pktmbuf_pkt_len(m);
		one->pkt_len = rte_pktmbuf_pkt_len(m);
		one->port = m->port;
		rte_pktmbuf_free(m);
		return one;
	}
	rte_pktmbuf_free(one);
	rte_pktmbuf_free(m);
	return NULL;
}

/*
 * The frames at the head of a burst that the last answer matches (answer_memo.h), answered
 * where they are: most bursts of a stream, whole. Without a rate cap, which takes per frame.
 * Returns how many.
 */
static inline uint16_t
answer_leading(struct reflector *r, struct rte_mbuf **pkts, uint16_t n)
{
	if (unlikely(r->answers.rest != 0 || r->cap.rate != 0))
		return 0;
	return ovl_answer_leading(&r->answers, pkts, n);
}

int
reflector_main(void *arg)
{
	struct reflector *r = arg;
	struct reflector_stats *st = &r->stats;
	struct rte_mbuf *pkts[BURST];
	struct ovl_layers layers[BURST];
	uint16_t n, i, n_out, sent;

	idle_start(&r->idle);
	port_gate_online();
	while (!run_quit && !r->stop) {
		uint64_t rx_tsc;

		/* The PMD may be tearing the queue down on the interrupt thread (port_gate.h). */
		if (unlikely(!port_gate_pass()))
			continue;
		n = rte_eth_rx_burst(r->port, r->queue, pkts, BURST);
		idle_poll(&r->idle, n);
		if (n == 0)
			continue;
		rx_tsc = rte_rdtsc();
		if (likely(st->last_rx_tsc != 0))
			ovl_histogram_record(&st->interarrival, tsc_to_ns(&r->clock, rx_tsc - st->last_rx_tsc));
		else
			st->first_rx_tsc = rx_tsc;
		ovl_histogram_record_zeros(&st->interarrival, n - 1);
		st->last_rx_tsc = rx_tsc;
		st->rx_frames += n;
		/* Frames written on another core: ask for their first lines a few frames ahead. */
		for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
		n_out = answer_leading(r, pkts, n);
		for (i = n_out; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
			struct ovl_layers *l = &layers[n_out];
			const struct ovl_answer *a;
			int rc;

			if (i + PREFETCH_AHEAD < n)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
			if (unlikely(m->nb_segs > 1)) {
				/* No mbuf to answer it in: counted as a full TX ring would be. */
				m = whole(r, m);
				if (m == NULL) {
					st->tx_full++;
					continue;
				}
				data = rte_pktmbuf_mtod(m, uint8_t *);
			}
			a = ovl_answer_find(&r->answers, data, rte_pktmbuf_data_len(m));
			if (likely(a != NULL)) {
				if (unlikely(!ovl_ratecap_take(&r->cap, rx_tsc))) {
					st->drops[OVL_DROP_RATE_CAP]++;
					rte_pktmbuf_free(m);
					continue;
				}
				ovl_answer_turn(a, data);
				pkts[n_out++] = m;
				continue;
			}
			rc = ovl_parse_memo(&r->memo, data, rte_pktmbuf_data_len(m), &r->rx, l);

			if (likely(rc >= 0)) {
				int why = admit(r, data, l, rx_tsc);

				if (unlikely(why < 0)) {
					st->drops[-why]++;
					rte_pktmbuf_free(m);
					continue;
				}
				if (rc == 1)
					st->fragments_reflected++;
				else if (r->dwell && full_probe(data, l))
					stamp(data, l, offsetof(struct ovl_probe_full, reflector_rx_ns),
							tsc_to_ns(&r->clock, rx_tsc), 0);
				else if (unlikely(ovl_answer_may_learn(&r->answers)))
					ovl_answer_learn(&r->answers, &r->memo, data, rte_pktmbuf_data_len(m), l);
				ovl_frame_turnaround(data, l);
				pkts[n_out++] = m;
				continue;
			}
			if (rc == -OVL_DROP_NOT_IPV4 || rc == -OVL_DROP_INNER_NOT_IPV4 ||
					(l->ip6 && l->l3_proto == IPPROTO_ICMPV6)) {
				/* An ARP inside a tunnel over IPv6 is ARP's; ICMPv6 on the underlay, NDP's. */
				int why = l->l3_proto == IPPROTO_ICMPV6 && rc != -OVL_DROP_INNER_NOT_IPV4
					? admit_ndp(r, data, rte_pktmbuf_data_len(m))
					: admit_arp(r, data, rte_pktmbuf_data_len(m), l, rc);
				enum neighbour_answered k = why == 0
					? neighbour_answer(m, l, rc, &r->self) : NEIGHBOUR_NONE;

				if (k != NEIGHBOUR_NONE) {
					st->arp_answered += k == NEIGHBOUR_ARP;
					st->ndp_answered += k == NEIGHBOUR_NDP;
					l->probe = 0;
					pkts[n_out++] = m;
					continue;
				}
				if (why < 0)
					rc = why;
			}
			st->drops[-rc < OVL_DROP_MAX ? -rc : 0]++;
			rte_pktmbuf_free(m);
		}
		if (r->dwell) {
			uint64_t tx_ns = tsc_to_ns(&r->clock, rte_rdtsc());

			for (i = 0; i < n_out; i++) {
				uint8_t *data = rte_pktmbuf_mtod(pkts[i], uint8_t *);

				if (layers[i].probe != 0 && !layers[i].fragment && full_probe(data, &layers[i])) {
					stamp(data, &layers[i], offsetof(struct ovl_probe_full, reflector_tx_ns),
							tx_ns, 1);
					st->stamped++;
				}
			}
		}
		sent = rte_eth_tx_burst(r->port, r->queue, pkts, n_out);
		st->reflected += sent;
		if (unlikely(sent < n_out)) {
			rte_pktmbuf_free_bulk(&pkts[sent], n_out - sent);
			st->tx_full++;
		}
	}
	port_gate_offline();
	return 0;
}
