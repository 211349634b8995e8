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

/* IPv4 fragments carry multiples of 8 payload bytes, except the last. */
static uint16_t
count_fragments(uint32_t inner_len, uint32_t tunnel_mtu)
{
	uint32_t per_frag = (tunnel_mtu - OVL_IPV4_HDR_LEN) & ~7u;
	uint32_t payload = inner_len - OVL_IPV4_HDR_LEN;

	return (uint16_t)((payload + per_frag - 1) / per_frag);
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
		if (ovl_frame_spec_probe_ip6(spec)) {
			snprintf(err, errlen,
				"an IPv6 probe packet is not fragmented (no fragment header yet): inner size %u exceeds the %s tunnel MTU %u; give at most inner size %u",
				inner, name, lay->tunnel_mtu, lay->tunnel_mtu);
			return -EINVAL;
		}
		lay->n_frames = count_fragments(inner, lay->tunnel_mtu);
		inner = OVL_IPV4_HDR_LEN + ((lay->tunnel_mtu - OVL_IPV4_HDR_LEN) & ~7u);
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
			inner - OVL_IPV4_HDR_LEN < (uint32_t)l4_len + lay->probe_len) {
		snprintf(err, errlen,
			"MTU %u leaves no room for the probe in the first fragment of %s%s: allowed %u..%u",
			mtu, name, tagged(spec),
			overhead + OVL_IPV4_HDR_LEN +
				((l4_len + lay->probe_len + 7) & ~7u),
			max_mtu);
		return -EINVAL;
	}
	return 0;
}
