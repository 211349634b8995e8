/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A command's --help: what it needs, an example that works as printed on a machine without a
 * NIC, and its options under the option table's headings (the tunnels' own under the frames').
 */
#include <stdio.h>
#include <string.h>

#include "eal.h"
#include "encap_options.h"
#include "option_table.h"

struct command_help {
	const char *command;
	const char *needs;   /* what the command needs to run */
	const char *example; /* a whole command line, run by tests/integration/test_cli.py */
};

static const struct command_help helps[] = {
	{ "send",
	  "send needs a port: a NIC bound to DPDK (drivers-config/setup; give it with -a PCI before --) or a\n"
	  "virtual device (--vdev before --). It resolves the next hop's MAC by ARP unless --dst-mac is\n"
	  "given. Without a NIC (net_null0 discards what it is sent, so every probe is lost):",
	  "ovlperf " OVL_NO_NIC_EAL " -- send --rate 100k --duration 2 " OVL_NO_NIC_SEND },
	{ "reflect",
	  "reflect needs a port, as send does, and answers until stopped (Ctrl-C) or for --duration.\n"
	  "Without a NIC:",
	  "ovlperf " OVL_NO_NIC_EAL " -- reflect --duration 2" },
	{ "loop",
	  "loop needs no NIC: without EAL options it joins two rings back to back (or give two ports).",
	  "ovlperf -- loop --encap all --rate 100k --latency-rate 1000 --duration 2" },
	{ "frames",
	  "frames needs no port: it builds the frames send would put on the wire.",
	  "ovlperf -- frames --frame-size 128 --hex" },
	{ "ports",
	  "ports lists the ports EAL found: a NIC bound to DPDK (-a PCI) or --vdev, before --.",
	  "ovlperf " OVL_NO_NIC_EAL " -- ports" },
};

static void
option_line(FILE *out, const char *name, const char *value, const char *help, const char *owners)
{
	char left[40];

	snprintf(left, sizeof(left), "--%s%s%s", name, value ? " " : "", value ? value : "");
	fprintf(out, "  %-24s %s%s%s%s\n", left, help, owners ? " [" : "", owners ? owners : "",
			owners ? "]" : "");
}

/* The tunnels' own options (--vni, ...), each with the encapsulations that take it. */
static void
encap_lines(FILE *out)
{
	unsigned int k, n = encap_options_count();

	for (k = 0; k < n; k++) {
		const struct ovl_encap_param *p = encap_option(k);
		char owners[128];

		encap_option_owners(k, owners, sizeof(owners));
		option_line(out, p->option, p->metavar, p->help, owners);
	}
}

static void
group_lines(FILE *out, enum option_group g, unsigned int mask)
{
	int heading = 0;
	size_t i;

	for (i = 0; i < option_table_len; i++) {
		const struct option_entry *o = &option_table[i];

		if (o->group != g || !(o->commands & mask))
			continue;
		if (!heading++)
			fprintf(out, "\n%s:\n", option_group_title[g]);
		option_line(out, o->name, o->value, o->help, NULL);
	}
	if (g == G_FRAME && (ENCAP_OPTIONS_COMMANDS & mask))
		encap_lines(out);
}

void
config_usage(FILE *out, const char *command)
{
	unsigned int mask = option_command_mask(command);
	size_t i;
	int g;

	fprintf(out, "usage: ovlperf [EAL options] -- %s [options]\n\n", command);
	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (strcmp(helps[i].command, command) == 0)
			fprintf(out, "%s\n  %s\n", helps[i].needs, helps[i].example);
	for (g = 0; g < G_MAX; g++)
		group_lines(out, (enum option_group)g, mask);
	fprintf(out, "\n");
	option_line(out, "help", NULL, "this text", NULL);
}
