/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A run's results gathered into the model (report/results.h) from its lcores' counters and,
 * at the end, its ports; then printed by every output from that model alone.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "output.h"
#include "results.h"
#include "run.h"
#include "run_stop.h"

/* The sender's side: each queue's streams over its own measured time, and its counters. */
static void
gather_senders(const struct run *run, int final, struct run_result *r)
{
	const struct sender *first = &run->senders[0];
	unsigned int q;

	r->n_sender_queues = run->n_senders;
	r->line_rate_bps = run->link_bps;
	r->line_rate_source = run->link_source;
	r->timestamps.requested = run->cfg.timestamps;
	r->timestamps.why = run->ts_why;
	r->timestamps.nic = run->rx_hw;
	/* The clock's line is the main lcore's to refit while the run goes on. */
	if (run->rx_hw && final)
		results_clock(&run->rx_clock, r->tsc_hz, &r->timestamps);
	r->pacing = run->pacing;
	r->warmup = first->phase == PHASE_WARMUP;
	/* The run's time is queue 0's (0 until it has measured); each queue's streams are rated
	 * over their own sender's. */
	r->seconds = 0;
	if (first->measure_end > first->measure_start)
		r->seconds = (double)(first->measure_end - first->measure_start) / r->tsc_hz;
	for (q = 0; q < run->n_senders; q++) {
		const struct sender *snd = &run->senders[q];

		results_add_sender(&r->sender, &snd->misc);
		r->sender_queues[q] = (struct sender_queue_result){ .queue = q,
			.lcore = run->lcores.send[q], .counts = snd->misc };
		results_from_sender(r, snd);
	}
}

/* The reflector's side: its queues' counters, each and summed, and the gaps it saw. */
static int
gather_reflectors(const struct run *run, int final, struct run_result *r)
{
	struct ovl_histogram *gaps;
	unsigned int q;

	r->n_reflector_queues = run->n_reflectors;
	for (q = 0; q < run->n_reflectors; q++) {
		const struct reflector *one = &run->reflectors[q];

		r->reflector_queues[q].queue = q;
		r->reflector_queues[q].lcore = run->lcores.reflect[q];
		results_add_reflector(&r->reflector_queues[q].counts, one);
		results_add_reflector(&r->reflector, one);
	}
	/* The gaps' percentiles, which no snapshot prints, spare the main lcore each second. */
	if (!final)
		return 0;
	gaps = malloc(sizeof(*gaps));
	if (gaps == NULL)
		return -1;
	ovl_histogram_init(gaps);
	for (q = 0; q < run->n_reflectors; q++)
		ovl_histogram_merge(gaps, &run->reflectors[q].stats.interarrival);
	/* With one paced stream, the gaps are held against its ideal 1/rate. */
	results_interarrival(gaps, r->n_streams == 1 ? r->streams[0].stream->rate_pps : 0,
			&r->interarrival);
	free(gaps);
	{
		uint64_t first = UINT64_MAX, last = 0;

		for (q = 0; q < run->n_reflectors; q++) {
			const struct reflector_stats *st = &run->reflectors[q].stats;

			if (st->last_rx_tsc == 0)
				continue;
			first = RTE_MIN(first, st->first_rx_tsc);
			last = RTE_MAX(last, st->last_rx_tsc);
		}
		if (last > first) {
			r->interarrival.window_ns = (uint64_t)((double)(last - first) * 1e9 / (double)r->tsc_hz);
			r->interarrival.window_frames = r->reflector.rx_frames;
		}
	}
	return 0;
}

/* The ports' counters at the end. */
static void
gather_ports(const struct run *run, struct run_result *r)
{
	unsigned int i;

	for (i = 0; i < run->n_ports; i++) {
		struct port_result *p = &r->ports[i];

		/* A driver that cannot list them shows none. */
		port_xstats_read(p->info.id, &p->xstats);
		port_watch_read(&p->info, &p->watch);
	}
}

/* The pools' mbufs at launch, now (what a long run's telemetry watches) and after the drain. */
static void
gather_pools(const struct run *run, struct run_result *r)
{
	unsigned int i;

	for (i = 0; i < run->n_ports; i++) {
		snprintf(r->pools[i].name, sizeof(r->pools[i].name), "%s", run->pools[i]->name);
		r->pools[i].size = run->pools[i]->size;
		r->pools[i].in_use_start = run->pool_in_use_start[i];
		r->pools[i].in_use_now = rte_mempool_in_use_count(run->pools[i]);
		r->pools[i].in_use_end = run->pool_in_use_end[i];
	}
}

int
run_results(const struct run *run, int final, struct run_result *r)
{
	uint64_t end = final ? run->end_tsc : rte_rdtsc();
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->command = run->command;
	r->stop_reason = run->stop_reason;
	if (r->stop_reason == NULL && run_quit)
		r->stop_reason = "signal";
	/* A reflector with no --duration runs until a signal: that is its end, not a cut. */
	r->partial = r->stop_reason != NULL &&
		!(run_quit && run->stop_reason == NULL && run->n_senders == 0 && run->cfg.duration_s <= 0);
	r->started = run->started;
	r->tsc = end;
	r->tsc_hz = rte_get_tsc_hz();
	r->elapsed_s = (double)(end - run->start_tsc) / r->tsc_hz;
	r->seconds = r->elapsed_s;
	r->cfg = &run->cfg;
	r->eal_args = run->eal_args;
	r->command_line = run->command_line;
	r->n_queues = run->cfg.queues;
	r->n_ports = run->n_ports;
	for (i = 0; i < run->n_ports; i++)
		r->ports[i].info = run->ports[i];
	r->n_streams = run->n_streams;
	r->streams = calloc(r->n_streams ? r->n_streams : 1, sizeof(*r->streams));
	if (r->streams == NULL)
		return -1;
	if (run->n_senders > 0) {
		gather_senders(run, final, r);
		r->outages = &run->outages;
	}
	if (run->n_reflectors > 0 && gather_reflectors(run, final, r) < 0) {
		results_free(r);
		return -1;
	}
	gather_pools(run, r);
	if (final) {
		results_host(&r->host);
		gather_ports(run, r);
	}
	return 0;
}

/* With JSON or CSV on stdout, the summary moves to stderr so stdout stays parseable. */
static int
stdout_taken(const struct app_config *cfg)
{
	return (cfg->json_path != NULL && strcmp(cfg->json_path, "-") == 0) ||
		(cfg->csv_path != NULL && strcmp(cfg->csv_path, "-") == 0);
}

int
run_report(struct run *run)
{
	struct run_result *r = calloc(1, sizeof(*r));
	const struct app_config *cfg = &run->cfg;
	unsigned int i;
	int rc = 0;

	if (r == NULL || run_results(run, 1, r) < 0) {
		fprintf(stderr, "ovlperf %s: out of memory for the results\n", run->command);
		free(r);
		return -1;
	}
	/* Shaping is the cloud's, not the overlay's: say so where nobody can miss it. */
	for (i = 0; i < r->n_ports; i++)
		if (r->ports[i].watch.shaped)
			fprintf(stderr, "ovlperf: warning: port %u's allowance counters grew during the run: the cloud shaped this traffic (see ports[].shaping)\n",
					r->ports[i].info.id);
	if (cfg->json_path != NULL && output_json(cfg->json_path, r) < 0)
		rc = -1;
	if (cfg->csv_path != NULL && output_csv(cfg->csv_path, r) < 0)
		rc = -1;
	if (cfg->samples_path != NULL && output_samples(cfg->samples_path, r) < 0)
		rc = -1;
	if (!cfg->quiet) {
		FILE *f = stdout_taken(cfg) ? stderr : stdout;

		output_table(f, r);
		/* A closed pipe loses the summary; only when nothing else holds the results is that a failure. */
		if ((fflush(f) != 0 || ferror(f)) && cfg->json_path == NULL && cfg->csv_path == NULL) {
			fprintf(stderr, "ovlperf %s: the results could not be printed (%s closed?) and no --json or --csv file holds them\n",
					run->command, f == stdout ? "stdout" : "stderr");
			rc = -1;
		}
	}
	if (run->log_failed)
		rc = -1;
	if (rc == 0 && r->partial)
		rc = OVL_EXIT_PARTIAL;
	results_free(r);
	free(r);
	return rc;
}
