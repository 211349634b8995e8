/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The results as JSON (README, "Results JSON", documents every field). Later versions add
 * fields and never rename them; schema_version says which fields a reader may expect.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <jansson.h>
#include <rte_ethdev.h>

#include "histogram.h"
#include "output.h"

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

/* The gaps between frames as the reflector saw them (results.h says what each share is). */
static json_t *
interarrival_object(const struct interarrival_result *ia)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}",
		"count", (json_int_t)ia->count, "min", (json_int_t)ia->min,
		"p0_5", (json_int_t)ia->p0_5, "p50", (json_int_t)ia->p50,
		"p99_5", (json_int_t)ia->p99_5, "max", (json_int_t)ia->max,
		"mean", (json_int_t)ia->mean, "stddev", ia->stddev);

	if (ia->ideal_ns > 0) {
		json_object_set_new(o, "ideal_ns", json_integer((json_int_t)ia->ideal_ns));
		json_object_set_new(o, "within_1us_of_ideal", json_real(ia->within_1us));
		json_object_set_new(o, "within_250ns_of_ideal", json_real(ia->within_250ns));
		json_object_set_new(o, "within_100ns_of_ideal", json_real(ia->within_100ns));
	}
	if (ia->count > 0)
		json_object_set_new(o, "same_burst", json_real(ia->same_burst));
	json_object_set_new(o, "window_ns", json_integer((json_int_t)ia->window_ns));
	json_object_set_new(o, "window_frames", json_integer((json_int_t)ia->window_frames));
	return o;
}

json_t *
output_json_xstats(const struct port_xstats *x)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < x->n; i++)
		json_object_set_new(o, x->s[i].name, json_integer((json_int_t)x->s[i].value));
	return o;
}

json_t *
output_json_xdp(const struct port_xdp *x)
{
	if (!x->af_xdp)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:i, s:o}", "iface", x->iface, "attach", x->attach,
			"bind", x->bind, "sockets", (int)x->sockets,
			"busy_budget", x->busy_budget >= 0 ? json_integer(x->busy_budget) : json_null());
}

/* The profile's watched counters' changes during the run; null where one was not readable. */
static json_t *
shaping_object(const struct port_result *p)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < p->watch.n; i++)
		json_object_set_new(o, p->info.watch_names[i], p->watch.found[i] ?
				json_integer((json_int_t)p->watch.delta[i]) : json_null());
	return o;
}

static json_t *
port_object(const struct port_result *pr)
{
	const struct port_info *p = &pr->info;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
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
		"xstats", output_json_xstats(&pr->xstats),
		"profile", p->profile[0] ? json_string(p->profile) : json_null(),
		"shaping", shaping_object(pr));
	if (o != NULL) {
		json_object_set_new(o, "queues", json_integer(p->queues));
		json_object_set_new(o, "rss_hf", json_integer((json_int_t)p->rss_hf));
		json_object_set_new(o, "rx_steering", json_string(p->rx_steering ? p->rx_steering : "single"));
		json_object_set_new(o, "xdp", output_json_xdp(&p->xdp));
	}
	return o;
}

/*
 * reflect's "port" (schema 1, before it had ports[]): the reflecting port in short. ports[0]
 * says the same and more.
 */
static json_t *
reflect_port_object(const struct port_info *p)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	return json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:I, s:s}",
		"id", p->id, "name", p->name, "driver", p->driver, "mac", mac,
		"link_speed_mbps", (int)p->link_speed_mbps, "queues", (int)p->queues,
		"rss_hf", (json_int_t)p->rss_hf, "rx_steering", p->rx_steering ? p->rx_steering : "single");
}

/*
 * A latency histogram's buckets that hold values, [low, width, count] each (values in
 * [low, low + width) nanoseconds), so percentiles can be computed again and runs merged
 * (README, "latency_histogram").
 */
static json_t *
histogram_object(const struct ovl_histogram *h)
{
	json_t *buckets = json_array();
	unsigned int i;

	for (i = 0; h != NULL && i < OVL_HISTOGRAM_BUCKETS; i++) {
		uint64_t low, width;

		if (h->buckets[i] == 0)
			continue;
		ovl_histogram_bucket(i, &low, &width);
		json_array_append_new(buckets, json_pack("[I, I, I]", (json_int_t)low,
				(json_int_t)width, (json_int_t)h->buckets[i]));
	}
	return json_pack("{s:s, s:i, s:i, s:I, s:I, s:I, s:o}", "unit", "ns",
			"sub_bucket_bits", OVL_HISTOGRAM_SUB_BITS, "limit_bits", OVL_HISTOGRAM_LIMIT_BITS,
			"count", (json_int_t)(h ? h->count : 0), "min", (json_int_t)(h && h->count ? h->min : 0),
			"max", (json_int_t)(h ? h->max : 0), "buckets", buckets);
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
		"inner_proto", ovl_inner_proto_name(st->spec.inner_proto),
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
	if (o != NULL) {
		json_object_set_new(o, "queue", json_integer(st->queue));
		if (st->name != NULL)
			json_object_set_new(o, "name", json_string(st->name));
		/* The probe's IP version: the inner packet's, or raw's own (the underlay's). */
		json_object_set_new(o, "inner_ip_version",
				json_integer(ovl_frame_spec_probe_ip6(&st->spec) ? 6 : 4));
		json_object_set_new(o, "addresses", output_json_addresses(&st->spec));
		json_object_set_new(o, "latency_histogram", histogram_object(s->rtt));
		json_object_set_new(o, "pacing_given_up_s", json_real(s->pacing_given_up_s));
		json_object_set_new(o, "mean_frame_size", json_real(st->wire_mean / st->n_frames));
		json_object_set_new(o, "classes", output_json_classes(s));
	}
	return o;
}

/* Whether a load stream before i on queue 0 has i's encapsulation (a profile's streams may share one). */
static int
encap_seen(const struct run_result *r, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (!r->streams[j].stream->latency && r->streams[j].stream->queue == 0 &&
				r->streams[j].stream->spec.encap == r->streams[i].stream->spec.encap)
			return 1;
	return 0;
}

/* Per encapsulation, the load streams (replicas per queue, and a profile's of that encapsulation) added up. */
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

		if (first->latency || first->queue != 0 || encap_seen(r, i))
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
reflector_counters(const struct reflector_counts *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I}, s:{s:I, s:I, s:I, s:i}, s:o}",
		"rx_frames", (json_int_t)c->rx_frames, "reflected", (json_int_t)c->reflected,
		"fragments_reflected", (json_int_t)c->fragments_reflected,
		"stamped", (json_int_t)c->stamped, "arp_answered", (json_int_t)c->arp_answered,
		"ndp_answered", (json_int_t)c->ndp_answered,
		"not_addressed", (json_int_t)c->drops[OVL_DROP_NOT_ADDRESSED],
		"tx_full", (json_int_t)c->tx_full,
		"parse_memo", "hits", (json_int_t)c->memo_hits, "misses", (json_int_t)c->memo_misses,
		"answer_memo", "hits", (json_int_t)c->answer_hits, "misses", (json_int_t)c->answer_misses,
		"learned", (json_int_t)c->answers_learned, "window", (int)c->answer_window,
		"drops", drops_object(c->drops));
}

/* The reflector's counters summed over its queues, its interarrival gaps, and each queue. */
static json_t *
reflector_object(const struct run_result *r)
{
	json_t *o = reflector_counters(&r->reflector), *queues = json_array();
	unsigned int i;

	for (i = 0; i < r->n_reflector_queues; i++) {
		const struct reflector_queue_result *q = &r->reflector_queues[i];
		json_t *qo = reflector_counters(&q->counts);

		json_object_set_new(qo, "queue", json_integer(q->queue));
		json_object_set_new(qo, "lcore", json_integer(q->lcore));
		json_array_append_new(queues, qo);
	}
	json_object_set_new(o, "interarrival_ns", interarrival_object(&r->interarrival));
	json_object_set_new(o, "queues", queues);
	return o;
}

/* Outages: {count, list: [{start_s, length_s, ended, cause}]} (the first OUTAGES_MAX listed). */
static json_t *
outages_object(const struct outage_watch *w)
{
	json_t *list = json_array();
	unsigned int i;

	for (i = 0; w != NULL && i < w->n; i++)
		json_array_append_new(list, json_pack("{s:f, s:f, s:b, s:s}",
			"start_s", w->list[i].start_s, "length_s", w->list[i].length_s,
			"ended", w->list[i].ended, "cause", w->list[i].cause));
	return json_pack("{s:i, s:o}", "count", w != NULL ? (int)w->count : 0, "list", list);
}

/* The sender's counters beyond the streams', summed over its queues, and each queue's. */
static json_t *
sender_object(const struct run_result *r)
{
	const struct sender_misc *c = &r->sender;
	json_t *queues = json_array();
	unsigned int i;

	for (i = 0; i < r->n_sender_queues; i++) {
		const struct sender_queue_result *q = &r->sender_queues[i];

		json_array_append_new(queues, json_pack("{s:i, s:i, s:I, s:I, s:I}",
			"queue", (int)q->queue, "lcore", (int)q->lcore,
			"rx_frames", (json_int_t)q->counts.rx_frames,
			"misrouted", (json_int_t)q->counts.misrouted,
			"tx_full", (json_int_t)q->counts.tx_full));
	}
	/* Named one by one: a json_pack format one field short would drop the whole object. */
	const struct { const char *name; uint64_t value; } counts[] = {
		{ "rx_frames", c->rx_frames }, { "warmup_replies", c->warmup_replies },
		{ "other_session", c->other_session }, { "unknown_stream", c->unknown_stream },
		{ "misrouted", c->misrouted }, { "arp_answered", c->arp_answered },
		{ "ndp_answered", c->ndp_answered }, { "tx_full", c->tx_full },
		{ "no_mbuf", c->no_mbuf }, { "fragments", c->fragments },
		{ "rx_unstamped", c->rx_unstamped }, { "rx_before_tx", c->rx_before_tx },
		{ "tcp_unmatched", c->tcp_unmatched }, { "tcp_stale", c->tcp_stale },
	};
	json_t *o = json_object();

	for (i = 0; i < RTE_DIM(counts); i++)
		json_object_set_new(o, counts[i].name, json_integer((json_int_t)counts[i].value));
	json_object_set_new(o, "drops", drops_object(c->drops));
	json_object_set_new(o, "queues", queues);
	return o;
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
timestamps_object(const struct timestamps_result *t, uint64_t tsc_hz)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I}",
		"tx", "tsc", "rx", t->nic ? "nic" : "tsc",
		"requested", ts_request_name(t->requested),
		"why", t->why != NULL ? t->why : "", "tsc_hz", (json_int_t)tsc_hz);

	if (!t->nic) {
		json_object_set_new(o, "nic_clock_hz", json_null());
		json_object_set_new(o, "error_budget_ns", json_real(0));
		json_object_set_new(o, "calibration", json_null());
		json_object_set_new(o, "method", json_string("software: TX: one TSC read per TX burst, before its frames are written; every packet of a load burst carries it, latency probes go in bursts of one so each is stamped as it is handed to the PMD; RX: one TSC read after each RX burst, for every reply in it; round trip, no clock sync"));
		return o;
	}
	json_object_set_new(o, "nic_clock_hz", json_real(t->nic_clock_hz));
	json_object_set_new(o, "error_budget_ns", json_real(t->error_budget_ns));
	json_object_set_new(o, "calibration", json_pack("{s:i, s:i, s:i, s:i, s:f, s:f, s:f, s:f, s:f}",
		"port", t->port, "pairs", (int)t->pairs, "refits", (int)t->refits,
		"failed", (int)t->failed, "read_ns", t->read_ns, "residual_ns", t->residual_ns,
		"drift_ns", t->drift_ns, "drift_unrefitted_ns", t->drift_unrefitted_ns,
		"tsc_per_nic_tick", t->tsc_per_nic_tick));
	json_object_set_new(o, "method", json_string("TX: one TSC read per TX burst, before its frames are written; every packet of a load burst carries it, latency probes go in bursts of one so each is stamped as it is handed to the PMD; RX: the NIC's stamp (RTE_ETH_RX_OFFLOAD_TIMESTAMP) converted to TSC by a line fitted to rte_eth_read_clock against rte_rdtsc, refitted each second"));
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

static json_t *
host_object(const struct host_result *h)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i}", "hostname", h->hostname, "kernel", h->kernel,
			"machine", h->machine, "cpu_model", h->cpu_model, "cpus", h->cpus);
}

static json_t *
pools_array(const struct run_result *r)
{
	json_t *pools = json_array();
	unsigned int i;

	for (i = 0; i < r->n_ports; i++)
		json_array_append_new(pools, json_pack("{s:s, s:i, s:i, s:i}",
			"name", r->pools[i].name, "size", (int)r->pools[i].size,
			"in_use_start", (int)r->pools[i].in_use_start,
			"in_use_end", (int)r->pools[i].in_use_end));
	return pools;
}

/* What every command writes: where the figures come from, the ports and their pools. */
static json_t *
provenance(const struct run_result *r)
{
	json_t *root, *ports = json_array();
	struct provenance p;
	unsigned int i;

	output_provenance(r, &p);
	for (i = 0; i < r->n_ports; i++)
		json_array_append_new(ports, port_object(&r->ports[i]));
	root = json_pack("{s:s, s:i, s:b, s:s, s:{s:s, s:s}, s:s, s:s, s:f, s:s, s:o, s:o, s:o, s:o}",
		"schema", "ovlperf.results", "schema_version", RESULTS_SCHEMA_VERSION,
		"partial", r->partial, "command", r->command,
		"ovlperf", "version", p.version, "commit", p.commit,
		"dpdk", p.dpdk, "started_at", p.started, "seconds", r->seconds,
		"eal_args", r->eal_args ? r->eal_args : "",
		"config", output_json_config(r->cfg), "host", host_object(&r->host), "ports", ports,
		"mempools", pools_array(r));
	if (root != NULL)
		json_object_set_new(root, "stop_reason", r->stop_reason ? json_string(r->stop_reason)
								   : json_null());
	return root;
}

/* The sender's side: timestamps, pacing, line rate, the streams and their totals, counters. */
static void
add_sender(json_t *root, const struct run_result *r)
{
	json_t *streams = json_array();
	unsigned int i;

	for (i = 0; i < r->n_streams; i++)
		json_array_append_new(streams, stream_object(&r->streams[i]));
	json_object_set_new(root, "timestamps", timestamps_object(&r->timestamps, r->tsc_hz));
	json_object_set_new(root, "line_rate", json_pack("{s:f, s:s}", "bps", r->line_rate_bps,
			"source", r->line_rate_source));
	json_object_set_new(root, "streams", streams);
	json_object_set_new(root, "pacing", pacing_object(&r->pacing));
	json_object_set_new(root, "encap_totals", encap_totals(r));
	json_object_set_new(root, "sender", sender_object(r));
	json_object_set_new(root, "outages", outages_object(r->outages));
}

/*
 * reflect alone: its dwell stamps come from the reflector lcore's TSC; "port" and "dwell" are
 * its schema 1 fields, kept beside ports[] and config.dwell.
 */
static void
add_reflect_only(json_t *root, const struct run_result *r)
{
	json_object_set_new(root, "timestamps", json_pack("{s:s, s:s, s:I}", "rx", "tsc",
			"tx", "tsc", "tsc_hz", (json_int_t)r->tsc_hz));
	if (r->n_ports > 0)
		json_object_set_new(root, "port", reflect_port_object(&r->ports[0].info));
	json_object_set_new(root, "dwell", json_boolean(r->cfg->dwell));
}

int
output_json(const char *path, const struct run_result *r)
{
	json_t *root = provenance(r);
	char tmp[4096];
	FILE *f;
	int rc;

	if (root == NULL) {
		fprintf(stderr, "ovlperf: building the JSON results failed\n");
		return -1;
	}
	if (r->n_sender_queues > 0)
		add_sender(root, r);
	else
		add_reflect_only(root, r);
	if (r->n_reflector_queues > 0)
		json_object_set_new(root, "reflector", reflector_object(r));
	f = output_open(path, tmp, sizeof(tmp));
	if (f == NULL) {
		json_decref(root);
		return -1;
	}
	errno = 0;
	rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (rc != 0 || fputc('\n', f) == EOF)
		return output_abandon(f, path, tmp, errno);
	return output_commit(f, path, tmp);
}
