/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Size mixes: --frame-size and --inner-size take "imix" (64, 594 and 1518 in 7:4:1) or a
 * weighted list SIZE:WEIGHT,... besides one size; --mix-seed fixes the order the classes are
 * interleaved in.
 */
#include <stdio.h>
#include <string.h>

#include "option_values.h"
#include "options.h"

#define FORMS "N, imix, or SIZE:WEIGHT,... (e.g. 64:7,594:4,1518:1)"

int
size_arg_is_mix(const char *arg)
{
	return strcmp(arg, "imix") == 0 || strchr(arg, ':') != NULL || strchr(arg, ',') != NULL;
}

void
value_size_forms(const char *arg, uint64_t min, uint64_t max, char *err, size_t errlen)
{
	snprintf(err, errlen, "'%s' is not allowed: a size %lu..%lu, imix, or SIZE:WEIGHT,... (e.g. 64:7,594:4,1518:1)",
			arg, (unsigned long)min, (unsigned long)max);
}

static int
parse_class(char *tok, uint64_t min, uint64_t max, uint64_t *size, uint64_t *weight, char *err,
		size_t errlen)
{
	char *colon = strchr(tok, ':');

	if (colon == NULL) {
		snprintf(err, errlen, "'%s' has no weight: %s", tok, FORMS);
		return -1;
	}
	*colon = '\0';
	if (parse_u64(tok, min, max, size) < 0) {
		snprintf(err, errlen, "size '%s' is not a whole number %lu..%lu: %s", tok,
				(unsigned long)min, (unsigned long)max, FORMS);
		return -1;
	}
	if (parse_u64(colon + 1, 1, OVL_MIX_WEIGHT_MAX, weight) < 0) {
		snprintf(err, errlen, "weight '%s' of size %lu is not a whole number 1..%d: %s",
				colon + 1, (unsigned long)*size, OVL_MIX_WEIGHT_MAX, FORMS);
		return -1;
	}
	return 0;
}

int
value_size_mix(const char *arg, uint64_t min, uint64_t max, struct ovl_size_mix *mix, char *err,
		size_t errlen)
{
	char list[256], *save = NULL, *tok;
	unsigned int i;

	memset(mix, 0, sizeof(*mix));
	if (strcmp(arg, "imix") == 0) {
		ovl_size_mix_imix(mix);
		return 0;
	}
	if (strlen(arg) >= sizeof(list)) {
		snprintf(err, errlen, "the list is too long: %s", FORMS);
		return -1;
	}
	if (arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,") != NULL) {
		snprintf(err, errlen, "'%s' has an empty entry: %s", arg, FORMS);
		return -1;
	}
	strcpy(list, arg);
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		uint64_t size, weight;

		if (mix->n == OVL_MIX_CLASSES_MAX) {
			snprintf(err, errlen, "more than %d sizes: %s", OVL_MIX_CLASSES_MAX, FORMS);
			return -1;
		}
		if (parse_class(tok, min, max, &size, &weight, err, errlen) < 0)
			return -1;
		for (i = 0; i < mix->n; i++)
			if (mix->size[i] == size) {
				snprintf(err, errlen, "size %lu is listed twice: %s", (unsigned long)size,
						FORMS);
				return -1;
			}
		mix->size[mix->n] = (uint32_t)size;
		mix->weight[mix->n] = (uint32_t)weight;
		mix->n++;
	}
	return 0;
}

int
apply_mix_seed(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_number(arg, 0, UINT64_MAX, &cfg->mix_seed, err, errlen);
}
