/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a test profile's streams add up to for the run (traffic_profile.h): the encapsulations its
 * receivers take (loop's reflector, the sender's replies), each with one set of options, and
 * the IP versions of their addresses.
 */
#include <stdio.h>
#include <string.h>

#include "traffic_profile.h"

/* Adds cfg's encapsulations to the run's, each once. */
static void
add_encaps(struct app_config *run, const struct app_config *cfg)
{
	unsigned int i, k;

	for (i = 0; i < cfg->n_encaps; i++) {
		for (k = 0; k < run->n_encaps && run->encaps[k] != cfg->encaps[i]; k++)
			;
		if (k == run->n_encaps && run->n_encaps < OVL_ENCAPS_MAX)
			run->encaps[run->n_encaps++] = cfg->encaps[i];
	}
}

/*
 * The line of stream j's key, the first of keys that it gives, else of its section; its
 * section's name in section.
 */
static unsigned int
stream_line(const struct traffic_profile *p, const struct ovl_ini_scan *scan, unsigned int j,
		const char *const *keys, char *section, size_t len)
{
	const struct ovl_ini_section *sec;
	unsigned int line = 0;

	snprintf(section, len, TRAFFIC_PROFILE_STREAM_PREFIX "%s", p->names[j]);
	for (; *keys != NULL && line == 0; keys++)
		line = ovl_ini_key_line(scan, section, *keys);
	sec = ovl_ini_find_section(scan, section, NULL);
	return line == 0 && sec != NULL ? sec->line : line;
}

/*
 * Stream j's parameter k of encapsulation e against the run's (the first stream's of e): a
 * filter (a VNI) that differs leaves the receivers unfiltered; anything else (a UDP port) the
 * receivers parse e by cannot differ. Returns 0, or -1 with one line in err.
 */
static int
merge_param(struct traffic_profile *p, const struct ovl_ini_scan *scan, unsigned int first, unsigned int j,
		unsigned int e, unsigned int k, char *err, size_t errlen)
{
	const struct ovl_encap_param *param = &ovl_encaps[e]->params[k];
	struct ovl_encap_values *run = &p->run.tunnel[e];
	const struct ovl_encap_values *v = &p->streams[j].tunnel[e];
	const char *const keys[] = { param->option, NULL };
	char section[CFG_NAME_LEN + 8];
	unsigned int line;

	if (v->v[k] == run->v[k] && (v->given & (1u << k)) == (run->given & (1u << k)))
		return 0;
	if (param->filter) {
		run->given &= (uint8_t)~(1u << k);
		return 0;
	}
	line = stream_line(p, scan, j, keys, section, sizeof(section));
	ovl_ini_fail(err, errlen, p->path, line,
			"[%s] %s: %u differs from [stream %s]'s %u; allowed: one %s per run (the receivers parse %s by it)",
			section, param->option, v->v[k], p->names[first], run->v[k], param->option,
			ovl_encaps[e]->name);
	return -1;
}

/* The receivers' tunnel options (loop's reflector, the sender's replies): the streams' own. */
static int
merge_tunnels(struct traffic_profile *p, const struct ovl_ini_scan *scan, char *err, size_t errlen)
{
	unsigned int e, j, k, first;

	for (e = 0; ovl_encaps[e] != NULL && e < OVL_ENCAPS_MAX; e++) {
		uint32_t bit = 1u << e;

		for (first = 0; first < p->n_streams && !(config_encap_mask(&p->streams[first]) & bit); first++)
			;
		if (first == p->n_streams)
			continue;
		p->run.tunnel[e] = p->streams[first].tunnel[e];
		for (j = first + 1; j < p->n_streams; j++) {
			if (!(config_encap_mask(&p->streams[j]) & bit))
				continue;
			for (k = 0; k < OVL_ENCAP_PARAMS_MAX && ovl_encaps[e]->params[k].option != NULL; k++)
				if (merge_param(p, scan, first, j, e, k, err, errlen) < 0)
					return -1;
		}
	}
	return 0;
}

/*
 * The streams' addresses are their own, of one IP version across the streams outside and one
 * inside (the ports, ARP or NDP, and loop's reflector serve one of each). The run's, which the
 * results' config and the ports show, become the first stream's. Returns 0, or -1 with one
 * line in err.
 */
static int
merge_addresses(struct traffic_profile *p, const struct ovl_ini_scan *scan, char *err, size_t errlen)
{
	static const char *const outer[] = { "dst-ip", "src-ip", NULL };
	static const char *const inner[] = { "inner-dst-ip", "inner-src-ip", NULL };
	const struct app_config *first = &p->streams[0];
	struct app_config *run = &p->run;
	char section[CFG_NAME_LEN + 8];
	unsigned int j;

	for (j = 1; j < p->n_streams; j++) {
		const struct ovl_frame_spec *s = &p->streams[j].spec;
		/* The outer versions agree: the inner ones differ. */
		int inside = s->ip6 == first->spec.ip6;
		unsigned int line;

		if (inside && s->inner_ip6 == first->spec.inner_ip6)
			continue;
		line = stream_line(p, scan, j, inside ? inner : outer, section, sizeof(section));
		ovl_ini_fail(err, errlen, p->path, line,
				"[%s] %s: IPv%d beside [stream %s]'s IPv%d; allowed: %s addresses of one IP version in every stream",
				section, inside ? "inner-dst-ip" : "dst-ip",
				(inside ? s->inner_ip6 : s->ip6) ? 6 : 4, p->names[0],
				(inside ? first->spec.inner_ip6 : first->spec.ip6) ? 6 : 4,
				inside ? "inner" : "outer");
		return -1;
	}
	run->src_ip6 = first->src_ip6;
	run->inner_src_ip6 = first->inner_src_ip6;
	run->spec.ip6 = first->spec.ip6;
	run->spec.src_ip = first->spec.src_ip;
	run->spec.dst_ip = first->spec.dst_ip;
	memcpy(run->spec.src_ip6, first->spec.src_ip6, 16);
	memcpy(run->spec.dst_ip6, first->spec.dst_ip6, 16);
	run->spec.inner_ip6 = first->spec.inner_ip6;
	run->spec.inner_src_ip = first->spec.inner_src_ip;
	run->spec.inner_dst_ip = first->spec.inner_dst_ip;
	memcpy(run->spec.inner_src_ip6, first->spec.inner_src_ip6, 16);
	memcpy(run->spec.inner_dst_ip6, first->spec.inner_dst_ip6, 16);
	return 0;
}

int
traffic_profile_merge(struct traffic_profile *p, const struct ovl_ini_scan *scan, char *err, size_t errlen)
{
	unsigned int i;

	p->run.n_encaps = 0;
	for (i = 0; i < p->n_streams; i++)
		add_encaps(&p->run, &p->streams[i]);
	if (merge_addresses(p, scan, err, errlen) < 0)
		return -1;
	return merge_tunnels(p, scan, err, errlen);
}
