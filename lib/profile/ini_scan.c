/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INI scanner (ini_scan.h): one pass over a file's lines, checking the syntax exactly as
 * strictly as rte_cfgfile needs (so that rte_cfgfile never logs an error of its own), rejecting
 * what rte_cfgfile would accept silently but wrongly (a line that is neither a section nor
 * key = value, which it skips; a value longer than it keeps, which it truncates; a section or
 * key given twice, which it keeps both of), and remembering the line of every section and key.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "ini_scan.h"

/*
 * rte_cfgfile reads lines into a buffer of CFG_NAME_LEN + CFG_VALUE_LEN + 4 bytes and fails on
 * a longer one; it keeps CFG_NAME_LEN - 1 characters of a name and CFG_VALUE_LEN - 1 of a value.
 */
#define OVL_INI_LINE_MAX (CFG_NAME_LEN + CFG_VALUE_LEN)
#define OVL_INI_NAME_MAX (CFG_NAME_LEN - 1)
#define OVL_INI_VALUE_MAX (CFG_VALUE_LEN - 1)
#define OVL_INI_COMMENT ';'

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* One line: "FILE:LINE: text" (line 0: "FILE: text"). Returns -EINVAL. */
int
ovl_ini_fail(char *err, size_t errlen, const char *path, unsigned int line, const char *fmt, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err, errlen, "%s:%u: %s", path, line, text);
	else
		snprintf(err, errlen, "%s: %s", path, text);
	return -EINVAL;
}

/* ------------------------------------------------------------------------------------------ */
/* The lines                                                                                  */
/* ------------------------------------------------------------------------------------------ */

char *
ovl_ini_strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* [a-z0-9_]+, plus '-' when dash is set. */
int
ovl_ini_is_word(const char *s, int dash)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' ||
				(dash && *s == '-')))
			return 0;
	return 1;
}

/* A word, or with OVL_INI_LABELS a word, one space and a label (dashes allowed). */
static int
section_name_ok(const struct ovl_ini_scan *s, const char *name)
{
	char word[CFG_NAME_LEN];
	const char *space = strchr(name, ' ');
	size_t len = space == NULL ? 0 : (size_t)(space - name);

	if (strlen(name) > OVL_INI_NAME_MAX)
		return 0;
	if (space == NULL || !(s->flags & OVL_INI_LABELS))
		return ovl_ini_is_word(name, 0);
	memcpy(word, name, len);
	word[len] = '\0';
	return ovl_ini_is_word(word, 0) && ovl_ini_is_word(space + 1, 1);
}

static int
scan_section_line(struct ovl_ini_scan *s, char *text, const char *path, unsigned int line,
		char *err, size_t errlen)
{
	char *close = strchr(text, ']'), *name;
	unsigned int i;

	if (close == NULL || close[1] != '\0')
		return ovl_ini_fail(err, errlen, path, line, "'%s' is not a section header; allowed: [name] alone on its line",
				text);
	*close = '\0';
	name = ovl_ini_strip(text + 1);
	if (!section_name_ok(s, name))
		return ovl_ini_fail(err, errlen, path, line, "'[%s]' is not a section name; allowed: [a-z0-9_]%s, at most %d characters",
				name, s->flags & OVL_INI_LABELS ? " or [word label], the label of [a-z0-9_-]" : "",
				OVL_INI_NAME_MAX);
	for (i = 0; i < s->n_sections; i++)
		if (strcmp(s->sections[i].name, name) == 0)
			return ovl_ini_fail(err, errlen, path, line, "[%s] is given twice (first on line %u); allowed: each section once",
					name, s->sections[i].line);
	if (s->n_sections == OVL_INI_SECTIONS_MAX)
		return ovl_ini_fail(err, errlen, path, line, "too many sections; allowed: at most %d", OVL_INI_SECTIONS_MAX);
	s->sections[s->n_sections].line = line;
	strcpy(s->sections[s->n_sections].name, name);
	s->n_sections++;
	return 0;
}

static int
scan_entry_line(struct ovl_ini_scan *s, char *text, const char *path, unsigned int line,
		char *err, size_t errlen)
{
	char *eq = strchr(text, '='), *key, *value;
	struct ovl_ini_entry *e;
	unsigned int i, sec;

	if (eq == NULL)
		return ovl_ini_fail(err, errlen, path, line, "'%s' is neither [section] nor key = value; allowed: [section], key = value, '; comment', blank lines",
				text);
	*eq = '\0';
	key = ovl_ini_strip(text);
	value = ovl_ini_strip(eq + 1);
	if (s->n_sections == 0)
		return ovl_ini_fail(err, errlen, path, line, "%s = is outside any section; allowed: key = value lines after a [section]",
				key);
	sec = s->n_sections - 1;
	if (!ovl_ini_is_word(key, !!(s->flags & OVL_INI_KEY_DASHES)) || strlen(key) > OVL_INI_NAME_MAX)
		return ovl_ini_fail(err, errlen, path, line, "[%s] '%s' is not a key; allowed: [a-z0-9_%s], at most %d characters",
				s->sections[sec].name, key, s->flags & OVL_INI_KEY_DASHES ? "-" : "",
				OVL_INI_NAME_MAX);
	if (*value == '\0')
		return ovl_ini_fail(err, errlen, path, line, "[%s] %s has no value; allowed: key = value (a comment starts at '%c')",
				s->sections[sec].name, key, OVL_INI_COMMENT);
	if (strlen(value) > OVL_INI_VALUE_MAX)
		return ovl_ini_fail(err, errlen, path, line, "[%s] %s: the value has %zu characters; allowed: at most %d",
				s->sections[sec].name, key, strlen(value), OVL_INI_VALUE_MAX);
	if (strchr(value, '\\') != NULL)
		return ovl_ini_fail(err, errlen, path, line, "[%s] %s: the value has a backslash; allowed: text without '\\' (and without '%c', which starts a comment)",
				s->sections[sec].name, key, OVL_INI_COMMENT);
	for (i = 0; i < s->n_entries; i++)
		if (s->entries[i].section == sec && strcmp(s->entries[i].key, key) == 0)
			return ovl_ini_fail(err, errlen, path, line, "[%s] %s is given twice (first on line %u); allowed: each key once",
					s->sections[sec].name, key, s->entries[i].line);
	if (s->n_entries == OVL_INI_ENTRIES_MAX)
		return ovl_ini_fail(err, errlen, path, line, "too many keys; allowed: at most %d", OVL_INI_ENTRIES_MAX);
	e = &s->entries[s->n_entries++];
	e->section = sec;
	e->line = line;
	strcpy(e->key, key);
	return 0;
}

int
ovl_ini_scan_file(FILE *f, const char *path, struct ovl_ini_scan *s, char *err, size_t errlen)
{
	return ovl_ini_scan_file_with(f, path, 0, s, err, errlen);
}

int
ovl_ini_scan_file_with(FILE *f, const char *path, unsigned int flags, struct ovl_ini_scan *s,
		char *err, size_t errlen)
{
	char buf[1024];
	unsigned int line = 0;

	memset(s, 0, sizeof(*s));
	s->flags = flags;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		size_t len = strlen(buf);
		char *text, *comment;
		int rc;

		line++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(f))
			len = sizeof(buf);
		if (len > OVL_INI_LINE_MAX)
			return ovl_ini_fail(err, errlen, path, line, "the line is longer than %d characters; allowed: at most %d (rte_cfgfile's limit)",
					OVL_INI_LINE_MAX, OVL_INI_LINE_MAX);
		if (memchr(buf, '\0', len) != NULL)
			return ovl_ini_fail(err, errlen, path, line, "the line has a NUL byte; allowed: text");
		comment = strchr(buf, OVL_INI_COMMENT);
		if (comment != NULL)
			*comment = '\0';
		text = ovl_ini_strip(buf);
		if (*text == '\0')
			continue;
		if (*text == '[')
			rc = scan_section_line(s, text, path, line, err, errlen);
		else
			rc = scan_entry_line(s, text, path, line, err, errlen);
		if (rc < 0)
			return rc;
	}
	if (ferror(f))
		return ovl_ini_fail(err, errlen, path, 0, "cannot read: %s", strerror(errno));
	return 0;
}

const struct ovl_ini_section *
ovl_ini_find_section(const struct ovl_ini_scan *s, const char *name, unsigned int *index)
{
	unsigned int i;

	for (i = 0; i < s->n_sections; i++)
		if (strcmp(s->sections[i].name, name) == 0) {
			if (index != NULL)
				*index = i;
			return &s->sections[i];
		}
	return NULL;
}

unsigned int
ovl_ini_key_line(const struct ovl_ini_scan *s, const char *section, const char *key)
{
	unsigned int i, sec;

	if (ovl_ini_find_section(s, section, &sec) == NULL)
		return 0;
	for (i = 0; i < s->n_entries; i++)
		if (s->entries[i].section == sec && strcmp(s->entries[i].key, key) == 0)
			return s->entries[i].line;
	return 0;
}
