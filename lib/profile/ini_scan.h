/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An INI scanner: reads a file's lines as rte_cfgfile will, records the line of every section
 * and key (which rte_cfgfile does not report), and rejects, with one "FILE:LINE: what; allowed:
 * what" error, whatever rte_cfgfile would refuse or accept silently but wrongly. Driver
 * profiles use it before rte_cfgfile reads their values; any other INI file ovlperf reads can.
 *
 * What it accepts: [section] and key = value lines (names of [a-z0-9_]), '; comments' and blank
 * lines; each section once and each key once in its section; lines and values no longer than
 * rte_cfgfile keeps, without a backslash or a NUL byte.
 */
#ifndef OVL_INI_SCAN_H
#define OVL_INI_SCAN_H

#include <stddef.h>
#include <stdio.h>

#include <rte_cfgfile.h>

#define OVL_INI_SECTIONS_MAX 16
#define OVL_INI_ENTRIES_MAX 128

struct ovl_ini_entry {
	unsigned int section;   /* index into sections */
	unsigned int line;
	char key[CFG_NAME_LEN];
};

struct ovl_ini_section {
	unsigned int line;
	char name[CFG_NAME_LEN];
};

/* What a file may have beyond the driver profiles' syntax (ovl_ini_scan_file_with). */
#define OVL_INI_KEY_DASHES 1u  /* keys with '-' (a test profile's keys are long option names) */
#define OVL_INI_LABELS 2u      /* [word label] sections, the label of [a-z0-9_-] */

struct ovl_ini_scan {
	unsigned int flags;
	unsigned int n_sections, n_entries;
	struct ovl_ini_section sections[OVL_INI_SECTIONS_MAX];
	struct ovl_ini_entry entries[OVL_INI_ENTRIES_MAX];
};

/*
 * Scans the open file f (named path in errors) into s. Returns 0, or -EINVAL with one line in
 * err.
 */
int ovl_ini_scan_file(FILE *f, const char *path, struct ovl_ini_scan *s, char *err, size_t errlen);

/* ovl_ini_scan_file, with the OVL_INI_* flags' syntax too. */
int ovl_ini_scan_file_with(FILE *f, const char *path, unsigned int flags, struct ovl_ini_scan *s,
		char *err, size_t errlen);

/* The section called name (and its index into s->sections), or NULL. */
const struct ovl_ini_section *ovl_ini_find_section(const struct ovl_ini_scan *s, const char *name,
		unsigned int *index);

/* The line of key in section, or 0 when the file has no such key. */
unsigned int ovl_ini_key_line(const struct ovl_ini_scan *s, const char *section, const char *key);

/* One line: "FILE:LINE: text" (line 0: "FILE: text"). Returns -EINVAL. */
int ovl_ini_fail(char *err, size_t errlen, const char *path, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* s without its leading and trailing white space (the end is cut in place). */
char *ovl_ini_strip(char *s);

/* Whether s is a name: [a-z0-9_]+, plus '-' when dash is set. */
int ovl_ini_is_word(const char *s, int dash);

#endif
