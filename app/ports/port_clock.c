/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "port_clock.h"

#define CLUSTER_READS 16    /* reads per cluster; the fastest one is kept */
#define START_CLUSTERS 5    /* before the run, START_GAP_US apart: the first line's baseline */
#define START_GAP_US 25000

int
port_clock_capable(uint16_t port, char *why, size_t len)
{
	char name[RTE_ETH_NAME_MAX_LEN] = "?";
	struct rte_eth_dev_info dev;
	uint64_t clock;
	int has_offload, rc;

	if (rte_eth_dev_info_get(port, &dev) != 0) {
		snprintf(why, len, "port %u: cannot read device info", port);
		return -1;
	}
	rte_eth_dev_get_name_by_port(port, name);
	has_offload = (dev.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP) != 0;
	rc = rte_eth_read_clock(port, &clock);
	if (has_offload && rc == 0)
		return 0;
	snprintf(why, len, "port %u (%s, driver %s) %s%s%s%s", port, name, dev.driver_name,
			has_offload ? "" : "lacks RTE_ETH_RX_OFFLOAD_TIMESTAMP",
			!has_offload && rc != 0 ? " and " : "",
			rc != 0 ? "rte_eth_read_clock: " : "", rc != 0 ? strerror(-rc) : "");
	return -1;
}

/* CLUSTER_READS reads back to back; the one with the narrowest TSC bracket goes to the ring. */
static int
read_cluster(struct port_clock *c, struct ovl_clock_pair *best)
{
	unsigned int i, ok = 0;

	for (i = 0; i < CLUSTER_READS; i++) {
		struct ovl_clock_pair p;

		p.tsc_before = rte_rdtsc_precise();
		if (rte_eth_read_clock(c->port, &p.nic) != 0)
			continue;
		p.tsc_after = rte_rdtsc_precise();
		if (ok == 0 || p.tsc_after - p.tsc_before < best->tsc_after - best->tsc_before)
			*best = p;
		ok++;
	}
	return ok > 0 ? 0 : -1;
}

static void
add_cluster(struct port_clock *c)
{
	struct ovl_clock_pair p;

	if (read_cluster(c, &p) < 0) {
		c->failed++;
		return;
	}
	c->best[c->next_best] = p;
	c->next_best = (c->next_best + 1) % PORT_CLOCK_WINDOW;
	if (c->n_best < PORT_CLOCK_WINDOW)
		c->n_best++;
}

static int
publish(struct port_clock *c)
{
	struct ovl_nic_fit fit;

	if (ovl_nic_fit(c->best, c->n_best, &fit) < 0) {
		c->failed++;
		return -1;
	}
	if (fit.read_cycles > c->worst_read_cycles)
		c->worst_read_cycles = fit.read_cycles;
	if (fit.residual_cycles > c->worst_residual_cycles)
		c->worst_residual_cycles = fit.residual_cycles;
	rte_seqlock_write_lock(&c->lock);
	c->fit = fit;
	rte_seqlock_write_unlock(&c->lock);
	return 0;
}

int
port_clock_start(struct port_clock *c, uint16_t port, uint64_t tsc_hz, char *why, size_t len)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->port = port;
	c->tsc_hz = tsc_hz;
	rte_seqlock_init(&c->lock);
	for (i = 0; i < START_CLUSTERS; i++) {
		if (i > 0)
			usleep(START_GAP_US);
		add_cluster(c);
	}
	if (c->n_best < 2 || publish(c) < 0) {
		snprintf(why, len, "port %u: calibrating rte_eth_read_clock against the TSC failed (%u of %d reads answered)",
				port, c->n_best, START_CLUSTERS);
		return -1;
	}
	c->first = c->fit;
	return 0;
}

void
port_clock_refresh(struct port_clock *c)
{
	add_cluster(c);
	if (publish(c) == 0)
		c->refreshes++;
}

void
port_clock_finish(struct port_clock *c)
{
	struct ovl_clock_pair end[START_CLUSTERS];
	unsigned int i, n = 0;

	for (i = 0; i < START_CLUSTERS; i++)
		if (read_cluster(c, &end[n]) == 0)
			n++;
	c->drift_cycles = ovl_nic_fit_deviation(&c->fit, end, n);
	c->drift_unrefreshed_cycles = ovl_nic_fit_deviation(&c->first, end, n);
	c->finished = 1;
}

double
port_clock_budget_ns(const struct port_clock *c)
{
	return port_clock_ns(c, c->worst_read_cycles + c->worst_residual_cycles + c->drift_cycles);
}
