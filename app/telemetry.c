/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "histogram.h"
#include "telemetry.h"

static struct {
	const char *command;
	const struct app_config *cfg;
	const struct sender *snd;
	const struct reflector *refl;
} run;

static int registered;
/*
 * Handlers run on rte_telemetry's client threads while the command's thread detaches and frees
 * what they read: the lock keeps a query from reading a sender that is being freed.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int
stats_locked(struct rte_tel_data *d)
{
	unsigned int i;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "command", run.command ? run.command : "none");
	for (i = 0; run.snd != NULL && run.snd->stats != NULL && i < run.snd->n_streams; i++) {
		const struct stream_stats *c = &run.snd->stats[i];
		struct rte_tel_data *s = rte_tel_data_alloc();
		char name[48];

		if (s == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(s);
		rte_tel_data_add_dict_string(s, "encap", run.snd->streams[i].spec.encap->name);
		rte_tel_data_add_dict_u64(s, "tx_packets", c->tx_datagrams);
		rte_tel_data_add_dict_u64(s, "rx_packets", c->rx_datagrams);
		rte_tel_data_add_dict_u64(s, "tx_bytes", c->tx_bytes);
		rte_tel_data_add_dict_u64(s, "reordered", c->seq.reordered);
		rte_tel_data_add_dict_u64(s, "duplicated", c->seq.duplicated);
		rte_tel_data_add_dict_u64(s, "corrupted", c->corrupted);
		rte_tel_data_add_dict_u64(s, "latency_p50_ns", ovl_histogram_percentile(&c->rtt, 50));
		rte_tel_data_add_dict_u64(s, "latency_p99_ns", ovl_histogram_percentile(&c->rtt, 99));
		snprintf(name, sizeof(name), "stream%u", i);
		rte_tel_data_add_dict_container(d, name, s, 0);
	}
	if (run.refl != NULL) {
		rte_tel_data_add_dict_u64(d, "reflector_rx_frames", run.refl->stats.rx_frames);
		rte_tel_data_add_dict_u64(d, "reflector_reflected", run.refl->stats.reflected);
		rte_tel_data_add_dict_u64(d, "reflector_arp_answered", run.refl->stats.arp_answered);
		for (i = 1; i < OVL_DROP_MAX; i++)
			if (run.refl->stats.drops[i] != 0)
				rte_tel_data_add_dict_u64(d, ovl_drop_name((int)i), run.refl->stats.drops[i]);
	}
	return 0;
}

static int
stats_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int rc;

	(void)cmd;
	(void)params;
	pthread_mutex_lock(&lock);
	rc = stats_locked(d);
	pthread_mutex_unlock(&lock);
	return rc;
}

static int
config_locked(struct rte_tel_data *d)
{
	const struct app_config *c = run.cfg;
	unsigned int i;
	char encaps[128] = "";

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "command", run.command ? run.command : "none");
	if (c == NULL)
		return 0;
	for (i = 0; i < c->n_encaps; i++)
		snprintf(encaps + strlen(encaps), sizeof(encaps) - strlen(encaps), "%s%s", i ? "," : "",
				c->encaps[i]->name);
	rte_tel_data_add_dict_string(d, "encaps", encaps);
	rte_tel_data_add_dict_u64(d, "session", c->probe.session);
	rte_tel_data_add_dict_u64(d, "flows", c->flows);
	rte_tel_data_add_dict_u64(d, "vni", c->spec.vni);
	rte_tel_data_add_dict_u64(d, "vxlan_port", c->spec.vxlan_port);
	rte_tel_data_add_dict_u64(d, "port", c->port);
	rte_tel_data_add_dict_u64(d, "keyed", (uint64_t)c->keyed);
	rte_tel_data_add_dict_u64(d, "max_pps", c->max_pps);
	for (i = 0; run.snd != NULL && i < run.snd->n_streams; i++) {
		char name[48];

		snprintf(name, sizeof(name), "stream%u_rate_pps", i);
		rte_tel_data_add_dict_u64(d, name, run.snd->streams[i].rate_pps);
	}
	return 0;
}

static int
config_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int rc;

	(void)cmd;
	(void)params;
	pthread_mutex_lock(&lock);
	rc = config_locked(d);
	pthread_mutex_unlock(&lock);
	return rc;
}

void
telemetry_attach(const char *command, const struct app_config *cfg, const struct sender *snd,
		const struct reflector *refl)
{
	pthread_mutex_lock(&lock);
	run.command = command;
	run.cfg = cfg;
	run.snd = snd;
	run.refl = refl;
	pthread_mutex_unlock(&lock);
	if (registered)
		return;
	registered = 1;
	rte_telemetry_register_cmd("/ovlperf/stats", stats_cmd,
			"Live counters per stream and of the reflector. No parameters");
	rte_telemetry_register_cmd("/ovlperf/config", config_cmd,
			"What this ovlperf runs: command, encapsulations, rates, ports. No parameters");
}

void
telemetry_detach(void)
{
	pthread_mutex_lock(&lock);
	memset(&run, 0, sizeof(run));
	pthread_mutex_unlock(&lock);
}
