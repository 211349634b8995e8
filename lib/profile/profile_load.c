/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading one driver profile (ovl_profile_load): drivers-config/<name>.ini, read with
 * rte_cfgfile and checked against the table of sections and keys in profile_rules.c. The format
 * is described in drivers-config/README.md.
 *
 * Loading happens in three passes over one file:
 *   1. ovl_ini_scan_file() (ini_scan.c): our own reading of the lines, which rte_cfgfile does
 *      not report, as strict as rte_cfgfile needs and stricter where it would be silently
 *      wrong. It remembers the line of every section and key.
 *   2. rte_cfgfile_load(): the values, section by section.
 *   3. Every section and key is looked up in the table and its value applied to the struct;
 *      then what is required and what must agree between keys is checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_cfgfile.h>

#include "ini_scan.h"
#include "profile.h"
#include "profile_rules.h"

/* Passes 2 and 3: every key rte_cfgfile read, found in the table and applied to p. */
static int
apply_entries(struct rte_cfgfile *cfg, const struct ovl_ini_scan *s, const char *path,
		struct ovl_profile *p, char *err, size_t errlen)
{
	struct rte_cfgfile_entry *entries;
	char allowed[1024], why[512];
	int n_sections = rte_cfgfile_num_sections(cfg, NULL, 0), i, j;
	int rc = 0;

	if (n_sections != (int)s->n_sections)
		return ovl_ini_fail(err, errlen, path, 0, "rte_cfgfile reads %d sections, ovlperf %u; allowed: a file both read alike",
				n_sections, s->n_sections);
	entries = calloc(OVL_INI_ENTRIES_MAX, sizeof(*entries));
	if (entries == NULL)
		return ovl_ini_fail(err, errlen, path, 0, "out of memory");
	for (i = 0; i < n_sections && rc == 0; i++) {
		char name[CFG_NAME_LEN];
		const struct ovl_ini_section *sec;
		int n = rte_cfgfile_section_entries_by_index(cfg, i, name, entries, OVL_INI_ENTRIES_MAX);

		sec = ovl_ini_find_section(s, name, NULL);
		if (n < 0 || sec == NULL) {
			rc = ovl_ini_fail(err, errlen, path, 0, "rte_cfgfile reads a section [%s] that ovlperf does not; allowed: a file both read alike",
					name);
			break;
		}
		if (ovl_profile_section_rule_find(name) == NULL) {
			ovl_profile_section_names(allowed, sizeof(allowed));
			rc = ovl_ini_fail(err, errlen, path, sec->line, "unknown section [%s]; allowed: %s", name, allowed);
			break;
		}
		for (j = 0; j < n; j++) {
			const char *key = entries[j].name, *value = entries[j].value;
			const struct ovl_profile_key_rule *r = ovl_profile_key_rule_find(name, key);
			unsigned int line = ovl_ini_key_line(s, name, key);

			if (line == 0) {
				rc = ovl_ini_fail(err, errlen, path, sec->line, "rte_cfgfile reads a key [%s] %s that ovlperf does not; allowed: a file both read alike",
						name, key);
				break;
			}
			if (r == NULL) {
				ovl_profile_key_names(name, allowed, sizeof(allowed));
				rc = ovl_ini_fail(err, errlen, path, line, "[%s] unknown key '%s'; allowed: %s", name, key,
						allowed);
				break;
			}
			if (r->apply(p, key, value, why, sizeof(why)) < 0) {
				rc = ovl_ini_fail(err, errlen, path, line, "[%s] %s: %s; allowed: %s", name, key, why,
						ovl_profile_key_rule_allowed(r, allowed, sizeof(allowed)));
				break;
			}
		}
	}
	free(entries);
	return rc;
}

/* Every required section and key is there. */
static int
check_required(const struct ovl_ini_scan *s, const char *path, char *err, size_t errlen)
{
	char allowed[1024];
	size_t i;

	for (i = 0; i < ovl_profile_n_sections; i++) {
		const struct ovl_profile_section_rule *sr = &ovl_profile_sections[i];

		if (!sr->required || ovl_ini_find_section(s, sr->name, NULL) != NULL)
			continue;
		ovl_profile_key_names(sr->name, allowed, sizeof(allowed));
		return ovl_ini_fail(err, errlen, path, 0, "section [%s] is missing; allowed: a [%s] section with %s",
				sr->name, sr->name, allowed);
	}
	for (i = 0; i < ovl_profile_n_key_rules; i++) {
		const struct ovl_profile_key_rule *r = &ovl_profile_key_rules[i];
		const struct ovl_ini_section *sec;

		if (!r->required || ovl_ini_key_line(s, r->section, r->key) != 0)
			continue;
		sec = ovl_ini_find_section(s, r->section, NULL);
		return ovl_ini_fail(err, errlen, path, sec->line, "[%s] %s is missing; allowed: %s = %s",
				r->section, r->key, r->key, r->allowed ? r->allowed : "none, or DPDK offload names");
	}
	return 0;
}

/* What must agree between keys. */
static int
check_consistent(const struct ovl_ini_scan *s, const char *path, const struct ovl_profile *p,
		int has_fallback, char *err, size_t errlen)
{
	if (p->bus == OVL_BUS_PCI && strstr(p->eal_args, "{bdf}") == NULL)
		return ovl_ini_fail(err, errlen, path, ovl_ini_key_line(s, "eal", "args"),
				"[eal] args: a pci profile's arguments do not name the device; allowed: arguments with -a {bdf}");
	if (p->bus == OVL_BUS_VDEV && strstr(p->eal_args, "--vdev") == NULL)
		return ovl_ini_fail(err, errlen, path, ovl_ini_key_line(s, "eal", "args"),
				"[eal] args: a vdev profile's arguments make no device; allowed: arguments with --vdev=...");
	if (p->bus == OVL_BUS_PCI && p->vdev_defaults[0] != '\0')
		return ovl_ini_fail(err, errlen, path, ovl_ini_key_line(s, "eal", "vdev_defaults"),
				"[eal] vdev_defaults: a pci profile's device comes from -a, not --vdev; allowed: vdev_defaults only with [driver] bus = vdev");
	if (p->bus == OVL_BUS_VDEV && p->bind != OVL_BIND_NONE)
		return ovl_ini_fail(err, errlen, path, ovl_ini_key_line(s, "binding", "method"),
				"[binding] method: '%s' binds a PCI device but [driver] bus is vdev; allowed: none",
				ovl_profile_bind_name(p->bind));
	if (has_fallback && (p->bind == OVL_BIND_NONE || p->bind_fallback == p->bind))
		return ovl_ini_fail(err, errlen, path, ovl_ini_key_line(s, "binding", "fallback"),
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
	if (ovl_ini_is_word(p->name, 0))
		return 0;
bad:
	return ovl_ini_fail(err, errlen, path, 0, "the file name is not a profile's; allowed: NAME.ini, NAME of [a-z0-9_], at most %zu characters",
			sizeof(p->name) - 1);
}

int
ovl_profile_load(const char *path, struct ovl_profile *p, char *err, size_t errlen)
{
	struct rte_cfgfile *cfg;
	struct ovl_ini_scan *s;
	struct stat st;
	FILE *f;
	int rc;

	memset(p, 0, sizeof(*p));
	if (snprintf(p->path, sizeof(p->path), "%s", path) >= (int)sizeof(p->path)) {
		ovl_ini_fail(err, errlen, path, 0, "the path is too long; allowed: at most %zu characters",
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
		ovl_ini_fail(err, errlen, path, 0, "cannot read: %s; allowed: a readable profile file",
				rc == -EINVAL ? "not a regular file" : strerror(-rc));
		return rc;
	}
	rc = profile_name_of(path, p, err, errlen);
	s = rc == 0 ? malloc(sizeof(*s)) : NULL;
	if (rc == 0 && s == NULL)
		rc = ovl_ini_fail(err, errlen, path, 0, "out of memory");
	if (rc == 0)
		rc = ovl_ini_scan_file(f, path, s, err, errlen);
	fclose(f);
	if (rc < 0) {
		free(s);
		return rc;
	}
	cfg = rte_cfgfile_load(path, 0);
	if (cfg == NULL) {
		free(s);
		return ovl_ini_fail(err, errlen, path, 0, "rte_cfgfile cannot read it; allowed: an INI file rte_cfgfile reads");
	}
	rc = apply_entries(cfg, s, path, p, err, errlen);
	rte_cfgfile_close(cfg);
	if (rc == 0)
		rc = check_required(s, path, err, errlen);
	if (rc == 0) {
		int has_fallback = ovl_ini_key_line(s, "binding", "fallback") != 0;

		if (!has_fallback)
			p->bind_fallback = p->bind;
		p->names_line = ovl_ini_key_line(s, "driver", "names");
		rc = check_consistent(s, path, p, has_fallback, err, errlen);
	}
	free(s);
	return rc;
}
