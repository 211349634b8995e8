/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The value parsers of driver profile keys (profile_values.h): a word of a set, a list of
 * names, a number in a range, DPDK offload names; the key table (profile_rules.c) applies them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_ethdev.h>

#include "ini_scan.h"
#include "profile_values.h"

int
ovl_profile_choose(const struct ovl_profile_choice *c, const char *value, int *out, char *why, size_t whylen)
{
	for (; c->word != NULL; c++)
		if (strcmp(c->word, value) == 0) {
			*out = c->value;
			return 0;
		}
	snprintf(why, whylen, "'%s' is not allowed", value);
	return -1;
}

const char *
ovl_profile_choice_word(const struct ovl_profile_choice *c, int value)
{
	for (; c->word != NULL; c++)
		if (c->value == value)
			return c->word;
	return "?";
}

/*
 * Splits a comma-separated list into at most max words of the allowed characters, each at
 * most OVL_PROFILE_WORD_MAX - 1 long and given once. Returns the count or -1.
 */
int
ovl_profile_split_words(const char *value, char out[][OVL_PROFILE_WORD_MAX], unsigned int max, int dash,
		char *why, size_t whylen)
{
	char copy[OVL_PROFILE_TEXT_MAX], *save = NULL, *tok;
	unsigned int n = 0, i;

	snprintf(copy, sizeof(copy), "%s", value);
	if (copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,") != NULL) {
		snprintf(why, whylen, "'%s' has an empty item", value);
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		tok = ovl_ini_strip(tok);
		if (*tok == '\0') {
			snprintf(why, whylen, "'%s' has an empty item", value);
			return -1;
		}
		if (!ovl_ini_is_word(tok, dash) || strlen(tok) >= OVL_PROFILE_WORD_MAX) {
			snprintf(why, whylen, "'%s' is not allowed", tok);
			return -1;
		}
		for (i = 0; i < n; i++)
			if (strcmp(out[i], tok) == 0) {
				snprintf(why, whylen, "'%s' is listed twice", tok);
				return -1;
			}
		if (n == max) {
			snprintf(why, whylen, "more than %u items", max);
			return -1;
		}
		strcpy(out[n++], tok);
	}
	return (int)n;
}

int
ovl_profile_number(const char *value, unsigned long min, unsigned long max, int zero, unsigned long *out,
		char *why, size_t whylen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = isdigit((unsigned char)value[0]) ? strtoul(value, &end, 10) : 0;
	if (!isdigit((unsigned char)value[0]) || errno != 0 || *end != '\0' ||
			((v < min || v > max) && !(zero && v == 0))) {
		snprintf(why, whylen, "'%s' is not allowed", value);
		return -1;
	}
	*out = v;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* DPDK offload names                                                                         */
/* ------------------------------------------------------------------------------------------ */

const char *
ovl_profile_offload_name(int tx, uint64_t bit)
{
	return tx ? rte_eth_dev_tx_offload_name(bit) : rte_eth_dev_rx_offload_name(bit);
}

/* The bit whose DPDK name is name, in any case; 0 when there is none. */
static uint64_t
offload_bit(int tx, const char *name)
{
	int i;

	for (i = 0; i < 64; i++) {
		const char *n = ovl_profile_offload_name(tx, 1ull << i);

		if (n != NULL && strcmp(n, "UNKNOWN") != 0 && strcasecmp(n, name) == 0)
			return 1ull << i;
	}
	return 0;
}

int
ovl_profile_offloads(int tx, const char *value, uint64_t *bits, char *why, size_t whylen)
{
	char words[64][OVL_PROFILE_WORD_MAX], lower[OVL_PROFILE_TEXT_MAX];
	size_t k;
	int n, i;

	*bits = 0;
	if (strcmp(value, "none") == 0)
		return 0;
	/* DPDK prints IPV4_CKSUM, testpmd's commands take ipv4_cksum: either is fine. */
	for (k = 0; value[k] != '\0' && k + 1 < sizeof(lower); k++)
		lower[k] = (char)tolower((unsigned char)value[k]);
	lower[k] = '\0';
	n = ovl_profile_split_words(lower, words, 64, 0, why, whylen);
	for (i = 0; i < n; i++) {
		uint64_t bit = offload_bit(tx, words[i]);

		if (bit == 0) {
			snprintf(why, whylen, "'%s' is not a DPDK %s offload", words[i], tx ? "TX" : "RX");
			return -1;
		}
		*bits |= bit;
	}
	return n < 0 ? -1 : 0;
}

void
ovl_profile_offload_names_allowed(int tx, char *buf, size_t len)
{
	size_t off;
	int i;

	off = (size_t)snprintf(buf, len, "none, or DPDK %s offload names, comma-separated, any case:", tx ? "TX" : "RX");
	for (i = 0; i < 64 && off < len; i++) {
		const char *n = ovl_profile_offload_name(tx, 1ull << i);
		size_t k;

		if (n == NULL || strcmp(n, "UNKNOWN") == 0)
			continue;
		off += snprintf(buf + off, len - off, " ");
		for (k = 0; n[k] != '\0' && off + 1 < len; k++)
			buf[off++] = (char)tolower((unsigned char)n[k]);
		buf[off < len ? off : len - 1] = '\0';
	}
}
