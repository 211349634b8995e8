/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames for the parse tests: every valid variant built and parsed, copies to damage, and the
 * byte, checksum and length helpers that keep a damaged frame otherwise consistent.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "drop.h"
#include "headers.h"
#include "parse_frames.h"
#include "testrand.h"

static const uint32_t frame_sizes[] = { 0, 128, 1518, 9018 }; /* 0: the smallest */
static const uint8_t inner_protos[] = { IPPROTO_UDP, IPPROTO_ICMP };

uint8_t scratch[SCRATCH_LEN];
uint8_t scratch2[SCRATCH_LEN];

/* ---------------------------------------------------------------------------------------- */
/* Failure reporting */

const char *
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

/* ---------------------------------------------------------------------------------------- */
/* Bytes and checksums */

void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void
swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	while (n--) {
		uint8_t t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Recomputes an option-less IPv4 header's checksum (whatever its version/IHL nibbles say). */
void
ipv4_fix_cksum(uint8_t *ip)
{
	uint16_t c;

	ip[IP_CKSUM] = ip[IP_CKSUM + 1] = 0;
	c = (uint16_t)~rte_raw_cksum(ip, OVL_IPV4_HDR_LEN);
	memcpy(ip + IP_CKSUM, &c, 2);
}

/* UDP checksum over the IPv4 header's total length, which must lie inside the buffer. */
void
udp_fix_cksum(uint8_t *ip, uint8_t *udp)
{
	uint16_t c;

	udp[UDP_CKSUM] = udp[UDP_CKSUM + 1] = 0;
	c = rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)ip, udp);
	memcpy(udp + UDP_CKSUM, &c, 2);
}

void
icmp_fix_cksum(uint8_t *icmp, uint32_t len)
{
	uint16_t c;

	icmp[ICMP_CKSUM] = icmp[ICMP_CKSUM + 1] = 0;
	c = (uint16_t)~rte_raw_cksum(icmp, len);
	memcpy(icmp + ICMP_CKSUM, &c, 2);
}

/* ---------------------------------------------------------------------------------------- */
/* Frames */

int
is_raw(const struct ovl_layers *l)
{
	return l->l3 == l->inner_l3;
}

uint32_t
mask_of(int encap_idx)
{
	return 1u << encap_idx;
}

struct ovl_rx_config
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
int
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

int
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
struct variant *
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

/* The variants of e alone, each with the parameters *tunnel (NULL: e's defaults). */
struct variant *
variants_of(const struct ovl_encap *e, const struct ovl_encap_values *tunnel, int all_outer_csums,
		unsigned int *n)
{
	struct variant *vs = variants(FORMS_AUTO, all_outer_csums, n);
	unsigned int i, k = 0;

	for (i = 0; i < *n; i++)
		if (vs[i].encap == e) {
			vs[k] = vs[i];
			vs[k++].tunnel = tunnel;
		}
	*n = k;
	return vs;
}

/* " --option value" for each parameter given or not at its default, for names. */
static void
tunnel_name(const struct variant *v, char *buf, size_t n)
{
	unsigned int i, np = ovl_encap_param_count(v->encap);
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; v->tunnel != NULL && i < np && used < n; i++)
		if ((v->tunnel->given >> i & 1) || v->tunnel->v[i] != v->encap->params[i].def)
			used += (size_t)snprintf(buf + used, n - used, " --%s %" PRIu32,
					v->encap->params[i].option, v->tunnel->v[i]);
}

void
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
 * probe in a frame too small for one, or a frame size too small for the variant's tunnel
 * parameters, may be refused).
 */
int
frame_build(const struct variant *v, struct frame *f)
{
	struct ovl_frame_spec spec;
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);
	struct ovl_probe probe;
	char err[256], sz[16], params[64];
	uint32_t cap;
	int rc;

	memset(f, 0, sizeof(*f));
	f->v = *v;
	tunnel_name(v, params, sizeof(params));
	snprintf(f->name, sizeof(f->name), "%s%s vlan=%d %s size=%s probe=%s outer-udp-csum=%s",
			v->encap->name, params, v->vlan, v->proto == IPPROTO_UDP ? "udp" : "icmp",
			size_name(v->size, sz, sizeof(sz)), form_name(v->form), csum_name(v->outer_csum));
	ovl_frame_spec_defaults(&spec, v->encap);
	if (v->tunnel != NULL)
		ovl_frame_spec_encap(&spec, v->encap, v->tunnel);
	spec.vlan = v->vlan ? VLAN_ID : 0;
	spec.inner_proto = v->proto;
	spec.size_kind = OVL_SIZE_FRAME;
	spec.size = v->size;
	spec.probe_form = v->form;
	spec.outer_udp_csum = v->outer_csum;
	if (ovl_frame_layout(&spec, &f->lay, err, sizeof(err)) != 0) {
		/* A fixed size may be too small for a full probe, or for the parameters' headers. */
		CHECK(v->form == OVL_PROBE_FULL || (v->tunnel != NULL && v->size != 0 &&
				v->size < ovl_frame_min_size(&spec)), "%s: layout refused: %s", f->name, err);
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

void
frame_free(struct frame *f)
{
	free(f->buf);
	f->buf = NULL;
}

/* Copies the frame into scratch, followed by zeros. */
uint8_t *
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
void
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
uint32_t
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
const char *
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
int
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

int
same_layers(const struct ovl_layers *a, const struct ovl_layers *b)
{
	return a->encap == b->encap && a->len == b->len && a->vlan == b->vlan &&
		a->vlan_tci == b->vlan_tci && a->l3 == b->l3 && a->l3_end == b->l3_end &&
		a->tunnel == b->tunnel && a->inner_l2 == b->inner_l2 &&
		a->inner_l3 == b->inner_l3 && a->inner_end == b->inner_end && a->l4 == b->l4 &&
		a->l4_proto == b->l4_proto && a->probe == b->probe &&
		a->payload_len == b->payload_len && a->fragment == b->fragment;
}

int
outer_proto_claimed(uint8_t proto)
{
	unsigned int e;

	for (e = 0; ovl_encaps[e] != NULL; e++)
		if (ovl_encaps[e]->ip_proto != 0 && ovl_encaps[e]->ip_proto == proto)
			return 1;
	return 0;
}

unsigned int
build_stream(const struct ovl_encap *e, uint16_t vlan, uint8_t proto, uint32_t size,
		int with_options, unsigned int ip6, unsigned int flows, unsigned int seqs,
		struct flow_frame *out)
{
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t inner_src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, [15] = 1 };
	static const uint8_t inner_dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, [15] = 2 };
	struct ovl_frame_spec spec, flow;
	struct ovl_frame_layout lay;
	char err[256];
	unsigned int f, q, n = 0, p;

	ovl_frame_spec_defaults(&spec, e);
	spec.vlan = vlan;
	spec.inner_proto = proto;
	spec.size = size;
	spec.outer_udp_csum = OVL_OUTER_UDP_CSUM_COMPUTE; /* a checksum that differs per packet */
	if (ip6 & STREAM_IP6) {
		spec.ip6 = 1;
		memcpy(spec.src_ip6, src6, 16);
		memcpy(spec.dst_ip6, dst6, 16);
	}
	if (ip6 & STREAM_INNER_IP6) {
		spec.inner_ip6 = 1;
		memcpy(spec.inner_src_ip6, inner_src6, 16);
		memcpy(spec.inner_dst_ip6, inner_dst6, 16);
	}
	for (p = 0; with_options && p < ovl_encap_param_count(e); p++) {
		const struct ovl_encap_param *a = &e->params[p];

		spec.tunnel.v[p] = a->multiple_of > 1 ? a->multiple_of : a->max / 2;
		spec.tunnel.given |= (uint8_t)(1u << p);
	}
	if (ovl_frame_layout(&spec, &lay, err, sizeof(err)) < 0)
		return 0;
	for (f = 0; f < flows; f++)
		for (q = 0; q < seqs; q++) {
			struct ovl_probe probe = { .session = 9, .stream = (uint16_t)f, .seq = q * 77u + f,
				.tx_ts = 1000u * q + f };
			int len;

			flow = spec;
			ovl_frame_spec_flow(&flow, f);
			out[n].buf = malloc(lay.frame_size);
			assert_non_null(out[n].buf);
			len = ovl_frame_build(out[n].buf, lay.frame_size, &flow, &lay, &probe);
			assert_true(len > 0);
			out[n].len = (uint32_t)len;
			out[n].encap = e->name;
			n++;
		}
	return n;
}

void
free_all(struct flow_frame *b, unsigned int n)
{
	while (n > 0)
		free(b[--n].buf);
}

void
shuffle_frames(struct flow_frame *b, unsigned int n, uint64_t seed)
{
	unsigned int i;

	rng_state = seed;
	for (i = n - 1; i > 0; i--) {
		unsigned int j = rng_below(i + 1);
		struct flow_frame t = b[i];

		b[i] = b[j];
		b[j] = t;
	}
}

unsigned int
build_interleaved(unsigned int flows, unsigned int seqs, uint64_t seed, struct flow_frame **out)
{
	unsigned int n_enc = ovl_encap_count(), n = 0, i, k;
	struct flow_frame *b = calloc((size_t)n_enc * 16 * flows * seqs, sizeof(*b));

	assert_non_null(b);
	for (i = 0; i < n_enc; i++)
		for (k = 0; k < 16; k++)
			n += build_stream(ovl_encaps[i], k & 1 ? VLAN_ID : 0,
					k & 2 ? IPPROTO_ICMP : IPPROTO_UDP, k & 4 ? 300 : 0, k & 8, 0,
					flows, seqs, b + n);
	shuffle_frames(b, n, seed);
	*out = b;
	return n;
}
