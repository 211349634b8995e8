/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: everything that reads a received frame.
 *
 * The input is one frame, copied into a heap buffer of exactly its size so that AddressSanitizer
 * reports the first byte read beyond it. It is parsed under several receiver configurations (every
 * encapsulation; each one alone; VXLAN on 8472; a fixed VNI) and, depending on the result:
 *
 *   0 (a probe):     the layers must lie in order inside the frame; the checksum, fill, probe and
 *                    tag readers run over it; turning it around twice must give back the original
 *                    bytes, and the frame turned around once must parse again as the same
 *                    encapsulation with the same layers.
 *   1 (a fragment):  the layers up to the inner IP header must lie inside the frame; the inner
 *                    packet, copied out on its own, goes through ovl_parse_inner as a reassembled
 *                    one would; turning the fragment around twice restores it (but a TCP one).
 *   < 0:             a known drop reason.
 *
 * ARP's reader and the frame dumper run on every input too, and NDP's reader: a known verdict;
 * a solicitation it accepts, answered for its own target, must read back as a valid
 * advertisement of that target. Invariant failures call __builtin_trap(), which libFuzzer
 * reports as a crash with the input saved.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>

#include "arp.h"
#include "dissect.h"
#include "drop.h"
#include "frame.h"
#include "headers.h"
#include "ndp.h"
#include "probe.h"
#include "probe_auth.h"

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_parse: invariant failed at line %d: %s\n", __LINE__, #cond); \
	__builtin_trap(); } } while (0)

static const struct ovl_key fixed_key = { {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
} };

#define MAX_CONFIGS (1 + 2 * OVL_ENCAPS_MAX)
static struct ovl_rx_config configs[MAX_CONFIGS];
static unsigned int n_configs;
static FILE *devnull;
static unsigned long known_icmp_ffff; /* turnarounds that met the 0xFFFF ICMP checksum */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	(void)argc, (void)argv;
	devnull = fopen("/dev/null", "w");
	if (devnull == NULL)
		abort();
	/* Every encapsulation, as a reflector with default options expects. */
	ovl_rx_config_defaults(&configs[n_configs++]);
	/* Each encapsulation alone (reflect --encap NAME). */
	for (i = 0; ovl_encaps[i] != NULL && n_configs < MAX_CONFIGS; i++) {
		ovl_rx_config_defaults(&configs[n_configs]);
		configs[n_configs++].encap_mask = 1u << i;
	}
	/*
	 * Each encapsulation with options given: every parameter at the low end of its range and
	 * filtered on (another port, reflect --vni 0, a key).
	 */
	for (i = 0; ovl_encaps[i] != NULL && n_configs < MAX_CONFIGS; i++) {
		unsigned int p, n = ovl_encap_param_count(ovl_encaps[i]);

		if (n == 0)
			continue;
		ovl_rx_config_defaults(&configs[n_configs]);
		for (p = 0; p < n; p++) {
			configs[n_configs].tunnel[i].v[p] = ovl_encaps[i]->params[p].min;
			configs[n_configs].tunnel[i].given |= (uint8_t)(1u << p);
		}
		n_configs++;
	}
	return 0;
}

/*
 * The outer IP header's length, and the inner one's: raw's inner header is its outer one (IPv6
 * over an IPv6 underlay); every tunnel's inner packet is IPv4.
 */
static uint16_t
outer_ip_len(const struct ovl_layers *l)
{
	return l->ip6 ? OVL_IPV6_HDR_LEN : OVL_IPV4_HDR_LEN;
}

static uint16_t
inner_ip_len(const struct ovl_layers *l)
{
	return l->inner_ip6 ? OVL_IPV6_HDR_LEN : OVL_IPV4_HDR_LEN;
}

/* The layers of a frame (buf) that parsed to 0 lie in order inside it. */
static void
check_probe_layers(const uint8_t *buf, const struct ovl_layers *l, uint32_t len)
{
	uint32_t cap = len > UINT16_MAX ? UINT16_MAX : len;
	uint16_t outer = outer_ip_len(l), inner = inner_ip_len(l);

	CHECK(l->encap != NULL);
	CHECK(l->len == cap);
	CHECK(!l->fragment);
	CHECK(l->l3 == RTE_ETHER_HDR_LEN + (l->vlan ? OVL_VLAN_LEN : 0));
	CHECK((uint32_t)l->l3 + outer <= l->l3_end && l->l3_end <= cap);
	CHECK(l->l3_payload == l->l3 + outer);
	CHECK(l->inner_l3 >= l->l3 && l->inner_l3 < l->l3_end);
	/* raw's probe header is the outer one, of its version; a tunnel's says its own. */
	CHECK(l->inner_l3 != l->l3 || l->inner_ip6 == l->ip6);
	if (l->tunnel != 0) {
		CHECK(l->tunnel == l->l3 + outer);
		CHECK((uint32_t)l->tunnel + OVL_UDP_HDR_LEN <= l->inner_l3);
	}
	if (l->inner_l2 != 0) {
		/* After the outer IP header and the tunnel's own (a UDP tunnel's, or GRE's). */
		CHECK(l->inner_l2 > l->l3 + outer && l->inner_l2 > l->tunnel);
		CHECK((uint32_t)l->inner_l2 + RTE_ETHER_HDR_LEN == l->inner_l3);
	}
	CHECK((uint32_t)l->inner_l3 + inner <= l->inner_end && l->inner_end <= l->l3_end);
	CHECK(l->l4 == l->inner_l3 + inner);
	CHECK(l->l4_proto == IPPROTO_UDP || l->l4_proto == IPPROTO_TCP ||
			l->l4_proto == (inner == OVL_IPV6_HDR_LEN ? IPPROTO_ICMPV6 : IPPROTO_ICMP));
	CHECK(l->probe == l->l4 + ovl_l4_hdr_len(l->l4_proto));
	CHECK((uint32_t)l->probe + l->payload_len <= l->inner_end);
	/* Nothing without a probe but a TCP RST (a kernel's answer, matched by its numbers). */
	CHECK(l->payload_len >= 2 ||
			(ovl_is_bare_rst(l) &&
			 (buf[l->l4 + offsetof(struct rte_tcp_hdr, tcp_flags)] & RTE_TCP_RST_FLAG)));
}

/*
 * A fragment: known up to its inner IP header (IPv6: and the Fragment header after it), which
 * lies inside the frame; of an IPv6 first fragment, the transport header after those too.
 */
static void
check_fragment_layers(const struct ovl_layers *l, uint32_t len)
{
	uint32_t cap = len > UINT16_MAX ? UINT16_MAX : len;
	uint32_t hdrs = l->inner_ip6 ? OVL_IPV6_HDR_LEN + OVL_IPV6_FRAG_HDR_LEN : OVL_IPV4_HDR_LEN;

	CHECK(l->encap != NULL && l->fragment);
	CHECK(l->l3 == RTE_ETHER_HDR_LEN + (l->vlan ? OVL_VLAN_LEN : 0));
	CHECK((uint32_t)l->l3 + outer_ip_len(l) <= l->l3_end && l->l3_end <= cap);
	CHECK(l->inner_l3 >= l->l3);
	CHECK(l->inner_l3 + hdrs <= l->inner_end && l->inner_end <= l->l3_end);
	CHECK(l->probe == 0);
	CHECK(l->l4 == 0 || (l->inner_ip6 && l->l4 == l->inner_l3 + hdrs &&
			(uint32_t)l->l4 + OVL_UDP_HDR_LEN <= l->inner_end));
}

/* What a receiver does with a probe: every reader, then the reflector's turnaround. */
static void
probe_frame(const uint8_t *buf, uint32_t len, const struct ovl_rx_config *cfg,
		const struct ovl_layers *l)
{
	struct ovl_layers again;
	struct ovl_rx_config same;
	struct ovl_probe p;
	uint8_t *copy;
	int rc;

	check_probe_layers(buf, l, len);
	(void)ovl_frame_verify_cksums(buf, l);
	if (ovl_is_bare_rst(l))
		return; /* no probe to read, nothing the reflector answers */
	(void)ovl_frame_verify_fill(buf, l);
	rc = ovl_probe_read(buf + l->probe, l->payload_len, &p);
	CHECK(rc == 0); /* ovl_parse returned 0: the probe was read once already */
	CHECK(p.length <= l->payload_len);
	CHECK(p.form == OVL_PROBE_COMPACT || p.form == OVL_PROBE_FULL);
	/* The reflector checks a tag only on full probes (admit()). */
	if (p.form == OVL_PROBE_FULL)
		(void)ovl_probe_tag_check(&fixed_key, buf, l);

	copy = malloc(len);
	if (copy == NULL)
		return;
	memcpy(copy, buf, len);
	ovl_frame_turnaround(copy, l);
	/*
	 * The reply parses as the same encapsulation with the same layers. Checked with a receiver
	 * that expects only that encapsulation: with several, a reply can be claimed by another one
	 * (a raw UDP probe from port 4789 comes back to port 4789). A UDP tunnel whose endpoints
	 * swap ports (flannel) answers to the sender's source port, which is the tunnel's port only
	 * when the sender used it: the receiver of the reply expects the port it was sent to.
	 */
	same = *cfg;
	same.encap_mask = 1u << ovl_encap_index(l->encap);
	if (l->tunnel != 0 && l->encap->udp_port_param != 0) {
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(copy + l->tunnel);

		same.tunnel[ovl_encap_index(l->encap)].v[l->encap->udp_port_param - 1] =
			rte_be_to_cpu_16(udp->dst_port);
	}
	rc = ovl_parse(copy, len, &same, &again);
	CHECK(rc == 0);
	CHECK(again.encap == l->encap && again.l3 == l->l3 && again.l3_end == l->l3_end &&
			again.tunnel == l->tunnel && again.inner_l2 == l->inner_l2 &&
			again.inner_l3 == l->inner_l3 && again.inner_end == l->inner_end &&
			again.l4 == l->l4 && again.probe == l->probe &&
			again.payload_len == l->payload_len);
	/* Checksums stay valid: as many bad ones after turning around as before. */
	CHECK(ovl_frame_verify_cksums(copy, &again) == ovl_frame_verify_cksums(buf, l));
	if (l->l4_proto == IPPROTO_TCP) {
		free(copy); /* a peer's answer (SYN to SYN-ACK) is not its own inverse */
		return;
	}
	ovl_frame_turnaround(copy, &again);
	if (memcmp(copy, buf, len) != 0 &&
			(l->l4_proto == IPPROTO_ICMP || l->l4_proto == IPPROTO_ICMPV6)) {
		/*
		 * Known and reported: RFC 1624's equation 3 never yields 0xFFFF, so an ICMP (or
		 * ICMPv6) checksum field of 0xFFFF comes back as 0x0000, the other one's complement
		 * zero (the same validity; a checksum computed over a probe is never 0xFFFF).
		 * Accept exactly that.
		 */
		uint16_t was, now;

		memcpy(&was, buf + l->l4 + 2, 2);
		memcpy(&now, copy + l->l4 + 2, 2);
		if (was == 0xFFFF && now == 0x0000) {
			memcpy(copy + l->l4 + 2, &was, 2);
			known_icmp_ffff++;
		}
	}
	CHECK(memcmp(copy, buf, len) == 0);
	free(copy);
}

/* What a receiver does with a fragment: turn it around (reflector), or reassemble (sender). */
static void
fragment_frame(const uint8_t *buf, uint32_t len, const struct ovl_layers *l)
{
	struct ovl_layers inner;
	uint32_t n;
	uint8_t *copy;
	int rc;

	check_fragment_layers(l, len);
	copy = malloc(len);
	if (copy == NULL)
		return;
	memcpy(copy, buf, len);
	ovl_frame_turnaround(copy, l);
	/* An IPv6 first fragment of TCP is answered as a peer would (SYN to SYN-ACK): no inverse. */
	if (l->l4 == 0 || l->l4_proto != IPPROTO_TCP) {
		ovl_frame_turnaround(copy, l);
		CHECK(memcmp(copy, buf, len) == 0);
	}
	free(copy);

	/* The inner packet on its own, as the sender's reassembly hands it over (sender.c). */
	n = l->inner_end - l->inner_l3;
	copy = malloc(n);
	if (copy == NULL)
		return;
	memcpy(copy, buf + l->inner_l3, n);
	memset(&inner, 0, sizeof(inner));
	inner.encap = l->encap;
	inner.len = (uint16_t)n;
	inner.l3_end = (uint16_t)n;
	inner.inner_end = (uint16_t)n;
	rc = ovl_parse_inner(copy, &inner);
	CHECK(rc == 0 || rc == 1 || (rc < 0 && -rc < OVL_DROP_MAX));
	if (rc == 0) {
		CHECK(inner.l4 == OVL_IPV4_HDR_LEN &&
				inner.probe == inner.l4 + ovl_l4_hdr_len(inner.l4_proto));
		CHECK(inner.inner_end <= n && (uint32_t)inner.probe + inner.payload_len <= inner.inner_end);
		(void)ovl_frame_verify_cksums(copy, &inner);
		(void)ovl_frame_verify_fill(copy, &inner);
	}
	free(copy);
}

/* Neighbour discovery's reader, and its answer to what it accepts (ndp.h). */
static void
ndp_frame(const uint8_t *buf, size_t size)
{
	static const struct rte_ether_addr mac = { { 0x02, 0, 0, 0, 0, 0x02 } };
	struct ovl_ndp nd, na;
	uint8_t *answer;
	uint16_t n;
	int rc = ovl_ndp_read(buf, (uint32_t)size, &nd);

	CHECK(rc == 0 || rc == 1 || rc == -OVL_DROP_NDP_OFF_LINK || rc == -OVL_DROP_NDP_INVALID);
	if (rc != 0)
		return;
	CHECK(nd.l3 == RTE_ETHER_HDR_LEN || nd.l3 == RTE_ETHER_HDR_LEN + OVL_VLAN_LEN);
	CHECK(nd.type == OVL_NDP_SOLICIT || nd.type == OVL_NDP_ADVERT);
	CHECK(nd.target[0] != 0xFF && nd.src[0] != 0xFF);
	if (nd.type != OVL_NDP_SOLICIT)
		return;
	answer = malloc(RTE_MAX(size, (size_t)nd.l3 + OVL_NDP_IP_LEN));
	if (answer == NULL)
		return;
	memcpy(answer, buf, size);
	n = ovl_ndp_answer(answer, &nd, nd.target, &mac);
	CHECK(n == nd.l3 + OVL_NDP_IP_LEN);
	CHECK(ovl_ndp_read(answer, n, &na) == 0 && na.type == OVL_NDP_ADVERT && na.has_lla &&
			rte_is_same_ether_addr(&na.lla, &mac) && memcmp(na.target, nd.target, 16) == 0);
	free(answer);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	struct ovl_layers l;
	struct ovl_arp arp;
	unsigned int i;
	int rc;

	if (size > 65536 + 64)
		return 0;
	/* Exactly the input's size: a read one byte beyond it is a heap overflow. */
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);

	for (i = 0; i < n_configs; i++) {
		rc = ovl_parse(buf, (uint32_t)size, &configs[i], &l);
		CHECK(rc <= 1 && -rc < OVL_DROP_MAX);
		if (rc == 0)
			probe_frame(buf, (uint32_t)size, &configs[i], &l);
		else if (rc == 1)
			fragment_frame(buf, (uint32_t)size, &l);
		/* Nothing in the frame changed. */
		CHECK(memcmp(buf, data, size) == 0);
	}
	ovl_frame_dump(devnull, buf, (uint32_t)size, &configs[0], 1);

	if (ovl_arp_read(buf, (uint32_t)size, &arp) == 0) {
		CHECK(arp.arp_off == RTE_ETHER_HDR_LEN || arp.arp_off == RTE_ETHER_HDR_LEN + OVL_VLAN_LEN);
		CHECK(arp.arp_off + sizeof(struct rte_arp_hdr) <= size);
		CHECK(arp.op == RTE_ARP_OP_REQUEST || arp.op == RTE_ARP_OP_REPLY);
	}
	ndp_frame(buf, size);
	CHECK(memcmp(buf, data, size) == 0);
	free(buf);
	return 0;
}
