/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rules of driver profiles (profile_rules.c): the sections a profile may have, the keys of
 * each with what they allow, and the function that checks a key's value and stores it.
 */
#ifndef OVL_PROFILE_RULES_H
#define OVL_PROFILE_RULES_H

#include <stddef.h>

#include "profile.h"

/*
 * An apply function checks one value and stores it. On error it writes what is wrong to why
 * ("'vfio' is not allowed") and returns -1; the loader adds the file, line, key and allowed.
 */
typedef int (*ovl_profile_apply_fn)(struct ovl_profile *p, const char *key, const char *value,
		char *why, size_t whylen);

struct ovl_profile_key_rule {
	const char *section;
	const char *key;        /* NULL: any key (caveats) */
	int required;
	const char *allowed;    /* NULL: the offload names, made from DPDK's table */
	ovl_profile_apply_fn apply;
};

struct ovl_profile_section_rule {
	const char *name;
	int required;
};

extern const struct ovl_profile_section_rule *const ovl_profile_sections;
extern const size_t ovl_profile_n_sections;
extern const struct ovl_profile_key_rule *const ovl_profile_key_rules;
extern const size_t ovl_profile_n_key_rules;

/* The rule of key in section (any key of [caveats]), or NULL. */
const struct ovl_profile_key_rule *ovl_profile_key_rule_find(const char *section, const char *key);
const struct ovl_profile_section_rule *ovl_profile_section_rule_find(const char *name);

/* For error messages: "[driver], [binding], ...", a section's keys, what a key allows. */
void ovl_profile_section_names(char *buf, size_t len);
void ovl_profile_key_names(const char *section, char *buf, size_t len);
const char *ovl_profile_key_rule_allowed(const struct ovl_profile_key_rule *r, char *buf, size_t len);

/* The placeholders of [eal] args, ended by NULL. */
extern const char *const *const ovl_profile_placeholders;

#endif
