/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The GENEVE header (RFC 8926) as receivers check it: version, O and C bits, the protocol, the
 * reserved bits (ignored), the VNI filter, the options and their length field, truncation in
 * the header and options, the inner EtherType, the UDP ports, and the turnaround (see
 * parse_frames.h for the frames; here they are also built with --geneve-opt-len).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* GENEVE header offsets and bits, from RFC 8926 3.4 (independently of lib/encap/geneve.c). */
#define GV_VER_OPT 0   /* version (2 high bits), options length in 4-byte words (6 bits) */
#define GV_FLAGS 1     /* O, C and 6 reserved bits */
#define GV_PROTO 2
#define GV_VNI 4
#define GV_RSVD 7
#define GV_LEN 8
#define GV_O 0x80
#define GV_C 0x40
#define GV_PORT 6081
#define GV_DEFAULT_VNI 42
#define GV_SMALLEST 114 /* the smallest frame without options (docs/wire-format.md) */

#define TUNNEL_FLAGS (-OVL_DROP_TUNNEL_FLAGS)
#define TUNNEL_ID (-OVL_DROP_TUNNEL_ID)
#define NO_TUNNEL (-OVL_DROP_NO_TUNNEL)
#define ANY_DROP 1 /* in a table of expected results: any drop reason, not which */

static const uint32_t opt_lens[] = { 0, 4, 8, 124, 128, 252 };

/* ---------------------------------------------------------------------------------------- */
/* Frames and receivers */

static const struct ovl_encap *
geneve(void)
{
	const struct ovl_encap *e = ovl_encap_find("geneve");

	if (e == NULL)
		skip();
	return e;
}

static int
param(const char *option)
{
	int i = ovl_encap_param_index(ovl_encap_find("geneve"), option);

	CHECK(i >= 0, "geneve declares no --%s", option);
	return i;
}

/* A sender's values: --geneve-opt-len opt_len --vni vni. */
static struct ovl_encap_values
geneve_values(uint32_t opt_len, uint32_t vni)
{
	struct ovl_encap_values v;

	ovl_encap_values_defaults(ovl_encap_find("geneve"), &v);
	v.v[param("geneve-opt-len")] = opt_len;
	v.v[param("vni")] = vni;
	return v;
}

/* A receiver's VNI filter for GENEVE (reflect --vni), or none with -1. */
static void
expect_vni(struct ovl_rx_config *cfg, int64_t vni)
{
	struct ovl_encap_values *t = &cfg->tunnel[ovl_encap_index(ovl_encap_find("geneve"))];

	t->v[param("vni")] = vni < 0 ? GV_DEFAULT_VNI : (uint32_t)vni;
	t->given = vni < 0 ? 0 : (uint8_t)(1u << param("vni"));
}

static uint32_t
gv_of(const struct frame *f)
{
	return f->l.tunnel + OVL_UDP_HDR_LEN;
}

static uint32_t
vni_at(const uint8_t *gv)
{
	return (uint32_t)gv[GV_VNI] << 16 | (uint32_t)gv[GV_VNI + 1] << 8 | gv[GV_VNI + 2];
}

/* A damaged frame keeps a valid outer UDP checksum where it has one, as a sender's would. */
static void
fix_outer_udp(uint8_t *fr, const struct ovl_layers *l)
{
	if (get16(fr + l->tunnel + UDP_CKSUM) != 0)
		udp_fix_cksum(fr + l->l3, fr + l->tunnel);
}

/* ---------------------------------------------------------------------------------------- */
/* Frames as built */

/* RFC 8926 3.5: class 16 bits, type 8 (high bit: critical), 3 reserved bits, length 5 bits. */
static void
check_options(const struct frame *f, uint32_t opt_len)
{
	static const uint8_t zero[31 * 4];
	const uint8_t *p = f->buf + gv_of(f) + GV_LEN, *end = p + opt_len;
	unsigned int n = 0;

	while (p < end) {
		uint32_t data = (p[3] & 0x1Fu) * 4;

		CHECK(get16(p) == 0xFFF0 && p[2] == 0x01 && (p[3] & 0xE0) == 0,
				"%s: option %u: class 0x%04x type 0x%02x byte 3 0x%02x", f->name, n,
				get16(p), p[2], p[3]);
		CHECK(p + 4 + data <= end, "%s: option %u of %u data bytes overruns the options",
				f->name, n, data);
		CHECK(memcmp(p + 4, zero, data) == 0, "%s: option %u: data not zero", f->name, n);
		p += 4 + data;
		n++;
	}
	/* As few TLVs as hold them: up to 4 + 124 bytes each. */
	CHECK(n == (opt_len + 127) / 128, "%s: %u options for %u bytes", f->name, n, opt_len);
}

/*
 * --geneve-opt-len 0 to 252: the header says so, the options are well-formed, the inner
 * Ethernet header and IPv4 packet follow them, the smallest frame grows by the options, and
 * any receiver takes them whatever its own --geneve-opt-len (it is the sender's option).
 */
static void
test_geneve_frames_with_options(void **state)
{
	const struct ovl_encap *e = geneve();
	int gi = ovl_encap_index(e);
	unsigned int o;

	(void)state;
	for (o = 0; o < RTE_DIM(opt_lens); o++) {
		struct ovl_encap_values tv = geneve_values(opt_lens[o], GV_DEFAULT_VNI);
		uint32_t n = 0;

		FOR_EACH_FRAME_OF(e, &tv, 1, f) {
			uint32_t gv = gv_of(&f);
			const uint8_t *h = f.buf + gv;
			struct ovl_rx_config own = rx_config(mask_of(gi));
			struct ovl_layers l;
			unsigned int r;

			n++;
			CHECK(h[GV_VER_OPT] == opt_lens[o] / 4 && h[GV_FLAGS] == 0 &&
					get16(h + GV_PROTO) == 0x6558 && vni_at(h) == GV_DEFAULT_VNI &&
					h[GV_RSVD] == 0, "%s: header %02x %02x %02x%02x vni %u %02x", f.name,
					h[0], h[1], h[2], h[3], vni_at(h), h[GV_RSVD]);
			check_options(&f, opt_lens[o]);
			CHECK(f.l.inner_l2 == gv + GV_LEN + opt_lens[o] && f.l.inner_l3 == f.l.inner_l2 +
					RTE_ETHER_HDR_LEN, "%s: inner_l2 %u inner_l3 %u, options end at %u",
					f.name, f.l.inner_l2, f.l.inner_l3, gv + GV_LEN + opt_lens[o]);
			if (f.v.size == 0)
				CHECK(f.lay.frame_size == GV_SMALLEST + opt_lens[o] +
						(f.v.vlan ? OVL_VLAN_LEN : 0), "%s: smallest frame %u",
						f.name, f.lay.frame_size);
			CHECK(ovl_frame_verify_cksums(f.buf, &f.l) == 0, "%s: checksums", f.name);
			/* Only GENEVE expected, by a receiver given --geneve-opt-len 0 or another. */
			for (r = 0; r < 2; r++) {
				own.tunnel[gi].v[param("geneve-opt-len")] = r * (252 - opt_lens[o]);
				EXPECT_RC(parse_exact(f.buf, f.len, &own, &l), 0, "%s: receiver's "
						"--geneve-opt-len %u", f.name, r * (252 - opt_lens[o]));
				CHECK(same_layers(&l, &f.l), "%s: receiver's --geneve-opt-len %u: other "
						"layers", f.name, r * (252 - opt_lens[o]));
			}
		}
		CHECK(n >= 12, "--geneve-opt-len %u: only %u frames built", opt_lens[o], n);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Version, flags, reserved bits, protocol, VNI */

static const struct {
	const char *what;
	uint8_t byte;  /* in the GENEVE header */
	uint8_t set;   /* bits ORed into it */
	int want;      /* 0: accepted with the same layers */
} bit_cases[] = {
	/* 1 */ { "version 1", GV_VER_OPT, 0x40, TUNNEL_FLAGS },
	/* 2 */ { "version 2", GV_VER_OPT, 0x80, TUNNEL_FLAGS },
	/* 3 */ { "version 3", GV_VER_OPT, 0xC0, TUNNEL_FLAGS },
	/* 4 */ { "O bit (control packet)", GV_FLAGS, GV_O, TUNNEL_FLAGS },
	/* 5 */ { "C bit (critical options)", GV_FLAGS, GV_C, TUNNEL_FLAGS },
	/* 6 */ { "O and C bits", GV_FLAGS, GV_O | GV_C, TUNNEL_FLAGS },
	/* 7 */ { "O bit and every reserved bit", GV_FLAGS, GV_O | 0x3F, TUNNEL_FLAGS },
	/* 8 */ { "C bit and every reserved bit", GV_FLAGS, GV_C | 0x3F, TUNNEL_FLAGS },
	/* RFC 8926 3.4: reserved fields "MUST be ignored on receipt". */
	/* 9 */ { "reserved bit 0x20", GV_FLAGS, 0x20, 0 },
	/* 10 */ { "reserved bit 0x01", GV_FLAGS, 0x01, 0 },
	/* 11 */ { "every reserved bit after O and C", GV_FLAGS, 0x3F, 0 },
	/* 12 */ { "reserved byte after the VNI 0x01", GV_RSVD, 0x01, 0 },
	/* 13 */ { "reserved byte after the VNI 0xFF", GV_RSVD, 0xFF, 0 },
};

static void
test_geneve_version_flags_and_reserved_bits(void **state)
{
	static const uint32_t lens[] = { 0, 8, 252 };
	const struct ovl_encap *e = geneve();
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	unsigned int o, c;

	(void)state;
	for (o = 0; o < RTE_DIM(lens); o++) {
		struct ovl_encap_values tv = geneve_values(lens[o], GV_DEFAULT_VNI);

		FOR_EACH_FRAME_OF(e, &tv, 1, f) {
			for (c = 0; c < RTE_DIM(bit_cases); c++) {
				uint8_t *fr = frame_scratch(&f);
				struct ovl_layers l;

				fr[gv_of(&f) + bit_cases[c].byte] |= bit_cases[c].set;
				fix_outer_udp(fr, &f.l);
				EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), bit_cases[c].want,
						"%s: case %u, %s", f.name, c + 1, bit_cases[c].what);
				if (bit_cases[c].want == 0)
					CHECK(same_layers(&l, &f.l) &&
							ovl_frame_verify_cksums(fr, &l) == 0,
							"%s: case %u, %s: other layers", f.name, c + 1,
							bit_cases[c].what);
			}
		}
	}
}

/* Only Ethernet (0x6558) is carried: IPv4, IPv6, NSH, 0x6558 byte-swapped and the rest are not. */
static void
test_geneve_protocol(void **state)
{
	static const uint16_t protos[] = { 0x0800, 0x86DD, 0x894F, 0x0000, 0xFFFF, 0x5865, 0x6559 };
	const struct ovl_encap *e = geneve();
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	unsigned int o, p;

	(void)state;
	for (o = 0; o < 3; o++) {
		struct ovl_encap_values tv = geneve_values(opt_lens[o * 2], GV_DEFAULT_VNI);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			struct ovl_layers l;

			for (p = 0; p < RTE_DIM(protos); p++) {
				put16(frame_scratch(&f) + gv_of(&f) + GV_PROTO, protos[p]);
				EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), TUNNEL_FLAGS,
						"%s: protocol 0x%04x", f.name, protos[p]);
				CHECK(l.encap == e, "%s: protocol 0x%04x: claimed by %s", f.name,
						protos[p], l.encap != NULL ? l.encap->name : "none");
			}
		}
	}
}

static const struct {
	uint32_t frame_vni;  /* the sender's --vni */
	int64_t rx_vni;      /* the receiver's --vni; -1: none (any VNI) */
	uint8_t rsvd;        /* the reserved byte after the VNI */
	int want;
} vni_cases[] = {
	/* 1 */ { 42, -1, 0, 0 },
	/* 2 */ { 42, 42, 0, 0 },
	/* 3 */ { 42, 43, 0, TUNNEL_ID },
	/* 4 */ { 42, 0, 0, TUNNEL_ID },
	/* 5 */ { 42, 0xFFFFFF, 0, TUNNEL_ID },
	/* 6 */ { 42, 42 << 8, 0, TUNNEL_ID },          /* read a byte off */
	/* 7 */ { 0, -1, 0, 0 },
	/* 8 */ { 0, 0, 0, 0 },
	/* 9 */ { 0, 42, 0, TUNNEL_ID },
	/* 10 */ { 0xFFFFFF, 0xFFFFFF, 0, 0 },
	/* 11 */ { 0xFFFFFF, 0xFFFFFE, 0, TUNNEL_ID },
	/* 12 */ { 0xFFFFFF, 0x7FFFFF, 0, TUNNEL_ID },
	/* 13 */ { 0xFFFFFF, -1, 0, 0 },
	/* 14 */ { 0x010203, 0x010203, 0, 0 },
	/* 15 */ { 0x010203, 0x030201, 0, TUNNEL_ID },  /* byte order */
	/* 16 */ { 42, 42, 0xFF, 0 },                   /* the reserved byte is no part of it */
	/* 17 */ { 42, 42 << 8 | 0xFF, 0xFF, TUNNEL_ID },
};

static void
test_geneve_vni_filter(void **state)
{
	const struct ovl_encap *e = geneve();
	const struct ovl_encap *vxlan = ovl_encap_find("vxlan");
	int vi = ovl_encap_index(vxlan), vp = vxlan != NULL ? ovl_encap_param_index(vxlan, "vni") : 0;
	unsigned int c, o;

	(void)state;
	for (c = 0; c < RTE_DIM(vni_cases); c++)
		for (o = 0; o < 2; o++) {
			struct ovl_encap_values tv = geneve_values(o * 8, vni_cases[c].frame_vni);

			FOR_EACH_FRAME_OF(e, &tv, 1, f) {
				struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
				uint8_t *fr = frame_scratch(&f);
				struct ovl_layers l;

				CHECK(vni_at(fr + gv_of(&f)) == vni_cases[c].frame_vni, "%s: case %u: VNI "
						"%u in the frame", f.name, c + 1, vni_at(fr + gv_of(&f)));
				fr[gv_of(&f) + GV_RSVD] = vni_cases[c].rsvd;
				fix_outer_udp(fr, &f.l);
				expect_vni(&cfg, vni_cases[c].rx_vni);
				EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), vni_cases[c].want,
						"%s: case %u: reserved byte 0x%02x, receiver's vni %" PRId64,
						f.name, c + 1, vni_cases[c].rsvd, vni_cases[c].rx_vni);
				if (vni_cases[c].want == 0)
					CHECK(same_layers(&l, &f.l), "%s: case %u: other layers", f.name,
							c + 1);
				/* VXLAN's filter is VXLAN's: it never drops a GENEVE frame. */
				if (vxlan != NULL && vni_cases[c].want == 0) {
					cfg.tunnel[vi].v[vp] = vni_cases[c].frame_vni ^ 1;
					cfg.tunnel[vi].given = (uint8_t)(1u << vp);
					EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), 0, "%s: case %u: "
							"VXLAN's vni %u filtered", f.name, c + 1, cfg.tunnel[vi].v[vp]);
				}
			}
		}
}

/* ---------------------------------------------------------------------------------------- */
/* Options length and truncation */

/*
 * The options length field at every value, 0 to 63 words, over frames with 0 to 252 bytes of
 * options: only the true one is accepted. Past the UDP payload it is truncated-tunnel; inside
 * it, the inner Ethernet header is looked for where the field says (too short there:
 * truncated-inner-ethernet) and whatever lies there must be dropped, never read beyond the
 * frame (AddressSanitizer) nor accepted.
 */
static void
test_geneve_option_length_field(void **state)
{
	static const uint32_t lens[] = { 0, 8, 124, 252 };
	const struct ovl_encap *e = geneve();
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	unsigned int o, words;

	(void)state;
	for (o = 0; o < RTE_DIM(lens); o++) {
		struct ovl_encap_values tv = geneve_values(lens[o], GV_DEFAULT_VNI);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			uint32_t gv = gv_of(&f), payload = f.l.inner_end - gv;

			for (words = 0; words < 64; words++) {
				uint32_t hdr = GV_LEN + 4 * words;
				int want = 4 * words == lens[o] ? 0 : hdr > payload ? -OVL_DROP_TRUNC_TUNNEL
					: hdr + RTE_ETHER_HDR_LEN > payload ? -OVL_DROP_TRUNC_INNER_ETH
					: ANY_DROP;
				uint8_t *fr = frame_scratch(&f);
				struct ovl_layers l;
				int rc;

				fr[gv + GV_VER_OPT] = (uint8_t)words; /* version 0 */
				rc = parse_exact(fr, f.len, &cfg, &l);
				if (want != ANY_DROP) {
					EXPECT_RC(rc, want, "%s: options of %u bytes (%u true) in a UDP "
							"payload of %u", f.name, 4 * words, lens[o], payload);
				} else {
					CHECK(rc < 0 && rc > -OVL_DROP_MAX, "%s: options length %u bytes, "
							"%u true: %s", f.name, 4 * words, lens[o], rc_name(rc));
					CHECK(l.encap == e && l.inner_l2 == gv + hdr, "%s: options length "
							"%u bytes: inner_l2 %u, expected %u", f.name, 4 * words,
							l.inner_l2, gv + hdr);
				}
			}
		}
	}
}

/*
 * The outer packet (lengths consistent) ends at every byte of the GENEVE header and options:
 * truncated-tunnel, then truncated-inner-ethernet in the inner Ethernet header; the same with
 * the rest of the frame as Ethernet padding, or as IP payload after the UDP datagram.
 */
static void
test_geneve_truncation_in_header_and_options(void **state)
{
	const struct ovl_encap *e = geneve();
	struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
	struct ovl_rx_config own = rx_config(mask_of(ovl_encap_index(e)));
	unsigned int o;

	(void)state;
	for (o = 0; o < RTE_DIM(opt_lens); o++) {
		struct ovl_encap_values tv = geneve_values(opt_lens[o], GV_DEFAULT_VNI);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			const struct ovl_layers *fl = &f.l;
			uint8_t *fr = frame_scratch(&f);
			uint32_t cut;

			for (cut = gv_of(&f); cut < (uint32_t)fl->inner_l2 + RTE_ETHER_HDR_LEN; cut++) {
				int want = cut < fl->inner_l2 ? -OVL_DROP_TRUNC_TUNNEL
					: -OVL_DROP_TRUNC_INNER_ETH;
				struct ovl_layers l;

				set_outer_end(fr, fl, cut, 0);
				EXPECT_RC(parse_exact(fr, cut, &own, &l), want,
						"%s: outer packet ends at %u (%u into the GENEVE header)",
						f.name, cut, cut - gv_of(&f));
				EXPECT_RC(parse_exact(fr, f.len, &all, &l), want,
						"%s: outer packet ends at %u, the rest as padding", f.name, cut);
				/* Only the UDP datagram cut: the rest of the IP packet is not GENEVE's. */
				memcpy(fr + fl->l3, f.buf + fl->l3, OVL_IPV4_HDR_LEN);
				EXPECT_RC(parse_exact(fr, f.len, &all, &l), want,
						"%s: UDP datagram ends at %u, the IP packet does not", f.name, cut);
			}
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Inner Ethernet, ports */

static void
test_geneve_inner_ethertype_not_ipv4(void **state)
{
	static const uint16_t types[] = { 0x0806, 0x8100, 0x0000, 0x0008, 0xFFFF };
	static const uint8_t inner_src[RTE_ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0x01, 0x01 };
	const struct ovl_encap *e = geneve();
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	unsigned int o, t;

	(void)state;
	for (o = 0; o < 3; o++) {
		struct ovl_encap_values tv = geneve_values(opt_lens[o * 2 + 1], GV_DEFAULT_VNI);

		FOR_EACH_FRAME_OF(e, &tv, 0, f) {
			struct ovl_layers l;

			for (t = 0; t < RTE_DIM(types); t++) {
				put16(frame_scratch(&f) + f.l.inner_l2 + ETH_TYPE, types[t]);
				EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_INNER_NOT_IPV4,
						"%s: inner EtherType 0x%04x", f.name, types[t]);
				/* Located all the same, after the options: an inner ARP is answered. */
				CHECK(l.encap == e && l.tunnel == f.l.tunnel && l.inner_l2 == f.l.inner_l2 &&
						l.inner_l3 == 0, "%s: inner EtherType 0x%04x: inner_l2 %u "
						"inner_l3 %u", f.name, types[t], l.inner_l2, l.inner_l3);
				CHECK(memcmp(scratch + l.inner_l2 + RTE_ETHER_ADDR_LEN, inner_src,
						RTE_ETHER_ADDR_LEN) == 0, "%s: inner source MAC", f.name);
			}
		}
	}
}

#define AS_BUILT (-1)

static const struct {
	int32_t sport;     /* the frame's outer UDP source port; AS_BUILT: the flow hash */
	uint16_t dport;    /* its destination port */
	uint16_t rx_port;  /* the receiver's --geneve-port */
	int want;          /* only GENEVE expected */
} port_cases[] = {
	/* 1 */ { AS_BUILT, GV_PORT, GV_PORT, 0 },
	/* 2 */ { AS_BUILT, GV_PORT + 1, GV_PORT, NO_TUNNEL },
	/* 3 */ { AS_BUILT, GV_PORT - 1, GV_PORT, NO_TUNNEL },
	/* 4 */ { AS_BUILT, 0xC117, GV_PORT, NO_TUNNEL },   /* 6081 in the wrong byte order */
	/* 5 */ { AS_BUILT, 4789, GV_PORT, NO_TUNNEL },
	/* 6 */ { AS_BUILT, 0, GV_PORT, NO_TUNNEL },
	/* 7 */ { AS_BUILT, 65535, GV_PORT, NO_TUNNEL },
	/* 8 */ { AS_BUILT, GV_PORT + 1, GV_PORT + 1, 0 },   /* a receiver given --geneve-port 6082 */
	/* 9 */ { AS_BUILT, GV_PORT, GV_PORT + 1, NO_TUNNEL },
	/* 10 */ { AS_BUILT, 65535, 65535, 0 },
	/* 11 */ { GV_PORT, 33000, GV_PORT, NO_TUNNEL },      /* the ports swapped */
	/* 12 */ { 0, GV_PORT, GV_PORT, 0 },
	/* 13 */ { 1, GV_PORT, GV_PORT, 0 },
	/* 14 */ { GV_PORT, GV_PORT, GV_PORT, 0 },
	/* 15 */ { 4789, GV_PORT, GV_PORT, 0 },
	/* 16 */ { 65535, GV_PORT, GV_PORT, 0 },
};

/*
 * The destination port must be the receiver's GENEVE port; to another port the datagram is
 * not GENEVE (another tunnel's or raw's to judge). The source port is the flow hash: any.
 */
static void
test_geneve_udp_ports(void **state)
{
	const struct ovl_encap *e = geneve();
	int gi = ovl_encap_index(e);
	unsigned int o, c;

	(void)state;
	for (o = 0; o < 2; o++) {
		struct ovl_encap_values tv = geneve_values(o * 8, GV_DEFAULT_VNI);

		FOR_EACH_FRAME_OF(e, &tv, 1, f) {
			for (c = 0; c < RTE_DIM(port_cases); c++) {
				struct ovl_rx_config own = rx_config(mask_of(gi));
				struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
				uint8_t *fr = frame_scratch(&f);
				struct ovl_layers l;
				int rc;

				if (port_cases[c].sport != AS_BUILT)
					put16(fr + f.l.tunnel + UDP_SPORT, (uint16_t)port_cases[c].sport);
				put16(fr + f.l.tunnel + UDP_DPORT, port_cases[c].dport);
				fix_outer_udp(fr, &f.l);
				own.tunnel[gi].v[param("geneve-port")] = port_cases[c].rx_port;
				all.tunnel[gi].v[param("geneve-port")] = port_cases[c].rx_port;
				EXPECT_RC(parse_exact(fr, f.len, &own, &l), port_cases[c].want,
						"%s: case %u: from port %d to %u, receiver's port %u", f.name,
						c + 1, port_cases[c].sport, port_cases[c].dport,
						port_cases[c].rx_port);
				CHECK(port_cases[c].want != 0 || same_layers(&l, &f.l),
						"%s: case %u: other layers", f.name, c + 1);
				rc = parse_exact(fr, f.len, &all, &l);
				if (port_cases[c].want == 0)
					EXPECT_RC(rc, 0, "%s: case %u, all expected", f.name, c + 1);
				else
					CHECK(rc < 0 && l.encap != e, "%s: case %u, all expected: %s by %s",
							f.name, c + 1, rc_name(rc),
							l.encap != NULL ? l.encap->name : "none");
			}
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Turnaround */

/*
 * Once: the inner Ethernet addresses swapped; the outer UDP header (ports kept, as a VXLAN
 * VTEP's), the GENEVE header and options untouched; every checksum valid; the reply parses
 * with the same layers, also at a receiver filtering the VNI. Twice: the frame restored.
 */
static void
test_geneve_turnaround(void **state)
{
	static const uint32_t vnis[] = { GV_DEFAULT_VNI, 0, 0xFFFFFF };
	const struct ovl_encap *e = geneve();
	unsigned int o;

	(void)state;
	for (o = 0; o < RTE_DIM(opt_lens); o++) {
		uint32_t vni = vnis[o % RTE_DIM(vnis)];
		struct ovl_encap_values tv = geneve_values(opt_lens[o], vni);

		FOR_EACH_FRAME_OF(e, &tv, 1, f) {
			const struct ovl_layers *fl = &f.l;
			struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
			uint8_t *fr = frame_scratch(&f);
			struct ovl_layers l;

			ovl_frame_turnaround(fr, fl);
			CHECK(memcmp(fr + fl->inner_l2, f.buf + fl->inner_l2 + RTE_ETHER_ADDR_LEN,
					RTE_ETHER_ADDR_LEN) == 0 &&
					memcmp(fr + fl->inner_l2 + RTE_ETHER_ADDR_LEN, f.buf + fl->inner_l2,
					RTE_ETHER_ADDR_LEN) == 0, "%s: inner MACs not swapped", f.name);
			CHECK(memcmp(fr + fl->tunnel, f.buf + fl->tunnel, fl->inner_l2 - fl->tunnel) == 0,
					"%s: outer UDP, GENEVE header or options changed", f.name);
			CHECK(ovl_frame_verify_cksums(fr, fl) == 0, "%s: checksums of the reply",
					f.name);
			expect_vni(&cfg, vni);
			EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), 0, "%s: the reply, vni %u filtered",
					f.name, vni);
			CHECK(same_layers(&l, fl) && ovl_frame_verify_fill(fr, &l) == 0,
					"%s: the reply has other layers or fill", f.name);
			ovl_frame_turnaround(fr, &l);
			CHECK(memcmp(fr, f.buf, f.len) == 0, "%s: twice: not the frame", f.name);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geneve_frames_with_options),
		cmocka_unit_test(test_geneve_version_flags_and_reserved_bits),
		cmocka_unit_test(test_geneve_protocol),
		cmocka_unit_test(test_geneve_vni_filter),
		cmocka_unit_test(test_geneve_option_length_field),
		cmocka_unit_test(test_geneve_truncation_in_header_and_options),
		cmocka_unit_test(test_geneve_inner_ethertype_not_ipv4),
		cmocka_unit_test(test_geneve_udp_ports),
		cmocka_unit_test(test_geneve_turnaround),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
