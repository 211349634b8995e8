/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <rte_ethdev.h>
#include <rte_ip.h>

#include "config.h"
#include "encap_options.h"

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
	if (cfg->n_encaps == OVL_ENCAPS_MAX) {
		snprintf(err, errlen, "at most %d encapsulations", OVL_ENCAPS_MAX);
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
port_value(const char *arg, uint16_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 1, 65535, &v, err, errlen) < 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
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
	cfg->dst_mac_given = 1;
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
	cfg->inner_dst_mac_given = 1;
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

static int
apply_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	static const struct {
		const char *suffix;
		enum rate_unit unit;
		double scale;
	} units[] = {
		{ "%", RATE_LINK_PERCENT, 1 },
		{ "Gbps-l1", RATE_L1_BPS, 1e9 }, { "Mbps-l1", RATE_L1_BPS, 1e6 },
		{ "kbps-l1", RATE_L1_BPS, 1e3 }, { "bps-l1", RATE_L1_BPS, 1 },
		{ "Gbps", RATE_L2_BPS, 1e9 }, { "Mbps", RATE_L2_BPS, 1e6 },
		{ "kbps", RATE_L2_BPS, 1e3 }, { "bps", RATE_L2_BPS, 1 },
		{ "Mpps", RATE_PPS, 1e6 }, { "kpps", RATE_PPS, 1e3 }, { "pps", RATE_PPS, 1 },
		{ "M", RATE_PPS, 1e6 }, { "k", RATE_PPS, 1e3 }, { "", RATE_PPS, 1 },
	};
	char *end;
	double v;
	size_t i;

	if (strcmp(arg, "unlimited") == 0 || strcmp(arg, "max") == 0) {
		cfg->rate.unit = RATE_UNLIMITED;
		return 0;
	}
	errno = 0;
	v = strtod(arg, &end);
	/* strtod takes "inf" and "nan": no rate is either. */
	for (i = 0; errno == 0 && end != arg && isfinite(v) && v > 0 &&
			i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (units[i].unit == RATE_LINK_PERCENT && v > 100)
			break;
		cfg->rate.unit = units[i].unit;
		cfg->rate.value = v * units[i].scale;
		if ((cfg->rate.unit == RATE_PPS && (cfg->rate.value < 1 || cfg->rate.value > 1e10)) ||
				cfg->rate.value > 1e13)
			break;
		return 0;
	}
	snprintf(err, errlen, "'%s' is not allowed: packets/s (100000, 100k, 1.5M, 2Mpps), "
			"bit/s at layer 2 (5Gbps, 800Mbps) or layer 1 (9.5Gbps-l1), a share of the link (50%%), or unlimited", arg);
	return -1;
}

static int
seconds(const char *arg, double min, double max, double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= min && v <= max)) {
		snprintf(err, errlen, "'%s' is not allowed: seconds, %g..%g", arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
apply_duration(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return seconds(arg, 0.001, 31536000, &cfg->duration_s, err, errlen);
}

static int
apply_warmup(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return seconds(arg, 0, 3600, &cfg->warmup_s, err, errlen);
}

static int
apply_drain(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t ms;

	if (number(arg, 0, 60000, &ms, err, errlen) < 0)
		return -1;
	cfg->drain_s = (double)ms / 1000;
	return 0;
}

static int
apply_arp_timeout(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return seconds(arg, 0.1, 600, &cfg->arp_timeout_s, err, errlen);
}

static int
apply_count(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return number(arg, 1, UINT64_MAX / 2, &cfg->count, err, errlen);
}

static int
apply_latency_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return number(arg, 1, 1000000, &cfg->latency_rate, err, errlen);
}

static int
apply_flows(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 1, 4096, &v, err, errlen) < 0)
		return -1;
	cfg->flows = (uint32_t)v;
	return 0;
}

static int
output_path(const char *arg, const char **out, char *err, size_t errlen)
{
	if (*arg == '\0') {
		snprintf(err, errlen, "an empty path is not allowed: a file name, or - for stdout");
		return -1;
	}
	*out = arg;
	return 0;
}

static int
apply_json(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return output_path(arg, &cfg->json_path, err, errlen);
}

static int
apply_csv(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return output_path(arg, &cfg->csv_path, err, errlen);
}

static int
apply_capture(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return apply_pcap(cfg, arg, err, errlen) < 0 ? -1 : (cfg->capture_path = arg, 0);
}

static int
apply_capture_max(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return number(arg, 1, 100000000, &cfg->capture_max, err, errlen);
}

static int
apply_line_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno == 0 && end != arg && v > 0) {
		if (strcmp(end, "G") == 0 || strcmp(end, "Gbps") == 0)
			v *= 1e9;
		else if (strcmp(end, "M") == 0 || strcmp(end, "Mbps") == 0)
			v *= 1e6;
		else if (*end != '\0')
			v = 0;
		if (v >= 1e6 && v <= 1e12) {
			cfg->line_rate_bps = v;
			return 0;
		}
	}
	snprintf(err, errlen, "'%s' is not allowed: a link speed, 1M..1000G (1G, 10G, 25Gbps, 100G)", arg);
	return -1;
}

static int
apply_dwell(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->dwell = 1;
	return 0;
}

static int
apply_promiscuous(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->promiscuous = 1;
	return 0;
}

static int
apply_no_live(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->live = 0;
	return 0;
}

static int
apply_profile(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (ovl_profile_load_named(ovl_profile_dir(), arg, &cfg->profile, err, errlen) < 0)
		return -1;
	cfg->profile_given = 1;
	return 0;
}

static int
apply_tx_offload(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "cksum") == 0)
		cfg->tx_offloads = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	else if (strcmp(arg, "none") == 0)
		cfg->tx_offloads = 0;
	else {
		snprintf(err, errlen, "'%s' is not allowed: cksum (the port computes the inner IPv4 and UDP checksums) or none", arg);
		return -1;
	}
	return 0;
}

static int
apply_timestamps(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "auto") == 0)
		cfg->timestamps = TS_AUTO;
	else if (strcmp(arg, "tsc") == 0)
		cfg->timestamps = TS_TSC;
	else if (strcmp(arg, "hw") == 0)
		cfg->timestamps = TS_HW;
	else {
		snprintf(err, errlen, "'%s' is not allowed: auto, tsc or hw", arg);
		return -1;
	}
	return 0;
}

static int
apply_pacing(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "auto") == 0)
		cfg->pacing = PACING_AUTO;
	else if (strcmp(arg, "software") == 0)
		cfg->pacing = PACING_SOFTWARE;
	else if (strcmp(arg, "hardware") == 0)
		cfg->pacing = PACING_HARDWARE;
	else {
		snprintf(err, errlen, "'%s' is not allowed: auto, software or hardware", arg);
		return -1;
	}
	return 0;
}

static int
apply_key(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (ovl_key_load(arg, &cfg->key, err, errlen) < 0)
		return -1;
	cfg->keyed = 1;
	/* Only the full probe has room for the tag. */
	cfg->spec.probe_form = OVL_PROBE_FULL;
	return 0;
}

static int
apply_allow(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return ovl_allowlist_add(&cfg->allow, arg, err, errlen);
}

static int
apply_max_pps(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return number(arg, 1, 1000000000, &cfg->max_pps, err, errlen);
}

static int
lcore_value(const char *arg, int *out, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 1, RTE_MAX_LCORE - 1, &v, err, errlen) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int
apply_send_lcore(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return lcore_value(arg, &cfg->send_lcore, err, errlen);
}

static int
apply_reflect_lcore(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return lcore_value(arg, &cfg->reflect_lcore, err, errlen);
}

static int
apply_queues(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 1, OVL_QUEUES_MAX, &v, err, errlen) < 0)
		return -1;
	cfg->queues = (unsigned int)v;
	return 0;
}

/* Q@LCORE[,Q@LCORE...]: each queue once, each lcore once; ranges are checked against --queues
 * once every option is read. */
static int
apply_queue_map(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	const char *p = arg;
	unsigned int q, j;

	for (q = 0; q < OVL_QUEUES_MAX; q++)
		cfg->queue_lcore[q] = -1;
	for (;;) {
		char *end;
		unsigned long queue, lcore;

		queue = strtoul(p, &end, 10);
		if (end == p || *end != '@' || queue >= OVL_QUEUES_MAX)
			goto bad;
		p = end + 1;
		lcore = strtoul(p, &end, 10);
		if (end == p || (*end != ',' && *end != '\0') || lcore == 0 || lcore >= RTE_MAX_LCORE)
			goto bad;
		if (cfg->queue_lcore[queue] >= 0) {
			snprintf(err, errlen, "queue %lu is given twice", queue);
			return -1;
		}
		for (j = 0; j < OVL_QUEUES_MAX; j++)
			if (cfg->queue_lcore[j] == (int)lcore) {
				snprintf(err, errlen, "lcore %lu serves both queue %u and queue %lu: one queue per lcore",
						lcore, j, queue);
				return -1;
			}
		cfg->queue_lcore[queue] = (int)lcore;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	cfg->queue_map_given = 1;
	return 0;
bad:
	snprintf(err, errlen, "'%s': give Q@LCORE[,Q@LCORE...], queues 0..%d, worker lcores 1..%d (e.g. 0@1,1@2)",
			arg, OVL_QUEUES_MAX - 1, RTE_MAX_LCORE - 1);
	return -1;
}

static int
apply_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 0, RTE_MAX_ETHPORTS - 1, &v, err, errlen) < 0)
		return -1;
	cfg->port = (uint16_t)v;
	return 0;
}

static int
apply_peer_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (number(arg, 0, RTE_MAX_ETHPORTS - 1, &v, err, errlen) < 0)
		return -1;
	cfg->peer_port = (uint16_t)v;
	return 0;
}

uint64_t
rate_to_pps(const struct rate *r, uint32_t frame_size, double link_bps)
{
	double pps;

	switch (r->unit) {
	case RATE_PPS:
		pps = r->value;
		break;
	case RATE_L2_BPS:
		pps = r->value / (frame_size * 8.0);
		break;
	case RATE_L1_BPS:
		pps = r->value / ((frame_size + 20) * 8.0);
		break;
	case RATE_LINK_PERCENT:
		pps = link_bps * r->value / 100 / ((frame_size + 20) * 8.0);
		break;
	default:
		return 0;
	}
	return pps < 1 ? 1 : (uint64_t)(pps + 0.5);
}

/* frames --list is answered before the options are parsed (commands/frames.c). */
static int
apply_list(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)cfg;
	(void)arg;
	snprintf(err, errlen, "give it alone or with --json");
	return -1;
}

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
	{ C_ALL, "src-ip", "ADDR", "outer source IPv4 (default 192.0.2.1)", apply_src_ip },
	{ C_ALL, "dst-ip", "ADDR", "outer destination IPv4 (default 192.0.2.2)", apply_dst_ip },
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
	{ C_TRAFFIC, "flows", "N", "flows per stream, 1..4096 (what differs per flow: frames --list)", apply_flows },
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
	{ C_REFLECT, "ip", "ADDR", "reflector's own underlay IPv4 (default 192.0.2.2)", apply_dst_ip },
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

/* --queue-map against --queues: every queue mapped, none beyond; --send-lcore and
 * --reflect-lcore name queue 0's lcore and so do not mix with a map of the same side. */
static int
check_queue_map(struct app_config *cfg, const char *command)
{
	int lcore_opt = strcmp(command, "reflect") == 0 ? cfg->reflect_lcore : cfg->send_lcore;
	unsigned int q;

	if (!cfg->queue_map_given)
		return 0;
	if (lcore_opt >= 0) {
		fprintf(stderr, "ovlperf %s: --queue-map and --%s both place queue 0: give one\n",
				command, strcmp(command, "reflect") == 0 ? "reflect-lcore" : "send-lcore");
		return -1;
	}
	for (q = cfg->queues; q < OVL_QUEUES_MAX; q++)
		if (cfg->queue_lcore[q] >= 0) {
			fprintf(stderr, "ovlperf %s: --queue-map: queue %u is out of range: --queues %u has queues 0..%u\n",
					command, q, cfg->queues, cfg->queues - 1);
			return -1;
		}
	for (q = 0; q < cfg->queues; q++)
		if (cfg->queue_lcore[q] < 0) {
			fprintf(stderr, "ovlperf %s: --queue-map: queue %u has no lcore: map every queue 0..%u (--queues %u)\n",
					command, q, cfg->queues - 1, cfg->queues);
			return -1;
		}
	return 0;
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
	if (cfg->keyed && cfg->spec.probe_form != OVL_PROBE_FULL) {
		fprintf(stderr, "ovlperf %s: --probe: keyed probes (--key) use the full form: give --probe full or leave it out\n",
				command);
		return OVL_EXIT_USAGE;
	}
	if (cfg->pacing == PACING_HARDWARE && cfg->rate.unit == RATE_UNLIMITED) {
		fprintf(stderr, "ovlperf %s: --pacing hardware needs a --rate to pace at (the rate is unlimited)\n",
				command);
		return OVL_EXIT_USAGE;
	}
	if (check_queue_map(cfg, command) != 0)
		return OVL_EXIT_USAGE;
	if (cfg->n_encaps == 0) {
		for (i = 0; ovl_encaps[i] != NULL && i < OVL_ENCAPS_MAX; i++)
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
	ovl_frame_spec_encap(spec, cfg->encaps[i], &cfg->tunnel[ovl_encap_index(cfg->encaps[i])]);
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
