/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf ports: every port EAL found, with what matters for overlay measurements: driver and
 * device, NUMA socket, link, MTU range, queue limits, offloads (tunnel ones included),
 * timestamping, and the xstats that tell of drops and cloud shaping. A table, or --json.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_ethdev.h>

#include "commands.h"
#include "config.h"
#include "eal.h"
#include "output.h"
#include "port.h"
#include "port_pool.h"

static json_t *
bits(uint64_t set, int tx)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < 64; i++)
		if (set & (1ull << i))
			json_array_append_new(a, json_string(tx ? rte_eth_dev_tx_offload_name(1ull << i)
								: rte_eth_dev_rx_offload_name(1ull << i)));
	return a;
}

/*
 * An AF_XDP port's mode exists only while its sockets are bound: the port is started for a
 * moment with one queue and a pool it accepts, its mode read, and it is closed again (which
 * detaches the XDP program). JSON null for every other port, or when it does not start.
 */
static json_t *
xdp_probe(uint16_t id, const struct ovl_profile *forced)
{
	struct port_request req = { .max_frame = RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN,
		.forced = forced, .queues = 1 };
	struct rte_eth_dev_info dev;
	struct port_pool_shape shape;
	struct port_info info;
	json_t *o = json_null();

	if (rte_eth_dev_info_get(id, &dev) != 0 || strcmp(dev.driver_name, "net_af_xdp") != 0 ||
			port_pool_shape(id, 1, 0, RTE_MBUF_DEFAULT_BUF_SIZE, &shape) < 0)
		return o;
	req.pool = rte_pktmbuf_pool_create("ports_xdp", shape.mbufs, 256, 0, shape.room,
			rte_eth_dev_socket_id(id));
	if (req.pool == NULL) {
		fprintf(stderr, "ovlperf ports: port %u: no memory for a pool to start it with (try more -m): its XDP mode is unknown\n", id);
		return o;
	}
	if (port_start(id, &req, &info) == 0) {
		json_decref(o);
		o = output_json_xdp(&info.xdp);
	}
	port_stop(id);
	rte_mempool_free(req.pool);
	return o;
}

static json_t *
port_json(uint16_t id, const struct ovl_profile *forced)
{
	struct ovl_profile prof;
	struct port_xstats xstats;
	char err[512];
	json_t *o, *caveats = json_array();
	unsigned int k;
	struct rte_eth_dev_info dev;
	struct rte_eth_link link;
	struct rte_ether_addr mac;
	char name[RTE_ETH_NAME_MAX_LEN], macs[RTE_ETHER_ADDR_FMT_SIZE];
	uint64_t clock;
	uint16_t mtu = 0;
	int hw_clock;

	if (rte_eth_dev_info_get(id, &dev) != 0)
		return NULL;
	rte_eth_dev_get_name_by_port(id, name);
	rte_eth_macaddr_get(id, &mac);
	rte_ether_format_addr(macs, sizeof(macs), &mac);
	memset(&link, 0, sizeof(link));
	rte_eth_link_get_nowait(id, &link);
	rte_eth_dev_get_mtu(id, &mtu);
	/* Reading the NIC clock needs no configuration and changes nothing. */
	hw_clock = rte_eth_read_clock(id, &clock) == 0;
	/*
	 * A driver that cannot list them shows none. DPDK 22.11's net_vhost reads every queue's
	 * counters, set up or not: before its queues exist (here) that is a NULL dereference.
	 */
	if (strcmp(dev.driver_name, "net_vhost") != 0)
		port_xstats_read(id, &xstats);
	else
		memset(&xstats, 0, sizeof(xstats));
	/* max_rx_pktlen is a uint32_t (UINT32_MAX: no limit, as net_null and net_pcap say): "I". */
	o = json_pack("{s:i, s:s, s:s, s:s, s:i, s:b, s:i, s:{s:i, s:i, s:i}, s:I,"
			" s:{s:i, s:i, s:i, s:i}, s:{s:o, s:o},"
			" s:{s:b, s:b, s:s}, s:o}",
		"id", id, "name", name, "driver", dev.driver_name, "mac", macs,
		"socket", rte_eth_dev_socket_id(id),
		"link_up", link.link_status == RTE_ETH_LINK_UP, "link_speed_mbps", (int)link.link_speed,
		"mtu_range", "min", dev.min_mtu, "max", dev.max_mtu, "current", mtu,
		"max_rx_frame", (json_int_t)dev.max_rx_pktlen,
		"queues", "max_rx", dev.max_rx_queues, "max_tx", dev.max_tx_queues,
		"max_rx_desc", dev.rx_desc_lim.nb_max, "max_tx_desc", dev.tx_desc_lim.nb_max,
		"offloads", "rx", bits(dev.rx_offload_capa, 0), "tx", bits(dev.tx_offload_capa, 1),
		"timestamps", "rx_hw", (dev.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP) != 0,
		"nic_clock", hw_clock, "fallback", "tsc",
		"xstats", output_json_xstats(&xstats));
	port_xstats_free(&xstats);
	if (o == NULL)
		return NULL;
	if (port_profile(id, forced, &prof, err, sizeof(err)) == 0) {
		for (k = 0; k < prof.n_caveats; k++)
			json_array_append_new(caveats, json_string(prof.caveats[k].text));
		json_object_set_new(o, "profile", json_string(prof.name));
		json_object_set_new(o, "profile_caveats", caveats);
		json_object_set_new(o, "tx_offloads_expected_missing", bits(prof.tx_offloads & ~dev.tx_offload_capa, 1));
	} else {
		json_decref(caveats);
		json_object_set_new(o, "profile", json_null());
	}
	json_object_set_new(o, "xdp", xdp_probe(id, forced));
	return o;
}

/* "  xdp: veth-a: XDP program native (in the driver), 1 socket(s) bound in copy mode, ..." */
static void
print_xdp(const json_t *x)
{
	struct port_xdp xdp = { .af_xdp = 1, .sockets = 0, .busy_budget = -1 };
	json_t *budget = json_object_get(x, "busy_budget");
	char line[256];

	if (!json_is_object(x))
		return;
	snprintf(xdp.iface, sizeof(xdp.iface), "%s", json_string_value(json_object_get(x, "iface")));
	xdp.attach = json_string_value(json_object_get(x, "attach"));
	xdp.bind = json_string_value(json_object_get(x, "bind"));
	xdp.sockets = (unsigned int)json_integer_value(json_object_get(x, "sockets"));
	if (json_is_integer(budget))
		xdp.busy_budget = (int)json_integer_value(budget);
	port_xdp_describe(&xdp, line, sizeof(line));
	printf("  xdp: %s (while ovlperf ports held it open)\n", line);
}

static void
print_port(const json_t *p)
{
	json_t *tx = json_object_get(json_object_get(p, "offloads"), "tx"), *v;
	json_t *xs = json_object_get(p, "xstats");
	json_t *prof = json_object_get(p, "profile");
	const char *key;
	size_t i;

	printf("port %" JSON_INTEGER_FORMAT ": %s (%s), mac %s, socket %" JSON_INTEGER_FORMAT "\n",
			json_integer_value(json_object_get(p, "id")),
			json_string_value(json_object_get(p, "name")),
			json_string_value(json_object_get(p, "driver")),
			json_string_value(json_object_get(p, "mac")),
			json_integer_value(json_object_get(p, "socket")));
	printf("  link %s, %" JSON_INTEGER_FORMAT " Mbit/s; MTU %" JSON_INTEGER_FORMAT " (%" JSON_INTEGER_FORMAT
			"..%" JSON_INTEGER_FORMAT "); queues rx %" JSON_INTEGER_FORMAT " tx %" JSON_INTEGER_FORMAT "\n",
			json_is_true(json_object_get(p, "link_up")) ? "up" : "down",
			json_integer_value(json_object_get(p, "link_speed_mbps")),
			json_integer_value(json_object_get(json_object_get(p, "mtu_range"), "current")),
			json_integer_value(json_object_get(json_object_get(p, "mtu_range"), "min")),
			json_integer_value(json_object_get(json_object_get(p, "mtu_range"), "max")),
			json_integer_value(json_object_get(json_object_get(p, "queues"), "max_rx")),
			json_integer_value(json_object_get(json_object_get(p, "queues"), "max_tx")));
	printf("  tx offloads:");
	json_array_foreach(tx, i, v)
		printf(" %s", json_string_value(v));
	printf("%s\n", json_array_size(tx) ? "" : " none");
	printf("  timestamps: rx hardware %s, NIC clock %s (TSC otherwise)\n",
			json_is_true(json_object_get(json_object_get(p, "timestamps"), "rx_hw")) ? "yes" : "no",
			json_is_true(json_object_get(json_object_get(p, "timestamps"), "nic_clock")) ? "readable" : "no");
	print_xdp(json_object_get(p, "xdp"));
	printf("  profile: %s\n", json_is_string(prof) ? json_string_value(prof) : "none for this driver");
	json_array_foreach(json_object_get(p, "profile_caveats"), i, v)
		printf("    caveat: %s\n", json_string_value(v));
	if (json_object_size(xs) > 0) {
		printf("  xstats:");
		json_object_foreach(xs, key, v)
			printf(" %s=%" JSON_INTEGER_FORMAT, key, json_integer_value(v));
		printf("\n");
	}
}

int
cmd_ports(const struct eal_args *eal, int argc, char **argv)
{
	struct app_config cfg;
	json_t *ports;
	uint16_t id;
	size_t i;
	int rc;

	config_defaults(&cfg);
	rc = config_parse(&cfg, "ports", argc, argv);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (app_eal_init(eal, 0) != 0)
		return 1;
	ports = json_array();
	RTE_ETH_FOREACH_DEV(id) {
		json_t *p = port_json(id, cfg.profile_given ? &cfg.profile : NULL);

		if (p != NULL)
			json_array_append_new(ports, p);
	}
	if (json_array_size(ports) == 0)
		fprintf(stderr, "ovlperf ports: no ports found%s; a NIC must be bound to vfio-pci (see drivers-config/setup); the virtual devices send and reflect would use are given before --, listed with e.g.: ovlperf " OVL_NO_NIC_EAL " -- ports\n",
				eal->argc <= 1 ? " (without EAL options ovlperf probes no PCI device and adds no --vdev)" : "");
	if (cfg.json_path != NULL) {
		char tmp[4096];
		FILE *f = output_open(cfg.json_path, tmp, sizeof(tmp));

		rc = f == NULL ? -1 : json_dumpf(ports, f, JSON_INDENT(2));
		if (f != NULL) {
			fputc('\n', f);
			rc = rc == 0 ? output_commit(f, cfg.json_path, tmp) : -1;
		}
	}
	if (cfg.json_path == NULL || strcmp(cfg.json_path, "-") != 0)
		for (i = 0; i < json_array_size(ports); i++)
			print_port(json_array_get(ports, i));
	json_decref(ports);
	app_eal_cleanup(rc < 0 ? 1 : 0);
	return rc < 0 ? 1 : 0;
}
