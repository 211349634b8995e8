/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parsers treat every received frame as hostile.
 *
 * Every test builds valid frames for every entry of ovl_encaps[] (with and without a VLAN tag,
 * with a UDP and an ICMP echo inner packet, at the smallest, 128, 1518 and 9018-byte frame
 * sizes), damages them one way at a time, and asserts the exact return of ovl_parse. Each
 * variant is parsed from a malloc'd buffer of exactly its length, so that AddressSanitizer
 * catches any read past the end of the frame.
 *
 * No EAL: only plain buffers and DPDK's inline header helpers.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "testrand.h"
#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "probe.h"

#define VLAN_ID 100
#define PAD_LEN 20
#define SCRATCH_LEN (OVL_FRAME_MAX + 256)
#define MUTATIONS 200000
#define MUTATION_SEED 0x6f766c7065726601ull

/* Header field offsets, from the start of each header. */
#define ETH_TYPE 12
#define VLAN_TYPE 16
#define IP_VHL 0
#define IP_TOTAL 2
#define IP_FRAG 6
#define IP_PROTO 9
#define IP_CKSUM 10
#define IP_SRC 12
#define IP_DST 16
#define UDP_SPORT 0
#define UDP_DPORT 2
#define UDP_LEN 4
#define UDP_CKSUM 6
#define ICMP_TYPE 0
#define ICMP_CODE 1
#define ICMP_CKSUM 2
#define VXLAN_FLAGS 0
#define VXLAN_VNI 4
#define VXLAN_LEN 8
#define PROBE_VF 1
#define PROBE_FULL_LENGTH 10

static const uint32_t frame_sizes[] = { 0, 128, 1518, 9018 }; /* 0: the smallest */
static const uint8_t inner_protos[] = { IPPROTO_UDP, IPPROTO_ICMP };

struct variant {
	const struct ovl_encap *encap;
	int encap_idx;
	int vlan;
	uint8_t proto;
	uint32_t size;
	enum ovl_probe_form form;
	enum ovl_outer_udp_csum outer_csum;
};

/* A built, valid frame and where its layers sit (from ovl_parse). */
struct frame {
	struct variant v;
	struct ovl_frame_layout lay;
	uint8_t *buf;
	uint32_t len;
	struct ovl_layers l;
	char name[160];
};

enum forms {
	FORMS_AUTO,     /* the probe form the sender picks */
	FORMS_EXPLICIT, /* compact and full, where the frame has room for it */
};

static uint8_t scratch[SCRATCH_LEN];
static uint8_t scratch2[SCRATCH_LEN];
static uint64_t memo_hits; /* mutations the parse memo answered (probe bytes damaged only) */

/* ---------------------------------------------------------------------------------------- */
/* Failure reporting */

static const char *
rc_name(int rc)
{
	if (rc == 0)
		return "accepted";
	if (rc == 1)
		return "fragment";
	if (rc < 0 && rc > -OVL_DROP_MAX)
		return ovl_drop_name(rc);
	return "INVALID";
}

/* The first arguments after want are a printf format and its arguments naming the case. */
#define EXPECT_RC(got, want, ...) do { \
	int got_ = (got), want_ = (want); \
	if (got_ != want_) { \
		print_error(__VA_ARGS__); \
		print_error("\n    ovl_parse returned %d (%s), expected %d (%s)\n", got_, \
				rc_name(got_), want_, rc_name(want_)); \
		_fail(__FILE__, __LINE__); \
	} \
} while (0)

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		print_error(__VA_ARGS__); \
		print_error("\n    check failed: %s\n", #cond); \
		_fail(__FILE__, __LINE__); \
	} \
} while (0)

/* ---------------------------------------------------------------------------------------- */
/* Bytes and checksums */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	while (n--) {
		uint8_t t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Recomputes an option-less IPv4 header's checksum (whatever its version/IHL nibbles say). */
static void
ipv4_fix_cksum(uint8_t *ip)
{
	uint16_t c;

	ip[IP_CKSUM] = ip[IP_CKSUM + 1] = 0;
	c = (uint16_t)~rte_raw_cksum(ip, OVL_IPV4_HDR_LEN);
	memcpy(ip + IP_CKSUM, &c, 2);
}

/* UDP checksum over the IPv4 header's total length, which must lie inside the buffer. */
static void
udp_fix_cksum(uint8_t *ip, uint8_t *udp)
{
	uint16_t c;

	udp[UDP_CKSUM] = udp[UDP_CKSUM + 1] = 0;
	c = rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)ip, udp);
	memcpy(udp + UDP_CKSUM, &c, 2);
}

static void
icmp_fix_cksum(uint8_t *icmp, uint32_t len)
{
	uint16_t c;

	icmp[ICMP_CKSUM] = icmp[ICMP_CKSUM + 1] = 0;
	c = (uint16_t)~rte_raw_cksum(icmp, len);
	memcpy(icmp + ICMP_CKSUM, &c, 2);
}

/* ---------------------------------------------------------------------------------------- */
/* Frames */

static int
is_raw(const struct ovl_layers *l)
{
	return l->l3 == l->inner_l3;
}

static uint32_t
mask_of(int encap_idx)
{
	return 1u << encap_idx;
}

static struct ovl_rx_config
rx_config(uint32_t mask)
{
	struct ovl_rx_config cfg;

	ovl_rx_config_defaults(&cfg);
	cfg.encap_mask = mask;
	return cfg;
}

/*
 * Parses len bytes of src from a malloc'd buffer of exactly len bytes. Returns the buffer in
 * *keep when keep is not NULL (the caller frees it).
 */
static int
parse_exact_keep(const uint8_t *src, uint32_t len, const struct ovl_rx_config *cfg,
		struct ovl_layers *l, uint8_t **keep)
{
	uint8_t *b = malloc(len);
	int rc;

	CHECK(b != NULL || len == 0, "malloc(%u) failed", len);
	if (len != 0)
		memcpy(b, src, len);
	rc = ovl_parse(b, len, cfg, l);
	if (keep != NULL)
		*keep = b;
	else
		free(b);
	return rc;
}

static int
parse_exact(const uint8_t *src, uint32_t len, const struct ovl_rx_config *cfg,
		struct ovl_layers *l)
{
	return parse_exact_keep(src, len, cfg, l, NULL);
}

static const char *
size_name(uint32_t size, char *buf, size_t n)
{
	if (size == 0)
		snprintf(buf, n, "smallest");
	else
		snprintf(buf, n, "%u", size);
	return buf;
}

static const char *
form_name(enum ovl_probe_form form)
{
	return form == OVL_PROBE_FULL ? "full" : form == OVL_PROBE_COMPACT ? "compact" : "auto";
}

static const char *
csum_name(enum ovl_outer_udp_csum c)
{
	return c == OVL_OUTER_UDP_CSUM_ZERO ? "zero" : c == OVL_OUTER_UDP_CSUM_COMPUTE ? "compute"
										       : "default";
}

/*
 * Every combination of encapsulation, VLAN, inner protocol and frame size (and probe form with
 * FORMS_EXPLICIT). Returns a malloc'd array of *n variants.
 */
static struct variant *
variants(enum forms forms, int all_outer_csums, unsigned int *n)
{
	static const enum ovl_probe_form explicit_forms[] = { OVL_PROBE_COMPACT, OVL_PROBE_FULL };
	static const enum ovl_outer_udp_csum csums[] = {
		OVL_OUTER_UDP_CSUM_DEFAULT, OVL_OUTER_UDP_CSUM_COMPUTE, OVL_OUTER_UDP_CSUM_ZERO,
	};
	unsigned int n_forms = forms == FORMS_AUTO ? 1 : 2;
	unsigned int n_csums = all_outer_csums ? 3 : 1;
	unsigned int max = ovl_encap_count() * 2 * 2 * RTE_DIM(frame_sizes) * n_forms * n_csums;
	struct variant *vs = calloc(max, sizeof(*vs));
	unsigned int i, vlan, p, s, fo, c, k = 0;

	CHECK(vs != NULL, "calloc");
	CHECK(ovl_encap_count() >= 1 && ovl_encap_count() <= 32,
			"%u encapsulations: the rx mask holds 32", ovl_encap_count());
	for (i = 0; ovl_encaps[i] != NULL; i++)
		for (vlan = 0; vlan < 2; vlan++)
			for (p = 0; p < RTE_DIM(inner_protos); p++)
				for (s = 0; s < RTE_DIM(frame_sizes); s++)
					for (fo = 0; fo < n_forms; fo++)
						for (c = 0; c < n_csums; c++) {
							struct variant *v = &vs[k++];

							v->encap = ovl_encaps[i];
							v->encap_idx = (int)i;
							v->vlan = (int)vlan;
							v->proto = inner_protos[p];
							v->size = frame_sizes[s];
							v->form = forms == FORMS_AUTO ? OVL_PROBE_AUTO
								: explicit_forms[fo];
							v->outer_csum = csums[c];
						}
	*n = k;
	return vs;
}

static void
probe_values(struct ovl_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->session = 0x01020304;
	p->stream = 1;
	p->seq = 0x0102030405060708ull;
	p->tx_ts = 0x1112131415161718ull;
}

/*
 * Builds the variant and parses it. Returns 0, or -1 when the layout refuses it (only a full
 * probe in a frame too small for one may be refused).
 */
static int
frame_build(const struct variant *v, struct frame *f)
{
	struct ovl_frame_spec spec;
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	struct ovl_probe probe;
	char err[256], sz[16];
	uint32_t cap;
	int rc;

	memset(f, 0, sizeof(*f));
	f->v = *v;
	snprintf(f->name, sizeof(f->name), "%s vlan=%d %s size=%s probe=%s outer-udp-csum=%s",
			v->encap->name, v->vlan, v->proto == IPPROTO_UDP ? "udp" : "icmp",
			size_name(v->size, sz, sizeof(sz)), form_name(v->form), csum_name(v->outer_csum));
	ovl_frame_spec_defaults(&spec, v->encap);
	spec.vlan = v->vlan ? VLAN_ID : 0;
	spec.inner_proto = v->proto;
	spec.size_kind = OVL_SIZE_FRAME;
	spec.size = v->size;
	spec.probe_form = v->form;
	spec.outer_udp_csum = v->outer_csum;
	if (ovl_frame_layout(&spec, &f->lay, err, sizeof(err)) != 0) {
		CHECK(v->form == OVL_PROBE_FULL, "%s: layout refused: %s", f->name, err);
		return -1;
	}
	cap = f->lay.frame_size - OVL_FCS_LEN;
	f->buf = malloc(cap);
	CHECK(f->buf != NULL, "malloc");
	probe_values(&probe);
	rc = ovl_frame_build(f->buf, cap, &spec, &f->lay, &probe);
	CHECK(rc > 0 && (uint32_t)rc == cap, "%s: ovl_frame_build returned %d for %u bytes",
			f->name, rc, cap);
	f->len = (uint32_t)rc;
	snprintf(f->name + strlen(f->name), sizeof(f->name) - strlen(f->name), " (len %u)",
			f->len);
	rc = parse_exact(f->buf, f->len, &cfg, &f->l);
	EXPECT_RC(rc, 0, "%s: the valid frame", f->name);
	return 0;
}

static void
frame_free(struct frame *f)
{
	free(f->buf);
	f->buf = NULL;
}

/* Copies the frame into scratch, followed by zeros. */
static uint8_t *
frame_scratch(const struct frame *f)
{
	memcpy(scratch, f->buf, f->len);
	memset(scratch + f->len, 0, SCRATCH_LEN - f->len);
	return scratch;
}

/*
 * Makes the outer packet end at end: the outer IPv4 total length (unless raw) and the outer
 * UDP length, with the outer IPv4 checksum recomputed; the outer UDP checksum becomes 0
 * ("none", allowed over IPv4), or is recomputed when fix_udp (the lengths must then hold).
 */
static void
set_outer_end(uint8_t *fr, const struct ovl_layers *l, uint32_t end, int fix_udp)
{
	if (!is_raw(l)) {
		put16(fr + l->l3 + IP_TOTAL, (uint16_t)(end - l->l3));
		ipv4_fix_cksum(fr + l->l3);
	}
	if (l->tunnel != 0) {
		put16(fr + l->tunnel + UDP_LEN, (uint16_t)(end - l->tunnel));
		if (fix_udp && get16(fr + l->tunnel + UDP_CKSUM) != 0)
			udp_fix_cksum(fr + l->l3, fr + l->tunnel);
		else
			put16(fr + l->tunnel + UDP_CKSUM, 0);
	}
}

/*
 * Writes into out the frame with its inner IP packet shortened to inner_len bytes, every
 * length and checksum consistent, as a sender of the shorter packet would have built it.
 * Returns the new frame length.
 */
static uint32_t
frame_resize_inner(const struct frame *f, uint32_t inner_len, uint8_t *out)
{
	const struct ovl_layers *l = &f->l;
	uint32_t end = l->inner_l3 + inner_len;
	uint8_t *ip = out + l->inner_l3;

	memcpy(out, f->buf, end);
	put16(ip + IP_TOTAL, (uint16_t)inner_len);
	ipv4_fix_cksum(ip);
	if (inner_len >= OVL_INNER_HDR_LEN) {
		if (l->l4_proto == IPPROTO_UDP) {
			put16(ip + OVL_IPV4_HDR_LEN + UDP_LEN, (uint16_t)(inner_len - OVL_IPV4_HDR_LEN));
			udp_fix_cksum(ip, ip + OVL_IPV4_HDR_LEN);
		} else {
			icmp_fix_cksum(ip + OVL_IPV4_HDR_LEN, inner_len - OVL_IPV4_HDR_LEN);
		}
	}
	set_outer_end(out, l, end, 1);
	return end;
}

/* Which layer an offset of a parsed frame falls in, for messages. */
static const char *
layer_at(const struct ovl_layers *l, uint32_t off)
{
	if (off < l->l3)
		return "outer ethernet";
	if (!is_raw(l) && off < (uint32_t)l->l3 + OVL_IPV4_HDR_LEN)
		return "outer ipv4";
	if (l->tunnel != 0 && off >= l->tunnel && off < (uint32_t)l->tunnel + OVL_UDP_HDR_LEN)
		return "outer udp";
	if (l->inner_l2 != 0 && off >= l->inner_l2 && off < l->inner_l3)
		return "inner ethernet";
	if (off < l->inner_l3)
		return "tunnel header";
	if (off < (uint32_t)l->inner_l3 + OVL_IPV4_HDR_LEN)
		return is_raw(l) ? "ipv4" : "inner ipv4";
	if (off < l->probe)
		return "inner l4";
	if (off < l->inner_end)
		return "payload";
	return "padding";
}

/*
 * What ovl_parse returns for a tunnelled frame whose outer packet (lengths consistent) ends
 * at cut, between the end of the outer IPv4 header and the end of the inner packet.
 * The UDP tunnels read the destination port first: cut before it, the datagram is nobody's
 * tunnel and raw (in the full mask) finds its transport header cut; cut after it, the tunnel
 * whose port it is reports truncated-udp.
 */
static int
expected_inner_cut(const struct ovl_layers *l, uint32_t cut)
{
	uint32_t tunnel_hdr = l->tunnel != 0 ? (uint32_t)l->tunnel + OVL_UDP_HDR_LEN
					     : (uint32_t)l->l3 + OVL_IPV4_HDR_LEN;
	uint32_t tunnel_end = l->inner_l2 != 0 ? l->inner_l2 : l->inner_l3;

	if (l->tunnel != 0 && cut < (uint32_t)l->tunnel + 4)
		return -OVL_DROP_TRUNC_L4;
	if (l->tunnel != 0 && cut < (uint32_t)l->tunnel + OVL_UDP_HDR_LEN)
		return -OVL_DROP_TRUNC_UDP;
	if (cut >= tunnel_hdr && cut < tunnel_end)
		return -OVL_DROP_TRUNC_TUNNEL;
	if (l->inner_l2 != 0 && cut < l->inner_l3)
		return -OVL_DROP_TRUNC_INNER_ETH;
	if (cut < (uint32_t)l->inner_l3 + OVL_IPV4_HDR_LEN)
		return -OVL_DROP_TRUNC_INNER_IP;
	return -OVL_DROP_INNER_IP_TOTAL_LEN;
}

static int
same_layers(const struct ovl_layers *a, const struct ovl_layers *b)
{
	return a->encap == b->encap && a->len == b->len && a->vlan == b->vlan &&
		a->vlan_tci == b->vlan_tci && a->l3 == b->l3 && a->l3_end == b->l3_end &&
		a->tunnel == b->tunnel && a->inner_l2 == b->inner_l2 &&
		a->inner_l3 == b->inner_l3 && a->inner_end == b->inner_end && a->l4 == b->l4 &&
		a->l4_proto == b->l4_proto && a->probe == b->probe &&
		a->payload_len == b->payload_len && a->fragment == b->fragment;
}

/* Loops over the built frames of a variant list; the body sees struct frame f. */
#define FOR_EACH_FRAME(forms, csums, f) \
	for (unsigned int n_ = 0, i_ = 0, once_ = 1; once_; once_ = 0) \
		for (struct variant *vs_ = variants((forms), (csums), &n_); vs_ != NULL; \
				free(vs_), vs_ = NULL) \
			for (i_ = 0; i_ < n_; i_++) \
				for (struct frame f, *fp_ = frame_build(&vs_[i_], &f) == 0 ? &f : NULL; \
						fp_ != NULL; frame_free(fp_), fp_ = NULL)

/* ---------------------------------------------------------------------------------------- */
/* Valid frames */

static void
test_valid_frames_parse_with_expected_layers(void **state)
{
	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 1, f) {
		const struct ovl_layers *l = &f.l;
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		struct ovl_layers l2;

		CHECK(l->encap == f.v.encap, "%s: parsed as %s", f.name, l->encap->name);
		CHECK(l->len == f.len, "%s: l.len %u", f.name, l->len);
		CHECK(l->vlan == f.v.vlan && (!f.v.vlan || l->vlan_tci == VLAN_ID),
				"%s: vlan %u tci %u", f.name, l->vlan, l->vlan_tci);
		CHECK(l->l3 == f.lay.l2_len, "%s: l3 %u", f.name, l->l3);
		CHECK(l->inner_l3 == f.lay.inner_off, "%s: inner_l3 %u, layout %u", f.name,
				l->inner_l3, f.lay.inner_off);
		CHECK(l->inner_end == f.lay.inner_off + f.lay.inner_len, "%s: inner_end %u",
				f.name, l->inner_end);
		CHECK(l->l3_end == f.len, "%s: l3_end %u (every frame is >= 60 bytes: no padding)",
				f.name, l->l3_end);
		CHECK(l->l4 == l->inner_l3 + OVL_IPV4_HDR_LEN && l->probe == l->l4 + OVL_UDP_HDR_LEN,
				"%s: l4 %u probe %u", f.name, l->l4, l->probe);
		CHECK(l->l4_proto == f.v.proto, "%s: l4_proto %u", f.name, l->l4_proto);
		CHECK(l->payload_len == f.lay.payload_len, "%s: payload_len %u, layout %u", f.name,
				l->payload_len, f.lay.payload_len);
		CHECK(!l->fragment, "%s: fragment", f.name);
		CHECK(f.v.size == 0 || f.len == f.v.size - OVL_FCS_LEN, "%s", f.name);
		CHECK(is_raw(l) == (f.v.encap->overhead == 0), "%s: raw iff no overhead", f.name);
		CHECK(ovl_frame_verify_cksums(f.buf, l) == 0, "%s: checksums", f.name);
		CHECK(ovl_frame_verify_fill(f.buf, l) == 0, "%s: payload fill", f.name);
		EXPECT_RC(parse_exact(f.buf, f.len, &own, &l2), 0, "%s: mask with only %s", f.name,
				f.v.encap->name);
		CHECK(same_layers(l, &l2), "%s: layers differ with only its own encap expected",
				f.name);
	}
}

/* A frame is never accepted as another encapsulation, and nothing is with an empty mask. */
static void
test_frame_rejected_without_its_encap_in_mask(void **state)
{
	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		struct ovl_rx_config cfg;
		struct ovl_layers l;
		int i, rc;

		cfg = rx_config(0);
		EXPECT_RC(parse_exact(f.buf, f.len, &cfg, &l), -OVL_DROP_NO_TUNNEL,
				"%s: empty encap mask", f.name);
		cfg = rx_config(OVL_ENCAP_MASK_ALL & ~mask_of(f.v.encap_idx));
		rc = parse_exact(f.buf, f.len, &cfg, &l);
		CHECK(rc < 0 && rc > -OVL_DROP_MAX, "%s: every encap but its own expected: %d (%s)",
				f.name, rc, rc_name(rc));
		for (i = 0; ovl_encaps[i] != NULL; i++) {
			if (i == f.v.encap_idx)
				continue;
			cfg = rx_config(mask_of(i));
			rc = parse_exact(f.buf, f.len, &cfg, &l);
			CHECK(rc < 0 && rc > -OVL_DROP_MAX, "%s: only %s expected: %d (%s)", f.name,
					ovl_encaps[i]->name, rc, rc_name(rc));
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Truncation */

static void
test_truncation_at_every_length(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		const struct ovl_layers *fl = &f.l;
		uint8_t *fr = frame_scratch(&f); /* followed by PAD_LEN zero bytes of padding */
		uint32_t t;

		for (t = 0; t < f.len + PAD_LEN; t++) {
			struct ovl_layers l;
			int want, rc;

			if (t < RTE_ETHER_HDR_LEN)
				want = -OVL_DROP_TRUNC_ETH;
			else if (f.v.vlan && t < RTE_ETHER_HDR_LEN + OVL_VLAN_LEN)
				want = -OVL_DROP_TRUNC_VLAN;
			else if (t < (uint32_t)fl->l3 + OVL_IPV4_HDR_LEN)
				want = -OVL_DROP_TRUNC_IP;
			else if (t < fl->l3_end)
				want = -OVL_DROP_IP_TOTAL_LEN;
			else
				want = 0; /* only padding cut */
			rc = parse_exact(fr, t, &cfg, &l);
			EXPECT_RC(rc, want, "%s: truncated to %u bytes (%s)", f.name, t,
					layer_at(fl, t));
			if (want == 0)
				CHECK(l.l3_end == fl->l3_end && l.inner_end == fl->inner_end &&
						l.len == t, "%s: truncated to %u: l3_end %u inner_end %u",
						f.name, t, l.l3_end, l.inner_end);
		}
	}
}

/*
 * Cuts inside the tunnel and inner packet, the outer lengths rewritten so that the outer
 * packet ends at the cut: the encapsulation's own checks must catch it, each with its reason.
 */
static void
test_inner_truncation_with_consistent_outer_lengths(void **state)
{
	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		const struct ovl_layers *fl = &f.l;
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		uint8_t *fr;
		uint32_t cut;

		if (is_raw(fl))
			continue; /* no tunnel: see test_raw_l4_truncation_with_consistent_length */
		fr = frame_scratch(&f);
		for (cut = fl->l3 + OVL_IPV4_HDR_LEN; cut < fl->inner_end; cut++) {
			struct ovl_layers l;
			int want = expected_inner_cut(fl, cut);
			/* Cut before its port, a datagram is no tunnel's: only raw would take it. */
			int want_own = fl->tunnel != 0 && cut < (uint32_t)fl->tunnel + 4
				? -OVL_DROP_NO_TUNNEL : want;

			set_outer_end(fr, fl, cut, 0);
			EXPECT_RC(parse_exact(fr, cut, &all, &l), want,
					"%s: outer packet ends at %u (in %s), all encaps expected",
					f.name, cut, layer_at(fl, cut));
			EXPECT_RC(parse_exact(fr, cut, &own, &l), want_own,
					"%s: outer packet ends at %u (in %s), only %s expected", f.name, cut,
					layer_at(fl, cut), f.v.encap->name);
		}
	}
}

/*
 * raw: the only IP header is the inner one. A cut inside its transport header is
 * truncated-l4 when only raw is expected; with a UDP tunnel expected as well, a UDP datagram
 * cut inside its header is reported as truncated-udp, since the UDP tunnels check the header's
 * length before its port. A cut in the UDP payload is l4-length (the UDP length still counts
 * the whole payload); ICMP echo has no length of its own, so only the probe is checked.
 */
static void
test_raw_l4_truncation_with_consistent_length(void **state)
{
	const struct ovl_encap *vxlan = ovl_encap_find("vxlan");
	const struct ovl_encap *flannel = ovl_encap_find("flannel");
	int udp_tunnel_listed = vxlan != NULL || flannel != NULL;

	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		const struct ovl_layers *fl = &f.l;
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		uint8_t *fr;
		uint32_t cut;

		if (!is_raw(fl))
			continue;
		fr = frame_scratch(&f);
		for (cut = fl->l3 + OVL_IPV4_HDR_LEN; cut < fl->inner_end; cut++) {
			struct ovl_layers l;
			uint32_t n = cut > fl->probe ? cut - fl->probe : 0;
			int want_own, want_all;

			put16(fr + fl->l3 + IP_TOTAL, (uint16_t)(cut - fl->l3));
			ipv4_fix_cksum(fr + fl->l3);
			if (cut < (uint32_t)fl->l4 + OVL_UDP_HDR_LEN)
				want_own = -OVL_DROP_TRUNC_L4;
			else if (f.v.proto == IPPROTO_UDP)
				want_own = -OVL_DROP_L4_LEN;
			else if (n < 2)
				want_own = -OVL_DROP_NOT_PROBE;
			else if (n < f.lay.probe_len)
				want_own = -OVL_DROP_TRUNC_PROBE;
			else
				want_own = 0;
			/* Its port is no tunnel's: every mask gives raw's answer. */
			want_all = want_own;
			(void)udp_tunnel_listed;
			EXPECT_RC(parse_exact(fr, cut, &own, &l), want_own,
					"%s: IP packet ends at %u (in %s), only raw expected", f.name, cut,
					layer_at(fl, cut));
			EXPECT_RC(parse_exact(fr, cut, &all, &l), want_all,
					"%s: IP packet ends at %u (in %s), all encaps expected", f.name, cut,
					layer_at(fl, cut));
		}
	}
}

/*
 * The inner packet shrunk (every length and checksum consistent) until its transport payload
 * cannot hold the probe's form: fewer than 2 bytes cannot say which form, so not-probe; from
 * 2 bytes on, a known form that does not fit is truncated-probe. A payload of exactly the
 * probe's length is accepted.
 */
static void
test_payload_shorter_than_probe(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		uint32_t n;

		for (n = 0; n <= f.lay.probe_len; n++) {
			uint32_t len = frame_resize_inner(&f, OVL_INNER_HDR_LEN + n, scratch);
			struct ovl_layers l;
			int want = n < 2 ? -OVL_DROP_NOT_PROBE
				: n < f.lay.probe_len ? -OVL_DROP_TRUNC_PROBE : 0;

			EXPECT_RC(parse_exact(scratch, len, &cfg, &l), want,
					"%s: L4 payload of %u bytes (probe %u)", f.name, n, f.lay.probe_len);
			if (want == 0) {
				CHECK(l.payload_len == n, "%s: payload_len %u", f.name, l.payload_len);
				CHECK(ovl_frame_verify_cksums(scratch, &l) == 0,
						"%s: resized frame's checksums", f.name);
			}
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* IPv4 headers */

struct ip_case {
	const char *what;
	int field;        /* IP_VHL or IP_TOTAL */
	int value;        /* -1: total length one past the carrier */
	int reason;       /* counted from the truncated-ip reason, as ovl_ipv4_check does */
};

static const struct ip_case ip_cases[] = {
	{ "version 6", IP_VHL, 0x65, 1 },
	{ "version 0", IP_VHL, 0x05, 1 },
	{ "version 5", IP_VHL, 0x55, 1 },
	{ "version 15", IP_VHL, 0xF5, 1 },
	{ "version 6, IHL 4", IP_VHL, 0x64, 1 },
	{ "IHL 4", IP_VHL, 0x44, 2 },
	{ "IHL 0", IP_VHL, 0x40, 2 },
	{ "IHL 1", IP_VHL, 0x41, 2 },
	{ "IHL 6 (options)", IP_VHL, 0x46, 3 },
	{ "IHL 7", IP_VHL, 0x47, 3 },
	{ "IHL 15", IP_VHL, 0x4F, 3 },
	{ "total length past the carrier", IP_TOTAL, -1, 4 },
	{ "total length 65535", IP_TOTAL, 0xFFFF, 4 },
	{ "total length 19", IP_TOTAL, 19, 4 },
	{ "total length 1", IP_TOTAL, 1, 4 },
	{ "total length 0", IP_TOTAL, 0, 4 },
};

static void
test_outer_ip_header_fields(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		unsigned int c;

		for (c = 0; c < RTE_DIM(ip_cases); c++) {
			const struct ip_case *k = &ip_cases[c];
			uint8_t *ip = frame_scratch(&f) + f.l.l3;
			struct ovl_layers l;

			if (k->field == IP_VHL)
				ip[IP_VHL] = (uint8_t)k->value;
			else
				put16(ip + IP_TOTAL, (uint16_t)(k->value >= 0 ? k->value
						: (int)(f.len - f.l.l3 + 1)));
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l),
					-(OVL_DROP_TRUNC_IP + k->reason), "%s: outer IPv4 %s", f.name,
					k->what);
		}
	}
}

static void
test_inner_ip_header_fields(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		unsigned int c;

		if (is_raw(&f.l))
			continue; /* the only IP header: test_outer_ip_header_fields */
		for (c = 0; c < RTE_DIM(ip_cases); c++) {
			const struct ip_case *k = &ip_cases[c];
			uint8_t *ip = frame_scratch(&f) + f.l.inner_l3;
			struct ovl_layers l;

			if (k->field == IP_VHL)
				ip[IP_VHL] = (uint8_t)k->value;
			else
				put16(ip + IP_TOTAL, (uint16_t)(k->value >= 0 ? k->value
						: (int)(f.l.inner_end - f.l.inner_l3 + 1)));
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l),
					-(OVL_DROP_TRUNC_INNER_IP + k->reason), "%s: inner IPv4 %s",
					f.name, k->what);
		}
	}
}

/* A frame longer than its IP packet (Ethernet padding) is accepted; the layers end where the
 * IP packet does. */
static void
test_ethernet_padding_accepted(void **state)
{
	static const uint32_t pads[] = { 1, 2, PAD_LEN, 46, 255 };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		unsigned int p;

		for (p = 0; p < RTE_DIM(pads); p++) {
			uint32_t len = f.len + pads[p];
			struct ovl_layers l;
			uint8_t *keep;

			frame_scratch(&f);
			EXPECT_RC(parse_exact_keep(scratch, len, &cfg, &l, &keep), 0,
					"%s: %u bytes of padding", f.name, pads[p]);
			CHECK(l.len == len && l.l3_end == f.l.l3_end && l.inner_end == f.l.inner_end &&
					l.payload_len == f.l.payload_len,
					"%s: %u bytes of padding: len %u l3_end %u inner_end %u payload %u",
					f.name, pads[p], l.len, l.l3_end, l.inner_end, l.payload_len);
			CHECK(ovl_frame_verify_cksums(keep, &l) == 0 && ovl_frame_verify_fill(keep, &l) == 0,
					"%s: %u bytes of padding: checksums or fill", f.name, pads[p]);
			free(keep);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Ethernet, protocol, ports */

static void
test_non_ipv4_ethertype(void **state)
{
	static const uint16_t types[] = { 0x0806, 0x86DD, 0x88A8, 0x8847, 0x0000, 0xFFFF, 0x0008 };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		uint32_t off = f.v.vlan ? VLAN_TYPE : ETH_TYPE;
		unsigned int t;

		for (t = 0; t < RTE_DIM(types) + (f.v.vlan ? 1 : 0); t++) {
			/* Tagged frames also try a second tag (QinQ), which is not parsed. */
			uint16_t type = t < RTE_DIM(types) ? types[t] : RTE_ETHER_TYPE_VLAN;
			struct ovl_layers l;

			put16(frame_scratch(&f) + off, type);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_NOT_IPV4,
					"%s: EtherType 0x%04x at offset %u", f.name, type, off);
		}
	}
}

/* An outer protocol no encapsulation knows (neither UDP, ICMP nor IPIP) is no-tunnel. */
static void
test_unknown_outer_protocol(void **state)
{
	static const uint8_t protos[] = { 6, 47, 41, 50, 132, 0, 255 };

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		unsigned int p;

		for (p = 0; p < RTE_DIM(protos); p++) {
			uint8_t *ip = frame_scratch(&f) + f.l.l3;
			struct ovl_layers l;

			ip[IP_PROTO] = protos[p];
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &all, &l), -OVL_DROP_NO_TUNNEL,
					"%s: outer protocol %u, all encaps expected", f.name, protos[p]);
			EXPECT_RC(parse_exact(scratch, f.len, &own, &l), -OVL_DROP_NO_TUNNEL,
					"%s: outer protocol %u, only %s expected", f.name, protos[p],
					f.v.encap->name);
		}
	}
}

/*
 * A UDP tunnel frame to another destination port: no-tunnel when only that encapsulation is
 * expected. With every encapsulation expected, raw claims it as a plain UDP datagram, whose
 * payload (the tunnel header or inner packet) is not a probe.
 */
static void
test_tunnel_wrong_destination_port(void **state)
{
	static const uint16_t ports[] = { 4790, 8472, 6081, 0, 1, 65535 };

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		unsigned int p;

		if (f.l.tunnel == 0)
			continue;
		for (p = 0; p < RTE_DIM(ports); p++) {
			struct ovl_layers l;
			uint8_t *fr = frame_scratch(&f);

			CHECK(rte_cpu_to_be_16(ports[p]) != all.vxlan_port &&
					rte_cpu_to_be_16(ports[p]) != all.flannel_port, "port %u", ports[p]);
			put16(fr + f.l.tunnel + UDP_DPORT, ports[p]);
			if (get16(fr + f.l.tunnel + UDP_CKSUM) != 0)
				udp_fix_cksum(fr + f.l.l3, fr + f.l.tunnel);
			EXPECT_RC(parse_exact(fr, f.len, &own, &l), -OVL_DROP_NO_TUNNEL,
					"%s: outer UDP destination port %u, only %s expected", f.name,
					ports[p], f.v.encap->name);
			EXPECT_RC(parse_exact(fr, f.len, &all, &l), -OVL_DROP_NOT_PROBE,
					"%s: outer UDP destination port %u, all encaps expected (raw UDP)",
					f.name, ports[p]);
			CHECK(l.encap != NULL && l.encap->fallback, "%s: port %u not claimed by raw",
					f.name, ports[p]);
		}
	}
}

/* The rx config's ports are the ones matched: frames built for other ports parse with them. */
static void
test_tunnel_ports_from_rx_config(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	unsigned int n, i;
	struct variant *vs = variants(FORMS_AUTO, 0, &n);

	(void)state;
	cfg.vxlan_port = rte_cpu_to_be_16(8472);
	cfg.flannel_port = rte_cpu_to_be_16(8286);
	for (i = 0; i < n; i++) {
		struct ovl_frame_spec spec;
		struct ovl_frame_layout lay;
		struct ovl_probe probe;
		struct ovl_layers l, ld;
		struct ovl_rx_config defaults = rx_config(OVL_ENCAP_MASK_ALL);
		char err[256];
		int len, rc;

		ovl_frame_spec_defaults(&spec, vs[i].encap);
		spec.vlan = vs[i].vlan ? VLAN_ID : 0;
		spec.inner_proto = vs[i].proto;
		spec.size = vs[i].size;
		spec.vxlan_port = 8472;
		spec.flannel_port = 8286;
		CHECK(ovl_frame_layout(&spec, &lay, err, sizeof(err)) == 0, "%s", err);
		probe_values(&probe);
		len = ovl_frame_build(scratch, sizeof(scratch), &spec, &lay, &probe);
		CHECK(len > 0, "build %d", len);
		EXPECT_RC(parse_exact(scratch, (uint32_t)len, &cfg, &l), 0,
				"%s vlan=%d size=%u built for ports 8472/8286, rx config the same",
				vs[i].encap->name, vs[i].vlan, vs[i].size);
		CHECK(l.encap == vs[i].encap, "parsed as %s", l.encap->name);
		rc = parse_exact(scratch, (uint32_t)len, &defaults, &ld);
		if (l.tunnel != 0)
			EXPECT_RC(rc, -OVL_DROP_NOT_PROBE,
					"%s vlan=%d size=%u built for ports 8472/8286, default rx ports",
					vs[i].encap->name, vs[i].vlan, vs[i].size);
		else
			EXPECT_RC(rc, 0, "%s: no UDP tunnel, ports do not matter", vs[i].encap->name);
	}
	free(vs);
}

/* Outer UDP length: longer than the IP packet or < 8 is udp-length; shorter leaves the inner
 * packet cut (the rest of the IP packet is ignored) and the inner checks catch it. */
static void
test_outer_udp_length(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		const struct ovl_layers *fl = &f.l;
		uint32_t full, u;
		static const uint16_t bad[] = { 0, 1, 7 };
		unsigned int b;
		struct ovl_layers l;
		uint8_t *fr;

		if (fl->tunnel == 0)
			continue;
		full = fl->l3_end - fl->tunnel;
		for (b = 0; b < RTE_DIM(bad) + 2; b++) {
			uint16_t v = b < RTE_DIM(bad) ? bad[b] : b == RTE_DIM(bad) ? full + 1 : 0xFFFF;

			fr = frame_scratch(&f);
			put16(fr + fl->tunnel + UDP_LEN, v);
			put16(fr + fl->tunnel + UDP_CKSUM, 0);
			EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), -OVL_DROP_UDP_LEN,
					"%s: outer UDP length %u (IP payload %u)", f.name, v, full);
		}
		/* The outer IP packet one byte shorter, the UDP length unchanged. */
		fr = frame_scratch(&f);
		put16(fr + fl->l3 + IP_TOTAL, (uint16_t)(fl->l3_end - fl->l3 - 1));
		ipv4_fix_cksum(fr + fl->l3);
		EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), -OVL_DROP_UDP_LEN,
				"%s: outer IP total length one short of the UDP length", f.name);
		for (u = OVL_UDP_HDR_LEN; u < full; u += u < 128 ? 1 : 509) {
			int want = expected_inner_cut(fl, fl->tunnel + u);

			fr = frame_scratch(&f);
			put16(fr + fl->tunnel + UDP_LEN, (uint16_t)u);
			put16(fr + fl->tunnel + UDP_CKSUM, 0);
			EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), want,
					"%s: outer UDP length %u of %u (ends in %s)", f.name, u, full,
					layer_at(fl, fl->tunnel + u));
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* VXLAN */

#define FOR_EACH_VXLAN_FRAME(f) \
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) \
		if (f.v.encap == ovl_encap_find("vxlan"))

static void
skip_without_vxlan(void)
{
	if (ovl_encap_find("vxlan") == NULL)
		skip();
}

/* Linux drops VXLAN-GPE (flags 0x0C) and any flag or reserved bit other than I. */
static void
test_vxlan_flags_and_reserved_bits(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	skip_without_vxlan();
	FOR_EACH_VXLAN_FRAME(f) {
		uint32_t vx = f.l.tunnel + OVL_UDP_HDR_LEN;
		unsigned int v, byte, bit;
		struct ovl_layers l;

		CHECK(f.buf[vx + VXLAN_FLAGS] == 0x08, "%s: flags 0x%02x", f.name,
				f.buf[vx + VXLAN_FLAGS]);
		frame_scratch(&f)[vx + VXLAN_FLAGS] = 0x0C;
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_TUNNEL_FLAGS,
				"%s: VXLAN-GPE flags 0x0C", f.name);
		for (v = 0; v < 256; v++) {
			frame_scratch(&f)[vx + VXLAN_FLAGS] = (uint8_t)v;
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l),
					v == 0x08 ? 0 : -OVL_DROP_TUNNEL_FLAGS, "%s: VXLAN flags 0x%02x",
					f.name, v);
		}
		/* The 24 reserved bits after the flags and the 8 after the VNI. */
		for (byte = 1; byte < VXLAN_LEN; byte++) {
			if (byte >= VXLAN_VNI && byte < VXLAN_VNI + 3)
				continue;
			for (bit = 0; bit < 8; bit++) {
				frame_scratch(&f)[vx + byte] ^= (uint8_t)(1u << bit);
				EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_TUNNEL_FLAGS,
						"%s: VXLAN reserved byte %u bit %u set", f.name, byte, bit);
			}
		}
	}
}

static void
test_vxlan_vni_filter(void **state)
{
	static const struct {
		int64_t rx_vni;
		int want;
	} cases[] = {
		{ -1, 0 }, { 42, 0 }, { 43, -OVL_DROP_TUNNEL_ID }, { 0, -OVL_DROP_TUNNEL_ID },
		{ 0xFFFFFF, -OVL_DROP_TUNNEL_ID }, { 42 << 8, -OVL_DROP_TUNNEL_ID },
	};

	(void)state;
	skip_without_vxlan();
	FOR_EACH_VXLAN_FRAME(f) {
		uint32_t vx = f.l.tunnel + OVL_UDP_HDR_LEN;
		unsigned int c;
		struct ovl_layers l;
		struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

		CHECK(f.buf[vx + VXLAN_VNI] == 0 && f.buf[vx + VXLAN_VNI + 1] == 0 &&
				f.buf[vx + VXLAN_VNI + 2] == 42 && f.buf[vx + VXLAN_VNI + 3] == 0,
				"%s: default VNI 42", f.name);
		for (c = 0; c < RTE_DIM(cases); c++) {
			cfg.vni = cases[c].rx_vni;
			EXPECT_RC(parse_exact(f.buf, f.len, &cfg, &l), cases[c].want,
					"%s: frame VNI 42, rx vni %" PRId64, f.name, cases[c].rx_vni);
		}
		/* The largest VNI, expected and not. */
		frame_scratch(&f);
		scratch[vx + VXLAN_VNI] = scratch[vx + VXLAN_VNI + 1] = scratch[vx + VXLAN_VNI + 2] = 0xFF;
		cfg.vni = 0xFFFFFF;
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), 0, "%s: VNI 0xFFFFFF expected",
				f.name);
		cfg.vni = 0xFFFFFE;
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_TUNNEL_ID,
				"%s: VNI 0xFFFFFF, 0xFFFFFE expected", f.name);
		cfg.vni = -1;
		EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), 0, "%s: VNI 0xFFFFFF, any expected",
				f.name);
	}
}

static void
test_vxlan_inner_ethertype_not_ipv4(void **state)
{
	static const uint16_t types[] = { 0x86DD, 0x0806, 0x8100, 0x0000, 0x0008, 0xFFFF };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	skip_without_vxlan();
	FOR_EACH_VXLAN_FRAME(f) {
		unsigned int t;
		struct ovl_layers l;

		CHECK(f.l.inner_l2 != 0, "%s: no inner Ethernet", f.name);
		for (t = 0; t < RTE_DIM(types); t++) {
			put16(frame_scratch(&f) + f.l.inner_l2 + ETH_TYPE, types[t]);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_INNER_NOT_IPV4,
					"%s: inner EtherType 0x%04x", f.name, types[t]);
			/* The inner Ethernet header is still located (an inner ARP is answered). */
			CHECK(l.encap == f.v.encap && l.inner_l2 == f.l.inner_l2 &&
					l.tunnel == f.l.tunnel, "%s: inner EtherType 0x%04x: inner_l2 %u",
					f.name, types[t], l.inner_l2);
		}
	}
}

/* The outer source port is the sender's flow hash: any value is accepted. */
static void
test_vxlan_any_source_port(void **state)
{
	static const uint16_t ports[] = { 33000, 32768, 60999, 0, 1, 4789, 49152, 65535 };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	skip_without_vxlan();
	FOR_EACH_VXLAN_FRAME(f) {
		unsigned int p;
		struct ovl_layers l;

		CHECK(get16(f.buf + f.l.tunnel + UDP_SPORT) >= 49152, "%s: source port %u", f.name,
				get16(f.buf + f.l.tunnel + UDP_SPORT));
		for (p = 0; p < RTE_DIM(ports); p++) {
			put16(frame_scratch(&f) + f.l.tunnel + UDP_SPORT, ports[p]);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), 0,
					"%s: outer UDP source port %u", f.name, ports[p]);
			CHECK(same_layers(&l, &f.l), "%s: source port %u changed the layers", f.name,
					ports[p]);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Fragments */

static const uint16_t frag_fields[] = {
	RTE_IPV4_HDR_MF_FLAG,                        /* first fragment */
	RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_DF_FLAG,
	1,                                           /* last fragment at offset 8 */
	RTE_IPV4_HDR_MF_FLAG | 185,
	RTE_IPV4_HDR_OFFSET_MASK,
	RTE_IPV4_HDR_DF_FLAG | 1,
};

/*
 * An outer fragment has no tunnel header to go by: with raw expected, a UDP or ICMP fragment is
 * a raw fragment to reassemble (1); any other protocol, or without raw, it is ip-fragment.
 */
static void
test_outer_fragment(void **state)
{
	uint32_t no_fallback = 0;
	int i;

	(void)state;
	for (i = 0; ovl_encaps[i] != NULL; i++)
		if (!ovl_encaps[i]->fallback)
			no_fallback |= mask_of(i);
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		struct ovl_rx_config all = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_rx_config nofb = rx_config(no_fallback);
		struct ovl_rx_config own = rx_config(mask_of(f.v.encap_idx));
		unsigned int k;

		for (k = 0; k < RTE_DIM(frag_fields); k++) {
			uint8_t *ip = frame_scratch(&f) + f.l.l3;
			struct ovl_layers l;

			/* Raw takes only what it could carry: a UDP or ICMP fragment. */
			int raw_proto = ip[9] == IPPROTO_UDP || ip[9] == IPPROTO_ICMP;

			put16(ip + IP_FRAG, frag_fields[k]);
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &all, &l), raw_proto ? 1 : -OVL_DROP_IP_FRAGMENT,
					"%s: outer fragment field 0x%04x, all encaps expected", f.name,
					frag_fields[k]);
			if (!raw_proto)
				continue;
			CHECK(l.fragment && l.encap != NULL && l.encap->fallback &&
					l.inner_l3 == l.l3 && l.inner_end == f.l.l3_end && l.l4 == 0 &&
					l.tunnel == 0, "%s: outer fragment 0x%04x: layers", f.name,
					frag_fields[k]);
			CHECK(ovl_frame_verify_cksums(scratch, &l) == 0,
					"%s: outer fragment 0x%04x: header checksum", f.name, frag_fields[k]);
			EXPECT_RC(parse_exact(scratch, f.len, &nofb, &l), -OVL_DROP_IP_FRAGMENT,
					"%s: outer fragment field 0x%04x, raw not expected", f.name,
					frag_fields[k]);
			EXPECT_RC(parse_exact(scratch, f.len, &own, &l),
					f.v.encap->fallback ? 1 : -OVL_DROP_IP_FRAGMENT,
					"%s: outer fragment field 0x%04x, only %s expected", f.name,
					frag_fields[k], f.v.encap->name);
		}
		/* DF alone is not a fragment. */
		EXPECT_RC(parse_exact(f.buf, f.len, &all, &(struct ovl_layers){ 0 }), 0,
				"%s: unfragmented", f.name);
	}
}

/* An inner fragment is found (1, l.fragment) with the layers up to the inner IPv4 header. */
static void
test_inner_fragment(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		unsigned int k;

		if (is_raw(&f.l))
			continue; /* raw's only header is the outer one: test_outer_fragment */
		for (k = 0; k < RTE_DIM(frag_fields); k++) {
			uint8_t *ip = frame_scratch(&f) + f.l.inner_l3;
			struct ovl_layers l;

			put16(ip + IP_FRAG, frag_fields[k]);
			ipv4_fix_cksum(ip);
			if (f.l.tunnel != 0 && get16(scratch + f.l.tunnel + UDP_CKSUM) != 0)
				udp_fix_cksum(scratch + f.l.l3, scratch + f.l.tunnel);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), 1,
					"%s: inner fragment field 0x%04x", f.name, frag_fields[k]);
			CHECK(l.fragment && l.encap == f.v.encap && l.l3 == f.l.l3 &&
					l.tunnel == f.l.tunnel && l.inner_l2 == f.l.inner_l2 &&
					l.inner_l3 == f.l.inner_l3 && l.inner_end == f.l.inner_end &&
					l.l3_end == f.l.l3_end && l.l4 == 0 && l.payload_len == 0,
					"%s: inner fragment 0x%04x: layers", f.name, frag_fields[k]);
			CHECK(ovl_frame_verify_cksums(scratch, &l) == 0,
					"%s: inner fragment 0x%04x: checksums", f.name, frag_fields[k]);
			/*
			 * Turned around without its transport header (only a first fragment has
			 * one): addresses swapped, every byte from the inner L4 offset untouched,
			 * checksums still valid; twice restores it.
			 */
			memcpy(scratch2, scratch, f.len);
			ovl_frame_turnaround(scratch2, &l);
			CHECK(memcmp(scratch2 + f.l.l4, scratch + f.l.l4, f.len - f.l.l4) == 0 &&
					memcmp(scratch2 + f.l.inner_l3 + IP_SRC,
						scratch + f.l.inner_l3 + IP_DST, 4) == 0 &&
					memcmp(scratch2 + f.l.inner_l3 + IP_DST,
						scratch + f.l.inner_l3 + IP_SRC, 4) == 0,
					"%s: inner fragment 0x%04x turned around", f.name, frag_fields[k]);
			CHECK(ovl_frame_verify_cksums(scratch2, &l) == 0,
					"%s: inner fragment 0x%04x: checksums after turnaround", f.name,
					frag_fields[k]);
			ovl_frame_turnaround(scratch2, &l);
			CHECK(memcmp(scratch2, scratch, f.len) == 0,
					"%s: inner fragment 0x%04x: twice restores", f.name, frag_fields[k]);
		}
	}
}

/* A reassembled inner packet on its own (inner_l3 = 0) goes through ovl_parse_inner. */
static void
test_parse_inner_on_reassembled_packet(void **state)
{
	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		uint32_t n = f.l.inner_end - f.l.inner_l3, t;
		struct ovl_layers l;
		uint8_t *pkt = malloc(n);
		int rc;

		CHECK(pkt != NULL, "malloc");
		memcpy(pkt, f.buf + f.l.inner_l3, n);
		memset(&l, 0, sizeof(l));
		l.encap = f.l.encap;
		l.inner_l3 = 0;
		l.inner_end = (uint16_t)n;
		rc = ovl_parse_inner(pkt, &l);
		EXPECT_RC(rc, 0, "%s: inner packet of %u bytes alone", f.name, n);
		CHECK(l.l4 == OVL_IPV4_HDR_LEN && l.probe == OVL_INNER_HDR_LEN &&
				l.inner_end == n && l.payload_len == f.l.payload_len &&
				l.l4_proto == f.v.proto, "%s: layers of the inner packet alone", f.name);
		free(pkt);
		/* Cut short: the inner IPv4 checks. */
		for (t = 0; t < n; t += t < 64 ? 1 : 997) {
			int want = t < OVL_IPV4_HDR_LEN ? -OVL_DROP_TRUNC_INNER_IP
							: -OVL_DROP_INNER_IP_TOTAL_LEN;

			pkt = malloc(t);
			if (t != 0)
				memcpy(pkt, f.buf + f.l.inner_l3, t);
			memset(&l, 0, sizeof(l));
			l.inner_end = (uint16_t)t;
			EXPECT_RC(ovl_parse_inner(pkt, &l), want, "%s: inner packet alone cut to %u",
					f.name, t);
			free(pkt);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Inner transport and probe */

static void
test_inner_protocol_not_udp_or_icmp(void **state)
{
	static const uint8_t protos[] = { 6, 47, 58, 4, 0, 255 };
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		unsigned int p;

		for (p = 0; p < RTE_DIM(protos); p++) {
			uint8_t *ip = frame_scratch(&f) + f.l.inner_l3;
			struct ovl_layers l;
			/*
			 * raw's IPv4 header is also the outer one: no encapsulation claims other
			 * protocols (an outer 4 is IPIP, whose "inner packet" is the UDP/ICMP header).
			 */
			int want = !is_raw(&f.l) ? -OVL_DROP_INNER_PROTO : -OVL_DROP_NO_TUNNEL;

			if (is_raw(&f.l) && protos[p] == IPPROTO_IPIP)
				continue;
			ip[IP_PROTO] = protos[p];
			ipv4_fix_cksum(ip);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), want,
					"%s: inner protocol %u", f.name, protos[p]);
		}
	}
}

static void
test_icmp_type_and_code(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		uint32_t icmp_len = f.l.inner_end - f.l.l4;
		unsigned int type, code;

		if (f.v.proto != IPPROTO_ICMP)
			continue;
		CHECK(f.buf[f.l.l4 + ICMP_TYPE] == RTE_IP_ICMP_ECHO_REQUEST, "%s: type %u", f.name,
				f.buf[f.l.l4 + ICMP_TYPE]);
		for (type = 0; type < 256; type++) {
			uint8_t *icmp = frame_scratch(&f) + f.l.l4;
			struct ovl_layers l;
			int want = type == RTE_IP_ICMP_ECHO_REQUEST || type == RTE_IP_ICMP_ECHO_REPLY
				? 0 : -OVL_DROP_ICMP_TYPE;

			icmp[ICMP_TYPE] = (uint8_t)type;
			icmp_fix_cksum(icmp, icmp_len);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), want, "%s: ICMP type %u",
					f.name, type);
		}
		for (code = 1; code < 256; code += 37) {
			uint8_t *icmp = frame_scratch(&f) + f.l.l4;
			struct ovl_layers l;

			icmp[ICMP_CODE] = (uint8_t)code;
			icmp_fix_cksum(icmp, icmp_len);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_ICMP_TYPE,
					"%s: ICMP echo request code %u", f.name, code);
			icmp[ICMP_TYPE] = RTE_IP_ICMP_ECHO_REPLY;
			icmp_fix_cksum(icmp, icmp_len);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_ICMP_TYPE,
					"%s: ICMP echo reply code %u", f.name, code);
		}
	}
}

/*
 * Inner UDP length other than its IP payload: l4-length, longer or shorter (bytes after the
 * datagram are damage in flight; Ethernet padding lies outside the IP packet).
 */
static void
test_inner_udp_length(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		uint32_t ip_payload = f.l.inner_end - f.l.l4;
		uint32_t cases[] = {
			ip_payload + 1, 0xFFFF, 0, 1, 7,                                 /* l4-length */
			ip_payload,                                                      /* accepted */
			ip_payload - 1, OVL_UDP_HDR_LEN + f.lay.probe_len, OVL_UDP_HDR_LEN, /* l4-length */
		};
		unsigned int c;

		if (f.v.proto != IPPROTO_UDP)
			continue;
		for (c = 0; c < RTE_DIM(cases); c++) {
			uint8_t *udp = frame_scratch(&f) + f.l.l4;
			int want = cases[c] == ip_payload ? 0 : -OVL_DROP_L4_LEN;
			struct ovl_layers l;

			put16(udp + UDP_LEN, (uint16_t)cases[c]);
			put16(udp + UDP_CKSUM, 0);

			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), want,
					"%s: inner UDP length %u (IP payload %u)", f.name, cases[c],
					ip_payload);
			if (want == 0)
				CHECK(l.payload_len == cases[c] - OVL_UDP_HDR_LEN,
						"%s: UDP length %u: payload_len %u", f.name, cases[c],
						l.payload_len);
		}
	}
}

static void
test_probe_magic(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		unsigned int v;

		CHECK(f.buf[f.l.probe] == OVL_PROBE_MAGIC, "%s: magic", f.name);
		for (v = 0; v < 256; v++) {
			struct ovl_layers l;

			frame_scratch(&f)[f.l.probe] = (uint8_t)v;
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l),
					v == OVL_PROBE_MAGIC ? 0 : -OVL_DROP_NOT_PROBE,
					"%s: probe magic 0x%02x", f.name, v);
		}
	}
}

/*
 * Version and form: compact probes are version 1 only; full probes of any later version are
 * read (later versions only append); unknown forms are probe-version.
 */
static void
test_probe_version_and_form(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		unsigned int version, form;
		struct ovl_layers l;

		CHECK(f.buf[f.l.probe + PROBE_VF] == (OVL_PROBE_VERSION << 4 | f.lay.probe_form),
				"%s: version/form 0x%02x", f.name, f.buf[f.l.probe + PROBE_VF]);
		if (f.lay.probe_form == OVL_PROBE_COMPACT) {
			frame_scratch(&f)[f.l.probe + PROBE_VF] = 2 << 4 | OVL_PROBE_COMPACT;
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), -OVL_DROP_PROBE_VERSION,
					"%s: compact probe version 2", f.name);
		}
		for (version = 0; version < 16; version++)
			for (form = 0; form < 16; form++) {
				int want;

				if (form == OVL_PROBE_COMPACT || form == OVL_PROBE_FULL) {
					if (form != f.lay.probe_form)
						continue; /* the other form's fields are not in this frame */
					want = form == OVL_PROBE_COMPACT
						? (version == OVL_PROBE_VERSION ? 0 : -OVL_DROP_PROBE_VERSION)
						: (version >= OVL_PROBE_VERSION ? 0 : -OVL_DROP_PROBE_VERSION);
				} else {
					want = -OVL_DROP_PROBE_VERSION;
				}
				frame_scratch(&f)[f.l.probe + PROBE_VF] = (uint8_t)(version << 4 | form);
				EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), want,
						"%s: probe version %u form %u", f.name, version, form);
			}
	}
}

/* The full probe's length field: below 64 or beyond the payload is truncated-probe. */
static void
test_full_probe_length_field(void **state)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_EXPLICIT, 0, f) {
		uint32_t pl = f.l.payload_len;
		uint32_t cases[] = { 0, 1, 18, 63, pl + 1, 0xFFFF, 64, pl };
		int wants[] = {
			-OVL_DROP_TRUNC_PROBE, -OVL_DROP_TRUNC_PROBE, -OVL_DROP_TRUNC_PROBE,
			-OVL_DROP_TRUNC_PROBE, -OVL_DROP_TRUNC_PROBE, -OVL_DROP_TRUNC_PROBE, 0, 0,
		};
		unsigned int c;

		if (f.lay.probe_form != OVL_PROBE_FULL)
			continue;
		CHECK(get16(f.buf + f.l.probe + PROBE_FULL_LENGTH) == OVL_PROBE_FULL_LEN,
				"%s: probe length field", f.name);
		for (c = 0; c < RTE_DIM(cases); c++) {
			struct ovl_layers l;

			if (cases[c] > 0xFFFF)
				continue;
			put16(frame_scratch(&f) + f.l.probe + PROBE_FULL_LENGTH, (uint16_t)cases[c]);
			EXPECT_RC(parse_exact(scratch, f.len, &cfg, &l), wants[c],
					"%s: full probe length field %u (payload %u)", f.name, cases[c], pl);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Turnaround */

/* What one turnaround must make of orig: built here byte by byte, independently of the library. */
static void
expected_turnaround(const struct ovl_layers *l, const uint8_t *orig, uint32_t len, uint8_t *exp,
		int swap_tunnel_ports)
{
	memcpy(exp, orig, len);
	swap_bytes(exp, exp + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	if (!is_raw(l))
		swap_bytes(exp + l->l3 + IP_SRC, exp + l->l3 + IP_DST, 4);
	swap_bytes(exp + l->inner_l3 + IP_SRC, exp + l->inner_l3 + IP_DST, 4);
	if (l->l4_proto == IPPROTO_UDP) {
		swap_bytes(exp + l->l4 + UDP_SPORT, exp + l->l4 + UDP_DPORT, 2);
	} else {
		exp[l->l4 + ICMP_TYPE] = exp[l->l4 + ICMP_TYPE] == RTE_IP_ICMP_ECHO_REQUEST
			? RTE_IP_ICMP_ECHO_REPLY : RTE_IP_ICMP_ECHO_REQUEST;
		icmp_fix_cksum(exp + l->l4, l->inner_end - l->l4);
	}
	if (l->inner_l2 != 0)
		swap_bytes(exp + l->inner_l2, exp + l->inner_l2 + RTE_ETHER_ADDR_LEN,
				RTE_ETHER_ADDR_LEN);
	if (l->tunnel != 0 && swap_tunnel_ports)
		swap_bytes(exp + l->tunnel + UDP_SPORT, exp + l->tunnel + UDP_DPORT, 2);
}

static long
first_difference(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

/*
 * A copy of f whose outer UDP source port differs from its destination port (flannel sends
 * from 8285 to 8285, where swapping would go unseen), outer UDP checksum kept valid.
 */
static void
with_outer_source_port(const struct frame *f, uint16_t port, uint8_t *out)
{
	memcpy(out, f->buf, f->len);
	put16(out + f->l.tunnel + UDP_SPORT, port);
	if (get16(out + f->l.tunnel + UDP_CKSUM) != 0)
		udp_fix_cksum(out + f->l.l3, out + f->l.tunnel);
}

static void
check_turnaround_once(const struct frame *f, const uint8_t *orig, const char *what)
{
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	const struct ovl_layers *fl = &f->l;
	const char *name = f->v.encap->name;
	int rule = strcmp(name, "vxlan") == 0 ? 0 : strcmp(name, "flannel") == 0 ? 1 : -1;
	uint8_t *fr = scratch;
	struct ovl_layers l;
	long d;

	memcpy(fr, orig, f->len);
	ovl_frame_turnaround(fr, fl);
	expected_turnaround(fl, orig, f->len, scratch2, rule == 1);
	d = first_difference(fr, scratch2, f->len);
	if (d >= 0 && rule == -1 && fl->tunnel != 0) {
		/* An encapsulation this test does not know: either port rule. */
		expected_turnaround(fl, orig, f->len, scratch2, 1);
		d = first_difference(fr, scratch2, f->len);
	}
	CHECK(d < 0, "%s, %s: after one turnaround byte %ld (%s) is 0x%02x, expected 0x%02x "
			"(originally 0x%02x)", f->name, what, d, layer_at(fl, (uint32_t)d),
			d >= 0 ? fr[d] : 0, d >= 0 ? scratch2[d] : 0, d >= 0 ? orig[d] : 0);
	CHECK(ovl_frame_verify_cksums(fr, fl) == 0, "%s, %s: checksums after turnaround: %d",
			f->name, what, ovl_frame_verify_cksums(fr, fl));
	if (f->v.proto == IPPROTO_ICMP)
		CHECK(fr[fl->l4 + ICMP_TYPE] == RTE_IP_ICMP_ECHO_REPLY, "%s: ICMP type %u", f->name,
				fr[fl->l4 + ICMP_TYPE]);
	/* Still to the tunnel's port (all but a swapped source port that is not it): parses. */
	if (fl->tunnel == 0 || get16(fr + fl->tunnel + UDP_DPORT) == get16(orig + fl->tunnel + UDP_DPORT)) {
		EXPECT_RC(parse_exact(fr, f->len, &cfg, &l), 0, "%s, %s: turned-around frame",
				f->name, what);
		CHECK(same_layers(&l, fl), "%s, %s: turned-around frame has other layers", f->name,
				what);
		CHECK(ovl_frame_verify_fill(fr, &l) == 0, "%s, %s: fill after turnaround", f->name,
				what);
	}
}

/*
 * Once: outer MACs, outer and inner IPs and inner ports swapped (ICMP: request <-> reply),
 * and the tunnel's own rule: vxlan swaps the inner MACs and keeps the outer ports (a VTEP
 * answers to the VXLAN port); flannel swaps the outer ports. Nothing else changes; every
 * checksum still verifies and the frame still parses.
 */
static void
test_turnaround_once(void **state)
{
	static uint8_t orig[SCRATCH_LEN];

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		check_turnaround_once(&f, f.buf, "as built");
		if (f.l.tunnel != 0) {
			with_outer_source_port(&f, 33000, orig);
			check_turnaround_once(&f, orig, "outer UDP source port 33000");
		}
	}
}

/* Twice (each time after parsing the frame as received): byte-identical to the original. */
static void
test_turnaround_twice_restores_frame(void **state)
{
	static uint8_t orig[SCRATCH_LEN];
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 1, f) {
		uint8_t *fr = frame_scratch(&f);
		struct ovl_layers l;
		long d;

		ovl_frame_turnaround(fr, &f.l);
		EXPECT_RC(parse_exact(fr, f.len, &cfg, &l), 0, "%s: turned around once", f.name);
		ovl_frame_turnaround(fr, &l);
		d = first_difference(fr, f.buf, f.len);
		CHECK(d < 0, "%s: after two turnarounds byte %ld (%s) is 0x%02x, was 0x%02x",
				f.name, d, layer_at(&f.l, (uint32_t)d), d >= 0 ? fr[d] : 0,
				d >= 0 ? f.buf[d] : 0);
		/* The same with the original layers both times. */
		frame_scratch(&f);
		ovl_frame_turnaround(scratch, &f.l);
		ovl_frame_turnaround(scratch, &f.l);
		CHECK(memcmp(scratch, f.buf, f.len) == 0, "%s: twice with the same layers", f.name);
		if (f.l.tunnel != 0) {
			with_outer_source_port(&f, 33000, orig);
			memcpy(scratch, orig, f.len);
			ovl_frame_turnaround(scratch, &f.l);
			ovl_frame_turnaround(scratch, &f.l);
			CHECK(memcmp(scratch, orig, f.len) == 0,
					"%s: twice, outer UDP source port 33000", f.name);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Random mutations */


/* The layers of an accepted (0) or fragment (1) parse are ordered and inside the buffer. */
static void
check_layers_sound(const struct ovl_layers *l, int rc, uint32_t len, unsigned long iter,
		const char *name)
{
	CHECK(l->encap != NULL && ovl_encap_index(l->encap) >= 0, "mutation %lu of %s: encap",
			iter, name);
	CHECK(l->len == len && (l->l3 == RTE_ETHER_HDR_LEN ||
			l->l3 == RTE_ETHER_HDR_LEN + OVL_VLAN_LEN) &&
			l->vlan == (l->l3 != RTE_ETHER_HDR_LEN),
			"mutation %lu of %s: len %u l3 %u vlan %u", iter, name, l->len, l->l3, l->vlan);
	CHECK(l->l3 + OVL_IPV4_HDR_LEN <= l->l3_end && l->l3_end <= len,
			"mutation %lu of %s: l3 %u l3_end %u len %u", iter, name, l->l3, l->l3_end, len);
	CHECK(l->inner_l3 + OVL_IPV4_HDR_LEN <= l->inner_end && l->inner_end <= l->l3_end,
			"mutation %lu of %s: inner_l3 %u inner_end %u l3_end %u", iter, name,
			l->inner_l3, l->inner_end, l->l3_end);
	if (l->encap->fallback)
		CHECK(l->l3 == l->inner_l3, "mutation %lu of %s: raw l3 %u inner_l3 %u", iter, name,
				l->l3, l->inner_l3);
	else
		CHECK(l->l3 < l->inner_l3, "mutation %lu of %s: l3 %u inner_l3 %u", iter, name,
				l->l3, l->inner_l3);
	if (l->tunnel != 0)
		CHECK(l->tunnel == l->l3 + OVL_IPV4_HDR_LEN &&
				l->tunnel + OVL_UDP_HDR_LEN <= l->inner_l3,
				"mutation %lu of %s: tunnel %u", iter, name, l->tunnel);
	if (l->inner_l2 != 0)
		CHECK(l->inner_l2 + RTE_ETHER_HDR_LEN == l->inner_l3 && l->inner_l2 > l->tunnel,
				"mutation %lu of %s: inner_l2 %u", iter, name, l->inner_l2);
	if (rc == 1) {
		CHECK(l->fragment && l->l4 == 0, "mutation %lu of %s: fragment", iter, name);
		return;
	}
	CHECK(!l->fragment, "mutation %lu of %s: accepted fragment", iter, name);
	CHECK(l->inner_l3 < l->l4 && l->l4 < l->probe && l->probe <= l->inner_end,
			"mutation %lu of %s: inner_l3 %u l4 %u probe %u inner_end %u", iter, name,
			l->inner_l3, l->l4, l->probe, l->inner_end);
	CHECK((uint32_t)l->probe + l->payload_len <= l->inner_end,
			"mutation %lu of %s: probe %u payload %u inner_end %u", iter, name, l->probe,
			l->payload_len, l->inner_end);
	CHECK(l->l4_proto == IPPROTO_UDP || l->l4_proto == IPPROTO_ICMP,
			"mutation %lu of %s: l4_proto %u", iter, name, l->l4_proto);
}

static uint32_t
random_offset(uint32_t len, uint32_t hot)
{
	if (len == 0)
		return 0;
	/* Mostly the headers and the probe; sometimes anywhere. */
	return rng_below(4) != 0 ? rng_below(hot < len ? hot : len) : rng_below(len);
}

/*
 * A fixed-seed run of random damage (1-4 bytes or 16-bit words changed, random
 * padding or truncation): ovl_parse never reads outside the frame, returns 0, 1 or a drop
 * reason, and on 0 or 1 gives sound layers on which the checksum, fill and turnaround
 * functions work without crashing.
 */
/*
 * The memo answers a damaged frame as ovl_parse does: primed with the undamaged frame (whose
 * headers it then holds), it is given the damaged one, and must return the same verdict and,
 * for a probe, the same layers, whether it hit or missed.
 */
static void
check_memo_agrees(const struct frame *f, const uint8_t *buf, uint32_t len,
		const struct ovl_rx_config *cfg, int want_rc, const struct ovl_layers *want,
		unsigned long iter)
{
	static struct ovl_parse_memo memo;
	struct ovl_layers l;
	int rc;

	memset(&memo, 0, sizeof(memo));
	ovl_parse_memo(&memo, f->buf, f->len, cfg, &l);
	rc = ovl_parse_memo(&memo, buf, len, cfg, &l);
	CHECK(rc == want_rc, "mutation %lu of %s (len %u): the memo said %s, ovl_parse %s (memo hits %" PRIu64 ", again %s)",
			iter, f->name, len, rc_name(rc), rc_name(want_rc), memo.hits, rc_name(ovl_parse(buf, len, cfg, &l)));
	CHECK(rc != 0 || same_layers(&l, want), "mutation %lu of %s: the memo's layers differ",
			iter, f->name);
	memo_hits += memo.hits;
}

static void
test_random_mutations(void **state)
{
	static const uint16_t words[] = {
		0, 1, 7, 8, 19, 20, 21, 0x45, 0x0800, 0x8100, 0x4500, 0x4600, 0x2000, 0x4000,
		0x0811, 0x1101, 0x12FF, 0xA911, 0xA912, 0x12B5, 4789, 8285, 0x7FFF, 0x8000, 0xFFFF,
	};
	unsigned int n_frames = 0, n_var, i;
	struct variant *vs = variants(FORMS_EXPLICIT, 1, &n_var);
	struct frame *frames = calloc(n_var, sizeof(*frames));
	unsigned long counts[OVL_DROP_MAX + 2] = { 0 }, iter;
	unsigned int distinct = 0;
	clock_t start = clock();

	(void)state;
	CHECK(frames != NULL, "calloc");
	for (i = 0; i < n_var; i++)
		if (frame_build(&vs[i], &frames[n_frames]) == 0)
			n_frames++;
	rng_state = MUTATION_SEED;
	for (iter = 0; iter < MUTATIONS; iter++) {
		const struct frame *f = &frames[iter % n_frames];
		uint32_t len = f->len, hot = f->l.probe + OVL_PROBE_FULL_LEN + 8;
		uint32_t kind = rng_below(16), k, n;
		struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
		struct ovl_layers l;
		uint8_t *buf;
		int rc;

		frame_scratch(f);
		if (kind == 0)
			len += 1 + rng_below(64); /* zero padding */
		if (kind < 13) {
			n = 1 + rng_below(4);
			for (k = 0; k < n; k++) {
				uint32_t off = random_offset(len, hot);

				if (rng_below(3) == 0 && off + 1 < len)
					put16(scratch + (off & ~1u), words[rng_below(RTE_DIM(words))]);
				else
					scratch[off] ^= (uint8_t)(1 + rng_below(255));
			}
		}
		if (kind >= 11) /* truncation, with or without damage before it */
			len = rng_below(2) ? rng_below((hot < len ? hot : len) + 1) : rng_below(len + 1);
		switch (rng_below(8)) {
		case 0:
			cfg.encap_mask = (uint32_t)rng_next();
			break;
		case 1:
			cfg.vni = rng_below(2) ? 42 : 43;
			break;
		default:
			break;
		}
		rc = parse_exact_keep(scratch, len, &cfg, &l, &buf);
		CHECK(rc == 0 || rc == 1 || (rc < 0 && rc > -OVL_DROP_MAX),
				"mutation %lu of %s: ovl_parse returned %d", iter, f->name, rc);
		check_memo_agrees(f, buf, len, &cfg, rc, &l, iter);
		counts[rc <= 0 ? -rc : OVL_DROP_MAX + 1]++;
		if (rc == 0 || rc == 1) {
			int bad;

			check_layers_sound(&l, rc, len, iter, f->name);
			bad = ovl_frame_verify_cksums(buf, &l);
			CHECK(bad <= 0 && bad >= -5, "mutation %lu of %s: verify_cksums %d", iter,
					f->name, bad);
			if (rc == 0) {
				bad = ovl_frame_verify_fill(buf, &l);
				CHECK(bad == 0 || bad == -1, "mutation %lu of %s: verify_fill %d", iter,
						f->name, bad);
			}
			ovl_frame_turnaround(buf, &l);
		}
		free(buf);
	}
	print_message("# %d mutations of %u frames in %.1f s (seed 0x%llx):\n", MUTATIONS,
			n_frames, (double)(clock() - start) / CLOCKS_PER_SEC,
			(unsigned long long)MUTATION_SEED);
	for (i = 0; i < OVL_DROP_MAX + 2; i++) {
		if (counts[i] == 0)
			continue;
		distinct++;
		print_message("#   %-26s %lu\n", i == OVL_DROP_MAX + 1 ? "fragment"
				: i == 0 ? "accepted" : ovl_drop_name((int)i), counts[i]);
	}
	print_message("#   the parse memo answered %" PRIu64 " of them from its headers\n", memo_hits);
	CHECK(memo_hits > MUTATIONS / 100, "the memo hit only %" PRIu64 " times", memo_hits);
	/* The run reached deep into the parser, not only its first checks. */
	CHECK(counts[0] > MUTATIONS / 20 && counts[OVL_DROP_MAX + 1] > 0 && distinct >= 20,
			"accepted %lu, fragments %lu, %u distinct results", counts[0],
			counts[OVL_DROP_MAX + 1], distinct);
	for (i = 0; i < n_frames; i++)
		frame_free(&frames[i]);
	free(frames);
	free(vs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_frames_parse_with_expected_layers),
		cmocka_unit_test(test_frame_rejected_without_its_encap_in_mask),
		cmocka_unit_test(test_truncation_at_every_length),
		cmocka_unit_test(test_inner_truncation_with_consistent_outer_lengths),
		cmocka_unit_test(test_raw_l4_truncation_with_consistent_length),
		cmocka_unit_test(test_payload_shorter_than_probe),
		cmocka_unit_test(test_outer_ip_header_fields),
		cmocka_unit_test(test_inner_ip_header_fields),
		cmocka_unit_test(test_ethernet_padding_accepted),
		cmocka_unit_test(test_non_ipv4_ethertype),
		cmocka_unit_test(test_unknown_outer_protocol),
		cmocka_unit_test(test_tunnel_wrong_destination_port),
		cmocka_unit_test(test_tunnel_ports_from_rx_config),
		cmocka_unit_test(test_outer_udp_length),
		cmocka_unit_test(test_vxlan_flags_and_reserved_bits),
		cmocka_unit_test(test_vxlan_vni_filter),
		cmocka_unit_test(test_vxlan_inner_ethertype_not_ipv4),
		cmocka_unit_test(test_vxlan_any_source_port),
		cmocka_unit_test(test_outer_fragment),
		cmocka_unit_test(test_inner_fragment),
		cmocka_unit_test(test_parse_inner_on_reassembled_packet),
		cmocka_unit_test(test_inner_protocol_not_udp_or_icmp),
		cmocka_unit_test(test_icmp_type_and_code),
		cmocka_unit_test(test_inner_udp_length),
		cmocka_unit_test(test_probe_magic),
		cmocka_unit_test(test_probe_version_and_form),
		cmocka_unit_test(test_full_probe_length_field),
		cmocka_unit_test(test_turnaround_once),
		cmocka_unit_test(test_turnaround_twice_restores_frame),
		cmocka_unit_test(test_random_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
