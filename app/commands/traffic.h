/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * send and loop (traffic.c), their ports (traffic_ports.c) and what they send
 * (traffic_streams.c), on a run (run.h) they share with reflect.
 */
#ifndef OVL_APP_TRAFFIC_H
#define OVL_APP_TRAFFIC_H

#include "config.h"
#include "run.h"

/*
 * Runs send (loop 0) or loop with run->cfg parsed and, for a test profile, run->stream_cfgs set
 * (else the streams are cfg's). Returns the exit status; run_end is done, run is the caller's.
 */
int traffic_execute(struct run *run, const struct eal_args *eal, int loop);

/* Runs reflect with run->cfg parsed. Returns the exit status; run_end is done. */
int reflect_execute(struct run *run, const struct eal_args *eal);

/* Checks every size before EAL starts, so bad input sends nothing: 0 or OVL_EXIT_USAGE. */
int traffic_check_sizes(const struct app_config *cfg, const char *command);

/*
 * The sender's port (and loop's reflector's, over a ring pair made here when there is none),
 * with their pools, RX timestamp source and links up. Returns 0 or an exit status after one
 * line on stderr (OVL_EXIT_USAGE: a choice the port cannot honour).
 */
int traffic_ports_start(struct run *run, int loop);

/*
 * Addresses, streams, rates, pacing, a sender per queue (and in loop a reflector per queue).
 * Returns 0 or an exit status after one line on stderr.
 */
int traffic_streams_setup(struct run *run, int loop);

#endif
