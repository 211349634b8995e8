/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-second line on stderr, like iperf3's intervals: the difference of two snapshots. */
#include <inttypes.h>
#include <stdlib.h>

#include "output.h"

int
live_init(struct live_state *ls, unsigned int n_streams, uint64_t tsc)
{
	ls->last_tsc = tsc;
	ls->last_tx = calloc(n_streams ? n_streams : 1, sizeof(uint64_t));
	ls->last_rx = calloc(n_streams ? n_streams : 1, sizeof(uint64_t));
	ls->last_tx_bytes = calloc(n_streams ? n_streams : 1, sizeof(uint64_t));
	ls->last_refl_rx = 0;
	ls->last_reflected = 0;
	return ls->last_tx && ls->last_rx && ls->last_tx_bytes ? 0 : -1;
}

void
live_free(struct live_state *ls)
{
	free(ls->last_tx);
	free(ls->last_rx);
	free(ls->last_tx_bytes);
}

/* Counters restart when the warm-up ends: a smaller value counts from zero. */
static uint64_t
since(uint64_t now, uint64_t last)
{
	return now >= last ? now - last : now;
}

static void
streams_line(FILE *out, struct live_state *ls, const struct run_result *r)
{
	double dt = (double)(r->tsc - ls->last_tsc) / r->tsc_hz;
	unsigned int k;

	for (k = 0; k < r->n_streams; k++) {
		const struct stream_result *sr = &r->streams[k];
		const struct stream *s = sr->stream;
		uint64_t dtx = since(sr->tx_datagrams, ls->last_tx[k]);
		uint64_t drx = since(sr->rx_datagrams, ls->last_rx[k]);
		uint64_t dtxb = since(sr->tx_bytes, ls->last_tx_bytes[k]);
		double loss = dtx ? 100.0 * ((double)dtx - (double)drx) / (double)dtx : 0;
		char q_name[16] = "";

		if (r->n_sender_queues > 1)
			snprintf(q_name, sizeof(q_name), "/q%u", s->queue);
		fprintf(out, "  %s%s%s tx %.3f rx %.3f Mpps %.3f Gb/s loss %.2f%% p50 %.1f p99 %.1f us",
				s->spec.encap->name, s->latency ? "/lat" : "", q_name,
				dtx / dt / 1e6, drx / dt / 1e6, dtxb * 8 / dt / 1e9, loss < 0 ? 0 : loss,
				sr->latency.p50 / 1e3, sr->latency.p99 / 1e3);
		ls->last_tx[k] = sr->tx_datagrams;
		ls->last_rx[k] = sr->rx_datagrams;
		ls->last_tx_bytes[k] = sr->tx_bytes;
	}
	fprintf(out, "%s\n", r->warmup ? "  (warm-up)" : "");
}

/* The reflector's queues summed: received and reflected in the last second, ARP, drops. */
static void
reflector_line(FILE *out, struct live_state *ls, const struct run_result *r)
{
	const struct reflector_counts *c = &r->reflector;
	int i;

	fprintf(out, " rx %.3f Mpps reflected %.3f Mpps, arp %" PRIu64 ", not ours %" PRIu64,
			(c->rx_frames - ls->last_refl_rx) / 1e6, (c->reflected - ls->last_reflected) / 1e6,
			c->arp_answered, c->drops[OVL_DROP_NOT_ADDRESSED]);
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
		streams_line(out, ls, now);
	else
		reflector_line(out, ls, now);
	ls->last_tsc = now->tsc;
}
