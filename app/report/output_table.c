/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The summary on stdout: per stream, measured rates beside what the wire allows, and latency
 * (send, loop); the reflector's counters (reflect).
 */
#include <inttypes.h>
#include <netinet/in.h>

#include "frame.h"
#include "output.h"
#include "probe.h"

/* With several queues, each load stream has a replica per queue: "<encap> q1". */
static const char *
stream_name(const struct stream *s, unsigned int queues, char *buf, size_t len)
{
	char q[8] = "";

	if (queues > 1 && !s->latency)
		snprintf(q, sizeof(q), " q%u", s->queue);
	snprintf(buf, len, "%s%s%s%s%s%s%s", s->name ? s->name : "", s->name ? ":" : "", s->spec.encap->name,
			s->spec.inner_proto == IPPROTO_UDP ? "" : "/",
			s->spec.inner_proto == IPPROTO_UDP ? "" : ovl_inner_proto_name(s->spec.inner_proto),
			s->latency ? " lat" : "", q);
	return buf;
}

/* A mix's streams, per size class: datagrams and bytes sent and received. */
static void
classes_table(FILE *out, const struct run_result *r)
{
	unsigned int i, k;
	char name[96];

	for (i = 0; i < r->n_streams; i++) {
		const struct stream_result *s = &r->streams[i];

		if (s->n_classes <= 1)
			continue;
		fprintf(out, "%-14s %6s %6s %6s %12s %14s %12s %14s\n",
				stream_name(s->stream, r->n_queues, name, sizeof(name)), "frame", "inner",
				"weight", "tx packets", "tx bytes", "rx packets", "rx bytes");
		for (k = 0; k < s->n_classes; k++) {
			const struct class_result *c = &s->classes[k];

			fprintf(out, "%-14s %6u %6u %6u %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRIu64 "\n",
					"", c->frame_size, c->inner_size, c->weight, c->tx_datagrams,
					c->tx_bytes, c->rx_datagrams, c->rx_bytes);
		}
		fprintf(out, "%-14s %6s %6s %6s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRIu64 "\n",
				"", "total", "", "", s->tx_datagrams, s->tx_bytes, s->rx_datagrams, s->rx_bytes);
	}
}

/* The stream column's width: 14, or the longest name (a profile's streams are named). */
static int
name_width(const struct run_result *r)
{
	unsigned int i;
	char name[96];
	int w = 14;

	for (i = 0; i < r->n_streams; i++)
		w = RTE_MAX(w, (int)strlen(stream_name(r->streams[i].stream, r->n_queues, name, sizeof(name))));
	return w;
}

static void
streams_table(FILE *out, const struct run_result *r)
{
	unsigned int i;
	char name[96], line[32];
	int w = name_width(r);

	if (r->line_rate_bps > 0)
		snprintf(line, sizeof(line), "%.0f Gbit/s (%s)", r->line_rate_bps / 1e9, r->line_rate_source);
	else
		snprintf(line, sizeof(line), "unknown");
	fprintf(out, "\novlperf %s: %.2f s measured%s, line rate %s, underlay IPv%d, inner IPv%d\n",
			r->command, r->seconds, r->partial ? " (PARTIAL: stopped early)" : "", line,
			r->n_streams != 0 && r->streams[0].stream->spec.ip6 ? 6 : 4,
			r->n_streams != 0 && r->streams[0].stream->spec.inner_ip6 ? 6 : 4);
	if (r->timestamps.nic)
		fprintf(out, "round trip: TX stamped by the TSC, RX by the NIC's clock (within %.0f ns)",
				r->timestamps.error_budget_ns);
	else
		fprintf(out, "round trip: TX and RX stamped by the TSC");
	fprintf(out, "; pacing: %s%s%s%s\n", r->pacing.hardware ? "hardware" : "software",
			r->pacing.why[0] ? " (" : "", r->pacing.why, r->pacing.why[0] ? ")" : "");
	fprintf(out, "%-*s %6s %6s %3s %9s %9s %8s %8s %8s %9s %9s %9s %9s %9s\n",
			w, "stream", "frame", "inner", "frg", "tx Mpps", "rx Mpps", "loss %", "tx Gb/s",
			"goodput", "wire Mpps", "wire good", "p50 us", "p99 us", "p99.9 us");
	for (i = 0; i < r->n_streams; i++) {
		const struct stream_result *s = &r->streams[i];
		const struct stream *st = s->stream;
		/* A mix's sizes are its means: every class has the same headers. */
		uint32_t frame = st->n_classes > 1 ? (uint32_t)(st->wire_mean + 0.5) : st->lay.frame_size;
		uint32_t inner = frame - (st->lay.frame_size - st->lay.inner_len);

		fprintf(out, "%-*s %6u %6u %3u %9.4f %9.4f %8.3f %8.3f %8.3f %9.4f %9.3f %9.1f %9.1f %9.1f\n",
				w, stream_name(st, r->n_queues, name, sizeof(name)), frame, inner,
				st->n_frames, s->tx_pps / 1e6, s->rx_pps / 1e6, s->loss_ratio * 100,
				s->tx_l1_bps / 1e9, s->rx_goodput_bps / 1e9, s->line_rate_pps / 1e6,
				s->line_goodput_bps / 1e9, s->latency.p50 / 1e3, s->latency.p99 / 1e3,
				s->latency.p999 / 1e3);
	}
	fprintf(out, "frame: bytes with FCS (first fragment's when frg > 1; a mix's mean); tx Gb/s at layer 1; goodput: inner payload Gbit/s received;\n"
			"wire Mpps / wire good: what the line rate allows for these frames.\n");
	classes_table(out, r);
	for (i = 0; i < r->n_streams; i++) {
		const struct stream_result *s = &r->streams[i];

		if (s->reordered || s->duplicated || s->corrupted)
			fprintf(out, "%s: %" PRIu64 " reordered, %" PRIu64 " duplicated, %" PRIu64 " corrupted\n",
					stream_name(s->stream, r->n_queues, name, sizeof(name)), s->reordered,
					s->duplicated, s->corrupted);
		if (s->pacing_given_up_s > 0)
			fprintf(out, "%s: the sender fell over 10 ms behind its schedule and gave %.3f s of it up (its lcore stalled, or the port refused bursts): a lower rate than asked\n",
					stream_name(s->stream, r->n_queues, name, sizeof(name)), s->pacing_given_up_s);
	}
	if (r->outages != NULL && r->outages->count > 0) {
		const struct outage_watch *w = r->outages;

		fprintf(out, "%u outage%s (replies stopped while sending; their probes counted as lost):",
				w->count, w->count == 1 ? "" : "s");
		for (i = 0; i < w->n && i < 8; i++)
			fprintf(out, " at %.2f s for %.2f s%s%s", w->list[i].start_s, w->list[i].length_s,
					w->list[i].ended ? "" : " (to the end)", i + 1 < w->n && i < 7 ? ";" : "");
		fprintf(out, "%s\n", w->n > 8 ? " ..." : "");
	}
	if (r->sender.misrouted)
		fprintf(out, "%" PRIu64 " replies came back on another queue than their stream's and were not measured (sender.misrouted)\n",
				r->sender.misrouted);
	if (r->sender.tcp_unmatched + r->sender.tcp_stale)
		fprintf(out, "%" PRIu64 " RSTs named no TCP stream by their ports and %" PRIu64 " no recent probe by their sequence number: not measured (sender.tcp_unmatched, sender.tcp_stale)\n",
				r->sender.tcp_unmatched, r->sender.tcp_stale);
}

/* The reflector's queues summed, what it dropped by reason, and each queue when several. */
static void
reflector_summary(FILE *out, const struct run_result *r)
{
	const struct reflector_counts *c = &r->reflector;
	unsigned int q;
	int i;

	fprintf(out, "ovlperf %s: %.2f s%s%s%s: rx %" PRIu64 ", reflected %" PRIu64 " (%" PRIu64
			" stamped, %" PRIu64 " fragments), arp %" PRIu64 ", ndp %" PRIu64 ", not ours %" PRIu64 ", tx full %" PRIu64 "; drops:",
			r->command, r->seconds, r->stop_reason ? " (stopped by " : "",
			r->stop_reason ? r->stop_reason : "", r->stop_reason ? ")" : "",
			c->rx_frames, c->reflected, c->stamped, c->fragments_reflected, c->arp_answered,
			c->ndp_answered, c->drops[OVL_DROP_NOT_ADDRESSED], c->tx_full);
	for (i = 1; i < OVL_DROP_MAX; i++)
		if (c->drops[i])
			fprintf(out, " %s %" PRIu64, ovl_drop_name(i), c->drops[i]);
	fputc('\n', out);
	/* --dwell stamps only full probes: say so when every probe answered was compact. */
	if (r->cfg->dwell && c->stamped == 0 && c->reflected > c->arp_answered + c->ndp_answered +
			c->fragments_reflected)
		fprintf(out, "--dwell: no probe stamped: the sender's probes were compact, with no room for the stamps; send inner packets of %u bytes or more (send --inner-size %u, or --probe full)\n",
				OVL_INNER_HDR_LEN + OVL_PROBE_FULL_LEN, OVL_INNER_HDR_LEN + OVL_PROBE_FULL_LEN);
	for (q = 0; r->n_reflector_queues > 1 && q < r->n_reflector_queues; q++)
		fprintf(out, "  queue %u (lcore %u): rx %" PRIu64 ", reflected %" PRIu64 "\n",
				r->reflector_queues[q].queue, r->reflector_queues[q].lcore,
				r->reflector_queues[q].counts.rx_frames, r->reflector_queues[q].counts.reflected);
}

/* AF_XDP ports: how the kernel ran them (the figures depend on it: copy mode costs a copy). */
static void
xdp_lines(FILE *out, const struct run_result *r)
{
	unsigned int i;
	char line[256];

	for (i = 0; i < r->n_ports; i++) {
		if (!r->ports[i].info.xdp.af_xdp)
			continue;
		port_xdp_describe(&r->ports[i].info.xdp, line, sizeof(line));
		fprintf(out, "port %u (%s): %s\n", r->ports[i].info.id, r->ports[i].info.name, line);
	}
}

void
output_table(FILE *out, const struct run_result *r)
{
	if (r->n_sender_queues > 0)
		streams_table(out, r);
	else if (r->n_reflector_queues > 0)
		reflector_summary(out, r);
	xdp_lines(out, r);
}
