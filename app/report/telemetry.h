/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry commands under /ovlperf/, for dpdk-telemetry.py or any client of the
 * telemetry socket: /ovlperf/stats (live counters per stream, and the reflector's) and
 * /ovlperf/config (what is running). They read the lcores' counters as the live line does.
 */
#ifndef OVL_APP_TELEMETRY_H
#define OVL_APP_TELEMETRY_H

#include "config.h"
#include "reflector.h"
#include "sender.h"

/* Registers the commands (once per process) and points them at this run's state: a sender and
 * a reflector per queue (NULL: none). */
void telemetry_attach(const char *command, const struct app_config *cfg,
		const struct sender *snd, unsigned int n_snd, const struct reflector *refl,
		unsigned int n_refl);
void telemetry_detach(void);

#endif
