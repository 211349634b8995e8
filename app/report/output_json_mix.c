/* SPDX-License-Identifier: BSD-3-Clause */
/* A size mix in the results JSON: as the options gave it, and per stream by size class. */
#include <jansson.h>

#include "output.h"

/* A mix as given (null for one size) and its seed, which fixes the order of its sizes. */
json_t *
output_json_mix(const struct app_config *cfg)
{
	json_t *sizes;
	unsigned int c;

	if (cfg->mix.n == 0)
		return json_null();
	sizes = json_array();
	for (c = 0; c < cfg->mix.n; c++)
		json_array_append_new(sizes, json_pack("{s:i, s:i}", "size", (int)cfg->mix.size[c],
				"weight", (int)cfg->mix.weight[c]));
	return json_pack("{s:s, s:b, s:o, s:I}", "of", cfg->sizes_given & (1u << OVL_SIZE_INNER) ?
			"inner_size" : "frame_size", "imix", cfg->mix.imix, "sizes", sizes,
			"seed", (json_int_t)cfg->mix_seed);
}

/* A mix's size classes, each sent and received (an empty array for one size). */
json_t *
output_json_classes(const struct stream_result *s)
{
	json_t *a = json_array();
	unsigned int k;

	for (k = 0; s->n_classes > 1 && k < s->n_classes; k++) {
		const struct class_result *c = &s->classes[k];

		json_array_append_new(a, json_pack("{s:i, s:i, s:i, s:{s:I, s:I}, s:{s:I, s:I}}",
				"frame_size", (int)c->frame_size, "inner_size", (int)c->inner_size,
				"weight", (int)c->weight,
				"tx", "packets", (json_int_t)c->tx_datagrams, "bytes", (json_int_t)c->tx_bytes,
				"rx", "packets", (json_int_t)c->rx_datagrams, "bytes", (json_int_t)c->rx_bytes));
	}
	return a;
}
