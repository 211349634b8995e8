/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Why a received frame was not accepted. Every parser returns one of these, negated, so that
 * receivers count drops by reason. Names are stable: they appear in results.
 */
#ifndef OVL_DROP_H
#define OVL_DROP_H

enum ovl_drop {
	OVL_DROP_NONE = 0,
	OVL_DROP_TRUNC_ETH,
	OVL_DROP_TRUNC_VLAN,
	OVL_DROP_NOT_IPV4,
	OVL_DROP_TRUNC_IP,
	OVL_DROP_IP_VERSION,
	OVL_DROP_IP_HDR_LEN,
	OVL_DROP_IP_OPTIONS,
	OVL_DROP_IP_TOTAL_LEN,
	OVL_DROP_IP_FRAGMENT,
	OVL_DROP_IP6_EXT_HDR,
	OVL_DROP_NO_TUNNEL,
	OVL_DROP_TRUNC_UDP,
	OVL_DROP_UDP_LEN,
	OVL_DROP_TRUNC_TUNNEL,
	OVL_DROP_TUNNEL_FLAGS,
	OVL_DROP_TUNNEL_ID,
	OVL_DROP_TRUNC_INNER_ETH,
	OVL_DROP_INNER_NOT_IPV4,
	OVL_DROP_TRUNC_INNER_IP,
	OVL_DROP_INNER_IP_VERSION,
	OVL_DROP_INNER_IP_HDR_LEN,
	OVL_DROP_INNER_IP_OPTIONS,
	OVL_DROP_INNER_IP_TOTAL_LEN,
	OVL_DROP_INNER_IP6_EXT_HDR,
	OVL_DROP_INNER_IP6_FRAGMENT,
	OVL_DROP_INNER_PROTO,
	OVL_DROP_TRUNC_L4,
	OVL_DROP_L4_LEN,
	OVL_DROP_ICMP_TYPE,
	OVL_DROP_TCP_RST,
	OVL_DROP_NOT_PROBE,
	OVL_DROP_PROBE_VERSION,
	OVL_DROP_TRUNC_PROBE,
	OVL_DROP_FRAGMENT_REFUSED,
	/* The reflector's rules: well-formed, but not to be answered. */
	OVL_DROP_NOT_ADDRESSED,
	OVL_DROP_BAD_SOURCE,
	OVL_DROP_NOT_ALLOWED,
	OVL_DROP_RATE_CAP,
	OVL_DROP_NOT_KEYED,
	OVL_DROP_BAD_TAG,
	OVL_DROP_REPLAY,
	/* Neighbour discovery (RFC 4861 7.1): never answered, never learnt from. */
	OVL_DROP_NDP_OFF_LINK,
	OVL_DROP_NDP_INVALID,
	OVL_DROP_MAX
};

/* A short stable name ("outer-ip-version") for results and counters. */
const char *ovl_drop_name(int reason);

/* One line saying what was wrong, for people. */
const char *ovl_drop_text(int reason);

#endif
