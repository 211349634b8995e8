/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>

#include "ndp.h"
#include "port.h"
#include "port_peer.h"

#define OVL_FRAME_MAX_NOFCS (9216 - 4)

#define RX_DESC 512
#define TX_DESC 512

int
port_profile(uint16_t id, const struct ovl_profile *forced, struct ovl_profile *p, char *err,
		size_t errlen)
{
	struct rte_eth_dev_info dev;
	unsigned int i;

	if (rte_eth_dev_info_get(id, &dev) != 0) {
		snprintf(err, errlen, "port %u: cannot read device info", id);
		return -EIO;
	}
	if (forced != NULL) {
		*p = *forced;
		for (i = 0; i < p->n_names; i++)
			if (strcmp(p->names[i], dev.driver_name) == 0)
				return 0;
		fprintf(stderr, "ovlperf: warning: profile %s is for %s..., port %u's driver is %s\n",
				p->name, p->n_names ? p->names[0] : "?", id, dev.driver_name);
		return 0;
	}
	return ovl_profile_find(ovl_profile_dir(), dev.driver_name, p, err, errlen);
}

static uint64_t
xstat_value(uint16_t port, const char *name, int *found)
{
	uint64_t id, value;

	*found = rte_eth_xstats_get_id_by_name(port, name, &id) == 0 &&
		rte_eth_xstats_get_by_id(port, &id, &value, 1) == 1;
	return *found ? value : 0;
}

void
port_watch_read(const struct port_info *p, struct port_watch *w)
{
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->n = p->n_watch;
	for (i = 0; i < p->n_watch; i++) {
		int found;
		uint64_t now = xstat_value(p->id, p->watch_names[i], &found);

		w->found[i] = found && p->watch_found[i];
		if (!w->found[i])
			continue;
		w->delta[i] = now - p->watch_start[i];
		if (w->delta[i] != 0 && strstr(p->watch_names[i], "allowance_exceeded") != NULL)
			w->shaped = 1;
	}
}

static int
driver_listed(const char *driver, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(driver, list[i]) == 0)
			return 1;
	return 0;
}

int
port_tx_keeps_frames(uint16_t id, const char **why)
{
	/*
	 * net_af_xdp keeps them too, but copies each into an mbuf of its UMEM pool first (one
	 * allocation and free per frame): frames copied into that pool by the sender leave as
	 * they are.
	 */
	static const char *const handing_on[] = { "net_ring", "net_memif", "net_af_xdp" };
	/*
	 * net_virtio_user keeps them, but sends copied frames faster: 31.6 Mpps copied against 22.6
	 * kept, 64-byte raw into net_vhost (bench/README.md, "Limits that remain"). With kept
	 * frames its TX stalls where it first reads each mbuf; prefetching them did not help.
	 */
	static const char *const copy_faster[] = { "net_virtio_user" };
	struct rte_eth_dev_info dev;

	if (rte_eth_dev_info_get(id, &dev) != 0) {
		*why = "no device info";
		return 0;
	}
	*why = dev.driver_name;
	return !driver_listed(dev.driver_name, handing_on, RTE_DIM(handing_on)) &&
		!driver_listed(dev.driver_name, copy_faster, RTE_DIM(copy_faster));
}

/*
 * Drivers that fill each RX queue from a source of its own, no hashing involved: net_ring,
 * net_memif, net_vhost and net_virtio_user (what the peer sent on its TX queue q: a vhost-user
 * queue pair is one virtqueue each way), net_pcap (its q-th rx_pcap), net_null.
 */
static int
queues_per_source(const char *driver)
{
	static const char *const own[] = { "net_ring", "net_memif", "net_pcap", "net_null",
		"net_vhost", "net_virtio_user" };

	return driver_listed(driver, own, RTE_DIM(own));
}

/*
 * RSS on the outer headers: IP addresses and UDP ports. An overlay's outer UDP source port
 * already varies per inner flow (lib/headers.c), so the outer fields spread tunnels' flows.
 */
static void
choose_steering(uint16_t id, const struct rte_eth_dev_info *dev, const struct port_request *req,
		uint16_t queues, struct rte_eth_conf *conf, struct port_info *info)
{
	info->rx_steering = "single";
	if (queues <= 1)
		return;
	if (queues_per_source(dev->driver_name)) {
		info->rx_steering = "per_queue";
		return;
	}
	info->rss_hf = req->rss ? (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & dev->flow_type_rss_offloads : 0;
	if (info->rss_hf != 0) {
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_hf = info->rss_hf;
		info->rx_steering = "rss";
		return;
	}
	info->rx_steering = "none";
	if (req->rss)
		fprintf(stderr, "ovlperf: warning: port %u (%s) offers no RSS on IP or UDP: with %u queues all traffic lands on queue 0\n",
				id, dev->driver_name, queues);
}

/* Where a virtual device's queue count comes from, for the message that it has too few. */
static const char *
queues_hint(const char *driver)
{
	static const struct {
		const char *driver, *hint;
	} hints[] = {
		{ "net_af_xdp", " (net_af_xdp: queue_count=N in its --vdev, and N channels on the interface)" },
		{ "net_virtio_user", " (net_virtio_user: queues=N in its --vdev, and as many on the vhost side)" },
		{ "net_vhost", " (net_vhost: queues=N in its --vdev)" },
		{ "net_memif", " (net_memif: the peers' queues)" },
	};
	size_t i;

	for (i = 0; i < RTE_DIM(hints); i++)
		if (strcmp(driver, hints[i].driver) == 0)
			return hints[i].hint;
	return "";
}

/*
 * Neighbour solicitations come to the solicited-node groups' MACs (33:33:ff:...), which a NIC's
 * unicast filter drops: add them to the multicast filter, or, where the port has none, take all
 * multicast. A port with neither (most virtual ones) receives what its peer sends anyway.
 */
static void
ndp_groups_join(uint16_t id, const struct ovl_own_addrs *own)
{
	struct rte_ether_addr groups[OVL_OWN_ADDRS_MAX];
	unsigned int i;

	for (i = 0; i < own->n; i++)
		groups[i] = ovl_ndp_solicited_mac(own->v6[i]);
	if (rte_eth_dev_set_mc_addr_list(id, groups, own->n) != 0)
		rte_eth_allmulticast_enable(id);
}

int
port_start(uint16_t id, const struct port_request *req, struct port_info *info)
{
	uint16_t max_frame = req->max_frame;
	uint64_t tx_offloads = req->tx_offloads, rx_offloads = req->rx_offloads;
	struct ovl_profile prof;
	char err[512];
	uint16_t rx_desc = RX_DESC, tx_desc = TX_DESC;
	uint16_t queues = req->queues ? req->queues : 1, q;
	unsigned int i;
	struct rte_eth_conf conf;
	struct rte_eth_dev_info dev;
	struct rte_eth_link link;
	uint16_t mtu = max_frame > RTE_ETHER_HDR_LEN ? max_frame - RTE_ETHER_HDR_LEN : 0;
	int xsk_before[PORT_XDP_SOCKETS_MAX];
	unsigned int n_xsk;
	int rc;

	memset(info, 0, sizeof(*info));
	info->id = id;
	if (!rte_eth_dev_is_valid_port(id)) {
		fprintf(stderr, "ovlperf: port %u does not exist (%u ports found); without a NIC add e.g. --vdev net_null0 before --\n",
				id, rte_eth_dev_count_avail());
		return -1;
	}
	rc = rte_eth_dev_info_get(id, &dev);
	if (rc != 0) {
		fprintf(stderr, "ovlperf: port %u: cannot read device info: %s\n", id, strerror(-rc));
		return -1;
	}
	memset(&prof, 0, sizeof(prof));
	rc = port_profile(id, req->forced, &prof, err, sizeof(err));
	if (rc < 0 && rc != -ENOENT) {
		fprintf(stderr, "ovlperf: %s\n", err);
		return -1;
	}
	if (rc == 0) {
		snprintf(info->profile, sizeof(info->profile), "%s", prof.name);
		if (prof.rx_desc)
			rx_desc = prof.rx_desc;
		if (prof.tx_desc)
			tx_desc = prof.tx_desc;
		if (prof.hugepages_required && !rte_eal_has_hugepages()) {
			fprintf(stderr, "ovlperf: port %u (%s) needs hugepages (profile %s): reserve them with drivers-config/setup --hugepages N --apply, and leave out --no-huge\n",
					id, dev.driver_name, prof.name);
			return PORT_USAGE;
		}
		for (i = 0; i < prof.n_stats && i < PORT_WATCH_MAX; i++)
			snprintf(info->watch_names[i], sizeof(info->watch_names[i]), "%s", prof.stats[i]);
		info->n_watch = i;
	}
	rte_eth_dev_get_name_by_port(id, info->name);
	snprintf(info->driver, sizeof(info->driver), "%s", dev.driver_name);
	info->rx_offload_capa = dev.rx_offload_capa;
	info->tx_offload_capa = dev.tx_offload_capa;
	info->socket = rte_eth_dev_socket_id(id);

	if (queues > dev.max_rx_queues || queues > dev.max_tx_queues) {
		fprintf(stderr, "ovlperf: port %u (%s) has at most %u RX and %u TX queues: --queues %u is too many%s\n",
				id, dev.driver_name, dev.max_rx_queues, dev.max_tx_queues, queues,
				queues_hint(dev.driver_name));
		return PORT_USAGE;
	}
	memset(&conf, 0, sizeof(conf));
	choose_steering(id, &dev, req, queues, &conf, info);
	info->queues = queues;
	/* Offloads only where advertised: frees happen on the lcore that allocated. */
	if (req->one_pool && (dev.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE))
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	if ((dev.tx_offload_capa & tx_offloads) != tx_offloads) {
		char want[256];

		port_offload_names(tx_offloads & ~dev.tx_offload_capa, 1, want, sizeof(want));
		fprintf(stderr, "ovlperf: port %u (%s) does not advertise the TX offloads %s: leave out --tx-offload, or use a port that has them (see ovlperf ports)\n",
				id, dev.driver_name, want);
		return PORT_USAGE;
	}
	conf.txmode.offloads |= tx_offloads;
	if ((dev.rx_offload_capa & rx_offloads) != rx_offloads) {
		char want[256];

		port_offload_names(rx_offloads & ~dev.rx_offload_capa, 0, want, sizeof(want));
		fprintf(stderr, "ovlperf: port %u (%s) does not advertise the RX offloads %s\n", id,
				dev.driver_name, want);
		return PORT_USAGE;
	}
	conf.rxmode.offloads |= rx_offloads;
	/* 0: whatever the port takes (a reflector answers every size it receives). */
	if (max_frame == 0) {
		max_frame = (uint16_t)RTE_MIN(dev.max_rx_pktlen, (uint32_t)OVL_FRAME_MAX_NOFCS);
		mtu = dev.max_mtu > RTE_ETHER_MTU && dev.max_mtu != UINT16_MAX ?
			(uint16_t)RTE_MIN(dev.max_mtu, (uint16_t)(OVL_FRAME_MAX_NOFCS - RTE_ETHER_HDR_LEN)) : 0;
	}
	if (max_frame > RTE_ETHER_MAX_LEN - 4 && dev.max_rx_pktlen < max_frame) {
		fprintf(stderr, "ovlperf: port %u (%s) takes frames up to %u bytes without FCS, %u needed: use a smaller --frame-size or --mtu\n",
				id, dev.driver_name, dev.max_rx_pktlen, max_frame);
		return PORT_USAGE;
	}
	rc = rte_eth_dev_configure(id, queues, queues, &conf);
	if (rc != 0) {
		fprintf(stderr, "ovlperf: port %u: configure failed: %s\n", id, strerror(-rc));
		return -1;
	}
	/* Virtual devices often have no MTU to set; the frames still pass. */
	if (mtu > RTE_ETHER_MTU && rte_eth_dev_set_mtu(id, mtu) == 0)
		info->mtu_set = 1;
	rte_eth_dev_get_mtu(id, &info->mtu);
	rte_eth_dev_adjust_nb_rx_tx_desc(id, &rx_desc, &tx_desc);
	info->tx_desc = tx_desc;
	/* AF_XDP: the queues' set-up makes the sockets whose mode is read after the start. */
	n_xsk = port_xdp_sockets(xsk_before, PORT_XDP_SOCKETS_MAX);
	for (q = 0, rc = 0; q < queues && rc == 0; q++) {
		rc = rte_eth_rx_queue_setup(id, q, rx_desc, rte_eth_dev_socket_id(id), NULL, req->pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(id, q, tx_desc, rte_eth_dev_socket_id(id), NULL);
	}
	if (rc != 0) {
		fprintf(stderr, "ovlperf: port %u: queue %u setup failed: %s\n", id, q - 1, strerror(-rc));
		return -1;
	}
	rc = rte_eth_dev_start(id);
	if (rc != 0) {
		fprintf(stderr, "ovlperf: port %u: start failed: %s\n", id, strerror(-rc));
		return -1;
	}
	port_xdp_read(id, xsk_before, n_xsk, &info->xdp);
	if (req->promiscuous)
		rte_eth_promiscuous_enable(id);
	if (req->ip6 != NULL && req->ip6->ip6)
		ndp_groups_join(id, req->ip6);
	for (i = 0; i < info->n_watch; i++)
		info->watch_start[i] = xstat_value(id, info->watch_names[i], &info->watch_found[i]);
	rte_eth_macaddr_get(id, &info->mac);
	info->rx_offloads = conf.rxmode.offloads;
	info->tx_offloads = conf.txmode.offloads;
	if (rte_eth_link_get_nowait(id, &link) == 0) {
		info->link_up = link.link_status == RTE_ETH_LINK_UP;
		info->link_speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
	}
	return 0;
}

void
port_stop(uint16_t id)
{
	if (port_peer_leave_open(id))
		return;
	rte_eth_dev_stop(id);
	rte_eth_dev_close(id);
}

void
port_offload_names(uint64_t bits, int tx, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 64 && off < len; i++) {
		if (!(bits & (1ull << i)))
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off ? " " : "",
				tx ? rte_eth_dev_tx_offload_name(1ull << i) : rte_eth_dev_rx_offload_name(1ull << i));
	}
}

/* xstats worth a look: drops, and ENA's shaping counters (never mistake shaping for overhead). */
static int
xstat_matters(const char *name)
{
	static const char *const keys[] = { "allowance_exceeded", "missed", "nombuf", "errors",
		"dropped", "discard" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strstr(name, keys[i]) != NULL)
			return 1;
	return 0;
}

int
port_xstats_read(uint16_t port, struct port_xstats *x)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *values;
	int n = rte_eth_xstats_get_names(port, NULL, 0), i, rc = -1;

	memset(x, 0, sizeof(*x));
	if (n <= 0)
		return 0;
	names = calloc((size_t)n, sizeof(*names));
	values = calloc((size_t)n, sizeof(*values));
	x->s = calloc((size_t)n, sizeof(*x->s));
	if (names != NULL && values != NULL && x->s != NULL &&
			rte_eth_xstats_get_names(port, names, (unsigned int)n) == n &&
			rte_eth_xstats_get(port, values, (unsigned int)n) == n) {
		for (i = 0; i < n; i++) {
			const char *name = names[values[i].id].name;

			if (!xstat_matters(name))
				continue;
			snprintf(x->s[x->n].name, sizeof(x->s[x->n].name), "%s", name);
			x->s[x->n++].value = values[i].value;
		}
		rc = 0;
	}
	free(names);
	free(values);
	if (rc != 0)
		port_xstats_free(x);
	return rc;
}

void
port_xstats_free(struct port_xstats *x)
{
	free(x->s);
	x->s = NULL;
	x->n = 0;
}
