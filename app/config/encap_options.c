/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The options the encapsulations declare (UDP ports, network identifiers, keys): made from the
 * table, so a new encapsulation's options are parsed, checked, listed in --help and reported in
 * results without a line here. An option declared by several encapsulations (two tunnels'
 * network identifier) is one option that sets them all.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "encap_options.h"

/* The first declaration of option k, where the k distinct options are in table order. */
static int
nth(unsigned int k, const struct ovl_encap **owner, unsigned int *index)
{
	unsigned int i, p, seen = 0;

	for (i = 0; ovl_encaps[i] != NULL; i++) {
		unsigned int n = ovl_encap_param_count(ovl_encaps[i]);

		for (p = 0; p < n; p++) {
			const char *name = ovl_encaps[i]->params[p].option;
			unsigned int j;
			int earlier = 0;

			for (j = 0; j < i && !earlier; j++)
				earlier = ovl_encap_param_index(ovl_encaps[j], name) >= 0;
			if (earlier)
				continue;
			if (seen++ == k) {
				*owner = ovl_encaps[i];
				*index = p;
				return 0;
			}
		}
	}
	return -1;
}

unsigned int
encap_options_count(void)
{
	const struct ovl_encap *e;
	unsigned int k = 0, p;

	while (nth(k, &e, &p) == 0)
		k++;
	return k;
}

const struct ovl_encap_param *
encap_option(unsigned int k)
{
	const struct ovl_encap *e;
	unsigned int p;

	return nth(k, &e, &p) == 0 ? &e->params[p] : NULL;
}

void
encap_options_defaults(struct app_config *cfg)
{
	unsigned int i;

	for (i = 0; ovl_encaps[i] != NULL && i < OVL_ENCAPS_MAX; i++)
		ovl_encap_values_defaults(ovl_encaps[i], &cfg->tunnel[i]);
}

int
encap_option_apply(struct app_config *cfg, unsigned int k, const char *arg, char *err,
		size_t errlen)
{
	const struct ovl_encap_param *opt = encap_option(k);
	unsigned long long v;
	char *end;
	unsigned int i;

	if (opt == NULL)
		return -1;
	errno = 0;
	v = *arg >= '0' && *arg <= '9' ? strtoull(arg, &end, 0) : 0;
	if (*arg < '0' || *arg > '9' || errno != 0 || *end != '\0' || v < opt->min || v > opt->max ||
			(opt->multiple_of > 1 && v % opt->multiple_of != 0)) {
		if (opt->multiple_of > 1)
			snprintf(err, errlen, "'%s' is not allowed: a whole number %" PRIu32 "..%" PRIu32
					" in multiples of %" PRIu32, arg, opt->min, opt->max, opt->multiple_of);
		else
			snprintf(err, errlen, "'%s' is not allowed: a whole number %" PRIu32 "..%" PRIu32
					" (decimal or 0x hex)", arg, opt->min, opt->max);
		return -1;
	}
	for (i = 0; ovl_encaps[i] != NULL && i < OVL_ENCAPS_MAX; i++) {
		int p = ovl_encap_param_index(ovl_encaps[i], opt->option);

		if (p < 0)
			continue;
		if (ovl_encap_param_check(ovl_encaps[i], (unsigned int)p, (uint32_t)v, err, errlen) < 0)
			return -1;
		cfg->tunnel[i].v[p] = (uint32_t)v;
		cfg->tunnel[i].given |= (uint8_t)(1u << p);
	}
	return 0;
}

void
encap_option_owners(unsigned int k, char *buf, size_t len)
{
	const struct ovl_encap_param *opt = encap_option(k);
	unsigned int i;
	size_t off = 0;

	buf[0] = '\0';
	for (i = 0; opt != NULL && ovl_encaps[i] != NULL && off < len; i++)
		if (ovl_encap_param_index(ovl_encaps[i], opt->option) >= 0)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
					ovl_encaps[i]->name);
}

uint32_t
config_encap_mask(const struct app_config *cfg)
{
	uint32_t mask = 0;
	unsigned int i;

	for (i = 0; i < cfg->n_encaps; i++)
		mask |= 1u << ovl_encap_index(cfg->encaps[i]);
	return cfg->n_encaps != 0 ? mask : OVL_ENCAP_MASK_ALL;
}

void
config_rx(const struct app_config *cfg, uint32_t mask, int filter, struct ovl_rx_config *rx)
{
	ovl_rx_config_init(rx, mask, cfg->tunnel, filter);
}

int
encap_option_value(const struct app_config *cfg, unsigned int k, uint32_t *value)
{
	const struct ovl_encap_param *opt = encap_option(k);
	unsigned int i;

	for (i = 0; opt != NULL && ovl_encaps[i] != NULL && i < OVL_ENCAPS_MAX; i++) {
		int p = ovl_encap_param_index(ovl_encaps[i], opt->option);

		if (p < 0)
			continue;
		if (opt->optional && !(cfg->tunnel[i].given & (1u << p)))
			return 0;
		*value = cfg->tunnel[i].v[p];
		return 1;
	}
	return 0;
}

void
encap_option_key(unsigned int k, char *buf, size_t len)
{
	const struct ovl_encap_param *opt = encap_option(k);
	size_t i;

	snprintf(buf, len, "%s", opt != NULL ? opt->option : "");
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '-')
			buf[i] = '_';
}
