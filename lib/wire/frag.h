/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inner packets larger than the tunnel MTU: cut into fragments as a container's kernel would
 * (IPv4 with DF clear; IPv6 with a Fragment header, RFC 8200 4.5) and put back together on
 * receive, both with DPDK's ip_frag library. Fragmenting and reassembling work on mbufs, so
 * these functions need EAL and mempools; everything else in the library works on plain buffers.
 */
#ifndef OVL_FRAG_H
#define OVL_FRAG_H

#include <stdint.h>

#include <rte_ip_frag.h>
#include <rte_mbuf.h>

#include "frame.h"

/*
 * Builds every frame of a fragmented layout into frames[0 .. lay->n_frames - 1] (cap bytes
 * each): the inner packet is built whole, fragmented at lay->tunnel_mtu, and each fragment
 * encapsulated. Every fragment's identification is 0: a sender sets one per datagram. direct must hold mbufs of at least 2048 bytes of data room. Returns the
 * number of frames, with their lengths (without FCS) in lens, or a negative errno.
 */
int ovl_frag_build(uint8_t *const *frames, uint16_t *lens, uint16_t n_max, size_t cap,
		const struct ovl_frame_spec *spec, const struct ovl_frame_layout *lay,
		const struct ovl_probe *probe, struct rte_mempool *direct,
		struct rte_mempool *indirect);

struct ovl_reasm;

/* A reassembly table for up to max_flows datagrams in flight, each given timeout_cycles. */
struct ovl_reasm *ovl_reasm_create(uint32_t max_flows, uint64_t timeout_cycles, int socket);
void ovl_reasm_free(struct ovl_reasm *r);

/*
 * Takes the mbuf of a received frame that ovl_parse found to carry a fragment (l describes it)
 * and owns it from then on. Returns the reassembled datagram once complete: an mbuf (chain)
 * that starts at the first fragment's frame and whose inner IP header sits at l->inner_l3
 * (IPv6: without its Fragment header); or NULL while fragments are missing. Adds to *refused
 * the fragments it discarded: overlapping or repeated ones (and with them the rest of their
 * datagram), more than OVL_FRAGS_MAX to a datagram, those of a datagram timed out incomplete.
 */
struct rte_mbuf *ovl_reasm_add(struct ovl_reasm *r, struct rte_mbuf *m,
		const struct ovl_layers *l, uint64_t now, uint64_t *refused);

#endif
