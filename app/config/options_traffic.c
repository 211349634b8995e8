/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The options of traffic and the run: rate, duration and counts, flows, what is printed and
 * written, the line rate to compare with, ports, ARP, offloads, timestamps, pacing and the
 * driver profile.
 */
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "option_values.h"
#include "options.h"

int
apply_quiet(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->quiet = 1;
	return 0;
}

int
apply_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_rate(arg, &cfg->rate, err, errlen);
}

int
apply_duration(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_seconds(arg, 0.001, 31536000, &cfg->duration_s, err, errlen);
}

int
apply_warmup(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_seconds(arg, 0, 3600, &cfg->warmup_s, err, errlen);
}

int
apply_drain(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t ms;

	if (value_number(arg, 0, 60000, &ms, err, errlen) < 0)
		return -1;
	cfg->drain_s = (double)ms / 1000;
	return 0;
}

int
apply_arp_timeout(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_seconds(arg, 0.1, 600, &cfg->arp_timeout_s, err, errlen);
}

int
apply_link_timeout(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_seconds(arg, 0.1, 3600, &cfg->link_timeout_s, err, errlen);
}

int
apply_outage_after(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_seconds(arg, 0.01, 3600, &cfg->outage_after_s, err, errlen);
}

int
apply_count(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_number(arg, 1, UINT64_MAX / 2, &cfg->count, err, errlen);
}

int
apply_latency_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_number(arg, 1, 1000000, &cfg->latency_rate, err, errlen);
}

int
apply_flows(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_u32(arg, 1, 65536, &cfg->flows, err, errlen);
}

int
apply_json(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_output(arg, &cfg->json_path, err, errlen);
}

int
apply_latency_samples(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_output(arg, &cfg->samples_path, err, errlen);
}

int
apply_samples(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t n;

	if (value_number(arg, 1, 10000000, &n, err, errlen) < 0)
		return -1;
	cfg->samples = (uint32_t)n;
	return 0;
}

int
apply_latency_log(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "-") == 0) {
		snprintf(err, errlen, "a file name is needed (the log is written as the run goes, not to stdout)");
		return -1;
	}
	return value_output(arg, &cfg->latency_log_path, err, errlen);
}

int
apply_csv(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_output(arg, &cfg->csv_path, err, errlen);
}

int
apply_capture(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return apply_pcap(cfg, arg, err, errlen) < 0 ? -1 : (cfg->capture_path = arg, 0);
}

int
apply_capture_max(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_number(arg, 1, 100000000, &cfg->capture_max, err, errlen);
}

int
apply_line_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	return value_link_speed(arg, &cfg->line_rate_bps, err, errlen);
}

int
apply_no_live(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	cfg->live = 0;
	return 0;
}

int
apply_profile(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	if (ovl_profile_load_named(ovl_profile_dir(), arg, &cfg->profile, err, errlen) < 0)
		return -1;
	cfg->profile_given = 1;
	return 0;
}

int
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

int
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

int
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

int
apply_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 0, RTE_MAX_ETHPORTS - 1, &v, err, errlen) < 0)
		return -1;
	cfg->port = (uint16_t)v;
	return 0;
}

int
apply_peer_port(struct app_config *cfg, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, 0, RTE_MAX_ETHPORTS - 1, &v, err, errlen) < 0)
		return -1;
	cfg->peer_port = (uint16_t)v;
	return 0;
}
