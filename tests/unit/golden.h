/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The golden cases written by tests/golden/make_golden.py (scapy): one line per frame in
 * <encap>.cases, the frame itself at the same index in <encap>.pcap.
 */
#ifndef OVL_TEST_GOLDEN_H
#define OVL_TEST_GOLDEN_H

#include <stdint.h>

#include "frame.h"

#define GOLDEN_MAX_CASES 64

struct golden_case {
	char line[128];
	uint8_t proto;
	uint16_t vlan;
	enum ovl_size_kind kind;
	uint32_t size;
	char options[64];      /* the encapsulation's options: "gre-key=7 ...", or empty */
	uint8_t *frame;
	uint32_t len;
};

/* Loads dir/<name>.cases and .pcap; returns the number of cases, or -1 with a message. */
int golden_load(const char *dir, const char *name, struct golden_case *cases, int max);
void golden_free(struct golden_case *cases, int n);

/* The spec and probe values that make_golden.py uses for a case (asserts its options are e's). */
void golden_spec(const struct golden_case *c, const struct ovl_encap *e, struct ovl_frame_spec *spec,
		struct ovl_probe *probe);

const char *golden_dir(void);

#endif
