/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every way a run's results are printed: the summary table, JSON, CSV and the per-second live
 * line (output_*.c). Each formats what the results model (results.h) holds and nothing else:
 * no port is queried, no counter of a running lcore read.
 */
#ifndef OVL_APP_OUTPUT_H
#define OVL_APP_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "results.h"

/* Where the figures come from: ovlperf's version and commit, DPDK's, the command line, and
 * when the run started (ISO 8601, UTC). */
struct provenance {
	const char *version, *commit, *dpdk, *command_line;
	char started[32];
};
void output_provenance(const struct run_result *r, struct provenance *p);
/* The provenance as the CSV files' four '#' lines (spreadsheet tools skip them). */
void output_provenance_comment(FILE *f, const struct run_result *r);

/* The summary: the streams' table (send, loop), or the reflector's counters (reflect). */
void output_table(FILE *out, const struct run_result *r);

/* README, "Results JSON". Returns 0, or -1 after saying why on stderr. */
int output_json(const char *path, const struct run_result *r);

/* One row per stream after a block of '#' lines (the provenance) that spreadsheet tools and
 * pandas (comment='#') skip. Returns 0, or -1 after saying why on stderr. */
int output_csv(const char *path, const struct run_result *r);
/* --latency-samples: each stream's sampled round trips, CSV (output_samples.c). */
int output_samples(const char *path, const struct run_result *r);

/*
 * Every second on stderr, from two snapshots' difference: per stream (a line each when there
 * are several) tx/rx packets/s, Gbit/s at layer 1 as the table, loss, and p50/p99 of the last
 * second beside the run's (send, loop); or what the reflector received and reflected (reflect).
 */
struct live_state {
	uint64_t last_tsc;
	uint64_t *last_tx, *last_tx_frames, *last_rx, *last_tx_bytes; /* per stream */
	struct ovl_histogram *last_rtt;                                /* per stream */
	struct ovl_histogram *second;  /* scratch: a stream's last second */
	uint64_t last_refl_rx, last_reflected;
};
/* tsc: when the run was launched, the first line's start. */
int live_init(struct live_state *ls, unsigned int n_streams, uint64_t tsc);
void live_line(FILE *out, struct live_state *ls, const struct run_result *now);
void live_free(struct live_state *ls);

/* A port's xstats as a JSON object {name: value}, for ovlperf ports too. */
struct json_t;
struct json_t *output_json_xstats(const struct port_xstats *x);
/* An AF_XDP port's mode ({iface, attach, bind, sockets, busy_budget}), or JSON null. */
struct json_t *output_json_xdp(const struct port_xdp *x);
/* The options a run was given (output_json_config.c). */
struct json_t *output_json_config(const struct app_config *cfg);
/* A stream's addresses, outer and inner, and the MACs it sends to (output_json_config.c). */
struct json_t *output_json_addresses(const struct ovl_frame_spec *spec);
/* A mix as given ({of, imix, sizes[], seed}), or JSON null for one size. */
struct json_t *output_json_mix(const struct app_config *cfg);
/* A stream's size classes, each sent and received: an empty array for one size. */
struct json_t *output_json_classes(const struct stream_result *s);

/* Opens path + ".tmp.PID" for an atomic write, or stdout for "-". */
FILE *output_open(const char *path, char *tmp, size_t tmplen);
/* Closes and renames into place; returns 0 or -1 after saying why on stderr. */
int output_commit(FILE *f, const char *path, const char *tmp);
/* A write that failed (err: its errno, or 0): one line, the temporary file removed; -1. */
int output_abandon(FILE *f, const char *path, const char *tmp, int err);

#endif
