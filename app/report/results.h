/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A run's results, gathered once from the lcores' counters: per stream rates, loss and latency,
 * with what the wire would allow beside them, and what the run was (configuration, ports,
 * offloads, timestamp source). Every output format (output_*.c) prints from this.
 */
#ifndef OVL_APP_RESULTS_H
#define OVL_APP_RESULTS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
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

struct stream_result {
	const struct stream *stream;
	uint64_t tx_datagrams, tx_frames, tx_bytes, tx_payload;
	uint64_t rx_datagrams, rx_bytes, rx_payload;
	uint64_t lost, reordered, duplicated, late, corrupted, dwell_subtracted;
	double loss_ratio;
	double tx_pps, rx_pps;
	double tx_l1_bps, tx_l2_bps, rx_l1_bps, rx_l2_bps;
	double tx_goodput_bps, rx_goodput_bps;
	double line_rate_pps, line_goodput_bps;
	struct latency_result latency;
};

/* One queue's worker: which lcore served it and its counters (one of the two is set). */
struct queue_result {
	unsigned int queue, lcore;
	const struct sender_misc *sender;
	const struct reflector_stats *reflector;
};

struct run_result {
	const char *command;
	int partial;                 /* stopped by a signal, or by an error, before its end */
	const char *stop_reason;     /* NULL, "signal" or "link down" */
	time_t started;
	double seconds;              /* measured time */
	const struct app_config *cfg;
	const char *eal_args;
	struct port_info ports[2];
	unsigned int n_ports;
	double line_rate_bps;        /* reference link speed; 0: unknown */
	const char *line_rate_source; /* "option", "port" or "unknown" */
	uint64_t tsc_hz;
	enum ts_request ts_requested;
	const struct port_clock *rx_clock; /* NULL: RX timestamps from the TSC */
	const char *ts_why;          /* how the RX source was chosen */
	const struct pacing_choice *pacing; /* NULL: reflect, which paces nothing */
	unsigned int n_streams;
	struct stream_result *streams;
	struct {
		const char *name;
		unsigned int size, in_use_start, in_use_end;
	} pools[2];                  /* one per port; in use at launch and after the run */
	const struct sender_misc *sender;     /* summed over the sender's queues */
	const struct reflector_stats *reflector; /* summed over the reflector's queues */
	unsigned int n_queues;                /* --queues */
	struct queue_result sender_queues[OVL_QUEUES_MAX];
	struct queue_result reflector_queues[OVL_QUEUES_MAX]; /* loop */
};

/*
 * Computes the results of a sender's streams (r->streams[first_stream...]) from its counters,
 * over its own measured time.
 */
void results_from_sender(struct run_result *r, const struct sender *snd);

/* Adds one lcore's counters into a total (every queue's worker counts its own). */
void results_add_sender(struct sender_misc *sum, const struct sender_misc *one);
void results_add_reflector(struct reflector_stats *sum, const struct reflector_stats *one);

/* A snapshot's percentiles and moments. */
void results_latency(const struct ovl_histogram *h, struct latency_result *out);

void output_table(FILE *out, const struct run_result *r);

/* The machine the figures come from (a jansson object), for every JSON result. */
struct json_t;
struct json_t *results_host_json(void);
/* The options a run was given, as the JSON results' "config" object. */
struct json_t *results_config_json(const struct app_config *cfg);
int output_json(const char *path, const struct run_result *r);
/* reflector.queues: [{queue, lcore, rx_frames, reflected, ...}] */
struct json_t *results_reflector_queues(const struct queue_result *qs, unsigned int n);
int output_csv(const char *path, const struct run_result *r);

/* One line per second on stderr: per stream tx/rx packets/s, Gbit/s, loss, p50/p99. */
struct live_state {
	uint64_t last_tsc;
	uint64_t *last_tx, *last_rx, *last_tx_bytes;
};
int live_init(struct live_state *ls, unsigned int n_streams);
void live_line(FILE *out, struct live_state *ls, const struct sender *senders, unsigned int n_senders,
		double elapsed_s);
void live_free(struct live_state *ls);

/* Opens path + ".tmp.PID" for an atomic write, or stdout for "-". */
FILE *output_open(const char *path, char *tmp, size_t tmplen);
/* Closes and renames into place; returns 0 or -1 after saying why on stderr. */
int output_commit(FILE *f, const char *path, const char *tmp);

#endif
