/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The results model computed from counters: rates over the measured time, loss, latency and
 * interarrival percentiles, the RX clock's figures. Nothing here reads a port.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
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

/*
 * A mix's classes: what was sent from the measured sequence numbers (consecutive from the
 * first measured one), what came back from the receiver's count per class.
 */
static void
results_classes(struct stream_result *sr, const struct stream *st, const struct stream_stats *c,
		uint64_t first_seq)
{
	unsigned int k;

	sr->n_classes = st->n_classes;
	if (st->n_classes == 1)
		return;
	for (k = 0; k < st->n_classes; k++) {
		struct class_result *cr = &sr->classes[k];
		const struct stream_class *sc = &st->classes[k];

		cr->frame_size = sc->lay.frame_size;
		cr->inner_size = sc->lay.inner_len;
		cr->weight = sc->weight;
		cr->tx_datagrams = first_seq == UINT64_MAX ? 0 :
			stream_class_count(st, k, first_seq, c->tx_datagrams);
		cr->tx_bytes = cr->tx_datagrams * sc->wire_bytes;
		cr->rx_datagrams = c->rx_class[k];
		cr->rx_bytes = cr->rx_datagrams * sc->wire_bytes;
	}
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
		sr->pacing_given_up_s = (double)snd->state[i].pacer.given_up / r->tsc_hz;
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
			sr->line_rate_pps = r->line_rate_bps / ((st->wire_mean + 20.0 * st->n_frames) * 8);
			sr->line_goodput_bps = sr->line_rate_pps * st->payload_mean * 8;
		}
		results_classes(sr, st, c, snd->state[i].first_measured_seq);
		results_latency(&c->rtt, &sr->latency);
		sr->rtt = &c->rtt;
		sr->samples = &c->samples;
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
	sum->tcp_unmatched += one->tcp_unmatched;
	sum->tcp_stale += one->tcp_stale;
	sum->arp_answered += one->arp_answered;
	sum->ndp_answered += one->ndp_answered;
	sum->tx_full += one->tx_full;
	sum->no_mbuf += one->no_mbuf;
	sum->fragments += one->fragments;
	sum->rx_unstamped += one->rx_unstamped;
	sum->rx_before_tx += one->rx_before_tx;
	for (i = 0; i < OVL_DROP_MAX; i++)
		sum->drops[i] += one->drops[i];
}

void
results_add_reflector(struct reflector_counts *sum, const struct reflector *r)
{
	const struct reflector_stats *one = &r->stats;
	int i;

	sum->memo_hits += r->memo.hits;
	sum->memo_misses += r->memo.misses;
	sum->answer_hits += r->answers.hits;
	sum->answer_misses += r->answers.misses;
	sum->answers_learned += r->answers.learned;
	sum->answer_window = r->answers.window;
	sum->rx_frames += one->rx_frames;
	sum->reflected += one->reflected;
	sum->fragments_reflected += one->fragments_reflected;
	sum->stamped += one->stamped;
	sum->arp_answered += one->arp_answered;
	sum->ndp_answered += one->ndp_answered;
	sum->tx_full += one->tx_full;
	for (i = 0; i < OVL_DROP_MAX; i++)
		sum->drops[i] += one->drops[i];
}

static double
share(const struct ovl_histogram *h, uint64_t lo, uint64_t hi)
{
	return (double)ovl_histogram_count_range(h, lo, hi) / (double)h->count;
}

void
results_interarrival(const struct ovl_histogram *h, uint64_t ideal_pps,
		struct interarrival_result *out)
{
	memset(out, 0, sizeof(*out));
	out->count = h->count;
	out->min = ovl_histogram_percentile(h, 0);
	out->p0_5 = ovl_histogram_percentile(h, 0.5);
	out->p50 = ovl_histogram_percentile(h, 50);
	out->p99_5 = ovl_histogram_percentile(h, 99.5);
	out->max = ovl_histogram_percentile(h, 100);
	out->mean = ovl_histogram_mean(h);
	out->stddev = ovl_histogram_stddev(h);
	if (h->count == 0)
		return;
	out->same_burst = share(h, 0, 0);
	if (ideal_pps == 0)
		return;
	out->ideal_ns = 1000000000ull / ideal_pps;
	out->within_1us = share(h, out->ideal_ns > 1000 ? out->ideal_ns - 1000 : 0, out->ideal_ns + 1000);
	/* Tighter windows, since +-1 us around a 1 us ideal also takes back-to-back frames. */
	out->within_250ns = share(h, out->ideal_ns > 250 ? out->ideal_ns - 250 : 0, out->ideal_ns + 250);
	out->within_100ns = share(h, out->ideal_ns > 100 ? out->ideal_ns - 100 : 0, out->ideal_ns + 100);
}

void
results_clock(const struct port_clock *c, uint64_t tsc_hz, struct timestamps_result *out)
{
	out->nic = 1;
	out->port = c->port;
	out->nic_clock_hz = ovl_nic_fit_hz(&c->fit, tsc_hz);
	out->error_budget_ns = port_clock_budget_ns(c);
	out->pairs = c->fit.n_used;
	out->refits = c->refreshes;
	out->failed = c->failed;
	out->read_ns = port_clock_ns(c, c->worst_read_cycles);
	out->residual_ns = port_clock_ns(c, c->worst_residual_cycles);
	out->drift_ns = port_clock_ns(c, c->drift_cycles);
	out->drift_unrefitted_ns = port_clock_ns(c, c->drift_unrefreshed_cycles);
	out->tsc_per_nic_tick = c->fit.slope;
}

void
results_host(struct host_result *out)
{
	struct utsname u;
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	memset(out, 0, sizeof(*out));
	snprintf(out->cpu_model, sizeof(out->cpu_model), "unknown");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			snprintf(out->cpu_model, sizeof(out->cpu_model), "%s", colon + 2);
			out->cpu_model[strcspn(out->cpu_model, "\n")] = '\0';
			break;
		}
	}
	if (f != NULL)
		fclose(f);
	if (uname(&u) == 0) {
		snprintf(out->hostname, sizeof(out->hostname), "%s", u.nodename);
		snprintf(out->kernel, sizeof(out->kernel), "%s", u.release);
		snprintf(out->machine, sizeof(out->machine), "%s", u.machine);
	}
	out->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
}

void
results_free(struct run_result *r)
{
	unsigned int i;

	free(r->streams);
	r->streams = NULL;
	r->n_streams = 0;
	for (i = 0; i < r->n_ports; i++)
		port_xstats_free(&r->ports[i].xstats);
}
