/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who paces the sender's queue: software (lib/pacer.h, against the TSC) or the NIC's per-queue
 * rate limiter (rte_eth_set_queue_rate_limit, whole Mbit/s at layer 1), and why.
 */
#ifndef OVL_APP_PACING_H
#define OVL_APP_PACING_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "stream.h"

/*
 * Under hardware pacing, load streams are still capped in software, at this multiple of their
 * rate: loose enough that the NIC, not the TSC, sets the pace, yet the sender does not spin
 * building frames the queue refuses, and no stream crowds the others out of the queue.
 */
#define PACING_HW_SOFT_CAP 2

struct pacing_choice {
	enum pacing_request requested;
	int hardware;                /* the NIC's rate limiter paces the queue */
	char why[256];               /* how it was decided; for a fallback, why */
	double wanted_mbps;          /* the streams' sum at layer 1; 0: no rate to pace */
	uint32_t queue_mbps;         /* what the queue was set to (wanted, rounded up) */
};

const char *pacing_request_name(enum pacing_request r);

/*
 * Before anything is sent: can the port's TX queue be rate limited at all (asked with a rate
 * of 0, which sets no limit)? Fills c; returns 0, or OVL_EXIT_USAGE after one line on stderr
 * when --pacing hardware cannot be had.
 */
int pacing_check(struct pacing_choice *c, enum pacing_request req, const struct app_config *cfg,
		uint16_t port, const char *command);

/*
 * Once the streams are built: sets the queue's limit to their sum when hardware pacing was
 * chosen (auto keeps software when whole Mbit/s would be more than 1% off). Returns 0, or
 * OVL_EXIT_USAGE after one line on stderr when --pacing hardware fails.
 */
int pacing_apply(struct pacing_choice *c, const struct stream *streams, unsigned int n,
		uint16_t port, uint16_t queue, const char *command);

#endif
