/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf reflect: a reflector lcore per port queue (--queues) until --duration or a signal;
 * one line per second of what they received, reflected and dropped (by reason), and the
 * totals at the end, summed over the queues (the JSON has each queue too).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_version.h>

#include "commands.h"
#include "config.h"
#include "eal.h"
#include "ovl_commit.h"
#include "ovl_version.h"
#include "port.h"
#include "queue_lcores.h"
#include "reflector.h"
#include "results.h"
#include "run.h"
#include "telemetry.h"

static void
print_drops(FILE *out, const struct reflector_stats *st)
{
	int i;

	for (i = 1; i < OVL_DROP_MAX; i++)
		if (st->drops[i])
			fprintf(out, " %s %" PRIu64, ovl_drop_name(i), st->drops[i]);
}

/* The reflector's run: one reflector per queue, and their counters summed. */
struct reflect_run {
	struct app_config cfg;
	struct queue_lcores lcores;
	struct port_info port;
	struct reflector r[OVL_QUEUES_MAX];
	struct reflector_stats sum;
	time_t started;
};

static void
sum_queues(struct reflect_run *run)
{
	unsigned int q;

	memset(&run->sum, 0, sizeof(run->sum));
	ovl_histogram_init(&run->sum.interarrival);
	for (q = 0; q < run->cfg.queues; q++)
		results_add_reflector(&run->sum, &run->r[q].stats);
}

static int
write_json(const char *path, const struct reflect_run *run, double seconds, int partial,
		const char *eal_args)
{
	const struct reflector_stats *st = &run->sum;
	const struct port_info *port = &run->port;
	struct queue_result qs[OVL_QUEUES_MAX];
	unsigned int q;
	json_t *drops = json_object(), *root;
	char tmp[4096], mac[RTE_ETHER_ADDR_FMT_SIZE];
	FILE *f;
	int i, rc;

	for (i = 1; i < OVL_DROP_MAX; i++)
		if (st->drops[i])
			json_object_set_new(drops, ovl_drop_name(i), json_integer((json_int_t)st->drops[i]));
	rte_ether_format_addr(mac, sizeof(mac), &port->mac);
	root = json_pack("{s:s, s:i, s:b, s:s, s:{s:s, s:s}, s:s, s:f, s:b,"
			" s:{s:i, s:s, s:s, s:s, s:i},"
			" s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}}",
		"schema", "ovlperf.results", "schema_version", RESULTS_SCHEMA_VERSION,
		"partial", partial, "command", "reflect",
		"ovlperf", "version", OVL_VERSION, "commit", OVL_COMMIT, "dpdk", rte_version(),
		"seconds", seconds, "dwell", run->r[0].dwell,
		"port", "id", port->id, "name", port->name, "driver", port->driver, "mac", mac,
		"link_speed_mbps", (int)port->link_speed_mbps,
		"reflector", "rx_frames", (json_int_t)st->rx_frames, "reflected", (json_int_t)st->reflected,
		"fragments_reflected", (json_int_t)st->fragments_reflected,
		"stamped", (json_int_t)st->stamped, "arp_answered", (json_int_t)st->arp_answered,
		"not_addressed", (json_int_t)st->drops[OVL_DROP_NOT_ADDRESSED], "tx_full", (json_int_t)st->tx_full,
		"drops", drops);
	if (root != NULL) {
		json_t *jport = json_object_get(root, "port"), *jrefl = json_object_get(root, "reflector");

		for (q = 0; q < run->cfg.queues; q++)
			qs[q] = (struct queue_result){ .queue = q, .lcore = run->lcores.reflect[q],
				.reflector = &run->r[q].stats };
		json_object_set_new(jrefl, "queues", results_reflector_queues(qs, run->cfg.queues));
		json_object_set_new(jport, "queues", json_integer(port->queues));
		json_object_set_new(jport, "rss_hf", json_integer((json_int_t)port->rss_hf));
		json_object_set_new(jport, "rx_steering", json_string(port->rx_steering));
		char started[32];
		struct tm tm;

		gmtime_r(&run->started, &tm);
		strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_set_new(root, "started_at", json_string(started));
		/* The dwell stamps come from the reflector lcore's TSC. */
		json_object_set_new(root, "timestamps", json_pack("{s:s, s:s, s:I}", "rx", "tsc",
				"tx", "tsc", "tsc_hz", (json_int_t)rte_get_tsc_hz()));
		json_object_set_new(root, "config", results_config_json(&run->cfg));
		json_object_set_new(root, "host", results_host_json());
		json_object_set_new(root, "eal_args", json_string(eal_args));
		json_object_set_new(root, "stop_reason", partial ? json_string("signal") : json_null());
	}
	f = output_open(path, tmp, sizeof(tmp));
	if (f == NULL || root == NULL) {
		json_decref(root);
		return -1;
	}
	rc = json_dumpf(root, f, JSON_INDENT(2));
	fputc('\n', f);
	json_decref(root);
	if (rc != 0)
		return -1;
	return output_commit(f, path, tmp);
}

/* Queue q's reflector: every queue's has the same rules, its own counters and replay window. */
static int
setup_reflector(struct reflect_run *run, unsigned int q)
{
	const struct app_config *cfg = &run->cfg;
	struct reflector *r = &run->r[q];

	r->port = cfg->port;
	r->queue = (uint16_t)q;
	config_rx(cfg, config_encap_mask(cfg), 1, &r->rx);
	r->mac = run->port.mac;
	r->inner_mac = cfg->spec.inner_dst_mac;
	r->ip = cfg->spec.dst_ip;
	r->inner_ip = cfg->spec.inner_dst_ip;
	return reflector_configure(r, cfg);
}

int
cmd_reflect(const struct eal_args *eal, int argc, char **argv)
{
	struct reflect_run *run;
	struct app_config *cfg;
	struct port_request req;
	struct rte_mempool *pool;
	unsigned int q, n;
	uint64_t hz, start, end = UINT64_MAX, next_line, last_rx = 0, last_refl = 0;
	char args[512];
	int rc, status = 1, started = 0;

	run = calloc(1, sizeof(*run));
	if (run == NULL)
		return 1;
	cfg = &run->cfg;
	config_defaults(cfg);
	rc = config_parse(cfg, "reflect", argc, argv);
	if (rc != 0) {
		free(run);
		return rc == 1 ? 0 : rc;
	}
	n = cfg->queues;
	run_signals_install();
	if (app_eal_init(eal, n) != 0) {
		free(run);
		return 1;
	}
	status = queue_lcores_pick(cfg, "reflect", 0, 1, &run->lcores);
	if (status != 0)
		goto out;
	status = 1;
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "ovlperf reflect: no ports found; without a NIC try: ovlperf --no-huge --no-pci --vdev net_null0 -- reflect\n");
		goto out;
	}
	if (!rte_eth_dev_is_valid_port(cfg->port)) {
		fprintf(stderr, "ovlperf reflect: port %u does not exist (%u found); give --port\n",
				cfg->port, rte_eth_dev_count_avail());
		goto out;
	}
	pool = rte_pktmbuf_pool_create("reflect_pool", 4095 * n, 256, 0,
			RTE_PKTMBUF_HEADROOM + OVL_FRAME_MAX, rte_eth_dev_socket_id(cfg->port));
	if (pool == NULL) {
		fprintf(stderr, "ovlperf reflect: cannot create the mbuf pool (try more -m)\n");
		goto out;
	}
	req = (struct port_request){ .pool = pool, .promiscuous = cfg->promiscuous, .one_pool = 1,
		.forced = cfg->profile_given ? &cfg->profile : NULL, .queues = (uint16_t)n, .rss = 1 };
	rc = port_start(cfg->port, &req, &run->port);
	if (rc < 0) {
		status = rc == PORT_TOO_FEW_QUEUES ? OVL_EXIT_USAGE : 1;
		goto out;
	}
	started = 1;
	for (q = 0; q < n; q++)
		if (setup_reflector(run, q) < 0) {
			fprintf(stderr, "ovlperf reflect: out of memory for the replay window\n");
			goto out;
		}
	hz = rte_get_tsc_hz();

	for (q = 0; q < n; q++)
		warn_numa(run->lcores.reflect[q], &run->port);
	telemetry_attach("reflect", cfg, NULL, 0, run->r, n);
	run->started = time(NULL);
	start = rte_rdtsc();
	next_line = start + hz;
	if (cfg->duration_s > 0)
		end = start + (uint64_t)(cfg->duration_s * hz);
	for (q = 0; q < n; q++)
		rte_eal_remote_launch(reflector_main, &run->r[q], run->lcores.reflect[q]);
	while (!run_quit && rte_rdtsc() < end) {
		usleep(20000);
		if (cfg->live && !cfg->quiet && rte_rdtsc() >= next_line) {
			sum_queues(run);
			fprintf(stderr, "[%6.1f s] rx %.3f Mpps reflected %.3f Mpps, arp %" PRIu64 ", not ours %" PRIu64,
					(double)(rte_rdtsc() - start) / hz, (run->sum.rx_frames - last_rx) / 1e6,
					(run->sum.reflected - last_refl) / 1e6, run->sum.arp_answered,
					run->sum.drops[OVL_DROP_NOT_ADDRESSED]);
			print_drops(stderr, &run->sum);
			fputc('\n', stderr);
			last_rx = run->sum.rx_frames;
			last_refl = run->sum.reflected;
			next_line += hz;
		}
	}
	for (q = 0; q < n; q++)
		run->r[q].stop = 1;
	for (q = 0; q < n; q++)
		rte_eal_wait_lcore(run->lcores.reflect[q]);
	sum_queues(run);
	if (!cfg->quiet) {
		printf("ovlperf reflect: %.2f s%s: rx %" PRIu64 ", reflected %" PRIu64 " (%" PRIu64
				" stamped, %" PRIu64 " fragments), arp %" PRIu64 ", not ours %" PRIu64 ", tx full %" PRIu64 "; drops:",
				(double)(rte_rdtsc() - start) / hz, run_quit ? " (stopped by signal)" : "",
				run->sum.rx_frames, run->sum.reflected, run->sum.stamped,
				run->sum.fragments_reflected, run->sum.arp_answered,
				run->sum.drops[OVL_DROP_NOT_ADDRESSED], run->sum.tx_full);
		print_drops(stdout, &run->sum);
		printf("\n");
		for (q = 0; n > 1 && q < n; q++)
			printf("  queue %u (lcore %u): rx %" PRIu64 ", reflected %" PRIu64 "\n", q,
					run->lcores.reflect[q], run->r[q].stats.rx_frames, run->r[q].stats.reflected);
	}
	status = 0;
	if (cfg->json_path != NULL && write_json(cfg->json_path, run,
			(double)(rte_rdtsc() - start) / hz, run_quit != 0, app_eal_args_text(eal, args, sizeof(args))) < 0)
		status = 1;
out:
	telemetry_detach();
	if (started)
		port_stop(cfg->port);
	for (q = 0; q < OVL_QUEUES_MAX; q++)
		reflector_release(&run->r[q]);
	free(run);
	app_eal_cleanup();
	return status;
}
