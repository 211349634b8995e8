/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental checksum updates on real frames of every encapsulation in ovl_encaps[], whose
 * probe fields and IP IDs are patched the way the sender's hot path does: every checksum still
 * verifies against DPDK's verification and full recomputation, and the UDP zero rule holds.
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

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "cksum.h"
#include "cksum_words.h"
#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "probe.h"

#define PATCHES_PER_FRAME 48
#define SCRATCH_LEN (OVL_FRAME_MAX + 64)

/* ---------------------------------------------------------------------------------------- */
/* Frames: the sender's hot path */

struct frame {
	char name[160];
	uint8_t buf[SCRATCH_LEN];
	uint32_t len;
	struct ovl_frame_layout lay;
	struct ovl_layers l;
};

static const uint32_t frame_sizes[] = { 0, 128, 1518, 9018 };

/* Calls fn on every frame: encap x vlan x proto x size x probe form x outer UDP checksum. */
static void
for_each_frame(uint8_t proto_only, void (*fn)(struct frame *f))
{
	static const uint8_t protos[] = { IPPROTO_UDP, IPPROTO_ICMP };
	static const enum ovl_probe_form forms[] = { OVL_PROBE_COMPACT, OVL_PROBE_FULL };
	static const enum ovl_outer_udp_csum csums[] = {
		OVL_OUTER_UDP_CSUM_DEFAULT, OVL_OUTER_UDP_CSUM_COMPUTE, OVL_OUTER_UDP_CSUM_ZERO,
	};
	static struct frame f;
	struct ovl_rx_config cfg;
	unsigned int e, vlan, p, s, fo, c, built = 0;

	ovl_rx_config_defaults(&cfg);
	for (e = 0; ovl_encaps[e] != NULL; e++)
	for (vlan = 0; vlan < 2; vlan++)
	for (p = 0; p < RTE_DIM(protos); p++)
	for (s = 0; s < RTE_DIM(frame_sizes); s++)
	for (fo = 0; fo < RTE_DIM(forms); fo++)
	for (c = 0; c < RTE_DIM(csums); c++) {
		struct ovl_frame_spec spec;
		struct ovl_probe probe = {
			.session = 0x01020304, .stream = 1, .seq = 0x0102030405060708ull,
			.tx_ts = 0x1112131415161718ull,
		};
		char err[256];
		int rc;

		if (proto_only != 0 && protos[p] != proto_only)
			continue;
		ovl_frame_spec_defaults(&spec, ovl_encaps[e]);
		spec.vlan = vlan ? 100 : 0;
		spec.inner_proto = protos[p];
		spec.size = frame_sizes[s];
		spec.probe_form = forms[fo];
		spec.outer_udp_csum = csums[c];
		snprintf(f.name, sizeof(f.name), "%s vlan=%u %s size=%u%s probe=%s outer-udp-csum=%s",
				ovl_encaps[e]->name, vlan, protos[p] == IPPROTO_UDP ? "udp" : "icmp",
				frame_sizes[s], frame_sizes[s] == 0 ? " (smallest)" : "",
				forms[fo] == OVL_PROBE_FULL ? "full" : "compact",
				c == 0 ? "default" : c == 1 ? "compute" : "zero");
		if (ovl_frame_layout(&spec, &f.lay, err, sizeof(err)) != 0) {
			CHECK(forms[fo] == OVL_PROBE_FULL, "%s: layout: %s", f.name, err);
			continue; /* no room for a full probe */
		}
		rc = ovl_frame_build(f.buf, sizeof(f.buf), &spec, &f.lay, &probe);
		CHECK(rc > 0, "%s: build %d", f.name, rc);
		f.len = (uint32_t)rc;
		rc = ovl_parse(f.buf, f.len, &cfg, &f.l);
		CHECK(rc == 0, "%s: parse %d (%s)", f.name, rc, ovl_drop_name(rc));
		CHECK(ovl_frame_verify_cksums(f.buf, &f.l) == 0, "%s: built checksums", f.name);
		fn(&f);
		built++;
	}
	CHECK(built > 0, "no frames");
}

static uint32_t
l4_cksum_off(const struct ovl_layers *l)
{
	return l->l4 + (l->l4_proto == IPPROTO_UDP ? 6 : 2);
}

/*
 * Replaces n bytes at off (inside the inner L4 payload) by nb and updates incrementally, as
 * the sender does per packet: the inner UDP (fixed up for zero) or ICMP checksum, and the
 * outer UDP checksum, when there is one, over both changes (the field and the inner checksum).
 */
static void
patch_payload(struct frame *f, uint32_t off, const uint8_t *nb, size_t n)
{
	const struct ovl_layers *l = &f->l;
	uint8_t old[16];
	uint32_t ick_off = l4_cksum_off(l);
	uint16_t ick_old = load16(f->buf + ick_off), ick_new;

	/* The update's precondition: an even offset from the start of every checksummed region. */
	CHECK((off - l->l4) % 2 == 0 && n % 2 == 0, "%s: field at %u, l4 at %u", f->name, off, l->l4);
	CHECK(l->tunnel == 0 || ((off - l->tunnel) % 2 == 0 && (ick_off - l->tunnel) % 2 == 0),
			"%s: field at %u, outer udp at %u", f->name, off, l->tunnel);
	memcpy(old, f->buf + off, n);
	memcpy(f->buf + off, nb, n);
	ick_new = ovl_cksum_update(ick_old, old, nb, n);
	if (l->l4_proto == IPPROTO_UDP)
		ick_new = ick_old == 0 ? 0 : ovl_udp_cksum_fixup(ick_new); /* 0: no checksum */
	store16(f->buf + ick_off, ick_new);
	if (l->tunnel != 0 && load16(f->buf + l->tunnel + 6) != 0) {
		uint32_t d = ovl_cksum_diff(0, old, nb, n);

		d = ovl_cksum_diff(d, &ick_old, &ick_new, 2);
		store16(f->buf + l->tunnel + 6,
				ovl_udp_cksum_fixup(ovl_cksum_apply(load16(f->buf + l->tunnel + 6), d)));
	}
}

/* Checks every checksum of the frame against DPDK's verification and full recomputation. */
static void
check_frame_cksums(struct frame *f, const char *what)
{
	const struct ovl_layers *l = &f->l;
	struct rte_ipv4_hdr *inner = (struct rte_ipv4_hdr *)(f->buf + l->inner_l3);
	struct rte_ipv4_hdr *outer = (struct rte_ipv4_hdr *)(f->buf + l->l3);
	uint32_t ick_off = l4_cksum_off(l);
	uint16_t stored = load16(f->buf + ick_off), full;

	store16(f->buf + ick_off, 0);
	if (l->l4_proto == IPPROTO_UDP)
		full = rte_ipv4_udptcp_cksum(inner, f->buf + l->l4);
	else
		full = full_cksum(f->buf + l->l4, l->inner_end - l->l4);
	store16(f->buf + ick_off, stored);
	CHECK_CKSUM(stored, full, "%s, %s: inner %s checksum against recomputation", f->name, what,
			l->l4_proto == IPPROTO_UDP ? "UDP" : "ICMP");
	if (l->l4_proto == IPPROTO_UDP)
		CHECK(rte_ipv4_udptcp_cksum_verify(inner, f->buf + l->l4) == 0,
				"%s, %s: inner UDP checksum 0x%04x does not verify", f->name, what, stored);
	else
		CHECK(rte_raw_cksum(f->buf + l->l4, l->inner_end - l->l4) == 0xFFFF,
				"%s, %s: ICMP checksum 0x%04x does not verify", f->name, what, stored);

	if (l->tunnel != 0 && load16(f->buf + l->tunnel + 6) != 0) {
		stored = load16(f->buf + l->tunnel + 6);
		store16(f->buf + l->tunnel + 6, 0);
		full = rte_ipv4_udptcp_cksum(outer, f->buf + l->tunnel);
		store16(f->buf + l->tunnel + 6, stored);
		CHECK_CKSUM(stored, full, "%s, %s: outer UDP checksum against recomputation", f->name,
				what);
		CHECK(rte_ipv4_udptcp_cksum_verify(outer, f->buf + l->tunnel) == 0,
				"%s, %s: outer UDP checksum does not verify", f->name, what);
	}
	CHECK(ovl_frame_verify_cksums(f->buf, l) == 0, "%s, %s: ovl_frame_verify_cksums", f->name,
			what);
}

/* The probe's per-packet fields: offset from the probe and size, by form. */
struct probe_field {
	const char *name;
	uint8_t off, len;
};

static const struct probe_field compact_fields[] = {
	{ "seq", 6, 4 }, { "tx_ts", 10, 8 }, { "stream", 4, 2 }, { "session_tag", 2, 2 },
};
static const struct probe_field full_fields[] = {
	{ "seq", 16, 8 }, { "tx_ts", 24, 8 }, { "reflector_rx_ns", 32, 8 },
	{ "reflector_tx_ns", 40, 8 }, { "flags", 2, 2 }, { "tag", 48, 16 },
};

static void
patch_probe_fields(struct frame *f)
{
	int full = f->lay.probe_form == OVL_PROBE_FULL;
	const struct probe_field *fields = full ? full_fields : compact_fields;
	unsigned int n_fields = full ? RTE_DIM(full_fields) : RTE_DIM(compact_fields);
	unsigned int k;
	uint64_t seq = 0x0102030405060708ull;
	char what[96];

	for (k = 0; k < PATCHES_PER_FRAME; k++) {
		const struct probe_field *pf = &fields[k < 2 * n_fields ? k % n_fields
								   : rng_below(n_fields)];
		uint8_t nb[16];

		if (strcmp(pf->name, "seq") == 0) {
			/* What the sender does: the next sequence number, big-endian. */
			uint64_t be;

			seq += 1 + (rng_below(4) == 0 ? rng_next() : 0);
			be = rte_cpu_to_be_64(seq);
			memcpy(nb, (uint8_t *)&be + (8 - pf->len), pf->len);
		} else {
			new_field_bytes(nb, f->buf + f->l.probe + pf->off, pf->len);
		}
		patch_payload(f, f->l.probe + pf->off, nb, pf->len);
		snprintf(what, sizeof(what), "patch %u (%s)", k, pf->name);
		check_frame_cksums(f, what);
	}
	{
		struct ovl_probe p;

		CHECK(ovl_probe_read(f->buf + f->l.probe, f->l.payload_len, &p) == 0,
				"%s: probe after patching", f->name);
		CHECK(p.seq == (full ? seq : (uint32_t)seq), "%s: seq read back", f->name);
	}
}

/* Probe seq/timestamps patched with incremental updates: every checksum still verifies. */
static void
test_frame_probe_patch_udp_verifies(void **state)
{
	(void)state;
	rng_state = SEED ^ 5;
	for_each_frame(IPPROTO_UDP, patch_probe_fields);
}

static void
test_frame_probe_patch_icmp_verifies(void **state)
{
	(void)state;
	rng_state = SEED ^ 6;
	for_each_frame(IPPROTO_ICMP, patch_probe_fields);
}

/*
 * The inner IPv4 id (and the outer one, for tunnels) patched per packet: the IPv4 header
 * checksum by update, and the outer UDP checksum over the inner header's two changed fields.
 */
static void
patch_ip_ids(struct frame *f)
{
	const struct ovl_layers *l = &f->l;
	unsigned int k;

	for (k = 0; k < PATCHES_PER_FRAME; k++) {
		uint8_t *ip = f->buf + l->inner_l3;
		uint16_t id_old = load16(ip + 4), id_new = rte_cpu_to_be_16((uint16_t)(k * 7919 + 1));
		uint16_t ck_old = load16(ip + 10), ck_new;
		char what[64];

		ck_new = ovl_cksum_update(ck_old, &id_old, &id_new, 2);
		store16(ip + 4, id_new);
		store16(ip + 10, ck_new);
		if (l->tunnel != 0 && load16(f->buf + l->tunnel + 6) != 0) {
			uint8_t *o = f->buf + l->tunnel + 6;
			uint32_t d = ovl_cksum_diff(0, &id_old, &id_new, 2);

			CHECK((l->inner_l3 - l->tunnel) % 2 == 0, "%s: inner header at an odd offset",
					f->name);
			d = ovl_cksum_diff(d, &ck_old, &ck_new, 2);
			store16(o, ovl_udp_cksum_fixup(ovl_cksum_apply(load16(o), d)));
		}
		if (l->l3 != l->inner_l3) {
			uint8_t *op = f->buf + l->l3;
			uint16_t oid_old = load16(op + 4);
			uint16_t oid_new = rte_cpu_to_be_16((uint16_t)(k * 31 + 2));
			uint16_t ock = ovl_cksum_update(load16(op + 10), &oid_old, &oid_new, 2);

			store16(op + 4, oid_new);
			store16(op + 10, 0);
			CHECK_CKSUM(ock, full_cksum(op, OVL_IPV4_HDR_LEN), "%s, id patch %u: outer IPv4",
					f->name, k);
			store16(op + 10, ock);
		}
		snprintf(what, sizeof(what), "IP id patch %u", k);
		store16(ip + 10, 0);
		CHECK_CKSUM(ck_new, full_cksum(ip, OVL_IPV4_HDR_LEN), "%s, %s: inner IPv4", f->name,
				what);
		store16(ip + 10, ck_new);
		check_frame_cksums(f, what);
	}
}

static void
test_frame_ip_id_patch_verifies(void **state)
{
	(void)state;
	for_each_frame(0, patch_ip_ids);
}

/*
 * A UDP checksum that comes out 0x0000 by update is sent as 0xFFFF (fixup) and verifies; and
 * the next update starts from that 0xFFFF correctly.
 */
static void
force_udp_cksum_zero(struct frame *f)
{
	const struct ovl_layers *l = &f->l;
	uint32_t ick_off = l4_cksum_off(l);
	/* The seq field's low 16 bits: an even offset in every form. */
	uint32_t off = l->probe + (f->lay.probe_form == OVL_PROBE_FULL ? 16 + 6 : 6 + 2);
	uint16_t c = load16(f->buf + ick_off), w = load16(f->buf + off), w_new;

	if (c == 0xFFFF)
		return; /* already the zero case */
	/* w' = w + C (one's complement): the data then sums to 0xFFFF, checksum 0. */
	w_new = ones_add(w, c);
	CHECK_CKSUM(ovl_cksum_update(c, &w, &w_new, 2), 0x0000, "%s: update to zero", f->name);
	patch_payload(f, off, (const uint8_t *)&w_new, 2);
	CHECK_CKSUM(load16(f->buf + ick_off), 0xFFFF, "%s: zero sent as 0xFFFF", f->name);
	check_frame_cksums(f, "UDP checksum forced to zero");
	/* From 0xFFFF back to the original. */
	patch_payload(f, off, (const uint8_t *)&w, 2);
	CHECK_CKSUM(load16(f->buf + ick_off), c, "%s: back from 0xFFFF", f->name);
	check_frame_cksums(f, "back from 0xFFFF");
}

static void
test_udp_zero_cksum_sent_as_ffff_and_updated(void **state)
{
	(void)state;
	for_each_frame(IPPROTO_UDP, force_udp_cksum_zero);
}

/* ICMP has no zero rule: a checksum that comes out 0x0000 stays 0x0000 and verifies. */
static void
force_icmp_cksum_zero(struct frame *f)
{
	const struct ovl_layers *l = &f->l;
	uint32_t ick_off = l4_cksum_off(l);
	uint32_t off = l->probe + (f->lay.probe_form == OVL_PROBE_FULL ? 16 + 6 : 6 + 2);
	uint16_t c = load16(f->buf + ick_off), w = load16(f->buf + off), w_new;

	if (c == 0)
		return;
	w_new = ones_add(w, c);
	patch_payload(f, off, (const uint8_t *)&w_new, 2);
	CHECK_CKSUM(load16(f->buf + ick_off), 0x0000, "%s: ICMP checksum forced to zero", f->name);
	check_frame_cksums(f, "ICMP checksum forced to zero");
}

static void
test_icmp_zero_cksum_stays_zero(void **state)
{
	(void)state;
	for_each_frame(IPPROTO_ICMP, force_icmp_cksum_zero);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_probe_patch_udp_verifies),
		cmocka_unit_test(test_frame_probe_patch_icmp_verifies),
		cmocka_unit_test(test_frame_ip_id_patch_verifies),
		cmocka_unit_test(test_udp_zero_cksum_sent_as_ffff_and_updated),
		cmocka_unit_test(test_icmp_zero_cksum_stays_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
