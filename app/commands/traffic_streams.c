/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * send and loop: what they send. Each stream's next hop (ARP or NDP, or loop's peer port), the
 * streams built and checked against the line rate, each queue's pacing, and a sender per queue
 * owning that queue's streams.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "frag.h"
#include "neighbour.h"
#include "pcap_file.h"
#include "traffic.h"

#define REASM_FLOWS 1024

/* Whether a and b are one address (of version ip6: v6, else v4). */
static int
same_ip(int ip6, rte_be32_t a4, const uint8_t a6[16], rte_be32_t b4, const uint8_t b6[16])
{
	return ip6 ? memcmp(a6, b6, 16) == 0 : a4 == b4;
}

/* Whether specs a and b go to one next hop (inner: and to one inner peer behind it). */
static int
same_peer(const struct ovl_frame_spec *a, const struct ovl_frame_spec *b, int inner)
{
	if (a->ip6 != b->ip6 || !same_ip(a->ip6, a->dst_ip, a->dst_ip6, b->dst_ip, b->dst_ip6))
		return 0;
	return !inner || (a->inner_ip6 == b->inner_ip6 &&
		same_ip(a->inner_ip6, a->inner_dst_ip, a->inner_dst_ip6, b->inner_dst_ip, b->inner_dst_ip6));
}

/*
 * What stream configuration k's frames need from the ports: our MAC, its next hop's (loop: the
 * peer port's) and, through tunnels carrying Ethernet, its inner peer's, unless given. Each
 * destination is resolved once, by the first stream that sends to it; later ones take its MACs.
 */
static int
resolve_stream(struct run *run, unsigned int k, int loop)
{
	struct app_config *cfg = &run->stream_cfgs[k];
	unsigned int i, j;

	cfg->spec.src_mac = run->ports[0].mac;
	cfg->dst_mac_source = cfg->dst_mac_given ? "option" : cfg->spec.ip6 ? "ndp" : "arp";
	if (loop) {
		if (!cfg->dst_mac_given) {
			cfg->spec.dst_mac = run->ports[1].mac;
			cfg->dst_mac_source = "peer port";
		}
		return 0;
	}
	for (j = 0; j < k; j++) {
		const struct app_config *earlier = &run->stream_cfgs[j];

		if (!cfg->dst_mac_given && same_peer(&earlier->spec, &cfg->spec, 0)) {
			cfg->spec.dst_mac = earlier->spec.dst_mac;
			cfg->dst_mac_given = 1;
		}
		if (!cfg->inner_dst_mac_given && earlier->inner_dst_mac_given &&
				same_peer(&earlier->spec, &cfg->spec, 1)) {
			cfg->spec.inner_dst_mac = earlier->spec.inner_dst_mac;
			cfg->inner_dst_mac_given = 1;
		}
	}
	for (i = 0; i < cfg->n_encaps; i++) {
		struct ovl_frame_spec spec;
		int inner;

		config_spec_for(cfg, i, &spec);
		inner = spec.encap->inner_ethernet && !cfg->inner_dst_mac_given;
		if (cfg->dst_mac_given && !inner)
			continue;
		if (neighbour_resolve(cfg->port, run->pools[0], &spec, !cfg->dst_mac_given, inner,
				cfg->arp_timeout_s) < 0)
			return -1;
		cfg->spec.dst_mac = spec.dst_mac;
		cfg->dst_mac_given = 1;
		if (inner) {
			cfg->spec.inner_dst_mac = spec.inner_dst_mac;
			cfg->inner_dst_mac_given = 1;
		}
	}
	return 0;
}

/* Every stream's addresses; a profile's run (the results' config) shows its first stream's. */
static int
resolve_addresses(struct run *run, int loop)
{
	const struct app_config *first = &run->stream_cfgs[0];
	unsigned int k;

	for (k = 0; k < run->n_stream_cfgs; k++)
		if (resolve_stream(run, k, loop) < 0)
			return -1;
	if (first != &run->cfg) {
		run->cfg.spec.src_mac = first->spec.src_mac;
		run->cfg.spec.dst_mac = first->spec.dst_mac;
		run->cfg.spec.inner_dst_mac = first->spec.inner_dst_mac;
		run->cfg.dst_mac_source = first->dst_mac_source;
	}
	return 0;
}

static int
build_streams(struct run *run)
{
	struct rte_mempool *direct = NULL, *indirect = NULL;
	char err[512];
	int n;

	unsigned int k, fragments = 0;

	for (k = 0; k < run->n_stream_cfgs; k++)
		fragments |= run->stream_cfgs[k].mtu &&
			(run->stream_cfgs[k].sizes_given & (1u << OVL_SIZE_INNER));
	if (fragments) {
		direct = rte_pktmbuf_pool_create("frag_direct", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				SOCKET_ID_ANY);
		indirect = rte_pktmbuf_pool_create("frag_indirect", 8191, 0, 0, 0, SOCKET_ID_ANY);
	}
	n = streams_build(run->stream_cfgs, run->n_stream_cfgs, run->link_bps, direct, indirect,
			run->cfg.queues, &run->streams, err, sizeof(err));
	rte_mempool_free(direct);
	rte_mempool_free(indirect);
	if (n < 0) {
		fprintf(stderr, "ovlperf %s: %s\n", run->command, err);
		return -1;
	}
	run->n_streams = (unsigned int)n;
	if (run->keep_frames && streams_keep_frames(run->streams, run->n_streams, run->ports[0].tx_desc,
			run->ports[0].socket, err, sizeof(err)) < 0) {
		fprintf(stderr, "ovlperf %s: %s\n", run->command, err);
		return -1;
	}
	return 0;
}

/* Software devices report a nominal speed that limits nothing. */
static int
port_is_virtual(const struct port_info *p)
{
	static const char *const soft[] = { "net_null", "net_ring", "net_memif", "net_pcap",
		"net_af_packet", "net_tap", "net_vhost", "net_virtio_user" };
	size_t i;

	for (i = 0; i < sizeof(soft) / sizeof(soft[0]); i++)
		if (strcmp(p->driver, soft[i]) == 0)
			return 1;
	return 0;
}

/* A rate the wire cannot carry is bad input: say what the line allows. */
static int
check_rates(const struct run *run)
{
	unsigned int i;

	if (run->link_bps <= 0 || (run->cfg.line_rate_bps <= 0 && port_is_virtual(&run->ports[0])))
		return 0;
	for (i = 0; i < run->n_streams; i++) {
		const struct stream *s = &run->streams[i];
		/* A load stream's replicas, one per queue, share the wire. */
		uint64_t pps = s->latency ? s->rate_pps : s->rate_pps * run->cfg.queues;

		/* A mix's line rate is of its mean frame. */
		uint32_t frame = s->n_classes > 1 ? (uint32_t)(s->wire_mean + 0.5) : s->lay.frame_size;

		if (pps > s->line_rate_pps + s->line_rate_pps / 1000) {
			fprintf(stderr, "ovlperf %s: --rate: %.4f Mpps of %s %u-byte%s frames is beyond the %.0f Gbit/s line rate: at most %.4f Mpps (or 100%%)\n",
					run->command, pps / 1e6, s->spec.encap->name, frame,
					s->n_classes > 1 ? " (mean)" : "",
					run->link_bps / 1e9, s->line_rate_pps / 1e6);
			return OVL_EXIT_USAGE;
		}
	}
	return 0;
}

/* How many streams queue q sends, from *first on (streams_build groups them by queue). */
static unsigned int
queue_streams(const struct run *run, unsigned int q, unsigned int *first)
{
	unsigned int n = 0, i;

	*first = 0;
	for (i = 0; i < run->n_streams; i++)
		if (run->streams[i].queue == q && n++ == 0)
			*first = i;
	return n;
}

/* Queue q's sender: the streams of that queue (consecutive, streams_build groups them). */
static int
setup_sender(struct run *run, unsigned int q)
{
	struct sender *s = &run->senders[q];
	struct app_config *cfg = &run->cfg;
	uint64_t hz = rte_get_tsc_hz();
	unsigned int i, first, n = queue_streams(run, q, &first);
	uint32_t flows = 0;

	for (i = 0; i < run->n_stream_cfgs; i++)
		flows = RTE_MAX(flows, run->stream_cfgs[i].flows);

	memset(s, 0, sizeof(*s));
	if (sender_init(s, &run->streams[first], n) < 0)
		return -1;
	s->sampling = cfg->samples_path != NULL;
	for (i = 0; cfg->samples_path != NULL && i < n; i++)
		if (ovl_reservoir_init(&s->stats[i].samples, cfg->samples, cfg->probe.session + first + i) < 0) {
			fprintf(stderr, "ovlperf: --samples %u: out of memory for %u streams' samples\n",
					cfg->samples, n);
			return -1;
		}
	s->port = cfg->port;
	s->queue = (uint16_t)q;
	s->streams = &run->streams[first];
	s->first_stream = first;
	s->all_streams = run->n_streams;
	s->pool = run->pools[0];
	s->session = cfg->probe.session;
	s->mac = run->ports[0].mac;
	/*
	 * ARP and NDP for every stream's sources. IP-in-IP flows come from consecutive underlay
	 * addresses (one more past the peer's).
	 */
	s->self = (struct neighbour_self){ .mac = s->mac, .ip_count = flows + 1 };
	if (run_stream_addresses(run, &s->self, 0) < 0)
		return -1;
	tsc_clock_init(&s->clock, hz);
	s->rx_clock = run->rx_hw ? &run->rx_clock : NULL;
	s->rx_ts_offset = run->rx_ts_offset;
	s->rx_ts_flag = run->rx_ts_flag;
	s->soft_cap = run->pacing.hardware ? PACING_HW_SOFT_CAP : 1;
	s->warmup_cycles = (uint64_t)(cfg->warmup_s * hz);
	s->measure_cycles = (uint64_t)(cfg->duration_s * hz);
	s->drain_cycles = (uint64_t)(cfg->drain_s * hz);
	s->count = cfg->count;
	s->idle.sleep_us = cfg->idle_sleep_us;
	s->key = cfg->keyed ? &cfg->key : NULL;
	/* Replies are matched by the probe: the sender filters on no tunnel identifier. */
	config_rx(cfg, config_encap_mask(cfg), 0, &s->rx);
	s->reasm = ovl_reasm_create(REASM_FLOWS, hz, rte_eth_dev_socket_id(cfg->port));
	/* One pcap file, written by one lcore: queue 0's frames. */
	if (cfg->capture_path != NULL && q == 0) {
		char err[512];

		s->capture = ovl_pcap_open(cfg->capture_path, err, sizeof(err));
		if (s->capture == NULL) {
			fprintf(stderr, "ovlperf %s: --capture: %s\n", run->command, err);
			return -1;
		}
		s->capture_left = cfg->capture_max;
		s->capture_frame_max = streams_max_frame(run->streams, run->n_streams);
		s->capture_stage = malloc((size_t)256 * s->capture_frame_max);
		if (s->capture_stage == NULL) {
			fprintf(stderr, "ovlperf %s: --capture: out of memory\n", run->command);
			return -1;
		}
	}
	return 0;
}

/* Each queue's TX limiter (where hardware paces) at its own streams' sum; wanted_mbps: all. */
static int
apply_pacing(struct run *run)
{
	double wanted = 0;
	unsigned int q;
	int rc;

	for (q = 0; q < run->cfg.queues; q++) {
		unsigned int first, n = queue_streams(run, q, &first);

		rc = pacing_apply(&run->pacing, &run->streams[first], n, run->cfg.port, (uint16_t)q,
				run->command);
		if (rc != 0)
			return rc;
		wanted += run->pacing.wanted_mbps;
	}
	run->pacing.wanted_mbps = wanted;
	return 0;
}

int
traffic_streams_setup(struct run *run, int loop)
{
	unsigned int q;
	int status;

	if (resolve_addresses(run, loop) < 0)
		return 1;
	if (build_streams(run) < 0)
		return 1;
	status = check_rates(run);
	if (status == 0)
		status = apply_pacing(run);
	if (status != 0)
		return status;
	for (q = 0; q < run->n_senders; q++)
		if (setup_sender(run, q) < 0)
			return 1;
	/* loop's reflector answers every encapsulation, as a tunnel endpoint of each would. */
	if (loop && run_reflectors_setup(run, OVL_ENCAP_MASK_ALL) < 0)
		return 1;
	return 0;
}
