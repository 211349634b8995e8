/* SPDX-License-Identifier: BSD-3-Clause */
/* The encapsulations' own options, made from the table (encap_options.c). */
#ifndef OVL_APP_ENCAP_OPTIONS_H
#define OVL_APP_ENCAP_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "encap.h"

struct app_config;

/* The distinct options the encapsulations declare, numbered 0..count-1 in table order. */
unsigned int encap_options_count(void);
const struct ovl_encap_param *encap_option(unsigned int k);

/* The encapsulations that declare option k, their names joined by ", ". */
void encap_option_owners(unsigned int k, char *buf, size_t len);

/* Every encapsulation's parameters at their defaults. */
void encap_options_defaults(struct app_config *cfg);

/*
 * Checks arg for option k and sets it in every encapsulation that declares it (marked given).
 * Returns 0, or -1 with err naming what is allowed.
 */
int encap_option_apply(struct app_config *cfg, unsigned int k, const char *arg, char *err,
		size_t errlen);

/* Option k's value in cfg: 1 and *value, or 0 for an optional one (no default) not given. */
int encap_option_value(const struct app_config *cfg, unsigned int k, uint32_t *value);

/* Option k's name in results: its option name with each '-' turned into '_'. */
void encap_option_key(unsigned int k, char *buf, size_t len);

#endif
