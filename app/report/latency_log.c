/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hdr_encode.h"
#include "latency_log.h"
#include "output.h"

int
latency_log_open(struct latency_log *l, const char *path, unsigned int n,
		const struct ovl_histogram **live, char (*tags)[48], time_t started)
{
	char when[64];
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->path = path;
	l->n = n;
	l->live = live;
	l->tags = tags;
	l->before = calloc(n ? n : 1, sizeof(*l->before));
	l->text = malloc(OVL_HDR_TEXT_MAX);
	if (l->before == NULL || l->text == NULL) {
		fprintf(stderr, "ovlperf: --latency-log %s: out of memory\n", path);
		return -1;
	}
	for (i = 0; i < n; i++)
		ovl_histogram_init(&l->before[i]);
	l->f = output_open(path, l->tmp, sizeof(l->tmp));
	if (l->f == NULL)
		return -1;
	strftime(when, sizeof(when), "%a %b %d %H:%M:%S UTC %Y", gmtime(&started));
	fprintf(l->f, "#[Histogram log format version 1.3]\n"
			"#[ovlperf round trips in ns, one histogram per stream and second]\n"
			"#[StartTime: %ld.000 (seconds since epoch), %s]\n"
			"\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
			(long)started, when);
	return 0;
}

void
latency_log_interval(struct latency_log *l, double at_s)
{
	unsigned int i;

	if (l->f == NULL || at_s <= l->last_s)
		return;
	for (i = 0; i < l->n; i++) {
		/* A copy first: the sender lcore goes on recording into the live one. */
		memcpy(&l->now, l->live[i], sizeof(l->now));
		ovl_histogram_since(&l->interval, &l->now, &l->before[i]);
		memcpy(&l->before[i], &l->now, sizeof(l->now));
		if (ovl_hdr_encode(&l->interval, l->text, OVL_HDR_TEXT_MAX) < 0)
			continue;
		fprintf(l->f, "Tag=%s,%.3f,%.3f,%.3f,%s\n", l->tags[i], l->last_s, at_s - l->last_s,
				(double)(l->interval.count ? l->interval.max : 0) / 1e6, l->text);
	}
	l->last_s = at_s;
}

int
latency_log_close(struct latency_log *l, double end_s)
{
	int rc;

	if (l->f == NULL)
		return -1;
	latency_log_interval(l, end_s);
	rc = output_commit(l->f, l->path, l->tmp);
	l->f = NULL;
	return rc;
}

void
latency_log_free(struct latency_log *l)
{
	if (l->f != NULL && l->f != stdout) {
		fclose(l->f);
		unlink(l->tmp);
	}
	free(l->before);
	free(l->text);
	free(l->live);
	free(l->tags);
	memset(l, 0, sizeof(*l));
}
