/* SPDX-License-Identifier: BSD-3-Clause */
/* The summary table on stdout: measured rates beside what the wire allows, and latency. */
#include <inttypes.h>
#include <netinet/in.h>

#include "results.h"

/* With several queues, each load stream has a replica per queue: "<encap> q1". */
static const char *
stream_name(const struct stream *s, unsigned int queues, char *buf, size_t len)
{
	char q[8] = "";

	if (queues > 1 && !s->latency)
		snprintf(q, sizeof(q), " q%u", s->queue);
	snprintf(buf, len, "%s%s%s%s", s->spec.encap->name,
			s->spec.inner_proto == IPPROTO_ICMP ? "/icmp" : "", s->latency ? " lat" : "", q);
	return buf;
}

void
output_table(FILE *out, const struct run_result *r)
{
	unsigned int i;
	char name[32], line[32];

	if (r->line_rate_bps > 0)
		snprintf(line, sizeof(line), "%.0f Gbit/s (%s)", r->line_rate_bps / 1e9, r->line_rate_source);
	else
		snprintf(line, sizeof(line), "unknown");
	fprintf(out, "\novlperf %s: %.2f s measured%s, line rate %s\n",
			r->command, r->seconds, r->partial ? " (PARTIAL: stopped early)" : "", line);
	if (r->rx_clock != NULL)
		fprintf(out, "round trip: TX stamped by the TSC, RX by the NIC's clock (within %.0f ns)", port_clock_budget_ns(r->rx_clock));
	else
		fprintf(out, "round trip: TX and RX stamped by the TSC");
	if (r->pacing != NULL)
		fprintf(out, "; pacing: %s%s%s%s\n", r->pacing->hardware ? "hardware" : "software",
				r->pacing->why[0] ? " (" : "", r->pacing->why, r->pacing->why[0] ? ")" : "");
	else
		fputc('\n', out);
	fprintf(out, "%-14s %6s %6s %3s %9s %9s %8s %8s %8s %9s %9s %9s %9s %9s\n",
			"stream", "frame", "inner", "frg", "tx Mpps", "rx Mpps", "loss %", "tx Gb/s",
			"goodput", "wire Mpps", "wire good", "p50 us", "p99 us", "p99.9 us");
	for (i = 0; i < r->n_streams; i++) {
		const struct stream_result *s = &r->streams[i];
		const struct stream *st = s->stream;

		fprintf(out, "%-14s %6u %6u %3u %9.4f %9.4f %8.3f %8.3f %8.3f %9.4f %9.3f %9.1f %9.1f %9.1f\n",
				stream_name(st, r->n_queues, name, sizeof(name)), st->lay.frame_size, st->lay.inner_len,
				st->n_frames, s->tx_pps / 1e6, s->rx_pps / 1e6, s->loss_ratio * 100,
				s->tx_l1_bps / 1e9, s->rx_goodput_bps / 1e9, s->line_rate_pps / 1e6,
				s->line_goodput_bps / 1e9, s->latency.p50 / 1e3, s->latency.p99 / 1e3,
				s->latency.p999 / 1e3);
	}
	fprintf(out, "frame: bytes with FCS (first fragment's when frg > 1); tx Gb/s at layer 1; goodput: inner payload Gbit/s received;\n"
			"wire Mpps / wire good: what the line rate allows for these frames.\n");
	for (i = 0; i < r->n_streams; i++) {
		const struct stream_result *s = &r->streams[i];

		if (s->reordered || s->duplicated || s->corrupted)
			fprintf(out, "%s: %" PRIu64 " reordered, %" PRIu64 " duplicated, %" PRIu64 " corrupted\n",
					stream_name(s->stream, r->n_queues, name, sizeof(name)), s->reordered,
					s->duplicated, s->corrupted);
	}
	if (r->sender != NULL && r->sender->misrouted)
		fprintf(out, "%" PRIu64 " replies came back on another queue than their stream's and were not measured (sender.misrouted)\n",
				r->sender->misrouted);
}
