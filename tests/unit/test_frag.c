/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragmentation and reassembly through DPDK's ip_frag, for every encapsulation and, inner IPv6
 * (with a Fragment header), every tunnel that carries it: the frames of an inner packet larger
 * than the tunnel MTU each parse as a fragment, and put back together (in order or not) they
 * give exactly the packet that would have been sent unfragmented. IPv6 fragments' fields by
 * RFC 8200 4.5; malformed ones dropped by reason; overlapping and repeated ones refused.
 * This suite starts EAL (no hugepages, no PCI), as the library itself never does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "drop.h"
#include "frag.h"
#include "frame.h"

#define MAX_FRAGS 64

static struct rte_mempool *direct, *indirect, *rx_pool;

static int
setup(void **state)
{
	char *argv[] = { "test_frag", "--no-huge", "--no-pci", "--no-shconf", "-m", "256",
		"--no-telemetry", "--log-level=error", NULL };

	(void)state;
	if (rte_eal_init(8, argv) < 0)
		return -1;
	direct = rte_pktmbuf_pool_create("direct", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			SOCKET_ID_ANY);
	indirect = rte_pktmbuf_pool_create("indirect", 4095, 0, 0, 0, SOCKET_ID_ANY);
	rx_pool = rte_pktmbuf_pool_create("rx", 1023, 0, 0, RTE_PKTMBUF_HEADROOM + OVL_FRAME_MAX,
			SOCKET_ID_ANY);
	return direct && indirect && rx_pool ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rte_mempool_free(direct);
	rte_mempool_free(indirect);
	rte_mempool_free(rx_pool);
	rte_eal_cleanup();
	return 0;
}

struct frames {
	uint8_t *buf[MAX_FRAGS];
	uint16_t len[MAX_FRAGS];
	int n;
};

static void
build_fragments(const struct ovl_frame_spec *spec, struct ovl_frame_layout *lay,
		const struct ovl_probe *probe, struct frames *f)
{
	char err[256];
	int i;

	assert_int_equal(ovl_frame_layout(spec, lay, err, sizeof(err)), 0);
	assert_true(lay->n_frames > 1 && lay->n_frames <= MAX_FRAGS);
	for (i = 0; i < MAX_FRAGS; i++)
		f->buf[i] = calloc(1, OVL_FRAME_MAX);
	f->n = ovl_frag_build(f->buf, f->len, MAX_FRAGS, OVL_FRAME_MAX, spec, lay, probe, direct,
			indirect);
	assert_int_equal(f->n, lay->n_frames);
	/* Every mbuf the fragmenter took went back. */
	assert_int_equal(rte_mempool_in_use_count(direct), 0);
	assert_int_equal(rte_mempool_in_use_count(indirect), 0);
}

static void
frames_free(struct frames *f)
{
	int i;

	for (i = 0; i < MAX_FRAGS; i++)
		free(f->buf[i]);
}

static struct rte_mbuf *
to_mbuf(const uint8_t *frame, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(rx_pool);

	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, len), frame, len);
	return m;
}

static const uint8_t outer_src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t outer_dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t inner_src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
static const uint8_t inner_dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };

#define INNER6 1 /* the inner packet is IPv6 */
#define OUTER6 2 /* so is the underlay */

static void
spec_for(struct ovl_frame_spec *spec, const struct ovl_encap *e, uint32_t inner_size,
		uint32_t mtu, uint8_t proto, int ip6)
{
	ovl_frame_spec_defaults(spec, e);
	spec->size_kind = OVL_SIZE_INNER;
	spec->size = inner_size;
	spec->mtu = mtu;
	spec->inner_proto = proto;
	spec->inner_ip6 = (ip6 & INNER6) != 0;
	memcpy(spec->inner_src_ip6, inner_src6, 16);
	memcpy(spec->inner_dst_ip6, inner_dst6, 16);
	spec->ip6 = (ip6 & OUTER6) != 0;
	memcpy(spec->src_ip6, outer_src6, 16);
	memcpy(spec->dst_ip6, outer_dst6, 16);
}

/* Feeds frames in order (or reversed) to a fresh table; the datagram, or NULL. */
static struct rte_mbuf *
reassemble(const struct frames *f, const int *order, int n, uint64_t *refused)
{
	struct ovl_reasm *reasm = ovl_reasm_create(64, rte_get_tsc_hz(), SOCKET_ID_ANY);
	struct ovl_rx_config rx;
	struct ovl_layers l;
	struct rte_mbuf *done = NULL;
	int i;

	assert_non_null(reasm);
	ovl_rx_config_defaults(&rx);
	*refused = 0;
	for (i = 0; i < n; i++) {
		int k = order[i];

		assert_null(done);
		assert_int_equal(ovl_parse(f->buf[k], f->len[k], &rx, &l), 1);
		done = ovl_reasm_add(reasm, to_mbuf(f->buf[k], f->len[k]), &l, rte_rdtsc(), refused);
	}
	ovl_reasm_free(reasm);
	return done;
}

static void
check_encap(const struct ovl_encap *e, uint32_t inner_size, uint32_t mtu, uint8_t proto,
		int reverse, int ip6)
{
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay, whole_lay;
	struct ovl_probe probe = { .session = 77, .stream = 3, .seq = 123456789, .tx_ts = 42 };
	struct ovl_rx_config rx;
	struct ovl_layers l, inner;
	struct rte_mbuf *done;
	struct frames f;
	uint8_t *want, *got;
	uint64_t refused;
	int i, order[MAX_FRAGS];

	spec_for(&spec, e, inner_size, mtu, proto, ip6);
	build_fragments(&spec, &lay, &probe, &f);

	ovl_rx_config_defaults(&rx);
	for (i = 0; i < f.n; i++) {
		order[i] = reverse ? f.n - 1 - i : i;
		/* Each frame keeps to the underlay MTU and parses as a fragment. */
		assert_true(f.len[i] <= lay.frame_size - 4);
		assert_int_equal(ovl_parse(f.buf[i], f.len[i], &rx, &l), 1);
		assert_ptr_equal(l.encap, e);
		assert_int_equal(l.fragment, 1);
		assert_int_equal(l.inner_ip6, (ip6 & INNER6) != 0);
		assert_true(l.l3_end - l.l3 <= (int)mtu);
		assert_true(ovl_frame_verify_cksums(f.buf[i], &l) == 0);
	}
	done = reassemble(&f, order, f.n, &refused);
	assert_non_null(done);
	assert_int_equal(refused, 0);

	/* The reassembled inner packet is the one an unfragmented send would carry. */
	got = malloc(inner_size);
	assert_int_equal(rte_pktmbuf_pkt_len(done), lay.inner_off + inner_size);
	memcpy(got, rte_pktmbuf_read(done, lay.inner_off, inner_size, got), inner_size);
	want = malloc(inner_size);
	whole_lay = lay;
	whole_lay.n_frames = 1;
	ovl_inner_build(want, &spec, &whole_lay, &probe);
	assert_memory_equal(got, want, inner_size);

	memset(&inner, 0, sizeof(inner));
	inner.encap = e;
	inner.inner_l3 = 0;
	inner.l3 = 0;
	inner.inner_end = (uint16_t)inner_size;
	assert_int_equal(ovl_parse_inner(got, &inner), 0);
	assert_int_equal(ovl_frame_verify_fill(got, &inner), 0);

	rte_pktmbuf_free(done);
	assert_int_equal(rte_mempool_in_use_count(rx_pool), 0);
	free(got);
	free(want);
	frames_free(&f);
}

static void
test_fragment_reassemble_in_order(void **state)
{
	unsigned int e;

	(void)state;
	for (e = 0; ovl_encaps[e] != NULL; e++) {
		check_encap(ovl_encaps[e], 3000, 1500, IPPROTO_UDP, 0, 0);
		check_encap(ovl_encaps[e], 2000, 1500, IPPROTO_ICMP, 0, 0);
		check_encap(ovl_encaps[e], 9000, 1500, IPPROTO_UDP, 0, 0);
		check_encap(ovl_encaps[e], 20000, 9001, IPPROTO_UDP, 0, 0);
	}
}

/* Every tunnel that carries inner IPv6 (raw has no inner packet; ipip carries IPv4 only). */
static int
carries_ipv6(const struct ovl_encap *e)
{
	return e->ip_proto != 0 && !e->ipv4_only;
}

static void
test_fragment_reassemble_ipv6(void **state)
{
	unsigned int e;

	(void)state;
	for (e = 0; ovl_encaps[e] != NULL; e++) {
		if (!carries_ipv6(ovl_encaps[e]))
			continue;
		check_encap(ovl_encaps[e], 3000, 1500, IPPROTO_UDP, 0, INNER6);
		check_encap(ovl_encaps[e], 2000, 1500, IPPROTO_ICMP, 0, INNER6);
		check_encap(ovl_encaps[e], 9000, 1500, IPPROTO_UDP, 0, INNER6);
		check_encap(ovl_encaps[e], 5000, 1500, IPPROTO_UDP, 1, INNER6);
		check_encap(ovl_encaps[e], 3000, 1500, IPPROTO_ICMP, 1, INNER6 | OUTER6);
		check_encap(ovl_encaps[e], 20000, 9001, IPPROTO_UDP, 0, INNER6 | OUTER6);
	}
}

static void
test_fragment_reassemble_reversed(void **state)
{
	unsigned int e;

	(void)state;
	for (e = 0; ovl_encaps[e] != NULL; e++)
		check_encap(ovl_encaps[e], 5000, 1500, IPPROTO_UDP, 1, 0);
}

/* The Fragment header of frame k of f, and its data length (the IPv6 payload less the header). */
static struct rte_ipv6_fragment_ext *
frag_hdr(const struct frames *f, const struct ovl_frame_layout *lay, int k, uint32_t *data)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(f->buf[k] + lay->inner_off);

	assert_int_equal(ip->proto, IPPROTO_FRAGMENT);
	*data = rte_be_to_cpu_16(ip->payload_len) - 8u;
	return (struct rte_ipv6_fragment_ext *)(f->buf[k] + lay->inner_off + 40);
}

/* The fragments of VXLAN's inner IPv6 datagram of inner_size bytes at MTU 1500, over IPv4. */
static void
vxlan6_fragments(uint32_t inner_size, struct ovl_frame_layout *lay, struct frames *f)
{
	struct ovl_frame_spec spec;
	struct ovl_probe probe = { .session = 7, .stream = 1, .seq = 9 };

	spec_for(&spec, ovl_encap_find("vxlan"), inner_size, 1500, IPPROTO_UDP, INNER6);
	build_fragments(&spec, lay, &probe, f);
}

/*
 * RFC 8200 4.5 on VXLAN's inner 3004-byte IPv6 datagram at MTU 1500 (tunnel MTU 1450): the
 * 2964 bytes after its header go in 1400-byte pieces (1450 - 40 - 8, a multiple of 8) at
 * offsets 0, 1400, 2800, the last of 164; M set on all but the last; one identification.
 */
static void
test_fragment_ipv6_fields(void **state)
{
	static const uint32_t want_data[] = { 1400, 1400, 164 };
	struct ovl_frame_layout lay;
	struct frames f;
	uint32_t data;
	int k;

	(void)state;
	vxlan6_fragments(3004, &lay, &f);
	assert_int_equal(f.n, 3);
	assert_int_equal(lay.tunnel_mtu, 1450);
	/* The first fragment's frame: 14 + 50 of VXLAN over IPv4 + 40 + 8 + 1400, with FCS. */
	assert_int_equal(lay.frame_size, 14 + 50 + 40 + 8 + 1400 + 4);
	for (k = 0; k < f.n; k++) {
		const struct rte_ipv6_fragment_ext *fh = frag_hdr(&f, &lay, k, &data);
		uint16_t fd = rte_be_to_cpu_16(fh->frag_data);

		assert_int_equal(fh->next_header, IPPROTO_UDP);
		assert_int_equal(fh->reserved, 0);
		assert_int_equal(RTE_IPV6_GET_FO(fd) * 8, 1400 * k);
		assert_int_equal(RTE_IPV6_GET_MF(fd), k + 1 < f.n);
		assert_int_equal(fd & 6, 0); /* the two reserved bits */
		assert_int_equal(data, want_data[k]);
		assert_int_equal(fh->id, 0); /* the sender sets one per datagram */
		assert_true(40 + 8 + data <= lay.tunnel_mtu);
	}
	frames_free(&f);
}

static void
expect_parse(const struct frames *f, int k, int want)
{
	struct ovl_rx_config rx;
	struct ovl_layers l;
	int rc;

	ovl_rx_config_defaults(&rx);
	rc = ovl_parse(f->buf[k], f->len[k], &rx, &l);
	if (rc != want)
		fail_msg("fragment %d parses %d (%s), want %d (%s)", k, rc, ovl_drop_name(rc), want,
				ovl_drop_name(want));
}

/* Malformed fragments are dropped by a named reason, before any reassembly. */
static void
test_fragment_ipv6_malformed(void **state)
{
	struct ovl_frame_layout lay;
	struct rte_ipv6_fragment_ext *fh;
	struct frames f;
	uint32_t data;
	uint16_t fd;

	(void)state;
	vxlan6_fragments(3004, &lay, &f);
	/* The last fragment (164 bytes) with M set: not a multiple of 8, yet not the last. */
	fh = frag_hdr(&f, &lay, 2, &data);
	fd = fh->frag_data;
	fh->frag_data |= rte_cpu_to_be_16(1);
	expect_parse(&f, 2, -OVL_DROP_INNER_IP6_FRAGMENT);
	/* At offset 0 without M: an atomic fragment, which no probe is. */
	fh->frag_data = 0;
	expect_parse(&f, 2, -OVL_DROP_INNER_IP6_FRAGMENT);
	/* Past 65,535 bytes: offset 65,528 and 164 bytes. */
	fh->frag_data = rte_cpu_to_be_16(8191 << 3);
	expect_parse(&f, 2, -OVL_DROP_INNER_IP6_FRAGMENT);
	fh->frag_data = fd;
	expect_parse(&f, 2, 1);
	/* A fragment of SCTP is of no probe (UDP, TCP and ICMPv6 are). */
	fh->next_header = IPPROTO_SCTP;
	expect_parse(&f, 2, -OVL_DROP_INNER_PROTO);
	fh->next_header = IPPROTO_UDP;
	/* A first fragment whose payload is no probe. */
	f.buf[0][lay.inner_off + 48 + 8] ^= 0xFF; /* the probe's magic */
	expect_parse(&f, 0, -OVL_DROP_NOT_PROBE);
	frames_free(&f);
}

/* Overlapping and repeated fragments: the datagram is refused, and the fragments counted. */
static void
test_fragment_ipv6_overlap_refused(void **state)
{
	static const int in_order[] = { 0, 1, 2 }, first_twice[] = { 0, 0, 1, 2 };
	struct ovl_frame_layout lay;
	struct rte_ipv6_fragment_ext *fh;
	struct rte_mbuf *done;
	struct frames f;
	uint64_t refused;
	uint32_t data;

	(void)state;
	vxlan6_fragments(3000, &lay, &f);
	/* The first fragment twice: both discarded; the two others wait for a first one. */
	done = reassemble(&f, first_twice, 4, &refused);
	assert_null(done);
	assert_int_equal(refused, 2);
	/* The middle fragment moved 8 bytes back: [1392, 2792) overlaps [0, 1400). */
	fh = frag_hdr(&f, &lay, 1, &data);
	fh->frag_data = rte_cpu_to_be_16((1392 / 8) << 3 | 1);
	done = reassemble(&f, in_order, 3, &refused);
	assert_null(done);
	assert_int_equal(refused, 3);
	frames_free(&f);
}

/*
 * Fragment counts over IPv6: 1400 data bytes a fragment at MTU 1500 (1450 in VXLAN); at most
 * 8 fragments; no fragmenting below a 1280-byte tunnel MTU.
 */
static void
test_fragment_ipv6_counts(void **state)
{
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	char err[256];
	uint32_t size;

	(void)state;
	for (size = 1400; size <= 11280; size += 40) {
		spec_for(&spec, ovl_encap_find("vxlan"), size, 1500, IPPROTO_UDP, INNER6);
		if (size <= 40 + 8 * 1400) {
			assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
			assert_int_equal(lay.n_frames, size <= 1450 ? 1 : (size - 40 + 1399) / 1400);
		} else {
			assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), -EINVAL);
			if (strstr(err, "reassembles at most 8") == NULL || strstr(err, "11240") == NULL)
				fail_msg("%s", err);
		}
	}
	/* IPv4 keeps its own limit: 8 fragments of 1424 bytes at MTU 1500. */
	spec_for(&spec, ovl_encap_find("vxlan"), 20 + 8 * 1424 + 1, 1500, IPPROTO_UDP, 0);
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), -EINVAL);
	spec.size--;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
	assert_int_equal(lay.n_frames, 8);
}

/* Seed 001's study: UDP datagrams of 1000..2000 bytes through a 1500-byte underlay. */
static void
test_fragment_counts(void **state)
{
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	char err[256];
	uint32_t dgram;

	(void)state;
	ovl_frame_spec_defaults(&spec, ovl_encap_find("vxlan"));
	spec.size_kind = OVL_SIZE_INNER;
	spec.mtu = 1500;
	for (dgram = 1000; dgram <= 2000; dgram += 100) {
		spec.size = dgram + 28;
		assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
		assert_int_equal(lay.n_frames, spec.size <= 1450 ? 1 : 2);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fragment_counts),
		cmocka_unit_test(test_fragment_reassemble_in_order),
		cmocka_unit_test(test_fragment_reassemble_reversed),
		cmocka_unit_test(test_fragment_reassemble_ipv6),
		cmocka_unit_test(test_fragment_ipv6_fields),
		cmocka_unit_test(test_fragment_ipv6_malformed),
		cmocka_unit_test(test_fragment_ipv6_overlap_refused),
		cmocka_unit_test(test_fragment_ipv6_counts),
	};

	return cmocka_run_group_tests_name("frag", tests, setup, teardown);
}
