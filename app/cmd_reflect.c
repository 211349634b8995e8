/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf reflect: the reflector lcore on one port until --duration or a signal; one line per
 * second of what it received, reflected and dropped (by reason), and the totals at the end.
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
#include "ovl_version.h"
#include "port.h"
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

static int
write_json(const char *path, const struct reflector *r, const struct port_info *port,
		double seconds, int partial, const char *eal_args)
{
	const struct reflector_stats *st = &r->stats;
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
		"seconds", seconds, "dwell", r->dwell,
		"port", "id", port->id, "name", port->name, "driver", port->driver, "mac", mac,
		"link_speed_mbps", (int)port->link_speed_mbps,
		"reflector", "rx_frames", (json_int_t)st->rx_frames, "reflected", (json_int_t)st->reflected,
		"fragments_reflected", (json_int_t)st->fragments_reflected,
		"stamped", (json_int_t)st->stamped, "arp_answered", (json_int_t)st->arp_answered,
		"not_addressed", (json_int_t)st->drops[OVL_DROP_NOT_ADDRESSED], "tx_full", (json_int_t)st->tx_full,
		"drops", drops);
	if (root != NULL) {
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

int
cmd_reflect(const struct eal_args *eal, int argc, char **argv)
{
	struct app_config cfg;
	struct reflector *r;
	struct port_info port;
	struct port_request req;
	struct rte_mempool *pool;
	unsigned int lcore, i;
	uint64_t hz, start, end = UINT64_MAX, next_line, last_rx = 0, last_refl = 0;
	char args[512];
	int rc, status = 1;

	config_defaults(&cfg);
	rc = config_parse(&cfg, "reflect", argc, argv);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	run_signals_install();
	if (app_eal_init(eal, 1) != 0)
		return 1;
	r = calloc(1, sizeof(*r));
	lcore = cfg.reflect_lcore >= 0 ? (unsigned int)cfg.reflect_lcore : rte_get_next_lcore(-1, 1, 0);
	if (r == NULL || !lcore_usable(lcore)) {
		fprintf(stderr, "ovlperf reflect: needs a worker lcore besides the main one (--reflect-lcore names one of the EAL core list): give e.g. -l 0-1\n");
		goto out;
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "ovlperf reflect: no ports found; without a NIC try: ovlperf --no-huge --no-pci --vdev net_null0 -- reflect\n");
		goto out;
	}
	if (!rte_eth_dev_is_valid_port(cfg.port)) {
		fprintf(stderr, "ovlperf reflect: port %u does not exist (%u found); give --port\n",
				cfg.port, rte_eth_dev_count_avail());
		goto out;
	}
	pool = rte_pktmbuf_pool_create("reflect_pool", 4095, 256, 0,
			RTE_PKTMBUF_HEADROOM + OVL_FRAME_MAX, rte_eth_dev_socket_id(cfg.port));
	if (pool == NULL) {
		fprintf(stderr, "ovlperf reflect: cannot create the mbuf pool (try more -m)\n");
		goto out;
	}
	req = (struct port_request){ .pool = pool, .promiscuous = cfg.promiscuous, .one_pool = 1,
		.forced = cfg.profile_given ? &cfg.profile : NULL };
	if (port_start(cfg.port, &req, &port) < 0)
		goto out;

	r->port = cfg.port;
	ovl_rx_config_defaults(&r->rx);
	if (cfg.n_encaps < ovl_encap_count()) {
		r->rx.encap_mask = 0;
		for (i = 0; i < cfg.n_encaps; i++)
			r->rx.encap_mask |= 1u << ovl_encap_index(cfg.encaps[i]);
	}
	r->rx.vxlan_port = rte_cpu_to_be_16(cfg.spec.vxlan_port);
	r->rx.flannel_port = rte_cpu_to_be_16(cfg.spec.flannel_port);
	if (cfg.vni_given)
		r->rx.vni = cfg.spec.vni;
	r->mac = port.mac;
	r->inner_mac = cfg.spec.inner_dst_mac;
	r->ip = cfg.spec.dst_ip;
	r->inner_ip = cfg.spec.inner_dst_ip;
	if (reflector_configure(r, &cfg) < 0) {
		fprintf(stderr, "ovlperf reflect: out of memory for the replay window\n");
		goto out;
	}
	hz = rte_get_tsc_hz();

	warn_numa(lcore, &port);
	telemetry_attach("reflect", &cfg, NULL, r);
	start = rte_rdtsc();
	next_line = start + hz;
	if (cfg.duration_s > 0)
		end = start + (uint64_t)(cfg.duration_s * hz);
	rte_eal_remote_launch(reflector_main, r, lcore);
	while (!run_quit && rte_rdtsc() < end) {
		usleep(20000);
		if (cfg.live && !cfg.quiet && rte_rdtsc() >= next_line) {
			fprintf(stderr, "[%6.1f s] rx %.3f Mpps reflected %.3f Mpps, arp %" PRIu64 ", not ours %" PRIu64,
					(double)(rte_rdtsc() - start) / hz, (r->stats.rx_frames - last_rx) / 1e6,
					(r->stats.reflected - last_refl) / 1e6, r->stats.arp_answered,
					r->stats.drops[OVL_DROP_NOT_ADDRESSED]);
			print_drops(stderr, &r->stats);
			fputc('\n', stderr);
			last_rx = r->stats.rx_frames;
			last_refl = r->stats.reflected;
			next_line += hz;
		}
	}
	r->stop = 1;
	rte_eal_wait_lcore(lcore);
	if (!cfg.quiet) {
		printf("ovlperf reflect: %.2f s%s: rx %" PRIu64 ", reflected %" PRIu64 " (%" PRIu64
				" stamped, %" PRIu64 " fragments), arp %" PRIu64 ", not ours %" PRIu64 ", tx full %" PRIu64 "; drops:",
				(double)(rte_rdtsc() - start) / hz, run_quit ? " (stopped by signal)" : "",
				r->stats.rx_frames, r->stats.reflected, r->stats.stamped,
				r->stats.fragments_reflected, r->stats.arp_answered, r->stats.drops[OVL_DROP_NOT_ADDRESSED],
				r->stats.tx_full);
		print_drops(stdout, &r->stats);
		printf("\n");
	}
	status = 0;
	if (cfg.json_path != NULL && write_json(cfg.json_path, r, &port,
			(double)(rte_rdtsc() - start) / hz, run_quit != 0, app_eal_args_text(eal, args, sizeof(args))) < 0)
		status = 1;
	port_stop(cfg.port);
out:
	telemetry_detach();
	if (r != NULL)
		reflector_release(r);
	free(r);
	app_eal_cleanup();
	return status;
}
