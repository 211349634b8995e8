/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "histogram.h"
#include "encap_options.h"
#include "telemetry.h"

static struct {
	const char *command;
	const struct app_config *cfg;
	const struct sender *snd;    /* one per queue */
	unsigned int n_snd;
	const struct reflector *refl; /* one per queue */
	unsigned int n_refl;
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
	uint64_t rx = 0, reflected = 0, arp = 0, drops[OVL_DROP_MAX] = { 0 };
	unsigned int q, i;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "command", run.command ? run.command : "none");
	for (q = 0; q < run.n_snd; q++) {
		const struct sender *snd = &run.snd[q];

		for (i = 0; snd->stats != NULL && i < snd->n_streams; i++) {
			const struct stream_stats *c = &snd->stats[i];
			struct rte_tel_data *s = rte_tel_data_alloc();
			char name[48];

			if (s == NULL)
				return -ENOMEM;
			rte_tel_data_start_dict(s);
			rte_tel_data_add_dict_string(s, "encap", snd->streams[i].spec.encap->name);
			rte_tel_data_add_dict_u64(s, "queue", snd->streams[i].queue);
			rte_tel_data_add_dict_u64(s, "tx_packets", c->tx_datagrams);
			rte_tel_data_add_dict_u64(s, "rx_packets", c->rx_datagrams);
			rte_tel_data_add_dict_u64(s, "tx_bytes", c->tx_bytes);
			rte_tel_data_add_dict_u64(s, "reordered", c->seq.reordered);
			rte_tel_data_add_dict_u64(s, "duplicated", c->seq.duplicated);
			rte_tel_data_add_dict_u64(s, "corrupted", c->corrupted);
			rte_tel_data_add_dict_u64(s, "latency_p50_ns", ovl_histogram_percentile(&c->rtt, 50));
			rte_tel_data_add_dict_u64(s, "latency_p99_ns", ovl_histogram_percentile(&c->rtt, 99));
			snprintf(name, sizeof(name), "stream%u", snd->first_stream + i);
			rte_tel_data_add_dict_container(d, name, s, 0);
		}
	}
	if (run.n_refl == 0)
		return 0;
	/* The reflector's queues summed: one reflector to a client, however many lcores it has. */
	for (q = 0; q < run.n_refl; q++) {
		const struct reflector_stats *st = &run.refl[q].stats;

		rx += st->rx_frames;
		reflected += st->reflected;
		arp += st->arp_answered;
		for (i = 1; i < OVL_DROP_MAX; i++)
			drops[i] += st->drops[i];
	}
	rte_tel_data_add_dict_u64(d, "reflector_rx_frames", rx);
	rte_tel_data_add_dict_u64(d, "reflector_reflected", reflected);
	rte_tel_data_add_dict_u64(d, "reflector_arp_answered", arp);
	rte_tel_data_add_dict_u64(d, "reflector_queues", run.n_refl);
	for (i = 1; i < OVL_DROP_MAX; i++)
		if (drops[i] != 0)
			rte_tel_data_add_dict_u64(d, ovl_drop_name((int)i), drops[i]);
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
	unsigned int i, q;
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
	for (i = 0; i < encap_options_count(); i++) {
		char key[64];
		uint32_t v;

		encap_option_key(i, key, sizeof(key));
		if (encap_option_value(c, i, &v))
			rte_tel_data_add_dict_u64(d, key, v);
	}
	rte_tel_data_add_dict_u64(d, "port", c->port);
	rte_tel_data_add_dict_u64(d, "keyed", (uint64_t)c->keyed);
	rte_tel_data_add_dict_u64(d, "max_pps", c->max_pps);
	rte_tel_data_add_dict_u64(d, "queues", c->queues);
	for (q = 0; q < run.n_snd; q++)
		for (i = 0; i < run.snd[q].n_streams; i++) {
			char name[48];

			snprintf(name, sizeof(name), "stream%u_rate_pps", run.snd[q].first_stream + i);
			rte_tel_data_add_dict_u64(d, name, run.snd[q].streams[i].rate_pps);
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
		unsigned int n_snd, const struct reflector *refl, unsigned int n_refl)
{
	pthread_mutex_lock(&lock);
	run.command = command;
	run.cfg = cfg;
	run.snd = snd;
	run.refl = refl;
	run.n_snd = snd != NULL ? n_snd : 0;
	run.n_refl = refl != NULL ? n_refl : 0;
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
