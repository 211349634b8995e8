/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsers for the values of driver profile keys (used by profile_rules.c): one word of a set,
 * a comma-separated list of names, a number in a range, and DPDK offload names. On error each
 * writes what is wrong to why ("'vfio' is not allowed") and returns -1.
 */
#ifndef OVL_PROFILE_VALUES_H
#define OVL_PROFILE_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

struct ovl_profile_choice {
	const char *word;
	int value;
};

/* Stores in *out the value of the word value in c (ended by a NULL word). */
int ovl_profile_choose(const struct ovl_profile_choice *c, const char *value, int *out, char *why,
		size_t whylen);
/* The word of value in c, or "?". */
const char *ovl_profile_choice_word(const struct ovl_profile_choice *c, int value);

/*
 * Splits a comma-separated list into at most max words of the allowed characters, each at
 * most OVL_PROFILE_WORD_MAX - 1 long and given once. Returns the count or -1.
 */
int ovl_profile_split_words(const char *value, char out[][OVL_PROFILE_WORD_MAX], unsigned int max,
		int dash, char *why, size_t whylen);

/* A decimal number in min..max, or 0 as well when zero is set. */
int ovl_profile_number(const char *value, unsigned long min, unsigned long max, int zero,
		unsigned long *out, char *why, size_t whylen);

/* DPDK's name of a TX (tx set) or RX offload bit; "UNKNOWN" or NULL for none. */
const char *ovl_profile_offload_name(int tx, uint64_t bit);
/* "none", or DPDK offload names in any case, comma-separated: their bits in *bits. */
int ovl_profile_offloads(int tx, const char *value, uint64_t *bits, char *why, size_t whylen);
/* What an offloads key allows, listing DPDK's names in lower case. */
void ovl_profile_offload_names_allowed(int tx, char *buf, size_t len);

#endif
