/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "cksum.h"
#include "headers.h"
#include "neighbour.h"
#include "probe.h"
#include "reflector.h"
#include "run.h"
#include "sender.h"

#define BURST 32

/* Addressed to us: our MAC (unless promiscuous), our underlay IP, and in a tunnel our inner IP. */
static int
addressed_to_us(const struct reflector *r, const uint8_t *data, const struct ovl_layers *l)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)data;
	const struct rte_ipv4_hdr *outer = (const struct rte_ipv4_hdr *)(data + l->l3);
	const struct rte_ipv4_hdr *inner = (const struct rte_ipv4_hdr *)(data + l->inner_l3);

	if (!r->promiscuous && !rte_is_same_ether_addr(&eth->dst_addr, &r->mac))
		return 0;
	if (outer->dst_addr != r->ip)
		return 0;
	return l->l3 == l->inner_l3 || inner->dst_addr == r->inner_ip;
}

/* Writes one timestamp (and the flag) into a full probe, keeping the L4 checksum valid. */
static void
stamp(uint8_t *data, const struct ovl_layers *l, size_t field, uint64_t ns, int set_flag)
{
	uint8_t *p = data + l->probe;
	uint8_t *ck = data + l->l4 + (l->l4_proto == IPPROTO_UDP ? 6 : 2);
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

int
reflector_main(void *arg)
{
	struct reflector *r = arg;
	struct reflector_stats *st = &r->stats;
	struct rte_mbuf *pkts[BURST], *out[BURST];
	struct ovl_layers layers[BURST];
	uint16_t n, i, n_out, sent;

	while (!run_quit && !r->stop) {
		uint64_t rx_tsc;

		n = rte_eth_rx_burst(r->port, r->queue, pkts, BURST);
		if (n == 0)
			continue;
		rx_tsc = rte_rdtsc();
		if (likely(st->last_rx_tsc != 0))
			ovl_histogram_record(&st->interarrival, tsc_to_ns(&r->clock, rx_tsc - st->last_rx_tsc));
		for (i = 1; i < n; i++)
			ovl_histogram_record(&st->interarrival, 0);
		st->last_rx_tsc = rx_tsc;
		st->rx_frames += n;
		n_out = 0;
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
			struct ovl_layers *l = &layers[n_out];
			int rc = ovl_parse(data, rte_pktmbuf_data_len(m), &r->rx, l);

			if (likely(rc >= 0)) {
				if (!addressed_to_us(r, data, l)) {
					st->not_addressed++;
					rte_pktmbuf_free(m);
					continue;
				}
				if (rc == 1)
					st->fragments_reflected++;
				else if (r->dwell && full_probe(data, l))
					stamp(data, l, offsetof(struct ovl_probe_full, reflector_rx_ns),
							tsc_to_ns(&r->clock, rx_tsc), 0);
				ovl_frame_turnaround(data, l);
				out[n_out++] = m;
				continue;
			}
			if (neighbour_answer(m, l, rc, &r->mac, r->ip, r->inner_ip, &r->inner_mac)) {
				st->arp_answered++;
				l->probe = 0;
				out[n_out++] = m;
				continue;
			}
			st->drops[-rc < OVL_DROP_MAX ? -rc : 0]++;
			rte_pktmbuf_free(m);
		}
		if (r->dwell) {
			uint64_t tx_ns = tsc_to_ns(&r->clock, rte_rdtsc());

			for (i = 0; i < n_out; i++) {
				uint8_t *data = rte_pktmbuf_mtod(out[i], uint8_t *);

				if (layers[i].probe != 0 && !layers[i].fragment && full_probe(data, &layers[i])) {
					stamp(data, &layers[i], offsetof(struct ovl_probe_full, reflector_tx_ns),
							tx_ns, 1);
					st->stamped++;
				}
			}
		}
		sent = rte_eth_tx_burst(r->port, r->queue, out, n_out);
		st->reflected += sent;
		if (unlikely(sent < n_out)) {
			rte_pktmbuf_free_bulk(&out[sent], n_out - sent);
			st->tx_full++;
		}
	}
	return 0;
}
