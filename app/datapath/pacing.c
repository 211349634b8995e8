/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "pacing.h"

#define GRANULARITY_LIMIT 0.01 /* auto: how far whole Mbit/s may be from the rate wanted */

const char *
pacing_request_name(enum pacing_request r)
{
	return r == PACING_HARDWARE ? "hardware" : r == PACING_SOFTWARE ? "software" : "auto";
}

static const char *
driver_of(uint16_t port)
{
	static struct rte_eth_dev_info dev;

	return rte_eth_dev_info_get(port, &dev) == 0 ? dev.driver_name : "unknown driver";
}

/* "net_null0, driver net_null" */
static const char *
port_label(uint16_t port)
{
	static char label[RTE_ETH_NAME_MAX_LEN + 80];
	char name[RTE_ETH_NAME_MAX_LEN] = "?";

	rte_eth_dev_get_name_by_port(port, name);
	snprintf(label, sizeof(label), "%s, driver %s", name, driver_of(port));
	return label;
}

int
pacing_check(struct pacing_choice *c, enum pacing_request req, const struct app_config *cfg,
		uint16_t port, const char *command)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->requested = req;
	if (req == PACING_SOFTWARE) {
		snprintf(c->why, sizeof(c->why), "--pacing software");
		return 0;
	}
	if (cfg->rate.unit == RATE_UNLIMITED) {
		/* config_parse refuses --pacing hardware without --rate. */
		snprintf(c->why, sizeof(c->why), "no --rate: nothing to pace");
		return 0;
	}
	rc = rte_eth_set_queue_rate_limit(port, 0, 0);
	if (rc == 0) {
		c->hardware = 1;
		return 0;
	}
	snprintf(c->why, sizeof(c->why), "%s: rte_eth_set_queue_rate_limit: %s", driver_of(port),
			strerror(-rc));
	if (req == PACING_HARDWARE) {
		fprintf(stderr, "ovlperf %s: --pacing hardware: port %u (%s) cannot rate limit its TX queue (rte_eth_set_queue_rate_limit: %s): use --pacing auto or software\n",
				command, port, port_label(port), strerror(-rc));
		return OVL_EXIT_USAGE;
	}
	return 0;
}

int
pacing_apply(struct pacing_choice *c, const struct stream *streams, unsigned int n,
		uint16_t port, uint16_t queue, const char *command)
{
	double mbps = 0, off;
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++)
		/* Layer 1: each frame's bytes with FCS (a mix's mean), plus preamble and gap. */
		mbps += (double)streams[i].rate_pps *
			(streams[i].wire_mean + 20.0 * streams[i].n_frames) * 8 / 1e6;
	c->wanted_mbps = mbps;
	if (!c->hardware)
		return 0;
	/* The limiter takes whole Mbit/s: round up, so the rate wanted stays reachable. */
	c->queue_mbps = (uint32_t)ceil(mbps);
	off = (c->queue_mbps - mbps) / mbps;
	if (c->requested == PACING_AUTO && off > GRANULARITY_LIMIT) {
		c->hardware = 0;
		c->queue_mbps = 0;
		snprintf(c->why, sizeof(c->why), "%.3f Mbit/s is %.1f%% off whole Mbit/s, the rate limiter's granularity",
				mbps, off * 100);
		return 0;
	}
	rc = rte_eth_set_queue_rate_limit(port, queue, c->queue_mbps);
	if (rc != 0) {
		if (c->requested == PACING_HARDWARE) {
			fprintf(stderr, "ovlperf %s: --pacing hardware: port %u (%s): rte_eth_set_queue_rate_limit(%u Mbit/s): %s\n",
					command, port, port_label(port), c->queue_mbps, strerror(-rc));
			return OVL_EXIT_USAGE;
		}
		snprintf(c->why, sizeof(c->why), "%s: rte_eth_set_queue_rate_limit(%u Mbit/s): %s",
				driver_of(port), c->queue_mbps, strerror(-rc));
		c->hardware = 0;
		c->queue_mbps = 0;
		return 0;
	}
	snprintf(c->why, sizeof(c->why), "%s: TX queue %u limited to %u Mbit/s at layer 1 (%.3f wanted)%s",
			driver_of(port), queue, c->queue_mbps, mbps,
			c->requested == PACING_AUTO ? "" : ", as asked");
	return 0;
}
