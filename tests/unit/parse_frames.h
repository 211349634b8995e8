/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames for the parse tests (test_parse_*.c), which treat every received frame as hostile.
 *
 * Every test builds valid frames for every entry of ovl_encaps[] (with and without a VLAN tag,
 * with a UDP and an ICMP echo inner packet, at the smallest, 128, 1518 and 9018-byte frame
 * sizes), damages them one way at a time, and asserts the exact return of ovl_parse. Each
 * variant is parsed from a malloc'd buffer of exactly its length, so that AddressSanitizer
 * catches any read past the end of the frame.
 *
 * No EAL: only plain buffers and DPDK's inline header helpers.
 */
#ifndef OVL_TEST_PARSE_FRAMES_H
#define OVL_TEST_PARSE_FRAMES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "encap.h"
#include "frame.h"
#include "probe.h"
#include "check.h"

#define VLAN_ID 100
#define PAD_LEN 20
#define SCRATCH_LEN (OVL_FRAME_MAX + 256)

/* Header field offsets, from the start of each header. */
#define ETH_TYPE 12
#define VLAN_TYPE 16
#define IP_VHL 0
#define IP_TOTAL 2
#define IP_FRAG 6
#define IP_PROTO 9
#define IP_CKSUM 10
#define IP_SRC 12
#define IP_DST 16
#define UDP_SPORT 0
#define UDP_DPORT 2
#define UDP_LEN 4
#define UDP_CKSUM 6
#define ICMP_TYPE 0
#define ICMP_CODE 1
#define ICMP_CKSUM 2
#define VXLAN_FLAGS 0
#define VXLAN_VNI 4
#define VXLAN_LEN 8
#define PROBE_VF 1
#define PROBE_FULL_LENGTH 10

struct variant {
	const struct ovl_encap *encap;
	int encap_idx;
	int vlan;
	uint8_t proto;
	uint32_t size;
	enum ovl_probe_form form;
	enum ovl_outer_udp_csum outer_csum;
	const struct ovl_encap_values *tunnel; /* the encapsulation's parameters; NULL: defaults */
};

/* A built, valid frame and where its layers sit (from ovl_parse). */
struct frame {
	struct variant v;
	struct ovl_frame_layout lay;
	uint8_t *buf;
	uint32_t len;
	struct ovl_layers l;
	char name[160];
};

enum forms {
	FORMS_AUTO,     /* the probe form the sender picks */
	FORMS_EXPLICIT, /* compact and full, where the frame has room for it */
};

/* Frames are damaged in scratch; scratch2 holds a second copy (an expected result). */
extern uint8_t scratch[SCRATCH_LEN];
extern uint8_t scratch2[SCRATCH_LEN];

/* "accepted", "fragment" or the drop reason's name, for messages. */
const char *rc_name(int rc);

/* The first arguments after want are a printf format and its arguments naming the case. */
#define EXPECT_RC(got, want, ...) do { \
	int got_ = (got), want_ = (want); \
	if (got_ != want_) { \
		print_error(__VA_ARGS__); \
		print_error("\n    ovl_parse returned %d (%s), expected %d (%s)\n", got_, \
				rc_name(got_), want_, rc_name(want_)); \
		_fail(__FILE__, __LINE__); \
	} \
} while (0)

/* Bytes and checksums; frames and their layers (comments with the definitions). */
void put16(uint8_t *p, uint16_t v);
uint16_t get16(const uint8_t *p);
void swap_bytes(uint8_t *a, uint8_t *b, size_t n);
void ipv4_fix_cksum(uint8_t *ip);
void udp_fix_cksum(uint8_t *ip, uint8_t *udp);
void icmp_fix_cksum(uint8_t *icmp, uint32_t len);

int is_raw(const struct ovl_layers *l);
uint32_t mask_of(int encap_idx);
struct ovl_rx_config rx_config(uint32_t mask);
int parse_exact_keep(const uint8_t *src, uint32_t len, const struct ovl_rx_config *cfg,
		struct ovl_layers *l, uint8_t **keep);
int parse_exact(const uint8_t *src, uint32_t len, const struct ovl_rx_config *cfg,
		struct ovl_layers *l);
struct variant *variants(enum forms forms, int all_outer_csums, unsigned int *n);
struct variant *variants_of(const struct ovl_encap *e, const struct ovl_encap_values *tunnel,
		int all_outer_csums, unsigned int *n);
void probe_values(struct ovl_probe *p);
int frame_build(const struct variant *v, struct frame *f);
void frame_free(struct frame *f);
uint8_t *frame_scratch(const struct frame *f);
void set_outer_end(uint8_t *fr, const struct ovl_layers *l, uint32_t end, int fix_udp);
uint32_t frame_resize_inner(const struct frame *f, uint32_t inner_len, uint8_t *out);
const char *layer_at(const struct ovl_layers *l, uint32_t off);
int expected_inner_cut(const struct ovl_layers *l, uint32_t cut);
int same_layers(const struct ovl_layers *a, const struct ovl_layers *b);

/* One frame of a stream of many flows (build_stream), malloc'd at exactly its length. */
struct flow_frame {
	uint8_t *buf;
	uint32_t len;
	const char *encap;
};

#define STREAM_IP6 1        /* build_stream: an IPv6 underlay */
#define STREAM_INNER_IP6 2  /* and an IPv6 inner packet */

/*
 * Frames of flows 0..flows-1 (seqs probes each, in that order) of one stream of encapsulation
 * e: smallest frames when size is 0, every tunnel option given when with_options, IP versions
 * by ip6 (STREAM_*). Returns how many were added to out, 0 when the layout is refused.
 */
unsigned int build_stream(const struct ovl_encap *e, uint16_t vlan, uint8_t proto, uint32_t size,
		int with_options, unsigned int ip6, unsigned int flows, unsigned int seqs,
		struct flow_frame *out);
void free_all(struct flow_frame *b, unsigned int n);
/* The frames in a random order, the same for one seed. */
void shuffle_frames(struct flow_frame *b, unsigned int n, uint64_t seed);

/*
 * Streams of every encapsulation over IPv4, 16 each (tagged or not, UDP or ICMP, smallest or
 * 300-byte frames, with and without options), interleaved at random (seed): the frames, in a
 * calloc'd array at *out, and how many.
 */
unsigned int build_interleaved(unsigned int flows, unsigned int seqs, uint64_t seed,
		struct flow_frame **out);

/* Loops over the built frames of a variant list; the body sees struct frame f. */
#define FOR_EACH_FRAME(forms, csums, f) \
	for (unsigned int n_ = 0, i_ = 0, once_ = 1; once_; once_ = 0) \
		for (struct variant *vs_ = variants((forms), (csums), &n_); vs_ != NULL; \
				free(vs_), vs_ = NULL) \
			for (i_ = 0; i_ < n_; i_++) \
				for (struct frame f, *fp_ = frame_build(&vs_[i_], &f) == 0 ? &f : NULL; \
						fp_ != NULL; frame_free(fp_), fp_ = NULL)

/*
 * The same over the frames of one encapsulation e built with the parameters *tunnel (NULL:
 * e's defaults), probe form AUTO; sizes too small for those parameters' headers are left out.
 */
#define FOR_EACH_FRAME_OF(e, tunnel, csums, f) \
	for (unsigned int n_ = 0, i_ = 0, once_ = 1; once_; once_ = 0) \
		for (struct variant *vs_ = variants_of((e), (tunnel), (csums), &n_); vs_ != NULL; \
				free(vs_), vs_ = NULL) \
			for (i_ = 0; i_ < n_; i_++) \
				for (struct frame f, *fp_ = frame_build(&vs_[i_], &f) == 0 ? &f : NULL; \
						fp_ != NULL; frame_free(fp_), fp_ = NULL)

/* Whether an encapsulation of the table is carried in outer IPv4 protocol proto (4, 47, 17). */
int outer_proto_claimed(uint8_t proto);

#endif
