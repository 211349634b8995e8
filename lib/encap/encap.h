/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An encapsulation: how an inner IPv4 packet is carried over the IPv4 underlay.
 *
 * Every encapsulation is one file (encap_<name>.c) ending in a const struct ovl_encap, and one
 * line in encap_table.c. The generic code writes and checks the outer Ethernet header (and
 * 802.1Q tag), the outer IPv4 header's validity and the whole inner packet; an encapsulation
 * writes and checks only what lies between the outer IPv4 header and the inner IPv4 header.
 */
#ifndef OVL_ENCAP_H
#define OVL_ENCAP_H

#include <stdint.h>
#include <stdio.h>

struct ovl_frame_spec;
struct ovl_rx_config;
struct ovl_layers;

struct ovl_encap {
	const char *name;    /* as on the command line and in results */
	const char *summary; /* one line for help and dumps */

	/* Bytes between the start of the outer IPv4 header and the inner IPv4 header. */
	uint16_t overhead;

	/*
	 * Claims any IPv4 packet whose protocol it understands (raw): the parser tries it only
	 * after every other encapsulation has said the packet is not its own.
	 */
	int fallback;

	/* The tunnel carries Ethernet frames (an inner Ethernet header, and ARP inside it). */
	int inner_ethernet;

	/*
	 * Writes the outer headers at l3 (overhead bytes), in front of the inner packet of
	 * inner_len bytes that is already in place at l3 + overhead.
	 */
	void (*encapsulate)(uint8_t *l3, uint16_t inner_len, const struct ovl_frame_spec *spec);

	/*
	 * Given a received frame whose outer IPv4 header (at l->l3, l->l3_len bytes long in all)
	 * has been checked, finds the inner packet: sets l->inner_l3 and l->inner_end (and
	 * l->tunnel, l->inner_l2 where they exist). Returns 0, 1 when the packet is not of this
	 * encapsulation, or a negative enum ovl_drop.
	 */
	int (*decapsulate)(const uint8_t *frame, const struct ovl_rx_config *cfg, struct ovl_layers *l);

	/*
	 * Turns around what is particular to the tunnel for reflection (inner MACs, outer ports
	 * where a tunnel endpoint would swap them). Generic code swaps outer MACs and IPs and inner
	 * IPs and ports. Applied twice it must restore the frame.
	 */
	void (*turnaround)(uint8_t *frame, const struct ovl_layers *l);

	/*
	 * Makes the spec of flow number `flow` (1, 2, ...) of a multi-flow stream: what a tunnel's
	 * flows differ in (NULL: the inner UDP source port, which also moves a VXLAN outer port).
	 */
	void (*vary_flow)(struct ovl_frame_spec *spec, uint32_t flow);

	/* Prints the tunnel's own header lines of a parsed frame (NULL: nothing of its own). */
	void (*describe)(FILE *out, const uint8_t *frame, const struct ovl_layers *l);
};

/* Every encapsulation, in the order of display; NULL-terminated. */
extern const struct ovl_encap *const ovl_encaps[];

unsigned int ovl_encap_count(void);
const struct ovl_encap *ovl_encap_find(const char *name);
int ovl_encap_index(const struct ovl_encap *e);

#endif
