/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The options of queues and lcores: how many RX/TX queue pairs each port has and which worker
 * lcore serves each. The map is checked against --queues once every option is read
 * (options_check.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_lcore.h>

#include "option_values.h"
#include "options.h"

static int
lcore_value(const char *arg, int *out, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 1, RTE_MAX_LCORE - 1, &v, err, errlen) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

int
apply_send_lcore(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return lcore_value(arg, &cfg->send_lcore, err, errlen);
}

int
apply_reflect_lcore(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return lcore_value(arg, &cfg->reflect_lcore, err, errlen);
}

int
apply_idle_sleep(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_u32(arg, 0, 1000, &cfg->idle_sleep_us, err, errlen);
}

int
apply_queues(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 1, OVL_QUEUES_MAX, &v, err, errlen) < 0)
		return -1;
	cfg->queues = (unsigned int)v;
	return 0;
}

/* Q@LCORE[,Q@LCORE...]: each queue once, each lcore once; ranges are checked against --queues
 * once every option is read. */
int
apply_queue_map(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	const char *p = arg;
	unsigned int q, j;

	for (q = 0; q < OVL_QUEUES_MAX; q++)
		cfg->queue_lcore[q] = -1;
	for (;;) {
		char *end;
		unsigned long queue, lcore;

		queue = strtoul(p, &end, 10);
		if (end == p || *end != '@' || queue >= OVL_QUEUES_MAX)
			goto bad;
		p = end + 1;
		lcore = strtoul(p, &end, 10);
		if (end == p || (*end != ',' && *end != '\0') || lcore == 0 || lcore >= RTE_MAX_LCORE)
			goto bad;
		if (cfg->queue_lcore[queue] >= 0) {
			snprintf(err, errlen, "queue %lu is given twice", queue);
			return -1;
		}
		for (j = 0; j < OVL_QUEUES_MAX; j++)
			if (cfg->queue_lcore[j] == (int)lcore) {
				snprintf(err, errlen, "lcore %lu serves both queue %u and queue %lu: one queue per lcore",
						lcore, j, queue);
				return -1;
			}
		cfg->queue_lcore[queue] = (int)lcore;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	cfg->queue_map_given = 1;
	return 0;
bad:
	snprintf(err, errlen, "'%s': give Q@LCORE[,Q@LCORE...], queues 0..%d, worker lcores 1..%d (e.g. 0@1,1@2)",
			arg, OVL_QUEUES_MAX - 1, RTE_MAX_LCORE - 1);
	return -1;
}
