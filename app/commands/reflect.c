/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf reflect: a reflector lcore per port queue (--queues) until --duration or a signal;
 * one line per second of what they received, reflected and dropped (by reason), and the
 * totals at the end, summed over the queues (the JSON has each queue too).
 */
#include <stdlib.h>

#include <rte_ethdev.h>

#include "commands.h"
#include "traffic.h"
#include "eal.h"
#include "run.h"

/*
 * The reflector answers any frame size that arrives: mbufs hold the largest frame the port's
 * MTU admits (port_pool.c), and longer ones that a driver chains are copied whole into a
 * jumbo mbuf (run_setup.c, reflector.c).
 */
#define REFLECT_MBUFS 4095   /* per queue */

int
reflect_execute(struct run *run, const struct eal_args *eal)
{
	struct app_config *cfg = &run->cfg;
	struct neighbour_self own = { 0 };
	struct port_request req;
	int status;

	status = run_begin(run, "reflect", eal, 0, 1);
	if (status == 0 && run_reflector_addresses(run, &own) < 0)
		status = 1;
	if (status == 0 && run_port_exists(run, cfg->port) < 0)
		status = 1;
	if (status == 0) {
		char name[RTE_ETH_NAME_MAX_LEN] = "";
		long replayed;

		/* A replayed capture lives in the pool: room for it beside the queues' own. */
		rte_eth_dev_get_name_by_port(cfg->port, name);
		replayed = app_eal_replayed_frames(name);
		if (replayed < 0)
			status = OVL_EXIT_USAGE;
		/* max_frame 0: as large as the port takes. RSS spreads the queues' work. */
		req = (struct port_request){ .promiscuous = cfg->promiscuous, .one_pool = 1,
			.forced = cfg->profile_given ? &cfg->profile : NULL,
			.queues = (uint16_t)cfg->queues, .rss = 1,
			.ip6 = &own.ips };
		if (status == 0)
			status = run_port_start(run, cfg->port, &req,
					REFLECT_MBUFS * cfg->queues + (unsigned int)replayed, 0);
	}
	if (status == 0 && run_reflectors_setup(run, config_encap_mask(cfg)) < 0)
		status = 1;
	if (status == 0 && run_launch(run) < 0)
		status = 1;
	if (status == 0) {
		status = run_report(run);
		if (status < 0)
			status = 1;
	}
	run_end(run, status);
	return status;
}

int
cmd_reflect(const struct eal_args *eal, int argc, char **argv)
{
	struct run *run = calloc(1, sizeof(*run));
	int rc;

	if (run == NULL)
		return 1;
	config_defaults(&run->cfg);
	rc = config_parse(&run->cfg, "reflect", argc, argv);
	if (rc == 0)
		rc = reflect_execute(run, eal);
	else if (rc == 1)
		rc = 0;
	free(run);
	return rc;
}
