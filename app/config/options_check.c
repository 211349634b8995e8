/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What is checked once every option is read: options that exclude or need each other, whatever
 * order they were given in.
 */
#include <stdio.h>
#include <string.h>

#include "options.h"

/* --queue-map against --queues: every queue mapped, none beyond; --send-lcore and
 * --reflect-lcore name queue 0's lcore and so do not mix with a map of the same side. */
static int
check_queue_map(const struct app_config *cfg, const char *command)
{
	int lcore_opt = strcmp(command, "reflect") == 0 ? cfg->reflect_lcore : cfg->send_lcore;
	unsigned int q;

	if (!cfg->queue_map_given)
		return 0;
	if (lcore_opt >= 0) {
		fprintf(stderr, "ovlperf %s: --queue-map and --%s both place queue 0: give one\n",
				command, strcmp(command, "reflect") == 0 ? "reflect-lcore" : "send-lcore");
		return -1;
	}
	for (q = cfg->queues; q < OVL_QUEUES_MAX; q++)
		if (cfg->queue_lcore[q] >= 0) {
			fprintf(stderr, "ovlperf %s: --queue-map: queue %u is out of range: --queues %u has queues 0..%u\n",
					command, q, cfg->queues, cfg->queues - 1);
			return -1;
		}
	for (q = 0; q < cfg->queues; q++)
		if (cfg->queue_lcore[q] < 0) {
			fprintf(stderr, "ovlperf %s: --queue-map: queue %u has no lcore: map every queue 0..%u (--queues %u)\n",
					command, q, cfg->queues - 1, cfg->queues);
			return -1;
		}
	return 0;
}

int
options_check(const struct app_config *cfg, const char *command)
{
	if ((cfg->keyed || cfg->dwell) && cfg->spec.probe_form != OVL_PROBE_FULL) {
		fprintf(stderr, "ovlperf %s: --probe: %s use the full form: give --probe full or leave it out\n",
				command, cfg->keyed ? "keyed probes (--key)" : "probes the reflector stamps (--dwell)");
		return -1;
	}
	if (cfg->pacing == PACING_HARDWARE && cfg->rate.unit == RATE_UNLIMITED) {
		fprintf(stderr, "ovlperf %s: --pacing hardware needs a --rate to pace at (the rate is unlimited)\n",
				command);
		return -1;
	}
	return check_queue_map(cfg, command);
}
