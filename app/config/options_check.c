/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What is checked once every option is read: options that exclude or need each other, whatever
 * order they were given in.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

/* --queue-map against --queues: every queue mapped, none beyond; --send-lcore and
 * --reflect-lcore name queue 0's lcore and so do not mix with a map of the same side. */
static int
check_queue_map(const struct app_config *cfg, const char *command)
{
	int lcore_opt = strcmp(command, "reflect") == 0 ? cfg->reflect_lcore : cfg->send_lcore;
	unsigned int q;

	if (!cfg->queue_map_given)
		return 0;
	if (lcore_opt >= 0) {
		fprintf(stderr, "ovlperf %s: --queue-map and --%s both place queue 0: give one\n",
				command, strcmp(command, "reflect") == 0 ? "reflect-lcore" : "send-lcore");
		return -1;
	}
	for (q = cfg->queues; q < OVL_QUEUES_MAX; q++)
		if (cfg->queue_lcore[q] >= 0) {
			fprintf(stderr, "ovlperf %s: --queue-map: queue %u is out of range: --queues %u has queues 0..%u\n",
					command, q, cfg->queues, cfg->queues - 1);
			return -1;
		}
	for (q = 0; q < cfg->queues; q++)
		if (cfg->queue_lcore[q] < 0) {
			fprintf(stderr, "ovlperf %s: --queue-map: queue %u has no lcore: map every queue 0..%u (--queues %u)\n",
					command, q, cfg->queues - 1, cfg->queues);
			return -1;
		}
	return 0;
}

/*
 * The underlay's IP version: one for source and destination; over IPv6 "all" means the
 * encapsulations that run over it, a listed IPv4-only one is refused, and what does not work
 * over IPv6 yet is refused in one line.
 */
static int
check_ip_version(struct app_config *cfg, const char *command)
{
	const char *v6 = cfg->spec.ip6 ? "the underlay is" : "the inner addresses are";
	unsigned int i, k = 0;

	if (strcmp(command, "reflect") != 0 && cfg->src_ip6 != cfg->spec.ip6) {
		fprintf(stderr, "ovlperf %s: --src-ip and --dst-ip are of different IP versions: give both as IPv4 or both as IPv6 (e.g. --src-ip 2001:db8::1 --dst-ip 2001:db8::2)\n",
				command);
		return -1;
	}
	if (strcmp(command, "reflect") != 0 && cfg->inner_src_ip6 != cfg->spec.inner_ip6) {
		fprintf(stderr, "ovlperf %s: --inner-src-ip and --inner-dst-ip are of different IP versions: give both as IPv4 or both as IPv6 (e.g. --inner-src-ip 2001:db8:1::1 --inner-dst-ip 2001:db8:1::2)\n",
				command);
		return -1;
	}
	if (!cfg->spec.ip6 && !cfg->spec.inner_ip6)
		return 0;
	for (i = 0; i < cfg->n_encaps; i++) {
		if (!cfg->encaps[i]->ipv4_only) {
			cfg->encaps[k++] = cfg->encaps[i];
			continue;
		}
		if (!cfg->encaps_all) {
			fprintf(stderr, "ovlperf %s: --encap %s: %s is IPv4 in IPv4 (IP-in-IP carries IPv4 only), but %s IPv6; IPv6 in IPv4 is protocol 41, not an encapsulation here yet: give IPv4 addresses or leave %s out\n",
					command, cfg->encaps[i]->name, cfg->encaps[i]->name, v6,
					cfg->encaps[i]->name);
			return -1;
		}
	}
	cfg->n_encaps = k;
	if (cfg->tx_offloads != 0) {
		fprintf(stderr, "ovlperf %s: --tx-offload cksum is IPv4 only: over IPv6 the UDP checksum is mandatory and covers what the port would change; leave it out\n",
				command);
		return -1;
	}
	if (cfg->allow.n != 0 && cfg->spec.ip6) {
		fprintf(stderr, "ovlperf %s: --allow takes IPv4 prefixes, but the underlay is IPv6: leave --allow out or give an IPv4 --ip\n",
				command);
		return -1;
	}
	return 0;
}

int
options_check(struct app_config *cfg, const char *command)
{
	if (check_ip_version(cfg, command) < 0)
		return -1;
	if ((cfg->keyed || cfg->dwell) && cfg->spec.probe_form != OVL_PROBE_FULL) {
		fprintf(stderr, "ovlperf %s: --probe: %s use the full form: give --probe full or leave it out\n",
				command, cfg->keyed ? "keyed probes (--key)" : "probes the reflector stamps (--dwell)");
		return -1;
	}
	if (cfg->tcp_flags_given && cfg->spec.inner_proto != IPPROTO_TCP) {
		fprintf(stderr, "ovlperf %s: --tcp-flags is for TCP probes: give --inner-proto tcp too\n",
				command);
		return -1;
	}
	if (cfg->pacing == PACING_HARDWARE && cfg->rate.unit == RATE_UNLIMITED) {
		fprintf(stderr, "ovlperf %s: --pacing hardware needs a --rate to pace at (the rate is unlimited)\n",
				command);
		return -1;
	}
	return check_queue_map(cfg, command);
}
