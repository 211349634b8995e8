/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pieces of the option table (option_table.c). Every option has one small function that checks
 * its value and applies it to the configuration, apply_<option>, in the file of its theme:
 *   options_frame.c      the frames: encapsulations, sizes, headers, addresses, probe fields,
 *                        and what frames writes
 *   options_traffic.c    traffic and the run: rate, duration, results, ports, timestamps, pacing
 *   options_reflector.c  the reflector and its guards
 *   options_queues.c     queues and the lcores that serve them
 * Each returns 0, or -1 with err saying what is allowed. What can only be checked once every
 * option is read is in options_check.c.
 */
#ifndef OVL_APP_OPTIONS_H
#define OVL_APP_OPTIONS_H

#include <stddef.h>

#include "config.h"

/* options_frame.c */
int apply_encap(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_frame_size(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_inner_size(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_mix_seed(struct app_config *cfg, const char *arg, char *err, size_t errlen);

/* A size option's value is a mix ("imix" or a weighted list), not one size. */
int size_arg_is_mix(const char *arg);

/* The error for a size option's value that is neither a size nor a mix. */
void value_size_forms(const char *arg, uint64_t min, uint64_t max, char *err, size_t errlen);

/* Parses "imix" or SIZE:WEIGHT,... with sizes min..max into mix. Returns 0 or -1 with err. */
int value_size_mix(const char *arg, uint64_t min, uint64_t max, struct ovl_size_mix *mix,
		char *err, size_t errlen);
int apply_mtu(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_vlan(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_inner_proto(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_tcp_flags(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_outer_udp_csum(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_probe(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_ttl(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_inner_ttl(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_src_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_dst_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_inner_src_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_inner_dst_mac(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_src_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_dst_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_inner_src_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_inner_dst_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_inner_ip(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_src_port(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_dst_port(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_session(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_stream(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_seq(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_timestamp(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_list(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_pcap(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_hex(struct app_config *cfg, const char *arg, char *err, size_t errlen);

/* options_traffic.c */
int apply_quiet(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_duration(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_count(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_warmup(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_drain(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_latency_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_flows(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_json(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_csv(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_capture(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_capture_max(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_line_rate(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_port(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_peer_port(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_arp_timeout(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_link_timeout(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_latency_samples(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_samples(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_latency_log(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_outage_after(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_profile(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_tx_offload(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_timestamps(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_pacing(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_no_live(struct app_config *cfg, const char *arg, char *err, size_t errlen);

/* options_reflector.c */
int apply_dwell(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_promiscuous(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_key(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_allow(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_idle_sleep(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_max_pps(struct app_config *cfg, const char *arg, char *err, size_t errlen);

/* options_queues.c */
int apply_send_lcore(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_reflect_lcore(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_queues(struct app_config *cfg, const char *arg, char *err, size_t errlen);
int apply_queue_map(struct app_config *cfg, const char *arg, char *err, size_t errlen);

/*
 * options_check.c: what is checked once every option is read (options that exclude or need
 * each other). Returns 0, or -1 after printing one line to stderr.
 */
int options_check(struct app_config *cfg, const char *command);

#endif
