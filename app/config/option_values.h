/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kinds of value options take (option_values.c): whole numbers, seconds, IPv4 and MAC
 * addresses, output paths, rates and link speeds. Each returns 0 with *out set, or -1 with err
 * saying what is allowed (the caller prefixes the option's name).
 */
#ifndef OVL_APP_OPTION_VALUES_H
#define OVL_APP_OPTION_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "config.h"

/* min..max, decimal or 0x hex; no sign, no leading space. */
/* A whole number min..max, decimal or 0x hex, nothing after it. Returns 0 or -1. */
int parse_u64(const char *arg, uint64_t min, uint64_t max, uint64_t *out);

int value_number(const char *arg, uint64_t min, uint64_t max, uint64_t *out, char *err,
		size_t errlen);
/* value_number into a 32-bit field (max at most UINT32_MAX). */
int value_u32(const char *arg, uint32_t min, uint32_t max, uint32_t *out, char *err, size_t errlen);

/* A decimal number of seconds, min..max. */
int value_seconds(const char *arg, double min, double max, double *out, char *err, size_t errlen);

/* An IPv4 address into *v4 (*is_v6 = 0) or an IPv6 one into v6 (*is_v6 = 1). */
int value_ip(const char *arg, rte_be32_t *v4, uint8_t v6[16], uint8_t *is_v6, char *err,
		size_t errlen);

/* Six hex bytes separated by colons. */
int value_mac(const char *arg, struct rte_ether_addr *out, char *err, size_t errlen);

/* A file to write results to, or - for stdout; not empty. */
int value_output(const char *arg, const char **out, char *err, size_t errlen);

/* packets/s, bit/s at layer 2 or 1, a share of the link, or unlimited (struct rate). */
int value_rate(const char *arg, struct rate *out, char *err, size_t errlen);

/* A link speed in bit/s, 1M..1000G. */
int value_link_speed(const char *arg, double *bps, char *err, size_t errlen);

#endif
