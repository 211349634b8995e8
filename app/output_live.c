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
live_line(FILE *out, struct live_state *ls, const struct sender *snd, double elapsed_s)
{
	uint64_t now = rte_rdtsc();
	double dt = (double)(now - ls->last_tsc) / snd->clock.hz;
	unsigned int i;

	fprintf(out, "[%6.1f s]", elapsed_s);
	for (i = 0; i < snd->n_streams; i++) {
		const struct stream_stats *c = &snd->stats[i];
		uint64_t tx = c->tx_datagrams, rx = c->rx_datagrams, txb = c->tx_bytes;
		/* Counters restart when the warm-up ends. */
		uint64_t dtx = tx >= ls->last_tx[i] ? tx - ls->last_tx[i] : tx;
		uint64_t drx = rx >= ls->last_rx[i] ? rx - ls->last_rx[i] : rx;
		uint64_t dtxb = txb >= ls->last_tx_bytes[i] ? txb - ls->last_tx_bytes[i] : txb;
		double loss = dtx ? 100.0 * ((double)dtx - (double)drx) / (double)dtx : 0;

		fprintf(out, "  %s%s tx %.3f rx %.3f Mpps %.3f Gb/s loss %.2f%% p50 %.1f p99 %.1f us",
				snd->streams[i].spec.encap->name, snd->streams[i].latency ? "/lat" : "",
				dtx / dt / 1e6, drx / dt / 1e6, dtxb * 8 / dt / 1e9, loss < 0 ? 0 : loss,
				ovl_histogram_percentile(&c->rtt, 50) / 1e3,
				ovl_histogram_percentile(&c->rtt, 99) / 1e3);
		ls->last_tx[i] = tx;
		ls->last_rx[i] = rx;
		ls->last_tx_bytes[i] = txb;
	}
	fprintf(out, "%s\n", snd->phase == PHASE_WARMUP ? "  (warm-up)" : "");
	ls->last_tsc = now;
}
