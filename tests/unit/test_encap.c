/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every encapsulation in the table, checked the same way: byte-exact against frames built
 * independently by scapy (tests/golden/make_golden.py), build-then-parse round trips, and the
 * size rules of docs/wire-format.md. A newly listed encapsulation is covered at once, and fails
 * until its golden frames exist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_ip.h>

#include "drop.h"
#include "frame.h"
#include "golden.h"
#include "headers.h"

static void
report_diff(const char *what, const uint8_t *got, uint32_t got_len, const uint8_t *want,
		uint32_t want_len)
{
	uint32_t i, n = got_len < want_len ? got_len : want_len;

	for (i = 0; i < n && got[i] == want[i]; i++)
		;
	print_error("%s: built %u bytes, golden %u bytes, first difference at offset %u"
			" (built 0x%02x, golden 0x%02x)\n", what, got_len, want_len, i,
			i < got_len ? got[i] : 0, i < want_len ? want[i] : 0);
}

/* The golden frames of file <name>.pcap/.cases, built by enc; returns the failures. */
static int
golden_compare(const struct ovl_encap *enc, const char *name)
{
	static struct golden_case cases[GOLDEN_MAX_CASES];
	static uint8_t buf[OVL_FRAME_MAX];
	int n, i, failures = 0;

	n = golden_load(golden_dir(), name, cases, GOLDEN_MAX_CASES);
	if (n <= 0)
		print_error("%s: no golden frames (tests/golden/make_golden.py makes them)\n", name);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		struct ovl_frame_spec spec;
		struct ovl_frame_layout lay;
		struct ovl_probe probe;
		char err[256], what[300];
		int len;

		snprintf(what, sizeof(what), "%.40s %.120s", name, cases[i].line);
		golden_spec(&cases[i], enc, &spec, &probe);
		if (ovl_frame_layout(&spec, &lay, err, sizeof(err)) < 0) {
			print_error("%s: %s\n", what, err);
			failures++;
			continue;
		}
		len = ovl_frame_build(buf, sizeof(buf), &spec, &lay, &probe);
		if (len != (int)cases[i].len || memcmp(buf, cases[i].frame, len) != 0) {
			report_diff(what, buf, len > 0 ? (uint32_t)len : 0, cases[i].frame,
					cases[i].len);
			failures++;
		}
	}
	golden_free(cases, n);
	return failures;
}

/* Over IPv4 for every encapsulation; over IPv6 (<name>-ipv6) for those that run over it. */
static void
test_golden_frames(void **state)
{
	unsigned int e;
	int failures = 0;

	(void)state;
	for (e = 0; ovl_encaps[e] != NULL; e++) {
		char name[64];

		failures += golden_compare(ovl_encaps[e], ovl_encaps[e]->name);
		if (ovl_encaps[e]->ipv4_only)
			continue;
		snprintf(name, sizeof(name), "%s-ipv6", ovl_encaps[e]->name);
		failures += golden_compare(ovl_encaps[e], name);
	}
	assert_int_equal(failures, 0);
}

/* DOMAIN.md: an inner 46-byte IP packet makes these the smallest frames; a tag adds 4. */
static void
test_smallest_frames(void **state)
{
	static const struct {
		const char *name;
		uint32_t min;
	} known[] = { { "raw", 64 }, { "ipip", 84 }, { "flannel", 92 }, { "vxlan", 114 },
		      { "geneve", 114 }, { "gretap", 102 } };
	struct ovl_frame_spec spec;
	unsigned int i, e;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct ovl_encap *enc = ovl_encap_find(known[i].name);

		assert_non_null(enc);
		ovl_frame_spec_defaults(&spec, enc);
		assert_int_equal(ovl_frame_min_size(&spec), known[i].min);
		spec.vlan = 100;
		assert_int_equal(ovl_frame_min_size(&spec), known[i].min + 4);
	}
	for (e = 0; ovl_encaps[e] != NULL; e++) {
		ovl_frame_spec_defaults(&spec, ovl_encaps[e]);
		assert_int_equal(ovl_frame_min_size(&spec),
				RTE_MAX(64u, 14u + ovl_encaps[e]->overhead + 46u + 4u));
	}
}

static void
test_overheads(void **state)
{
	(void)state;
	assert_int_equal(ovl_encap_find("raw")->overhead, 0);
	assert_int_equal(ovl_encap_find("vxlan")->overhead, 50);
	assert_int_equal(ovl_encap_find("ipip")->overhead, 20);
	assert_int_equal(ovl_encap_find("flannel")->overhead, 28);
	assert_int_equal(ovl_encap_find("geneve")->overhead, 50);
	assert_int_equal(ovl_encap_find("gretap")->overhead, 38);
	assert_null(ovl_encap_find("nvgre"));
	assert_int_equal(ovl_encap_count(), 6);
}

static void
test_table_is_sound(void **state)
{
	unsigned int i, j, fallbacks = 0;

	(void)state;
	for (i = 0; ovl_encaps[i] != NULL; i++) {
		const struct ovl_encap *e = ovl_encaps[i];

		assert_non_null(e->name);
		assert_non_null(e->summary);
		assert_non_null(e->encapsulate);
		assert_non_null(e->decapsulate);
		assert_ptr_equal(ovl_encap_find(e->name), e);
		assert_int_equal(ovl_encap_index(e), (int)i);
		fallbacks += e->fallback != 0;
		for (j = i + 1; ovl_encaps[j] != NULL; j++)
			assert_string_not_equal(e->name, ovl_encaps[j]->name);
	}
	assert_true(fallbacks <= 1);
}

struct size_case {
	enum ovl_size_kind kind;
	uint32_t size;
};

static const struct size_case round_trip_sizes[] = {
	{ OVL_SIZE_FRAME, 0 }, { OVL_SIZE_FRAME, 128 }, { OVL_SIZE_FRAME, 1518 },
	{ OVL_SIZE_FRAME, 9018 }, { OVL_SIZE_FRAME, 9216 }, { OVL_SIZE_MTU, 1500 },
	{ OVL_SIZE_MTU, 9001 }, { OVL_SIZE_INNER, 46 }, { OVL_SIZE_INNER, 92 },
	{ OVL_SIZE_INNER, 1400 },
};

static void
round_trip_one(const struct ovl_frame_spec *spec, const struct ovl_rx_config *rx)
{
	static uint8_t buf[OVL_FRAME_MAX];
	struct ovl_frame_layout lay;
	struct ovl_layers l;
	struct ovl_probe probe = { .session = 0xDEADBEEF, .stream = 7, .seq = 0x1122334455667788ull,
		.tx_ts = 0x99AABBCCDDEEFF00ull }, got;
	char err[256];
	int len, rc;

	assert_int_equal(ovl_frame_layout(spec, &lay, err, sizeof(err)), 0);
	len = ovl_frame_build(buf, sizeof(buf), spec, &lay, &probe);
	assert_int_equal(len, (int)RTE_MAX(lay.frame_size - 4, 60u));
	rc = ovl_parse(buf, (uint32_t)len, rx, &l);
	if (rc != 0)
		print_error("%s vlan %u proto %u size %u/%u: %s\n", spec->encap->name, spec->vlan,
				spec->inner_proto, spec->size_kind, spec->size, ovl_drop_name(rc));
	assert_int_equal(rc, 0);
	assert_ptr_equal(l.encap, spec->encap);
	assert_int_equal(l.vlan, spec->vlan != 0);
	assert_int_equal(l.inner_l3, lay.inner_off);
	assert_int_equal(l.inner_end - l.inner_l3, lay.inner_len);
	assert_int_equal(l.l4_proto, spec->inner_proto);
	assert_int_equal(l.payload_len, lay.payload_len);
	assert_int_equal(ovl_frame_verify_cksums(buf, &l), 0);
	assert_int_equal(ovl_frame_verify_fill(buf, &l), 0);
	assert_int_equal(ovl_probe_read(buf + l.probe, l.payload_len, &got), 0);
	assert_int_equal(got.form, lay.probe_form);
	assert_int_equal(got.stream, 7);
	assert_int_equal(got.tx_ts, probe.tx_ts);
	if (got.form == OVL_PROBE_FULL) {
		assert_int_equal(got.session, probe.session);
		assert_int_equal(got.seq, probe.seq);
	} else {
		assert_int_equal(got.session, probe.session & 0xFFFF);
		assert_int_equal(got.seq, probe.seq & 0xFFFFFFFF);
	}
}

static void
test_build_parse_round_trip(void **state)
{
	struct ovl_frame_spec spec;
	struct ovl_rx_config rx;
	unsigned int e, s, v, p;

	(void)state;
	ovl_rx_config_defaults(&rx);
	for (e = 0; ovl_encaps[e] != NULL; e++)
		for (v = 0; v < 2; v++)
			for (p = 0; p < 2; p++)
				for (s = 0; s < sizeof(round_trip_sizes) / sizeof(round_trip_sizes[0]); s++) {
					ovl_frame_spec_defaults(&spec, ovl_encaps[e]);
					spec.vlan = v ? 4094 : 0;
					spec.inner_proto = p ? IPPROTO_ICMP : IPPROTO_UDP;
					spec.size_kind = round_trip_sizes[s].kind;
					spec.size = round_trip_sizes[s].size;
					if (spec.size_kind == OVL_SIZE_FRAME && spec.size == 9216 && v)
						continue;
					round_trip_one(&spec, &rx);
				}
}

/* A value of p other than its default, within its limits (a third of the way from the top). */
static uint32_t
nondefault(const struct ovl_encap_param *p)
{
	uint32_t step = p->multiple_of > 1 ? p->multiple_of : 1;
	uint32_t v = p->max - (p->max - p->min) / 3;

	v -= v % step;
	if (v == p->def)
		v = v - step >= p->min ? v - step : v + step;
	return v;
}

/*
 * Every parameter of every encapsulation at a value other than its default (ports, VNI, key,
 * option length), with each outer checksum mode, parses back when the receiver expects those
 * values and filters on them.
 */
static void
test_round_trip_options(void **state)
{
	struct ovl_frame_spec spec;
	struct ovl_rx_config rx;
	unsigned int e, c, p;

	(void)state;
	for (e = 0; ovl_encaps[e] != NULL; e++)
		for (c = 0; c < 3; c++) {
			ovl_frame_spec_defaults(&spec, ovl_encaps[e]);
			for (p = 0; p < ovl_encap_param_count(ovl_encaps[e]); p++) {
				spec.tunnel.v[p] = nondefault(&ovl_encaps[e]->params[p]);
				spec.tunnel.given |= (uint8_t)(1u << p);
			}
			spec.outer_udp_csum = (enum ovl_outer_udp_csum)c;
			spec.size = 512;
			ovl_rx_config_defaults(&rx);
			rx.tunnel[e] = spec.tunnel;
			round_trip_one(&spec, &rx);
		}
}

/* The outer UDP source port of a tunnel follows the inner flow and stays in 49152-65535. */
static void
test_tunnel_source_port(void **state)
{
	struct ovl_frame_spec spec;
	uint16_t first, port;
	unsigned int i, differ = 0;

	(void)state;
	ovl_frame_spec_defaults(&spec, ovl_encap_find("vxlan"));
	first = ovl_tunnel_src_port(&spec);
	for (i = 0; i < 256; i++) {
		spec.src_port = (uint16_t)(10000 + i);
		port = ovl_tunnel_src_port(&spec);
		assert_true(port >= 49152);
		differ += port != first;
		assert_int_equal(port, ovl_tunnel_src_port(&spec));
	}
	assert_true(differ > 200);
}

static void
expect_layout_error(const struct ovl_frame_spec *spec, const char *must_contain)
{
	struct ovl_frame_layout lay;
	char err[256] = "";

	assert_int_equal(ovl_frame_layout(spec, &lay, err, sizeof(err)), -EINVAL);
	if (strstr(err, must_contain) == NULL)
		print_error("message '%s' lacks '%s'\n", err, must_contain);
	assert_non_null(strstr(err, must_contain));
}

static void
test_size_rules(void **state)
{
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	char err[256];

	(void)state;
	ovl_frame_spec_defaults(&spec, ovl_encap_find("vxlan"));
	spec.size = 113;
	expect_layout_error(&spec, "114..9216");
	spec.vlan = 10;
	spec.size = 117;
	expect_layout_error(&spec, "118..9216");
	spec.size = 9217;
	expect_layout_error(&spec, "9216");

	/* Fill to MTU: the outer IP packet is exactly the MTU. */
	spec.vlan = 0;
	spec.size_kind = OVL_SIZE_MTU;
	spec.size = 9001;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
	assert_int_equal(lay.frame_size, 9019);
	assert_int_equal(lay.inner_len, 9001 - 50);
	spec.vlan = 1;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
	assert_int_equal(lay.frame_size, 9023);
	spec.size = 95;
	expect_layout_error(&spec, "96..");

	/* Inner size: 46 is the least; an MTU below it fragments. */
	spec.vlan = 0;
	spec.size_kind = OVL_SIZE_INNER;
	spec.size = 45;
	expect_layout_error(&spec, "46..65535");
	spec.size = 3000;
	spec.mtu = 1500;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
	assert_int_equal(lay.tunnel_mtu, 1450);
	assert_int_equal(lay.n_frames, 3); /* 2980 payload bytes in 1424-byte pieces */
	assert_int_equal(lay.frame_size, 14 + 50 + 1444 + 4);
	spec.mtu = 0;
	spec.size = 9200;
	expect_layout_error(&spec, "give an MTU to fragment it");

	/* A frame size that the MTU cannot carry. */
	spec.size_kind = OVL_SIZE_FRAME;
	spec.size = 1518;
	spec.mtu = 1400;
	expect_layout_error(&spec, "needs an MTU of at least 1500");

	/* The full probe needs 64 bytes of L4 payload. */
	spec.mtu = 0;
	spec.size = 0;
	spec.probe_form = OVL_PROBE_FULL;
	expect_layout_error(&spec, "full probe needs an inner size of at least 92");
	spec.size = 14 + 50 + 92 + 4;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
	assert_int_equal(lay.probe_form, OVL_PROBE_FULL);

	/* Auto: compact below 64 bytes of payload, full from there. */
	ovl_frame_spec_defaults(&spec, ovl_encap_find("raw"));
	spec.size = 64 + 45;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
	assert_int_equal(lay.probe_form, OVL_PROBE_COMPACT);
	spec.size = 64 + 46;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
	assert_int_equal(lay.probe_form, OVL_PROBE_FULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_sound),
		cmocka_unit_test(test_overheads),
		cmocka_unit_test(test_smallest_frames),
		cmocka_unit_test(test_golden_frames),
		cmocka_unit_test(test_build_parse_round_trip),
		cmocka_unit_test(test_round_trip_options),
		cmocka_unit_test(test_tunnel_source_port),
		cmocka_unit_test(test_size_rules),
	};

	return cmocka_run_group_tests_name("encap", tests, NULL, NULL);
}
