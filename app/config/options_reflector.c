/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The options of the reflector and its guards: what it stamps, which frames it takes, the
 * shared key of tagged probes, the sources it answers and how fast, and its own addresses
 * (--ip, --inner-ip: lists, the first of which is the frames' destination, options_frame.c).
 */
#include <stdio.h>
#include <string.h>

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

/*
 * A comma-separated list of addresses of one IP version into set, the first also applied by
 * first (the destination address of the frames, which results and the port take).
 */
static int
value_own_ips(struct app_config *cfg, const char *arg, struct ovl_own_addrs *set,
		int (*first)(struct app_config *, const char *, char *, size_t), char *err, size_t errlen)
{
	static const struct rte_ether_addr unset; /* the port's and --inner-dst-mac, at run time */
	char list[1024], *save = NULL, *tok;

	if (strlen(arg) >= sizeof(list)) {
		snprintf(err, errlen, "a list longer than %zu characters; allowed: up to %d addresses",
				sizeof(list) - 1, OVL_OWN_ADDRS_MAX);
		return -1;
	}
	snprintf(list, sizeof(list), "%s", arg);
	memset(set, 0, sizeof(*set));
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		uint8_t v6[16] = { 0 }, is_v6 = 0;
		rte_be32_t v4 = 0;

		if (value_ip(tok, &v4, v6, &is_v6, err, errlen) < 0 ||
				(set->n == 0 && first(cfg, tok, err, errlen) < 0))
			return -1;
		if (ovl_own_addrs_add(set, is_v6, v4, v6, &unset) < 0) {
			snprintf(err, errlen, "'%s' %s; allowed: up to %d addresses of one IP version, separated by commas",
					tok, is_v6 != set->ip6 ? "is of another IP version than the first" :
					"is one too many", OVL_OWN_ADDRS_MAX);
			return -1;
		}
	}
	if (set->n == 0) {
		snprintf(err, errlen, "no address; allowed: up to %d IPv4 or IPv6 addresses of one version, separated by commas",
				OVL_OWN_ADDRS_MAX);
		return -1;
	}
	return 0;
}

int
apply_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_own_ips(cfg, arg, &cfg->own_ips, apply_dst_ip, err, errlen);
}

int
apply_inner_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_own_ips(cfg, arg, &cfg->own_inner_ips, apply_inner_dst_ip, err, errlen);
}
