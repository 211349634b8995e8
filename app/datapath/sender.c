/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_memcpy.h>

#include "cksum.h"
#include "frag.h"
#include "headers.h"
#include "neighbour.h"
#include "pcap_file.h"
#include "probe_auth.h"
#include "port_gate.h"
#include "run_stop.h"
#include "sender.h"

#define RX_BURST 32
#define PREFETCH_AHEAD 3
#define TX_MBUFS_MAX STREAM_BURST_MAX

int
sender_init(struct sender *s, const struct stream *streams, unsigned int n_streams)
{
	unsigned int i;

	s->n_streams = n_streams;
	s->streams = (struct stream *)(uintptr_t)streams;
	s->state = rte_zmalloc("sender_state", n_streams * sizeof(*s->state), RTE_CACHE_LINE_SIZE);
	s->stats = rte_zmalloc("sender_stats", n_streams * sizeof(*s->stats), RTE_CACHE_LINE_SIZE);
	s->scratch = rte_malloc("sender_scratch", OVL_INNER_MAX, 0);
	if (s->state == NULL || s->stats == NULL || s->scratch == NULL)
		return -1;
	for (i = 0; i < n_streams; i++) {
		ovl_seqtrack_init(&s->stats[i].seq);
		ovl_histogram_init(&s->stats[i].rtt);
		s->state[i].first_measured_seq = UINT64_MAX;
		if (streams[i].tcp_seq_off != 0) {
			s->state[i].tcp_sent = rte_zmalloc("sender_tcp_sent",
					SENDER_TCP_SENT * sizeof(struct tcp_sent), RTE_CACHE_LINE_SIZE);
			if (s->state[i].tcp_sent == NULL)
				return -1;
		}
	}
	return 0;
}

void
sender_free(struct sender *s)
{
	unsigned int i;

	for (i = 0; s->stats != NULL && i < s->n_streams; i++)
		ovl_reservoir_free(&s->stats[i].samples);
	for (i = 0; s->state != NULL && i < s->n_streams; i++)
		rte_free(s->state[i].tcp_sent);
	rte_free(s->state);
	rte_free(s->stats);
	rte_free(s->scratch);
	free(s->capture_stage);
	s->capture_stage = NULL;
	s->state = NULL;
	s->stats = NULL;
	s->scratch = NULL;
}

/* The one's complement sum of a 64-bit value's four 16-bit words, folded (host order). */
static inline uint32_t
sum64(uint64_t v)
{
	return (uint32_t)(v >> 48) + (uint32_t)(v >> 32 & 0xFFFF) + (uint32_t)(v >> 16 & 0xFFFF) +
		(uint32_t)(v & 0xFFFF);
}

/*
 * The template holds zero in the sequence, timestamp and tag fields, so each change adds just
 * the new words' sum to the template's checksum, base (RFC 1624: the old words are zeros, whose
 * complement 0xFFFF is -0). The sum is formed from the host values of the big-endian words and
 * byte-swapped once into memory order, where the checksum field is read. The checksum is
 * written whole, so a kept frame's previous probe does not matter. A TCP segment's SEQ (the
 * probe's low bits plus tcp_bias, its class's) and ACK are patched the same way.
 */
static inline void
patch_probe(uint8_t *frame, const struct stream *s, uint64_t seq, uint64_t ts, uint16_t base,
		uint32_t tcp_bias, const struct ovl_key *key)
{
	static const uint8_t zero[OVL_PROBE_TAG_LEN];
	uint8_t *p = frame + s->probe_off;
	uint32_t host_sum, diff;
	uint16_t cksum;

	if (s->lay.probe_form == OVL_PROBE_FULL) {
		rte_be64_t be_seq = rte_cpu_to_be_64(seq), be_ts = rte_cpu_to_be_64(ts);

		memcpy(p + offsetof(struct ovl_probe_full, seq), &be_seq, 8);
		memcpy(p + offsetof(struct ovl_probe_full, tx_ts), &be_ts, 8);
		host_sum = sum64(seq) + sum64(ts);
	} else {
		rte_be32_t be_seq = rte_cpu_to_be_32((uint32_t)seq);
		rte_be64_t be_ts = rte_cpu_to_be_64(ts);

		memcpy(p + offsetof(struct ovl_probe_compact, seq), &be_seq, 4);
		memcpy(p + offsetof(struct ovl_probe_compact, tx_ts), &be_ts, 8);
		host_sum = sum64(seq & 0xFFFFFFFF) + sum64(ts);
	}
	if (s->tcp_seq_off != 0) {
		uint32_t tcp_seq = (uint32_t)seq + tcp_bias;
		rte_be32_t be[2] = { rte_cpu_to_be_32(tcp_seq), rte_cpu_to_be_32((uint32_t)seq) };

		memcpy(frame + s->tcp_seq_off, be, s->tcp_ack ? 8 : 4);
		host_sum += sum64(tcp_seq) + (s->tcp_ack ? sum64(seq & 0xFFFFFFFF) : 0);
	}
	host_sum = (host_sum & 0xFFFF) + (host_sum >> 16);
	diff = rte_bswap16((uint16_t)((host_sum & 0xFFFF) + (host_sum >> 16)));
	if (s->keyed) {
		uint8_t *tag = p + offsetof(struct ovl_probe_full, tag);

		ovl_probe_tag(key, frame, &s->layers, tag);
		diff = ovl_cksum_diff(diff, zero, tag, OVL_PROBE_TAG_LEN);
	}
	if (!s->l4_cksum_sw)
		return; /* the port computes it */
	cksum = ovl_cksum_apply(base, diff);
	if (s->l4_is_udp)
		cksum = ovl_udp_cksum_fixup(cksum);
	memcpy(frame + s->l4_cksum_off, &cksum, 2);
}

/*
 * Fragments of one datagram share an identification no other datagram in flight has: the IPv4
 * id, or an IPv6 Fragment header's 32 bits, which no inner checksum balances for the outer UDP one.
 */
static inline void
patch_ip_id(uint8_t *frame, const struct stream *s, uint64_t seq)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + s->inner_ip_off);
	rte_be16_t old = ip->packet_id, id = rte_cpu_to_be_16((uint16_t)seq);

	if ((frame[s->inner_ip_off] >> 4) == 6) {
		uint8_t *at = frame + s->inner_ip_off + OVL_IPV6_HDR_LEN +
			offsetof(struct rte_ipv6_fragment_ext, id);
		rte_be32_t old6, id6 = rte_cpu_to_be_32((uint32_t)seq);
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(frame + s->layers.tunnel);

		memcpy(&old6, at, sizeof(old6));
		memcpy(at, &id6, sizeof(id6));
		if (s->layers.tunnel != 0 && udp->dgram_cksum != 0)
			udp->dgram_cksum = ovl_udp_cksum_fixup(ovl_cksum_update(udp->dgram_cksum,
					&old6, &id6, sizeof(id6)));
		return;
	}
	ip->packet_id = id;
	ip->hdr_checksum = ovl_cksum_update(ip->hdr_checksum, &old, &id, 2);
}

/*
 * n datagrams from mbufs that already hold the stream's frames: the fast path. With several
 * flows an mbuf may hold another flow's frame, so the headers, which alone differ between
 * flows, are copied (the probe starts right after them).
 */
static int
take_kept(struct sender *snd, const struct stream *s, struct rte_mbuf **pkts, uint32_t n,
		uint64_t seq, uint64_t ts)
{
	uint32_t i, flow;

	if (unlikely(rte_mempool_get_bulk(s->kept, (void **)pkts, n) != 0))
		return -1;
	if (s->n_flows == 1) {
		for (i = 0; i < n; i++)
			patch_probe(rte_pktmbuf_mtod(pkts[i], uint8_t *), s, seq + i, ts, s->l4_cksums[0],
					s->classes[0].tcp_bias, snd->key);
		return 0;
	}
	flow = (uint32_t)(seq % s->n_flows);
	for (i = 0; i < n; i++) {
		uint8_t *data = rte_pktmbuf_mtod(pkts[i], uint8_t *);

		rte_memcpy(data, s->frames[flow], s->probe_off);
		patch_probe(data, s, seq + i, ts, s->l4_cksums[flow], s->classes[0].tcp_bias, snd->key);
		if (++flow == s->n_flows)
			flow = 0;
	}
	return 0;
}

/*
 * take_kept for a mix: per class, one bulk get of as many mbufs as the burst has datagrams of
 * that class (told by the schedule's counts), then the mbufs in the schedule's order, each
 * found from its entry's rank in its class. The classes' frames differ in length only after
 * the probe, so each is patched like a single size's.
 */
static int
take_kept_mix(struct sender *snd, const struct stream *s, struct rte_mbuf **pkts, uint32_t n,
		uint64_t seq, uint64_t ts)
{
	uint32_t pos = stream_schedule_pos(s, seq);
	const uint8_t *sched = &s->schedule[pos];
	const uint16_t *rank = &s->rank[pos];
	const uint16_t *before = &s->class_before[pos * s->n_classes];
	const uint16_t *after = &s->class_before[(pos + n) * s->n_classes];
	struct rte_mbuf *taken[TX_MBUFS_MAX];
	int32_t base[OVL_MIX_CLASSES_MAX];
	uint32_t i, c, off = 0, flow = (uint32_t)(seq % s->n_flows);

	for (c = 0; c < s->n_classes; c++) {
		uint32_t want = after[c] - before[c];

		if (want != 0 && unlikely(rte_mempool_get_bulk(s->classes[c].kept,
				(void **)&taken[off], want) != 0))
			goto undo;
		/* Entry i of class c takes taken[base[c] + rank[i]]. */
		base[c] = (int32_t)off - before[c];
		off += want;
	}
	for (i = 0; i < n; i++)
		pkts[i] = taken[base[sched[i]] + rank[i]];
	if (s->n_flows == 1) {
		for (i = 0; i < n; i++)
			patch_probe(rte_pktmbuf_mtod(pkts[i], uint8_t *), s, seq + i, ts,
					s->l4_cksums[sched[i]], s->classes[sched[i]].tcp_bias, snd->key);
		return 0;
	}
	for (i = 0; i < n; i++) {
		uint8_t *data = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		uint32_t t = sched[i] * s->n_flows + flow;

		rte_memcpy(data, s->frames[t], s->probe_off);
		patch_probe(data, s, seq + i, ts, s->l4_cksums[t], s->classes[sched[i]].tcp_bias,
				snd->key);
		if (++flow == s->n_flows)
			flow = 0;
	}
	return 0;
undo:
	for (i = 0, off = 0; i < c; i++) {
		uint32_t want = after[i] - before[i];

		if (want != 0)
			rte_mempool_put_bulk(s->classes[i].kept, (void **)&taken[off], want);
		off += want;
	}
	return -1;
}

/* n datagrams, each a copy of its flow's templates (every fragment of it): ports that keep
 * or change what they transmit, and fragmented streams. */
static int
take_copied(struct sender *snd, const struct stream *s, struct rte_mbuf **pkts, uint32_t n,
		uint64_t seq0, uint64_t ts)
{
	const uint8_t *sched = &s->schedule[stream_schedule_pos(s, seq0)];
	uint32_t d, k, flow = (uint32_t)(seq0 % s->n_flows);

	if (unlikely(rte_pktmbuf_alloc_bulk(snd->pool, pkts, n * s->n_frames) != 0))
		return -1;
	for (d = 0; d < n; d++, flow = flow + 1 == s->n_flows ? 0 : flow + 1) {
		uint64_t seq = seq0 + d;
		uint32_t t = sched[d] * s->n_flows + flow, base = t * s->n_frames;

		for (k = 0; k < s->n_frames; k++) {
			struct rte_mbuf *m = pkts[d * s->n_frames + k];
			uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
			uint16_t len = s->lens[base + k];

			rte_memcpy(data, s->frames[base + k], len);
			m->data_len = len;
			m->pkt_len = len;
			if (s->tx_ol_flags != 0) {
				m->ol_flags = s->tx_ol_flags;
				m->l2_len = s->lay.inner_off;
				m->l3_len = OVL_IPV4_HDR_LEN;
			}
			if (s->n_frames > 1)
				patch_ip_id(data, s, seq);
		}
		patch_probe(rte_pktmbuf_mtod(pkts[d * s->n_frames], uint8_t *), s, seq, ts,
				s->l4_cksums[t], s->classes[sched[d]].tcp_bias, snd->key);
	}
	return 0;
}

static void
send_burst(struct sender *snd, unsigned int si, uint64_t now)
{
	struct stream *s = &snd->streams[si];
	struct stream_state *st = &snd->state[si];
	struct stream_stats *stats = &snd->stats[si];
	struct rte_mbuf *pkts[TX_MBUFS_MAX];
	uint32_t most = RTE_MIN(RTE_MAX(s->burst, 32u), (uint32_t)TX_MBUFS_MAX / s->n_frames);
	/* Latency probes leave one at a time; load bursts grow when the lcore falls behind. */
	uint32_t n_dgrams = s->latency ? 1 :
		RTE_MIN(RTE_MAX(s->burst, ovl_pacer_owed(&st->pacer, now, most)), most);
	uint32_t n_mbufs, k, sent, dgrams_sent, pos;
	uint64_t ts;
	int rc;

	if (snd->count != 0 && snd->phase == PHASE_MEASURE) {
		uint64_t left = snd->count - (st->next_seq - st->first_measured_seq);

		if (left < n_dgrams)
			n_dgrams = (uint32_t)left;
	}
	if (n_dgrams == 0)
		return;
	n_mbufs = n_dgrams * s->n_frames;
	ts = rte_rdtsc();
	if (s->kept != NULL)
		rc = s->n_classes == 1 ? take_kept(snd, s, pkts, n_dgrams, st->next_seq, ts) :
			take_kept_mix(snd, s, pkts, n_dgrams, st->next_seq, ts);
	else
		rc = take_copied(snd, s, pkts, n_dgrams, st->next_seq, ts);
	if (unlikely(rc != 0)) {
		snd->misc.no_mbuf++;
		return;
	}
	if (st->tcp_sent != NULL)
		sender_tcp_sent(st, st->next_seq, n_dgrams, ts);
	/*
	 * The port may take only some of the burst, and may recycle what it took at once (a ring
	 * peer turns frames around in place): copy the burst aside, keep what was sent.
	 */
	if (unlikely(snd->capture != NULL))
		for (k = 0; k < n_mbufs; k++) {
			snd->capture_lens[k] = pkts[k]->data_len;
			memcpy(snd->capture_stage + (size_t)k * snd->capture_frame_max,
					rte_pktmbuf_mtod(pkts[k], uint8_t *), pkts[k]->data_len);
		}
	sent = rte_eth_tx_burst(snd->port, snd->queue, pkts, (uint16_t)n_mbufs);
	if (unlikely(snd->capture != NULL)) {
		uint64_t ns = tsc_to_ns(&snd->clock, ts);

		for (k = 0; k < sent && snd->capture_left > 0; k++, snd->capture_left--)
			ovl_pcap_write(snd->capture, snd->capture_stage + (size_t)k * snd->capture_frame_max,
					snd->capture_lens[k], ns);
	}
	if (unlikely(sent < n_mbufs)) {
		rte_pktmbuf_free_bulk(&pkts[sent], n_mbufs - sent);
		snd->misc.tx_full++;
	}
	/* A datagram some of whose fragments left counts as sent: the rest is loss on our side. */
	dgrams_sent = (sent + s->n_frames - 1) / s->n_frames;
	pos = stream_schedule_pos(s, st->next_seq);
	st->next_seq += dgrams_sent;
	stats->tx_datagrams += dgrams_sent;
	stats->tx_frames += sent;
	stats->tx_bytes += s->wire_sum[pos + dgrams_sent] - s->wire_sum[pos];
	stats->tx_payload += s->payload_sum[pos + dgrams_sent] - s->payload_sum[pos];
	if (dgrams_sent > 0)
		ovl_pacer_sent(&st->pacer, dgrams_sent, now);
	if (snd->count != 0 && snd->phase == PHASE_MEASURE &&
			st->next_seq - st->first_measured_seq >= snd->count)
		st->done = 1;
}

/*
 * The slow path: a fragment waits in the reassembly table (timed by now) until its datagram is
 * whole; the datagram counts as received when its last fragment was (at).
 */
static void
on_fragment(struct sender *snd, struct rte_mbuf *m, const struct ovl_layers *l, uint64_t now,
		uint64_t at)
{
	struct rte_mbuf *whole;
	struct ovl_layers inner;
	uint32_t len;
	const void *data;

	snd->misc.fragments++;
	if (snd->reasm == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	whole = ovl_reasm_add(snd->reasm, m, l, now, &snd->misc.drops[OVL_DROP_FRAGMENT_REFUSED]);
	if (whole == NULL)
		return;
	len = rte_pktmbuf_pkt_len(whole) - l->inner_l3;
	data = rte_pktmbuf_read(whole, l->inner_l3, len, snd->scratch);
	if (data != NULL && data != snd->scratch)
		memcpy(snd->scratch, data, len);
	memset(&inner, 0, sizeof(inner));
	inner.encap = l->encap;
	inner.inner_end = (uint16_t)RTE_MIN(len, (uint32_t)UINT16_MAX);
	if (data != NULL && ovl_parse_inner(snd->scratch, &inner) == 0)
		sender_on_probe(snd, snd->scratch, &inner, (uint32_t)snd->streams[0].wire_bytes, at);
	rte_pktmbuf_free(whole);
}

/*
 * now: the TSC after the RX burst. With hw set (a constant: the compiler makes one loop per
 * source), each reply's arrival is instead its NIC stamp converted by fit.
 */
static __rte_always_inline void
receive_burst(struct sender *snd, struct rte_mbuf **pkts, uint16_t n, uint64_t now, const int hw,
		const struct ovl_nic_fit *fit)
{
	struct rte_mbuf *answers[RX_BURST];
	uint16_t i, n_answers = 0, sent;

	snd->misc.rx_frames += n;
	/* Frames written on another core: ask for their first lines a few frames ahead. */
	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
		struct ovl_layers l;
		enum neighbour_answered k;
		int rc;
		uint64_t at = now;

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		rc = ovl_parse_memo(&snd->memo, data, rte_pktmbuf_data_len(m), &snd->rx, &l);
		if (hw) {
			if (likely(m->ol_flags & snd->rx_ts_flag))
				at = ovl_nic_to_tsc(fit, *RTE_MBUF_DYNFIELD(m, snd->rx_ts_offset,
						rte_mbuf_timestamp_t *));
			else
				snd->misc.rx_unstamped++;
		}
		if (likely(rc == 0)) {
			if (unlikely(ovl_is_bare_rst(&l)))
				sender_on_rst(snd, data, &l, rte_pktmbuf_pkt_len(m) + OVL_FCS_LEN, at);
			else
				sender_on_probe(snd, data, &l, rte_pktmbuf_pkt_len(m) + OVL_FCS_LEN, at);
		} else if (rc == 1) {
			on_fragment(snd, m, &l, now, at);
			continue;
		} else if ((k = neighbour_answer(m, &l, rc, &snd->self)) != NEIGHBOUR_NONE) {
			snd->misc.arp_answered += k == NEIGHBOUR_ARP;
			snd->misc.ndp_answered += k == NEIGHBOUR_NDP;
			answers[n_answers++] = m;
			continue;
		} else {
			snd->misc.drops[-rc < OVL_DROP_MAX ? -rc : 0]++;
		}
		rte_pktmbuf_free(m);
	}
	if (n_answers > 0) {
		sent = rte_eth_tx_burst(snd->port, snd->queue, answers, n_answers);
		if (sent < n_answers)
			rte_pktmbuf_free_bulk(&answers[sent], n_answers - sent);
	}
}

static void
receive(struct sender *snd, struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct ovl_nic_fit fit;

	/* The source is chosen per burst, never per packet. */
	if (snd->rx_clock == NULL) {
		receive_burst(snd, pkts, n, now, 0, NULL);
		return;
	}
	port_clock_get(snd->rx_clock, &fit);
	receive_burst(snd, pkts, n, now, 1, &fit);
}

static void
begin_measure(struct sender *snd, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < snd->n_streams; i++) {
		struct stream_stats *st = &snd->stats[i];

		memset(st, 0, offsetof(struct stream_stats, seq));
		ovl_seqtrack_init(&st->seq);
		ovl_histogram_init(&st->rtt);
		snd->state[i].first_measured_seq = snd->state[i].next_seq;
		snd->state[i].pacer.given_up = 0;
	}
	snd->measure_start = now;
	snd->phase = PHASE_MEASURE;
}

static int
all_done(const struct sender *snd)
{
	unsigned int i;

	if (snd->count == 0)
		return 0;
	for (i = 0; i < snd->n_streams; i++)
		if (!snd->state[i].done)
			return 0;
	return 1;
}

int
sender_main(void *arg)
{
	struct sender *snd = arg;
	struct rte_mbuf *pkts[RX_BURST];
	uint64_t now = rte_rdtsc(), phase_end;
	unsigned int i;
	uint16_t n;
	int busy;

	for (i = 0; i < snd->n_streams; i++) {
		const struct stream *s = &snd->streams[i];

		/* Under hardware pacing the NIC sets the load streams' pace (pacing.h). */
		ovl_pacer_init(&snd->state[i].pacer, s->latency ? s->rate_pps : s->rate_pps * snd->soft_cap,
				snd->clock.hz, now);
	}
	if (snd->warmup_cycles > 0) {
		snd->phase = PHASE_WARMUP;
		phase_end = now + snd->warmup_cycles;
	} else {
		begin_measure(snd, now);
		phase_end = snd->measure_cycles ? now + snd->measure_cycles : UINT64_MAX;
	}

	idle_start(&snd->idle);
	port_gate_online();
	while (snd->phase != PHASE_DONE) {
		/* The PMD may be tearing the queue down on the interrupt thread (port_gate.h). */
		if (unlikely(!port_gate_pass()))
			continue;
		now = rte_rdtsc();

		int stop = run_quit || snd->stop;

		if (unlikely(now >= phase_end || stop || (snd->phase == PHASE_MEASURE && all_done(snd)))) {
			if (snd->phase == PHASE_WARMUP && !stop) {
				begin_measure(snd, now);
				phase_end = snd->measure_cycles ? now + snd->measure_cycles : UINT64_MAX;
			} else if (snd->phase == PHASE_MEASURE) {
				snd->measure_end = now;
				snd->phase = PHASE_DRAIN;
				phase_end = now + snd->drain_cycles;
			} else if (snd->phase == PHASE_WARMUP || now >= phase_end) {
				snd->phase = PHASE_DONE;
			}
		}
		n = rte_eth_rx_burst(snd->port, snd->queue, pkts, RX_BURST);
		if (n > 0)
			receive(snd, pkts, n, rte_rdtsc());
		if (snd->phase > PHASE_MEASURE) {
			idle_poll(&snd->idle, n);
			continue;
		}
		busy = n;
		for (i = 0; i < snd->n_streams; i++)
			if (!snd->state[i].done && ovl_pacer_due(&snd->state[i].pacer, now)) {
				send_burst(snd, i, now);
				busy = 1;
			}
		idle_poll(&snd->idle, busy);
	}
	port_gate_offline();
	return 0;
}
