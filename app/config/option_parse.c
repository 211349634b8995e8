/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The defaults, and the parse loop made from the option table (option_table.c) and the
 * encapsulations' own options (encap_options.c): each value applied by its option's function,
 * one line for anything wrong (a misspelt option gets the nearest name).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <rte_cycles.h>

#include "config.h"
#include "encap_options.h"
#include "option_table.h"
#include "options.h"
#include "suggest.h"

#define N_OPTIONS option_table_len
#define N_OPTIONS_MAX 96 /* room in getopt's list for the table's options (checked when parsing) */
#define OPTION_VAL(i) (256 + (int)(i))
/* The encapsulations' options follow the table's in getopt's list. */
#define ENCAP_OPTIONS_MAX (OVL_ENCAPS_MAX * OVL_ENCAP_PARAMS_MAX)

void
config_defaults(struct app_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ovl_frame_spec_defaults(&cfg->spec, NULL);
	encap_options_defaults(cfg);
	cfg->rate.unit = RATE_UNLIMITED;
	cfg->drain_s = 0.1;
	cfg->flows = 1;
	cfg->mix_seed = OVL_MIX_SEED_DEFAULT;
	cfg->capture_max = 1000000;
	cfg->peer_port = 1;
	cfg->arp_timeout_s = 3;
	cfg->link_timeout_s = 3;
	cfg->outage_after_s = 1;
	cfg->samples = 10000;
	cfg->live = 1;
	cfg->send_lcore = -1;
	cfg->reflect_lcore = -1;
	cfg->queues = 1;
	for (unsigned int q = 0; q < OVL_QUEUES_MAX; q++)
		cfg->queue_lcore[q] = -1;
}

/* The names a command takes, for "did you mean": its table options, the tunnels', --help. */
static const char *
nearest_option(const char *command, const char *typed)
{
	const char *names[N_OPTIONS_MAX + ENCAP_OPTIONS_MAX + 1];
	unsigned int mask = option_command_mask(command), k;
	size_t i, n = 0;

	for (i = 0; i < N_OPTIONS && n < N_OPTIONS_MAX; i++)
		if (option_table[i].commands & mask)
			names[n++] = option_table[i].name;
	for (k = 0; (ENCAP_OPTIONS_COMMANDS & mask) && k < encap_options_count() &&
			k < ENCAP_OPTIONS_MAX; k++)
		names[n++] = encap_option(k)->option;
	names[n++] = "help";
	return suggest_nearest(typed, names, n);
}

/* An option of other commands: one line naming the commands that take it. */
static void
not_for(const char *command, const char *name, unsigned int commands)
{
	static const char *const names[] = { "frames", "send", "reflect", "loop", "ports" };
	char which[64] = "";
	size_t i, off = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (commands & option_command_mask(names[i]))
			off += (size_t)snprintf(which + off, sizeof(which) - off, "%s%s",
					off ? ", " : "", names[i]);
	fprintf(stderr, "ovlperf %s: --%s is not an option of %s (only of %s); see %s --help\n",
			command, name, command, which, command);
}

/* An unknown option: one line naming it, with the nearest known name when it looks misspelt. */
static void
unknown_option(const char *command, const char *bad)
{
	const char *near = strncmp(bad, "--", 2) == 0 ? nearest_option(command, bad + 2) : NULL;

	if (near != NULL)
		fprintf(stderr, "ovlperf %s: unknown option %.*s; did you mean --%s? (see --help)\n",
				command, (int)strcspn(bad, "="), bad, near);
	else
		fprintf(stderr, "ovlperf %s: unknown option '%s'; see --help for the allowed ones\n",
				command, bad);
}

/* Applies table option c (an index into option_table) or, past the table, encapsulation option. */
static int
apply_index(struct app_config *cfg, const char *command, size_t c, const char *arg, char *err,
		size_t errlen)
{
	if (c >= N_OPTIONS) {
		unsigned int k = (unsigned int)(c - N_OPTIONS);

		if (!(ENCAP_OPTIONS_COMMANDS & option_command_mask(command))) {
			not_for(command, encap_option(k)->option, ENCAP_OPTIONS_COMMANDS);
			return OVL_EXIT_USAGE;
		}
		if (encap_option_apply(cfg, k, arg, err, errlen) < 0)
			return -1;
		return 0;
	}
	if (!(option_table[c].commands & option_command_mask(command))) {
		not_for(command, option_table[c].name, option_table[c].commands);
		return OVL_EXIT_USAGE;
	}
	return option_table[c].apply(cfg, arg, err, errlen) < 0 ? -1 : 0;
}

/* The name of option c, as apply_index numbers them. */
static const char *
index_name(size_t c)
{
	return c >= N_OPTIONS ? encap_option((unsigned int)(c - N_OPTIONS))->option : option_table[c].name;
}

int
config_parse_options(struct app_config *cfg, const char *command, int argc, char **argv)
{
	struct option longopts[N_OPTIONS_MAX + ENCAP_OPTIONS_MAX + 2];
	unsigned int n_encap_opts = encap_options_count();
	char err[512];
	size_t i;
	int c, idx, rc;

	if (N_OPTIONS > N_OPTIONS_MAX) {
		fprintf(stderr, "ovlperf: the option table outgrew N_OPTIONS_MAX\n");
		return OVL_EXIT_USAGE;
	}
	for (i = 0; i < N_OPTIONS; i++) {
		/* Past any character: getopt_long returns '?' (63) and ':' (58) for errors. */
		longopts[i] = (struct option){ option_table[i].name,
			option_table[i].value ? required_argument : no_argument, NULL, OPTION_VAL(i) };
	}
	for (i = 0; i < n_encap_opts && i < ENCAP_OPTIONS_MAX; i++)
		longopts[N_OPTIONS + i] = (struct option){ encap_option((unsigned int)i)->option,
			required_argument, NULL, OPTION_VAL(N_OPTIONS + i) };
	longopts[N_OPTIONS + i] = (struct option){ "help", no_argument, NULL, 'h' + 1000 };
	longopts[N_OPTIONS + i + 1] = (struct option){ NULL, 0, NULL, 0 };

	optind = 0; /* 0, not 1: glibc then also forgets its place inside a short-option word */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, &idx)) != -1) {
		if (c == 'h' + 1000) {
			config_usage(stdout, command);
			return 1;
		}
		if (c == '?' || c == ':') {
			/* A long option's name is in argv; an unknown short one is only in optopt. */
			char shortopt[3] = { '-', (char)optopt, '\0' };
			const char *bad = c == '?' && optopt > ' ' && optopt < 127 ? shortopt : argv[optind - 1];

			if (c == ':')
				fprintf(stderr, "ovlperf %s: %s needs a value; see --help\n", command, bad);
			else
				unknown_option(command, bad);
			return OVL_EXIT_USAGE;
		}
		c -= OPTION_VAL(0);
		rc = apply_index(cfg, command, (size_t)c, optarg, err, sizeof(err));
		if (rc == -1)
			fprintf(stderr, "ovlperf %s: --%s: %s\n", command, index_name((size_t)c), err);
		if (rc != 0)
			return OVL_EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "ovlperf %s: unexpected argument '%s'; options start with --\n",
				command, argv[optind]);
		return OVL_EXIT_USAGE;
	}
	return 0;
}

/* A flag's value in a file: yes (or true, 1) sets it; anything else is not a value it takes. */
static int
flag_value(const char *value)
{
	return strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
}

int
config_apply_key(struct app_config *cfg, const char *command, const char *key, const char *value,
		char *err, size_t errlen)
{
	unsigned int mask = option_command_mask(command);
	size_t c, n = N_OPTIONS + encap_options_count();
	const char *near;
	char why[512];

	for (c = 0; c < n; c++) {
		int flag = c < N_OPTIONS && option_table[c].value == NULL;

		if (strcmp(index_name(c), key) != 0)
			continue;
		if (c < N_OPTIONS ? !(option_table[c].commands & mask) : !(ENCAP_OPTIONS_COMMANDS & mask)) {
			snprintf(err, errlen, "unknown key '%s': --%s is not an option of %s", key, key, command);
			return -1;
		}
		if (flag && !flag_value(value)) {
			snprintf(err, errlen, "%s: '%s' is not allowed: yes (a flag; leave the key out for no)",
					key, value);
			return -1;
		}
		if (apply_index(cfg, command, c, flag ? NULL : value, why, sizeof(why)) == 0)
			return 0;
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	near = nearest_option(command, key);
	if (near != NULL && strcmp(near, "help") != 0)
		snprintf(err, errlen, "unknown key '%s'; did you mean %s? (keys are %s's long options)",
				key, near, command);
	else
		snprintf(err, errlen, "unknown key '%s'; keys are %s's long options (ovlperf -- %s --help)",
				key, command, command);
	return -1;
}

void
config_finish_encaps(struct app_config *cfg)
{
	size_t i;

	if (cfg->n_encaps != 0)
		return;
	cfg->encaps_all = 1;
	for (i = 0; ovl_encaps[i] != NULL && i < OVL_ENCAPS_MAX; i++)
		cfg->encaps[cfg->n_encaps++] = ovl_encaps[i];
}

void
config_finish_session(struct app_config *cfg)
{
	if (!cfg->session_given && getrandom(&cfg->probe.session, sizeof(cfg->probe.session), 0) < 0)
		cfg->probe.session = (uint32_t)rte_rdtsc();
}

int
config_parse(struct app_config *cfg, const char *command, int argc, char **argv)
{
	int rc = config_parse_options(cfg, command, argc, argv);

	if (rc != 0)
		return rc;
	config_finish_encaps(cfg);
	if (options_check(cfg, command) != 0)
		return OVL_EXIT_USAGE;
	config_finish_session(cfg);
	return 0;
}
