/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf send and ovlperf loop. send: the sender lcore on one port, replies from whatever
 * reflects them (ovlperf reflect, a Linux host answering ICMP echo, dpdk-testpmd macswap).
 * loop: the same sender and a reflector lcore in one process, on two ports joined back to back
 * (a ring pair made here when no port was given), so the whole pipeline runs without a NIC.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "pcap_file.h"
#include "traffic.h"

/* A stream configuration with a rate, if any has one: whether there is anything to pace. */
static const struct app_config *
paced_config(const struct run *run)
{
	unsigned int k;

	for (k = 0; k < run->n_stream_cfgs; k++)
		if (run->stream_cfgs[k].rate.unit != RATE_UNLIMITED)
			return &run->stream_cfgs[k];
	return &run->cfg;
}

int
traffic_execute(struct run *run, const struct eal_args *eal, int loop)
{
	const char *command = loop ? "loop" : "send";
	unsigned int k;
	int rc = 0, status;

	if (run->stream_cfgs == NULL) {
		run->stream_cfgs = &run->cfg;
		run->n_stream_cfgs = 1;
	}
	if (run->cfg.duration_s == 0 && run->cfg.count == 0)
		run->cfg.duration_s = OVL_DURATION_DEFAULT_S;
	for (k = 0; k < run->n_stream_cfgs && rc == 0; k++)
		rc = traffic_check_sizes(&run->stream_cfgs[k], command);
	if (rc != 0)
		return rc;
	status = run_begin(run, command, eal, 1, loop);
	if (status == 0)
		status = traffic_ports_start(run, loop);
	/* Both checks (timestamps, pacing) come before ARP: a choice the port cannot honour sends nothing. */
	if (status == 0)
		status = pacing_check(&run->pacing, run->cfg.pacing, paced_config(run), run->cfg.port,
				command);
	if (status == 0)
		status = traffic_streams_setup(run, loop);
	if (status == 0 && run_launch(run) < 0)
		status = 1;
	if (status == 0 && run->senders[0].capture != NULL) {
		char err[512];

		if (ovl_pcap_commit(run->senders[0].capture, err, sizeof(err)) < 0)
			fprintf(stderr, "ovlperf %s: --capture: %s\n", command, err);
		run->senders[0].capture = NULL;
	}
	if (status == 0) {
		status = run_report(run);
		if (status < 0)
			status = 1;
	}
	run_end(run, status);
	return status;
}

static int
traffic_run(const struct eal_args *eal, int argc, char **argv, int loop)
{
	struct run *run = calloc(1, sizeof(*run));
	int rc;

	if (run == NULL)
		return 1;
	config_defaults(&run->cfg);
	rc = config_parse(&run->cfg, loop ? "loop" : "send", argc, argv);
	if (rc == 0)
		rc = traffic_execute(run, eal, loop);
	else if (rc == 1)
		rc = 0;
	free(run);
	return rc;
}

int
cmd_send(const struct eal_args *eal, int argc, char **argv)
{
	return traffic_run(eal, argc, argv, 0);
}

int
cmd_loop(const struct eal_args *eal, int argc, char **argv)
{
	return traffic_run(eal, argc, argv, 1);
}
