/* SPDX-License-Identifier: BSD-3-Clause */
/* A frame's defaults and sizes (docs/wire-format.md, "Sizes" and "Defaults"). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ip.h>

#include "frame.h"
#include "headers.h"

static const struct rte_ether_addr default_src_mac = { { 0x02, 0, 0, 0, 0x00, 0x01 } };
static const struct rte_ether_addr default_dst_mac = { { 0x02, 0, 0, 0, 0x00, 0x02 } };
static const struct rte_ether_addr default_inner_src_mac = { { 0x02, 0, 0, 0, 0x01, 0x01 } };
static const struct rte_ether_addr default_inner_dst_mac = { { 0x02, 0, 0, 0, 0x01, 0x02 } };

/* RTE_IPV4 shifts an int by 24 places, which UBSan rightly flags for 192 and above. */
static rte_be32_t
ipv4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	return rte_cpu_to_be_32(a << 24 | b << 16 | c << 8 | d);
}

void
ovl_frame_spec_defaults(struct ovl_frame_spec *spec, const struct ovl_encap *encap)
{
	memset(spec, 0, sizeof(*spec));
	ovl_frame_spec_encap(spec, encap, NULL);
	spec->src_mac = default_src_mac;
	spec->dst_mac = default_dst_mac;
	spec->inner_src_mac = default_inner_src_mac;
	spec->inner_dst_mac = default_inner_dst_mac;
	spec->src_ip = ipv4(192, 0, 2, 1);
	spec->dst_ip = ipv4(192, 0, 2, 2);
	spec->inner_src_ip = ipv4(198, 51, 100, 1);
	spec->inner_dst_ip = ipv4(198, 51, 100, 2);
	spec->src_port = 40000;
	spec->dst_port = 7000;
	spec->inner_proto = IPPROTO_UDP;
	spec->tcp_flags = OVL_TCP_FLAGS_DEFAULT;
	spec->ttl = 64;
	spec->inner_ttl = 64;
	spec->outer_udp_csum = OVL_OUTER_UDP_CSUM_DEFAULT;
	spec->size_kind = OVL_SIZE_FRAME;
	spec->size = 0; /* the smallest frame of the encapsulation */
	spec->mtu = 0;
	spec->probe_form = OVL_PROBE_AUTO;
}

void
ovl_frame_spec_encap(struct ovl_frame_spec *spec, const struct ovl_encap *encap,
		const struct ovl_encap_values *values)
{
	spec->encap = encap;
	if (values != NULL)
		spec->tunnel = *values;
	else if (encap != NULL)
		ovl_encap_values_defaults(encap, &spec->tunnel);
	else
		memset(&spec->tunnel, 0, sizeof(spec->tunnel));
}

/* raw has no outer header of its own: over IPv6 its probe is an IPv6 packet. */
static int
is_raw(const struct ovl_frame_spec *spec)
{
	return spec->encap->ip_proto == 0;
}

uint16_t
ovl_frame_spec_overhead(const struct ovl_frame_spec *spec)
{
	return ovl_encap_overhead(spec->encap, &spec->tunnel) +
		(spec->ip6 && !is_raw(spec) ? OVL_IPV6_EXTRA : 0);
}

uint16_t
ovl_frame_spec_outer_ip_len(const struct ovl_frame_spec *spec)
{
	if (is_raw(spec))
		return 0;
	return spec->ip6 ? OVL_IPV6_HDR_LEN : OVL_IPV4_HDR_LEN;
}

int
ovl_frame_spec_probe_ip6(const struct ovl_frame_spec *spec)
{
	return is_raw(spec) ? spec->ip6 : spec->inner_ip6;
}

uint16_t
ovl_frame_spec_inner_hdr_len(const struct ovl_frame_spec *spec)
{
	return OVL_IPV4_HDR_LEN + ovl_l4_hdr_len(spec->inner_proto) +
		(ovl_frame_spec_probe_ip6(spec) ? OVL_IPV6_EXTRA : 0);
}

const char *
ovl_inner_proto_name(uint8_t proto)
{
	return proto == IPPROTO_ICMP ? "icmp" : proto == IPPROTO_TCP ? "tcp" : "udp";
}

void
ovl_frame_spec_flow(struct ovl_frame_spec *spec, uint32_t flow)
{
	if (flow == 0)
		return;
	if (spec->encap->vary_flow != NULL)
		spec->encap->vary_flow(spec, flow);
	else {
		/* Past the 64,512 source ports above 1023, the destination port moves on too. */
		spec->dst_port = (uint16_t)(spec->dst_port + (spec->src_port - 1024 + flow) / (65536 - 1024));
		spec->src_port = (uint16_t)(1024 + (spec->src_port - 1024 + flow) % (65536 - 1024));
	}
}

void
ovl_rx_config_defaults(struct ovl_rx_config *cfg)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->encap_mask = OVL_ENCAP_MASK_ALL;
	for (i = 0; ovl_encaps[i] != NULL && i < OVL_ENCAPS_MAX; i++)
		ovl_encap_values_defaults(ovl_encaps[i], &cfg->tunnel[i]);
}

void
ovl_rx_config_init(struct ovl_rx_config *cfg, uint32_t mask,
		const struct ovl_encap_values *values, int filter)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->encap_mask = mask;
	for (i = 0; ovl_encaps[i] != NULL && i < OVL_ENCAPS_MAX; i++) {
		cfg->tunnel[i] = values[i];
		if (!filter)
			cfg->tunnel[i].given = 0;
	}
}

void
ovl_rx_config_for_spec(struct ovl_rx_config *cfg, const struct ovl_frame_spec *spec)
{
	int i = ovl_encap_index(spec->encap);

	ovl_rx_config_defaults(cfg);
	if (i >= 0 && i < OVL_ENCAPS_MAX) {
		cfg->tunnel[i] = spec->tunnel;
		cfg->tunnel[i].given = 0;
	}
}

static uint16_t
l2_len(const struct ovl_frame_spec *spec)
{
	return RTE_ETHER_HDR_LEN + (spec->vlan ? OVL_VLAN_LEN : 0);
}

/* Frame size with FCS = fixed + inner size. */
static uint32_t
fixed_len(const struct ovl_frame_spec *spec)
{
	return l2_len(spec) + ovl_frame_spec_overhead(spec) + OVL_FCS_LEN;
}

uint32_t
ovl_frame_min_size(const struct ovl_frame_spec *spec)
{
	uint32_t min = fixed_len(spec) + ovl_frame_spec_inner_hdr_len(spec) + OVL_PROBE_COMPACT_LEN;

	return min < OVL_FRAME_MIN ? OVL_FRAME_MIN : min;
}

static const char *
tagged(const struct ovl_frame_spec *spec)
{
	static const char *const said[2][2] = {
		{ "", " with a VLAN tag" }, { " over IPv6", " over IPv6 with a VLAN tag" },
	};

	return said[spec->ip6 != 0][spec->vlan != 0];
}

/* What precedes a fragment's data: an IPv4 header, or an IPv6 one and its Fragment header. */
static uint32_t
fragment_hdr_len(int ip6)
{
	return ip6 ? OVL_IPV6_HDR_LEN + OVL_IPV6_FRAG_HDR_LEN : OVL_IPV4_HDR_LEN;
}

/* Fragments carry multiples of 8 data bytes, except the last (RFC 791; RFC 8200 4.5). */
static uint32_t
fragment_data_len(uint32_t tunnel_mtu, int ip6)
{
	return (tunnel_mtu - fragment_hdr_len(ip6)) & ~7u;
}

/* The fragments of an inner packet: the data after its (unfragmentable) IP header, cut up. */
static uint32_t
count_fragments(uint32_t inner_len, uint32_t tunnel_mtu, int ip6)
{
	uint32_t per_frag = fragment_data_len(tunnel_mtu, ip6);
	uint32_t data = inner_len - (ip6 ? OVL_IPV6_HDR_LEN : OVL_IPV4_HDR_LEN);

	return (data + per_frag - 1) / per_frag;
}

/*
 * An inner packet over the tunnel MTU: how many fragments, or -EINVAL with the reason. IPv6 is
 * fragmented inside the tunnel as IPv4 is (the inner packet, never the outer one): raw over
 * IPv6 has no inner packet, so its probe, the underlay's packet, is not fragmented.
 */
static int
fragments(const struct ovl_frame_spec *spec, uint32_t inner, uint32_t tunnel_mtu, uint32_t mtu,
		char *err, size_t errlen)
{
	int ip6 = ovl_frame_spec_probe_ip6(spec);
	uint32_t n, overhead = ovl_frame_spec_overhead(spec);

	if (ip6 && is_raw(spec)) {
		snprintf(err, errlen,
			"raw over IPv6 is not fragmented (its packet is the underlay's, which ovlperf never fragments): inner size %u exceeds the MTU %u; give at most inner size %u",
			inner, tunnel_mtu, tunnel_mtu);
		return -EINVAL;
	}
	if (ip6 && tunnel_mtu < OVL_IPV6_MIN_MTU) {
		snprintf(err, errlen,
			"an inner IPv6 packet is fragmented at a tunnel MTU of at least %u (RFC 8200 5), and MTU %u leaves %s%s a tunnel MTU of %u: give an MTU of at least %u, or at most inner size %u",
			OVL_IPV6_MIN_MTU, mtu, spec->encap->name, tagged(spec), tunnel_mtu,
			OVL_IPV6_MIN_MTU + overhead, tunnel_mtu);
		return -EINVAL;
	}
	n = count_fragments(inner, tunnel_mtu, ip6);
	if (n > OVL_FRAGS_MAX) {
		snprintf(err, errlen,
			"inner size %u makes %u fragments at the %s%s tunnel MTU %u, and a receiver reassembles at most %u: give at most inner size %u, or a larger MTU",
			inner, n, spec->encap->name, tagged(spec), tunnel_mtu, OVL_FRAGS_MAX,
			(ip6 ? OVL_IPV6_HDR_LEN : OVL_IPV4_HDR_LEN) +
				OVL_FRAGS_MAX * fragment_data_len(tunnel_mtu, ip6));
		return -EINVAL;
	}
	return (int)n;
}

int
ovl_frame_layout(const struct ovl_frame_spec *spec, struct ovl_frame_layout *lay, char *err,
		size_t errlen)
{
	const char *name = spec->encap->name;
	uint32_t fixed = fixed_len(spec);
	uint32_t min = ovl_frame_min_size(spec);
	uint32_t min_inner = min - fixed;
	uint32_t max_mtu = OVL_FRAME_MAX - l2_len(spec) - OVL_FCS_LEN;
	uint16_t overhead = ovl_frame_spec_overhead(spec);
	uint32_t min_mtu = overhead + min_inner;
	uint32_t inner, mtu = spec->mtu;
	uint16_t hdr_len = ovl_frame_spec_inner_hdr_len(spec);
	uint16_t l4_len = ovl_l4_hdr_len(spec->inner_proto);
	int probe_ip6 = ovl_frame_spec_probe_ip6(spec), n_frags;

	memset(lay, 0, sizeof(*lay));
	if ((spec->ip6 || spec->inner_ip6) && spec->encap->ipv4_only) {
		snprintf(err, errlen,
			"%s is IPv4 in IPv4; IPv6 in IPv4 is protocol 41, not an encapsulation here yet: give IPv4 addresses or another encapsulation",
			name);
		return -EINVAL;
	}
	if (mtu != 0 && (mtu < min_mtu || mtu > max_mtu)) {
		snprintf(err, errlen, "MTU %u does not fit %s%s: allowed %u..%u", mtu, name,
				tagged(spec), min_mtu, max_mtu);
		return -EINVAL;
	}
	switch (spec->size_kind) {
	case OVL_SIZE_FRAME:
		if (spec->size == 0) {
			inner = min_inner;
			break;
		}
		if (spec->size < min || spec->size > OVL_FRAME_MAX) {
			snprintf(err, errlen,
				"frame size %u does not fit %s%s%s: allowed %u..%u (the smallest holds a %u-byte inner packet with the 18-byte compact probe)",
				spec->size, name, tagged(spec),
				spec->inner_proto == IPPROTO_TCP ? " with TCP probes" : "", min,
				OVL_FRAME_MAX, min_inner);
			return -EINVAL;
		}
		inner = spec->size - fixed;
		if (mtu != 0 && overhead + inner > mtu) {
			snprintf(err, errlen,
				"frame size %u needs an MTU of at least %u for %s%s, but the MTU is %u",
				spec->size, overhead + inner, name, tagged(spec), mtu);
			return -EINVAL;
		}
		break;
	case OVL_SIZE_INNER:
		if (spec->size < min_inner || spec->size > OVL_INNER_MAX) {
			snprintf(err, errlen, "inner size %u does not fit %s%s: allowed %u..%u",
					spec->size, name, tagged(spec), min_inner, OVL_INNER_MAX);
			return -EINVAL;
		}
		inner = spec->size;
		if (mtu == 0 && fixed + inner > OVL_FRAME_MAX) {
			snprintf(err, errlen,
				"inner size %u makes a %s%s frame of %u bytes, over %u: give an MTU to fragment it, or at most inner size %u",
				inner, name, tagged(spec), fixed + inner, OVL_FRAME_MAX,
				OVL_FRAME_MAX - fixed);
			return -EINVAL;
		}
		break;
	case OVL_SIZE_MTU:
		if (spec->size < min_mtu || spec->size > max_mtu) {
			snprintf(err, errlen, "MTU %u does not fit %s%s: allowed %u..%u", spec->size,
					name, tagged(spec), min_mtu, max_mtu);
			return -EINVAL;
		}
		mtu = spec->size;
		inner = mtu - overhead;
		break;
	default:
		snprintf(err, errlen, "unknown size kind %d", (int)spec->size_kind);
		return -EINVAL;
	}

	lay->l2_len = l2_len(spec);
	lay->inner_off = lay->l2_len + overhead;
	lay->inner_len = inner;
	lay->payload_len = inner - hdr_len;
	lay->tunnel_mtu = mtu != 0 ? mtu - overhead : inner;
	lay->n_frames = 1;
	if (inner > lay->tunnel_mtu) {
		n_frags = fragments(spec, inner, lay->tunnel_mtu, mtu, err, errlen);
		if (n_frags < 0)
			return n_frags;
		lay->n_frames = (uint16_t)n_frags;
		inner = fragment_hdr_len(probe_ip6) + fragment_data_len(lay->tunnel_mtu, probe_ip6);
	}
	lay->frame_size = fixed + inner;
	if (lay->frame_size < OVL_FRAME_MIN)
		lay->frame_size = OVL_FRAME_MIN;

	switch (spec->probe_form) {
	case OVL_PROBE_COMPACT:
		lay->probe_form = OVL_PROBE_COMPACT;
		break;
	case OVL_PROBE_FULL:
		if (lay->payload_len < OVL_PROBE_FULL_LEN) {
			snprintf(err, errlen,
				"the full probe needs an inner size of at least %u (%s%s frame %u), got %u",
				hdr_len + OVL_PROBE_FULL_LEN, name, tagged(spec),
				fixed + hdr_len + OVL_PROBE_FULL_LEN, lay->inner_len);
			return -EINVAL;
		}
		lay->probe_form = OVL_PROBE_FULL;
		break;
	default:
		lay->probe_form = lay->payload_len >= OVL_PROBE_FULL_LEN ? OVL_PROBE_FULL
									  : OVL_PROBE_COMPACT;
		break;
	}
	lay->probe_len = ovl_probe_len(lay->probe_form);
	/* The receiver matches the probe in the first fragment's transport payload. */
	if (lay->n_frames > 1 &&
			inner - fragment_hdr_len(probe_ip6) < (uint32_t)l4_len + lay->probe_len) {
		snprintf(err, errlen,
			"MTU %u leaves no room for the probe in the first fragment of %s%s: allowed %u..%u",
			mtu, name, tagged(spec),
			overhead + fragment_hdr_len(probe_ip6) +
				((l4_len + lay->probe_len + 7) & ~7u),
			max_mtu);
		return -EINVAL;
	}
	return 0;
}
