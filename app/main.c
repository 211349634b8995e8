/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf [EAL options] -- <command> [options]
 * Splits the command line at "--" (DPDK's convention), finds the command and runs it.
 * Commands that need no port (frames) can also be given without EAL options or "--".
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "eal.h"
#include "ovl_commit.h"
#include "ovl_version.h"
#include "suggest.h"

struct command {
	const char *name;
	const char *summary;
	int (*run)(const struct eal_args *eal, int argc, char **argv);
};

static const struct command commands[] = {
	{ "send", "send probe streams and measure the replies: rates, loss, latency", cmd_send },
	{ "reflect", "answer probes as a tunnel endpoint would, until stopped", cmd_reflect },
	{ "loop", "send and reflect in one process over two ports joined back to back", cmd_loop },
	{ "run", "run a test profile: FILE.ini with [run] and [stream NAME] sections (run --help)", cmd_run },
	{ "frames", "build, print and write to pcap the frames of each encapsulation", cmd_frames },
	{ "ports", "list the ports: driver, link, MTU, queues, offloads, timestamps, xstats", cmd_ports },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "ovlperf %s (%s): overlay encapsulation packet generator on DPDK\n\n",
			OVL_VERSION, OVL_COMMIT);
	fprintf(out, "usage: ovlperf [EAL options] -- <command> [options]\n\ncommands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'ovlperf -- <command> --help' lists a command's options by topic, with an example.\n"
			"send and reflect need a port: a NIC bound to DPDK (-a PCI before --) or a virtual device\n"
			"(--vdev before --); loop and frames need none. Without a NIC:\n"
			"  ovlperf -- loop --encap all --rate 100k --duration 2\n"
			"  ovlperf -- frames --encap all\n"

			"  ovlperf " OVL_NO_NIC_EAL " -- send --rate 100k --duration 2 \\\n"
			"      " OVL_NO_NIC_SEND "\n"
			"  ovlperf " OVL_NO_NIC_EAL " -- reflect --duration 2\n"
			"A test profile (an INI file of streams side by side; examples in bench/profiles/):\n"
			"  'ovlperf -- run FILE.ini' runs it, 'ovlperf -- run FILE.ini --print' shows its streams.\n"
			"Between two hosts, each with a NIC bound to DPDK:\n"
			"  reflector$ ovlperf -a PCI -- reflect --ip 192.0.2.2\n"
			"  sender$    ovlperf -a PCI -- send --encap all --rate 1M --dst-ip 192.0.2.2\n"
			"Exit status: 0 complete, 1 error, 2 bad input (nothing sent), 3 partial (stopped by a\n"
			"signal or a link down; results written and marked partial).\n");
}

/* A misspelt command or top-level option: the nearest name, or NULL. */
static const char *
nearest_command(const char *typed)
{
	const char *names[N_COMMANDS];
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		names[i] = commands[i].name;
	return suggest_nearest(typed, names, N_COMMANDS);
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	struct eal_args eal = { 1, argv };
	const struct command *cmd;
	int i, cmd_at = -1;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("ovlperf %s (%s)\n", OVL_VERSION, OVL_COMMIT);
		return 0;
	}
	if (argc >= 2 && find_command(argv[1]) != NULL) {
		cmd_at = 1;
	} else {
		for (i = 1; i < argc; i++)
			if (strcmp(argv[i], "--") == 0) {
				eal.argc = i;
				cmd_at = i + 1;
				break;
			}
	}
	if (cmd_at < 0 && argc >= 2 && strncmp(argv[1], "--", 2) == 0 && argv[1][2] != '\0') {
		static const char *const top[] = { "help", "version" };
		const char *near = suggest_nearest(argv[1] + 2, top, 2);

		if (near != NULL) {
			fprintf(stderr, "ovlperf: unknown option %s; did you mean --%s?\n", argv[1], near);
			return OVL_EXIT_USAGE;
		}
	}
	if (cmd_at < 0 || cmd_at >= argc) {
		fprintf(stderr, "ovlperf: no command given: use 'ovlperf [EAL options] -- COMMAND', COMMAND one of:");
		for (i = 0; i < (int)N_COMMANDS; i++)
			fprintf(stderr, " %s", commands[i].name);
		fprintf(stderr, "\n");
		return OVL_EXIT_USAGE;
	}
	cmd = find_command(argv[cmd_at]);
	if (cmd == NULL) {
		const char *near = nearest_command(argv[cmd_at]);

		fprintf(stderr, "ovlperf: unknown command '%s'; %s%s%sallowed:", argv[cmd_at],
				near ? "did you mean " : "", near ? near : "", near ? "? " : "");
		for (i = 0; i < (int)N_COMMANDS; i++)
			fprintf(stderr, " %s", commands[i].name);
		fprintf(stderr, "\n");
		return OVL_EXIT_USAGE;
	}
	/* The command sees its own name as argv[0], as getopt expects. */
	return cmd->run(&eal, argc - cmd_at, argv + cmd_at);
}
