/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The option table: every option of every command, in the order --help lists them, with the
 * function that applies it (options_*.c); the defaults; and the parse loop and help made from
 * the table and from the encapsulations' own options (encap_options.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <rte_cycles.h>

#include "config.h"
#include "encap_options.h"
#include "options.h"

/* An option's value is checked and applied by one of these; err gets "what is allowed". */
typedef int (*apply_fn)(struct app_config *cfg, const char *arg, char *err, size_t errlen);

#define C_FRAMES 1u
#define C_SEND 2u
#define C_REFLECT 4u
#define C_LOOP 8u
#define C_PORTS 16u
#define C_TRAFFIC (C_SEND | C_LOOP)
#define C_BUILD (C_FRAMES | C_SEND | C_LOOP)
#define C_RUN (C_SEND | C_REFLECT | C_LOOP)
#define C_ALL (C_FRAMES | C_RUN)

struct option_entry {
	unsigned int commands;
	const char *name;
	const char *value; /* metavariable for help; NULL: a flag */
	const char *help;
	apply_fn apply;
};

static const struct option_entry options[] = {
	{ C_ALL, "encap", "LIST", "encapsulations (frames --list), all, or a comma list (default all; reflect: those it answers)", apply_encap },
	{ C_BUILD, "frame-size", "N", "outer frame size with FCS, 64..9216 (default: smallest per encap)", apply_frame_size },
	{ C_BUILD, "inner-size", "N", "inner IP packet size, 46..65535", apply_inner_size },
	{ C_BUILD, "mtu", "N", "underlay MTU; alone: fill the outer IP packet to it; with --inner-size: fragment", apply_mtu },
	{ C_ALL, "vlan", "ID", "add an 802.1Q tag, 1..4094", apply_vlan },
	{ C_BUILD, "inner-proto", "P", "udp or icmp (echo request) (default udp)", apply_inner_proto },
	{ C_BUILD, "outer-udp-csum", "M", "a UDP tunnel's outer checksum: zero or compute (default: what the tunnel's endpoints send, docs/wire-format.md)", apply_outer_udp_csum },
	{ C_BUILD, "probe", "FORM", "auto, compact or full (default auto)", apply_probe },
	{ C_BUILD, "ttl", "N", "outer TTL, 1..255 (default 64)", apply_ttl },
	{ C_BUILD, "inner-ttl", "N", "inner TTL, 1..255 (default 64)", apply_inner_ttl },
	{ C_ALL, "src-mac", "MAC", "outer source MAC", apply_src_mac },
	{ C_ALL, "dst-mac", "MAC", "outer destination MAC", apply_dst_mac },
	{ C_ALL, "inner-src-mac", "MAC", "inner source MAC (tunnels that carry Ethernet)", apply_inner_src_mac },
	{ C_ALL, "inner-dst-mac", "MAC", "inner destination MAC (tunnels that carry Ethernet)", apply_inner_dst_mac },
	{ C_ALL, "src-ip", "ADDR", "outer source IPv4 or IPv6 address (default 192.0.2.1)", apply_src_ip },
	{ C_ALL, "dst-ip", "ADDR", "outer destination IPv4 or IPv6 address, of the source's version (default 192.0.2.2)", apply_dst_ip },
	{ C_ALL, "inner-src-ip", "ADDR", "inner source IPv4 (default 198.51.100.1)", apply_inner_src_ip },
	{ C_ALL, "inner-dst-ip", "ADDR", "inner destination IPv4 (default 198.51.100.2)", apply_inner_dst_ip },
	{ C_BUILD, "src-port", "P", "inner UDP source port, ICMP identifier (default 40000)", apply_src_port },
	{ C_BUILD, "dst-port", "P", "inner UDP destination port (default 7000)", apply_dst_port },
	{ C_BUILD, "session", "ID", "probe session id, 0..4294967295 (default random)", apply_session },
	{ C_BUILD, "stream", "ID", "probe stream id, 0..65535 (default 0)", apply_stream },
	{ C_BUILD, "seq", "N", "probe sequence number (default 0)", apply_seq },
	{ C_BUILD, "timestamp", "N", "probe transmit timestamp (default 0)", apply_timestamp },
	{ C_FRAMES, "list", NULL, "list the encapsulations, their sizes and options, and exit (with --json: as JSON)", apply_list },
	{ C_FRAMES, "pcap", "FILE", "write the frames to a pcap file", apply_pcap },
	{ C_FRAMES, "hex", NULL, "add a hex dump of every frame", apply_hex },
	{ C_ALL, "quiet", NULL, "print nothing on success", apply_quiet },
	{ C_TRAFFIC, "rate", "R", "per stream: 100k, 1.5M(pps), 5Gbps (L2), 9.5Gbps-l1, 50% of the link, unlimited (default)", apply_rate },
	{ C_RUN, "duration", "S", "seconds to measure (default 10 for send and loop; reflect runs until stopped)", apply_duration },
	{ C_TRAFFIC, "count", "N", "datagrams per stream to measure, then stop", apply_count },
	{ C_TRAFFIC, "warmup", "S", "seconds sent before measuring, kept out of the statistics (default 0)", apply_warmup },
	{ C_TRAFFIC, "drain", "MS", "milliseconds to wait for replies after the last send (default 100)", apply_drain },
	{ C_TRAFFIC, "latency-rate", "PPS", "add a latency stream per encap at this rate, sent in bursts of one", apply_latency_rate },
	{ C_TRAFFIC, "flows", "N", "flows per stream, 1..65536 (what differs per flow: frames --list)", apply_flows },
	{ C_RUN | C_PORTS, "json", "FILE", "write the results as JSON (- for stdout)", apply_json },
	{ C_RUN, "csv", "FILE", "write the results as CSV (- for stdout)", apply_csv },
	{ C_TRAFFIC, "capture", "FILE", "write the transmitted frames to a pcap file (bounded by --capture-max)", apply_capture },
	{ C_TRAFFIC, "capture-max", "N", "most frames --capture writes (default 1000000)", apply_capture_max },
	{ C_RUN, "line-rate", "SPEED", "link speed to compare with, e.g. 10G (default: the port's)", apply_line_rate },
	{ C_REFLECT | C_LOOP, "dwell", NULL, "reflector stamps its receive and transmit times so the sender subtracts them", apply_dwell },
	{ C_REFLECT | C_LOOP, "promiscuous", NULL, "reflector answers frames to any MAC address", apply_promiscuous },
	{ C_RUN, "port", "ID", "port id (default 0; loop: the sender's)", apply_port },
	{ C_LOOP, "peer-port", "ID", "loop: the reflector's port id (default 1)", apply_peer_port },
	{ C_TRAFFIC, "arp-timeout", "S", "seconds to wait for ARP replies (default 3)", apply_arp_timeout },
	{ C_REFLECT, "ip", "ADDR", "reflector's own underlay IPv4 or IPv6 address (default 192.0.2.2); it answers that version only", apply_dst_ip },
	{ C_REFLECT, "inner-ip", "ADDR", "reflector's own inner IPv4 in every tunnel (default 198.51.100.2)", apply_inner_dst_ip },
	{ C_TRAFFIC, "send-lcore", "ID", "worker lcore that serves the sender's port queue (default: the first worker)", apply_send_lcore },
	{ C_RUN, "queues", "N", "RX/TX queue pairs per port, 1..16, each served by its own worker lcore (default 1)", apply_queues },
	{ C_RUN, "queue-map", "Q@LCORE,...", "the worker lcore of each queue, e.g. 0@1,1@2 (default: the workers in order; loop: the sender's queues, the reflector's take the next workers)", apply_queue_map },
	{ C_REFLECT | C_LOOP, "reflect-lcore", "ID", "worker lcore that serves the reflector's port queue (default: the next worker)", apply_reflect_lcore },
	{ C_RUN | C_PORTS, "profile", "NAME", "driver profile from drivers-config/ (default: chosen by the port's driver)", apply_profile },
	{ C_TRAFFIC, "tx-offload", "WHAT", "cksum: the sender's port computes inner IPv4 and UDP checksums (A/B against software); none (default)", apply_tx_offload },
	{ C_TRAFFIC, "timestamps", "SRC", "RX timestamps of replies: auto (the NIC's where the port has RX timestamps and a readable clock, else tsc), tsc, hw (default auto)", apply_timestamps },
	{ C_TRAFFIC, "pacing", "WHO", "auto (the NIC's queue rate limiter where it works and --rate is set, else software), software, hardware (default auto)", apply_pacing },
	{ C_ALL, "key", "FILE", "shared key (32 hex digits): send tags every probe; reflect answers only tagged probes (full probe: inner size >= 92)", apply_key },
	{ C_REFLECT | C_LOOP, "allow", "CIDR", "reflector answers only outer sources in this prefix (repeatable; default: any)", apply_allow },
	{ C_REFLECT | C_LOOP, "max-pps", "N", "reflector sends back at most N packets/s (default: no cap)", apply_max_pps },
	{ C_RUN, "no-live", NULL, "no per-second lines on stderr", apply_no_live },
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))
#define OPTION_VAL(i) (256 + (int)(i))
/* The encapsulations' options follow the table's in getopt's list. */
#define ENCAP_OPTIONS_MAX (OVL_ENCAPS_MAX * OVL_ENCAP_PARAMS_MAX)
#define ENCAP_OPTIONS_COMMANDS C_ALL

void
config_defaults(struct app_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ovl_frame_spec_defaults(&cfg->spec, NULL);
	encap_options_defaults(cfg);
	cfg->rate.unit = RATE_UNLIMITED;
	cfg->drain_s = 0.1;
	cfg->flows = 1;
	cfg->capture_max = 1000000;
	cfg->peer_port = 1;
	cfg->arp_timeout_s = 3;
	cfg->live = 1;
	cfg->send_lcore = -1;
	cfg->reflect_lcore = -1;
	cfg->queues = 1;
	for (unsigned int q = 0; q < OVL_QUEUES_MAX; q++)
		cfg->queue_lcore[q] = -1;
}

static unsigned int
command_mask(const char *command)
{
	if (strcmp(command, "frames") == 0)
		return C_FRAMES;
	if (strcmp(command, "send") == 0)
		return C_SEND;
	if (strcmp(command, "reflect") == 0)
		return C_REFLECT;
	if (strcmp(command, "ports") == 0)
		return C_PORTS;
	return C_LOOP;
}

void
config_usage(FILE *out, const char *command)
{
	size_t i;

	fprintf(out, "usage: ovlperf [EAL options] -- %s [options]\n\noptions:\n", command);
	for (i = 0; i < N_OPTIONS; i++) {
		char left[40];

		if (!(options[i].commands & command_mask(command)))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", options[i].name,
				options[i].value ? " " : "", options[i].value ? options[i].value : "");
		fprintf(out, "  %-24s %s\n", left, options[i].help);
	}
	if (ENCAP_OPTIONS_COMMANDS & command_mask(command)) {
		unsigned int k, n = encap_options_count();

		for (k = 0; k < n; k++) {
			const struct ovl_encap_param *p = encap_option(k);
			char left[40], owners[128];

			encap_option_owners(k, owners, sizeof(owners));
			snprintf(left, sizeof(left), "--%s %s", p->option, p->metavar);
			fprintf(out, "  %-24s %s [%s]\n", left, p->help, owners);
		}
	}
	fprintf(out, "  %-24s %s\n", "--help", "this text");
}

int
config_parse(struct app_config *cfg, const char *command, int argc, char **argv)
{
	struct option longopts[N_OPTIONS + ENCAP_OPTIONS_MAX + 2];
	unsigned int n_encap_opts = encap_options_count();
	char err[512];
	size_t i;
	int c, idx;

	for (i = 0; i < N_OPTIONS; i++) {
		/* Past any character: getopt_long returns '?' (63) and ':' (58) for errors. */
		longopts[i] = (struct option){ options[i].name,
			options[i].value ? required_argument : no_argument, NULL, OPTION_VAL(i) };
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
				fprintf(stderr, "ovlperf %s: unknown option '%s'; see --help for the allowed ones\n",
						command, bad);
			return OVL_EXIT_USAGE;
		}
		c -= OPTION_VAL(0);
		if ((size_t)c >= N_OPTIONS) {
			unsigned int k = (unsigned int)c - N_OPTIONS;

			if (!(ENCAP_OPTIONS_COMMANDS & command_mask(command))) {
				fprintf(stderr, "ovlperf %s: --%s is not an option of %s; see --help\n",
						command, encap_option(k)->option, command);
				return OVL_EXIT_USAGE;
			}
			if (encap_option_apply(cfg, k, optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "ovlperf %s: --%s: %s\n", command, encap_option(k)->option, err);
				return OVL_EXIT_USAGE;
			}
			continue;
		}
		if (!(options[c].commands & command_mask(command))) {
			fprintf(stderr, "ovlperf %s: --%s is not an option of %s; see --help\n", command,
					options[c].name, command);
			return OVL_EXIT_USAGE;
		}
		if (options[c].apply(cfg, optarg, err, sizeof(err)) < 0) {
			fprintf(stderr, "ovlperf %s: --%s: %s\n", command, options[c].name, err);
			return OVL_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ovlperf %s: unexpected argument '%s'; options start with --\n",
				command, argv[optind]);
		return OVL_EXIT_USAGE;
	}
	if (cfg->n_encaps == 0) {
		cfg->encaps_all = 1;
		for (i = 0; ovl_encaps[i] != NULL && i < OVL_ENCAPS_MAX; i++)
			cfg->encaps[cfg->n_encaps++] = ovl_encaps[i];
	}
	if (options_check(cfg, command) != 0)
		return OVL_EXIT_USAGE;
	if (!cfg->session_given && getrandom(&cfg->probe.session, sizeof(cfg->probe.session), 0) < 0)
		cfg->probe.session = (uint32_t)rte_rdtsc();
	return 0;
}
