/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <rte_ip.h>

#include "config.h"

/* An option's value is checked and applied by one of these; err gets "what is allowed". */
typedef int (*apply_fn)(struct app_config *cfg, const char *arg, char *err, size_t errlen);

struct option_entry {
	const char *name;
	const char *value; /* metavariable for help; NULL: a flag */
	const char *help;
	apply_fn apply;
};

static int
parse_u64(const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (arg == NULL || *arg == '\0' || *arg == '-' || *arg == '+' || *arg == ' ')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
number(const char *arg, uint64_t min, uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	if (parse_u64(arg, min, max, out) == 0)
		return 0;
	snprintf(err, errlen, "'%s' is not allowed: a whole number %" PRIu64 "..%" PRIu64
			" (decimal or 0x hex)", arg, min, max);
	return -1;
}

static int
ipv4_addr(const char *arg, rte_be32_t *out, char *err, size_t errlen)
{
	struct in_addr a;

	if (inet_pton(AF_INET, arg, &a) != 1) {
		snprintf(err, errlen, "'%s' is not an IPv4 address (dotted quad, e.g. 192.0.2.1)", arg);
		return -1;
	}
	*out = a.s_addr;
	return 0;
}

static int
mac_addr(const char *arg, struct rte_ether_addr *out, char *err, size_t errlen)
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(arg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			&tail) != 6 || strlen(arg) != 17) {
		snprintf(err, errlen, "'%s' is not a MAC address (six hex bytes, e.g. 02:00:00:00:00:01)", arg);
		return -1;
	}
	for (i = 0; i < 6; i++)
		out->addr_bytes[i] = (uint8_t)b[i];
	return 0;
}

static int
add_encap(struct app_config *cfg, const struct ovl_encap *e, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < cfg->n_encaps; i++)
		if (cfg->encaps[i] == e) {
			snprintf(err, errlen, "'%s' is listed twice", e->name);
			return -1;
		}
	if (cfg->n_encaps == OVL_MAX_ENCAPS) {
		snprintf(err, errlen, "at most %d encapsulations", OVL_MAX_ENCAPS);
		return -1;
	}
	cfg->encaps[cfg->n_encaps++] = e;
	return 0;
}

static void
encap_names(char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; ovl_encaps[i] != NULL && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", ovl_encaps[i]->name);
	if (off < len)
		snprintf(buf + off, len - off, ", all, or a comma-separated list");
}

static int
apply_encap(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	char list[256], names[256], *save = NULL, *tok;
	unsigned int i;

	cfg->n_encaps = 0;
	if (strlen(arg) >= sizeof(list) || *arg == '\0') {
		encap_names(names, sizeof(names));
		snprintf(err, errlen, "'%s' is not allowed: %s", arg, names);
		return -1;
	}
	strcpy(list, arg);
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		const struct ovl_encap *e = ovl_encap_find(tok);

		if (strcmp(tok, "all") == 0) {
			for (i = 0; ovl_encaps[i] != NULL; i++)
				if (add_encap(cfg, ovl_encaps[i], err, errlen) < 0)
					return -1;
			continue;
		}
		if (e == NULL) {
			encap_names(names, sizeof(names));
			snprintf(err, errlen, "'%s' is not an encapsulation: %s", tok, names);
			return -1;
		}
		if (add_encap(cfg, e, err, errlen) < 0)
			return -1;
	}
	if (cfg->n_encaps == 0) {
		encap_names(names, sizeof(names));
		snprintf(err, errlen, "'%s' names no encapsulation: %s", arg, names);
		return -1;
	}
	return 0;
}

static int
apply_size(struct app_config *cfg, enum ovl_size_kind kind, uint32_t *slot, const char *arg,
		uint64_t min, uint64_t max, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, min, max, &v, err, errlen) < 0)
		return -1;
	cfg->sizes_given |= 1u << kind;
	if ((cfg->sizes_given & (1u << OVL_SIZE_FRAME)) && (cfg->sizes_given & (1u << OVL_SIZE_INNER))) {
		snprintf(err, errlen, "give --frame-size or --inner-size, not both");
		return -1;
	}
	*slot = (uint32_t)v;
	return 0;
}

static int
apply_frame_size(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return apply_size(cfg, OVL_SIZE_FRAME, &cfg->frame_size, arg, OVL_FRAME_MIN,
			OVL_FRAME_MAX, err, errlen);
}

static int
apply_inner_size(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return apply_size(cfg, OVL_SIZE_INNER, &cfg->inner_size, arg, OVL_INNER_MIN,
			OVL_INNER_MAX, err, errlen);
}

static int
apply_mtu(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return apply_size(cfg, OVL_SIZE_MTU, &cfg->mtu, arg, 68,
			OVL_FRAME_MAX - RTE_ETHER_HDR_LEN - OVL_FCS_LEN, err, errlen);
}

static int
apply_vlan(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 1, 4094, &v, err, errlen) < 0)
		return -1;
	cfg->spec.vlan = (uint16_t)v;
	return 0;
}

static int
apply_inner_proto(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "udp") == 0)
		cfg->spec.inner_proto = IPPROTO_UDP;
	else if (strcmp(arg, "icmp") == 0)
		cfg->spec.inner_proto = IPPROTO_ICMP;
	else {
		snprintf(err, errlen, "'%s' is not allowed: udp or icmp", arg);
		return -1;
	}
	return 0;
}

static int
apply_vni(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 0, 0xFFFFFF, &v, err, errlen) < 0)
		return -1;
	cfg->spec.vni = (uint32_t)v;
	return 0;
}

static int
port_value(const char *arg, uint16_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 1, 65535, &v, err, errlen) < 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int
apply_vxlan_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return port_value(arg, &cfg->spec.vxlan_port, err, errlen);
}

static int
apply_flannel_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return port_value(arg, &cfg->spec.flannel_port, err, errlen);
}

static int
apply_src_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return port_value(arg, &cfg->spec.src_port, err, errlen);
}

static int
apply_dst_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return port_value(arg, &cfg->spec.dst_port, err, errlen);
}

static int
apply_outer_udp_csum(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "zero") == 0)
		cfg->spec.outer_udp_csum = OVL_OUTER_UDP_CSUM_ZERO;
	else if (strcmp(arg, "compute") == 0)
		cfg->spec.outer_udp_csum = OVL_OUTER_UDP_CSUM_COMPUTE;
	else {
		snprintf(err, errlen, "'%s' is not allowed: zero or compute", arg);
		return -1;
	}
	return 0;
}

static int
apply_probe(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "auto") == 0)
		cfg->spec.probe_form = OVL_PROBE_AUTO;
	else if (strcmp(arg, "compact") == 0)
		cfg->spec.probe_form = OVL_PROBE_COMPACT;
	else if (strcmp(arg, "full") == 0)
		cfg->spec.probe_form = OVL_PROBE_FULL;
	else {
		snprintf(err, errlen, "'%s' is not allowed: auto, compact or full", arg);
		return -1;
	}
	return 0;
}

static int
apply_ttl(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 1, 255, &v, err, errlen) < 0)
		return -1;
	cfg->spec.ttl = (uint8_t)v;
	return 0;
}

static int
apply_inner_ttl(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 1, 255, &v, err, errlen) < 0)
		return -1;
	cfg->spec.inner_ttl = (uint8_t)v;
	return 0;
}

static int
apply_session(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 0, UINT32_MAX, &v, err, errlen) < 0)
		return -1;
	cfg->probe.session = (uint32_t)v;
	cfg->session_given = 1;
	return 0;
}

static int
apply_stream(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 0, UINT16_MAX, &v, err, errlen) < 0)
		return -1;
	cfg->probe.stream = (uint16_t)v;
	return 0;
}

static int
apply_seq(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return number(arg, 0, UINT64_MAX, &cfg->probe.seq, err, errlen);
}

static int
apply_timestamp(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return number(arg, 0, UINT64_MAX, &cfg->probe.tx_ts, err, errlen);
}

static int
apply_src_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return ipv4_addr(arg, &cfg->spec.src_ip, err, errlen);
}

static int
apply_dst_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return ipv4_addr(arg, &cfg->spec.dst_ip, err, errlen);
}

static int
apply_inner_src_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return ipv4_addr(arg, &cfg->spec.inner_src_ip, err, errlen);
}

static int
apply_inner_dst_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return ipv4_addr(arg, &cfg->spec.inner_dst_ip, err, errlen);
}

static int
apply_src_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return mac_addr(arg, &cfg->spec.src_mac, err, errlen);
}

static int
apply_dst_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return mac_addr(arg, &cfg->spec.dst_mac, err, errlen);
}

static int
apply_inner_src_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return mac_addr(arg, &cfg->spec.inner_src_mac, err, errlen);
}

static int
apply_inner_dst_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return mac_addr(arg, &cfg->spec.inner_dst_mac, err, errlen);
}

static int
apply_pcap(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (*arg == '\0') {
		snprintf(err, errlen, "an empty path is not allowed: a file name");
		return -1;
	}
	cfg->pcap_path = arg;
	return 0;
}

static int
apply_hex(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->hex = 1;
	return 0;
}

static int
apply_quiet(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->quiet = 1;
	return 0;
}

static const struct option_entry options[] = {
	{ "encap", "LIST", "raw, vxlan, ipip, flannel, all, or a comma list (default all)", apply_encap },
	{ "frame-size", "N", "outer frame size with FCS, 64..9216 (default: smallest per encap)", apply_frame_size },
	{ "inner-size", "N", "inner IP packet size, 46..65535", apply_inner_size },
	{ "mtu", "N", "underlay MTU; alone: fill the outer IP packet to it; with --inner-size: fragment", apply_mtu },
	{ "vlan", "ID", "add an 802.1Q tag, 1..4094", apply_vlan },
	{ "inner-proto", "P", "udp or icmp (echo request) (default udp)", apply_inner_proto },
	{ "vni", "N", "VXLAN network identifier, 0..16777215 (default 42)", apply_vni },
	{ "vxlan-port", "P", "VXLAN UDP port (default 4789; Linux and flannel use 8472)", apply_vxlan_port },
	{ "flannel-port", "P", "flannel UDP port (default 8285)", apply_flannel_port },
	{ "outer-udp-csum", "M", "zero or compute (default: vxlan zero, flannel compute)", apply_outer_udp_csum },
	{ "probe", "FORM", "auto, compact or full (default auto)", apply_probe },
	{ "ttl", "N", "outer TTL, 1..255 (default 64)", apply_ttl },
	{ "inner-ttl", "N", "inner TTL, 1..255 (default 64)", apply_inner_ttl },
	{ "src-mac", "MAC", "outer source MAC", apply_src_mac },
	{ "dst-mac", "MAC", "outer destination MAC", apply_dst_mac },
	{ "inner-src-mac", "MAC", "inner source MAC (vxlan)", apply_inner_src_mac },
	{ "inner-dst-mac", "MAC", "inner destination MAC (vxlan)", apply_inner_dst_mac },
	{ "src-ip", "ADDR", "outer source IPv4 (default 192.0.2.1)", apply_src_ip },
	{ "dst-ip", "ADDR", "outer destination IPv4 (default 192.0.2.2)", apply_dst_ip },
	{ "inner-src-ip", "ADDR", "inner source IPv4 (default 198.51.100.1)", apply_inner_src_ip },
	{ "inner-dst-ip", "ADDR", "inner destination IPv4 (default 198.51.100.2)", apply_inner_dst_ip },
	{ "src-port", "P", "inner UDP source port, ICMP identifier (default 40000)", apply_src_port },
	{ "dst-port", "P", "inner UDP destination port (default 7000)", apply_dst_port },
	{ "session", "ID", "probe session id, 0..4294967295 (default random)", apply_session },
	{ "stream", "ID", "probe stream id, 0..65535 (default 0)", apply_stream },
	{ "seq", "N", "probe sequence number (default 0)", apply_seq },
	{ "timestamp", "N", "probe transmit timestamp (default 0)", apply_timestamp },
	{ "pcap", "FILE", "write the frames to a pcap file", apply_pcap },
	{ "hex", NULL, "add a hex dump of every frame", apply_hex },
	{ "quiet", NULL, "print nothing on success", apply_quiet },
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

void
config_defaults(struct app_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ovl_frame_spec_defaults(&cfg->spec, NULL);
}

void
config_usage(FILE *out, const char *command)
{
	size_t i;

	fprintf(out, "usage: ovlperf [EAL options] -- %s [options]\n\noptions:\n", command);
	for (i = 0; i < N_OPTIONS; i++) {
		char left[40];

		snprintf(left, sizeof(left), "--%s%s%s", options[i].name,
				options[i].value ? " " : "", options[i].value ? options[i].value : "");
		fprintf(out, "  %-24s %s\n", left, options[i].help);
	}
	fprintf(out, "  %-24s %s\n", "--help", "this text");
}

int
config_parse(struct app_config *cfg, const char *command, int argc, char **argv)
{
	struct option longopts[N_OPTIONS + 2];
	char err[512];
	size_t i;
	int c, idx;

	for (i = 0; i < N_OPTIONS; i++) {
		longopts[i] = (struct option){ options[i].name,
			options[i].value ? required_argument : no_argument, NULL, (int)i };
	}
	longopts[N_OPTIONS] = (struct option){ "help", no_argument, NULL, 'h' + 1000 };
	longopts[N_OPTIONS + 1] = (struct option){ NULL, 0, NULL, 0 };

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, &idx)) != -1) {
		if (c == 'h' + 1000) {
			config_usage(stdout, command);
			return 1;
		}
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];

			if (c == ':')
				fprintf(stderr, "ovlperf %s: %s needs a value; see --help\n", command, bad);
			else
				fprintf(stderr, "ovlperf %s: unknown option '%s'; see --help for the allowed ones\n",
						command, bad);
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
		for (i = 0; ovl_encaps[i] != NULL && i < OVL_MAX_ENCAPS; i++)
			cfg->encaps[cfg->n_encaps++] = ovl_encaps[i];
	}
	if (!cfg->session_given && getrandom(&cfg->probe.session, sizeof(cfg->probe.session), 0) < 0)
		cfg->probe.session = (uint32_t)rte_rdtsc();
	return 0;
}

void
config_spec_for(const struct app_config *cfg, unsigned int i, struct ovl_frame_spec *spec)
{
	*spec = cfg->spec;
	spec->encap = cfg->encaps[i];
	if (cfg->sizes_given & (1u << OVL_SIZE_FRAME)) {
		spec->size_kind = OVL_SIZE_FRAME;
		spec->size = cfg->frame_size;
		spec->mtu = cfg->mtu;
	} else if (cfg->sizes_given & (1u << OVL_SIZE_INNER)) {
		spec->size_kind = OVL_SIZE_INNER;
		spec->size = cfg->inner_size;
		spec->mtu = cfg->mtu;
	} else if (cfg->sizes_given & (1u << OVL_SIZE_MTU)) {
		spec->size_kind = OVL_SIZE_MTU;
		spec->size = cfg->mtu;
		spec->mtu = 0;
	} else {
		spec->size_kind = OVL_SIZE_FRAME;
		spec->size = 0;
	}
}
