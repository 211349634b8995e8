/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-second lines on stderr, like iperf3's intervals: the difference of two snapshots, one
 * line per stream when there are several.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

int
live_init(struct live_state *ls, unsigned int n_streams, uint64_t tsc)
{
	size_t n = n_streams ? n_streams : 1;

	ls->last_tsc = tsc;
	ls->last_tx = calloc(n, sizeof(uint64_t));
	ls->last_tx_frames = calloc(n, sizeof(uint64_t));
	ls->last_rx = calloc(n, sizeof(uint64_t));
	ls->last_tx_bytes = calloc(n, sizeof(uint64_t));
	ls->last_rtt = calloc(n, sizeof(struct ovl_histogram));
	ls->second = malloc(sizeof(*ls->second));
	ls->last_refl_rx = 0;
	ls->last_reflected = 0;
	if (ls->last_rtt != NULL)
		for (size_t k = 0; k < n; k++)
			ovl_histogram_init(&ls->last_rtt[k]);
	return ls->last_tx && ls->last_tx_frames && ls->last_rx && ls->last_tx_bytes &&
		ls->last_rtt && ls->second ? 0 : -1;
}

void
live_free(struct live_state *ls)
{
	free(ls->last_tx);
	free(ls->last_tx_frames);
	free(ls->last_rx);
	free(ls->last_tx_bytes);
	free(ls->last_rtt);
	free(ls->second);
}

/* Counters restart when the warm-up ends: a smaller value counts from zero. */
static uint64_t
since(uint64_t now, uint64_t last)
{
	return now >= last ? now - last : now;
}

/*
 * One stream's second: packets/s sent and received, Gbit/s at layer 1 (frames with FCS, preamble
 * and gap: the table's), loss, and p50/p99 of the replies of the last second beside the run's.
 */
static void
stream_part(FILE *out, struct live_state *ls, const struct run_result *r, unsigned int k, double dt)
{
	const struct stream_result *sr = &r->streams[k];
	const struct stream *s = sr->stream;
	uint64_t dtx = since(sr->tx_datagrams, ls->last_tx[k]);
	uint64_t drx = since(sr->rx_datagrams, ls->last_rx[k]);
	uint64_t dl1 = since(sr->tx_bytes, ls->last_tx_bytes[k]) +
		20 * since(sr->tx_frames, ls->last_tx_frames[k]);
	double loss = dtx ? 100.0 * ((double)dtx - (double)drx) / (double)dtx : 0;
	struct ovl_histogram *second = ls->second;
	uint64_t p50 = 0, p99 = 0;
	char name[96];

	if (sr->rtt != NULL) {
		ovl_histogram_since(second, sr->rtt, &ls->last_rtt[k]);
		p50 = ovl_histogram_percentile(second, 50);
		p99 = ovl_histogram_percentile(second, 99);
		ls->last_rtt[k] = *sr->rtt;
	}
	snprintf(name, sizeof(name), "%s%s%s%s", s->name ? s->name : "", s->name ? ":" : "",
			s->spec.encap->name, s->latency ? "/lat" : "");
	if (r->n_sender_queues > 1)
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "/q%u", s->queue);
	fprintf(out, "%-12s tx %.3f rx %.3f Mpps %.3f Gb/s loss %.2f%% p50/p99 us: second %.1f/%.1f run %.1f/%.1f",
			name, dtx / dt / 1e6, drx / dt / 1e6, dl1 * 8 / dt / 1e9, loss < 0 ? 0 : loss,
			p50 / 1e3, p99 / 1e3, sr->latency.p50 / 1e3, sr->latency.p99 / 1e3);
	ls->last_tx[k] = sr->tx_datagrams;
	ls->last_tx_frames[k] = sr->tx_frames;
	ls->last_rx[k] = sr->rx_datagrams;
	ls->last_tx_bytes[k] = sr->tx_bytes;
}

/* One stream: on the time's line. Several: a line each under it. */
static void
streams_lines(FILE *out, struct live_state *ls, const struct run_result *r)
{
	double dt = (double)(r->tsc - ls->last_tsc) / r->tsc_hz;
	unsigned int k;

	if (r->n_streams > 1)
		fprintf(out, "%s\n", r->warmup ? " (warm-up)" : "");
	for (k = 0; k < r->n_streams; k++) {
		fputs(r->n_streams > 1 ? "  " : " ", out);
		stream_part(out, ls, r, k, dt > 0 ? dt : 1);
		fputs(r->n_streams > 1 || !r->warmup ? "\n" : " (warm-up)\n", out);
	}
}

/* The reflector's queues summed: received and reflected in the last second, ARP, drops. */
static void
reflector_line(FILE *out, struct live_state *ls, const struct run_result *r)
{
	const struct reflector_counts *c = &r->reflector;
	int i;

	fprintf(out, " rx %.3f Mpps reflected %.3f Mpps, arp %" PRIu64 ", ndp %" PRIu64 ", not ours %" PRIu64,
			(c->rx_frames - ls->last_refl_rx) / 1e6, (c->reflected - ls->last_reflected) / 1e6,
			c->arp_answered, c->ndp_answered, c->drops[OVL_DROP_NOT_ADDRESSED]);
	for (i = 1; i < OVL_DROP_MAX; i++)
		if (c->drops[i])
			fprintf(out, " %s %" PRIu64, ovl_drop_name(i), c->drops[i]);
	fputc('\n', out);
	ls->last_refl_rx = c->rx_frames;
	ls->last_reflected = c->reflected;
}

void
live_line(FILE *out, struct live_state *ls, const struct run_result *now)
{
	fprintf(out, "[%6.1f s]", now->elapsed_s);
	if (now->n_sender_queues > 0)
		streams_lines(out, ls, now);
	else
		reflector_line(out, ls, now);
	ls->last_tsc = now->tsc;
}
