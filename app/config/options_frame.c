/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The options of the frames: which encapsulations, their sizes, the outer and inner headers
 * and addresses, the probe's fields, and what frames writes. Also the frame spec they make for
 * each listed encapsulation (config_spec_for).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "option_values.h"
#include "tcp.h"
#include "options.h"

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

int
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
			cfg->encaps_all = 1;
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
	uint64_t v = 0;

	if (kind != OVL_SIZE_MTU && size_arg_is_mix(arg)) {
		if (value_size_mix(arg, min, max, &cfg->mix, err, errlen) < 0)
			return -1;
	} else if (value_number(arg, min, max, &v, err, errlen) < 0) {
		if (kind != OVL_SIZE_MTU)
			value_size_forms(arg, min, max, err, errlen);
		return -1;
	} else if (kind != OVL_SIZE_MTU) {
		cfg->mix.n = 0;
	}
	cfg->sizes_given |= 1u << kind;
	if ((cfg->sizes_given & (1u << OVL_SIZE_FRAME)) && (cfg->sizes_given & (1u << OVL_SIZE_INNER))) {
		snprintf(err, errlen, "give --frame-size or --inner-size, not both");
		return -1;
	}
	*slot = (uint32_t)v;
	return 0;
}

int
apply_frame_size(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return apply_size(cfg, OVL_SIZE_FRAME, &cfg->frame_size, arg, OVL_FRAME_MIN,
			OVL_FRAME_MAX, err, errlen);
}

int
apply_inner_size(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return apply_size(cfg, OVL_SIZE_INNER, &cfg->inner_size, arg, OVL_INNER_MIN,
			OVL_INNER_MAX, err, errlen);
}

int
apply_mtu(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return apply_size(cfg, OVL_SIZE_MTU, &cfg->mtu, arg, 68,
			OVL_FRAME_MAX - RTE_ETHER_HDR_LEN - OVL_FCS_LEN, err, errlen);
}

int
apply_vlan(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 1, 4094, &v, err, errlen) < 0)
		return -1;
	cfg->spec.vlan = (uint16_t)v;
	return 0;
}

int
apply_inner_proto(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "udp") == 0)
		cfg->spec.inner_proto = IPPROTO_UDP;
	else if (strcmp(arg, "icmp") == 0)
		cfg->spec.inner_proto = IPPROTO_ICMP;
	else if (strcmp(arg, "tcp") == 0)
		cfg->spec.inner_proto = IPPROTO_TCP;
	else {
		snprintf(err, errlen, "'%s' is not allowed: udp, icmp or tcp", arg);
		return -1;
	}
	return 0;
}

int
apply_tcp_flags(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (ovl_tcp_flags_parse(arg, &cfg->spec.tcp_flags, err, errlen) < 0)
		return -1;
	cfg->tcp_flags_given = 1;
	return 0;
}

static int
port_value(const char *arg, uint16_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 1, 65535, &v, err, errlen) < 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int
apply_src_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return port_value(arg, &cfg->spec.src_port, err, errlen);
}

int
apply_dst_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return port_value(arg, &cfg->spec.dst_port, err, errlen);
}

int
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

int
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

int
apply_ttl(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 1, 255, &v, err, errlen) < 0)
		return -1;
	cfg->spec.ttl = (uint8_t)v;
	return 0;
}

int
apply_inner_ttl(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 1, 255, &v, err, errlen) < 0)
		return -1;
	cfg->spec.inner_ttl = (uint8_t)v;
	return 0;
}

int
apply_session(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 0, UINT32_MAX, &v, err, errlen) < 0)
		return -1;
	cfg->probe.session = (uint32_t)v;
	cfg->session_given = 1;
	return 0;
}

int
apply_stream(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 0, UINT16_MAX, &v, err, errlen) < 0)
		return -1;
	cfg->probe.stream = (uint16_t)v;
	return 0;
}

int
apply_seq(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_number(arg, 0, UINT64_MAX, &cfg->probe.seq, err, errlen);
}

int
apply_timestamp(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_number(arg, 0, UINT64_MAX, &cfg->probe.tx_ts, err, errlen);
}

int
apply_src_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_ip(arg, &cfg->spec.src_ip, cfg->spec.src_ip6, &cfg->src_ip6, err, errlen);
}

int
apply_dst_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_ip(arg, &cfg->spec.dst_ip, cfg->spec.dst_ip6, &cfg->spec.ip6, err, errlen);
}

int
apply_inner_src_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_ip(arg, &cfg->spec.inner_src_ip, cfg->spec.inner_src_ip6, &cfg->inner_src_ip6,
			err, errlen);
}

int
apply_inner_dst_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_ip(arg, &cfg->spec.inner_dst_ip, cfg->spec.inner_dst_ip6, &cfg->spec.inner_ip6,
			err, errlen);
}

int
apply_src_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_mac(arg, &cfg->spec.src_mac, err, errlen);
}

int
apply_dst_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	cfg->dst_mac_given = 1;
	return value_mac(arg, &cfg->spec.dst_mac, err, errlen);
}

int
apply_inner_src_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_mac(arg, &cfg->spec.inner_src_mac, err, errlen);
}

int
apply_inner_dst_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	cfg->inner_dst_mac_given = 1;
	return value_mac(arg, &cfg->spec.inner_dst_mac, err, errlen);
}

int
apply_pcap(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (*arg == '\0') {
		snprintf(err, errlen, "an empty path is not allowed: a file name");
		return -1;
	}
	cfg->pcap_path = arg;
	return 0;
}

int
apply_hex(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->hex = 1;
	return 0;
}

/* frames --list is answered before the options are parsed (commands/frames.c). */
int
apply_list(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)cfg;
	(void)arg;
	snprintf(err, errlen, "give it alone or with --json");
	return -1;
}

/*
 * The size options resolved: --frame-size, else --inner-size (each with --mtu to fragment at),
 * else --mtu alone, else each encapsulation's smallest frame.
 */
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

unsigned int
config_classes(const struct app_config *cfg)
{
	return cfg->mix.n > 0 ? cfg->mix.n : 1;
}

void
config_spec_for_class(const struct app_config *cfg, unsigned int i, unsigned int c,
		struct ovl_frame_spec *spec)
{
	struct ovl_frame_spec smallest;
	struct ovl_frame_layout lay;
	char err[8];

	config_spec_for(cfg, i, spec);
	if (cfg->mix.n == 0)
		return;
	spec->size = cfg->mix.size[c];
	if (!cfg->mix.imix)
		return;
	/*
	 * The IMIX's 64-byte frames do not hold a tunnel's headers: its smallest frame stands in,
	 * the one with room for the full probe where it is asked for (--key, --dwell).
	 */
	smallest = *spec;
	smallest.size_kind = OVL_SIZE_FRAME;
	smallest.size = 0;
	smallest.probe_form = OVL_PROBE_COMPACT;
	if (ovl_frame_layout(&smallest, &lay, err, sizeof(err)) < 0)
		return;
	if (spec->probe_form == OVL_PROBE_FULL) {
		lay.frame_size += OVL_PROBE_FULL_LEN - OVL_PROBE_COMPACT_LEN;
		lay.inner_len += OVL_PROBE_FULL_LEN - OVL_PROBE_COMPACT_LEN;
	}
	if (spec->size_kind == OVL_SIZE_FRAME && spec->size < lay.frame_size)
		spec->size = lay.frame_size;
	else if (spec->size_kind == OVL_SIZE_INNER && spec->size < lay.inner_len)
		spec->size = lay.inner_len;
}
