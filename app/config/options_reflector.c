/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The options of the reflector and its guards: what it stamps, which frames it takes, the
 * shared key of tagged probes, the sources it answers and how fast. Its own addresses (--ip,
 * --inner-ip) are the frames' destination addresses (options_frame.c).
 */
#include <stdio.h>

#include "option_values.h"
#include "options.h"

int
apply_dwell(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->dwell = 1;
	/* Only the full probe has room for the reflector's stamps (loop's sender sends it). */
	cfg->spec.probe_form = OVL_PROBE_FULL;
	return 0;
}

int
apply_promiscuous(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->promiscuous = 1;
	return 0;
}

int
apply_key(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (ovl_key_load(arg, &cfg->key, err, errlen) < 0)
		return -1;
	cfg->keyed = 1;
	/* Only the full probe has room for the tag. */
	cfg->spec.probe_form = OVL_PROBE_FULL;
	return 0;
}

int
apply_allow(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return ovl_allowlist_add(&cfg->allow, arg, err, errlen);
}

int
apply_max_pps(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_number(arg, 1, 1000000000, &cfg->max_pps, err, errlen);
}
