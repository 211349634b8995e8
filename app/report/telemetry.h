/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry commands under /ovlperf/, for dpdk-telemetry.py or any client of the
 * telemetry socket: /ovlperf/stats (live counters per stream, and the reflector's) and
 * /ovlperf/config (what is running). Each query prints a snapshot of the results model, taken
 * the way the live line takes its own.
 */
#ifndef OVL_APP_TELEMETRY_H
#define OVL_APP_TELEMETRY_H

#include "results.h"

/* Fills r with the run's results as they stand (no port queried); returns 0 or -1. */
typedef int (*telemetry_snapshot_fn)(void *ctx, struct run_result *r);

/*
 * Registers the commands (once per process) and points them at this run: each query calls
 * snapshot(ctx, ...) under a lock, which telemetry_detach takes before the run is freed.
 */
void telemetry_attach(telemetry_snapshot_fn snapshot, void *ctx);
void telemetry_detach(void);

#endif
