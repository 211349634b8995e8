/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outages seen from the sender's own counters: replies had been coming back, and then none came
 * for --outage-after seconds while probes kept going out. Not every PMD reports a peer that went
 * away (af_packet on a veth whose peer is down, a reflector process stopped): silence is the
 * sign they all give. Each outage is recorded (start, length); one longer than --link-timeout
 * ends the run, marked partial.
 */
#ifndef OVL_MEASURE_OUTAGE_H
#define OVL_MEASURE_OUTAGE_H

#include <stdint.h>

#define OUTAGES_MAX 64   /* recorded; later ones are counted only */

struct outage {
	double start_s;      /* since launch: the last reply before the silence */
	double length_s;     /* until the first reply after it, or the end of the run if none came */
	int ended;           /* replies came back */
	const char *cause;   /* "no replies" or "link down" */
};

struct outage_watch {
	uint64_t last_rx, last_tx;    /* the sender's totals at the last look */
	uint64_t rx_at;               /* TSC when replies last grew; 0: none yet */
	uint64_t tx_at_rx;            /* what had been sent then */
	int open;                     /* an outage is under way: outages[n - 1] */
	unsigned int n, count;        /* recorded, and seen in all */
	struct outage list[OUTAGES_MAX];
};

/*
 * One look at the sender's totals at TSC now (launch at start, hz ticks a second); after S
 * seconds of silence while sending (S: outage_after_s) an outage opens, and closes when replies
 * grow again. link_down: a port reported its link down (an outage opens at once). Says each
 * change on stderr, naming command. Returns the open outage's length in seconds, or 0.
 */
double outage_look(struct outage_watch *w, const char *command, uint64_t tx, uint64_t rx,
		int link_down, uint64_t now, uint64_t start, uint64_t hz, double outage_after_s);

/* Closes an outage still open at the end of the run (at TSC end): its length so far. */
void outage_finish(struct outage_watch *w, uint64_t end, uint64_t start, uint64_t hz);

#endif
