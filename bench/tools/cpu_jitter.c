/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpu_jitter: how often, and for how long, one CPU is taken away from a thread that never
 * stops running. It shares no code with ovlperf or DPDK: it pins itself to a CPU, reads the
 * clock in a tight loop for a while, and counts every gap between two consecutive readings
 * that is longer than the loop's own step (1 us and more): interrupts, the scheduler tick,
 * other tasks, and the hypervisor running something else on the vCPU. A paced sender on the
 * same CPU cannot depart on time across such a gap, whatever its pacer does; bench/perf sets
 * these events beside the late departures its observers saw.
 *
 *   cpu_jitter CPU SECONDS
 *
 * Prints one JSON object: the readings, the longest gap, and per class of gap (1-10 us,
 * 10-100 us, 100 us-1 ms, >= 1 ms) how many and the time they took.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct gap_class {
	const char *name;
	uint64_t from_ns;	/* a gap of at least this */
	uint64_t count;
	uint64_t total_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* vDSO: no system call, so the loop itself never enters the kernel. */
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int parse_args(int argc, char **argv, int *cpu, double *seconds)
{
	char *end;

	if (argc != 3) {
		fprintf(stderr, "usage: cpu_jitter CPU SECONDS\n");
		return -1;
	}
	errno = 0;
	*cpu = (int)strtol(argv[1], &end, 10);
	if (errno || *end || *cpu < 0 || *cpu >= CPU_SETSIZE) {
		fprintf(stderr, "cpu_jitter: bad CPU '%s': a CPU number, 0 to %d\n", argv[1],
			CPU_SETSIZE - 1);
		return -1;
	}
	*seconds = strtod(argv[2], &end);
	if (*end || !(*seconds >= 0.1 && *seconds <= 3600)) {
		fprintf(stderr, "cpu_jitter: bad SECONDS '%s': 0.1 to 3600\n", argv[2]);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct gap_class classes[] = {
		{ ">= 1 ms", 1000000, 0, 0 },
		{ "100 us-1 ms", 100000, 0, 0 },
		{ "10-100 us", 10000, 0, 0 },
		{ "1-10 us", 1000, 0, 0 },
	};
	const size_t nclasses = sizeof(classes) / sizeof(classes[0]);
	uint64_t readings = 0, longest = 0, start, end, prev;
	double seconds;
	cpu_set_t set;
	int cpu;

	if (parse_args(argc, argv, &cpu, &seconds) < 0)
		return 2;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		fprintf(stderr, "cpu_jitter: cannot run on CPU %d: %s\n", cpu, strerror(errno));
		return 2;
	}
	start = prev = now_ns();
	end = start + (uint64_t)(seconds * 1e9);
	for (;;) {
		uint64_t t = now_ns(), gap = t - prev;

		readings++;
		if (gap >= classes[nclasses - 1].from_ns) {
			for (size_t i = 0; i < nclasses; i++) {
				if (gap >= classes[i].from_ns) {
					classes[i].count++;
					classes[i].total_ns += gap;
					break;
				}
			}
			if (gap > longest)
				longest = gap;
		}
		prev = t;
		if (t >= end)
			break;
	}
	printf("{\"cpu\": %d, \"seconds\": %.6f, \"readings\": %" PRIu64
	       ", \"mean_step_ns\": %.1f, \"longest_gap_ns\": %" PRIu64 ", \"gaps\": [",
	       cpu, (prev - start) / 1e9, readings, (double)(prev - start) / readings, longest);
	for (size_t i = nclasses; i-- > 0;)
		printf("{\"class\": \"%s\", \"from_ns\": %" PRIu64 ", \"count\": %" PRIu64
		       ", \"total_ns\": %" PRIu64 "}%s", classes[i].name, classes[i].from_ns,
		       classes[i].count, classes[i].total_ns, i ? ", " : "");
	printf("]}\n");
	return 0;
}
