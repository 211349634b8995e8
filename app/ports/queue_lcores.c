/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_lcore.h>

#include "port.h"
#include "queue_lcores.h"

/* An enabled worker lcore (not the main one, which only reports). */
static int
lcore_usable(unsigned int lcore)
{
	return lcore < RTE_MAX_LCORE && rte_lcore_is_enabled(lcore) && lcore != rte_get_main_lcore();
}

/* "-l 0-4, or --lcores 0@0,1@1,2@0,3@1,4@0 on two CPUs": an EAL core list with enough workers. */
static void
example_lcores(unsigned int workers, char *buf, size_t len)
{
	size_t off;
	unsigned int i;

	off = (size_t)snprintf(buf, len, "-l 0-%u, or --lcores ", workers);
	for (i = 0; i <= workers && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u@%u", i ? "," : "", i, i % 2);
	if (off < len)
		snprintf(buf + off, len - off, " on two CPUs");
}

static int
take(unsigned int lcore, const char *what, unsigned int queue, const char *command,
		char taken[RTE_MAX_LCORE])
{
	if (!lcore_usable(lcore)) {
		fprintf(stderr, "ovlperf %s: lcore %u (%s queue %u) is not a worker lcore of the EAL core list (workers here: %u; lcore %u is the main one)\n",
				command, lcore, what, queue, rte_lcore_count() - 1, rte_get_main_lcore());
		return -1;
	}
	if (taken[lcore]) {
		fprintf(stderr, "ovlperf %s: lcore %u would serve two queues (again as %s queue %u): give each queue its own worker lcore\n",
				command, lcore, what, queue);
		return -1;
	}
	taken[lcore] = 1;
	return 0;
}

static unsigned int
next_free(const char taken[RTE_MAX_LCORE])
{
	unsigned int lcore;

	RTE_LCORE_FOREACH_WORKER(lcore)
		if (!taken[lcore])
			return lcore;
	return RTE_MAX_LCORE;
}

int
queue_lcores_pick(const struct app_config *cfg, const char *command, int senders,
		int reflectors, struct queue_lcores *out)
{
	unsigned int n = cfg->queues, needed = n * (unsigned int)(senders + reflectors), q;
	int send_given[OVL_QUEUES_MAX], refl_given[OVL_QUEUES_MAX];
	char taken[RTE_MAX_LCORE];

	memset(out, 0, sizeof(*out));
	memset(taken, 0, sizeof(taken));
	out->n = n;
	if (rte_lcore_count() - 1 < needed) {
		char example[160];

		example_lcores(needed, example, sizeof(example));
		fprintf(stderr, "ovlperf %s: %s%u queue%s need%s %u worker lcores besides the main one, EAL has %u: give e.g. %s\n",
				command, senders && reflectors ? "a sender and a reflector on " : "", n,
				n > 1 ? "s" : "", n > 1 ? "" : "s", needed, rte_lcore_count() - 1, example);
		return OVL_EXIT_USAGE;
	}
	for (q = 0; q < n; q++) {
		send_given[q] = -1;
		refl_given[q] = -1;
	}
	/* The map places the side a command has alone, and in loop the sender's queues. */
	if (cfg->queue_map_given)
		for (q = 0; q < n; q++) {
			if (senders)
				send_given[q] = cfg->queue_lcore[q];
			else
				refl_given[q] = cfg->queue_lcore[q];
		}
	if (senders && cfg->send_lcore >= 0)
		send_given[0] = cfg->send_lcore;
	if (reflectors && cfg->reflect_lcore >= 0)
		refl_given[0] = cfg->reflect_lcore;
	for (q = 0; q < n; q++) {
		if (senders && send_given[q] >= 0 &&
				take((unsigned int)send_given[q], "sender", q, command, taken) < 0)
			return OVL_EXIT_USAGE;
		if (reflectors && refl_given[q] >= 0 &&
				take((unsigned int)refl_given[q], "reflector", q, command, taken) < 0)
			return OVL_EXIT_USAGE;
	}
	for (q = 0; senders && q < n; q++) {
		out->send[q] = send_given[q] >= 0 ? (unsigned int)send_given[q] : next_free(taken);
		taken[out->send[q]] = 1;
	}
	for (q = 0; reflectors && q < n; q++) {
		out->reflect[q] = refl_given[q] >= 0 ? (unsigned int)refl_given[q] : next_free(taken);
		taken[out->reflect[q]] = 1;
	}
	return 0;
}

/* An lcore polling a port on another NUMA socket pays a remote access for every packet. */
static void
warn_numa(unsigned int lcore, const struct port_info *port)
{
	unsigned int socket = rte_lcore_to_socket_id(lcore);

	if (port->socket >= 0 && socket != (unsigned int)SOCKET_ID_ANY && socket != (unsigned int)port->socket)
		fprintf(stderr, "ovlperf: warning: lcore %u (socket %u) serves port %u on socket %d: pick an lcore on the port's socket\n",
				lcore, socket, port->id, port->socket);
}

void
queue_lcores_warn_numa(const struct queue_lcores *l, const struct port_info *send_port,
		const struct port_info *reflect_port)
{
	unsigned int q;

	for (q = 0; q < l->n; q++) {
		if (send_port != NULL)
			warn_numa(l->send[q], send_port);
		if (reflect_port != NULL)
			warn_numa(l->reflect[q], reflect_port);
	}
}
