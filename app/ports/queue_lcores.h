/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which worker lcore serves which port queue: --queue-map (or --send-lcore / --reflect-lcore
 * for queue 0) where given, else the worker lcores in order, the sender's queues first. One
 * queue per lcore: two busy-polling loops on one lcore would take turns, not add up.
 */
#ifndef OVL_APP_QUEUE_LCORES_H
#define OVL_APP_QUEUE_LCORES_H

#include "config.h"

struct queue_lcores {
	unsigned int n;                       /* queues per side */
	unsigned int send[OVL_QUEUES_MAX];    /* send, loop */
	unsigned int reflect[OVL_QUEUES_MAX]; /* reflect, loop */
};

/*
 * Picks the lcores of cfg->queues sender queues (senders: 0 or 1) and reflector queues
 * (reflectors: 0 or 1). Returns 0, or OVL_EXIT_USAGE after one line on stderr: too few worker
 * lcores (with an EAL core list that has enough), or an lcore that is no worker or serves two.
 */
int queue_lcores_pick(const struct app_config *cfg, const char *command, int senders,
		int reflectors, struct queue_lcores *out);

/*
 * Warns, once per lcore, when a queue's lcore sits on another NUMA socket than the port it
 * serves: the sender's queues against send_port, the reflector's against reflect_port (NULL:
 * the command has no such side).
 */
struct port_info;
void queue_lcores_warn_numa(const struct queue_lcores *l, const struct port_info *send_port,
		const struct port_info *reflect_port);

#endif
