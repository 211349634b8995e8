/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf run FILE.ini [options] [--print]: a test profile (traffic_profile.h) run as its mode
 * would be, its [stream] sections side by side; --print shows the streams as resolved and
 * sends nothing. The profile's [run] eal gives the EAL's arguments when none were given
 * before "--" (those on the command line win, as every option given there does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "traffic_profile.h"
#include "traffic.h"

static void
run_usage(FILE *out)
{
	fprintf(out, "usage: ovlperf [EAL options] -- run FILE.ini [options] [--print]\n\n"
			"Runs a test profile: a [run] section (mode = send, loop or reflect; eal = the EAL's\n"
			"arguments; any option of the mode, the key its long name) and [stream NAME] sections,\n"
			"sent side by side, each with encap and what its frames are (sizes, headers, addresses,\n"
			"tunnel options), rate, flows, latency-rate. [run]'s keys are every stream's defaults;\n"
			"options given after the file override the file, in [run] and in every stream.\n"
			"--print shows the resolved streams and sends nothing.\n"
			"Example: ovlperf -- run bench/profiles/three-streams.ini --duration 2\n"
			"Keys: the mode's options (ovlperf -- loop --help). Errors: FILE:LINE: [section] key: what.\n");
}

/* Takes --print out of argv (the one option that is not the mode's). Returns whether it was there. */
static int
take_print(int *argc, char **argv)
{
	int i, found = 0, n = 0;

	for (i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--print") == 0) {
			found = 1;
			continue;
		}
		argv[n++] = argv[i];
	}
	*argc = n;
	return found;
}

/* Runs the loaded profile p: its mode, its streams, its EAL arguments unless eal has its own. */
static int
run_loaded(struct traffic_profile *p, const struct eal_args *eal)
{
	struct eal_args file_eal = { p->eal_argc, p->eal_argv };
	const struct eal_args *use = eal->argc <= 1 && p->eal_argc > 0 ? &file_eal : eal;
	struct run *run = calloc(1, sizeof(*run));
	int status;

	if (run == NULL)
		return 1;
	run->cfg = p->run;
	if (strcmp(p->mode, "reflect") == 0) {
		status = reflect_execute(run, use);
	} else {
		/* Without [stream] sections the run's configuration is its one stream's (the default). */
		if (p->n_streams > 0) {
			run->stream_cfgs = p->streams;
			run->n_stream_cfgs = p->n_streams;
		}
		status = traffic_execute(run, use, strcmp(p->mode, "loop") == 0);
	}
	free(run);
	return status;
}

int
cmd_run(const struct eal_args *eal, int argc, char **argv)
{
	struct traffic_profile *p;
	int print, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		run_usage(stdout);
		return 0;
	}
	if (argc < 2 || strncmp(argv[1], "--", 2) == 0) {
		fprintf(stderr, "ovlperf run: no profile given; allowed: ovlperf -- run FILE.ini [options] [--print] (see run --help)\n");
		return OVL_EXIT_USAGE;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return 1;
	/* The options follow the file, which stands where getopt expects the program's name. */
	argc--;
	argv++;
	print = take_print(&argc, argv);
	rc = traffic_profile_load(p, argv[0], argc, argv);
	if (rc == 1)
		rc = 0;
	else if (rc == 0 && print)
		rc = traffic_profile_print(p, stdout);
	else if (rc == 0)
		rc = run_loaded(p, eal);
	traffic_profile_close(p);
	free(p);
	return rc;
}
