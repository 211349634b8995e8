/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The results as JSON (README, "Results JSON", documents every field). Later versions add
 * fields and never rename them; schema_version says which fields a reader may expect.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_ethdev.h>
#include <rte_version.h>

#include "histogram.h"
#include "ovl_commit.h"
#include "ovl_version.h"
#include "encap_options.h"
#include "results.h"

static json_t *
offload_list(uint64_t bits, int tx)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < 64; i++)
		if (bits & (1ull << i))
			json_array_append_new(a, json_string(tx ? rte_eth_dev_tx_offload_name(1ull << i)
								: rte_eth_dev_rx_offload_name(1ull << i)));
	return a;
}

static json_t *
drops_object(const uint64_t *drops)
{
	json_t *o = json_object();
	int i;

	for (i = 1; i < OVL_DROP_MAX; i++)
		if (drops[i] != 0)
			json_object_set_new(o, ovl_drop_name(i), json_integer((json_int_t)drops[i]));
	return o;
}

/*
 * The gaps between frames as the reflector saw them. With one paced stream, the share of gaps
 * within 1 us of the ideal 1/rate tells how evenly the sender paced, seen from outside.
 */
static json_t *
interarrival_object(const struct run_result *r)
{
	const struct ovl_histogram *h = &r->reflector->interarrival;
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}",
		"count", (json_int_t)h->count, "min", (json_int_t)ovl_histogram_percentile(h, 0),
		"p0_5", (json_int_t)ovl_histogram_percentile(h, 0.5),
		"p50", (json_int_t)ovl_histogram_percentile(h, 50),
		"p99_5", (json_int_t)ovl_histogram_percentile(h, 99.5),
		"max", (json_int_t)ovl_histogram_percentile(h, 100),
		"mean", (json_int_t)ovl_histogram_mean(h), "stddev", ovl_histogram_stddev(h));

	if (r->n_streams == 1 && r->streams[0].stream->rate_pps > 0 && h->count > 0) {
		uint64_t ideal = 1000000000ull / r->streams[0].stream->rate_pps;
		uint64_t lo = ideal > 1000 ? ideal - 1000 : 0;

		json_object_set_new(o, "ideal_ns", json_integer((json_int_t)ideal));
		json_object_set_new(o, "within_1us_of_ideal", json_real(
				(double)ovl_histogram_count_range(h, lo, ideal + 1000) / (double)h->count));
		/* Tighter windows, since +-1 us around a 1 us ideal also takes back-to-back frames. */
		json_object_set_new(o, "within_250ns_of_ideal", json_real(
				(double)ovl_histogram_count_range(h, ideal > 250 ? ideal - 250 : 0, ideal + 250) /
				(double)h->count));
		json_object_set_new(o, "within_100ns_of_ideal", json_real(
				(double)ovl_histogram_count_range(h, ideal > 100 ? ideal - 100 : 0, ideal + 100) /
				(double)h->count));
	}
	/* Frames that arrived in one RX burst with the one before: the observer saw no gap. */
	if (h->count > 0)
		json_object_set_new(o, "same_burst", json_real(
				(double)ovl_histogram_count_range(h, 0, 0) / (double)h->count));
	return o;
}

static const char *
addr(rte_be32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *rate_units[] = {
	[RATE_UNLIMITED] = "unlimited", [RATE_PPS] = "pps", [RATE_L2_BPS] = "l2_bps",
	[RATE_L1_BPS] = "l1_bps", [RATE_LINK_PERCENT] = "link_percent",
};

json_t *
results_config_json(const struct app_config *cfg)
{
	const struct ovl_frame_spec *s = &cfg->spec;
	json_t *encaps = json_array();
	char a[4][INET_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; i < cfg->n_encaps; i++)
		json_array_append_new(encaps, json_string(cfg->encaps[i]->name));
	char mac[2][RTE_ETHER_ADDR_FMT_SIZE];

	json_t *config;
	unsigned int k, n_opts = encap_options_count();

	rte_ether_format_addr(mac[0], sizeof(mac[0]), &s->dst_mac);
	rte_ether_format_addr(mac[1], sizeof(mac[1]), &s->inner_dst_mac);
	config = json_pack("{s:s, s:s, s:s, s:s, s:o, s:{s:s, s:f}, s:f, s:I, s:f, s:f, s:I, s:i, s:I, s:I, s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:b, s:b}",
		"tx_offload", cfg->tx_offloads ? "cksum" : "none",
		"dst_mac", mac[0], "inner_dst_mac", mac[1],
		"dst_mac_source", cfg->dst_mac_source ? cfg->dst_mac_source : "option",
		"encaps", encaps,
		"rate", "unit", rate_units[cfg->rate.unit], "value", cfg->rate.value,
		"duration_s", cfg->duration_s,
		"count", (json_int_t)cfg->count,
		"warmup_s", cfg->warmup_s,
		"drain_s", cfg->drain_s,
		"latency_rate_pps", (json_int_t)cfg->latency_rate,
		"flows", (int)cfg->flows,
		"frame_size", (json_int_t)cfg->frame_size,
		"inner_size", (json_int_t)cfg->inner_size,
		"mtu", (json_int_t)cfg->mtu,
		"vlan", (int)s->vlan,
		"inner_proto", s->inner_proto == IPPROTO_ICMP ? "icmp" : "udp",
		"src_ip", addr(s->src_ip, a[0]),
		"dst_ip", addr(s->dst_ip, a[1]),
		"inner_src_ip", addr(s->inner_src_ip, a[2]),
		"inner_dst_ip", addr(s->inner_dst_ip, a[3]),
		"src_port", (int)s->src_port,
		"dst_port", (int)s->dst_port,
		"session", (json_int_t)cfg->probe.session,
		"dwell", cfg->dwell,
		"promiscuous", cfg->promiscuous);
	/* The encapsulations' options, by their names; null where optional and not given. */
	for (k = 0; config != NULL && k < n_opts; k++) {
		char key[64];
		uint32_t v;

		encap_option_key(k, key, sizeof(key));
		json_object_set_new(config, key, encap_option_value(cfg, k, &v) ?
				json_integer((json_int_t)v) : json_null());
	}
	return config;
}

static json_t *
port_object(const struct port_info *p)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	int shaped = 0;
	json_t *o;

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	o = json_pack("{s:i, s:s, s:s, s:s, s:b, s:i, s:i, s:b, s:i, s:{s:o, s:o, s:o, s:o}, s:o, s:o, s:o}",
		"id", p->id, "name", p->name, "driver", p->driver, "mac", mac,
		"link_up", p->link_up, "link_speed_mbps", (int)p->link_speed_mbps,
		"mtu", p->mtu, "mtu_set", p->mtu_set, "socket", p->socket,
		"offloads", "rx_enabled", offload_list(p->rx_offloads, 0),
		"tx_enabled", offload_list(p->tx_offloads, 1),
		"rx_capable", offload_list(p->rx_offload_capa, 0),
		"tx_capable", offload_list(p->tx_offload_capa, 1),
		"xstats", port_xstats_json(p->id),
		"profile", p->profile[0] ? json_string(p->profile) : json_null(),
		"shaping", port_watch_json(p, &shaped));
	if (o != NULL) {
		json_object_set_new(o, "queues", json_integer(p->queues));
		json_object_set_new(o, "rss_hf", json_integer((json_int_t)p->rss_hf));
		json_object_set_new(o, "rx_steering", json_string(p->rx_steering ? p->rx_steering : "single"));
	}
	/* Shaping is the cloud's, not the overlay's: say so where nobody can miss it. */
	if (shaped)
		fprintf(stderr, "ovlperf: warning: port %u's allowance counters grew during the run: the cloud shaped this traffic (see ports[].shaping)\n",
				p->id);
	return o;
}

static json_t *
stream_object(const struct stream_result *s)
{
	const struct stream *st = s->stream;
	const struct latency_result *l = &s->latency;
	json_t *o;

	o = json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:I, s:s,"
			" s:{s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f},"
			" s:{s:I, s:I, s:I, s:f, s:f, s:f, s:f},"
			" s:I, s:f, s:I, s:I, s:I, s:I,"
			" s:{s:f, s:f},"
			" s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:I}}",
		"id", st->id, "encap", st->spec.encap->name, "kind", st->latency ? "latency" : "load",
		"inner_proto", st->spec.inner_proto == IPPROTO_ICMP ? "icmp" : "udp",
		"frame_size", (int)st->lay.frame_size, "inner_size", (int)st->lay.inner_len,
		"fragments", st->n_frames, "flows", (int)st->n_flows, "rate_pps", (json_int_t)st->rate_pps,
		"tx_frames", st->kept != NULL ? "kept" : "copied",
		"tx", "packets", (json_int_t)s->tx_datagrams, "frames", (json_int_t)s->tx_frames,
		"bytes", (json_int_t)s->tx_bytes, "payload_bytes", (json_int_t)s->tx_payload,
		"pps", s->tx_pps, "l1_bps", s->tx_l1_bps, "l2_bps", s->tx_l2_bps,
		"goodput_bps", s->tx_goodput_bps,
		"rx", "packets", (json_int_t)s->rx_datagrams, "bytes", (json_int_t)s->rx_bytes,
		"payload_bytes", (json_int_t)s->rx_payload, "pps", s->rx_pps, "l1_bps", s->rx_l1_bps,
		"l2_bps", s->rx_l2_bps, "goodput_bps", s->rx_goodput_bps,
		"lost", (json_int_t)s->lost, "loss_ratio", s->loss_ratio,
		"reordered", (json_int_t)s->reordered, "duplicated", (json_int_t)s->duplicated,
		"late", (json_int_t)s->late, "corrupted", (json_int_t)s->corrupted,
		"line_rate", "pps", s->line_rate_pps, "goodput_bps", s->line_goodput_bps,
		"latency_ns", "count", (json_int_t)l->count, "min", (json_int_t)l->min,
		"p50", (json_int_t)l->p50, "p90", (json_int_t)l->p90, "p99", (json_int_t)l->p99,
		"p99_9", (json_int_t)l->p999, "max", (json_int_t)l->max, "mean", l->mean,
		"stddev", l->stddev, "dwell_subtracted", (json_int_t)s->dwell_subtracted);
	if (o != NULL)
		json_object_set_new(o, "queue", json_integer(st->queue));
	return o;
}

/* Per encapsulation, the load streams' replicas (one per queue) added up. */
static json_t *
encap_totals(const struct run_result *r)
{
	json_t *a = json_array();
	unsigned int i, j;

	for (i = 0; i < r->n_streams; i++) {
		const struct stream *first = r->streams[i].stream;
		uint64_t tx = 0, rx = 0, lost = 0, txb = 0, rxb = 0;
		double tx_pps = 0, rx_pps = 0, tx_l1 = 0;
		unsigned int n = 0;

		if (first->latency || first->queue != 0)
			continue;
		for (j = 0; j < r->n_streams; j++) {
			const struct stream_result *s = &r->streams[j];

			if (s->stream->latency || s->stream->spec.encap != first->spec.encap)
				continue;
			n++;
			tx += s->tx_datagrams;
			rx += s->rx_datagrams;
			lost += s->lost;
			txb += s->tx_bytes;
			rxb += s->rx_bytes;
			tx_pps += s->tx_pps;
			rx_pps += s->rx_pps;
			tx_l1 += s->tx_l1_bps;
		}
		json_array_append_new(a, json_pack("{s:s, s:i, s:{s:I, s:I, s:f, s:f}, s:{s:I, s:I, s:f}, s:I}",
			"encap", first->spec.encap->name, "queues", (int)n,
			"tx", "packets", (json_int_t)tx, "bytes", (json_int_t)txb, "pps", tx_pps, "l1_bps", tx_l1,
			"rx", "packets", (json_int_t)rx, "bytes", (json_int_t)rxb, "pps", rx_pps,
			"lost", (json_int_t)lost));
	}
	return a;
}

static json_t *
reflector_counters(const struct reflector_stats *st)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
		"rx_frames", (json_int_t)st->rx_frames, "reflected", (json_int_t)st->reflected,
		"fragments_reflected", (json_int_t)st->fragments_reflected,
		"stamped", (json_int_t)st->stamped, "arp_answered", (json_int_t)st->arp_answered,
		"not_addressed", (json_int_t)st->drops[OVL_DROP_NOT_ADDRESSED],
		"tx_full", (json_int_t)st->tx_full, "drops", drops_object(st->drops));
}

json_t *
results_reflector_queues(const struct queue_result *qs, unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < n; i++) {
		json_t *o = reflector_counters(qs[i].reflector);

		json_object_set_new(o, "queue", json_integer(qs[i].queue));
		json_object_set_new(o, "lcore", json_integer(qs[i].lcore));
		json_array_append_new(a, o);
	}
	return a;
}

static const char *
ts_request_name(enum ts_request r)
{
	return r == TS_HW ? "hw" : r == TS_TSC ? "tsc" : "auto";
}

/*
 * Which clock stamped each side, and how far a round trip may be off for it: with RX stamped
 * by the NIC, the conversion's budget (read latency + fit residual + drift) and its calibration.
 */
static json_t *
timestamps_object(const struct run_result *r)
{
	const struct port_clock *c = r->rx_clock;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I}",
		"tx", "tsc", "rx", c != NULL ? "nic" : "tsc",
		"requested", ts_request_name(r->ts_requested),
		"why", r->ts_why != NULL ? r->ts_why : "", "tsc_hz", (json_int_t)r->tsc_hz);

	if (c == NULL) {
		json_object_set_new(o, "nic_clock_hz", json_null());
		json_object_set_new(o, "error_budget_ns", json_real(0));
		json_object_set_new(o, "calibration", json_null());
		json_object_set_new(o, "method", json_string("software: TSC read before the TX burst and after the RX burst; round trip, no clock sync"));
		return o;
	}
	json_object_set_new(o, "nic_clock_hz", json_real(ovl_nic_fit_hz(&c->fit, r->tsc_hz)));
	json_object_set_new(o, "error_budget_ns", json_real(port_clock_budget_ns(c)));
	json_object_set_new(o, "calibration", json_pack("{s:i, s:i, s:i, s:i, s:f, s:f, s:f, s:f, s:f}",
		"port", c->port, "pairs", (int)c->fit.n_used, "refits", (int)c->refreshes,
		"failed", (int)c->failed,
		"read_ns", port_clock_ns(c, c->worst_read_cycles),
		"residual_ns", port_clock_ns(c, c->worst_residual_cycles),
		"drift_ns", port_clock_ns(c, c->drift_cycles),
		"drift_unrefitted_ns", port_clock_ns(c, c->drift_unrefreshed_cycles),
		"tsc_per_nic_tick", c->fit.slope));
	json_object_set_new(o, "method", json_string("TX: TSC read before the TX burst; RX: the NIC's stamp (RTE_ETH_RX_OFFLOAD_TIMESTAMP) converted to TSC by a line fitted to rte_eth_read_clock against rte_rdtsc, refitted each second"));
	return o;
}

static json_t *
pacing_object(const struct pacing_choice *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s}",
		"source", p->hardware ? "hardware" : "software",
		"requested", pacing_request_name(p->requested), "why", p->why);

	json_object_set_new(o, "wanted_mbps", p->wanted_mbps > 0 ? json_real(p->wanted_mbps) : json_null());
	json_object_set_new(o, "queue_rate_mbps", p->hardware ? json_integer(p->queue_mbps) : json_null());
	json_object_set_new(o, "software_cap", p->hardware ? json_integer(PACING_HW_SOFT_CAP) : json_null());
	return o;
}

/* Where the figures come from: the machine and kernel they were measured on. */
json_t *
results_host_json(void)
{
	struct utsname u;
	char line[256], cpu[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			snprintf(cpu, sizeof(cpu), "%s", colon + 2);
			cpu[strcspn(cpu, "\n")] = '\0';
			break;
		}
	}
	if (f != NULL)
		fclose(f);
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	return json_pack("{s:s, s:s, s:s, s:s, s:i}", "hostname", u.nodename, "kernel", u.release,
			"machine", u.machine, "cpu_model", cpu, "cpus", (int)sysconf(_SC_NPROCESSORS_ONLN));
}

int
output_json(const char *path, const struct run_result *r)
{
	json_t *root, *ports = json_array(), *streams = json_array();
	char started[32], tmp[4096];
	struct tm tm;
	unsigned int i;
	FILE *f;
	int rc;

	gmtime_r(&r->started, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (i = 0; i < r->n_ports; i++)
		json_array_append_new(ports, port_object(&r->ports[i]));
	for (i = 0; i < r->n_streams; i++)
		json_array_append_new(streams, stream_object(&r->streams[i]));
	root = json_pack("{s:s, s:i, s:b, s:s, s:{s:s, s:s}, s:s, s:s, s:f, s:s,"
			" s:o, s:{s:f, s:s}, s:o, s:o, s:o}",
		"schema", "ovlperf.results", "schema_version", RESULTS_SCHEMA_VERSION,
		"partial", r->partial, "command", r->command,
		"ovlperf", "version", OVL_VERSION, "commit", OVL_COMMIT,
		"dpdk", rte_version(), "started_at", started, "seconds", r->seconds,
		"eal_args", r->eal_args ? r->eal_args : "",
		"timestamps", timestamps_object(r),
		"line_rate", "bps", r->line_rate_bps, "source", r->line_rate_source,
		"config", results_config_json(r->cfg), "ports", ports, "streams", streams);
	if (root != NULL) {
		json_object_set_new(root, "host", results_host_json());
		if (r->pacing != NULL)
			json_object_set_new(root, "pacing", pacing_object(r->pacing));
		json_object_set_new(root, "stop_reason", r->stop_reason ? json_string(r->stop_reason)
								   : json_null());
	}
	if (root == NULL) {
		fprintf(stderr, "ovlperf: building the JSON results failed\n");
		return -1;
	}
	{
		json_t *pools = json_array();

		for (i = 0; i < r->n_ports; i++)
			json_array_append_new(pools, json_pack("{s:s, s:i, s:i, s:i}",
				"name", r->pools[i].name ? r->pools[i].name : "", "size", (int)r->pools[i].size,
				"in_use_start", (int)r->pools[i].in_use_start,
				"in_use_end", (int)r->pools[i].in_use_end));
		json_object_set_new(root, "mempools", pools);
	}
	json_object_set_new(root, "encap_totals", encap_totals(r));
	if (r->sender != NULL) {
		json_t *queues = json_array();

		for (i = 0; i < r->n_queues; i++) {
			const struct queue_result *q = &r->sender_queues[i];

			json_array_append_new(queues, json_pack("{s:i, s:i, s:I, s:I, s:I}",
				"queue", (int)q->queue, "lcore", (int)q->lcore,
				"rx_frames", (json_int_t)q->sender->rx_frames,
				"misrouted", (json_int_t)q->sender->misrouted,
				"tx_full", (json_int_t)q->sender->tx_full));
		}
		json_object_set_new(root, "sender", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
			"rx_frames", (json_int_t)r->sender->rx_frames,
			"warmup_replies", (json_int_t)r->sender->warmup_replies,
			"other_session", (json_int_t)r->sender->other_session,
			"unknown_stream", (json_int_t)r->sender->unknown_stream,
			"misrouted", (json_int_t)r->sender->misrouted,
			"arp_answered", (json_int_t)r->sender->arp_answered,
			"tx_full", (json_int_t)r->sender->tx_full,
			"fragments", (json_int_t)r->sender->fragments,
			"rx_unstamped", (json_int_t)r->sender->rx_unstamped,
			"rx_before_tx", (json_int_t)r->sender->rx_before_tx,
			"drops", drops_object(r->sender->drops), "queues", queues));
	}
	if (r->reflector != NULL) {
		json_t *o = reflector_counters(r->reflector);

		json_object_set_new(o, "interarrival_ns", interarrival_object(r));
		json_object_set_new(o, "queues", results_reflector_queues(r->reflector_queues, r->n_queues));
		json_object_set_new(root, "reflector", o);
	}
	f = output_open(path, tmp, sizeof(tmp));
	if (f == NULL) {
		json_decref(root);
		return -1;
	}
	rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(root);
	if (rc != 0) {
		fprintf(stderr, "ovlperf: %s: write failed\n", path);
		if (f != stdout)
			fclose(f);
		return -1;
	}
	return output_commit(f, path, tmp);
}
