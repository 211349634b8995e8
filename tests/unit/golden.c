/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcap/pcap.h>
#include <rte_ip.h>

#include "golden.h"

const char *
golden_dir(void)
{
	const char *d = getenv("OVL_GOLDEN_DIR");

	return d != NULL ? d : "tests/golden";
}

static int
parse_line(struct golden_case *c)
{
	char proto[16], kind[16];
	unsigned int vlan, size;
	int used = 0;

	if (sscanf(c->line, "proto=%15s vlan=%u size=%15[a-z]:%u%n", proto, &vlan, kind, &size,
			&used) != 4)
		return -1;
	snprintf(c->options, sizeof(c->options), "%s", c->line + used + (c->line[used] == ' '));
	c->proto = strcmp(proto, "icmp") == 0 ? IPPROTO_ICMP : IPPROTO_UDP;
	c->vlan = (uint16_t)vlan;
	c->size = size;
	if (strcmp(kind, "frame") == 0)
		c->kind = OVL_SIZE_FRAME;
	else if (strcmp(kind, "mtu") == 0)
		c->kind = OVL_SIZE_MTU;
	else if (strcmp(kind, "inner") == 0)
		c->kind = OVL_SIZE_INNER;
	else
		return -1;
	return 0;
}

int
golden_load(const char *dir, const char *name, struct golden_case *cases, int max)
{
	char path[512], errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	FILE *f;
	int n = 0, i;

	snprintf(path, sizeof(path), "%s/%s.cases", dir, name);
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "no golden frames for encapsulation '%s' (%s): add it to tests/golden/make_golden.py\n",
				name, path);
		return -1;
	}
	while (n < max && fgets(cases[n].line, sizeof(cases[n].line), f) != NULL) {
		cases[n].line[strcspn(cases[n].line, "\n")] = '\0';
		if (cases[n].line[0] == '\0')
			continue;
		if (parse_line(&cases[n]) < 0) {
			fprintf(stderr, "%s: bad line '%s'\n", path, cases[n].line);
			fclose(f);
			return -1;
		}
		n++;
	}
	fclose(f);

	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	p = pcap_open_offline(path, errbuf);
	if (p == NULL) {
		fprintf(stderr, "%s: %s\n", path, errbuf);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (pcap_next_ex(p, &h, &data) != 1) {
			fprintf(stderr, "%s: has fewer frames than its %d cases\n", path, n);
			pcap_close(p);
			golden_free(cases, i);
			return -1;
		}
		cases[i].len = h->caplen;
		cases[i].frame = malloc(h->caplen);
		memcpy(cases[i].frame, data, h->caplen);
	}
	pcap_close(p);
	return n;
}

void
golden_free(struct golden_case *cases, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(cases[i].frame);
		cases[i].frame = NULL;
	}
}

void
golden_spec(const struct golden_case *c, const struct ovl_encap *e, struct ovl_frame_spec *spec,
		struct ovl_probe *probe)
{
	ovl_frame_spec_defaults(spec, e);
	spec->inner_proto = c->proto;
	spec->vlan = c->vlan;
	spec->size_kind = c->kind;
	spec->size = c->size;
	if (c->options[0] != '\0') {
		char opts[sizeof(c->options)], *save = NULL, *tok;

		strcpy(opts, c->options);
		for (tok = strtok_r(opts, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(tok, '=');
			int p;

			assert_non_null(eq);
			*eq = '\0';
			if (strcmp(tok, "ip") == 0 && strcmp(eq + 1, "6") == 0) {
				/* an IPv6 underlay, as make_golden.py's DEFAULTS */
				static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
				static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

				spec->ip6 = 1;
				memcpy(spec->src_ip6, src6, 16);
				memcpy(spec->dst_ip6, dst6, 16);
				continue;
			}
			p = ovl_encap_param_index(e, tok);
			assert_true(p >= 0);
			spec->tunnel.v[p] = (uint32_t)strtoul(eq + 1, NULL, 0);
			spec->tunnel.given |= (uint8_t)(1u << p);
		}
	}
	memset(probe, 0, sizeof(*probe));
	probe->session = 0x01020304;
	probe->stream = 1;
	probe->seq = 0x0102030405060708ull;
	probe->tx_ts = 0x1112131415161718ull;
}
