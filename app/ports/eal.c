/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "eal.h"

static int eal_started;

int
app_eal_init(const struct eal_args *eal, unsigned int workers)
{
	char defaults[] = OVL_EAL_DEFAULTS;
	char lcores[256]; /* up to 32 workers: 0@0,...,32@1 */
	char *argv[32];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int argc = 0, rc;

	if (eal_started)
		return 0;
	if (eal->argc > 1) {
		rc = rte_eal_init(eal->argc, eal->argv);
	} else {
		char *save = NULL, *tok;

		argv[argc++] = eal->argc > 0 ? eal->argv[0] : (char *)"ovlperf";
		for (tok = strtok_r(defaults, " ", &save); tok != NULL && argc < 31;
				tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		/*
		 * One lcore per CPU while there are enough; otherwise lcore i runs on CPU i % cpus
		 * (0@0,1@1,2@0,...): workers spread over every CPU, sharing them, and share the
		 * main lcore's, which only reports, once a second.
		 */
		if (cpus > (long)workers) {
			snprintf(lcores, sizeof(lcores), "-l0-%u", workers);
		} else {
			size_t off = (size_t)snprintf(lcores, sizeof(lcores), "--lcores=");
			unsigned int i;

			for (i = 0; i <= workers && off < sizeof(lcores); i++)
				off += (size_t)snprintf(lcores + off, sizeof(lcores) - off, "%s%u@%ld",
						i ? "," : "", i, (long)i % (cpus > 0 ? cpus : 1));
		}
		argv[argc++] = lcores;
		argv[argc] = NULL;
		rc = rte_eal_init(argc, argv);
	}
	if (rc < 0) {
		fprintf(stderr,
			"ovlperf: EAL failed to start: %s; without a NIC try: ovlperf --no-huge --no-pci --no-shconf -m 512 --vdev net_null0 -- COMMAND\n",
			rte_strerror(rte_errno));
		return 1;
	}
	eal_started = 1;
	/* dpdk-dumpcap can capture ovlperf's ports when EAL runs as a primary with shared memory. */
	if (rte_pdump_init() != 0)
		rte_errno = 0;
	return 0;
}

void
app_eal_cleanup(void)
{
	if (eal_started) {
		rte_pdump_uninit();
		rte_eal_cleanup();
	}
	eal_started = 0;
}

const char *
app_eal_args_text(const struct eal_args *eal, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i < eal->argc && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i > 1 ? " " : "", eal->argv[i]);
	if (eal->argc <= 1)
		snprintf(buf, len, "%s (defaults)", OVL_EAL_DEFAULTS);
	return buf;
}
