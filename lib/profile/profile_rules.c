/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The table of a driver profile's sections and keys: for each key, whether it is required,
 * what it allows (for messages) and the apply function that checks its value and stores it in
 * struct ovl_profile; and the names of the enum values as the files write them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ini_scan.h"
#include "profile.h"
#include "profile_rules.h"
#include "profile_values.h"

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static const struct ovl_profile_choice bind_choices[] = {
	{ "vfio-pci", OVL_BIND_VFIO_PCI }, { "igb_uio", OVL_BIND_IGB_UIO }, { "none", OVL_BIND_NONE },
	{ NULL, 0 },
};
static const struct ovl_profile_choice fallback_choices[] = {
	{ "vfio-pci", OVL_BIND_VFIO_PCI }, { "igb_uio", OVL_BIND_IGB_UIO }, { NULL, 0 },
};
static const struct ovl_profile_choice level_choices[] = {
	{ "required", OVL_LEVEL_REQUIRED }, { "recommended", OVL_LEVEL_RECOMMENDED },
	{ "no", OVL_LEVEL_NO }, { NULL, 0 },
};
static const struct ovl_profile_choice yes_no[] = { { "yes", 1 }, { "no", 0 }, { NULL, 0 } };
static const struct ovl_profile_choice bus_choices[] = {
	{ "pci", OVL_BUS_PCI }, { "vdev", OVL_BUS_VDEV }, { NULL, 0 },
};
static const struct ovl_profile_choice hugepage_choices[] = {
	{ "required", 1 }, { "optional", 0 }, { NULL, 0 },
};
static const struct ovl_profile_choice rx_ts_choices[] = {
	{ "yes", OVL_RX_HW_TS_YES }, { "no", OVL_RX_HW_TS_NO },
	{ "since-25.11", OVL_RX_HW_TS_SINCE_25_11 }, { NULL, 0 },
};
static const struct ovl_profile_choice timesync_choices[] = {
	{ "ptp-only", OVL_TIMESYNC_PTP_ONLY }, { "no", OVL_TIMESYNC_NO }, { NULL, 0 },
};

const char *
ovl_profile_bind_name(enum ovl_bind b)
{
	return ovl_profile_choice_word(bind_choices, (int)b);
}

const char *
ovl_profile_level_name(enum ovl_level l)
{
	return ovl_profile_choice_word(level_choices, (int)l);
}

const char *
ovl_profile_rx_hw_ts_name(enum ovl_rx_hw_ts t)
{
	return ovl_profile_choice_word(rx_ts_choices, (int)t);
}

const char *
ovl_profile_timesync_name(enum ovl_timesync t)
{
	return ovl_profile_choice_word(timesync_choices, (int)t);
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
	int n = ovl_profile_split_words(value, p->names, OVL_PROFILE_NAMES_MAX, 0, why, whylen);

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
	if (ovl_profile_choose(bus_choices, value, &v, why, whylen) < 0)
		return -1;
	p->bus = (enum ovl_profile_bus)v;
	return 0;
}

static int
apply_method(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (ovl_profile_choose(bind_choices, value, &v, why, whylen) < 0)
		return -1;
	p->bind = (enum ovl_bind)v;
	return 0;
}

static int
apply_fallback(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (ovl_profile_choose(fallback_choices, value, &v, why, whylen) < 0)
		return -1;
	p->bind_fallback = (enum ovl_bind)v;
	return 0;
}

static int
apply_wc(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (ovl_profile_choose(level_choices, value, &v, why, whylen) < 0)
		return -1;
	p->write_combining = (enum ovl_level)v;
	return 0;
}

static int
apply_kernel_driver(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int n = ovl_profile_split_words(value, p->kernel_drivers, OVL_PROFILE_KMODS_MAX, 1, why, whylen);

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
	return ovl_profile_choose(hugepage_choices, value, &p->hugepages_required, why, whylen);
}

#define VDEV_DEFAULTS_MAX 8

/* One vdev_defaults item: "key=value", key a word, value without ',', '=', spaces or braces. */
static int
vdev_default_ok(const char *item, char *why, size_t whylen)
{
	const char *eq = strchr(item, '=');
	char key[OVL_PROFILE_WORD_MAX];
	const char *c;

	if (eq == NULL || eq == item || eq[1] == '\0' || (size_t)(eq - item) >= sizeof(key)) {
		snprintf(why, whylen, "'%s' is not key=value", item);
		return -1;
	}
	memcpy(key, item, (size_t)(eq - item));
	key[eq - item] = '\0';
	if (!ovl_ini_is_word(key, 0)) {
		snprintf(why, whylen, "'%s': the key is not [a-z0-9_]", item);
		return -1;
	}
	for (c = eq + 1; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && strchr("_.:/-", *c) == NULL) {
			snprintf(why, whylen, "'%s': '%c' may not be in a value", item, *c);
			return -1;
		}
	return 0;
}

static int
apply_vdev_defaults(struct ovl_profile *p, const char *key, const char *value, char *why,
		size_t whylen)
{
	char copy[OVL_PROFILE_TEXT_MAX], *save = NULL, *tok;
	char keys[VDEV_DEFAULTS_MAX][OVL_PROFILE_WORD_MAX];
	unsigned int n = 0, i;
	size_t off = 0;

	(void)key;
	snprintf(copy, sizeof(copy), "%s", value);
	if (copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,") != NULL) {
		snprintf(why, whylen, "'%s' has an empty item", value);
		return -1;
	}
	p->vdev_defaults[0] = '\0';
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		tok = ovl_ini_strip(tok);
		if (vdev_default_ok(tok, why, whylen) < 0)
			return -1;
		if (n == VDEV_DEFAULTS_MAX) {
			snprintf(why, whylen, "more than %d items", VDEV_DEFAULTS_MAX);
			return -1;
		}
		snprintf(keys[n], sizeof(keys[n]), "%.*s", (int)(strchr(tok, '=') - tok), tok);
		for (i = 0; i < n; i++)
			if (strcmp(keys[i], keys[n]) == 0) {
				snprintf(why, whylen, "'%s' is set twice", keys[n]);
				return -1;
			}
		n++;
		off += (size_t)snprintf(p->vdev_defaults + off, sizeof(p->vdev_defaults) - off, "%s%s",
				off ? "," : "", tok);
	}
	return 0;
}

static int
apply_desc(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	unsigned long v;

	if (ovl_profile_number(value, 16, 32768, 1, &v, why, whylen) < 0)
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
	if (ovl_profile_number(value, 1, 4096, 1, &v, why, whylen) < 0)
		return -1;
	p->max_queues = (uint16_t)v;
	return 0;
}

static int
apply_offloads(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int tx = strcmp(key, "tx") == 0;

	return ovl_profile_offloads(tx, value, tx ? &p->tx_offloads : &p->rx_offloads, why, whylen);
}

static int
apply_rx_hw(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (ovl_profile_choose(rx_ts_choices, value, &v, why, whylen) < 0)
		return -1;
	p->rx_hw_ts = (enum ovl_rx_hw_ts)v;
	return 0;
}

static int
apply_tx_hw(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key;
	return ovl_profile_choose(yes_no, value, &p->tx_hw_ts, why, whylen);
}

static int
apply_timesync(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int v;

	(void)key;
	if (ovl_profile_choose(timesync_choices, value, &v, why, whylen) < 0)
		return -1;
	p->timesync = (enum ovl_timesync)v;
	return 0;
}

static int
apply_rate_limit(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key;
	return ovl_profile_choose(yes_no, value, &p->hw_rate_limit, why, whylen);
}

static int
apply_send_scheduling(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	(void)key;
	return ovl_profile_choose(yes_no, value, &p->send_scheduling, why, whylen);
}

static int
apply_flow_limit(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	unsigned long v;

	(void)key;
	if (ovl_profile_number(value, 0, 1000, 0, &v, why, whylen) < 0)
		return -1;
	p->flow_limit_gbps = (uint32_t)v;
	return 0;
}

static int
apply_report(struct ovl_profile *p, const char *key, const char *value, char *why, size_t whylen)
{
	int n = ovl_profile_split_words(value, p->stats, OVL_PROFILE_STATS_MAX, 0, why, whylen);

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

static const struct ovl_profile_section_rule sections[] = {
	{ "driver", 1 }, { "binding", 1 }, { "eal", 1 }, { "queues", 1 }, { "offloads", 1 },
	{ "timestamps", 1 }, { "pacing", 1 }, { "stats", 0 }, { "caveats", 0 },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static const struct ovl_profile_key_rule rules[] = {
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
	{ "eal", "vdev_defaults", 0, "device arguments key=value ([a-z0-9_]=[A-Za-z0-9_.:/-]), comma-separated, 1 to 8, added to a --vdev of the driver that does not set them",
		apply_vdev_defaults },
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

/*
 * The tables, for the check of what is required (profile_load.c); the placeholders, for
 * ovl_profile_eal_args().
 */
const struct ovl_profile_section_rule *const ovl_profile_sections = sections;
const size_t ovl_profile_n_sections = N_SECTIONS;
const struct ovl_profile_key_rule *const ovl_profile_key_rules = rules;
const size_t ovl_profile_n_key_rules = N_RULES;
const char *const *const ovl_profile_placeholders = placeholders;

void
ovl_profile_section_names(char *buf, size_t len)
{
	size_t off = 0, i;

	buf[0] = '\0';
	for (i = 0; i < N_SECTIONS && off < len; i++)
		off += snprintf(buf + off, len - off, "%s[%s]", i ? ", " : "", sections[i].name);
}

void
ovl_profile_key_names(const char *section, char *buf, size_t len)
{
	size_t off = 0, i;

	buf[0] = '\0';
	for (i = 0; i < N_RULES && off < len; i++)
		if (strcmp(rules[i].section, section) == 0 && rules[i].key != NULL)
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "", rules[i].key);
}

const char *
ovl_profile_key_rule_allowed(const struct ovl_profile_key_rule *r, char *buf, size_t len)
{
	if (r->allowed != NULL)
		return r->allowed;
	ovl_profile_offload_names_allowed(strcmp(r->key, "tx") == 0, buf, len);
	return buf;
}

const struct ovl_profile_key_rule *
ovl_profile_key_rule_find(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < N_RULES; i++)
		if (strcmp(rules[i].section, section) == 0 &&
				(rules[i].key == NULL || strcmp(rules[i].key, key) == 0))
			return &rules[i];
	return NULL;
}

const struct ovl_profile_section_rule *
ovl_profile_section_rule_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_SECTIONS; i++)
		if (strcmp(sections[i].name, name) == 0)
			return &sections[i];
	return NULL;
}
