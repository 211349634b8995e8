/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "histogram.h"
#include "results.h"

void
results_latency(const struct ovl_histogram *h, struct latency_result *out)
{
	out->count = h->count;
	out->min = ovl_histogram_percentile(h, 0);
	out->p50 = ovl_histogram_percentile(h, 50);
	out->p90 = ovl_histogram_percentile(h, 90);
	out->p99 = ovl_histogram_percentile(h, 99);
	out->p999 = ovl_histogram_percentile(h, 99.9);
	out->max = ovl_histogram_percentile(h, 100);
	out->mean = ovl_histogram_mean(h);
	out->stddev = ovl_histogram_stddev(h);
}

void
results_from_sender(struct run_result *r, const struct sender *snd)
{
	unsigned int i;
	double s = snd->measure_end > snd->measure_start ?
		(double)(snd->measure_end - snd->measure_start) / r->tsc_hz : r->seconds;

	if (s <= 0)
		s = 1;
	for (i = 0; i < snd->n_streams && snd->first_stream + i < r->n_streams; i++) {
		struct stream_result *sr = &r->streams[snd->first_stream + i];
		const struct stream *st = &snd->streams[i];
		const struct stream_stats *c = &snd->stats[i];
		double frames_per_dgram = st->n_frames;

		memset(sr, 0, sizeof(*sr));
		sr->stream = st;
		sr->tx_datagrams = c->tx_datagrams;
		sr->tx_frames = c->tx_frames;
		sr->tx_bytes = c->tx_bytes;
		sr->tx_payload = c->tx_payload;
		sr->rx_datagrams = c->rx_datagrams;
		sr->rx_bytes = c->rx_bytes;
		sr->rx_payload = c->rx_payload;
		sr->lost = ovl_seqtrack_lost(&c->seq, c->tx_datagrams);
		sr->reordered = c->seq.reordered;
		sr->duplicated = c->seq.duplicated;
		sr->late = c->seq.late;
		sr->corrupted = c->corrupted;
		sr->dwell_subtracted = c->dwell_subtracted;
		sr->loss_ratio = c->tx_datagrams ? (double)sr->lost / (double)c->tx_datagrams : 0;
		sr->tx_pps = c->tx_datagrams / s;
		sr->rx_pps = c->rx_datagrams / s;
		sr->tx_l2_bps = c->tx_bytes * 8.0 / s;
		sr->tx_l1_bps = (c->tx_bytes + 20.0 * c->tx_frames) * 8.0 / s;
		sr->rx_l2_bps = c->rx_bytes * 8.0 / s;
		sr->rx_l1_bps = (c->rx_bytes + 20.0 * c->rx_datagrams * frames_per_dgram) * 8.0 / s;
		sr->tx_goodput_bps = c->tx_payload * 8.0 / s;
		sr->rx_goodput_bps = c->rx_payload * 8.0 / s;
		if (r->line_rate_bps > 0) {
			sr->line_rate_pps = r->line_rate_bps / ((st->wire_bytes + 20.0 * st->n_frames) * 8);
			sr->line_goodput_bps = sr->line_rate_pps * st->payload_bytes * 8;
		}
		results_latency(&c->rtt, &sr->latency);
	}
}

void
results_add_sender(struct sender_misc *sum, const struct sender_misc *one)
{
	int i;

	sum->rx_frames += one->rx_frames;
	sum->warmup_replies += one->warmup_replies;
	sum->other_session += one->other_session;
	sum->unknown_stream += one->unknown_stream;
	sum->misrouted += one->misrouted;
	sum->arp_answered += one->arp_answered;
	sum->tx_full += one->tx_full;
	sum->fragments += one->fragments;
	sum->rx_unstamped += one->rx_unstamped;
	sum->rx_before_tx += one->rx_before_tx;
	for (i = 0; i < OVL_DROP_MAX; i++)
		sum->drops[i] += one->drops[i];
}

void
results_add_reflector(struct reflector_stats *sum, const struct reflector_stats *one)
{
	int i;

	sum->rx_frames += one->rx_frames;
	sum->reflected += one->reflected;
	sum->fragments_reflected += one->fragments_reflected;
	sum->stamped += one->stamped;
	sum->arp_answered += one->arp_answered;
	sum->tx_full += one->tx_full;
	for (i = 0; i < OVL_DROP_MAX; i++)
		sum->drops[i] += one->drops[i];
	ovl_histogram_merge(&sum->interarrival, &one->interarrival);
}

FILE *
output_open(const char *path, char *tmp, size_t tmplen)
{
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdout;
	snprintf(tmp, tmplen, "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
		fprintf(stderr, "ovlperf: %s: %s\n", path, strerror(errno));
	return f;
}

int
output_commit(FILE *f, const char *path, const char *tmp)
{
	int bad;

	if (f == stdout)
		return fflush(stdout) == 0 ? 0 : -1;
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "ovlperf: %s: write failed\n", path);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "ovlperf: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
