/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>
#include <string.h>

#include "encap.h"

extern const struct ovl_encap ovl_encap_raw;
extern const struct ovl_encap ovl_encap_vxlan;
extern const struct ovl_encap ovl_encap_ipip;
extern const struct ovl_encap ovl_encap_flannel;

/* Adding an encapsulation: one file, one extern above and one line here. */
const struct ovl_encap *const ovl_encaps[] = {
	&ovl_encap_raw,
	&ovl_encap_vxlan,
	&ovl_encap_ipip,
	&ovl_encap_flannel,
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
		if (strcmp(ovl_encaps[i]->name, name) == 0)
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
