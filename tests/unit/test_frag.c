/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragmentation and reassembly through DPDK's ip_frag, for every encapsulation: the frames of
 * an inner packet larger than the tunnel MTU each parse as a fragment, and put back together
 * (in order or not) they give exactly the packet that would have been sent unfragmented.
 * This suite starts EAL (no hugepages, no PCI), as the library itself never does.
 */
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

static void
check_encap(const struct ovl_encap *e, uint32_t inner_size, uint32_t mtu, uint8_t proto,
		int reverse)
{
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay, whole_lay;
	struct ovl_probe probe = { .session = 77, .stream = 3, .seq = 123456789, .tx_ts = 42 };
	struct ovl_rx_config rx;
	struct ovl_reasm *reasm;
	struct ovl_layers l, inner;
	struct rte_mbuf *done = NULL;
	struct frames f;
	uint8_t *want, *got;
	int i;

	ovl_frame_spec_defaults(&spec, e);
	spec.size_kind = OVL_SIZE_INNER;
	spec.size = inner_size;
	spec.mtu = mtu;
	spec.inner_proto = proto;
	build_fragments(&spec, &lay, &probe, &f);

	ovl_rx_config_defaults(&rx);
	reasm = ovl_reasm_create(64, rte_get_tsc_hz(), SOCKET_ID_ANY);
	assert_non_null(reasm);
	for (i = 0; i < f.n; i++) {
		int k = reverse ? f.n - 1 - i : i;
		const struct rte_ipv4_hdr *outer;

		/* Each frame keeps to the underlay MTU and parses as a fragment. */
		assert_true(f.len[k] <= lay.frame_size - 4);
		assert_int_equal(ovl_parse(f.buf[k], f.len[k], &rx, &l), 1);
		assert_ptr_equal(l.encap, e);
		assert_int_equal(l.fragment, 1);
		outer = (const struct rte_ipv4_hdr *)(f.buf[k] + l.l3);
		assert_true(rte_be_to_cpu_16(outer->total_length) <= mtu);
		assert_true(ovl_frame_verify_cksums(f.buf[k], &l) == 0);
		assert_null(done);
		done = ovl_reasm_add(reasm, to_mbuf(f.buf[k], f.len[k]), &l, rte_rdtsc());
		if (i + 1 < f.n)
			assert_null(done);
	}
	assert_non_null(done);

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
	ovl_reasm_free(reasm);
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
		check_encap(ovl_encaps[e], 3000, 1500, IPPROTO_UDP, 0);
		check_encap(ovl_encaps[e], 2000, 1500, IPPROTO_ICMP, 0);
		check_encap(ovl_encaps[e], 9000, 1500, IPPROTO_UDP, 0);
		check_encap(ovl_encaps[e], 20000, 9001, IPPROTO_UDP, 0);
	}
}

static void
test_fragment_reassemble_reversed(void **state)
{
	unsigned int e;

	(void)state;
	for (e = 0; ovl_encaps[e] != NULL; e++)
		check_encap(ovl_encaps[e], 5000, 1500, IPPROTO_UDP, 1);
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
	};

	return cmocka_run_group_tests_name("frag", tests, setup, teardown);
}
