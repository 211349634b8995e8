/* SPDX-License-Identifier: BSD-3-Clause */
/* The table of encapsulations, and what every caller asks of a descriptor. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <strings.h>

#include "encap.h"

extern const struct ovl_encap ovl_encap_raw;
extern const struct ovl_encap ovl_encap_vxlan;
extern const struct ovl_encap ovl_encap_ipip;
extern const struct ovl_encap ovl_encap_flannel;
extern const struct ovl_encap ovl_encap_geneve;
extern const struct ovl_encap ovl_encap_gretap;

/* Adding an encapsulation: one file, one extern above and one line here. */
const struct ovl_encap *const ovl_encaps[] = {
	&ovl_encap_raw,
	&ovl_encap_vxlan,
	&ovl_encap_ipip,
	&ovl_encap_flannel,
	&ovl_encap_geneve,
	&ovl_encap_gretap,
	NULL,
};

unsigned int
ovl_encap_count(void)
{
	unsigned int n = 0;

	while (ovl_encaps[n] != NULL)
		n++;
	return n;
}

const struct ovl_encap *
ovl_encap_find(const char *name)
{
	unsigned int i;

	for (i = 0; ovl_encaps[i] != NULL; i++)
		if (strcasecmp(ovl_encaps[i]->name, name) == 0)
			return ovl_encaps[i];
	return NULL;
}

int
ovl_encap_index(const struct ovl_encap *e)
{
	int i;

	for (i = 0; ovl_encaps[i] != NULL; i++)
		if (ovl_encaps[i] == e)
			return i;
	return -1;
}

uint16_t
ovl_encap_overhead(const struct ovl_encap *e, const struct ovl_encap_values *v)
{
	return e->overhead_of != NULL ? e->overhead_of(v) : e->overhead;
}

unsigned int
ovl_encap_param_count(const struct ovl_encap *e)
{
	unsigned int n = 0;

	while (n < OVL_ENCAP_PARAMS_MAX && e->params[n].option != NULL)
		n++;
	return n;
}

int
ovl_encap_param_index(const struct ovl_encap *e, const char *option)
{
	unsigned int i, n = ovl_encap_param_count(e);

	for (i = 0; i < n; i++)
		if (strcasecmp(e->params[i].option, option) == 0)
			return (int)i;
	return -1;
}

void
ovl_encap_values_defaults(const struct ovl_encap *e, struct ovl_encap_values *v)
{
	unsigned int i, n = ovl_encap_param_count(e);

	*v = (struct ovl_encap_values){ .given = 0 };
	for (i = 0; i < n; i++)
		v->v[i] = e->params[i].def;
}

int
ovl_encap_param_check(const struct ovl_encap *e, unsigned int i, uint32_t value, char *err,
		size_t errlen)
{
	const struct ovl_encap_param *p = &e->params[i];

	if (value < p->min || value > p->max ||
			(p->multiple_of > 1 && value % p->multiple_of != 0)) {
		if (p->multiple_of > 1)
			snprintf(err, errlen, "--%s %u: allowed %u..%u in multiples of %u", p->option,
					value, p->min, p->max, p->multiple_of);
		else
			snprintf(err, errlen, "--%s %u: allowed %u..%u", p->option, value, p->min, p->max);
		return -EINVAL;
	}
	return 0;
}

uint16_t
ovl_encap_udp_port(const struct ovl_encap *e, const struct ovl_encap_values *v)
{
	return e->udp_port_param != 0 ? (uint16_t)v->v[e->udp_port_param - 1] : 0;
}
