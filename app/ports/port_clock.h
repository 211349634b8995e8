/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A port's clock against the TSC, for hardware RX timestamps (RTE_ETH_RX_OFFLOAD_TIMESTAMP)
 * beside TSC transmit timestamps. The main lcore calibrates before the run (clusters of
 * rte_eth_read_clock reads bracketed by rte_rdtsc), refits once a second over the last
 * clusters so the line never extrapolates far, and checks the last line against fresh reads at
 * the end (drift). The sender lcore reads the current line once per RX burst, under a seqlock.
 */
#ifndef OVL_APP_PORT_CLOCK_H
#define OVL_APP_PORT_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include <rte_seqlock.h>

#include "nic_clock.h"

#define PORT_CLOCK_WINDOW 16 /* clusters a fit spans: about 16 s once refreshed each second */

struct port_clock {
	uint16_t port;
	uint64_t tsc_hz;
	rte_seqlock_t lock;
	struct ovl_nic_fit fit;               /* the line in use; written under lock */

	/* The main lcore's alone. */
	struct ovl_clock_pair best[PORT_CLOCK_WINDOW]; /* each cluster's fastest read, a ring */
	unsigned int n_best, next_best;
	struct ovl_nic_fit first;             /* the line before the run */
	unsigned int refreshes, failed;       /* fits published after the first; reads or fits that failed */
	double worst_read_cycles, worst_residual_cycles; /* over every line published */
	double drift_cycles;                  /* the last line against the end's reads */
	double drift_unrefreshed_cycles;      /* the first line against them: drift without refits */
	int finished;
};

/*
 * 0 when the port advertises RTE_ETH_RX_OFFLOAD_TIMESTAMP and rte_eth_read_clock answers;
 * else -1 with why naming what is missing.
 */
int port_clock_capable(uint16_t port, char *why, size_t len);

/* Calibrates (about 100 ms). Returns 0, or -1 with why. */
int port_clock_start(struct port_clock *c, uint16_t port, uint64_t tsc_hz, char *why, size_t len);

/* Adds a cluster and publishes a new line: the main lcore, about once a second. */
void port_clock_refresh(struct port_clock *c);

/* Reads a last cluster and measures the drift of the line in use. */
void port_clock_finish(struct port_clock *c);

/* The line in use; lock-free for the reader, retried while the main lcore writes it. */
static inline void
port_clock_get(struct port_clock *c, struct ovl_nic_fit *out)
{
	uint32_t sn;

	do {
		sn = rte_seqlock_read_begin(&c->lock);
		*out = c->fit;
	} while (rte_seqlock_read_retry(&c->lock, sn));
}

/* Read latency + residual + drift, in nanoseconds: how far a converted stamp may be off. */
double port_clock_budget_ns(const struct port_clock *c);

static inline double
port_clock_ns(const struct port_clock *c, double cycles)
{
	return cycles * 1e9 / (double)c->tsc_hz;
}

#endif
