/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "encap_options.h"
#include "telemetry.h"

static struct {
	telemetry_snapshot_fn snapshot;  /* NULL: nothing runs */
	void *ctx;
} run;

static int registered;
/*
 * Handlers run on rte_telemetry's client threads while the command's thread detaches and frees
 * what they read: the lock keeps a query from reading a run that is being freed.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int
stream_stats(struct rte_tel_data *d, const struct stream_result *sr, unsigned int k)
{
	struct rte_tel_data *s = rte_tel_data_alloc();
	char name[48];

	if (s == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(s);
	rte_tel_data_add_dict_string(s, "encap", sr->stream->spec.encap->name);
	if (sr->stream->name != NULL)
		rte_tel_data_add_dict_string(s, "name", sr->stream->name);
	rte_tel_data_add_dict_u64(s, "ip_version", sr->stream->spec.ip6 ? 6 : 4);
	rte_tel_data_add_dict_u64(s, "inner_ip_version", ovl_frame_spec_probe_ip6(&sr->stream->spec) ? 6 : 4);
	rte_tel_data_add_dict_u64(s, "queue", sr->stream->queue);
	rte_tel_data_add_dict_u64(s, "tx_packets", sr->tx_datagrams);
	rte_tel_data_add_dict_u64(s, "rx_packets", sr->rx_datagrams);
	rte_tel_data_add_dict_u64(s, "tx_bytes", sr->tx_bytes);
	rte_tel_data_add_dict_u64(s, "reordered", sr->reordered);
	rte_tel_data_add_dict_u64(s, "duplicated", sr->duplicated);
	rte_tel_data_add_dict_u64(s, "corrupted", sr->corrupted);
	rte_tel_data_add_dict_u64(s, "latency_p50_ns", sr->latency.p50);
	rte_tel_data_add_dict_u64(s, "latency_p99_ns", sr->latency.p99);
	snprintf(name, sizeof(name), "stream%u", k);
	rte_tel_data_add_dict_container(d, name, s, 0);
	return 0;
}

static int
stats_of(struct rte_tel_data *d, const struct run_result *r)
{
	const struct reflector_counts *c = &r->reflector;
	unsigned int k;
	int i;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "command", r->command ? r->command : "none");
	for (k = 0; k < r->n_streams; k++)
		if (stream_stats(d, &r->streams[k], k) < 0)
			return -ENOMEM;
	/* What a soak watches for a leak: each port pool's mbufs in use now. */
	for (k = 0; k < r->n_ports; k++) {
		char name[RTE_MEMPOOL_NAMESIZE + 16];

		snprintf(name, sizeof(name), "%s_in_use", r->pools[k].name);
		rte_tel_data_add_dict_u64(d, name, r->pools[k].in_use_now);
	}
	if (r->n_reflector_queues == 0)
		return 0;
	/* The reflector's queues summed: one reflector to a client, however many lcores it has. */
	rte_tel_data_add_dict_u64(d, "reflector_rx_frames", c->rx_frames);
	rte_tel_data_add_dict_u64(d, "reflector_reflected", c->reflected);
	rte_tel_data_add_dict_u64(d, "reflector_arp_answered", c->arp_answered);
	rte_tel_data_add_dict_u64(d, "reflector_ndp_answered", c->ndp_answered);
	rte_tel_data_add_dict_u64(d, "reflector_queues", r->n_reflector_queues);
	for (i = 1; i < OVL_DROP_MAX; i++)
		if (c->drops[i] != 0)
			rte_tel_data_add_dict_u64(d, ovl_drop_name(i), c->drops[i]);
	return 0;
}

static int
config_of(struct rte_tel_data *d, const struct run_result *r)
{
	const struct app_config *c = r->cfg;
	unsigned int i;
	char encaps[128] = "";

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "command", r->command ? r->command : "none");
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
	for (i = 0; i < r->n_streams; i++) {
		char name[48];

		snprintf(name, sizeof(name), "stream%u_rate_pps", i);
		rte_tel_data_add_dict_u64(d, name, r->streams[i].stream->rate_pps);
	}
	return 0;
}

/* Takes a snapshot of the run under the lock and prints it with print. */
static int
answer(struct rte_tel_data *d, int (*print)(struct rte_tel_data *, const struct run_result *))
{
	struct run_result *r = calloc(1, sizeof(*r));
	int rc = -ENOMEM;

	if (r == NULL)
		return rc;
	pthread_mutex_lock(&lock);
	if (run.snapshot == NULL || run.snapshot(run.ctx, r) == 0)
		rc = print(d, r);
	results_free(r);
	pthread_mutex_unlock(&lock);
	free(r);
	return rc;
}

static int
stats_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return answer(d, stats_of);
}

static int
config_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return answer(d, config_of);
}

void
telemetry_attach(telemetry_snapshot_fn snapshot, void *ctx)
{
	pthread_mutex_lock(&lock);
	run.snapshot = snapshot;
	run.ctx = ctx;
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
