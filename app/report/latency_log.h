/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --latency-log FILE: an HdrHistogram interval log (format 1.3) of each stream's round trips,
 * one line per stream per second (Tag=NAME, the interval's start and length in seconds, its
 * maximum in ms, the histogram of what was recorded in it). HdrHistogram's HistogramLogProcessor
 * and HistogramLogAnalyzer read it. Written under a temporary name and renamed at the end, also
 * when a signal stops the run; the last interval ends with the run, so the intervals hold every
 * round trip the results count.
 */
#ifndef OVL_APP_LATENCY_LOG_H
#define OVL_APP_LATENCY_LOG_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "histogram.h"

struct latency_log {
	const char *path;
	FILE *f;
	char tmp[4096];
	unsigned int n;                        /* streams */
	const struct ovl_histogram **live;     /* each stream's, as its sender lcore records it */
	char (*tags)[48];
	struct ovl_histogram *before;          /* each stream's at the last interval */
	struct ovl_histogram now, interval;
	char *text;                            /* one histogram's base64 */
	double last_s;                         /* the last interval's end, since the start */
};

/*
 * Opens path (under a temporary name) for n streams whose histograms are live[] and names
 * tags[]; started: the run's start (StartTime). Returns 0, or -1 after one line on stderr.
 */
int latency_log_open(struct latency_log *l, const char *path, unsigned int n,
		const struct ovl_histogram **live, char (*tags)[48], time_t started);

/* One interval per stream, from the last one's end to at_s seconds after the start. */
void latency_log_interval(struct latency_log *l, double at_s);

/* The last interval (to end_s), then the file takes its name. Returns 0 or -1 after one line. */
int latency_log_close(struct latency_log *l, double end_s);

/* Frees what open took, closing and removing a file not yet closed (a failed run). */
void latency_log_free(struct latency_log *l);

#endif
