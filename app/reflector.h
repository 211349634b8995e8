/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reflector lcore: receives frames on one port queue, answers only well-formed probes
 * addressed to it, each turned around as a tunnel endpoint would answer, optionally stamped
 * with its receive and transmit times; answers ARP for its addresses; drops and counts by
 * reason everything else.
 */
#ifndef OVL_APP_REFLECTOR_H
#define OVL_APP_REFLECTOR_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "clock.h"
#include "drop.h"
#include "frame.h"
#include "histogram.h"

struct reflector_stats {
	uint64_t rx_frames;
	uint64_t reflected;
	uint64_t fragments_reflected;
	uint64_t stamped;
	uint64_t arp_answered;
	uint64_t not_addressed;      /* not to our MAC or IP */
	uint64_t tx_full;
	uint64_t drops[OVL_DROP_MAX];
	/*
	 * Gaps between consecutive received frames, from the reflector's own TSC: an observer of
	 * the sender's pacing other than the pacer. Frames of one RX burst share its timestamp.
	 */
	uint64_t last_rx_tsc;
	struct ovl_histogram interarrival;
} __rte_cache_aligned;

struct reflector {
	uint16_t port;
	uint16_t queue;
	struct ovl_rx_config rx;
	struct rte_ether_addr mac;
	struct rte_ether_addr inner_mac;
	rte_be32_t ip, inner_ip;
	int promiscuous;
	int dwell;
	struct tsc_clock clock;
	volatile int stop;           /* loop mode: the sender has finished */
	struct reflector_stats stats;
};

int reflector_main(void *arg);

#endif
