/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "eal.h"
#include "pcap_file.h"
#include "profile.h"

static int eal_started;
/* The EAL arguments as given: rte_eal_init reorders and overwrites its argv. */
static char *given[64];
static int n_given;

/* The EAL arguments as rte_eal_init gets them: the user's, each --vdev completed. */
static char **eal_argv;
static char **eal_made;   /* the completed --vdev values, freed at cleanup */
static int eal_argc;

/*
 * A --vdev value with the device arguments its driver's profile adds when they are not given
 * ([eal] vdev_defaults: net_af_xdp's start_queue and busy_budget), malloc'd; NULL when none
 * apply. The driver is the device's name up to its instance number (net_af_xdp0).
 */
static char *
vdev_completed(const char *value)
{
	char driver[OVL_PROFILE_WORD_MAX], err[512], out[1024];
	size_t len = strcspn(value, ",");
	struct ovl_profile p;

	if (len == 0 || len >= sizeof(driver))
		return NULL;
	memcpy(driver, value, len);
	while (len > 0 && isdigit((unsigned char)driver[len - 1]))
		len--;
	driver[len] = '\0';
	if (ovl_profile_find(ovl_profile_dir(), driver, &p, err, sizeof(err)) != 0 ||
			p.bus != OVL_BUS_VDEV || ovl_profile_vdev_complete(&p, value, out, sizeof(out)) <= 0)
		return NULL;
	return strdup(out);
}

static void
completed_free(void)
{
	int i;

	for (i = 0; eal_made != NULL && i < eal_argc; i++)
		free(eal_made[i]);
	free(eal_made);
	free(eal_argv);
	eal_made = NULL;
	eal_argv = NULL;
	eal_argc = 0;
}

/* Whether the user's EAL arguments set a log level (--log-level=L or --log-level L). */
static int
log_level_given(const struct eal_args *eal)
{
	int i;

	for (i = 1; i < eal->argc; i++)
		if (strncmp(eal->argv[i], "--log-level", 11) == 0 &&
				(eal->argv[i][11] == '=' || eal->argv[i][11] == '\0'))
			return 1;
	return 0;
}

/*
 * eal_argv: the user's arguments with every --vdev VALUE and --vdev=VALUE completed, and
 * ovlperf's own log level first unless they set one: EAL's informational lines stay out.
 */
static int
complete_vdevs(const struct eal_args *eal)
{
	static char quiet[] = OVL_EAL_LOG_LEVEL;
	int i, add = !log_level_given(eal);

	completed_free();
	eal_argv = calloc((size_t)eal->argc + 2, sizeof(*eal_argv));
	eal_made = calloc((size_t)eal->argc + 2, sizeof(*eal_made));
	if (eal_argv == NULL || eal_made == NULL) {
		completed_free();
		return -1;
	}
	eal_argc = eal->argc + add;
	eal_argv[0] = eal->argv[0];
	if (add)
		eal_argv[1] = quiet;
	for (i = 1; i < eal->argc; i++) {
		const char *a = eal->argv[i], *value = NULL;

		eal_argv[i + add] = eal->argv[i];
		if (strncmp(a, "--vdev=", 7) == 0)
			value = a + 7;
		else if (i > 0 && strcmp(eal->argv[i - 1], "--vdev") == 0)
			value = a;
		if (value == NULL || (eal_made[i] = vdev_completed(value)) == NULL)
			continue;
		if (value != a) {
			char *both = malloc(strlen(eal_made[i]) + 8);

			if (both == NULL)
				continue;
			snprintf(both, strlen(eal_made[i]) + 8, "--vdev=%s", eal_made[i]);
			free(eal_made[i]);
			eal_made[i] = both;
		}
		eal_argv[i + add] = eal_made[i];
	}
	return 0;
}

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
	for (n_given = 0; n_given < eal->argc && n_given < (int)RTE_DIM(given); n_given++)
		given[n_given] = strdup(eal->argv[n_given]);
	if (eal->argc > 1) {
		if (complete_vdevs(eal) < 0) {
			fprintf(stderr, "ovlperf: out of memory for the EAL arguments\n");
			return 1;
		}
		rc = rte_eal_init(eal_argc, eal_argv);
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
			"ovlperf: EAL failed to start: %s; without a NIC try: ovlperf " OVL_NO_NIC_EAL " -- COMMAND\n",
			rte_strerror(rte_errno));
		return 1;
	}
	eal_started = 1;
	/* dpdk-dumpcap can capture ovlperf's ports when EAL runs as a primary with shared memory. */
	if (rte_pdump_init() != 0)
		rte_errno = 0;
	return 0;
}

/*
 * rte_eal_cleanup() takes DPDK's shared memory lock, and a secondary process (dpdk-dumpcap) that
 * failed its own EAL init can leave that lock held for good (DPDK 22.11: "Cannot reserve ...
 * bytes at [addr]"), so the cleanup would wait forever. The results are written by then: a
 * cleanup that has not finished within this limit is given up and the process exits with the
 * status it was going to.
 */
#define EAL_CLEANUP_LIMIT_S 5

static int cleanup_exit_status;

static void *
cleanup_watchdog(void *arg)
{
	(void)arg;
	sleep(EAL_CLEANUP_LIMIT_S);
	fprintf(stderr,
		"ovlperf: EAL cleanup still waiting after %d s (a DPDK secondary process such as dpdk-dumpcap died holding the shared memory lock?); results are written, exiting without it\n",
		EAL_CLEANUP_LIMIT_S);
	fflush(NULL);
	_exit(cleanup_exit_status);
	return NULL;
}

void
app_eal_cleanup(int status)
{
	if (eal_started) {
		pthread_t watchdog;

		cleanup_exit_status = status;
		if (pthread_create(&watchdog, NULL, cleanup_watchdog, NULL) == 0)
			pthread_detach(watchdog);
		rte_pdump_uninit();
		rte_eal_cleanup();
	}
	eal_started = 0;
	completed_free();
	while (n_given > 0)
		free(given[--n_given]);
}

const char *
app_command_line(const struct eal_args *eal, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; eal->argv[i] != NULL && off < len; i++) {
		const char *a = eal->argv[i];
		int quote = *a == '\0' || strpbrk(a, " \t'\"") != NULL;

		off += snprintf(buf + off, len - off, quote ? "%s'%s'" : "%s%s", i ? " " : "", a);
	}
	return buf;
}

const char *
app_eal_args_text(const struct eal_args *eal, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i < eal->argc && off < len; i++) {
		const char *a = eal->argv[i];
		char *made = strncmp(a, "--vdev=", 7) == 0 ? vdev_completed(a + 7) :
			strcmp(eal->argv[i - 1], "--vdev") == 0 ? vdev_completed(a) : NULL;

		off += snprintf(buf + off, len - off, "%s%s%s", i > 1 ? " " : "",
				made != NULL && a[0] == '-' ? "--vdev=" : "", made != NULL ? made : a);
		free(made);
	}
	if (eal->argc <= 1)
		snprintf(buf, len, "%s (defaults)", OVL_EAL_DEFAULTS);
	return buf;
}

/* The value of key in a vdev's "name,key=value,..." arguments, copied to out; NULL after the last. */
static const char *
next_value(const char *args, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	for (; args != NULL && *args != '\0'; args = strchr(args, ',') ? strchr(args, ',') + 1 : NULL) {
		if (strncmp(args, key, klen) == 0 && args[klen] == '=') {
			const char *v = args + klen + 1, *end = strchr(v, ',');
			size_t n = end != NULL ? (size_t)(end - v) : strlen(v);

			snprintf(out, len, "%.*s", (int)n, v);
			return end != NULL ? end + 1 : v + n;
		}
	}
	return NULL;
}

long
app_eal_replayed_frames(const char *dev_name)
{
	size_t nlen = strlen(dev_name);
	long total = 0;
	int i;

	for (i = 1; i < n_given; i++) {
		const char *a = given[i], *args;
		char file[4096], flag[8], err[512];

		if (strncmp(a, "--vdev=", 7) == 0)
			a += 7;
		else if (strcmp(a, "--vdev") == 0 && i + 1 < n_given)
			a = given[++i];
		else
			continue;
		if (strncmp(a, dev_name, nlen) != 0 || (a[nlen] != ',' && a[nlen] != '\0'))
			continue;
		if (next_value(a, "infinite_rx", flag, sizeof(flag)) == NULL || atoi(flag) == 0)
			return 0;
		for (args = a; (args = next_value(args, "rx_pcap", file, sizeof(file))) != NULL;) {
			long n = ovl_pcap_count(file, err, sizeof(err));

			if (n < 0) {
				fprintf(stderr, "ovlperf: --vdev %s: %s\n", dev_name, err);
				return -1;
			}
			total += n;
		}
	}
	return total;
}
