/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a test profile's streams add up to for the run (traffic_profile.h): the encapsulations its
 * receivers take (loop's reflector, the sender's replies), each with one set of options.
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
	const struct ovl_ini_section *sec;
	char section[CFG_NAME_LEN + 8];
	unsigned int line;

	if (v->v[k] == run->v[k] && (v->given & (1u << k)) == (run->given & (1u << k)))
		return 0;
	if (param->filter) {
		run->given &= (uint8_t)~(1u << k);
		return 0;
	}
	snprintf(section, sizeof(section), TRAFFIC_PROFILE_STREAM_PREFIX "%s", p->names[j]);
	line = ovl_ini_key_line(scan, section, param->option);
	sec = ovl_ini_find_section(scan, section, NULL);
	if (line == 0 && sec != NULL)
		line = sec->line;
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

int
traffic_profile_merge(struct traffic_profile *p, const struct ovl_ini_scan *scan, char *err, size_t errlen)
{
	unsigned int i;

	p->run.n_encaps = 0;
	for (i = 0; i < p->n_streams; i++)
		add_encaps(&p->run, &p->streams[i]);
	return merge_tunnels(p, scan, err, errlen);
}
