/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * run --print: a test profile's streams as they would be sent (traffic_profile.h), from the
 * configurations alone: no EAL, no port. A rate given as a share of the link needs the link's
 * speed: --line-rate, or it is shown as the share.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "traffic_profile.h"

static const char *const rate_units[] = { "unlimited", "pps", "bps (L2)", "bps (L1)", "% of the link" };

/* "64" or, for a mix, "64:7,594:4,1518:1" (raised where the encapsulation needs), and the mean. */
static double
sizes_text(const struct app_config *cfg, unsigned int i, char *buf, size_t len, uint32_t *inner)
{
	unsigned int c, classes = config_classes(cfg), weights = 0;
	double sum = 0;
	size_t off = 0;

	buf[0] = '\0';
	for (c = 0; c < classes; c++) {
		struct ovl_frame_spec spec;
		struct ovl_frame_layout lay;
		uint32_t w = cfg->mix.n > 0 ? cfg->mix.weight[c] : 1;
		char err[256];

		config_spec_for_class(cfg, i, c, &spec);
		if (ovl_frame_layout(&spec, &lay, err, sizeof(err)) < 0) {
			snprintf(buf, len, "bad: %s", err);
			return 0;
		}
		if (c == 0)
			*inner = lay.inner_len;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, classes > 1 ? "%s%u:%u" : "%s%u",
				c ? "," : "", lay.frame_size, w);
		if (lay.n_frames > 1)
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, " (%u fragments)",
					lay.n_frames);
		sum += (double)lay.frame_size * w;
		weights += w;
	}
	return weights ? sum / weights : 0;
}

/* "SRC>DST" of either IP version. */
static const char *
pair_text(int ip6, rte_be32_t src, const uint8_t src6[16], rte_be32_t dst, const uint8_t dst6[16],
		char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	inet_ntop(ip6 ? AF_INET6 : AF_INET, ip6 ? (const void *)src6 : &src, a, sizeof(a));
	inet_ntop(ip6 ? AF_INET6 : AF_INET, ip6 ? (const void *)dst6 : &dst, b, sizeof(b));
	snprintf(buf, len, "%s>%s", a, b);
	return buf;
}

static void
print_stream(FILE *out, const struct app_config *cfg, const char *name)
{
	const struct ovl_frame_spec *s = &cfg->spec;
	char outer[2 * INET6_ADDRSTRLEN + 2], inner[2 * INET6_ADDRSTRLEN + 2];
	unsigned int i;

	pair_text(s->ip6, s->src_ip, s->src_ip6, s->dst_ip, s->dst_ip6, outer, sizeof(outer));
	pair_text(s->inner_ip6, s->inner_src_ip, s->inner_src_ip6, s->inner_dst_ip, s->inner_dst_ip6,
			inner, sizeof(inner));

	for (i = 0; i < cfg->n_encaps; i++) {
		char sizes[256], rate[64];
		uint32_t inner_len = 0;
		double mean = sizes_text(cfg, i, sizes, sizeof(sizes), &inner_len);
		uint64_t pps = rate_to_pps(&cfg->rate, mean, cfg->line_rate_bps);

		if (cfg->rate.unit == RATE_UNLIMITED)
			snprintf(rate, sizeof(rate), "unlimited");
		else if (cfg->rate.unit == RATE_LINK_PERCENT && cfg->line_rate_bps <= 0)
			snprintf(rate, sizeof(rate), "%g%%-of-link", cfg->rate.value);
		else
			snprintf(rate, sizeof(rate), "%lu", (unsigned long)pps);
		/* raw carries no inner packet: its one IP header has the outer addresses. */
		fprintf(out, "%-16s %-8s %-24s %6u %12s %6u %8lu %5s %-27s %-31s %s\n", name ? name : "-",
				cfg->encaps[i]->name, sizes, inner_len, rate, cfg->flows,
				(unsigned long)cfg->latency_rate,
				ovl_inner_proto_name(cfg->spec.inner_proto), outer,
				cfg->encaps[i]->ip_proto == 0 ? "-" : inner,
				cfg->rate.unit == RATE_UNLIMITED ? "" : rate_units[cfg->rate.unit]);
	}
}

int
traffic_profile_print(struct traffic_profile *p, FILE *out)
{
	const struct app_config *run = &p->run;
	unsigned int n, k;
	struct app_config *cfgs = traffic_profile_stream_configs(p, &n);
	int sends = strcmp(p->mode, "reflect") != 0;
	/* What send and loop will measure for; reflect runs until stopped without one. */
	double duration = sends && run->duration_s == 0 && run->count == 0 ? OVL_DURATION_DEFAULT_S :
		run->duration_s;

	fprintf(out, "profile %s: mode %s, duration %g s, warmup %g s, drain %g ms, queues %u",
			p->path, p->mode, duration, run->warmup_s, run->drain_s * 1000, run->queues);
	if (run->count != 0)
		fprintf(out, ", count %lu", (unsigned long)run->count);
	if (run->json_path != NULL)
		fprintf(out, ", json %s", run->json_path);
	if (run->csv_path != NULL)
		fprintf(out, ", csv %s", run->csv_path);
	if (run->latency_log_path != NULL)
		fprintf(out, ", latency-log %s", run->latency_log_path);
	fprintf(out, "\n");
	if (p->eal_argc > 0) {
		fprintf(out, "eal");
		for (k = 1; k < (unsigned int)p->eal_argc; k++)
			fprintf(out, " %s", p->eal_argv[k]);
		fprintf(out, "\n");
	}
	if (!sends) {
		fprintf(out, "answers:");
		for (k = 0; k < run->n_encaps; k++)
			fprintf(out, " %s", run->encaps[k]->name);
		fprintf(out, "\n");
		return 0;
	}
	fprintf(out, "%-16s %-8s %-24s %6s %12s %6s %8s %5s %-27s %-31s %s\n", "stream", "encap",
			"frame_size[:weight]", "inner", "rate_pps", "flows", "lat_pps", "proto",
			"outer_src>dst", "inner_src>dst", "rate given in");
	for (k = 0; k < n; k++)
		print_stream(out, &cfgs[k], cfgs[k].name);
	return 0;
}
