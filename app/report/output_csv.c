/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One CSV row per stream; the columns are the JSON's stream fields, flattened. Before the
 * header, the provenance (the JSON's ovlperf, dpdk, started_at, and the command line) as '#' lines.
 */
#include <inttypes.h>
#include <netinet/in.h>

#include "output.h"

/*
 * A mix's size classes, each a row of kind size_class after its stream's: the stream's id,
 * the class's sizes, and its packets and bytes sent and received; the rest empty.
 */
static void
class_rows(FILE *f, const struct run_result *r, const struct stream_result *s)
{
	const struct stream *st = s->stream;
	unsigned int k;

	for (k = 0; s->n_classes > 1 && k < s->n_classes; k++) {
		const struct class_result *c = &s->classes[k];

		fprintf(f, "%d,%d,%u,%s,size_class,%s,%u,%u,1,%u,,%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",,,,,%" PRIu64 ",%" PRIu64 ",,,,,,,,,,,,,,,,,,,,,,,,,%s\n",
				RESULTS_SCHEMA_VERSION, r->partial, st->id, st->spec.encap->name,
				ovl_inner_proto_name(st->spec.inner_proto), c->frame_size,
				c->inner_size, st->n_flows, r->seconds, c->tx_datagrams, c->tx_datagrams,
				c->tx_bytes, c->rx_datagrams, c->rx_bytes, st->name ? st->name : "");
	}
}

int
output_csv(const char *path, const struct run_result *r)
{
	char tmp[4096];
	FILE *f = output_open(path, tmp, sizeof(tmp));
	unsigned int i;

	if (f == NULL)
		return -1;
	output_provenance_comment(f, r);
	fprintf(f, "schema,partial,stream,encap,kind,inner_proto,frame_size,inner_size,fragments,flows,"
			"rate_pps,seconds,tx_packets,tx_frames,tx_bytes,tx_pps,tx_l1_bps,tx_l2_bps,tx_goodput_bps,"
			"rx_packets,rx_bytes,rx_pps,rx_l1_bps,rx_l2_bps,rx_goodput_bps,lost,loss_ratio,reordered,"
			"duplicated,late,corrupted,line_rate_bps,line_rate_pps,line_goodput_bps,"
			"latency_count,latency_min_ns,latency_p50_ns,latency_p90_ns,latency_p99_ns,"
			"latency_p999_ns,latency_max_ns,latency_mean_ns,latency_stddev_ns,dwell_subtracted,"
			"timestamp_source,name\n");
	for (i = 0; i < r->n_streams; i++) {
		const struct stream_result *s = &r->streams[i];
		const struct stream *st = s->stream;

		fprintf(f, "%d,%d,%u,%s,%s,%s,%u,%u,%u,%u,%" PRIu64 ",%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%.3f,%.1f,%.1f,%.1f,%" PRIu64 ",%" PRIu64 ",%.3f,%.1f,%.1f,%.1f,%" PRIu64
				",%.9f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.0f,%.3f,%.1f,%" PRIu64
				",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%.1f,%.1f,%" PRIu64 ",tsc,%s\n",
				RESULTS_SCHEMA_VERSION, r->partial, st->id, st->spec.encap->name,
				st->latency ? "latency" : "load",
				ovl_inner_proto_name(st->spec.inner_proto), st->lay.frame_size,
				st->lay.inner_len, st->n_frames, st->n_flows, st->rate_pps, r->seconds,
				s->tx_datagrams, s->tx_frames, s->tx_bytes, s->tx_pps, s->tx_l1_bps,
				s->tx_l2_bps, s->tx_goodput_bps, s->rx_datagrams, s->rx_bytes, s->rx_pps,
				s->rx_l1_bps, s->rx_l2_bps, s->rx_goodput_bps, s->lost, s->loss_ratio,
				s->reordered, s->duplicated, s->late, s->corrupted, r->line_rate_bps,
				s->line_rate_pps, s->line_goodput_bps, s->latency.count, s->latency.min,
				s->latency.p50, s->latency.p90, s->latency.p99, s->latency.p999,
				s->latency.max, s->latency.mean, s->latency.stddev, s->dwell_subtracted,
				st->name ? st->name : "");
		class_rows(f, r, s);
	}
	return output_commit(f, path, tmp);
}
