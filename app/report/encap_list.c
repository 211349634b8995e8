/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf frames --list: the encapsulation table as a reader (or a test script) needs it: each
 * tunnel's overhead, smallest frames, outer protocol and port, what varies per flow, and its
 * options. Scripts ask this instead of keeping their own list.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "encap_list.h"
#include "frame.h"

/*
 * The smallest frame of e over IPv4 or IPv6 (ip6), with an inner IPv4 or IPv6 packet
 * (inner_ip6; raw has none), 0 where e does not carry them.
 */
static uint32_t
smallest(const struct ovl_encap *e, enum ovl_probe_form form, int ip6, int inner_ip6, uint8_t proto)
{
	struct ovl_frame_spec spec;

	ovl_frame_spec_defaults(&spec, e);
	spec.inner_proto = proto;
	spec.ip6 = (uint8_t)ip6;
	spec.inner_ip6 = (uint8_t)inner_ip6;
	if ((ip6 || inner_ip6) && e->ipv4_only)
		return 0;
	if (form == OVL_PROBE_COMPACT)
		return ovl_frame_min_size(&spec);
	/* The full probe (keyed probes use it) needs 64 bytes of payload. */
	return RTE_MAX(ovl_frame_min_size(&spec),
			(uint32_t)(RTE_ETHER_HDR_LEN + ovl_frame_spec_overhead(&spec) +
				   ovl_frame_spec_inner_hdr_len(&spec) + OVL_PROBE_FULL_LEN + OVL_FCS_LEN));
}

/* Bytes from the outer IPv6 header to the inner packet; 0 where e does not run over IPv6. */
static uint16_t
overhead_ipv6(const struct ovl_encap *e)
{
	struct ovl_frame_spec spec;

	ovl_frame_spec_defaults(&spec, e);
	spec.ip6 = 1;
	return e->ipv4_only ? 0 : ovl_frame_spec_overhead(&spec);
}

/* A number, or null where e does not run over IPv6. */
static json_t *
or_null(uint32_t v, const struct ovl_encap *e)
{
	return e->ipv4_only ? json_null() : json_integer(v);
}

static json_t *
encap_json(const struct ovl_encap *e)
{
	json_t *opts = json_array();
	struct ovl_encap_values v;
	unsigned int p, n = ovl_encap_param_count(e);

	ovl_encap_values_defaults(e, &v);
	for (p = 0; p < n; p++) {
		const struct ovl_encap_param *a = &e->params[p];

		json_array_append_new(opts, json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:b, s:b, s:s}",
				"name", a->option, "metavar", a->metavar,
				"default", a->optional ? json_null() : json_integer(a->def),
				"min", (json_int_t)a->min, "max", (json_int_t)a->max,
				"multiple_of", (json_int_t)(a->multiple_of > 1 ? a->multiple_of : 1),
				"optional", a->optional, "filter", a->filter, "help", a->help));
	}
	return json_pack("{s:s, s:s, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:i, s:b, s:o, s:o, s:s, s:o}",
			"name", e->name, "summary", e->summary,
			"overhead", (int)e->overhead,
			"min_frame", (int)smallest(e, OVL_PROBE_COMPACT, 0, 0, IPPROTO_UDP),
			"min_frame_keyed", (int)smallest(e, OVL_PROBE_FULL, 0, 0, IPPROTO_UDP),
			"overhead_ipv6", or_null(overhead_ipv6(e), e),
			"min_frame_ipv6", or_null(smallest(e, OVL_PROBE_COMPACT, 1, 0, IPPROTO_UDP), e),
			"min_frame_keyed_ipv6", or_null(smallest(e, OVL_PROBE_FULL, 1, 0, IPPROTO_UDP), e),
			"min_frame_inner_ipv6", or_null(smallest(e, OVL_PROBE_COMPACT, 0, 1, IPPROTO_UDP), e),
			"min_frame_tcp", (int)smallest(e, OVL_PROBE_COMPACT, 0, 0, IPPROTO_TCP),
			"inner_ethernet", e->inner_ethernet,
			"ip_proto", e->ip_proto ? json_integer(e->ip_proto) : json_null(),
			"udp_port", e->udp_port_param ? json_integer(ovl_encap_udp_port(e, &v)) : json_null(),
			"flows", e->flows, "options", opts);
}

static void
print_table(FILE *out)
{
	unsigned int i, p;

	fprintf(out, "%-8s %8s %9s %9s %10s %9s %7s %5s  %s\n", "encap", "overhead", "smallest", "keyed",
			"overhead6", "smallest6", "inner6", "tcp", "what");
	for (i = 0; ovl_encaps[i] != NULL; i++) {
		const struct ovl_encap *e = ovl_encaps[i];
		char o6[16] = "-", s6[16] = "-", i6[16] = "-";

		if (!e->ipv4_only) {
			snprintf(o6, sizeof(o6), "%u", overhead_ipv6(e));
			snprintf(s6, sizeof(s6), "%u", smallest(e, OVL_PROBE_COMPACT, 1, 0, IPPROTO_UDP));
			snprintf(i6, sizeof(i6), "%u", smallest(e, OVL_PROBE_COMPACT, 0, 1, IPPROTO_UDP));
		}
		fprintf(out, "%-8s %8u %9u %9u %10s %9s %7s %5u  %s\n", e->name, e->overhead,
				smallest(e, OVL_PROBE_COMPACT, 0, 0, IPPROTO_UDP),
				smallest(e, OVL_PROBE_FULL, 0, 0, IPPROTO_UDP), o6, s6, i6,
				smallest(e, OVL_PROBE_COMPACT, 0, 0, IPPROTO_TCP), e->summary);
		fprintf(out, "%-8s %63s  flows differ in %s\n", "", "", e->flows);
		for (p = 0; p < ovl_encap_param_count(e); p++)
			fprintf(out, "%-8s %63s  --%s %s: %s\n", "", "", e->params[p].option,
					e->params[p].metavar, e->params[p].help);
	}
	fprintf(out, "overhead: bytes from the outer IPv4 header to the inner one, with the defaults;\n"
			"smallest: frame with FCS holding a 46-byte inner packet (keyed: the full probe);\n"
			"overhead6, smallest6: the same over an IPv6 underlay (raw: its probe is IPv6; -: IPv4 only);\n"
			"inner6: the smallest frame over IPv4 with a 66-byte inner IPv6 packet (raw has no inner packet);\n"
			"tcp: the smallest frame over IPv4 with TCP probes (--inner-proto tcp): a 58-byte inner packet\n");
}

int
encap_list(int argc, char **argv)
{
	int json = 0, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0)
			continue;
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
			continue;
		}
		fprintf(stderr, "ovlperf frames: --list takes only --json, not '%s'\n", argv[i]);
		return OVL_EXIT_USAGE;
	}
	if (json) {
		json_t *list = json_array(), *root;

		for (i = 0; ovl_encaps[i] != NULL; i++)
			json_array_append_new(list, encap_json(ovl_encaps[i]));
		root = json_pack("{s:o}", "encaps", list);
		if (root == NULL || json_dumpf(root, stdout, JSON_INDENT(1)) < 0) {
			fprintf(stderr, "ovlperf frames: --list: could not write the JSON\n");
			json_decref(root);
			return 1;
		}
		json_decref(root);
		fputc('\n', stdout);
		return 0;
	}
	print_table(stdout);
	return 0;
}
