/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender's replies: matched to their probes, counted (loss, reordering, duplicates,
 * corruption) and timed. Replies with a probe name it themselves; a kernel's RST to a TCP probe
 * carries none and is matched by its ports and sequence numbers (sender.h).
 */
#include <rte_branch_prediction.h>
#include <rte_malloc.h>

#include "headers.h"
#include "sender.h"

/*
 * Counts a reply to probe seq of stream idx. Returns 0 when it is to be timed, -1 when not
 * (a warm-up probe's, or a duplicate).
 */
static int
reply_count(struct sender *snd, unsigned int idx, uint64_t seq, uint32_t wire_bytes,
		uint32_t payload_len)
{
	struct stream_state *st = &snd->state[idx];
	struct stream_stats *stats = &snd->stats[idx];
	const struct stream *s = &snd->streams[idx];

	if (seq < st->first_measured_seq) {
		snd->misc.warmup_replies++;
		return -1;
	}
	if (seq > st->highest_rx_seq)
		st->highest_rx_seq = seq;
	if (ovl_seqtrack_add(&stats->seq, seq) == OVL_SEQ_DUPLICATE)
		return -1;
	stats->rx_datagrams++;
	stats->rx_bytes += wire_bytes;
	if (s->n_classes > 1)
		stats->rx_class[s->schedule[seq % s->schedule_len]]++;
	stats->rx_payload += payload_len;
	return 0;
}

/*
 * Times the reply to probe seq of stream idx, sent at tx_ts and back at now (TSC), less the
 * time the reflector held it when its probe p says so (p NULL: a RST).
 */
static void
reply_time(struct sender *snd, unsigned int idx, uint64_t seq, uint64_t tx_ts, uint64_t now,
		const struct ovl_probe *p)
{
	struct stream_stats *stats = &snd->stats[idx];
	uint64_t rtt;

	if (unlikely(now < tx_ts)) {
		/* Only a converted NIC stamp can be: within the conversion's error budget. */
		snd->misc.rx_before_tx++;
		now = tx_ts;
	}
	rtt = tsc_to_ns(&snd->clock, now - tx_ts);
	if (p != NULL && (p->flags & OVL_PROBE_FLAG_REFLECTOR_TS) &&
			p->reflector_tx_ns >= p->reflector_rx_ns &&
			p->reflector_tx_ns - p->reflector_rx_ns < rtt) {
		rtt -= p->reflector_tx_ns - p->reflector_rx_ns;
		stats->dwell_subtracted++;
	}
	ovl_histogram_record(&stats->rtt, rtt);
	/* A flag of the sender's, not the reservoir's size: that is a cache line past the histogram. */
	if (unlikely(snd->sampling))
		ovl_reservoir_add(&stats->samples, seq, tsc_to_ns(&snd->clock, tx_ts - snd->measure_start), rtt);
}

void
sender_on_probe(struct sender *snd, const uint8_t *buf, const struct ovl_layers *l,
		uint32_t wire_bytes, uint64_t now)
{
	struct ovl_probe p;
	uint64_t seq;
	unsigned int idx;

	if (ovl_probe_read(buf + l->probe, l->payload_len, &p) < 0)
		return;
	if (p.session != (p.form == OVL_PROBE_FULL ? snd->session : (snd->session & 0xFFFF))) {
		snd->misc.other_session++;
		return;
	}
	idx = (unsigned int)p.stream - snd->first_stream;
	if (unlikely(idx >= snd->n_streams)) {
		if (p.stream < snd->all_streams)
			snd->misc.misrouted++;
		else
			snd->misc.unknown_stream++;
		return;
	}
	seq = p.form == OVL_PROBE_FULL ? p.seq
		: ovl_probe_seq_sent(snd->state[idx].next_seq, (uint32_t)p.seq);
	if (reply_count(snd, idx, seq, wire_bytes, l->payload_len) < 0)
		return;
	/* Every checksum of every reply: replies of many flows share a memo shape, not their headers. */
	if (ovl_frame_verify_cksums(buf, l) != 0 || ovl_frame_verify_fill(buf, l) != 0)
		snd->stats[idx].corrupted++;
	reply_time(snd, idx, seq, p.tx_ts, now, &p);
}

/*
 * The TCP stream of this sender a RST answers: of the RST's encapsulation, sending to its
 * source port from one of the stream's source ports (a stream's flows count up from its own,
 * tcp_own_ports in stream.c). -1: none.
 */
static int
rst_stream(const struct sender *snd, const struct ovl_layers *l, const struct rte_tcp_hdr *tcp)
{
	uint16_t sport = rte_be_to_cpu_16(tcp->src_port), dport = rte_be_to_cpu_16(tcp->dst_port);
	unsigned int i;

	for (i = 0; i < snd->n_streams; i++) {
		const struct stream *s = &snd->streams[i];

		if (snd->state[i].tcp_sent != NULL && s->spec.encap == l->encap &&
				s->spec.dst_port == sport &&
				(uint16_t)(dport - s->spec.src_port) < s->n_flows)
			return (int)i;
	}
	return -1;
}

void
sender_on_rst(struct sender *snd, const uint8_t *buf, const struct ovl_layers *l,
		uint32_t wire_bytes, uint64_t now)
{
	const struct rte_tcp_hdr *tcp = (const struct rte_tcp_hdr *)(buf + l->l4);
	const struct tcp_sent *e;
	uint64_t seq;
	int idx = rst_stream(snd, l, tcp);

	if (idx < 0) {
		snd->misc.tcp_unmatched++;
		return;
	}
	seq = ovl_probe_seq_sent(snd->state[idx].next_seq, ovl_tcp_answer_seq32(tcp));
	e = &snd->state[idx].tcp_sent[seq & (SENDER_TCP_SENT - 1)];
	/* A stray RST must hit one of the last SENDER_TCP_SENT sequence numbers to count. */
	if (e->tsc == 0 || e->seq != seq) {
		snd->misc.tcp_stale++;
		return;
	}
	if (reply_count(snd, (unsigned int)idx, seq, wire_bytes, 0) < 0)
		return;
	if (ovl_frame_verify_cksums(buf, l) != 0)
		snd->stats[idx].corrupted++;
	reply_time(snd, (unsigned int)idx, seq, e->tsc, now, NULL);
}
