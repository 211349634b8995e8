/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What send, loop and reflect share: a run. Set up (run_setup.c: EAL, lcores, pools and ports,
 * links, reflectors), launched and joined (run_launch.c: workers, the per-second live line,
 * links watched, pools checked for leaks), and reported (run_report.c: the results model,
 * gathered once, printed by every output). A command fills in what is its own (commands/):
 * send and loop their streams and senders, reflect nothing more.
 *
 * The sender's side, when there is one, serves ports[0]; the reflector's the last port
 * (loop: ports[1], reflect: ports[0]). Each side has one worker lcore per queue.
 */
#ifndef OVL_APP_RUN_H
#define OVL_APP_RUN_H

#include <stdint.h>
#include <time.h>

#include <rte_mempool.h>

#include "latency_log.h"
#include "outage.h"
#include "config.h"
#include "eal.h"
#include "pacing.h"
#include "port.h"
#include "port_clock.h"
#include "queue_lcores.h"
#include "reflector.h"
#include "sender.h"
#include "stream.h"

struct run_result;

struct run {
	const char *command;
	struct app_config cfg;
	/* What the streams are built from: cfg alone, or a test profile's [stream] sections. */
	struct app_config *stream_cfgs;
	unsigned int n_stream_cfgs;
	time_t started;
	char eal_args[512];
	char command_line[1024];
	struct queue_lcores lcores;
	unsigned int n_senders, n_reflectors; /* queues with a sender, with a reflector: 0 or --queues */

	/* Ports started (stopped at the end), their pools and what the pools had in use. */
	unsigned int n_ports;
	struct port_info ports[2];
	struct rte_mempool *pools[2];
	struct rte_mempool *jumbo[2]; /* a reflecting port's chained frames, copied whole */
	unsigned int pool_in_use_start[2], pool_in_use_end[2];
	int watch_links;             /* a link down longer than --link-timeout ends the run (send, loop) */

	/* Workers, each on its own lcore with its own counters. */
	struct sender senders[OVL_QUEUES_MAX];
	struct reflector reflectors[OVL_QUEUES_MAX];

	/* The sender's side (send, loop), filled in by its command. */
	struct stream *streams;      /* grouped by queue: senders[q] has a consecutive run */
	unsigned int n_streams;
	int keep_frames;             /* the sending port leaves frames as they were: streams keep them */
	int rx_hw;                   /* the sender's RX timestamps are the NIC's */
	int rx_ts_offset;            /* with rx_hw: the timestamp dynfield */
	uint64_t rx_ts_flag;
	struct port_clock rx_clock;  /* with rx_hw */
	char ts_why[512];            /* how the RX timestamp source was chosen */
	struct pacing_choice pacing;
	double link_bps;             /* the reference link speed; 0: unknown */
	const char *link_source;

	uint64_t start_tsc, end_tsc; /* launch, and the end of the join */
	const char *stop_reason;     /* why the run ended early: NULL, "signal", "link down", "outage" */
	struct outage_watch outages; /* the sender's: replies that stopped coming back */
	struct latency_log latency_log; /* --latency-log */
	int log_failed;              /* it could not be written: the run fails */
};

/* run_setup.c */

/*
 * Starts a run of command with cfg already parsed: signals, EAL with a worker lcore per queue
 * and side (senders, reflectors: 0 or 1), and the queues' lcores. Returns 0 or an exit status
 * after one line on stderr (EAL failed: 1; too few lcores: OVL_EXIT_USAGE).
 */
int run_begin(struct run *run, const char *command, const struct eal_args *eal, int senders,
		int reflectors);

/*
 * Loop without ports: two ports joined by one ring each way per queue, holding more mbufs
 * than both pools (mbufs each) have. Returns 0 or -1 after one line.
 */
int run_ring_pair(struct run *run, unsigned int mbufs);

/* Whether port id exists; -1 after one line (with a hint) when none or not this one does. */
int run_port_exists(const struct run *run, uint16_t id);

/*
 * Makes the next port's pool (mbufs of room bytes, on the port's socket) and starts port id
 * with req (its pool set here). Returns 0, 1 or OVL_EXIT_USAGE after one line.
 */
int run_port_start(struct run *run, uint16_t id, const struct port_request *req,
		unsigned int mbufs, uint16_t room);

/* Waits until every port's link is up (LINK_UP_WAIT_S); -1 after one line when one is not. */
int run_links_wait(struct run *run);

/*
 * The reflector's own addresses, outer and inner, added to self (self->mac answers for the
 * outer ones): reflect's (no streams) --ip and --inner-ip, loop's every stream's destinations
 * (profiles check that they are of one IP version). Returns 0 or -1 after one line.
 */
int run_reflector_addresses(const struct run *run, struct neighbour_self *self);

/*
 * Every stream's sources (dst 0: the sender's, ARP and NDP answered for them) or destinations
 * (dst 1), outer and inner, added to self. Returns 0 or -1 after one line (more than
 * OVL_OWN_ADDRS_MAX addresses, or two IP versions).
 */
int run_stream_addresses(const struct run *run, struct neighbour_self *self, int dst);

/*
 * Sets up the reflector of each queue on the last port, answering the encapsulations in mask
 * (filtering on the options given) with its own counters, rate cap and replay window.
 * Returns 0 or -1 after one line.
 */
int run_reflectors_setup(struct run *run, uint32_t mask);

/*
 * Undoes everything: telemetry, workers, ports, streams, EAL. Frees nothing of run itself.
 * status: the exit status the command returns, used if the EAL cleanup has to be given up.
 */
void run_end(struct run *run, int status);

/* run_launch.c */

/*
 * Launches the reflectors, then the senders; prints the live line once a second, watches the
 * links, refits the RX clock, until the senders are done (reflect alone: until --duration or
 * a signal); joins them, drains the ports and counts the pools' mbufs. Returns 0 or -1.
 */
int run_launch(struct run *run);

/* run_report.c */

/*
 * The run's results as they stand. final: after the join, with the ports' counters and pools
 * read (the only port queries), the host, the RX clock's calibration and the reflector's gaps;
 * else a snapshot for the live line or telemetry, from the lcores' counters alone. Returns 0,
 * or -1 when out of memory; results_free after.
 */
int run_results(const struct run *run, int final, struct run_result *r);

/*
 * Gathers the final results once and writes them: JSON and CSV files first (the record), then
 * the summary. Returns 0 for a complete run, OVL_EXIT_PARTIAL for one stopped early, or -1 when
 * the results could not be written (one line said why).
 */
int run_report(struct run *run);

#endif
