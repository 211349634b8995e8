/* SPDX-License-Identifier: BSD-3-Clause */
/* A run's set-up and tear-down: EAL and lcores, pools and ports, links, reflectors. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "frag.h"
#include "frame.h"
#include "pcap_file.h"
#include "port_gate.h"
#include "port_pool.h"
#include "run.h"
#include "run_stop.h"
#include "telemetry.h"

#define LINK_UP_WAIT_S 5
/* Per queue: a TX ring of jumbo frames, a burst and the lcore's cache. */
#define JUMBO_MBUFS 1023

int
run_begin(struct run *run, const char *command, const struct eal_args *eal, int senders,
		int reflectors)
{
	unsigned int queues = run->cfg.queues;

	run->command = command;
	run->started = time(NULL);
	run->n_senders = senders ? queues : 0;
	run->n_reflectors = reflectors ? queues : 0;
	run_signals_install();
	/* Before EAL starts: rte_eal_init writes over the last argument it parsed. */
	app_eal_args_text(eal, run->eal_args, sizeof(run->eal_args));
	app_command_line(eal, run->command_line, sizeof(run->command_line));
	if (app_eal_init(eal, (unsigned int)(senders + reflectors) * queues) != 0)
		return 1;
	/* Before any port starts: too few lcores for the queues sends nothing. */
	return queue_lcores_pick(&run->cfg, command, senders, reflectors, &run->lcores);
}

int
run_ring_pair(struct run *run, unsigned int mbufs)
{
	struct rte_ring *a2b[OVL_QUEUES_MAX], *b2a[OVL_QUEUES_MAX];
	unsigned int queues = run->cfg.queues, slots = rte_align32pow2(2 * mbufs + 1), q;

	/* What loop_a sends on queue q arrives on loop_b's queue q, and back. */
	for (q = 0; q < queues; q++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "loop_a2b_%u", q);
		a2b[q] = rte_ring_create(name, slots, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "loop_b2a_%u", q);
		b2a[q] = rte_ring_create(name, slots, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (a2b[q] == NULL || b2a[q] == NULL)
			goto fail;
	}
	if (rte_eth_from_rings("loop_a", b2a, queues, a2b, queues, SOCKET_ID_ANY) >= 0 &&
			rte_eth_from_rings("loop_b", a2b, queues, b2a, queues, SOCKET_ID_ANY) >= 0)
		return 0;
fail:
	fprintf(stderr, "ovlperf %s: cannot make the ring pair (%u slots per queue: try more -m)\n",
			run->command, mbufs);
	return -1;
}

/* What a virtual device that did not start most often lacks, by driver. */
static const char *
vdev_hint(const char *eal_args)
{
	static const struct {
		const char *driver, *hint;
	} hints[] = {
		{ "net_af_xdp", "; net_af_xdp: iface= must name an interface in this network namespace, on a kernel with AF_XDP" },
		{ "net_virtio_user", "; net_virtio_user: path= must be a vhost-user socket already served (start the net_vhost side first), and on hugepages give --single-file-segments" },
		{ "net_vhost", "; net_vhost: iface= is the socket it creates: remove a stale one" },
		{ "net_af_packet", "; net_af_packet: iface= must name an interface in this network namespace" },
	};
	size_t i;

	for (i = 0; i < RTE_DIM(hints); i++)
		if (strstr(eal_args, hints[i].driver) != NULL)
			return hints[i].hint;
	return "";
}

int
run_port_exists(const struct run *run, uint16_t id)
{
	if (rte_eth_dev_count_avail() == 0 && strstr(run->eal_args, "--vdev") != NULL) {
		fprintf(stderr, "ovlperf %s: no ports: the --vdev device did not start (EAL says why above)%s\n",
				run->command, vdev_hint(run->eal_args));
		return -1;
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "ovlperf %s: no ports found: %s needs a NIC bound to DPDK or a --vdev; without a NIC try (net_null0 discards what it is sent): ovlperf " OVL_NO_NIC_EAL " -- %s%s\n",
				run->command, run->command, run->command,
				strcmp(run->command, "send") == 0 ? " " OVL_NO_NIC_SEND : "");
		return -1;
	}
	if (!rte_eth_dev_is_valid_port(id)) {
		fprintf(stderr, "ovlperf %s: port %u does not exist (%u found); %s\n", run->command,
				id, rte_eth_dev_count_avail(),
				run->n_senders && run->n_reflectors ?
					"loop needs two: give two --vdev, or none for a ring pair" : "give --port");
		return -1;
	}
	return 0;
}

int
run_port_start(struct run *run, uint16_t id, const struct port_request *req, unsigned int mbufs,
		uint16_t room)
{
	unsigned int i = run->n_ports;
	struct port_request r = *req;
	struct port_pool_shape shape;
	char name[32];
	int rc;

	/* The driver's rules for the pool that fills its RX queues (AF_XDP: the pool is its UMEM). */
	if (port_pool_shape(id, r.queues, mbufs, room, &shape) < 0) {
		fprintf(stderr, "ovlperf %s: port %u: cannot read device info\n", run->command, id);
		return 1;
	}
	if (shape.max_frame != 0 && r.max_frame > shape.max_frame) {
		fprintf(stderr, "ovlperf %s: port %u cannot take %u-byte frames: %s: at most %u bytes with FCS; give a smaller --frame-size or --mtu\n",
				run->command, id, r.max_frame + 4u, shape.rule, shape.max_frame + 4u);
		return OVL_EXIT_USAGE;
	}
	/* An MTU there is the kernel interface's: raised only for frames the command sends. */
	if (shape.kernel_mtu && r.max_frame == 0)
		r.max_frame = RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN;
	/* One pool per port, shared by its queues' lcores through their mempool caches. */
	snprintf(name, sizeof(name), "pool_%u", i);
	run->pools[i] = rte_pktmbuf_pool_create(name, shape.mbufs, 256, 0, shape.room,
			rte_eth_dev_socket_id(id));
	if (run->pools[i] == NULL) {
		fprintf(stderr, "ovlperf %s: cannot create the mbuf pool for port %u (try more -m)\n",
				run->command, id);
		return 1;
	}
	/*
	 * Frames longer than the MTU's mbufs come chained from some drivers: the reflector copies
	 * each into one jumbo mbuf of a pool of its own (so no fast free, which needs one pool).
	 */
	if (shape.chained) {
		snprintf(name, sizeof(name), "jumbo_%u", i);
		run->jumbo[i] = rte_pktmbuf_pool_create(name, JUMBO_MBUFS * (r.queues ? r.queues : 1u),
				256, 0, RTE_PKTMBUF_HEADROOM + OVL_FRAME_MAX, rte_eth_dev_socket_id(id));
		if (run->jumbo[i] == NULL) {
			fprintf(stderr, "ovlperf %s: cannot create the jumbo mbuf pool for port %u (try more -m)\n",
					run->command, id);
			return 1;
		}
		r.one_pool = 0;
	}
	r.pool = run->pools[i];
	rc = port_start(id, &r, &run->ports[i]);
	if (rc < 0)
		return rc == PORT_USAGE ? OVL_EXIT_USAGE : 1;
	run->n_ports = i + 1;
	/* Its PMD frees queue memory on the interrupt thread: the lcores take turns with it. */
	if (port_gate_needed(run->ports[i].driver) && port_gate_start(run->command) < 0)
		return 1;
	return 0;
}

/* A port whose link is still coming up would take the first probes' loss for the network's. */
int
run_links_wait(struct run *run)
{
	uint64_t hz = rte_get_tsc_hz(), deadline = rte_rdtsc() + LINK_UP_WAIT_S * hz;
	unsigned int i;

	for (i = 0; i < run->n_ports; i++) {
		struct port_info *p = &run->ports[i];
		struct rte_eth_link link;

		for (;;) {
			memset(&link, 0, sizeof(link));
			rte_eth_link_get_nowait(p->id, &link);
			if (link.link_status == RTE_ETH_LINK_UP)
				break;
			if (rte_rdtsc() > deadline) {
				fprintf(stderr, "ovlperf %s: port %u (%s) link still down after %d s: check the cable, the peer (memif: is the other side running?), or the profile\n",
						run->command, p->id, p->name, LINK_UP_WAIT_S);
				return -1;
			}
			usleep(10000);
		}
		p->link_up = 1;
		p->link_speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
	}
	return 0;
}

/* A list given (reflect's --ip, --inner-ip), else the one address, each answered by mac. */
static void
given_or_one(struct ovl_own_addrs *set, const struct ovl_own_addrs *given, int ip6, rte_be32_t v4,
		const uint8_t v6[16], const struct rte_ether_addr *mac)
{
	unsigned int i;

	if (given->n > 0)
		*set = *given;
	else
		ovl_own_addrs_add(set, ip6, v4, v6, mac);
	for (i = 0; i < set->n; i++)
		set->mac[i] = *mac;
}

int
run_reflector_addresses(const struct run *run, struct neighbour_self *self)
{
	const struct ovl_frame_spec *spec = &run->cfg.spec;

	if (run->n_stream_cfgs == 0) {
		given_or_one(&self->ips, &run->cfg.own_ips, spec->ip6, spec->dst_ip, spec->dst_ip6,
				&self->mac);
		given_or_one(&self->inner_ips, &run->cfg.own_inner_ips, spec->inner_ip6,
				spec->inner_dst_ip, spec->inner_dst_ip6, &spec->inner_dst_mac);
		return 0;
	}
	return run_stream_addresses(run, self, 1);
}

int
run_stream_addresses(const struct run *run, struct neighbour_self *self, int dst)
{
	unsigned int k;

	for (k = 0; k < run->n_stream_cfgs; k++)
		if (neighbour_self_add(self, &run->stream_cfgs[k].spec, dst) < 0) {
			fprintf(stderr, "ovlperf %s: the streams' %s addresses are more than %d or of two IP versions: give at most %d of one version\n",
					run->command, dst ? "destination" : "source", OVL_OWN_ADDRS_MAX,
					OVL_OWN_ADDRS_MAX);
			return -1;
		}
	return 0;
}

int
run_reflectors_setup(struct run *run, uint32_t mask)
{
	const struct app_config *cfg = &run->cfg;
	const struct port_info *port = &run->ports[run->n_ports - 1];
	unsigned int q;

	for (q = 0; q < run->n_reflectors; q++) {
		struct reflector *r = &run->reflectors[q];

		memset(r, 0, sizeof(*r));
		r->port = port->id;
		r->queue = (uint16_t)q;
		config_rx(cfg, mask, 1, &r->rx);
		r->mac = port->mac;
		r->self.mac = port->mac;
		if (run_reflector_addresses(run, &r->self) < 0)
			return -1;
		r->jumbo = run->jumbo[run->n_ports - 1];
		if (reflector_configure(r, cfg) < 0) {
			fprintf(stderr, "ovlperf %s: out of memory for the replay window\n", run->command);
			return -1;
		}
	}
	return 0;
}

void
run_end(struct run *run, int status)
{
	unsigned int i;

	telemetry_detach();
	latency_log_free(&run->latency_log);
	if (run->senders[0].capture != NULL)
		ovl_pcap_abort(run->senders[0].capture);
	run->senders[0].capture = NULL;
	for (i = 0; i < OVL_QUEUES_MAX; i++) {
		ovl_reasm_free(run->senders[i].reasm);
		run->senders[i].reasm = NULL;
		sender_free(&run->senders[i]);
		reflector_release(&run->reflectors[i]);
	}
	port_gate_stop();
	for (i = 0; i < run->n_ports; i++)
		port_stop(run->ports[i].id);
	run->n_ports = 0;
	streams_free(run->streams, run->n_streams);
	run->streams = NULL;
	run->n_streams = 0;
	app_eal_cleanup(status);
}
