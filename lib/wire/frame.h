/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames: what to build (the spec), how big it is (the layout), where each layer sits in a
 * built or received frame (the layers), and the operations on them: build, parse, turn around.
 * Sizes follow docs/wire-format.md: a frame size includes the 4-byte FCS, which ovlperf never
 * writes; buffers hold frame size - 4 bytes.
 */
#ifndef OVL_FRAME_H
#define OVL_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "encap.h"
#include "probe.h"

#define OVL_FCS_LEN 4
#define OVL_FRAME_MIN 64
#define OVL_FRAME_MAX 9216
#define OVL_ETH_MIN_NOFCS 60          /* shorter frames are padded with zeros */
#define OVL_INNER_HDR_LEN 28          /* inner IPv4 + UDP or ICMP echo header (TCP: 40) */
#define OVL_INNER_MIN (OVL_INNER_HDR_LEN + OVL_PROBE_COMPACT_LEN)  /* 46 */
#define OVL_IPV6_EXTRA 20             /* an IPv6 header's bytes over an IPv4 one's (40 - 20) */
#define OVL_IPV6_FRAG_HDR_LEN 8       /* the IPv6 Fragment extension header (RFC 8200 4.5) */
#define OVL_IPV6_MIN_MTU 1280         /* every IPv6 link carries packets this large (RFC 8200 5) */
#define OVL_FRAGS_MAX 8               /* fragments a receiver reassembles (DPDK's ip_frag) */
#define OVL_INNER_MAX 65535
#define OVL_VLAN_LEN 4

enum ovl_size_kind {
	OVL_SIZE_FRAME,  /* outer frame with FCS */
	OVL_SIZE_INNER,  /* inner IP packet */
	OVL_SIZE_MTU,    /* fill the outer IP packet to the underlay MTU */
};

enum ovl_outer_udp_csum {
	OVL_OUTER_UDP_CSUM_DEFAULT, /* the encapsulation's own habit (a VTEP's zero, a socket's sum) */
	OVL_OUTER_UDP_CSUM_ZERO,
	OVL_OUTER_UDP_CSUM_COMPUTE,
};

/* What to build. Addresses are in network order; ports and ids in host order. */
struct ovl_frame_spec {
	const struct ovl_encap *encap;

	struct rte_ether_addr src_mac, dst_mac;
	struct rte_ether_addr inner_src_mac, inner_dst_mac;
	rte_be32_t src_ip, dst_ip;             /* outer (raw: the only IP header) */
	uint8_t ip6;                           /* the outer header is IPv6, with these addresses */
	uint8_t src_ip6[16], dst_ip6[16];
	rte_be32_t inner_src_ip, inner_dst_ip;
	uint8_t inner_ip6;                     /* the inner packet is IPv6, with these addresses */
	uint8_t inner_src_ip6[16], inner_dst_ip6[16];
	uint16_t src_port, dst_port;           /* inner UDP or TCP; ICMP echo: src_port is the id */
	uint8_t inner_proto;                   /* IPPROTO_UDP, _TCP or _ICMP (ICMPv6 in IPv6) */
	uint8_t tcp_flags;                     /* TCP probes' flags (tcp.h): SYN by default */
	uint16_t vlan;                         /* 0: untagged, else VLAN ID 1..4094 */
	uint8_t ttl, inner_ttl;
	struct ovl_encap_values tunnel;        /* the encapsulation's parameters (ports, VNI, key) */
	enum ovl_outer_udp_csum outer_udp_csum;

	enum ovl_size_kind size_kind;
	uint32_t size;                         /* frame size, inner size or MTU, by size_kind */
	uint32_t mtu;                          /* underlay MTU for fragmentation; 0: as needed */
	enum ovl_probe_form probe_form;
};

/* Sizes resolved from a spec. */
struct ovl_frame_layout {
	uint16_t l2_len;        /* 14, or 18 with a VLAN tag */
	uint16_t inner_off;     /* offset of the inner IP header in every frame */
	uint32_t inner_len;     /* inner IP packet before any fragmentation */
	uint32_t frame_size;    /* with FCS, of the unfragmented frame (first fragment's if fragmented) */
	uint32_t tunnel_mtu;    /* largest inner IP packet per frame */
	uint16_t n_frames;      /* 1, or the number of fragments */
	uint8_t probe_form;     /* COMPACT or FULL */
	uint16_t probe_len;
	uint16_t payload_len;   /* L4 payload: probe and fill */
};

/* Where the layers of one frame sit; offsets from the frame's first byte (0: absent). */
struct ovl_layers {
	const struct ovl_encap *encap;
	uint16_t len;          /* bytes in the buffer */
	uint16_t vlan_tci;     /* host order, when tagged */
	uint8_t vlan;          /* 1 when tagged */
	uint16_t l3;           /* outer IPv4 or IPv6 */
	uint16_t l3_end;       /* end of the outer IP packet (Ethernet padding follows) */
	uint16_t l3_payload;   /* first byte after the outer IP header */
	uint8_t l3_proto;      /* the outer IP header's protocol (IPv6: next header) */
	uint8_t ip6;           /* the outer header is IPv6 (raw: so is the probe's) */
	uint16_t tunnel;       /* outer UDP header, when the tunnel has one */
	uint16_t inner_l2;     /* inner Ethernet, in tunnels that carry it */
	uint16_t inner_l3;     /* inner IPv4 or IPv6 (raw: equals l3) */
	uint8_t inner_ip6;     /* the header at inner_l3 is IPv6 (raw over IPv6 too) */
	uint16_t inner_end;    /* end of the inner IP packet */
	uint16_t l4;           /* inner UDP, TCP or ICMP header */
	uint8_t l4_proto;
	uint16_t probe;        /* first byte of the probe (L4 payload) */
	uint16_t payload_len;  /* L4 payload bytes */
	uint8_t fragment;      /* the inner packet is a fragment (IPv6: Fragment header right after) */
};

/*
 * What a receiver accepts: the expected encapsulations and, for each, its parameters (ports
 * always matched; a filter parameter such as the VNI only where `given`).
 */
struct ovl_rx_config {
	uint32_t encap_mask;   /* bit i: ovl_encaps[i] is expected */
	struct ovl_encap_values tunnel[OVL_ENCAPS_MAX]; /* by table index */
};

#define OVL_ENCAP_MASK_ALL 0xFFFFFFFFu

/* A spec of encap's defaults (encap may be NULL: set it with ovl_frame_spec_encap later). */
void ovl_frame_spec_defaults(struct ovl_frame_spec *spec, const struct ovl_encap *encap);
/* Sets the spec's encapsulation and its parameters (NULL values: encap's defaults). */
void ovl_frame_spec_encap(struct ovl_frame_spec *spec, const struct ovl_encap *encap,
		const struct ovl_encap_values *values);
/* The spec's bytes from the outer IP header (IPv4 or IPv6) to the inner one. */
uint16_t ovl_frame_spec_overhead(const struct ovl_frame_spec *spec);
/* The outer IP header's length: 20, 40 over IPv6, 0 for raw (the probe's own header). */
uint16_t ovl_frame_spec_outer_ip_len(const struct ovl_frame_spec *spec);
/*
 * Whether the probe's IP header is IPv6: the inner one's version, or raw's (which carries no
 * inner packet and ignores the inner addresses) the underlay's.
 */
int ovl_frame_spec_probe_ip6(const struct ovl_frame_spec *spec);
/*
 * The probe's IP and transport headers' length: 28, or 48 over IPv6 (inner, or raw's outer);
 * TCP's header is 12 bytes longer.
 */
uint16_t ovl_frame_spec_inner_hdr_len(const struct ovl_frame_spec *spec);

/* The inner protocol's name in options and results: "udp", "icmp" or "tcp". */
const char *ovl_inner_proto_name(uint8_t proto);

/* Every encapsulation expected, each with its defaults, no filter. */
void ovl_rx_config_defaults(struct ovl_rx_config *cfg);
/*
 * A receiver of the encapsulations in mask, expecting values[i] of ovl_encaps[i] (by table
 * index). filter: match the filter parameters that were given (a reflector given --vni);
 * else match ports only (a sender takes replies whatever the far end answered with).
 */
void ovl_rx_config_init(struct ovl_rx_config *cfg, uint32_t mask,
		const struct ovl_encap_values *values, int filter);
/* Every encapsulation expected with its defaults, but the spec's with the spec's values. */
void ovl_rx_config_for_spec(struct ovl_rx_config *cfg, const struct ovl_frame_spec *spec);

/* Turns a stream's spec into that of its flow number `flow` (0 is the spec itself). */
void ovl_frame_spec_flow(struct ovl_frame_spec *spec, uint32_t flow);

/* The smallest frame size (with FCS) that holds this spec's headers and a compact probe. */
uint32_t ovl_frame_min_size(const struct ovl_frame_spec *spec);

/*
 * Resolves the sizes of a spec. Returns 0, or -EINVAL with a one-line message in err that
 * names the problem and the allowed range.
 */
int ovl_frame_layout(const struct ovl_frame_spec *spec, struct ovl_frame_layout *lay,
		char *err, size_t errlen);

/*
 * Writes the inner IP packet (IPv4 or IPv6, UDP, TCP or ICMP echo, probe, fill) of
 * lay->inner_len bytes at ip, with its checksums.
 */
void ovl_inner_build(uint8_t *ip, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay, const struct ovl_probe *probe);

/*
 * Encapsulates the inner packet already at frame + lay->inner_off (inner_len bytes): writes
 * the Ethernet header, tag and the encapsulation's headers, pads to the Ethernet minimum.
 * Returns the frame's length without FCS.
 */
uint16_t ovl_frame_encapsulate(uint8_t *frame, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay, uint16_t inner_len);

/*
 * Builds the whole unfragmented frame into buf (cap bytes). Returns its length without FCS,
 * or -ENOSPC / -EMSGSIZE (fragmented layouts are built by ovl_frag_build).
 */
int ovl_frame_build(uint8_t *buf, size_t cap, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay, const struct ovl_probe *probe);

/*
 * Parses a received frame of len bytes, treating it as hostile: reads nothing beyond len.
 * Returns 0 (l filled, probe located; or a TCP RST without data, payload_len 0: the answer of
 * a kernel, ovl_is_bare_rst), 1 when the inner packet is a fragment (l filled up to
 * inner_l3; reassemble it, then call ovl_parse_inner), or a negative enum ovl_drop.
 */
int ovl_parse(const uint8_t *frame, uint32_t len, const struct ovl_rx_config *cfg,
		struct ovl_layers *l);

/*
 * The parse memo: the shapes of the frames an lcore parsed whole, so that most frames are
 * parsed by a comparison. Everything ovl_parse decides before the probe depends on the frame's
 * length and on some of its header bytes only (types, versions, lengths, fragment bits,
 * protocols, a tunnel's port, flags and identifier); the others it never reads: MAC and IP
 * addresses, IP ids, TTLs and checksums, the transport ports inside a tunnel, UDP and ICMP
 * checksums, and what the encapsulation says varies per flow and per packet (its `varies`). A
 * shape is a parsed frame's length, its decisive header bytes and its layers: a frame that
 * matches one has those layers, and only its probe is checked. So one shape serves every flow
 * and every packet of a stream, and a handful serve a mix of encapsulations and sizes; a frame
 * that matches none is parsed whole and becomes a shape, replacing the oldest.
 * One per lcore; zero it to start empty.
 */
#define OVL_PARSE_MEMO_WORDS 20 /* headers up to 160 bytes: IPv6 inside and outside VXLAN take 132 */
#define OVL_PARSE_SHAPES 8
struct ovl_parse_shape {
	uint32_t len;          /* 0: empty */
	uint16_t n_words;      /* 8-byte words up to the probe, an even number (the last masked) */
	struct ovl_layers l;
	uint64_t head[OVL_PARSE_MEMO_WORDS];
	uint64_t mask[OVL_PARSE_MEMO_WORDS]; /* the decisive bytes */
};
struct ovl_parse_memo {
	struct ovl_parse_shape shape[OVL_PARSE_SHAPES];
	uint8_t last;          /* the shape that matched last: tried first */
	uint8_t next;          /* the shape the next miss replaces */
	uint8_t hit;           /* the last frame was answered from a shape */
	uint64_t hits, misses;
};

/* ovl_parse, answered from a shape when one matches, a new shape made when none does. */
int ovl_parse_memo(struct ovl_parse_memo *m, const uint8_t *frame, uint32_t len,
		const struct ovl_rx_config *cfg, struct ovl_layers *l);

/*
 * The decisive bytes of the shape frame (len bytes) parsed from last, as a byte mask (0xFF or
 * 0) of n bytes: 0, or -1 when that shape is not frame's (it was parsed whole, unmemoized).
 */
int ovl_parse_memo_decisive(const struct ovl_parse_memo *m, const uint8_t *frame, uint32_t len,
		uint8_t *mask, unsigned int n);

/*
 * Parses the inner IPv4 or IPv6 packet at l->inner_l3 up to l->inner_end: header checks, transport,
 * probe. Used by ovl_parse, and on a reassembled packet (with inner_l3 = 0).
 */
int ovl_parse_inner(const uint8_t *buf, struct ovl_layers *l);

/*
 * Turns a parsed frame around for reflection: outer MACs and IPs, inner IPs and ports (ICMP:
 * echo request <-> reply; TCP: answered as a peer would, ovl_tcp_turnaround) and the tunnel's
 * own fields. Checksums stay valid. Applied twice, it restores a UDP or ICMP frame (a TCP
 * answer is not its own inverse), but for an ICMP checksum of 0xFFFF, which comes back as
 * 0x0000 (the other zero of one's complement: as valid, and never what a sender computes).
 */
void ovl_frame_turnaround(uint8_t *frame, const struct ovl_layers *l);

/*
 * Verifies every checksum of a parsed frame (outer IPv4, outer UDP when not zero, inner IPv4,
 * inner UDP, TCP or ICMP). Returns 0, or a negative count of bad checksums.
 */
int ovl_frame_verify_cksums(const uint8_t *frame, const struct ovl_layers *l);

/* The two halves of ovl_frame_verify_cksums: IPv4 headers; the UDP, TCP and ICMP checksums. */
int ovl_frame_verify_ip_cksums(const uint8_t *frame, const struct ovl_layers *l);
int ovl_frame_verify_l4_cksums(const uint8_t *frame, const struct ovl_layers *l);

/* Checks the payload fill after the probe; returns 0 or -1 at the first wrong byte. */
int ovl_frame_verify_fill(const uint8_t *frame, const struct ovl_layers *l);

/*
 * Whether a frame ovl_parse accepted (0) is a bare TCP RST: no probe, named by its ports and
 * sequence numbers alone (tcp.h). Nothing else is accepted without a probe.
 */
static inline int
ovl_is_bare_rst(const struct ovl_layers *l)
{
	return l->payload_len == 0 && l->l4_proto == IPPROTO_TCP;
}

#endif
