/* SPDX-License-Identifier: BSD-3-Clause */
#include "drop.h"

static const struct {
	const char *name;
	const char *text;
} drops[OVL_DROP_MAX] = {
	[OVL_DROP_NONE] = { "none", "accepted" },
	[OVL_DROP_TRUNC_ETH] = { "truncated-ethernet", "shorter than an Ethernet header" },
	[OVL_DROP_TRUNC_VLAN] = { "truncated-vlan", "802.1Q tag cut short" },
	[OVL_DROP_NOT_IPV4] = { "not-ipv4", "outer EtherType is neither IPv4 nor IPv6" },
	[OVL_DROP_TRUNC_IP] = { "truncated-ip", "outer IP header cut short" },
	[OVL_DROP_IP_VERSION] = { "ip-version", "outer IP version is not the EtherType's (4 or 6)" },
	[OVL_DROP_IP_HDR_LEN] = { "ip-header-length", "outer IPv4 header length below 20 bytes" },
	[OVL_DROP_IP_OPTIONS] = { "ip-options", "outer IPv4 header carries options" },
	[OVL_DROP_IP_TOTAL_LEN] = { "ip-total-length", "outer IP total (IPv6: payload) length does not fit the frame" },
	[OVL_DROP_IP_FRAGMENT] = { "ip-fragment", "outer IPv4 packet is a fragment" },
	[OVL_DROP_IP6_EXT_HDR] = { "ipv6-extension-header",
		"outer IPv6 header is followed by an extension header (hop-by-hop, routing, fragment, options...)" },
	[OVL_DROP_NO_TUNNEL] = { "no-tunnel", "outer protocol or port matches no expected encapsulation" },
	[OVL_DROP_TRUNC_UDP] = { "truncated-udp", "outer UDP header cut short" },
	[OVL_DROP_UDP_LEN] = { "udp-length", "outer UDP length does not fit the IP packet" },
	[OVL_DROP_TRUNC_TUNNEL] = { "truncated-tunnel", "tunnel header cut short" },
	[OVL_DROP_TUNNEL_FLAGS] = { "tunnel-flags", "tunnel header flags or reserved bits not as required" },
	[OVL_DROP_TUNNEL_ID] = { "tunnel-id", "tunnel identifier (VNI) is not the expected one" },
	[OVL_DROP_TRUNC_INNER_ETH] = { "truncated-inner-ethernet", "inner Ethernet header cut short" },
	[OVL_DROP_INNER_NOT_IPV4] = { "inner-not-ipv4", "inner EtherType is neither IPv4 nor IPv6" },
	[OVL_DROP_TRUNC_INNER_IP] = { "truncated-inner-ip", "inner IP header cut short" },
	[OVL_DROP_INNER_IP_VERSION] = { "inner-ip-version", "inner IP version is not 4 or 6, or not its EtherType's" },
	[OVL_DROP_INNER_IP_HDR_LEN] = { "inner-ip-header-length", "inner IPv4 header length below 20 bytes" },
	[OVL_DROP_INNER_IP_OPTIONS] = { "inner-ip-options", "inner IPv4 header carries options" },
	[OVL_DROP_INNER_IP_TOTAL_LEN] = { "inner-ip-total-length", "inner IP total (IPv6: payload) length does not fit its carrier" },
	[OVL_DROP_INNER_IP6_EXT_HDR] = { "inner-ipv6-extension-header",
		"inner IPv6 header is followed by an extension header (hop-by-hop, routing, fragment, options...)" },
	[OVL_DROP_INNER_IP6_FRAGMENT] = { "inner-ipv6-fragment",
		"inner IPv6 fragment malformed (RFC 8200 4.5): cut short, not a multiple of 8 bytes but the last, past 65,535 bytes, atomic (offset 0, no more), or a first one without its transport header" },
	[OVL_DROP_INNER_PROTO] = { "inner-proto", "inner transport is neither UDP, TCP nor ICMP (ICMPv6 in IPv6)" },
	[OVL_DROP_TRUNC_L4] = { "truncated-l4", "inner UDP, TCP or ICMP header cut short" },
	[OVL_DROP_L4_LEN] = { "l4-length", "inner UDP length does not match its IP packet, or an inner TCP header has options" },
	[OVL_DROP_ICMP_TYPE] = { "icmp-type", "inner ICMP message is not an echo request or reply" },
	[OVL_DROP_TCP_RST] = { "tcp-rst", "inner TCP segment is a RST, which is never answered" },
	[OVL_DROP_NOT_PROBE] = { "not-probe", "payload does not start with the probe magic" },
	[OVL_DROP_PROBE_VERSION] = { "probe-version", "probe version or form unknown" },
	[OVL_DROP_TRUNC_PROBE] = { "truncated-probe", "probe cut short" },
	[OVL_DROP_FRAGMENT_REFUSED] = { "fragment-refused",
		"fragment discarded by reassembly: overlapping or repeated, more than 8 to a datagram, or its datagram timed out incomplete" },
	[OVL_DROP_NOT_ADDRESSED] = { "not-addressed", "not addressed to this reflector's MAC or IP" },
	[OVL_DROP_BAD_SOURCE] = { "bad-source", "source is broadcast, multicast, unspecified, loopback or our own" },
	[OVL_DROP_NOT_ALLOWED] = { "not-allowed", "outer source outside every --allow prefix" },
	[OVL_DROP_RATE_CAP] = { "rate-cap", "over the reflector's --max-pps" },
	[OVL_DROP_NOT_KEYED] = { "not-keyed", "probe carries no authentication tag, and a key is required" },
	[OVL_DROP_BAD_TAG] = { "bad-tag", "authentication tag wrong: another key, or a forged or re-addressed probe" },
	[OVL_DROP_REPLAY] = { "replay", "sequence number already answered in this session" },
	[OVL_DROP_NDP_OFF_LINK] = { "ndp-off-link",
		"neighbour discovery message with an IPv6 hop limit other than 255: from off-link" },
	[OVL_DROP_NDP_INVALID] = { "ndp-invalid",
		"neighbour discovery message malformed: checksum, code not 0, length, options, multicast target or source, or a DAD solicitation not to a solicited-node group" },
};

const char *
ovl_drop_name(int reason)
{
	if (reason < 0)
		reason = -reason;
	if (reason >= OVL_DROP_MAX)
		return "unknown";
	return drops[reason].name;
}

const char *
ovl_drop_text(int reason)
{
	if (reason < 0)
		reason = -reason;
	if (reason >= OVL_DROP_MAX)
		return "unknown reason";
	return drops[reason].text;
}
