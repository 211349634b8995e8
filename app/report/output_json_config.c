/* SPDX-License-Identifier: BSD-3-Clause */
/* The results JSON's "config": the options a run was given (README, "Results JSON"). */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <jansson.h>
#include <rte_ether.h>

#include "encap_options.h"
#include "output.h"
#include "tcp.h"

static const char *
addr(rte_be32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* An address of either version, as text. */
static const char *
ip_text(int ip6, rte_be32_t v4, const uint8_t v6[16], char *buf)
{
	if (ip6)
		return inet_ntop(AF_INET6, v6, buf, INET6_ADDRSTRLEN);
	return addr(v4, buf);
}

/* The spec's outer address (IPv6 where the underlay is). */
static const char *
outer_addr(const struct ovl_frame_spec *s, int dst, char *buf)
{
	return ip_text(s->ip6, dst ? s->dst_ip : s->src_ip, dst ? s->dst_ip6 : s->src_ip6, buf);
}

static const char *
inner_addr(const struct ovl_frame_spec *s, int dst, char *buf)
{
	return ip_text(s->inner_ip6, dst ? s->inner_dst_ip : s->inner_src_ip,
			dst ? s->inner_dst_ip6 : s->inner_src_ip6, buf);
}

static const char *rate_units[] = {
	[RATE_UNLIMITED] = "unlimited", [RATE_PPS] = "pps", [RATE_L2_BPS] = "l2_bps",
	[RATE_L1_BPS] = "l1_bps", [RATE_LINK_PERCENT] = "link_percent",
};

/* What a stream's frames carry (a profile's streams each their own): addresses and next hops. */
json_t *
output_json_addresses(const struct ovl_frame_spec *s)
{
	char a[4][INET6_ADDRSTRLEN], mac[2][RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(mac[0], sizeof(mac[0]), &s->dst_mac);
	rte_ether_format_addr(mac[1], sizeof(mac[1]), &s->inner_dst_mac);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		"src_ip", outer_addr(s, 0, a[0]), "dst_ip", outer_addr(s, 1, a[1]),
		"inner_src_ip", inner_addr(s, 0, a[2]), "inner_dst_ip", inner_addr(s, 1, a[3]),
		"dst_mac", mac[0], "inner_dst_mac", mac[1]);
}

/* The options a run was given. */
json_t *
output_json_config(const struct app_config *cfg)
{
	const struct ovl_frame_spec *s = &cfg->spec;
	json_t *encaps = json_array();
	char a[4][INET6_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; i < cfg->n_encaps; i++)
		json_array_append_new(encaps, json_string(cfg->encaps[i]->name));
	char mac[2][RTE_ETHER_ADDR_FMT_SIZE];

	json_t *config;
	unsigned int k, n_opts = encap_options_count();

	rte_ether_format_addr(mac[0], sizeof(mac[0]), &s->dst_mac);
	rte_ether_format_addr(mac[1], sizeof(mac[1]), &s->inner_dst_mac);
	config = json_pack("{s:s, s:s, s:s, s:s, s:o, s:{s:s, s:f}, s:f, s:I, s:f, s:f, s:I, s:i, s:I, s:I, s:I, s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:b, s:b}",
		"tx_offload", cfg->tx_offloads ? "cksum" : "none",
		"dst_mac", mac[0], "inner_dst_mac", mac[1],
		"dst_mac_source", cfg->dst_mac_source ? cfg->dst_mac_source : "option",
		"encaps", encaps,
		"rate", "unit", rate_units[cfg->rate.unit], "value", cfg->rate.value,
		"duration_s", cfg->duration_s,
		"count", (json_int_t)cfg->count,
		"warmup_s", cfg->warmup_s,
		"drain_s", cfg->drain_s,
		"latency_rate_pps", (json_int_t)cfg->latency_rate,
		"flows", (int)cfg->flows,
		"frame_size", (json_int_t)cfg->frame_size,
		"inner_size", (json_int_t)cfg->inner_size,
		"mtu", (json_int_t)cfg->mtu,
		"vlan", (int)s->vlan,
		"inner_proto", ovl_inner_proto_name(s->inner_proto),
		"ip_version", s->ip6 ? 6 : 4,
		"src_ip", outer_addr(s, 0, a[0]),
		"dst_ip", outer_addr(s, 1, a[1]),
		"inner_src_ip", inner_addr(s, 0, a[2]),
		"inner_dst_ip", inner_addr(s, 1, a[3]),
		"src_port", (int)s->src_port,
		"dst_port", (int)s->dst_port,
		"session", (json_int_t)cfg->probe.session,
		"dwell", cfg->dwell,
		"promiscuous", cfg->promiscuous);
	/* The encapsulations' options, by their names; null where optional and not given. */
	if (config != NULL) {
		json_object_set_new(config, "mix", output_json_mix(cfg));
		json_object_set_new(config, "idle_sleep_us", json_integer(cfg->idle_sleep_us));
		json_object_set_new(config, "inner_ip_version", json_integer(s->inner_ip6 ? 6 : 4));
		if (s->inner_proto == IPPROTO_TCP) {
			char flags[8];

			json_object_set_new(config, "tcp_flags",
					json_string(ovl_tcp_flags_name(s->tcp_flags, flags, sizeof(flags))));
		}
	}
	for (k = 0; config != NULL && k < n_opts; k++) {
		char key[64];
		uint32_t v;

		encap_option_key(k, key, sizeof(key));
		json_object_set_new(config, key, encap_option_value(cfg, k, &v) ?
				json_integer((json_int_t)v) : json_null());
	}
	return config;
}
