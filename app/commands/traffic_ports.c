/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * send and loop: their ports. The pools sized for the frames (and in loop over its own ring
 * pair, for the rate), the sender's RX timestamp source chosen before its port starts, the
 * links waited for, and the reference line rate.
 */
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf_dyn.h>

#include "traffic.h"

#define POOL_MBUFS 2047 /* per queue: RX and TX descriptors, a ring in flight, caches */

int
traffic_check_sizes(const struct app_config *cfg, const char *command)
{
	unsigned int classes = config_classes(cfg), k;
	char err[512];

	/* Every listed encapsulation at every size of the mix. */
	for (k = 0; k < cfg->n_encaps * classes; k++) {
		struct ovl_frame_spec spec;
		struct ovl_frame_layout lay;

		config_spec_for_class(cfg, k / classes, k % classes, &spec);
		if (ovl_frame_layout(&spec, &lay, err, sizeof(err)) < 0) {
			/* The option that asked for the full probe, when it does not fit. */
			const char *why = strstr(err, "full probe") == NULL ? "" :
				cfg->keyed ? "--key: " :
				cfg->dwell ? "--dwell: the reflector stamps only full probes; " : "";

			fprintf(stderr, "ovlperf %s: %s%s\n", command, why, err);
			return OVL_EXIT_USAGE;
		}
		if (cfg->mix.n > 0 && lay.n_frames > 1) {
			fprintf(stderr, "ovlperf %s: a mix is not fragmented: %u-byte inner packets do not fit the %s tunnel MTU of %u; give a larger --mtu or smaller sizes\n",
					command, lay.inner_len, spec.encap->name, lay.tunnel_mtu);
			return OVL_EXIT_USAGE;
		}
	}
	return 0;
}

/*
 * The layout of the i-th listed encapsulation's frames of size class c (sizes were checked
 * before EAL).
 */
static int
layout_of(const struct app_config *cfg, unsigned int i, unsigned int c,
		struct ovl_frame_layout *lay)
{
	struct ovl_frame_spec spec;
	char err[256];

	config_spec_for_class(cfg, i, c, &spec);
	return ovl_frame_layout(&spec, lay, err, sizeof(err));
}

#define LOOP_DEPTH_MS 10
#define LOOP_POOL_BYTES_MAX (192u << 20)

/*
 * The sender's mbufs per queue on loop's own ring pair: 10 ms of its packets. A wire does not
 * push back on the sender; a ring does when it fills, so a reflector lcore that loses its CPU
 * for a few milliseconds would otherwise throttle the sender and show as a pacing error. The
 * packets wait in the ring instead, and the wait shows where it belongs, in the round trip.
 */
static unsigned int
loop_mbufs(const struct run *run, uint16_t max_frame)
{
	const struct app_config *cfg = &run->cfg;
	uint64_t pps = 0, n;
	unsigned int i, k, per_mbuf = 2 * RTE_CACHE_LINE_SIZE + RTE_PKTMBUF_HEADROOM + max_frame;

	for (k = 0; k < run->n_stream_cfgs; k++)
		for (i = 0; i < run->stream_cfgs[k].n_encaps; i++) {
			const struct app_config *s = &run->stream_cfgs[k];
			struct ovl_frame_layout lay;

			/* A mix's first class stands for it: near enough for a pool's size. */
			if (layout_of(s, i, 0, &lay) == 0)
				pps += rate_to_pps(&s->rate, lay.frame_size, 0);
		}
	n = pps * LOOP_DEPTH_MS / 1000 / cfg->queues;
	n = RTE_MIN(n, (uint64_t)LOOP_POOL_BYTES_MAX / per_mbuf / cfg->queues);
	return n <= POOL_MBUFS ? POOL_MBUFS : rte_align32pow2((uint32_t)n + 1) - 1;
}

/* The largest frame of any stream, from the layouts alone (templates come later). */
static uint16_t
max_frame_of(const struct run *run)
{
	uint16_t max = 0;
	unsigned int i, c, k;

	for (k = 0; k < run->n_stream_cfgs; k++) {
		const struct app_config *cfg = &run->stream_cfgs[k];

		for (i = 0; i < cfg->n_encaps; i++)
			for (c = 0; c < config_classes(cfg); c++) {
				struct ovl_frame_layout lay;

				if (layout_of(cfg, i, c, &lay) == 0)
					max = RTE_MAX(max, (uint16_t)(lay.frame_size - OVL_FCS_LEN));
			}
	}
	return max;
}

/*
 * Before the sender's port starts: its RX timestamps come from the NIC when the port advertises
 * RTE_ETH_RX_OFFLOAD_TIMESTAMP and its clock can be read (--timestamps auto or hw), else from
 * the TSC. A profile's word is only a hint, told in the reason: the port decides. Returns 0
 * with the offload to enable in *rx_offloads, or OVL_EXIT_USAGE after one line when hw cannot be.
 */
static int
choose_timestamps(struct run *run, uint64_t *rx_offloads)
{
	struct ovl_profile prof;
	char why[256], err[256];
	int profile_says;

	*rx_offloads = 0;
	if (run->cfg.timestamps == TS_TSC) {
		snprintf(run->ts_why, sizeof(run->ts_why), "--timestamps tsc");
		return 0;
	}
	/* A forced profile is taken as it is (port_start warns once if it names another driver). */
	memset(&prof, 0, sizeof(prof));
	if (run->cfg.profile_given)
		prof = run->cfg.profile;
	else if (port_profile(run->cfg.port, NULL, &prof, err, sizeof(err)) != 0)
		prof.rx_hw_ts = OVL_RX_HW_TS_NO;
	profile_says = prof.rx_hw_ts == OVL_RX_HW_TS_YES;
	if (port_clock_capable(run->cfg.port, why, sizeof(why)) < 0) {
		if (run->cfg.timestamps == TS_HW) {
			fprintf(stderr, "ovlperf %s: --timestamps hw: %s: use --timestamps auto or tsc\n",
					run->command, why);
			return OVL_EXIT_USAGE;
		}
		snprintf(run->ts_why, sizeof(run->ts_why), "%s%s%s%s", why,
				profile_says ? " (its profile " : "", profile_says ? prof.name : "",
				profile_says ? " lists RX timestamps: the port decides)" : "");
		return 0;
	}
	*rx_offloads = RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	return 0;
}

/* After the sender's port started with the offload: the stamps' field, and the clock's line. */
static int
start_rx_clock(struct run *run)
{
	char why[256];
	int rc;

	rc = rte_mbuf_dyn_rx_timestamp_register(&run->rx_ts_offset, &run->rx_ts_flag);
	if (rc != 0)
		snprintf(why, sizeof(why), "port %u: rte_mbuf_dyn_rx_timestamp_register: %s",
				run->cfg.port, strerror(rte_errno));
	else
		rc = port_clock_start(&run->rx_clock, run->cfg.port, rte_get_tsc_hz(), why, sizeof(why));
	if (rc != 0) {
		if (run->cfg.timestamps == TS_HW) {
			fprintf(stderr, "ovlperf %s: --timestamps hw: %s: use --timestamps auto or tsc\n",
					run->command, why);
			return OVL_EXIT_USAGE;
		}
		snprintf(run->ts_why, sizeof(run->ts_why), "%s (the RX timestamp offload stays enabled, unused)", why);
		return 0;
	}
	run->rx_hw = 1;
	snprintf(run->ts_why, sizeof(run->ts_why), "port %u (%s, driver %s) stamps RX (RTE_ETH_RX_OFFLOAD_TIMESTAMP) and its clock is readable%s",
			run->cfg.port, run->ports[0].name, run->ports[0].driver,
			run->cfg.timestamps == TS_HW ? ", as asked" : "");
	return 0;
}

/*
 * --tx-offload cksum on a port that fills UDP checksums but not IPv4 header ones (virtio: the
 * virtio-net header has no field for it): the port takes the inner UDP checksum and ovlperf
 * keeps computing the inner IPv4 one, which it says once. A port without UDP_CKSUM is refused
 * when it starts.
 */
static void
offloads_for_port(struct run *run)
{
	const uint64_t ip = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM, udp = RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	struct app_config *cfg = &run->cfg;
	struct rte_eth_dev_info dev;

	if (!(cfg->tx_offloads & ip) || rte_eth_dev_info_get(cfg->port, &dev) != 0 ||
			(dev.tx_offload_capa & ip) || !(dev.tx_offload_capa & udp))
		return;
	cfg->tx_offloads &= ~ip;
	fprintf(stderr, "ovlperf %s: port %u (%s) has no IPv4 header checksum offload: --tx-offload cksum leaves the inner UDP checksums to it, ovlperf computes the inner IPv4 ones\n",
			run->command, cfg->port, dev.driver_name);
}

/*
 * Each port's own underlay addresses (IPv6 ones join their solicited-node groups): every
 * stream's sources on the sender's, the reflector's on loop's other. Returns 0 or -1 after one
 * line.
 */
static int
own_addresses(const struct run *run, struct neighbour_self side[2])
{
	if (run_stream_addresses(run, &side[0], 0) < 0)
		return -1;
	return run_reflector_addresses(run, &side[1]);
}

int
traffic_ports_start(struct run *run, int loop)
{
	struct app_config *cfg = &run->cfg;
	uint16_t max_frame = max_frame_of(run), ids[2] = { cfg->port, cfg->peer_port };
	struct neighbour_self side[2] = { 0 };
	uint64_t rx_offloads = 0;
	const char *keep_why;
	unsigned int i;
	int rc;

	/* Frames on our own ring pair are all ours: mbufs just big enough, as many as the rate wants. */
	unsigned int mbufs = POOL_MBUFS;
	uint16_t room = RTE_MAX((uint16_t)RTE_MBUF_DEFAULT_BUF_SIZE,
			(uint16_t)(RTE_PKTMBUF_HEADROOM + max_frame));

	if (loop && rte_eth_dev_count_avail() == 0) {
		mbufs = loop_mbufs(run, max_frame);
		room = (uint16_t)(RTE_PKTMBUF_HEADROOM + RTE_MAX(max_frame, (uint16_t)(RTE_ETHER_MIN_LEN * 2)));
		if (run_ring_pair(run, mbufs) < 0)
			return 1;
	}
	if (loop && ids[0] == ids[1] && rte_eth_dev_count_avail() > 0) {
		fprintf(stderr, "ovlperf loop: --port and --peer-port are both %u: loop needs two ports\n", ids[0]);
		return 1;
	}
	if (run_port_exists(run, ids[0]) < 0)
		return 1;
	run->keep_frames = port_tx_keeps_frames(ids[0], &keep_why);
	offloads_for_port(run);
	rc = choose_timestamps(run, &rx_offloads);
	if (rc != 0)
		return rc;
	if (loop && run_port_exists(run, ids[1]) < 0)
		return 1;
	if (own_addresses(run, side) < 0)
		return 1;
	for (i = 0; i < (loop ? 2u : 1u); i++) {
		struct port_request req = { .max_frame = max_frame,
			.promiscuous = i == 1 && cfg->promiscuous,
			.tx_offloads = i == 0 ? cfg->tx_offloads : 0,
			.rx_offloads = i == 0 ? rx_offloads : 0,
			.one_pool = i == 1 || !run->keep_frames,
			.forced = cfg->profile_given ? &cfg->profile : NULL,
			.queues = (uint16_t)cfg->queues, .rss = i == 1,
			.ip6 = &side[i].ips };

		rc = run_port_start(run, ids[i], &req, (i == 0 ? mbufs : POOL_MBUFS) * cfg->queues, room);
		if (rc != 0)
			return rc;
	}
	if (run_links_wait(run) < 0)
		return 1;
	if (rx_offloads != 0 && (rc = start_rx_clock(run)) != 0)
		return rc;
	if (cfg->line_rate_bps > 0) {
		run->link_bps = cfg->line_rate_bps;
		run->link_source = "option";
	} else if (run->ports[0].link_speed_mbps > 0) {
		run->link_bps = run->ports[0].link_speed_mbps * 1e6;
		run->link_source = "port";
	} else {
		run->link_source = "unknown";
	}
	/* A link that stays down ends the run rather than leave the sender waiting. */
	run->watch_links = 1;
	return 0;
}
