/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-second line on stderr, like iperf3's intervals. */
#include <stdlib.h>

#include <rte_cycles.h>

#include "histogram.h"
#include "results.h"

int
live_init(struct live_state *ls, unsigned int n_streams)
{
	ls->last_tsc = rte_rdtsc();
	ls->last_tx = calloc(n_streams, sizeof(uint64_t));
	ls->last_rx = calloc(n_streams, sizeof(uint64_t));
	ls->last_tx_bytes = calloc(n_streams, sizeof(uint64_t));
	return ls->last_tx && ls->last_rx && ls->last_tx_bytes ? 0 : -1;
}

void
live_free(struct live_state *ls)
{
	free(ls->last_tx);
	free(ls->last_rx);
	free(ls->last_tx_bytes);
}

void
live_line(FILE *out, struct live_state *ls, const struct sender *senders, unsigned int n_senders,
		double elapsed_s)
{
	uint64_t now = rte_rdtsc();
	double dt = (double)(now - ls->last_tsc) / senders[0].clock.hz;
	unsigned int q, i;

	fprintf(out, "[%6.1f s]", elapsed_s);
	for (q = 0; q < n_senders; q++) {
		const struct sender *snd = &senders[q];

		for (i = 0; i < snd->n_streams; i++) {
			const struct stream_stats *c = &snd->stats[i];
			const struct stream *s = &snd->streams[i];
			unsigned int k = snd->first_stream + i;
			uint64_t tx = c->tx_datagrams, rx = c->rx_datagrams, txb = c->tx_bytes;
			/* Counters restart when the warm-up ends. */
			uint64_t dtx = tx >= ls->last_tx[k] ? tx - ls->last_tx[k] : tx;
			uint64_t drx = rx >= ls->last_rx[k] ? rx - ls->last_rx[k] : rx;
			uint64_t dtxb = txb >= ls->last_tx_bytes[k] ? txb - ls->last_tx_bytes[k] : txb;
			double loss = dtx ? 100.0 * ((double)dtx - (double)drx) / (double)dtx : 0;
			char q_name[16] = "";

			if (n_senders > 1)
				snprintf(q_name, sizeof(q_name), "/q%u", s->queue);
			fprintf(out, "  %s%s%s tx %.3f rx %.3f Mpps %.3f Gb/s loss %.2f%% p50 %.1f p99 %.1f us",
					s->spec.encap->name, s->latency ? "/lat" : "", q_name,
					dtx / dt / 1e6, drx / dt / 1e6, dtxb * 8 / dt / 1e9, loss < 0 ? 0 : loss,
					ovl_histogram_percentile(&c->rtt, 50) / 1e3,
					ovl_histogram_percentile(&c->rtt, 99) / 1e3);
			ls->last_tx[k] = tx;
			ls->last_rx[k] = rx;
			ls->last_tx_bytes[k] = txb;
		}
	}
	fprintf(out, "%s\n", senders[0].phase == PHASE_WARMUP ? "  (warm-up)" : "");
	ls->last_tsc = now;
}
