/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An encapsulation: how an inner IPv4 or IPv6 packet is carried over the IPv4 or IPv6 underlay.
 *
 * Every encapsulation is one file in lib/encap/ ending in a const struct ovl_encap, one line in
 * encap/table.c and one in lib/meson.build. The descriptor holds everything that differs
 * between tunnels: its name, its options with their defaults and limits, its header bytes and
 * which of them vary per flow and per packet, how to build, parse, turn around and describe
 * it. Everything else (options, sizes, streams, ARP, reflector, results, telemetry) is generic
 * and takes what it needs from the table.
 *
 * The generic code writes and checks the outer Ethernet header (and 802.1Q tag), the outer
 * IP header (IPv4, or IPv6 with no extension header) and the whole inner packet; an
 * encapsulation writes and checks only what lies between the outer IP header and the inner
 * IPv4 header. Offsets and sizes are given as over IPv4: over IPv6 everything after the outer
 * IP header sits OVL_IPV6_EXTRA (20) bytes later.
 */
#ifndef OVL_ENCAP_H
#define OVL_ENCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ovl_frame_spec;
struct ovl_layers;

#define OVL_ENCAPS_MAX 32      /* receivers keep the expected ones as bits of a uint32_t */
#define OVL_ENCAP_PARAMS_MAX 4

/*
 * One option of an encapsulation (a UDP port, a VNI, a key), given as --OPTION VALUE. Two
 * encapsulations may declare the same option (vxlan and geneve both take --vni): one value
 * then serves both, so they must declare it alike (a unit test checks).
 */
struct ovl_encap_param {
	const char *option;    /* long option name; in JSON results with '_' for '-' */
	const char *metavar;   /* the value's name in --help */
	const char *help;      /* one line */
	uint32_t def, min, max;
	uint32_t multiple_of;  /* 0 or 1: any value in min..max */
	uint8_t optional;      /* no default: absent unless given (a GRE key) */
	uint8_t filter;        /* a receiver given this option answers only frames that carry it */
};

/*
 * The values of an encapsulation's parameters, in the order it declares them. A sender's
 * frames carry these; a receiver matches ports always and a filter parameter when `given`.
 */
struct ovl_encap_values {
	uint32_t v[OVL_ENCAP_PARAMS_MAX];
	uint8_t given;         /* bit i: v[i] was given, not defaulted */
};

/*
 * Header bytes that differ between frames of one stream, from the start of the outer IPv4
 * header (over IPv6, those past the first 20 bytes move by 20).
 */
enum ovl_vary { OVL_VARY_FLOW = 1, OVL_VARY_PACKET = 2 };
struct ovl_encap_field {
	uint16_t off, len;
	enum ovl_vary vary;    /* per flow (ports, addresses) or per packet (checksums) */
};
#define OVL_ENCAP_FIELDS_MAX 4

struct ovl_encap {
	const char *name;      /* as in results; the command line takes any case */
	const char *summary;   /* one line for help and dumps */
	const char *flows;     /* what differs between the flows of a stream, for --flows' help */

	/* Bytes between the start of the outer IPv4 header and the inner IPv4 header, with the defaults. */
	uint16_t overhead;
	/* The same for given values, where they change it (options, a key); NULL: always overhead. */
	uint16_t (*overhead_of)(const struct ovl_encap_values *v);

	uint8_t ip_proto;      /* outer IP protocol of the tunnel; 0 for raw (the probe's own) */
	uint8_t ipv4_only;     /* refuses an IPv6 underlay (IP-in-IP: IPv4 in IPv4) */
	uint8_t udp_port_param; /* for a UDP tunnel, 1 + the index of its port parameter; else 0 */

	/*
	 * Claims any IPv4 packet whose protocol it understands (raw): the parser tries it only
	 * after every other encapsulation has said the packet is not its own.
	 */
	int fallback;

	/* The tunnel carries Ethernet frames (an inner Ethernet header, and ARP inside it). */
	int inner_ethernet;

	struct ovl_encap_param params[OVL_ENCAP_PARAMS_MAX]; /* ends at the first without option */

	/* The encapsulation's own header bytes that vary; ends at the first of length 0. */
	struct ovl_encap_field varies[OVL_ENCAP_FIELDS_MAX];

	/*
	 * Writes the tunnel's headers at `tunnel`, the first byte after the outer IP header (which
	 * the generic code has written), in front of the inner packet of inner_len bytes that is
	 * already in place after them.
	 */
	void (*encapsulate)(uint8_t *tunnel, uint16_t inner_len, const struct ovl_frame_spec *spec);

	/*
	 * Given a received frame whose outer IP header (at l->l3, up to l->l3_end; its payload at
	 * l->l3_payload, of protocol l->l3_proto) has been checked, finds the inner packet: sets l->inner_l3 and l->inner_end (and l->tunnel,
	 * l->inner_l2 where they exist). v holds what the receiver expects of this encapsulation.
	 * Returns 0, 1 when the packet is not of this encapsulation, or a negative enum ovl_drop.
	 */
	int (*decapsulate)(const uint8_t *frame, const struct ovl_encap_values *v, struct ovl_layers *l);

	/*
	 * Turns around what is particular to the tunnel for reflection (inner MACs, outer ports
	 * where a tunnel endpoint would swap them). Generic code swaps outer MACs and IPs and inner
	 * IPs and ports. Applied twice it must restore the frame. NULL: nothing of its own.
	 */
	void (*turnaround)(uint8_t *frame, const struct ovl_layers *l);

	/*
	 * Makes the spec of flow number `flow` (1, 2, ...) of a multi-flow stream: what a tunnel's
	 * flows differ in (NULL: the inner UDP source port, which also moves a UDP tunnel's source port).
	 */
	void (*vary_flow)(struct ovl_frame_spec *spec, uint32_t flow);

	/* Prints the tunnel's own header lines of a parsed frame (NULL: nothing of its own). */
	void (*describe)(FILE *out, const uint8_t *frame, const struct ovl_layers *l);
};

/* Every encapsulation, in the order of display; NULL-terminated. */
extern const struct ovl_encap *const ovl_encaps[];

unsigned int ovl_encap_count(void);
/* By name, in any case; NULL when there is none. */
const struct ovl_encap *ovl_encap_find(const char *name);
int ovl_encap_index(const struct ovl_encap *e);

/* Bytes from the outer IPv4 header to the inner one, for these values (over IPv4). */
uint16_t ovl_encap_overhead(const struct ovl_encap *e, const struct ovl_encap_values *v);

/* The number of parameters e declares, and the index of the one named option (or -1). */
unsigned int ovl_encap_param_count(const struct ovl_encap *e);
int ovl_encap_param_index(const struct ovl_encap *e, const char *option);

/* e's defaults: each parameter's def, none given. */
void ovl_encap_values_defaults(const struct ovl_encap *e, struct ovl_encap_values *v);

/*
 * Checks a value for parameter i of e: returns 0, or -EINVAL with a one-line message that
 * names the option and the allowed values.
 */
int ovl_encap_param_check(const struct ovl_encap *e, unsigned int i, uint32_t value,
		char *err, size_t errlen);

/* The UDP tunnel's port in v (host order), or 0 when e is not a UDP tunnel. */
uint16_t ovl_encap_udp_port(const struct ovl_encap *e, const struct ovl_encap_values *v);

#endif
