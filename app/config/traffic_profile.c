/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a test profile (traffic_profile.h) in the passes the driver profiles use: the lines
 * scanned for their syntax and line numbers (ini_scan.c), the values read by rte_cfgfile, then
 * each key applied as its long option. The [run] section comes first: its mode says whose
 * options the keys are, and its keys are every stream's defaults.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encap_options.h"
#include "option_table.h"
#include "options.h"
#include "traffic_profile.h"

/* One line on stderr; the status of bad input. */
static int
fail(const char *err)
{
	fprintf(stderr, "ovlperf run: %s\n", err);
	return OVL_EXIT_USAGE;
}

/* The line of section name's key (or of the section when key is NULL). */
static unsigned int
line_of(const struct ovl_ini_scan *scan, const char *section, const char *key)
{
	const struct ovl_ini_section *sec = ovl_ini_find_section(scan, section, NULL);

	if (key != NULL)
		return ovl_ini_key_line(scan, section, key);
	return sec != NULL ? sec->line : 0;
}

/*
 * Whether key may differ between streams: what the frames are (encapsulations and their
 * options, sizes, headers, addresses outer and inner, inner UDP ports), rate, flows and latency rate.
 * Each stream's next hop is resolved for its own destination, and loop's reflector answers
 * every stream's destinations. The rest is the run's (duration, outputs, ports, queues, the
 * ARP timeout, the source MAC, which is the port's...), which one stream cannot have apart. An
 * unknown key is config_apply_key's to report.
 */
static int
stream_key(const char *key)
{
	static const char *const own[] = { "rate", "flows", "latency-rate" };
	unsigned int k;
	size_t i;

	for (k = 0; k < encap_options_count(); k++)
		if (strcmp(encap_option(k)->option, key) == 0)
			return 1;
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(own[i], key) == 0)
			return 1;
	for (i = 0; i < option_table_len; i++)
		if (strcmp(option_table[i].name, key) == 0)
			return option_table[i].group == G_FRAME ||
				(option_table[i].group == G_ADDR && strcmp(key, "arp-timeout") != 0 &&
				 strcmp(key, "src-mac") != 0);
	return 1;
}

/* Applies section's keys (but [run]'s mode and eal) to cfg as options of mode. */
static int
apply_section(struct traffic_profile *p, const struct ovl_ini_scan *scan, const char *section,
		struct app_config *cfg)
{
	struct rte_cfgfile_entry *entries = calloc(OVL_INI_ENTRIES_MAX, sizeof(*entries));
	char why[512], err[1024];
	int n, i, rc = 0;

	if (entries == NULL)
		return fail("out of memory");
	n = rte_cfgfile_section_entries(p->file, section, entries, OVL_INI_ENTRIES_MAX);
	for (i = 0; i < n && rc == 0; i++) {
		const char *key = entries[i].name;
		/* The configuration keeps pointers to values (file names): the file's own copies. */
		const char *value = rte_cfgfile_get_entry(p->file, section, key);

		if (strcmp(section, "run") == 0 && (strcmp(key, "mode") == 0 || strcmp(key, "eal") == 0))
			continue;
		if (strcmp(section, "run") != 0 && !stream_key(key)) {
			ovl_ini_fail(err, sizeof(err), p->path, line_of(scan, section, key),
					"[%s] %s is the run's, not a stream's; allowed: %s in [run]", section, key, key);
			rc = fail(err);
			continue;
		}
		if (config_apply_key(cfg, p->mode, key, value, why, sizeof(why)) < 0) {
			ovl_ini_fail(err, sizeof(err), p->path, line_of(scan, section, key), "[%s] %s", section, why);
			rc = fail(err);
		}
	}
	free(entries);
	return rc;
}

/* Every section is [run] or [stream NAME]; [run] is there with its mode. */
static int
check_sections(struct traffic_profile *p, const struct ovl_ini_scan *scan)
{
	static const char *const modes[] = { "send", "loop", "reflect" };
	char err[1024];
	unsigned int i;

	for (i = 0; i < scan->n_sections; i++) {
		const struct ovl_ini_section *sec = &scan->sections[i];

		if (strcmp(sec->name, "run") == 0 || strncmp(sec->name, TRAFFIC_PROFILE_STREAM_PREFIX, strlen(TRAFFIC_PROFILE_STREAM_PREFIX)) == 0)
			continue;
		ovl_ini_fail(err, sizeof(err), p->path, sec->line,
				"unknown section [%s]; allowed: [run], [stream NAME]", sec->name);
		return fail(err);
	}
	if (ovl_ini_find_section(scan, "run", NULL) == NULL) {
		ovl_ini_fail(err, sizeof(err), p->path, 0,
				"[run] is missing; allowed: a [run] section with mode = send, loop or reflect");
		return fail(err);
	}
	p->mode = rte_cfgfile_get_entry(p->file, "run", "mode");
	for (i = 0; p->mode != NULL && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(p->mode, modes[i]) == 0)
			return 0;
	ovl_ini_fail(err, sizeof(err), p->path, line_of(scan, "run", p->mode ? "mode" : NULL),
			"[run] mode: %s%s%s; allowed: send, loop, reflect", p->mode ? "'" : "is missing",
			p->mode ? p->mode : "", p->mode ? "' is not a mode" : "");
	return fail(err);
}

/* [run] eal: the EAL's arguments, split at spaces (none of them quoted). */
static int
split_eal(struct traffic_profile *p, const struct ovl_ini_scan *scan)
{
	const char *eal = rte_cfgfile_get_entry(p->file, "run", "eal");
	char err[1024], *save = NULL, *tok;

	if (eal == NULL)
		return 0;
	snprintf(p->eal_text, sizeof(p->eal_text), "%s", eal);
	p->eal_argv[p->eal_argc++] = "ovlperf";
	for (tok = strtok_r(p->eal_text, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (p->eal_argc == TRAFFIC_PROFILE_EAL_MAX) {
			ovl_ini_fail(err, sizeof(err), p->path, line_of(scan, "run", "eal"),
					"[run] eal: too many arguments; allowed: at most %d", TRAFFIC_PROFILE_EAL_MAX - 1);
			return fail(err);
		}
		p->eal_argv[p->eal_argc++] = tok;
	}
	p->eal_argv[p->eal_argc] = NULL;
	return 0;
}

/*
 * A later layer (a stream's keys, the command line) that gives a frame or inner size replaces
 * the size it inherited, of either kind, rather than meeting it as "not both".
 */
static void
forget_sizes(struct app_config *cfg)
{
	cfg->sizes_given &= ~((1u << OVL_SIZE_FRAME) | (1u << OVL_SIZE_INNER));
	cfg->frame_size = 0;
	cfg->inner_size = 0;
	cfg->mix.n = 0;
}

/* Whether the command line gives --frame-size or --inner-size (as NAME VALUE or NAME=VALUE). */
static int
argv_sizes(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--frame-size", 12) == 0 || strncmp(argv[i], "--inner-size", 12) == 0)
			return 1;
	return 0;
}

/* Applies the command line's options to cfg, its sizes replacing the file's. */
static int
apply_command_line(struct app_config *cfg, const char *mode, int argc, char **argv)
{
	if (argv_sizes(argc, argv))
		forget_sizes(cfg);
	return config_parse_options(cfg, mode, argc, argv);
}

/* Each [stream NAME]: the file's [run] (file_run), its own keys, then the command line. */
static int
load_streams(struct traffic_profile *p, const struct ovl_ini_scan *scan, const struct app_config *file_run,
		int argc, char **argv)
{
	char err[1024];
	unsigned int i;
	int rc;

	for (i = 0; i < scan->n_sections; i++) {
		const struct ovl_ini_section *sec = &scan->sections[i];
		struct app_config *cfg = &p->streams[p->n_streams];

		if (strcmp(sec->name, "run") == 0)
			continue;
		if (strcmp(p->mode, "reflect") == 0) {
			ovl_ini_fail(err, sizeof(err), p->path, sec->line,
					"[%s]: reflect sends no streams; allowed: its options in [run]", sec->name);
			return fail(err);
		}
		if (ovl_ini_key_line(scan, sec->name, "encap") == 0) {
			ovl_ini_fail(err, sizeof(err), p->path, sec->line,
					"[%s] has no encap; allowed: encap = an encapsulation (frames --list) or a list",
					sec->name);
			return fail(err);
		}
		*cfg = *file_run;
		snprintf(p->names[p->n_streams], sizeof(p->names[0]), "%s", sec->name + strlen(TRAFFIC_PROFILE_STREAM_PREFIX));
		cfg->name = p->names[p->n_streams];
		if (ovl_ini_key_line(scan, sec->name, "frame-size") || ovl_ini_key_line(scan, sec->name, "inner-size"))
			forget_sizes(cfg);
		rc = apply_section(p, scan, sec->name, cfg);
		if (rc == 0)
			rc = apply_command_line(cfg, p->mode, argc, argv);
		if (rc == 0) {
			char where[PATH_MAX + 2 * CFG_NAME_LEN];

			/* Its lines name the stream's section; streams run in send and loop only, never
			 * in reflect, which is what options_check tells apart by the command's name. */
			snprintf(where, sizeof(where), "%s: %s:%u: [%s]", p->mode, p->path, sec->line, sec->name);
			if (options_check(cfg, where) != 0)
				rc = OVL_EXIT_USAGE;
		}
		if (rc != 0)
			return rc;
		p->n_streams++;
	}
	return 0;
}

int
traffic_profile_load(struct traffic_profile *p, const char *path, int argc, char **argv)
{
	struct ovl_ini_scan *scan = calloc(1, sizeof(*scan));
	struct app_config *file_run = calloc(1, sizeof(*file_run));
	char err[1024];
	unsigned int i;
	int rc = OVL_EXIT_USAGE;
	FILE *f;

	memset(p, 0, sizeof(*p));
	p->path = path;
	if (scan == NULL || file_run == NULL) {
		rc = fail("out of memory");
		goto out;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, sizeof(err), "%s: %s; allowed: a readable profile file (bench/profiles/)", path,
				strerror(errno));
		rc = fail(err);
		goto out;
	}
	rc = ovl_ini_scan_file_with(f, path, OVL_INI_KEY_DASHES | OVL_INI_LABELS, scan, err, sizeof(err));
	fclose(f);
	if (rc != 0) {
		rc = fail(err);
		goto out;
	}
	p->file = rte_cfgfile_load(path, 0);
	if (p->file == NULL) {
		ovl_ini_fail(err, sizeof(err), path, 0, "rte_cfgfile cannot read it");
		rc = fail(err);
		goto out;
	}
	rc = check_sections(p, scan);
	if (rc == 0)
		rc = split_eal(p, scan);
	if (rc != 0)
		goto out;
	config_defaults(&p->run);
	rc = apply_section(p, scan, "run", &p->run);
	if (rc != 0)
		goto out;
	*file_run = p->run;
	rc = apply_command_line(&p->run, p->mode, argc, argv);
	if (rc == 0)
		rc = load_streams(p, scan, file_run, argc, argv);
	if (rc != 0)
		goto out;
	if (p->n_streams > 0 && traffic_profile_merge(p, scan, err, sizeof(err)) < 0) {
		rc = fail(err);
		goto out;
	}
	config_finish_encaps(&p->run);
	if (options_check(&p->run, p->mode) != 0) {
		rc = OVL_EXIT_USAGE;
		goto out;
	}
	config_finish_session(&p->run);
	/* One session: the replies of every stream are the run's. */
	for (i = 0; i < p->n_streams; i++) {
		p->streams[i].probe.session = p->run.probe.session;
		p->streams[i].session_given = 1;
	}
out:
	free(scan);
	free(file_run);
	return rc;
}

void
traffic_profile_close(struct traffic_profile *p)
{
	if (p->file != NULL)
		rte_cfgfile_close(p->file);
	p->file = NULL;
}
