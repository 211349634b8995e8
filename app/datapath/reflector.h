/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reflector lcore: receives frames on one port queue, answers only well-formed probes
 * addressed to it, each turned around as a tunnel endpoint would answer, optionally stamped
 * with its receive and transmit times; answers ARP for its addresses; drops and counts by
 * reason everything else. A reflector answers packets from the network, so its rules keep it
 * from being aimed at anyone: never to a broadcast, multicast or own source, never bigger than
 * what arrived (it answers in place), only from --allow prefixes, at most --max-pps, and with
 * --key only probes whose tag checks and whose sequence number it has not answered before.
 */
#ifndef OVL_APP_REFLECTOR_H
#define OVL_APP_REFLECTOR_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "allowlist.h"
#include "answer_memo.h"
#include "clock.h"
#include "drop.h"
#include "frame.h"
#include "histogram.h"
#include "idle.h"
#include "neighbour.h"
#include "probe_auth.h"
#include "ratecap.h"
#include "replay.h"

struct reflector_stats {
	uint64_t rx_frames;
	uint64_t reflected;
	uint64_t fragments_reflected;
	uint64_t stamped;
	uint64_t arp_answered;
	uint64_t ndp_answered;   /* neighbour solicitations answered (IPv6 underlay) */
	uint64_t tx_full;
	uint64_t drops[OVL_DROP_MAX];
	/*
	 * Gaps between consecutive received frames, from the reflector's own TSC: an observer of
	 * the sender's pacing other than the pacer. Frames of one RX burst share its timestamp.
	 */
	uint64_t last_rx_tsc;
	uint64_t first_rx_tsc; /* the first RX burst's: with last_rx_tsc, its own receive window */
	struct ovl_histogram interarrival;
} __rte_cache_aligned;

struct reflector {
	uint16_t port;
	uint16_t queue;
	struct ovl_rx_config rx;
	struct rte_ether_addr mac;
	uint8_t any_ip6;         /* an IPv6 set of addresses (self): the IPv6 rules apply to every frame */
	int promiscuous;
	int dwell;
	struct ovl_allowlist allow;
	const struct ovl_key *key;   /* NULL: answer untagged probes */
	struct ovl_replay *replay;   /* with a key */
	struct tsc_clock clock;
	volatile int stop;           /* loop mode: the sender has finished */
	struct ovl_ratecap cap;
	/*
	 * Our addresses, outer and inner, each set of one IP version (only that version is
	 * answered): the frames' destinations we answer, and ARP and NDP for them.
	 */
	struct neighbour_self self;
	struct ovl_parse_memo memo;  /* the shapes of probes: most frames parse from one */
	struct ovl_answer_memo answers; /* probes answered before: most frames are answered from one */
	struct rte_mempool *jumbo;   /* where a chained frame is copied whole; NULL: none come */
	struct reflector_stats stats;
	struct idle idle;            /* --idle-sleep */
};

/* Sets the rules from the options (r->mac and r->self's addresses set); returns 0 or -1 (out of memory). */
struct app_config;
int reflector_configure(struct reflector *r, const struct app_config *cfg);
void reflector_release(struct reflector *r);

int reflector_main(void *arg);

#endif
