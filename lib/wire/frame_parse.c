/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing received frames. Every frame is hostile: each header is read only after checking
 * that it lies within the bytes received, and every way of failing has its own drop reason.
 * A frame may be longer than its IP packet (Ethernet padding); never shorter.
 */
#include <assert.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "cksum.h"
#include "drop.h"
#include "frame.h"
#include "headers.h"

static_assert(OVL_DROP_IP_TOTAL_LEN - OVL_DROP_TRUNC_IP == 4 &&
		OVL_DROP_INNER_IP_TOTAL_LEN - OVL_DROP_TRUNC_INNER_IP == 4,
		"ovl_ipv4_check counts its reasons from the truncation one, in this order");

#define IPV4_FRAGMENT_MASK (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)

static int
is_fragment(const uint8_t *buf, uint16_t l3)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(buf + l3);

	return (ip->fragment_offset & rte_cpu_to_be_16(IPV4_FRAGMENT_MASK)) != 0;
}

static int
expected(const struct ovl_rx_config *cfg, int i)
{
	return i < 32 && (cfg->encap_mask >> i & 1);
}

/*
 * The table's encapsulations that are (pass 1) or are not (pass 0) fallbacks, as bit masks:
 * made once at start-up, before any lcore parses, from the constant table.
 */
static uint32_t fallback_masks[2];

static void __attribute__((constructor))
fallback_masks_init(void)
{
	int i;

	for (i = 0; ovl_encaps[i] != NULL && i < 32; i++)
		fallback_masks[ovl_encaps[i]->fallback != 0] |= 1u << i;
}

/* Non-fallback encapsulations first, then those that claim any IPv4 packet (raw). */
static int
decapsulate(const uint8_t *frame, const struct ovl_rx_config *cfg, struct ovl_layers *l)
{
	int pass, rc;

	for (pass = 0; pass < 2; pass++) {
		uint32_t todo = cfg->encap_mask & fallback_masks[pass];

		for (; todo != 0; todo &= todo - 1) {
			int i = __builtin_ctz(todo);
			const struct ovl_encap *e = ovl_encaps[i];

			rc = e->decapsulate(frame, &cfg->tunnel[i], l);
			if (rc == 1)
				continue;
			l->encap = e;
			return rc;
		}
	}
	return -OVL_DROP_NO_TUNNEL;
}

static int
fallback_expected(const struct ovl_rx_config *cfg)
{
	int i;

	for (i = 0; ovl_encaps[i] != NULL; i++)
		if (ovl_encaps[i]->fallback && expected(cfg, i))
			return 1;
	return 0;
}

int
ovl_parse(const uint8_t *frame, uint32_t len, const struct ovl_rx_config *cfg,
		struct ovl_layers *l)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)frame;
	rte_be16_t type;
	uint16_t off = RTE_ETHER_HDR_LEN, end;
	int rc;

	memset(l, 0, sizeof(*l));
	if (len > UINT16_MAX)
		len = UINT16_MAX;
	l->len = (uint16_t)len;
	if (len < RTE_ETHER_HDR_LEN)
		return -OVL_DROP_TRUNC_ETH;
	type = eth->ether_type;
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		const struct rte_vlan_hdr *tag = (const struct rte_vlan_hdr *)(eth + 1);

		if (len < RTE_ETHER_HDR_LEN + OVL_VLAN_LEN)
			return -OVL_DROP_TRUNC_VLAN;
		l->vlan = 1;
		l->vlan_tci = rte_be_to_cpu_16(tag->vlan_tci);
		type = tag->eth_proto;
		off += OVL_VLAN_LEN;
	}
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		rc = ovl_ipv6_check(frame, off, (uint16_t)len, 0, &end);
		if (rc < 0)
			return rc;
		l->ip6 = 1;
		l->l3 = off;
		l->l3_end = end;
		l->l3_payload = off + OVL_IPV6_HDR_LEN;
		l->l3_proto = ((const struct rte_ipv6_hdr *)(frame + off))->proto;
		goto decapsulate; /* IPv6 fragments carry a fragment header: dropped above */
	}
	if (type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return -OVL_DROP_NOT_IPV4;
	rc = ovl_ipv4_check(frame, off, (uint16_t)len, OVL_DROP_TRUNC_IP, &end);
	if (rc < 0)
		return rc;
	l->l3 = off;
	l->l3_end = end;
	l->l3_payload = off + OVL_IPV4_HDR_LEN;
	l->l3_proto = ((const struct rte_ipv4_hdr *)(frame + off))->next_proto_id;

	/*
	 * An underlay fragment has no tunnel header to go by. A fragmented raw packet is
	 * reassembled like an inner one; tunnel traffic is never fragmented on the underlay by
	 * ovlperf (outer DF set) and is dropped.
	 */
	if (is_fragment(frame, off)) {
		uint8_t proto = ((const struct rte_ipv4_hdr *)(frame + off))->next_proto_id;

		if (!fallback_expected(cfg) ||
				(proto != IPPROTO_UDP && proto != IPPROTO_ICMP && proto != IPPROTO_TCP))
			return -OVL_DROP_IP_FRAGMENT;
		for (rc = 0; !ovl_encaps[rc]->fallback; rc++)
			;
		l->encap = ovl_encaps[rc];
		l->inner_l3 = l->l3;
		l->inner_end = l->l3_end;
		l->fragment = 1;
		return 1;
	}

decapsulate:
	rc = decapsulate(frame, cfg, l);
	if (rc < 0)
		return rc;
	return ovl_parse_inner(frame, l);
}

/* The echo types of ICMP, or of ICMPv6 after an IPv6 header. */
static const struct echo_types {
	uint8_t proto, request, reply;
} echo_types[2] = {
	{ IPPROTO_ICMP, RTE_IP_ICMP_ECHO_REQUEST, RTE_IP_ICMP_ECHO_REPLY },
	{ IPPROTO_ICMPV6, OVL_ICMP6_ECHO_REQUEST, OVL_ICMP6_ECHO_REPLY },
};

/* The transport header at off of protocol proto, up to end, and the probe after it. */
static int
parse_transport(const uint8_t *buf, struct ovl_layers *l, uint8_t proto, uint16_t off,
		uint16_t end, const struct echo_types *echo)
{
	uint16_t hdr_len = ovl_l4_hdr_len(proto);

	if ((uint32_t)off + hdr_len > end)
		return proto == IPPROTO_UDP || proto == IPPROTO_TCP || proto == echo->proto
			? -OVL_DROP_TRUNC_L4 : -OVL_DROP_INNER_PROTO;
	l->l4 = off;
	l->l4_proto = proto;
	l->probe = off + hdr_len;
	if (proto == IPPROTO_UDP) {
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(buf + off);
		uint16_t udp_len = rte_be_to_cpu_16(udp->dgram_len);

		/* Bytes after the datagram are damage in flight, not padding (that is outside IP). */
		if ((uint32_t)off + udp_len != end)
			return -OVL_DROP_L4_LEN;
		l->payload_len = udp_len - OVL_UDP_HDR_LEN;
	} else if (proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *tcp = (const struct rte_tcp_hdr *)(buf + off);

		/* Probes and the RSTs they draw carry no options. */
		if (tcp->data_off >> 4 != OVL_TCP_HDR_LEN / 4)
			return -OVL_DROP_L4_LEN;
		l->payload_len = end - l->probe;
		/* A kernel's answer: matched by ports and sequence numbers (tcp.h). */
		if (l->payload_len == 0 && (tcp->tcp_flags & RTE_TCP_RST_FLAG))
			return 0;
	} else if (proto == echo->proto) {
		const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(buf + off);

		if ((icmp->icmp_type != echo->request && icmp->icmp_type != echo->reply) ||
				icmp->icmp_code != 0)
			return -OVL_DROP_ICMP_TYPE;
		l->payload_len = end - l->probe;
	} else {
		return -OVL_DROP_INNER_PROTO;
	}
	return ovl_probe_check(buf + l->probe, l->payload_len);
}

/*
 * The Fragment header right after the inner IPv6 header, the packet ending at end (RFC 8200
 * 4.5): only a fragment of a probe's datagram, UDP, TCP or ICMPv6 with no other extension header,
 * whose first fragment holds the transport header (RFC 7112) and the probe's start; that header
 * is located, for the reflector's rules and turnaround, but the probe is read after reassembly.
 * Returns 1 (l->fragment set) or a negative drop reason.
 */
static int
ipv6_fragment(const uint8_t *buf, struct ovl_layers *l, uint16_t end)
{
	uint16_t off = l->inner_l3 + OVL_IPV6_HDR_LEN, l4 = off + OVL_IPV6_FRAG_HDR_LEN;
	const struct rte_ipv6_fragment_ext *fh = (const struct rte_ipv6_fragment_ext *)(buf + off);
	const struct echo_types *echo = &echo_types[1];
	uint16_t frag_data;
	uint32_t at, data;
	int more, rc;

	if ((uint32_t)l4 >= end)
		return -OVL_DROP_INNER_IP6_FRAGMENT;
	frag_data = rte_be_to_cpu_16(fh->frag_data);
	at = (uint32_t)RTE_IPV6_GET_FO(frag_data) * 8;
	more = RTE_IPV6_GET_MF(frag_data);
	data = end - l4;
	if ((more && data % 8 != 0) || at + data > UINT16_MAX || (at == 0 && !more))
		return -OVL_DROP_INNER_IP6_FRAGMENT;
	if (fh->next_header != IPPROTO_UDP && fh->next_header != IPPROTO_TCP &&
			fh->next_header != echo->proto)
		return -OVL_DROP_INNER_PROTO;
	if (at == 0) {
		const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(buf + l4);
		uint16_t hdr_len = ovl_l4_hdr_len(fh->next_header);

		if (data < hdr_len)
			return -OVL_DROP_INNER_IP6_FRAGMENT;
		if (fh->next_header == echo->proto && ((icmp->icmp_type != echo->request &&
				icmp->icmp_type != echo->reply) || icmp->icmp_code != 0))
			return -OVL_DROP_ICMP_TYPE;
		if (fh->next_header == IPPROTO_TCP &&
				((const struct rte_tcp_hdr *)(buf + l4))->data_off >> 4 != OVL_TCP_HDR_LEN / 4)
			return -OVL_DROP_L4_LEN;
		rc = ovl_probe_check(buf + l4 + hdr_len, data - hdr_len);
		if (rc < 0)
			return rc;
		l->l4 = l4;
		l->l4_proto = fh->next_header;
	}
	l->fragment = 1;
	return 1;
}

int
ovl_parse_inner(const uint8_t *buf, struct ovl_layers *l)
{
	uint16_t end;
	uint8_t proto;
	int rc;

	/* Without a tunnel over IPv6 the probe's header is the outer one, checked already. */
	if (l->ip6 && l->inner_l3 == l->l3) {
		l->inner_ip6 = 1;
		return parse_transport(buf, l, l->l3_proto, l->l3_payload, l->l3_end, &echo_types[1]);
	}
	/* A tunnel without inner Ethernet (flannel) says the version by the header's own. */
	if (l->inner_l2 == 0)
		l->inner_ip6 = l->inner_l3 < l->inner_end && (buf[l->inner_l3] >> 4) == 6;
	if (l->inner_ip6) {
		rc = ovl_ipv6_check(buf, l->inner_l3, l->inner_end, 1, &end);
		if (rc < 0)
			return rc;
		l->inner_end = end;
		proto = ((const struct rte_ipv6_hdr *)(buf + l->inner_l3))->proto;
		if (proto == IPPROTO_FRAGMENT)
			return ipv6_fragment(buf, l, end);
		return parse_transport(buf, l, proto, l->inner_l3 + OVL_IPV6_HDR_LEN, end,
				&echo_types[1]);
	}
	rc = ovl_ipv4_check(buf, l->inner_l3, l->inner_end, OVL_DROP_TRUNC_INNER_IP, &end);
	if (rc < 0)
		return rc;
	l->inner_end = end;
	if (is_fragment(buf, l->inner_l3)) {
		l->fragment = 1;
		return 1;
	}
	return parse_transport(buf, l, ((const struct rte_ipv4_hdr *)(buf + l->inner_l3))->next_proto_id,
			l->inner_l3 + OVL_IPV4_HDR_LEN, end, &echo_types[0]);
}

void
ovl_frame_turnaround(uint8_t *frame, const struct ovl_layers *l)
{
	uint8_t *l4 = frame + l->l4;

	ovl_swap_ether((struct rte_ether_hdr *)frame);
	/* raw's probe header is the outer one: swapped once, as the inner one below. */
	if (l->l3 != l->inner_l3)
		ovl_swap_ip(frame + l->l3);
	if (l->encap->turnaround != NULL)
		l->encap->turnaround(frame, l);
	ovl_swap_ip(frame + l->inner_l3);
	/* A fragment has no transport header to turn around, but for an IPv6 first fragment's. */
	if (l->l4 == 0)
		return;
	if (l->l4_proto == IPPROTO_UDP) {
		ovl_swap_udp_ports((struct rte_udp_hdr *)l4);
	} else if (l->l4_proto == IPPROTO_TCP) {
		ovl_tcp_turnaround((struct rte_tcp_hdr *)l4, l->payload_len);
	} else {
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;
		const struct echo_types *echo = &echo_types[l->l4_proto == IPPROTO_ICMPV6];
		uint8_t old_word[2] = { icmp->icmp_type, icmp->icmp_code };
		uint8_t new_word[2] = { icmp->icmp_type == echo->request ? echo->reply : echo->request,
			icmp->icmp_code };

		icmp->icmp_type = new_word[0];
		icmp->icmp_cksum = ovl_cksum_update(icmp->icmp_cksum, old_word, new_word, 2);
	}
}

int
ovl_frame_verify_ip_cksums(const uint8_t *frame, const struct ovl_layers *l)
{
	const struct rte_ipv4_hdr *outer = (const struct rte_ipv4_hdr *)(frame + l->l3);
	const struct rte_ipv4_hdr *inner = (const struct rte_ipv4_hdr *)(frame + l->inner_l3);
	int bad = 0;

	/* IPv6 has no header checksum. */
	if (l->l3 != l->inner_l3 && !l->ip6 && rte_raw_cksum(outer, OVL_IPV4_HDR_LEN) != 0xFFFF)
		bad++;
	if (!l->inner_ip6 && rte_raw_cksum(inner, OVL_IPV4_HDR_LEN) != 0xFFFF)
		bad++;
	return -bad;
}

int
ovl_frame_verify_l4_cksums(const uint8_t *frame, const struct ovl_layers *l)
{
	const uint8_t *outer = frame + l->l3, *inner = frame + l->inner_l3;
	int bad = 0;

	/* A zero outer checksum over IPv6 is counted good: sent only where both ends allow it. */
	if (l->tunnel != 0) {
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(frame + l->tunnel);

		if (udp->dgram_cksum != 0 && ovl_l4_cksum_verify(outer, udp) != 0)
			bad++;
	}
	if (l->fragment || l->l4 == 0)
		return -bad;
	if (l->l4_proto == IPPROTO_UDP) {
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(frame + l->l4);

		if (udp->dgram_cksum != 0 && ovl_l4_cksum_verify(inner, udp) != 0)
			bad++;
	} else if (l->l4_proto == IPPROTO_ICMPV6 || l->l4_proto == IPPROTO_TCP) {
		if (ovl_l4_cksum_verify(inner, frame + l->l4) != 0)
			bad++;
	} else if (rte_raw_cksum(frame + l->l4, l->inner_end - l->l4) != 0xFFFF) {
		bad++;
	}
	return -bad;
}

int
ovl_frame_verify_cksums(const uint8_t *frame, const struct ovl_layers *l)
{
	return ovl_frame_verify_ip_cksums(frame, l) + ovl_frame_verify_l4_cksums(frame, l);
}

/* The fill repeats every 256 bytes: one table, compared a block at a time by memcmp. */
static const uint8_t *
fill_block(void)
{
	static uint8_t block[256];
	static int ready;
	int k;

	if (!ready) {
		for (k = 0; k < 256; k++)
			block[k] = ovl_payload_fill_byte((uint32_t)k);
		ready = 1;
	}
	return block;
}

int
ovl_frame_verify_fill(const uint8_t *frame, const struct ovl_layers *l)
{
	const uint8_t *payload = frame + l->probe, *block = fill_block();
	struct ovl_probe p;
	uint32_t k, n;

	if (ovl_probe_read(payload, l->payload_len, &p) < 0)
		return -1;
	for (k = p.length; k < l->payload_len; k += n) {
		n = RTE_MIN(256u - (k & 0xFFu), (uint32_t)l->payload_len - k);
		if (memcmp(payload + k, block + (k & 0xFF), n) != 0)
			return -1;
	}
	return 0;
}
