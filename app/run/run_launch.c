/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A run's workers launched and joined. The main lcore only watches while they run: once a
 * second a snapshot of the results for the live line, the links, and the RX clock's refit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "output.h"
#include "port_gate.h"
#include "port_peer.h"
#include "results.h"
#include "run.h"
#include "run_stop.h"
#include "telemetry.h"

#define WATCH_US 20000
#define RECONNECT_MS 500

static void
stop_senders(struct run *run, const char *why)
{
	unsigned int q;

	run->stop_reason = why;
	for (q = 0; q < run->n_senders; q++)
		run->senders[q].stop = 1;
}

/*
 * A port whose link goes down is reported at once; one that stays down longer than
 * --link-timeout ends the run (marked
 * partial) rather than leaving the sender to wait for a queue that never drains. Meanwhile a
 * port whose PMD does not reconnect by itself (memif's client) is restarted once its peer
 * listens again (tried every RECONNECT_MS), so a peer that comes back in time is found again.
 */
static void
watch_links(struct run *run, uint64_t hz, uint64_t down_since[2], uint64_t retry_at[2])
{
	unsigned int i;

	for (i = 0; i < run->n_ports; i++) {
		struct rte_eth_link link;
		int up;

		if (rte_eth_link_get_nowait(run->ports[i].id, &link) != 0)
			continue;
		up = link.link_status == RTE_ETH_LINK_UP;
		if (!up && down_since[i] == 0) {
			const char *why = port_peer_no_reconnect(run->ports[i].id);

			down_since[i] = rte_rdtsc();
			fprintf(stderr, "ovlperf %s: port %u (%s) link down%s%s\n", run->command,
					run->ports[i].id, run->ports[i].name, why ? ": " : "", why ? why : "");
		} else if (up && down_since[i] != 0) {
			down_since[i] = 0;
			fprintf(stderr, "ovlperf %s: port %u (%s) link up again\n", run->command,
					run->ports[i].id, run->ports[i].name);
		}
		if (down_since[i] != 0 && rte_rdtsc() >= retry_at[i]) {
			if (port_peer_listening(run->ports[i].id))
				port_gate_restart(run->ports[i].id);
			retry_at[i] = rte_rdtsc() + hz * RECONNECT_MS / 1000;
		}
		if (down_since[i] != 0 && run->stop_reason == NULL &&
				rte_rdtsc() - down_since[i] > (uint64_t)(run->cfg.link_timeout_s * hz)) {
			fprintf(stderr, "ovlperf %s: port %u link down for %g s (--link-timeout): stopping, results so far marked partial\n",
					run->command, run->ports[i].id, run->cfg.link_timeout_s);
			stop_senders(run, "link down");
		}
	}
}

/*
 * The sender's totals (frames sent, frames received) read from its lcores' counters as they
 * run, and the outage watch fed with them; an outage longer than --link-timeout ends the run.
 */
static void
watch_replies(struct run *run, uint64_t hz, const uint64_t down_since[2])
{
	uint64_t tx = 0, rx = 0, now = rte_rdtsc();
	unsigned int q, i;
	double open_s;

	for (q = 0; q < run->n_senders; q++) {
		const struct sender *s = &run->senders[q];

		rx += s->misc.rx_frames;
		for (i = 0; i < s->n_streams; i++)
			tx += s->stats[i].tx_frames;
	}
	open_s = outage_look(&run->outages, run->command, tx, rx,
			down_since[0] != 0 || down_since[1] != 0, now, run->start_tsc, hz,
			run->cfg.outage_after_s);
	/* A link down has its own limit and reason (watch_links). */
	if (open_s > run->cfg.link_timeout_s && run->stop_reason == NULL &&
			down_since[0] == 0 && down_since[1] == 0) {
		fprintf(stderr, "ovlperf %s: no replies for %.1f s (--link-timeout %g): stopping, results so far marked partial\n",
				run->command, open_s, run->cfg.link_timeout_s);
		stop_senders(run, "outage");
	}
}

/* --latency-log: each stream's live histogram and its tag, encap-kind-id. */
static int
latency_log_start(struct run *run)
{
	const struct ovl_histogram **live = calloc(run->n_streams ? run->n_streams : 1, sizeof(*live));
	char (*tags)[48] = calloc(run->n_streams ? run->n_streams : 1, sizeof(*tags));
	unsigned int q, i;

	if (live == NULL || tags == NULL) {
		free(live);
		free(tags);
		fprintf(stderr, "ovlperf %s: --latency-log: out of memory\n", run->command);
		return -1;
	}
	for (q = 0; q < run->n_senders; q++) {
		const struct sender *s = &run->senders[q];

		for (i = 0; i < s->n_streams; i++) {
			unsigned int k = s->first_stream + i;
			const struct stream *st = &run->streams[k];

			live[k] = &s->stats[i].rtt;
			snprintf(tags[k], sizeof(tags[k]), "%s-%s-%u", st->spec.encap->name,
					st->latency ? "latency" : "load", st->id);
		}
	}
	return latency_log_open(&run->latency_log, run->cfg.latency_log_path, run->n_streams,
			live, tags, run->started);
}

/* With senders, until each is done; reflect alone, until --duration or a signal. */
static int
running(const struct run *run, uint64_t now)
{
	unsigned int q;

	if (run->n_senders == 0)
		return !run_quit && (run->cfg.duration_s <= 0 ||
				now < run->start_tsc + (uint64_t)(run->cfg.duration_s * rte_get_tsc_hz()));
	for (q = 0; q < run->n_senders; q++)
		if (run->senders[q].phase != PHASE_DONE &&
				rte_eal_get_lcore_state(run->lcores.send[q]) != WAIT)
			return 1;
	return 0;
}

/* The live line, from a snapshot of the results taken as the final ones are. */
static void
live(const struct run *run, struct live_state *ls)
{
	struct run_result *r = calloc(1, sizeof(*r));

	if (r != NULL && run_results(run, 0, r) == 0)
		live_line(stderr, ls, r);
	if (r != NULL)
		results_free(r);
	free(r);
}

/*
 * Takes back the mbufs the ports' TX queues have sent. An empty TX burst makes drivers without
 * tx_done_cleanup reclaim them (net_af_xdp takes its completion ring then).
 */
static void
reclaim_tx(struct run *run)
{
	struct rte_mbuf *none[1];
	unsigned int i, q;

	port_gate_enter();
	for (i = 0; i < run->n_ports; i++)
		for (q = 0; q < run->ports[i].queues; q++)
			if (rte_eth_tx_done_cleanup(run->ports[i].id, (uint16_t)q, 0) < 0)
				rte_eth_tx_burst(run->ports[i].id, (uint16_t)q, none, 0);
	port_gate_leave();
}

/* Frees what the ports still hold in flight (a ring pair keeps mbufs between the lcores). */
static void
drain_ports(struct run *run)
{
	struct rte_mbuf *pkts[64];
	unsigned int i, q, rounds;
	uint16_t n;

	reclaim_tx(run);
	port_gate_enter();
	for (i = 0; i < run->n_ports; i++)
		for (q = 0; q < run->ports[i].queues; q++) {
			for (rounds = 0; rounds < 1000; rounds++) {
				n = rte_eth_rx_burst(run->ports[i].id, (uint16_t)q, pkts, 64);
				if (n == 0)
					break;
				rte_pktmbuf_free_bulk(pkts, n);
			}
		}
	port_gate_leave();
}

static int
snapshot(void *ctx, struct run_result *r)
{
	return run_results(ctx, 0, r);
}

int
run_launch(struct run *run)
{
	const struct port_info *reflect_port = &run->ports[run->n_ports - 1];
	uint64_t hz = rte_get_tsc_hz(), down_since[2] = { 0, 0 }, retry_at[2] = { 0, 0 };
	uint64_t next_line, next_fit;
	struct live_state ls;
	unsigned int i, q;

	queue_lcores_warn_numa(&run->lcores, run->n_senders ? &run->ports[0] : NULL,
			run->n_reflectors ? reflect_port : NULL);
	telemetry_attach(snapshot, run);
	/* What set-up sent (ARP) is taken back first: the counts compare like with like. */
	reclaim_tx(run);
	for (i = 0; i < run->n_ports; i++)
		run->pool_in_use_start[i] = rte_mempool_in_use_count(run->pools[i]);
	run->start_tsc = rte_rdtsc();
	next_line = next_fit = run->start_tsc + hz;
	if (live_init(&ls, run->n_streams, run->start_tsc) < 0) {
		live_free(&ls);
		return -1;
	}
	if (run->cfg.latency_log_path != NULL && latency_log_start(run) < 0) {
		live_free(&ls);
		return -1;
	}
	/* Reflectors first, so the first probes find them polling; then a sender per queue. */
	for (q = 0; q < run->n_reflectors; q++)
		rte_eal_remote_launch(reflector_main, &run->reflectors[q], run->lcores.reflect[q]);
	for (q = 0; q < run->n_senders; q++)
		rte_eal_remote_launch(sender_main, &run->senders[q], run->lcores.send[q]);
	while (running(run, rte_rdtsc())) {
		usleep(WATCH_US);
		if (run->watch_links)
			watch_links(run, hz, down_since, retry_at);
		if (run->n_senders > 0)
			watch_replies(run, hz, down_since);
		if (run->rx_hw && rte_rdtsc() >= next_fit) {
			port_clock_refresh(&run->rx_clock);
			next_fit += hz;
		}
		if (rte_rdtsc() >= next_line) {
			if (run->cfg.live && !run->cfg.quiet)
				live(run, &ls);
			if (run->cfg.latency_log_path != NULL)
				latency_log_interval(&run->latency_log,
						(double)(next_line - run->start_tsc) / (double)hz);
			next_line += hz;
		}
	}
	for (q = 0; q < run->n_senders; q++)
		rte_eal_wait_lcore(run->lcores.send[q]);
	if (run->rx_hw)
		port_clock_finish(&run->rx_clock);
	for (q = 0; q < run->n_reflectors; q++)
		run->reflectors[q].stop = 1;
	for (q = 0; q < run->n_reflectors; q++)
		rte_eal_wait_lcore(run->lcores.reflect[q]);
	run->end_tsc = rte_rdtsc();
	outage_finish(&run->outages, run->end_tsc, run->start_tsc, hz);
	if (run->cfg.latency_log_path != NULL &&
			latency_log_close(&run->latency_log,
				(double)(run->end_tsc - run->start_tsc) / (double)hz) < 0)
		run->log_failed = 1;
	/* What is still in flight (rings, TX queues) is drained back before counting. */
	drain_ports(run);
	for (i = 0; i < run->n_ports; i++)
		run->pool_in_use_end[i] = rte_mempool_in_use_count(run->pools[i]);
	live_free(&ls);
	return 0;
}
