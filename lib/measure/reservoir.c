/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "reservoir.h"

int
ovl_reservoir_init(struct ovl_reservoir *r, uint32_t size, uint64_t seed)
{
	memset(r, 0, sizeof(*r));
	r->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
	if (size == 0)
		return 0;
	r->samples = calloc(size, sizeof(*r->samples));
	if (r->samples == NULL)
		return -1;
	r->size = size;
	return 0;
}

void
ovl_reservoir_free(struct ovl_reservoir *r)
{
	free(r->samples);
	memset(r, 0, sizeof(*r));
}
