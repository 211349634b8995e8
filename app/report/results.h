/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A run's results: one model, gathered once at the end of a run from the lcores' counters and
 * the ports (and, for the live line and telemetry, as snapshots gathered the same way while it
 * runs). Per stream rates, loss and latency with what the wire would allow beside them, the
 * reflector's counters, and what the run was (configuration, ports, offloads, timestamp source,
 * pacing). Every output (output.h, telemetry.h) prints from this and queries nothing itself.
 */
#ifndef OVL_APP_RESULTS_H
#define OVL_APP_RESULTS_H

#include <stdint.h>
#include <time.h>

#include <rte_mempool.h>

#include "config.h"
#include "outage.h"
#include "pacing.h"
#include "port.h"
#include "port_clock.h"
#include "reflector.h"
#include "sender.h"
#include "stream.h"

#define RESULTS_SCHEMA_VERSION 1

struct latency_result {
	uint64_t count, min, p50, p90, p99, p999, max;
	double mean, stddev;
};

/* A mix's size class: its datagrams and bytes with FCS, sent and received. */
struct class_result {
	uint32_t frame_size, inner_size, weight;
	uint64_t tx_datagrams, tx_bytes, rx_datagrams, rx_bytes;
};

struct stream_result {
	const struct stream *stream;  /* what was sent: set up before the run, read-only since */
	uint64_t tx_datagrams, tx_frames, tx_bytes, tx_payload;
	uint64_t rx_datagrams, rx_bytes, rx_payload;
	uint64_t lost, reordered, duplicated, late, corrupted, dwell_subtracted;
	double loss_ratio;
	double tx_pps, rx_pps;
	double tx_l1_bps, tx_l2_bps, rx_l1_bps, rx_l2_bps;
	double tx_goodput_bps, rx_goodput_bps;
	double line_rate_pps, line_goodput_bps;
	/* Of the measured time, how long the pacer was more than 10 ms behind its schedule (the
	 * sender's lcore stalled, or the port refused bursts) and gave that part of it up. */
	double pacing_given_up_s;
	struct latency_result latency;
	unsigned int n_classes;       /* 1, or a mix's (classes[] then set) */
	struct class_result classes[OVL_MIX_CLASSES_MAX];
	/* The sender's histogram the latency comes from, for the live line's last second: read
	 * while the run goes on, valid until it ends. */
	const struct ovl_histogram *rtt;
	const struct ovl_reservoir *samples; /* --latency-samples */
};

/* A reflector's counters, copied from its lcore (its interarrival histogram summed apart). */
struct reflector_counts {
	uint64_t rx_frames, reflected, fragments_reflected, stamped, arp_answered, ndp_answered, tx_full;
	uint64_t memo_hits, memo_misses;  /* frames parsed from a memo shape, and parsed whole */
	uint64_t answer_hits, answer_misses, answers_learned; /* the answer memo (answer_memo.h) */
	unsigned int answer_window; /* its windows' bytes: 16 (SSE), 64 (AVX-512) */
	uint64_t drops[OVL_DROP_MAX];
};

/*
 * The gaps between received frames as the reflector saw them. With one paced stream, the
 * shares of gaps near the ideal 1/rate tell how evenly the sender paced, seen from outside.
 */
struct interarrival_result {
	uint64_t count, min, p0_5, p50, p99_5, max;
	double mean, stddev;
	double same_burst;            /* gaps of 0: arrived in one RX burst with the one before */
	uint64_t ideal_ns;            /* 1/rate of the one paced stream; 0: not one paced stream */
	double within_1us, within_250ns, within_100ns;
	/* The reflector's own receive window: its TSC from the first RX burst to the last (over
	 * every queue), and the frames received in it; 0 when it saw fewer than two bursts. */
	uint64_t window_ns, window_frames;
};

/* One queue's worker: which lcore served it and its counters. */
struct sender_queue_result {
	unsigned int queue, lcore;
	struct sender_misc counts;
};

struct reflector_queue_result {
	unsigned int queue, lcore;
	struct reflector_counts counts;
};

/* A port as started, and what its counters said at the end (final results only). */
struct port_result {
	struct port_info info;
	struct port_xstats xstats;    /* drops and shaping */
	struct port_watch watch;      /* the profile's watched counters' changes */
};

/* A port's mbuf pool: in use at launch (RX rings filled), now, and after the run (drained). */
struct pool_result {
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int size, in_use_start, in_use_now, in_use_end;
};

/* What stamped the replies' arrival, and with the NIC's clock, how well it was converted. */
struct timestamps_result {
	enum ts_request requested;
	const char *why;              /* how the RX source was chosen */
	int nic;                      /* RX stamped by the NIC, converted to the TSC */
	uint16_t port;                /* with nic: */
	double nic_clock_hz, error_budget_ns;
	unsigned int pairs, refits, failed;
	double read_ns, residual_ns, drift_ns, drift_unrefitted_ns, tsc_per_nic_tick;
};

/* The machine the figures were measured on. */
struct host_result {
	char hostname[65], kernel[65], machine[65];
	char cpu_model[256];
	int cpus;
};

/*
 * Final results have every field; a snapshot (taken while the run goes on) leaves out what only
 * the end reads: host, ports' xstats and watch, pools, the RX clock's calibration
 * (timestamps.nic is set) and the reflector's interarrival gaps.
 */
struct run_result {
	const char *command;
	int partial;                 /* stopped by a signal, or by an error, before its end */
	const char *stop_reason;     /* NULL, "signal", "link down" or "outage" */
	time_t started;
	double seconds;              /* measured time (reflect: the time it ran) */
	double elapsed_s;            /* since launch, when the results were gathered */
	uint64_t tsc;                /* the TSC when they were gathered */
	uint64_t tsc_hz;
	int warmup;                  /* the sender is still warming up (queue 0's) */
	const struct app_config *cfg;
	const char *eal_args;
	const char *command_line;    /* as given: EAL's options, "--", the command's */
	struct host_result host;
	unsigned int n_ports;
	struct port_result ports[2];
	struct pool_result pools[2]; /* one per port */
	unsigned int n_queues;       /* --queues */

	/* The sender's side (send, loop): n_sender_queues 0 leaves all of it unset. */
	unsigned int n_sender_queues;
	double line_rate_bps;        /* reference link speed; 0: unknown */
	const char *line_rate_source; /* "option", "port" or "unknown" */
	struct timestamps_result timestamps;
	struct pacing_choice pacing;
	unsigned int n_streams;
	struct stream_result *streams; /* malloc'd: results_free */
	struct sender_misc sender;     /* summed over the sender's queues */
	const struct outage_watch *outages; /* replies that stopped coming back, and came again */
	struct sender_queue_result sender_queues[OVL_QUEUES_MAX];

	/* The reflector's side (loop, reflect): n_reflector_queues 0 leaves it unset. */
	unsigned int n_reflector_queues;
	struct reflector_counts reflector; /* summed over the reflector's queues */
	struct interarrival_result interarrival;
	struct reflector_queue_result reflector_queues[OVL_QUEUES_MAX];
};

/*
 * Computes the results of a sender's streams (r->streams[first_stream...]) from its counters,
 * over its own measured time. r->tsc_hz, seconds and line_rate_bps must be set.
 */
void results_from_sender(struct run_result *r, const struct sender *snd);

/* Adds one lcore's counters into a total (every queue's worker counts its own). */
void results_add_sender(struct sender_misc *sum, const struct sender_misc *one);
void results_add_reflector(struct reflector_counts *sum, const struct reflector *one);

/* A histogram's percentiles and moments. */
void results_latency(const struct ovl_histogram *h, struct latency_result *out);

/* The reflector's gaps; ideal_pps: the one paced stream's rate (0: none). */
void results_interarrival(const struct ovl_histogram *h, uint64_t ideal_pps,
		struct interarrival_result *out);

/* The RX clock's line and error budget, from the port clock the run used. */
void results_clock(const struct port_clock *c, uint64_t tsc_hz, struct timestamps_result *out);

/* The machine: its name, kernel, CPU model and count. */
void results_host(struct host_result *out);

/* Frees what the results hold (streams, xstats) and leaves them empty. */
void results_free(struct run_result *r);

#endif
