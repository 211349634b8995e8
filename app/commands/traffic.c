/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf send and ovlperf loop. send: the sender lcore on one port, replies from whatever
 * reflects them (ovlperf reflect, a Linux host answering ICMP echo, dpdk-testpmd macswap).
 * loop: the same sender and a reflector lcore in one process, on two ports joined back to back
 * (a ring pair made here when no port was given), so the whole pipeline runs without a NIC.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "commands.h"
#include "config.h"
#include "eal.h"
#include "frag.h"
#include "neighbour.h"
#include "pacing.h"
#include "pcap_file.h"
#include "port.h"
#include "port_clock.h"
#include "queue_lcores.h"
#include "reflector.h"
#include "results.h"
#include "run.h"
#include "sender.h"
#include "stream.h"
#include "telemetry.h"

#define POOL_MBUFS 2047 /* per queue: RX and TX descriptors, a ring in flight, caches */
#define REASM_FLOWS 1024

struct traffic {
	int loop;
	const char *command;
	struct app_config cfg;
	struct port_info ports[2];
	unsigned int n_ports;
	struct rte_mempool *pools[2];
	struct stream *streams;
	int n_streams;
	/* One sender (and in loop one reflector) per queue, each on its own lcore. */
	struct queue_lcores lcores;
	struct sender senders[OVL_QUEUES_MAX];
	struct reflector reflectors[OVL_QUEUES_MAX];
	struct sender_misc sender_sum;        /* the queues' counters added, for the results */
	struct reflector_stats reflector_sum;
	int rx_hw;                   /* the sender's RX timestamps are the NIC's */
	int rx_ts_offset;            /* with rx_hw: the timestamp dynfield */
	uint64_t rx_ts_flag;
	char ts_why[512];            /* how the RX timestamp source was chosen */
	struct port_clock rx_clock;  /* with rx_hw */
	struct pacing_choice pacing;
	double link_bps;
	const char *link_source;
	const char *stop_reason;     /* why the run ended early: NULL, "signal", "link down" */
	unsigned int pool_in_use_start[2], pool_in_use_end[2]; /* leak check: equal after a run */
	unsigned int n_started;      /* ports started, to stop: the first n_started of ports[] */
	int keep_frames;             /* the sending port leaves frames as they were: streams keep them */
	const char *keep_why;        /* the driver that decided */
	char eal_args[512];
};

/* Checks every size before EAL starts, so bad input sends nothing. */
static int
check_sizes(const struct app_config *cfg, const char *command)
{
	unsigned int i;
	char err[512];

	for (i = 0; i < cfg->n_encaps; i++) {
		struct ovl_frame_spec spec;
		struct ovl_frame_layout lay;

		config_spec_for(cfg, i, &spec);
		if (ovl_frame_layout(&spec, &lay, err, sizeof(err)) < 0) {
			fprintf(stderr, "ovlperf %s: %s\n", command, err);
			return OVL_EXIT_USAGE;
		}
	}
	return 0;
}

/*
 * Two ports joined by one ring each way per queue: what loop_a sends on queue q arrives on
 * loop_b's queue q, and back. A ring holds more than both pools have, so a reply never finds
 * its ring full.
 */
static int
make_ring_pair(unsigned int queues, unsigned int mbufs)
{
	struct rte_ring *a2b[OVL_QUEUES_MAX], *b2a[OVL_QUEUES_MAX];
	unsigned int slots = rte_align32pow2(2 * mbufs + 1), q;

	for (q = 0; q < queues; q++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "loop_a2b_%u", q);
		a2b[q] = rte_ring_create(name, slots, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "loop_b2a_%u", q);
		b2a[q] = rte_ring_create(name, slots, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (a2b[q] == NULL || b2a[q] == NULL)
			return -1;
	}
	if (rte_eth_from_rings("loop_a", b2a, queues, a2b, queues, SOCKET_ID_ANY) < 0 ||
			rte_eth_from_rings("loop_b", a2b, queues, b2a, queues, SOCKET_ID_ANY) < 0)
		return -1;
	return 0;
}

/* One pool per port, shared by its queues' lcores through their mempool caches. */
static struct rte_mempool *
pool_for(const char *name, uint16_t room, int socket, unsigned int mbufs)
{
	return rte_pktmbuf_pool_create(name, mbufs, 256, 0, room, socket);
}

/* The layout of the i-th listed encapsulation's frames (sizes were checked before EAL). */
static int
layout_of(const struct app_config *cfg, unsigned int i, struct ovl_frame_layout *lay)
{
	struct ovl_frame_spec spec;
	char err[256];

	config_spec_for(cfg, i, &spec);
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
loop_mbufs(const struct app_config *cfg, uint16_t max_frame)
{
	uint64_t pps = 0, n;
	unsigned int i, per_mbuf = 2 * RTE_CACHE_LINE_SIZE + RTE_PKTMBUF_HEADROOM + max_frame;

	for (i = 0; i < cfg->n_encaps; i++) {
		struct ovl_frame_layout lay;

		if (layout_of(cfg, i, &lay) == 0)
			pps += rate_to_pps(&cfg->rate, lay.frame_size, 0);
	}
	n = pps * LOOP_DEPTH_MS / 1000 / cfg->queues;
	n = RTE_MIN(n, (uint64_t)LOOP_POOL_BYTES_MAX / per_mbuf / cfg->queues);
	return n <= POOL_MBUFS ? POOL_MBUFS : rte_align32pow2((uint32_t)n + 1) - 1;
}

/* The largest frame of any stream, from the layouts alone (templates come later). */
static uint16_t
max_frame_of(const struct app_config *cfg)
{
	uint16_t max = 0;
	unsigned int i;

	for (i = 0; i < cfg->n_encaps; i++) {
		struct ovl_frame_layout lay;

		if (layout_of(cfg, i, &lay) == 0)
			max = RTE_MAX(max, (uint16_t)(lay.frame_size - OVL_FCS_LEN));
	}
	return max;
}

#define LINK_UP_WAIT_S 5

/* A port whose link is still coming up would take the first probes' loss for the network's. */
static int
wait_links_up(struct traffic *t)
{
	uint64_t hz = rte_get_tsc_hz(), deadline = rte_rdtsc() + LINK_UP_WAIT_S * hz;
	unsigned int i;

	for (i = 0; i < t->n_ports; i++) {
		struct rte_eth_link link;

		for (;;) {
			memset(&link, 0, sizeof(link));
			rte_eth_link_get_nowait(t->ports[i].id, &link);
			if (link.link_status == RTE_ETH_LINK_UP)
				break;
			if (rte_rdtsc() > deadline) {
				fprintf(stderr, "ovlperf %s: port %u (%s) link still down after %d s: check the cable, the peer (memif: is the other side running?), or the profile\n",
						t->command, t->ports[i].id, t->ports[i].name, LINK_UP_WAIT_S);
				return -1;
			}
			usleep(10000);
		}
		t->ports[i].link_up = 1;
		t->ports[i].link_speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
	}
	return 0;
}

/*
 * Before the sender's port starts: its RX timestamps come from the NIC when the port advertises
 * RTE_ETH_RX_OFFLOAD_TIMESTAMP and its clock can be read (--timestamps auto or hw), else from
 * the TSC. A profile's word is only a hint, told in the reason: the port decides. Returns 0
 * with the offload to enable in *rx_offloads, or OVL_EXIT_USAGE after one line when hw cannot be.
 */
static int
choose_timestamps(struct traffic *t, uint64_t *rx_offloads)
{
	struct ovl_profile prof;
	char why[256], err[256];
	int profile_says;

	*rx_offloads = 0;
	if (t->cfg.timestamps == TS_TSC) {
		snprintf(t->ts_why, sizeof(t->ts_why), "--timestamps tsc");
		return 0;
	}
	/* A forced profile is taken as it is (port_start warns once if it names another driver). */
	memset(&prof, 0, sizeof(prof));
	if (t->cfg.profile_given)
		prof = t->cfg.profile;
	else if (port_profile(t->cfg.port, NULL, &prof, err, sizeof(err)) != 0)
		prof.rx_hw_ts = OVL_RX_HW_TS_NO;
	profile_says = prof.rx_hw_ts == OVL_RX_HW_TS_YES;
	if (port_clock_capable(t->cfg.port, why, sizeof(why)) < 0) {
		if (t->cfg.timestamps == TS_HW) {
			fprintf(stderr, "ovlperf %s: --timestamps hw: %s: use --timestamps auto or tsc\n",
					t->command, why);
			return OVL_EXIT_USAGE;
		}
		snprintf(t->ts_why, sizeof(t->ts_why), "%s%s%s%s", why,
				profile_says ? " (its profile " : "", profile_says ? prof.name : "",
				profile_says ? " lists RX timestamps: the port decides)" : "");
		return 0;
	}
	*rx_offloads = RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	return 0;
}

/* After the sender's port started with the offload: the stamps' field, and the clock's line. */
static int
start_rx_clock(struct traffic *t)
{
	char why[256];
	int rc;

	rc = rte_mbuf_dyn_rx_timestamp_register(&t->rx_ts_offset, &t->rx_ts_flag);
	if (rc != 0)
		snprintf(why, sizeof(why), "port %u: rte_mbuf_dyn_rx_timestamp_register: %s",
				t->cfg.port, strerror(rte_errno));
	else
		rc = port_clock_start(&t->rx_clock, t->cfg.port, rte_get_tsc_hz(), why, sizeof(why));
	if (rc != 0) {
		if (t->cfg.timestamps == TS_HW) {
			fprintf(stderr, "ovlperf %s: --timestamps hw: %s: use --timestamps auto or tsc\n",
					t->command, why);
			return OVL_EXIT_USAGE;
		}
		snprintf(t->ts_why, sizeof(t->ts_why), "%s (the RX timestamp offload stays enabled, unused)", why);
		return 0;
	}
	t->rx_hw = 1;
	snprintf(t->ts_why, sizeof(t->ts_why), "port %u (%s, driver %s) stamps RX (RTE_ETH_RX_OFFLOAD_TIMESTAMP) and its clock is readable%s",
			t->cfg.port, t->ports[0].name, t->ports[0].driver,
			t->cfg.timestamps == TS_HW ? ", as asked" : "");
	return 0;
}

/* Returns 0, -1 after one line on stderr, or OVL_EXIT_USAGE for a source the port lacks. */
static int
setup_ports(struct traffic *t)
{
	uint16_t max_frame = max_frame_of(&t->cfg);
	unsigned int i;
	uint16_t ids[2] = { t->cfg.port, t->cfg.peer_port };
	uint64_t rx_offloads = 0;
	int rc;

	/* Frames on our own ring pair are all ours: mbufs just big enough, as many as the rate wants. */
	unsigned int mbufs = POOL_MBUFS;
	uint16_t room = RTE_MAX((uint16_t)RTE_MBUF_DEFAULT_BUF_SIZE,
			(uint16_t)(RTE_PKTMBUF_HEADROOM + max_frame));

	if (t->loop && rte_eth_dev_count_avail() == 0) {
		mbufs = loop_mbufs(&t->cfg, max_frame);
		room = (uint16_t)(RTE_PKTMBUF_HEADROOM + RTE_MAX(max_frame, (uint16_t)(RTE_ETHER_MIN_LEN * 2)));
		if (make_ring_pair(t->cfg.queues, mbufs) < 0) {
			fprintf(stderr, "ovlperf loop: cannot make the ring pair (%u slots per queue: try more -m)\n",
					mbufs);
			return -1;
		}
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "ovlperf %s: no ports found; without a NIC try: ovlperf --no-huge --no-pci --vdev net_null0 -- %s\n",
				t->command, t->command);
		return -1;
	}
	if (t->loop && ids[0] == ids[1]) {
		fprintf(stderr, "ovlperf loop: --port and --peer-port are both %u: loop needs two ports\n", ids[0]);
		return -1;
	}
	t->n_ports = t->loop ? 2 : 1;
	t->keep_frames = rte_eth_dev_is_valid_port(ids[0]) && port_tx_keeps_frames(ids[0], &t->keep_why);
	for (i = 0; i < t->n_ports; i++) {
		struct port_request req;
		char name[32];

		if (!rte_eth_dev_is_valid_port(ids[i])) {
			fprintf(stderr, "ovlperf %s: port %u does not exist (%u found); %s\n", t->command,
					ids[i], rte_eth_dev_count_avail(),
					t->loop ? "loop needs two: give two --vdev, or none for a ring pair"
						: "give --port");
			return -1;
		}
		if (i == 0 && (rc = choose_timestamps(t, &rx_offloads)) != 0)
			return rc;
		snprintf(name, sizeof(name), "pool_%u", i);
		t->pools[i] = pool_for(name, room, rte_eth_dev_socket_id(ids[i]),
				(i == 0 ? mbufs : POOL_MBUFS) * t->cfg.queues);
		if (t->pools[i] == NULL) {
			fprintf(stderr, "ovlperf %s: cannot create the mbuf pool for port %u (try more -m)\n",
					t->command, ids[i]);
			return -1;
		}
		req = (struct port_request){ .max_frame = max_frame, .pool = t->pools[i],
			.promiscuous = i == 1 && t->cfg.promiscuous,
			.tx_offloads = i == 0 ? t->cfg.tx_offloads : 0,
			.rx_offloads = i == 0 ? rx_offloads : 0,
			.one_pool = i == 1 || !t->keep_frames,
			.forced = t->cfg.profile_given ? &t->cfg.profile : NULL,
			.queues = (uint16_t)t->cfg.queues, .rss = i == 1 };
		rc = port_start(ids[i], &req, &t->ports[i]);
		if (rc < 0)
			return rc == PORT_TOO_FEW_QUEUES ? OVL_EXIT_USAGE : -1;
		t->n_started = i + 1;
	}
	if (wait_links_up(t) < 0)
		return -1;
	if (rx_offloads != 0 && (rc = start_rx_clock(t)) != 0)
		return rc;
	if (t->cfg.line_rate_bps > 0) {
		t->link_bps = t->cfg.line_rate_bps;
		t->link_source = "option";
	} else if (t->ports[0].link_speed_mbps > 0) {
		t->link_bps = t->ports[0].link_speed_mbps * 1e6;
		t->link_source = "port";
	} else {
		t->link_source = "unknown";
	}
	return 0;
}

/* Fills in what the streams' frames need from the ports: our MAC, the next hop's. */
static int
resolve_addresses(struct traffic *t)
{
	struct app_config *cfg = &t->cfg;
	unsigned int i;

	cfg->spec.src_mac = t->ports[0].mac;
	cfg->dst_mac_source = cfg->dst_mac_given ? "option" : "arp";
	if (t->loop) {
		if (!cfg->dst_mac_given) {
			cfg->spec.dst_mac = t->ports[1].mac;
			cfg->dst_mac_source = "peer port";
		}
		return 0;
	}
	for (i = 0; i < cfg->n_encaps; i++) {
		struct ovl_frame_spec spec;
		int inner;

		config_spec_for(cfg, i, &spec);
		inner = spec.encap->inner_ethernet && !cfg->inner_dst_mac_given;
		if (cfg->dst_mac_given && !inner)
			continue;
		if (neighbour_resolve(cfg->port, t->pools[0], &spec, !cfg->dst_mac_given, inner,
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

static int
build_streams(struct traffic *t)
{
	struct rte_mempool *direct = NULL, *indirect = NULL;
	char err[512];
	int n;

	if (t->cfg.mtu && (t->cfg.sizes_given & (1u << OVL_SIZE_INNER))) {
		direct = rte_pktmbuf_pool_create("frag_direct", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				SOCKET_ID_ANY);
		indirect = rte_pktmbuf_pool_create("frag_indirect", 8191, 0, 0, 0, SOCKET_ID_ANY);
	}
	n = streams_build(&t->cfg, t->link_bps, direct, indirect, t->cfg.queues, &t->streams, err,
			sizeof(err));
	rte_mempool_free(direct);
	rte_mempool_free(indirect);
	if (n < 0) {
		fprintf(stderr, "ovlperf %s: %s\n", t->command, err);
		return -1;
	}
	t->n_streams = n;
	if (t->keep_frames && streams_keep_frames(t->streams, (unsigned int)n, t->ports[0].tx_desc,
			t->ports[0].socket, err, sizeof(err)) < 0) {
		fprintf(stderr, "ovlperf %s: %s\n", t->command, err);
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
check_rates(const struct traffic *t)
{
	int i;

	if (t->link_bps <= 0 || (t->cfg.line_rate_bps <= 0 && port_is_virtual(&t->ports[0])))
		return 0;
	for (i = 0; i < t->n_streams; i++) {
		const struct stream *s = &t->streams[i];
		/* A load stream's replicas, one per queue, share the wire. */
		uint64_t pps = s->latency ? s->rate_pps : s->rate_pps * t->cfg.queues;

		if (pps > s->line_rate_pps + s->line_rate_pps / 1000) {
			fprintf(stderr, "ovlperf %s: --rate: %.4f Mpps of %s %u-byte frames is beyond the %.0f Gbit/s line rate: at most %.4f Mpps (or 100%%)\n",
					t->command, pps / 1e6, s->spec.encap->name, s->lay.frame_size,
					t->link_bps / 1e9, s->line_rate_pps / 1e6);
			return OVL_EXIT_USAGE;
		}
	}
	return 0;
}

/* How many streams queue q sends, from *first on (streams_build groups them by queue). */
static unsigned int
queue_streams(const struct traffic *t, unsigned int q, unsigned int *first)
{
	unsigned int n = 0;
	int i;

	*first = 0;
	for (i = 0; i < t->n_streams; i++)
		if (t->streams[i].queue == q && n++ == 0)
			*first = (unsigned int)i;
	return n;
}

/* Queue q's sender: the streams of that queue (consecutive, streams_build groups them). */
static int
setup_sender(struct traffic *t, unsigned int q)
{
	struct sender *s = &t->senders[q];
	struct app_config *cfg = &t->cfg;
	uint64_t hz = rte_get_tsc_hz();
	unsigned int first, n = queue_streams(t, q, &first);

	memset(s, 0, sizeof(*s));
	if (sender_init(s, n) < 0)
		return -1;
	s->port = cfg->port;
	s->queue = (uint16_t)q;
	s->streams = &t->streams[first];
	s->first_stream = first;
	s->all_streams = (unsigned int)t->n_streams;
	s->pool = t->pools[0];
	s->session = cfg->probe.session;
	s->mac = t->ports[0].mac;
	/* IP-in-IP flows come from consecutive underlay addresses (one more past the peer's). */
	s->self = (struct neighbour_self){ .mac = s->mac, .ip = cfg->spec.src_ip,
		.ip_count = cfg->flows + 1, .peer_ip = cfg->spec.dst_ip, .inner_mac = cfg->spec.inner_src_mac,
		.inner_ip = cfg->spec.inner_src_ip };
	tsc_clock_init(&s->clock, hz);
	s->rx_clock = t->rx_hw ? &t->rx_clock : NULL;
	s->rx_ts_offset = t->rx_ts_offset;
	s->rx_ts_flag = t->rx_ts_flag;
	s->soft_cap = t->pacing.hardware ? PACING_HW_SOFT_CAP : 1;
	s->warmup_cycles = (uint64_t)(cfg->warmup_s * hz);
	s->measure_cycles = (uint64_t)(cfg->duration_s * hz);
	s->drain_cycles = (uint64_t)(cfg->drain_s * hz);
	s->count = cfg->count;
	s->key = cfg->keyed ? &cfg->key : NULL;
	/* Replies are matched by the probe: the sender filters on no tunnel identifier. */
	config_rx(cfg, config_encap_mask(cfg), 0, &s->rx);
	s->reasm = ovl_reasm_create(REASM_FLOWS, hz, rte_eth_dev_socket_id(cfg->port));
	/* One pcap file, written by one lcore: queue 0's frames. */
	if (cfg->capture_path != NULL && q == 0) {
		char err[512];

		s->capture = ovl_pcap_open(cfg->capture_path, err, sizeof(err));
		if (s->capture == NULL) {
			fprintf(stderr, "ovlperf %s: --capture: %s\n", t->command, err);
			return -1;
		}
		s->capture_left = cfg->capture_max;
		s->capture_frame_max = streams_max_frame(t->streams, (unsigned int)t->n_streams);
		s->capture_stage = malloc((size_t)256 * s->capture_frame_max);
		if (s->capture_stage == NULL) {
			fprintf(stderr, "ovlperf %s: --capture: out of memory\n", t->command);
			return -1;
		}
	}
	return 0;
}

/*
 * Queue q's reflector, configured like every other: each has its own counters, rate cap and
 * replay window (a probe replayed onto another queue meets another window).
 */
static int
setup_reflector(struct traffic *t, unsigned int q)
{
	struct reflector *r = &t->reflectors[q];

	memset(r, 0, sizeof(*r));
	r->port = t->cfg.peer_port;
	r->queue = (uint16_t)q;
	config_rx(&t->cfg, OVL_ENCAP_MASK_ALL, 1, &r->rx);
	r->mac = t->ports[1].mac;
	r->inner_mac = t->cfg.spec.inner_dst_mac;
	r->ip = t->cfg.spec.dst_ip;
	r->inner_ip = t->cfg.spec.inner_dst_ip;
	return reflector_configure(r, &t->cfg);
}

/* Frees what the ports still hold in flight (a ring pair keeps mbufs between the lcores). */
static void
drain_ports(struct traffic *t)
{
	struct rte_mbuf *pkts[64];
	unsigned int i, q, rounds;
	uint16_t n;

	for (i = 0; i < t->n_ports; i++)
		for (q = 0; q < t->ports[i].queues; q++) {
			rte_eth_tx_done_cleanup(t->ports[i].id, (uint16_t)q, 0);
			for (rounds = 0; rounds < 1000; rounds++) {
				n = rte_eth_rx_burst(t->ports[i].id, (uint16_t)q, pkts, 64);
				if (n == 0)
					break;
				rte_pktmbuf_free_bulk(pkts, n);
			}
		}
}

#define LINK_DOWN_LIMIT_S 3

/*
 * A port whose link goes down is reported at once; one that stays down ends the run (marked
 * partial) rather than leaving the sender to wait for a queue that never drains.
 */
static void
watch_links(struct traffic *t, uint64_t hz)
{
	static uint64_t down_since[2];
	unsigned int i;

	for (i = 0; i < t->n_ports; i++) {
		struct rte_eth_link link;
		int up;

		if (rte_eth_link_get_nowait(t->ports[i].id, &link) != 0)
			continue;
		up = link.link_status == RTE_ETH_LINK_UP;
		if (!up && down_since[i] == 0) {
			down_since[i] = rte_rdtsc();
			fprintf(stderr, "ovlperf %s: port %u (%s) link down\n", t->command,
					t->ports[i].id, t->ports[i].name);
		} else if (up && down_since[i] != 0) {
			down_since[i] = 0;
			fprintf(stderr, "ovlperf %s: port %u (%s) link up again\n", t->command,
					t->ports[i].id, t->ports[i].name);
		}
		if (down_since[i] != 0 && !t->senders[0].stop &&
				rte_rdtsc() - down_since[i] > LINK_DOWN_LIMIT_S * hz) {
			unsigned int q;

			fprintf(stderr, "ovlperf %s: port %u link down for %d s: stopping, results so far marked partial\n",
					t->command, t->ports[i].id, LINK_DOWN_LIMIT_S);
			t->stop_reason = "link down";
			for (q = 0; q < t->cfg.queues; q++)
				t->senders[q].stop = 1;
		}
	}
}

/* An lcore polling a port on another NUMA socket pays a remote access for every packet. */
void
warn_numa(unsigned int lcore, const struct port_info *port)
{
	unsigned int socket = rte_lcore_to_socket_id(lcore);

	if (port->socket >= 0 && socket != (unsigned int)SOCKET_ID_ANY && socket != (unsigned int)port->socket)
		fprintf(stderr, "ovlperf: warning: lcore %u (socket %u) serves port %u on socket %d: pick an lcore on the port's socket\n",
				lcore, socket, port->id, port->socket);
}

int
lcore_usable(unsigned int lcore)
{
	return lcore < RTE_MAX_LCORE && rte_lcore_is_enabled(lcore) && lcore != rte_get_main_lcore();
}

static int
senders_running(const struct traffic *t)
{
	unsigned int q;

	for (q = 0; q < t->cfg.queues; q++)
		if (t->senders[q].phase != PHASE_DONE &&
				rte_eal_get_lcore_state(t->lcores.send[q]) != WAIT)
			return 1;
	return 0;
}

/* Reflectors first, so the first probes find them polling; then a sender per queue. */
static int
launch_and_wait(struct traffic *t)
{
	struct live_state live;
	uint64_t start = rte_rdtsc(), hz = rte_get_tsc_hz(), next_line = start + hz, next_fit = start + hz;
	unsigned int i, q, n = t->cfg.queues;

	for (q = 0; q < n; q++) {
		warn_numa(t->lcores.send[q], &t->ports[0]);
		if (t->loop)
			warn_numa(t->lcores.reflect[q], &t->ports[1]);
	}
	if (live_init(&live, (unsigned int)t->n_streams) < 0)
		return -1;
	for (i = 0; i < t->n_ports; i++)
		t->pool_in_use_start[i] = rte_mempool_in_use_count(t->pools[i]);
	for (q = 0; t->loop && q < n; q++)
		rte_eal_remote_launch(reflector_main, &t->reflectors[q], t->lcores.reflect[q]);
	for (q = 0; q < n; q++)
		rte_eal_remote_launch(sender_main, &t->senders[q], t->lcores.send[q]);
	while (senders_running(t)) {
		usleep(20000);
		watch_links(t, hz);
		if (t->rx_hw && rte_rdtsc() >= next_fit) {
			port_clock_refresh(&t->rx_clock);
			next_fit += hz;
		}
		if (t->cfg.live && !t->cfg.quiet && rte_rdtsc() >= next_line) {
			live_line(stderr, &live, t->senders, n, (double)(rte_rdtsc() - start) / hz);
			next_line += hz;
		}
	}
	for (q = 0; q < n; q++)
		rte_eal_wait_lcore(t->lcores.send[q]);
	if (t->rx_hw)
		port_clock_finish(&t->rx_clock);
	for (q = 0; t->loop && q < n; q++)
		t->reflectors[q].stop = 1;
	for (q = 0; t->loop && q < n; q++)
		rte_eal_wait_lcore(t->lcores.reflect[q]);
	/* What is still in flight (rings, TX queues) is drained back before counting. */
	drain_ports(t);
	for (i = 0; i < t->n_ports; i++)
		t->pool_in_use_end[i] = rte_mempool_in_use_count(t->pools[i]);
	live_free(&live);
	return 0;
}

/* Each queue's TX limiter (where hardware paces) at its own streams' sum; wanted_mbps: all. */
static int
apply_pacing(struct traffic *t)
{
	double wanted = 0;
	unsigned int q;
	int rc;

	for (q = 0; q < t->cfg.queues; q++) {
		unsigned int first, n = queue_streams(t, q, &first);

		rc = pacing_apply(&t->pacing, &t->streams[first], n, t->cfg.port, (uint16_t)q, t->command);
		if (rc != 0)
			return rc;
		wanted += t->pacing.wanted_mbps;
	}
	t->pacing.wanted_mbps = wanted;
	return 0;
}

static int
stdout_taken(const struct app_config *cfg)
{
	return (cfg->json_path != NULL && strcmp(cfg->json_path, "-") == 0) ||
		(cfg->csv_path != NULL && strcmp(cfg->csv_path, "-") == 0);
}

static int
report(struct traffic *t, const struct eal_args *eal, time_t started)
{
	struct run_result r;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	app_eal_args_text(eal, t->eal_args, sizeof(t->eal_args));
	r.command = t->command;
	if (run_quit && t->stop_reason == NULL)
		t->stop_reason = "signal";
	r.partial = t->stop_reason != NULL;
	r.stop_reason = t->stop_reason;
	r.started = started;
	r.cfg = &t->cfg;
	r.eal_args = t->eal_args;
	memcpy(r.ports, t->ports, sizeof(r.ports));
	r.n_ports = t->n_ports;
	r.line_rate_bps = t->link_bps;
	r.line_rate_source = t->link_source;
	r.tsc_hz = rte_get_tsc_hz();
	r.ts_requested = t->cfg.timestamps;
	r.rx_clock = t->rx_hw ? &t->rx_clock : NULL;
	r.ts_why = t->ts_why;
	r.pacing = &t->pacing;
	r.n_streams = (unsigned int)t->n_streams;
	r.streams = calloc(r.n_streams, sizeof(*r.streams));
	if (r.streams == NULL)
		return -1;
	/* The run's time is queue 0's; each queue's streams are rated over their own sender's. */
	if (t->senders[0].measure_end > t->senders[0].measure_start)
		r.seconds = (double)(t->senders[0].measure_end - t->senders[0].measure_start) / r.tsc_hz;
	r.n_queues = t->cfg.queues;
	memset(&t->sender_sum, 0, sizeof(t->sender_sum));
	memset(&t->reflector_sum, 0, sizeof(t->reflector_sum));
	ovl_histogram_init(&t->reflector_sum.interarrival);
	for (unsigned int q = 0; q < t->cfg.queues; q++) {
		results_add_sender(&t->sender_sum, &t->senders[q].misc);
		r.sender_queues[q] = (struct queue_result){ .queue = q, .lcore = t->lcores.send[q],
			.sender = &t->senders[q].misc };
		results_from_sender(&r, &t->senders[q]);
		if (!t->loop)
			continue;
		results_add_reflector(&t->reflector_sum, &t->reflectors[q].stats);
		r.reflector_queues[q] = (struct queue_result){ .queue = q, .lcore = t->lcores.reflect[q],
			.reflector = &t->reflectors[q].stats };
	}
	r.sender = &t->sender_sum;
	for (unsigned int i = 0; i < t->n_ports; i++) {
		r.pools[i].name = t->pools[i]->name;
		r.pools[i].size = t->pools[i]->size;
		r.pools[i].in_use_start = t->pool_in_use_start[i];
		r.pools[i].in_use_end = t->pool_in_use_end[i];
	}
	r.reflector = t->loop ? &t->reflector_sum : NULL;
	/* With JSON or CSV on stdout, the table moves to stderr so stdout stays parseable. */
	if (!t->cfg.quiet)
		output_table(stdout_taken(&t->cfg) ? stderr : stdout, &r);
	if (t->cfg.json_path != NULL && output_json(t->cfg.json_path, &r) < 0)
		rc = -1;
	if (t->cfg.csv_path != NULL && output_csv(t->cfg.csv_path, &r) < 0)
		rc = -1;
	free(r.streams);
	return rc;
}

static int
traffic_run(const struct eal_args *eal, int argc, char **argv, int loop)
{
	struct traffic *t = calloc(1, sizeof(*t));
	time_t started = time(NULL);
	int rc, status = 1;
	unsigned int i;

	if (t == NULL)
		return 1;
	t->loop = loop;
	t->command = loop ? "loop" : "send";
	config_defaults(&t->cfg);
	rc = config_parse(&t->cfg, t->command, argc, argv);
	if (rc != 0) {
		free(t);
		return rc == 1 ? 0 : rc;
	}
	if (t->cfg.duration_s == 0 && t->cfg.count == 0)
		t->cfg.duration_s = 10;
	rc = check_sizes(&t->cfg, t->command);
	if (rc != 0) {
		free(t);
		return rc;
	}
	run_signals_install();
	if (app_eal_init(eal, (loop ? 2 : 1) * t->cfg.queues) != 0) {
		free(t);
		return 1;
	}
	/* Before any port starts: too few lcores for the queues sends nothing. */
	status = queue_lcores_pick(&t->cfg, t->command, 1, loop, &t->lcores);
	if (status != 0)
		goto out;
	rc = setup_ports(t);
	if (rc != 0) {
		status = rc > 0 ? rc : 1;
		goto out;
	}
	/* Both checks come before ARP: a choice the port cannot honour sends nothing. */
	status = pacing_check(&t->pacing, t->cfg.pacing, &t->cfg, t->cfg.port, t->command);
	if (status != 0)
		goto out;
	status = 1;
	if (resolve_addresses(t) < 0 || build_streams(t) < 0)
		goto out;
	status = check_rates(t);
	if (status == 0)
		status = apply_pacing(t);
	if (status != 0)
		goto out;
	status = 1;
	for (i = 0; i < t->cfg.queues; i++)
		if (setup_sender(t, i) < 0 || (loop && setup_reflector(t, i) < 0))
			goto out;
	telemetry_attach(t->command, &t->cfg, t->senders, t->cfg.queues, loop ? t->reflectors : NULL,
			t->cfg.queues);
	if (launch_and_wait(t) < 0)
		goto out;
	if (t->senders[0].capture != NULL) {
		char err[512];

		if (ovl_pcap_commit(t->senders[0].capture, err, sizeof(err)) < 0)
			fprintf(stderr, "ovlperf %s: --capture: %s\n", t->command, err);
		t->senders[0].capture = NULL;
	}
	status = report(t, eal, started) < 0 ? 1 : 0;
out:
	telemetry_detach();
	if (t->senders[0].capture != NULL)
		ovl_pcap_abort(t->senders[0].capture);
	for (i = 0; i < OVL_QUEUES_MAX; i++) {
		ovl_reasm_free(t->senders[i].reasm);
		reflector_release(&t->reflectors[i]);
		sender_free(&t->senders[i]);
	}
	for (i = 0; i < t->n_started; i++)
		port_stop(t->ports[i].id);
	streams_free(t->streams, (unsigned int)t->n_streams);
	free(t);
	app_eal_cleanup();
	return status;
}

int
cmd_send(const struct eal_args *eal, int argc, char **argv)
{
	return traffic_run(eal, argc, argv, 0);
}

int
cmd_loop(const struct eal_args *eal, int argc, char **argv)
{
	return traffic_run(eal, argc, argv, 1);
}
