/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Driver profiles: drivers-config/<name>.ini, read with rte_cfgfile and checked against the
 * table of sections and keys below. The format is described in drivers-config/README.md.
 *
 * Loading happens in three passes over one file:
 *   1. scan(): our own reading of the lines, which rte_cfgfile does not report. It checks the
 *      syntax exactly as strictly as rte_cfgfile needs (so that rte_cfgfile never logs an
 *      error of its own) and rejects what rte_cfgfile would accept silently but wrongly: a
 *      line that is neither a section nor key = value (rte_cfgfile skips it), a value longer
 *      than it keeps (it truncates), a section or key given twice (it keeps both). It
 *      remembers the line of every section and key.
 *   2. rte_cfgfile_load(): the values, section by section.
 *   3. Every section and key is looked up in the table and its value applied to the struct;
 *      then what is required and what must agree between keys is checked.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <rte_cfgfile.h>
#include <rte_ethdev.h>

#include "profile.h"

#ifndef OVL_PROFILE_DEFAULT_DIR
#ifdef OVL_PROFILE_DIR
#define OVL_PROFILE_DEFAULT_DIR OVL_PROFILE_DIR
#else
#define OVL_PROFILE_DEFAULT_DIR "drivers-config"
#endif
#endif

/*
 * rte_cfgfile reads lines into a buffer of CFG_NAME_LEN + CFG_VALUE_LEN + 4 bytes and fails on
 * a longer one; it keeps CFG_NAME_LEN - 1 characters of a name and CFG_VALUE_LEN - 1 of a value.
 */
#define LINE_MAX_CHARS (CFG_NAME_LEN + CFG_VALUE_LEN)
#define NAME_MAX_CHARS (CFG_NAME_LEN - 1)
#define VALUE_MAX_CHARS (CFG_VALUE_LEN - 1)
#define SCAN_SECTIONS_MAX 16
#define SCAN_ENTRIES_MAX 128
#define COMMENT ';'

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* One line: "FILE:LINE: text" (line 0: "FILE: text"). Returns -EINVAL. */
static int __attribute__((format(printf, 5, 6)))
fail(char *err, size_t errlen, const char *path, unsigned int line, const char *fmt, ...)
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
/* Pass 1: the lines                                                                          */
/* ------------------------------------------------------------------------------------------ */

struct scan_entry {
	unsigned int section;   /* index into scan.sections */
	unsigned int line;
	char key[CFG_NAME_LEN];
};

struct scan_section {
	unsigned int line;
	char name[CFG_NAME_LEN];
};

struct scan {
	unsigned int n_sections, n_entries;
	struct scan_section sections[SCAN_SECTIONS_MAX];
	struct scan_entry entries[SCAN_ENTRIES_MAX];
};

static char *
strip(char *s)
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
static int
is_word(const char *s, int dash)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' ||
				(dash && *s == '-')))
			return 0;
	return 1;
}

static int
scan_section_line(struct scan *s, char *text, const char *path, unsigned int line,
		char *err, size_t errlen)
{
	char *close = strchr(text, ']'), *name;
	unsigned int i;

	if (close == NULL || close[1] != '\0')
		return fail(err, errlen, path, line, "'%s' is not a section header; allowed: [name] alone on its line",
				text);
	*close = '\0';
	name = strip(text + 1);
	if (!is_word(name, 0) || strlen(name) > NAME_MAX_CHARS)
		return fail(err, errlen, path, line, "'[%s]' is not a section name; allowed: [a-z0-9_], at most %d characters",
				name, NAME_MAX_CHARS);
	for (i = 0; i < s->n_sections; i++)
		if (strcmp(s->sections[i].name, name) == 0)
			return fail(err, errlen, path, line, "[%s] is given twice (first on line %u); allowed: each section once",
					name, s->sections[i].line);
	if (s->n_sections == SCAN_SECTIONS_MAX)
		return fail(err, errlen, path, line, "too many sections; allowed: at most %d", SCAN_SECTIONS_MAX);
	s->sections[s->n_sections].line = line;
	strcpy(s->sections[s->n_sections].name, name);
	s->n_sections++;
	return 0;
}

static int
scan_entry_line(struct scan *s, char *text, const char *path, unsigned int line,
		char *err, size_t errlen)
{
	char *eq = strchr(text, '='), *key, *value;
	struct scan_entry *e;
	unsigned int i, sec;

	if (eq == NULL)
		return fail(err, errlen, path, line, "'%s' is neither [section] nor key = value; allowed: [section], key = value, '; comment', blank lines",
				text);
	*eq = '\0';
	key = strip(text);
	value = strip(eq + 1);
	if (s->n_sections == 0)
		return fail(err, errlen, path, line, "%s = is outside any section; allowed: key = value lines after a [section]",
				key);
	sec = s->n_sections - 1;
	if (!is_word(key, 0) || strlen(key) > NAME_MAX_CHARS)
		return fail(err, errlen, path, line, "[%s] '%s' is not a key; allowed: [a-z0-9_], at most %d characters",
				s->sections[sec].name, key, NAME_MAX_CHARS);
	if (*value == '\0')
		return fail(err, errlen, path, line, "[%s] %s has no value; allowed: key = value (a comment starts at '%c')",
				s->sections[sec].name, key, COMMENT);
	if (strlen(value) > VALUE_MAX_CHARS)
		return fail(err, errlen, path, line, "[%s] %s: the value has %zu characters; allowed: at most %d",
				s->sections[sec].name, key, strlen(value), VALUE_MAX_CHARS);
	if (strchr(value, '\\') != NULL)
		return fail(err, errlen, path, line, "[%s] %s: the value has a backslash; allowed: text without '\\' (and without '%c', which starts a comment)",
				s->sections[sec].name, key, COMMENT);
	for (i = 0; i < s->n_entries; i++)
		if (s->entries[i].section == sec && strcmp(s->entries[i].key, key) == 0)
			return fail(err, errlen, path, line, "[%s] %s is given twice (first on line %u); allowed: each key once",
					s->sections[sec].name, key, s->entries[i].line);
	if (s->n_entries == SCAN_ENTRIES_MAX)
		return fail(err, errlen, path, line, "too many keys; allowed: at most %d", SCAN_ENTRIES_MAX);
	e = &s->entries[s->n_entries++];
	e->section = sec;
	e->line = line;
	strcpy(e->key, key);
	return 0;
}

static int
scan_file(FILE *f, const char *path, struct scan *s, char *err, size_t errlen)
{
	char buf[1024];
	unsigned int line = 0;

	memset(s, 0, sizeof(*s));
	while (fgets(buf, sizeof(buf), f) != NULL) {
		size_t len = strlen(buf);
		char *text, *comment;
		int rc;

		line++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(f))
			len = sizeof(buf);
		if (len > LINE_MAX_CHARS)
			return fail(err, errlen, path, line, "the line is longer than %d characters; allowed: at most %d (rte_cfgfile's limit)",
					LINE_MAX_CHARS, LINE_MAX_CHARS);
		if (memchr(buf, '\0', len) != NULL)
			return fail(err, errlen, path, line, "the line has a NUL byte; allowed: text");
		comment = strchr(buf, COMMENT);
		if (comment != NULL)
			*comment = '\0';
		text = strip(buf);
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
		return fail(err, errlen, path, 0, "cannot read: %s", strerror(errno));
	return 0;
}

static const struct scan_section *
scan_find_section(const struct scan *s, const char *name, unsigned int *index)
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

static unsigned int
scan_key_line(const struct scan *s, const char *section, const char *key)
{
	unsigned int i, sec;

	if (scan_find_section(s, section, &sec) == NULL)
		return 0;
	for (i = 0; i < s->n_entries; i++)
		if (s->entries[i].section == sec && strcmp(s->entries[i].key, key) == 0)
			return s->entries[i].line;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/*
 * An apply function checks one value and stores it. On error it writes what is wrong to why
 * ("'vfio' is not allowed") and returns -1; the loader adds the file, line, key and allowed.
 */
typedef int (*apply_fn)(struct ovl_profile *p, const char *key, const char *value,
		char *why, size_t whylen);

struct choice {
	const char *word;
	int value;
};

static int
choose(const struct choice *c, const char *value, int *out, char *why, size_t whylen)
{
	for (; c->word != NULL; c++)
		if (strcmp(c->word, value) == 0) {
			*out = c->value;
			return 0;
		}
	snprintf(why, whylen, "'%s' is not allowed", value);
	return -1;
}

static const struct choice bind_choices[] = {
	{ "vfio-pci", OVL_BIND_VFIO_PCI }, { "igb_uio", OVL_BIND_IGB_UIO }, { "none", OVL_BIND_NONE },
	{ NULL, 0 },
};
static const struct choice fallback_choices[] = {
	{ "vfio-pci", OVL_BIND_VFIO_PCI }, { "igb_uio", OVL_BIND_IGB_UIO }, { NULL, 0 },
};
static const struct choice level_choices[] = {
	{ "required", OVL_LEVEL_REQUIRED }, { "recommended", OVL_LEVEL_RECOMMENDED },
	{ "no", OVL_LEVEL_NO }, { NULL, 0 },
};
static const struct choice yes_no[] = { { "yes", 1 }, { "no", 0 }, { NULL, 0 } };
static const struct choice bus_choices[] = {
	{ "pci", OVL_BUS_PCI }, { "vdev", OVL_BUS_VDEV }, { NULL, 0 },
};
static const struct choice hugepage_choices[] = {
	{ "required", 1 }, { "optional", 0 }, { NULL, 0 },
};
static const struct choice rx_ts_choices[] = {
	{ "yes", OVL_RX_HW_TS_YES }, { "no", OVL_RX_HW_TS_NO },
	{ "since-25.11", OVL_RX_HW_TS_SINCE_25_11 }, { NULL, 0 },
};
static const struct choice timesync_choices[] = {
	{ "ptp-only", OVL_TIMESYNC_PTP_ONLY }, { "no", OVL_TIMESYNC_NO }, { NULL, 0 },
};

static const char *
choice_word(const struct choice *c, int value)
{
	for (; c->word != NULL; c++)
		if (c->value == value)
			return c->word;
	return "?";
}

const char *
ovl_profile_bind_name(enum ovl_bind b)
{
	return choice_word(bind_choices, (int)b);
}

const char *
ovl_profile_level_name(enum ovl_level l)
{
	return choice_word(level_choices, (int)l);
}

const char *
ovl_profile_rx_hw_ts_name(enum ovl_rx_hw_ts t)
{
	return choice_word(rx_ts_choices, (int)t);
}

const char *
ovl_profile_timesync_name(enum ovl_timesync t)
{
	return choice_word(timesync_choices, (int)t);
}

/*
 * Splits a comma-separated list into at most max words of the allowed characters, each at
 * most OVL_PROFILE_WORD_MAX - 1 long and given once. Returns the count or -1.
 */
static int
split_words(const char *value, char out[][OVL_PROFILE_WORD_MAX], unsigned int max, int dash,
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
		tok = strip(tok);
		if (*tok == '\0') {
			snprintf(why, whylen, "'%s' has an empty item", value);
			return -1;
		}
		if (!is_word(tok, dash) || strlen(tok) >= OVL_PROFILE_WORD_MAX) {
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

static int
number(const char *value, unsigned long min, unsigned long max, int zero, unsigned long *out,
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

static int
text(char *dst, size_t len, const char *value)
{
	snprintf(dst, len, "%s", value);
	return 0;
}

static int
apply_names(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int n = split_words(value, p->names, OVL_PROFILE_NAMES_MAX, 0, why, whylen);

	(void)key;
	if (n < 0)
		return -1;
	p->n_names = (unsigned int)n;
	return 0;
}

static int
apply_description(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key, (void)why, (void)whylen;
	return text(p->description, sizeof(p->description), value);
}

static int
apply_bus(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (choose(bus_choices, value, &v, why, whylen) < 0)
		return -1;
	p->bus = (enum ovl_profile_bus)v;
	return 0;
}

static int
apply_method(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (choose(bind_choices, value, &v, why, whylen) < 0)
		return -1;
	p->bind = (enum ovl_bind)v;
	return 0;
}

static int
apply_fallback(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (choose(fallback_choices, value, &v, why, whylen) < 0)
		return -1;
	p->bind_fallback = (enum ovl_bind)v;
	return 0;
}

static int
apply_wc(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (choose(level_choices, value, &v, why, whylen) < 0)
		return -1;
	p->write_combining = (enum ovl_level)v;
	return 0;
}

static int
apply_kernel_driver(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int n = split_words(value, p->kernel_drivers, OVL_PROFILE_KMODS_MAX, 1, why, whylen);

	(void)key;
	if (n < 0)
		return -1;
	p->n_kernel_drivers = (unsigned int)n;
	return 0;
}

static int
apply_notes(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key, (void)why, (void)whylen;
	return text(p->binding_notes, sizeof(p->binding_notes), value);
}

static const char *const placeholders[] = { "{bdf}", "{iface}", "{n}", "{path}", "{out}", NULL };

static int
apply_args(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	const char *c;
	unsigned int i;

	(void)key;
	for (c = value; *c != '\0'; c++) {
		if (*c == '}') {
			snprintf(why, whylen, "'}' without '{' at '%.20s'", c);
			return -1;
		}
		if (*c != '{')
			continue;
		for (i = 0; placeholders[i] != NULL; i++)
			if (strncmp(c, placeholders[i], strlen(placeholders[i])) == 0)
				break;
		if (placeholders[i] == NULL) {
			const char *close = strchr(c, '}');
			int len = close != NULL ? (int)(close - c + 1) : (int)strlen(c);

			snprintf(why, whylen, "'%.*s' is not a placeholder", len, c);
			return -1;
		}
		c += strlen(placeholders[i]) - 1;
	}
	return text(p->eal_args, sizeof(p->eal_args), value);
}

static int
apply_hugepages(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key;
	return choose(hugepage_choices, value, &p->hugepages_required, why, whylen);
}

static int
apply_desc(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	unsigned long v;

	if (number(value, 16, 32768, 1, &v, why, whylen) < 0)
		return -1;
	if (strcmp(key, "rx_desc") == 0)
		p->rx_desc = (uint16_t)v;
	else
		p->tx_desc = (uint16_t)v;
	return 0;
}

static int
apply_max_queues(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	unsigned long v;

	(void)key;
	if (number(value, 1, 4096, 1, &v, why, whylen) < 0)
		return -1;
	p->max_queues = (uint16_t)v;
	return 0;
}

static const char *
offload_name(int tx, uint64_t bit)
{
	return tx ? rte_eth_dev_tx_offload_name(bit) : rte_eth_dev_rx_offload_name(bit);
}

/* The bit whose DPDK name is name, in any case; 0 when there is none. */
static uint64_t
offload_bit(int tx, const char *name)
{
	int i;

	for (i = 0; i < 64; i++) {
		const char *n = offload_name(tx, 1ull << i);

		if (n != NULL && strcmp(n, "UNKNOWN") != 0 && strcasecmp(n, name) == 0)
			return 1ull << i;
	}
	return 0;
}

static int
offloads(int tx, const char *value, uint64_t *bits, char *why, size_t whylen)
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
	n = split_words(lower, words, 64, 0, why, whylen);
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

static int
apply_offloads(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int tx = strcmp(key, "tx") == 0;

	return offloads(tx, value, tx ? &p->tx_offloads : &p->rx_offloads, why, whylen);
}

static int
apply_rx_hw(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (choose(rx_ts_choices, value, &v, why, whylen) < 0)
		return -1;
	p->rx_hw_ts = (enum ovl_rx_hw_ts)v;
	return 0;
}

static int
apply_tx_hw(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key;
	return choose(yes_no, value, &p->tx_hw_ts, why, whylen);
}

static int
apply_timesync(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (choose(timesync_choices, value, &v, why, whylen) < 0)
		return -1;
	p->timesync = (enum ovl_timesync)v;
	return 0;
}

static int
apply_rate_limit(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key;
	return choose(yes_no, value, &p->hw_rate_limit, why, whylen);
}

static int
apply_send_scheduling(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key;
	return choose(yes_no, value, &p->send_scheduling, why, whylen);
}

static int
apply_flow_limit(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	unsigned long v;

	(void)key;
	if (number(value, 0, 1000, 0, &v, why, whylen) < 0)
		return -1;
	p->flow_limit_gbps = (uint32_t)v;
	return 0;
}

static int
apply_report(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int n = split_words(value, p->stats, OVL_PROFILE_STATS_MAX, 0, why, whylen);

	(void)key;
	if (n < 0)
		return -1;
	p->n_stats = (unsigned int)n;
	return 0;
}

static int
apply_caveat(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	struct ovl_profile_caveat *c;

	if (p->n_caveats == OVL_PROFILE_CAVEATS_MAX) {
		snprintf(why, whylen, "more than %d caveats", OVL_PROFILE_CAVEATS_MAX);
		return -1;
	}
	c = &p->caveats[p->n_caveats++];
	snprintf(c->key, sizeof(c->key), "%s", key);
	return text(c->text, sizeof(c->text), value);
}

/* ------------------------------------------------------------------------------------------ */
/* The table                                                                                  */
/* ------------------------------------------------------------------------------------------ */

struct key_rule {
	const char *section;
	const char *key;        /* NULL: any key (caveats) */
	int required;
	const char *allowed;    /* NULL: the offload names, made from DPDK's table */
	apply_fn apply;
};

struct section_rule {
	const char *name;
	int required;
};

static const struct section_rule sections[] = {
	{ "driver", 1 }, { "binding", 1 }, { "eal", 1 }, { "queues", 1 }, { "offloads", 1 },
	{ "timestamps", 1 }, { "pacing", 1 }, { "stats", 0 }, { "caveats", 0 },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static const struct key_rule rules[] = {
	{ "driver", "names", 1, "DPDK driver names as rte_eth_dev_info reports them ([a-z0-9_], e.g. net_ena, mlx5_pci), comma-separated, 1 to 8",
		apply_names },
	{ "driver", "description", 1, "one line of text", apply_description },
	{ "driver", "bus", 1, "pci, vdev", apply_bus },
	{ "binding", "method", 1, "vfio-pci, igb_uio, none", apply_method },
	{ "binding", "fallback", 0, "vfio-pci, igb_uio (and not the method)", apply_fallback },
	{ "binding", "write_combining", 1, "required, recommended, no", apply_wc },
	{ "binding", "kernel_driver", 0, "Linux driver names ([a-z0-9_-]), comma-separated, 1 to 4",
		apply_kernel_driver },
	{ "binding", "notes", 0, "one line of text", apply_notes },
	{ "eal", "args", 1, "EAL arguments with the placeholders {bdf}, {iface}, {n}, {path}, {out}; pci: -a {bdf}..., vdev: --vdev=...",
		apply_args },
	{ "eal", "hugepages", 1, "required, optional", apply_hugepages },
	{ "queues", "rx_desc", 1, "0 (the driver's default), 16..32768", apply_desc },
	{ "queues", "tx_desc", 1, "0 (the driver's default), 16..32768", apply_desc },
	{ "queues", "max_queues", 1, "0 (the device's), 1..4096", apply_max_queues },
	{ "offloads", "tx", 1, NULL, apply_offloads },
	{ "offloads", "rx", 1, NULL, apply_offloads },
	{ "timestamps", "rx_hw", 1, "yes, no, since-25.11", apply_rx_hw },
	{ "timestamps", "tx_hw", 1, "yes, no", apply_tx_hw },
	{ "timestamps", "timesync", 1, "ptp-only, no", apply_timesync },
	{ "pacing", "hw_rate_limit", 1, "yes, no", apply_rate_limit },
	{ "pacing", "send_scheduling", 1, "yes, no", apply_send_scheduling },
	{ "pacing", "flow_limit_gbps", 0, "0..1000 (Gbit/s one flow gets; 0: no known cap)", apply_flow_limit },
	{ "stats", "report", 0, "xstat names ([a-z0-9_]), comma-separated, 1 to 16", apply_report },
	{ "caveats", NULL, 0, "any key ([a-z0-9_]) = one line of text, at most 16", apply_caveat },
};

#define N_RULES (sizeof(rules) / sizeof(rules[0]))

static void
section_names(char *buf, size_t len)
{
	size_t off = 0, i;

	buf[0] = '\0';
	for (i = 0; i < N_SECTIONS && off < len; i++)
		off += snprintf(buf + off, len - off, "%s[%s]", i ? ", " : "", sections[i].name);
}

static void
key_names(const char *section, char *buf, size_t len)
{
	size_t off = 0, i;

	buf[0] = '\0';
	for (i = 0; i < N_RULES && off < len; i++)
		if (strcmp(rules[i].section, section) == 0 && rules[i].key != NULL)
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "", rules[i].key);
}

static void
offload_names_allowed(int tx, char *buf, size_t len)
{
	size_t off;
	int i;

	off = (size_t)snprintf(buf, len, "none, or DPDK %s offload names, comma-separated, any case:", tx ? "TX" : "RX");
	for (i = 0; i < 64 && off < len; i++) {
		const char *n = offload_name(tx, 1ull << i);
		size_t k;

		if (n == NULL || strcmp(n, "UNKNOWN") == 0)
			continue;
		off += snprintf(buf + off, len - off, " ");
		for (k = 0; n[k] != '\0' && off + 1 < len; k++)
			buf[off++] = (char)tolower((unsigned char)n[k]);
		buf[off < len ? off : len - 1] = '\0';
	}
}

static const char *
rule_allowed(const struct key_rule *r, char *buf, size_t len)
{
	if (r->allowed != NULL)
		return r->allowed;
	offload_names_allowed(strcmp(r->key, "tx") == 0, buf, len);
	return buf;
}

static const struct key_rule *
find_rule(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < N_RULES; i++)
		if (strcmp(rules[i].section, section) == 0 &&
				(rules[i].key == NULL || strcmp(rules[i].key, key) == 0))
			return &rules[i];
	return NULL;
}

static const struct section_rule *
find_section_rule(const char *name)
{
	size_t i;

	for (i = 0; i < N_SECTIONS; i++)
		if (strcmp(sections[i].name, name) == 0)
			return &sections[i];
	return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Pass 2 and 3                                                                               */
/* ------------------------------------------------------------------------------------------ */

static int
apply_entries(struct rte_cfgfile *cfg, const struct scan *s, const char *path,
		struct ovl_profile *p, char *err, size_t errlen)
{
	struct rte_cfgfile_entry *entries;
	char allowed[1024], why[512];
	int n_sections = rte_cfgfile_num_sections(cfg, NULL, 0), i, j;
	int rc = 0;

	if (n_sections != (int)s->n_sections)
		return fail(err, errlen, path, 0, "rte_cfgfile reads %d sections, ovlperf %u; allowed: a file both read alike",
				n_sections, s->n_sections);
	entries = calloc(SCAN_ENTRIES_MAX, sizeof(*entries));
	if (entries == NULL)
		return fail(err, errlen, path, 0, "out of memory");
	for (i = 0; i < n_sections && rc == 0; i++) {
		char name[CFG_NAME_LEN];
		const struct scan_section *sec;
		int n = rte_cfgfile_section_entries_by_index(cfg, i, name, entries, SCAN_ENTRIES_MAX);

		sec = scan_find_section(s, name, NULL);
		if (n < 0 || sec == NULL) {
			rc = fail(err, errlen, path, 0, "rte_cfgfile reads a section [%s] that ovlperf does not; allowed: a file both read alike",
					name);
			break;
		}
		if (find_section_rule(name) == NULL) {
			section_names(allowed, sizeof(allowed));
			rc = fail(err, errlen, path, sec->line, "unknown section [%s]; allowed: %s", name, allowed);
			break;
		}
		for (j = 0; j < n; j++) {
			const char *key = entries[j].name, *value = entries[j].value;
			const struct key_rule *r = find_rule(name, key);
			unsigned int line = scan_key_line(s, name, key);

			if (line == 0) {
				rc = fail(err, errlen, path, sec->line, "rte_cfgfile reads a key [%s] %s that ovlperf does not; allowed: a file both read alike",
						name, key);
				break;
			}
			if (r == NULL) {
				key_names(name, allowed, sizeof(allowed));
				rc = fail(err, errlen, path, line, "[%s] unknown key '%s'; allowed: %s", name, key,
						allowed);
				break;
			}
			if (r->apply(p, key, value, why, sizeof(why)) < 0) {
				rc = fail(err, errlen, path, line, "[%s] %s: %s; allowed: %s", name, key, why,
						rule_allowed(r, allowed, sizeof(allowed)));
				break;
			}
		}
	}
	free(entries);
	return rc;
}

static int
check_required(const struct scan *s, const char *path, char *err, size_t errlen)
{
	char allowed[1024];
	size_t i;

	for (i = 0; i < N_SECTIONS; i++) {
		if (!sections[i].required || scan_find_section(s, sections[i].name, NULL) != NULL)
			continue;
		key_names(sections[i].name, allowed, sizeof(allowed));
		return fail(err, errlen, path, 0, "section [%s] is missing; allowed: a [%s] section with %s",
				sections[i].name, sections[i].name, allowed);
	}
	for (i = 0; i < N_RULES; i++) {
		const struct scan_section *sec;

		if (!rules[i].required || scan_key_line(s, rules[i].section, rules[i].key) != 0)
			continue;
		sec = scan_find_section(s, rules[i].section, NULL);
		return fail(err, errlen, path, sec->line, "[%s] %s is missing; allowed: %s = %s",
				rules[i].section, rules[i].key, rules[i].key, rules[i].allowed ?
				rules[i].allowed : "none, or DPDK offload names");
	}
	return 0;
}

/* What must agree between keys. */
static int
check_consistent(const struct scan *s, const char *path, const struct ovl_profile *p,
		int has_fallback, char *err, size_t errlen)
{
	if (p->bus == OVL_BUS_PCI && strstr(p->eal_args, "{bdf}") == NULL)
		return fail(err, errlen, path, scan_key_line(s, "eal", "args"),
				"[eal] args: a pci profile's arguments do not name the device; allowed: arguments with -a {bdf}");
	if (p->bus == OVL_BUS_VDEV && strstr(p->eal_args, "--vdev") == NULL)
		return fail(err, errlen, path, scan_key_line(s, "eal", "args"),
				"[eal] args: a vdev profile's arguments make no device; allowed: arguments with --vdev=...");
	if (p->bus == OVL_BUS_VDEV && p->bind != OVL_BIND_NONE)
		return fail(err, errlen, path, scan_key_line(s, "binding", "method"),
				"[binding] method: '%s' binds a PCI device but [driver] bus is vdev; allowed: none",
				ovl_profile_bind_name(p->bind));
	if (has_fallback && (p->bind == OVL_BIND_NONE || p->bind_fallback == p->bind))
		return fail(err, errlen, path, scan_key_line(s, "binding", "fallback"),
				"[binding] fallback: '%s' with method %s; allowed: the other of vfio-pci, igb_uio, and only when method binds",
				ovl_profile_bind_name(p->bind_fallback), ovl_profile_bind_name(p->bind));
	return 0;
}

static int
profile_name_of(const char *path, struct ovl_profile *p, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base != NULL ? base + 1 : path;
	len = strlen(base);
	if (len <= 4 || len - 4 >= sizeof(p->name) || strcmp(base + len - 4, ".ini") != 0)
		goto bad;
	memcpy(p->name, base, len - 4);
	p->name[len - 4] = '\0';
	if (is_word(p->name, 0))
		return 0;
bad:
	return fail(err, errlen, path, 0, "the file name is not a profile's; allowed: NAME.ini, NAME of [a-z0-9_], at most %zu characters",
			sizeof(p->name) - 1);
}

int
ovl_profile_load(const char *path, struct ovl_profile *p, char *err, size_t errlen)
{
	struct rte_cfgfile *cfg;
	struct scan *s;
	struct stat st;
	FILE *f;
	int rc;

	memset(p, 0, sizeof(*p));
	if (snprintf(p->path, sizeof(p->path), "%s", path) >= (int)sizeof(p->path)) {
		fail(err, errlen, path, 0, "the path is too long; allowed: at most %zu characters",
				sizeof(p->path) - 1);
		return -ENAMETOOLONG;
	}
	/* The file must be readable as a regular file: fopen() would open a directory. */
	f = fopen(path, "r");
	rc = f == NULL ? -errno : 0;
	if (f != NULL && fstat(fileno(f), &st) != 0)
		rc = -errno;
	else if (f != NULL && !S_ISREG(st.st_mode))
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (rc < 0) {
		if (f != NULL)
			fclose(f);
		fail(err, errlen, path, 0, "cannot read: %s; allowed: a readable profile file",
				rc == -EINVAL ? "not a regular file" : strerror(-rc));
		return rc;
	}
	rc = profile_name_of(path, p, err, errlen);
	s = rc == 0 ? malloc(sizeof(*s)) : NULL;
	if (rc == 0 && s == NULL)
		rc = fail(err, errlen, path, 0, "out of memory");
	if (rc == 0)
		rc = scan_file(f, path, s, err, errlen);
	fclose(f);
	if (rc < 0) {
		free(s);
		return rc;
	}
	cfg = rte_cfgfile_load(path, 0);
	if (cfg == NULL) {
		free(s);
		return fail(err, errlen, path, 0, "rte_cfgfile cannot read it; allowed: an INI file rte_cfgfile reads");
	}
	rc = apply_entries(cfg, s, path, p, err, errlen);
	rte_cfgfile_close(cfg);
	if (rc == 0)
		rc = check_required(s, path, err, errlen);
	if (rc == 0) {
		int has_fallback = scan_key_line(s, "binding", "fallback") != 0;

		if (!has_fallback)
			p->bind_fallback = p->bind;
		p->names_line = scan_key_line(s, "driver", "names");
		rc = check_consistent(s, path, p, has_fallback, err, errlen);
	}
	free(s);
	return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* A directory of profiles                                                                    */
/* ------------------------------------------------------------------------------------------ */

static int
cmp_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* The NAME of every NAME.ini in dir, sorted. Returns the count or -errno. */
static int
list_dir(const char *dir, char names[][OVL_PROFILE_NAME_MAX], char *err, size_t errlen)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0;

	if (dp == NULL) {
		int rc = -errno;

		snprintf(err, errlen, "%s: cannot read the profile directory: %s; allowed: a drivers-config directory (OVL_PROFILE_DIR)",
				dir, strerror(errno));
		return rc;
	}
	while ((d = readdir(dp)) != NULL) {
		size_t len = strlen(d->d_name);

		if (len <= 4 || strcmp(d->d_name + len - 4, ".ini") != 0 || d->d_name[0] == '.')
			continue;
		if (n == OVL_PROFILE_FILES_MAX || len - 4 >= OVL_PROFILE_NAME_MAX) {
			closedir(dp);
			snprintf(err, errlen, "%s/%s: too many profiles, or too long a name; allowed: at most %d profiles, names of at most %d characters",
					dir, d->d_name, OVL_PROFILE_FILES_MAX, OVL_PROFILE_NAME_MAX - 1);
			return -EINVAL;
		}
		memcpy(names[n], d->d_name, len - 4);
		names[n][len - 4] = '\0';
		n++;
	}
	closedir(dp);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	return n;
}

static void
join_names(char names[][OVL_PROFILE_NAME_MAX], int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", names[i]);
}

static int
profile_path(const char *dir, const char *name, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s.ini", dir, name) >= (int)len ? -ENAMETOOLONG : 0;
}

int
ovl_profile_find(const char *dir, const char *driver_name, struct ovl_profile *p,
		char *err, size_t errlen)
{
	char (*names)[OVL_PROFILE_NAME_MAX] = calloc(OVL_PROFILE_FILES_MAX, sizeof(*names));
	struct ovl_profile *all = calloc(OVL_PROFILE_FILES_MAX, sizeof(*all));
	char path[PATH_MAX], known[1024];
	int n, i, j, found = -1, rc = 0;
	unsigned int a, b;
	size_t off = 0;

	if (names == NULL || all == NULL) {
		free(names);
		free(all);
		snprintf(err, errlen, "%s: out of memory", dir);
		return -ENOMEM;
	}
	n = list_dir(dir, names, err, errlen);
	if (n < 0)
		rc = n;
	for (i = 0; rc == 0 && i < n; i++) {
		rc = profile_path(dir, names[i], path, sizeof(path));
		if (rc == 0)
			rc = ovl_profile_load(path, &all[i], err, errlen);
		else
			snprintf(err, errlen, "%s/%s.ini: the path is too long", dir, names[i]);
		/* A driver name belongs to one profile: otherwise the choice would be arbitrary. */
		for (j = 0; rc == 0 && j < i; j++)
			for (a = 0; rc == 0 && a < all[i].n_names; a++)
				for (b = 0; rc == 0 && b < all[j].n_names; b++)
					if (strcmp(all[i].names[a], all[j].names[b]) == 0)
						rc = fail(err, errlen, all[i].path, all[i].names_line,
								"[driver] names: '%s' is also named by %s:%u; allowed: each driver name in one profile",
								all[i].names[a], all[j].path, all[j].names_line);
	}
	for (i = 0; rc == 0 && i < n; i++)
		for (a = 0; a < all[i].n_names; a++) {
			if (strcmp(all[i].names[a], driver_name) == 0)
				found = i;
			if (off < sizeof(known))
				off += snprintf(known + off, sizeof(known) - off, "%s%s (%s)", off ? ", " : "",
						all[i].names[a], all[i].name);
		}
	if (rc == 0 && found < 0) {
		if (off == 0)
			snprintf(known, sizeof(known), "none");
		snprintf(err, errlen, "%s: no profile names driver '%s'; allowed: %s", dir, driver_name, known);
		rc = -ENOENT;
	}
	if (rc == 0)
		*p = all[found];
	free(names);
	free(all);
	return rc;
}

int
ovl_profile_load_named(const char *dir, const char *name, struct ovl_profile *p,
		char *err, size_t errlen)
{
	char (*names)[OVL_PROFILE_NAME_MAX] = NULL;
	char path[PATH_MAX], known[1024];
	struct stat st;
	int n;

	if (is_word(name, 0) && strlen(name) < OVL_PROFILE_NAME_MAX &&
			profile_path(dir, name, path, sizeof(path)) == 0 && stat(path, &st) == 0)
		return ovl_profile_load(path, p, err, errlen);
	names = calloc(OVL_PROFILE_FILES_MAX, sizeof(*names));
	if (names == NULL) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return -ENOMEM;
	}
	n = list_dir(dir, names, err, errlen);
	if (n >= 0) {
		join_names(names, n, known, sizeof(known));
		snprintf(err, errlen, "%s: no profile '%s'; allowed: %s", dir, name, n > 0 ? known : "none");
		n = -ENOENT;
	}
	free(names);
	return n;
}

const char *
ovl_profile_dir(void)
{
	const char *env = getenv("OVL_PROFILE_DIR");

	return env != NULL && *env != '\0' ? env : OVL_PROFILE_DEFAULT_DIR;
}

/* ------------------------------------------------------------------------------------------ */
/* Using a profile                                                                            */
/* ------------------------------------------------------------------------------------------ */

int
ovl_profile_eal_args(const struct ovl_profile *p, const char *bdf, const char *iface,
		unsigned int n, const char *path, const char *out_file, char *out, size_t outlen,
		char *err, size_t errlen)
{
	char number[16];
	const char *values[] = { bdf, iface, number, path, out_file };
	const char *c;
	size_t off = 0;
	unsigned int i;

	snprintf(number, sizeof(number), "%u", n);
	for (c = p->eal_args; *c != '\0'; ) {
		const char *piece = c;
		size_t len = 1;

		if (*c == '{') {
			for (i = 0; placeholders[i] != NULL; i++)
				if (strncmp(c, placeholders[i], strlen(placeholders[i])) == 0)
					break;
			/* The loader let no other brace through. */
			if (placeholders[i] == NULL || values[i] == NULL) {
				snprintf(err, errlen, "profile %s: [eal] args needs a value for %s", p->name,
						placeholders[i] != NULL ? placeholders[i] : c);
				return -EINVAL;
			}
			piece = values[i];
			len = strlen(values[i]);
			c += strlen(placeholders[i]);
		} else {
			c++;
		}
		if (off + len >= outlen) {
			snprintf(err, errlen, "profile %s: the EAL arguments need more than %zu characters",
					p->name, outlen - 1);
			return -EINVAL;
		}
		memcpy(out + off, piece, len);
		off += len;
	}
	if (outlen > 0)
		out[off] = '\0';
	return (int)off;
}

static void
print_offloads(FILE *out, uint64_t bits, int tx)
{
	int i, any = 0;

	for (i = 0; i < 64; i++) {
		const char *n;

		if (!(bits & (1ull << i)))
			continue;
		fputc(' ', out);
		for (n = offload_name(tx, 1ull << i); *n != '\0'; n++)
			fputc(tolower((unsigned char)*n), out);
		any = 1;
	}
	if (!any)
		fputs(" none", out);
}

void
ovl_profile_describe(FILE *out, const struct ovl_profile *p, const char *indent)
{
	unsigned int i;

	fprintf(out, "%sprofile %s (%s): %s\n", indent, p->name, p->path, p->description);
	fprintf(out, "%s  drivers:", indent);
	for (i = 0; i < p->n_names; i++)
		fprintf(out, " %s", p->names[i]);
	fprintf(out, "; %s; binding %s", p->bus == OVL_BUS_PCI ? "pci" : "vdev",
			ovl_profile_bind_name(p->bind));
	if (p->bind_fallback != p->bind)
		fprintf(out, " (or %s)", ovl_profile_bind_name(p->bind_fallback));
	fprintf(out, ", write-combining %s\n", ovl_profile_level_name(p->write_combining));
	fprintf(out, "%s  EAL: %s; hugepages %s; descriptors rx %u tx %u (0: driver's); queues %u (0: device's)\n",
			indent, p->eal_args, p->hugepages_required ? "required" : "optional", p->rx_desc,
			p->tx_desc, p->max_queues);
	fprintf(out, "%s  offloads tx:", indent);
	print_offloads(out, p->tx_offloads, 1);
	fprintf(out, "; rx:");
	print_offloads(out, p->rx_offloads, 0);
	fprintf(out, "\n%s  timestamps: rx hw %s, tx hw %s, timesync %s; pacing: hw rate limit %s, send scheduling %s",
			indent, ovl_profile_rx_hw_ts_name(p->rx_hw_ts), p->tx_hw_ts ? "yes" : "no",
			ovl_profile_timesync_name(p->timesync), p->hw_rate_limit ? "yes" : "no",
			p->send_scheduling ? "yes" : "no");
	if (p->flow_limit_gbps > 0)
		fprintf(out, ", one flow <= %u Gbit/s", p->flow_limit_gbps);
	fputc('\n', out);
	if (p->n_stats > 0) {
		fprintf(out, "%s  xstats reported:", indent);
		for (i = 0; i < p->n_stats; i++)
			fprintf(out, " %s", p->stats[i]);
		fputc('\n', out);
	}
	for (i = 0; i < p->n_caveats; i++)
		fprintf(out, "%s  caveat %s: %s\n", indent, p->caveats[i].key, p->caveats[i].text);
}
