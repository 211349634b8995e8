/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inner transport header and the probe: inner protocols, ICMP type and code, the inner UDP
 * length, and the probe's magic, version, form and length field (see parse_frames.h for the
 * frames).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_icmp.h>

#include "drop.h"
#include "encap.h"
#include "frame.h"
#include "headers.h"
#include "parse_frames.h"
#include "probe.h"

/* ---------------------------------------------------------------------------------------- */
/* Inner transport and probe */

static void
test_inner_protocol_not_udp_or_icmp(void **state)
{
	static const uint8_t protos[] = { 132, 47, 58, 4, 0, 255 }; /* 132: SCTP */
	struct ovl_rx_config cfg = rx_config(OVL_ENCAP_MASK_ALL);

	(void)state;
	FOR_EACH_FRAME(FORMS_AUTO, 0, f) {
		unsigned int p;

		for (p = 0; p < RTE_DIM(protos); p++) {
			uint8_t *ip = frame_scratch(&f) + f.l.inner_l3;
			struct ovl_layers l;
			/*
			 * raw's IPv4 header is also the outer one: no encapsulation claims other
			 * protocols (an outer 4 is IPIP, whose "inner packet" is the UDP/ICMP header;
			 * 47 is GRE's).
			 */
			int want = !is_raw(&f.l) ? -OVL_DROP_INNER_PROTO : -OVL_DROP_NO_TUNNEL;

			if (is_raw(&f.l) && outer_proto_claimed(protos[p]))
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inner_protocol_not_udp_or_icmp),
		cmocka_unit_test(test_icmp_type_and_code),
		cmocka_unit_test(test_inner_udp_length),
		cmocka_unit_test(test_probe_magic),
		cmocka_unit_test(test_probe_version_and_form),
		cmocka_unit_test(test_full_probe_length_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
