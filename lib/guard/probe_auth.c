/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <sodium.h>

#include "cksum.h"
#include "headers.h"
#include "probe_auth.h"

static_assert(OVL_KEY_LEN == crypto_shorthash_siphashx24_KEYBYTES, "SipHash-2-4 keys are 16 bytes");
static_assert(OVL_PROBE_TAG_LEN == crypto_shorthash_siphashx24_BYTES, "the tag is SipHash-2-4-128");

int
ovl_key_load(const char *path, struct ovl_key *key, char *err, size_t errlen)
{
	char text[128];
	size_t n, i;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	while (n > 0 && isspace((unsigned char)text[n - 1]))
		text[--n] = '\0';
	if (n != 2 * OVL_KEY_LEN) {
		snprintf(err, errlen, "%s: a key file holds exactly 32 hexadecimal digits (16 bytes), e.g. from: od -An -tx1 -N16 /dev/urandom | tr -d ' \\n'", path);
		return -1;
	}
	for (i = 0; i < OVL_KEY_LEN; i++) {
		unsigned int b;

		if (!isxdigit((unsigned char)text[2 * i]) || !isxdigit((unsigned char)text[2 * i + 1]) ||
				sscanf(text + 2 * i, "%2x", &b) != 1) {
			snprintf(err, errlen, "%s: character %zu is not a hexadecimal digit; the file holds 32 of them",
					path, 2 * i + 1);
			return -1;
		}
		key->bytes[i] = (uint8_t)b;
	}
	return 0;
}

/* Appends the source and destination addresses of the IP header at ip (IPv6 when ip6). */
static uint8_t *
ip_addresses(uint8_t *w, const uint8_t *ip, int ip6)
{
	if (ip6) {
		memcpy(w, ip + offsetof(struct rte_ipv6_hdr, src_addr), 32);
		return w + 32;
	}
	memcpy(w, ip + offsetof(struct rte_ipv4_hdr, src_addr), 8);
	return w + 8;
}

void
ovl_probe_tag(const struct ovl_key *key, const uint8_t *frame, const struct ovl_layers *l,
		uint8_t tag[OVL_PROBE_TAG_LEN])
{
	const struct ovl_probe_full *p = (const struct ovl_probe_full *)(frame + l->probe);
	uint8_t in[2 + 4 + 2 + 8 + 8 + 2 * 32 + 4], *w = in;
	uint16_t ports[2] = { 0, 0 };

	/* TCP's ports sit where UDP's do. */
	if (l->l4_proto == IPPROTO_UDP || l->l4_proto == IPPROTO_TCP)
		memcpy(ports, frame + l->l4, 4);
	else
		memcpy(&ports[0], frame + l->l4 + offsetof(struct rte_icmp_hdr, icmp_ident), 2);
	memcpy(w, &p->magic, 2), w += 2;
	memcpy(w, &p->session, 4), w += 4;
	memcpy(w, &p->stream, 2), w += 2;
	memcpy(w, &p->seq, 8), w += 8;
	memcpy(w, &p->tx_ts, 8), w += 8;
	w = ip_addresses(w, frame + l->l3, l->ip6);
	w = ip_addresses(w, frame + l->inner_l3, l->inner_ip6);
	memcpy(w, ports, 4), w += 4;
	crypto_shorthash_siphashx24(tag, in, (unsigned long long)(w - in), key->bytes);
}

void
ovl_probe_sign(const struct ovl_key *key, uint8_t *frame, const struct ovl_layers *l)
{
	uint8_t *tag = frame + l->probe + offsetof(struct ovl_probe_full, tag);
	uint8_t *ck = frame + l->l4 + ovl_l4_cksum_off(l->l4_proto);
	uint8_t old[OVL_PROBE_TAG_LEN];
	uint16_t cksum;

	memcpy(old, tag, sizeof(old));
	ovl_probe_tag(key, frame, l, tag);
	memcpy(&cksum, ck, 2);
	if (l->l4_proto == IPPROTO_UDP && cksum == 0)
		return;
	cksum = ovl_cksum_update(cksum, old, tag, OVL_PROBE_TAG_LEN);
	if (l->l4_proto == IPPROTO_UDP)
		cksum = ovl_udp_cksum_fixup(cksum);
	memcpy(ck, &cksum, 2);
}

int
ovl_probe_tag_check(const struct ovl_key *key, const uint8_t *frame, const struct ovl_layers *l)
{
	const struct ovl_probe_full *p = (const struct ovl_probe_full *)(frame + l->probe);
	uint8_t tag[OVL_PROBE_TAG_LEN];

	ovl_probe_tag(key, frame, l, tag);
	return sodium_memcmp(tag, p->tag, sizeof(tag)) == 0 ? 0 : -1;
}
