/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The encapsulation contract (lib/encap/encap.h), checked over every entry of the table: a new
 * encapsulation is held to it the moment it is listed. Its parameters are declared soundly
 * and alike where shared; its overhead is what its frames carry; the header bytes it says
 * vary per flow and per packet are the only ones of its own that do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "encap.h"
#include "frame.h"

static void
test_params_sound(void **state)
{
	unsigned int i, j, p, q;

	(void)state;
	for (i = 0; ovl_encaps[i] != NULL; i++) {
		const struct ovl_encap *e = ovl_encaps[i];
		unsigned int n = ovl_encap_param_count(e);
		struct ovl_encap_values v;

		assert_non_null(e->flows);
		ovl_encap_values_defaults(e, &v);
		assert_int_equal(v.given, 0);
		for (p = 0; p < n; p++) {
			const struct ovl_encap_param *a = &e->params[p];

			assert_non_null(a->metavar);
			assert_non_null(a->help);
			assert_true(a->min <= a->def && a->def <= a->max);
			assert_int_equal(ovl_encap_param_check(e, p, a->def, NULL, 0), 0);
			assert_int_equal(ovl_encap_param_index(e, a->option), (int)p);
			assert_int_equal(v.v[p], a->def);
			/* One value serves every encapsulation that declares an option: alike or not at all. */
			for (j = 0; ovl_encaps[j] != NULL; j++) {
				int k = ovl_encap_param_index(ovl_encaps[j], a->option);
				const struct ovl_encap_param *b;

				if (k < 0)
					continue;
				b = &ovl_encaps[j]->params[k];
				assert_string_equal(a->metavar, b->metavar);
				assert_true(a->def == b->def && a->min == b->min && a->max == b->max &&
						a->multiple_of == b->multiple_of &&
						a->optional == b->optional && a->filter == b->filter);
			}
			for (q = p + 1; q < n; q++)
				assert_string_not_equal(a->option, e->params[q].option);
		}
		if (e->udp_port_param != 0) {
			assert_int_equal(e->ip_proto, IPPROTO_UDP);
			assert_true(e->udp_port_param <= n);
			assert_int_equal(ovl_encap_udp_port(e, &v), e->params[e->udp_port_param - 1].def);
		} else {
			assert_int_equal(ovl_encap_udp_port(e, &v), 0);
		}
		assert_int_equal(ovl_encap_overhead(e, &v), e->overhead);
	}
}

static void
test_find_any_case(void **state)
{
	unsigned int i, k;

	(void)state;
	for (i = 0; ovl_encaps[i] != NULL; i++) {
		char upper[32];

		for (k = 0; ovl_encaps[i]->name[k] != '\0' && k < sizeof(upper) - 1; k++)
			upper[k] = (char)(ovl_encaps[i]->name[k] & ~0x20);
		upper[k] = '\0';
		assert_ptr_equal(ovl_encap_find(upper), ovl_encaps[i]);
	}
	assert_null(ovl_encap_find("no-such-tunnel"));
	assert_null(ovl_encap_find(""));
}

/* Every value of every parameter at its limits: the frame's inner packet sits at the overhead. */
static void
test_overhead_is_what_frames_carry(void **state)
{
	static uint8_t buf[OVL_FRAME_MAX];
	struct ovl_probe probe = { .stream = 1, .seq = 5 };
	unsigned int i, p, edge;

	(void)state;
	for (i = 0; ovl_encaps[i] != NULL; i++) {
		const struct ovl_encap *e = ovl_encaps[i];

		for (p = 0; p <= ovl_encap_param_count(e); p++)
			for (edge = 0; edge < 2; edge++) {
				struct ovl_frame_spec spec;
				struct ovl_frame_layout lay;
				struct ovl_rx_config rx;
				struct ovl_layers l;
				char err[256];
				int len;

				ovl_frame_spec_defaults(&spec, e);
				if (p < ovl_encap_param_count(e)) {
					spec.tunnel.v[p] = edge ? e->params[p].max : e->params[p].min;
					spec.tunnel.given |= (uint8_t)(1u << p);
				}
				assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
				assert_int_equal(lay.inner_off, 14 + ovl_frame_spec_overhead(&spec));
				assert_int_equal(lay.frame_size, ovl_frame_min_size(&spec));
				len = ovl_frame_build(buf, sizeof(buf), &spec, &lay, &probe);
				assert_true(len > 0);
				ovl_rx_config_defaults(&rx);
				rx.tunnel[i] = spec.tunnel;
				assert_int_equal(ovl_parse(buf, (uint32_t)len, &rx, &l), 0);
				assert_ptr_equal(l.encap, e);
				assert_int_equal(l.inner_l3, lay.inner_off);
			}
	}
}

/* The kinds of variation (OVL_VARY_*) that cover byte off of e's header, as bits. */
static unsigned int
declared(const struct ovl_encap *e, unsigned int off)
{
	unsigned int f, kinds = 0;

	for (f = 0; f < OVL_ENCAP_FIELDS_MAX && e->varies[f].len != 0; f++)
		if (off >= e->varies[f].off && off < (unsigned int)e->varies[f].off + e->varies[f].len)
			kinds |= e->varies[f].vary;
	return kinds;
}

/*
 * Frames of one stream differ in the encapsulation's own header only where its `varies` says:
 * between flows only in fields marked per flow or per packet, between packets of one flow
 * only in fields marked per packet. Each outer checksum mode, 64 flows, and probes that differ
 * in every field the sender writes per packet.
 */
static void
test_varies_is_honest(void **state)
{
	static uint8_t base[OVL_FRAME_MAX], other[OVL_FRAME_MAX];
	unsigned int i, c, f, s, b, v6;

	(void)state;
	for (i = 0; ovl_encaps[i] != NULL; i++) {
		const struct ovl_encap *e = ovl_encaps[i];

		for (f = 0; f < OVL_ENCAP_FIELDS_MAX && e->varies[f].len != 0; f++)
			assert_true(e->varies[f].off + e->varies[f].len <= e->overhead);
		/* Over IPv6 too, where the tunnel's header sits 20 bytes later (encap.h). */
		for (v6 = 0; v6 < 2; v6++)
		for (c = 0; c < 3; c++) {
			struct ovl_frame_spec spec, flow;
			struct ovl_frame_layout lay;
			struct ovl_probe p0 = { .session = 1, .stream = 2, .seq = 0, .tx_ts = 0 };
			char err[256];
			int len;

			if (v6 && e->ipv4_only)
				continue;
			ovl_frame_spec_defaults(&spec, e);
			spec.outer_udp_csum = (enum ovl_outer_udp_csum)c;
			spec.ip6 = (uint8_t)v6;
			spec.src_ip6[15] = 1;
			spec.dst_ip6[15] = 2;
			spec.size = 200;
			assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
			len = ovl_frame_build(base, sizeof(base), &spec, &lay, &p0);
			assert_true(len > 0);
			for (f = 0; f < 64; f++)
				for (s = 0; s < 3; s++) {
					struct ovl_probe pk = { .session = 1, .stream = 2,
						.seq = s * 0x10203u, .tx_ts = s * 0x55555555u };
					unsigned int need = f == 0 ? OVL_VARY_PACKET
								   : OVL_VARY_PACKET | OVL_VARY_FLOW;

					flow = spec;
					ovl_frame_spec_flow(&flow, f);
					assert_int_equal(ovl_frame_build(other, sizeof(other), &flow, &lay, &pk), len);
					for (b = 0; b < e->overhead; b++) {
						/* past the IPv4 header's 20 bytes: past IPv6's 40 */
						unsigned int at = lay.l2_len + b +
							(v6 && e->ip_proto && b >= 20 ? OVL_IPV6_EXTRA : 0);

						if (v6 && e->ip_proto && b < 20)
							continue; /* the outer IP header: the generic code's */

						if (base[at] == other[at])
							continue;
						if (!(declared(e, b) & need))
							print_error("%s%s csum %u flow %u seq %u: byte %u of its header varies undeclared\n",
									e->name, v6 ? " over IPv6" : "", c, f, s, b);
						assert_true(declared(e, b) & need);
					}
				}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_sound),
		cmocka_unit_test(test_find_any_case),
		cmocka_unit_test(test_overhead_is_what_frames_carry),
		cmocka_unit_test(test_varies_is_honest),
	};

	return cmocka_run_group_tests_name("encap_contract", tests, NULL, NULL);
}
