/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --latency-samples FILE: each stream's reservoir of raw round trips (lib/measure/reservoir.h),
 * CSV after the provenance's '#' lines: stream, encap, kind, seq, tx_ns (since the measurement
 * began), rtt_ns; by stream, then by sequence number.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "results.h"

static int
by_seq(const void *a, const void *b)
{
	const struct ovl_sample *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
output_samples(const char *path, const struct run_result *r)
{
	struct ovl_sample *sorted = NULL;
	char tmp[4096];
	unsigned int i;
	FILE *f = output_open(path, tmp, sizeof(tmp));

	if (f == NULL)
		return -1;
	output_provenance_comment(f, r);
	fprintf(f, "stream,encap,kind,seq,tx_ns,rtt_ns\n");
	for (i = 0; i < r->n_streams; i++) {
		const struct stream_result *s = &r->streams[i];
		uint32_t n = s->samples != NULL ? ovl_reservoir_count(s->samples) : 0, k;
		struct ovl_sample *grown;

		if (n == 0)
			continue;
		grown = realloc(sorted, n * sizeof(*sorted));
		if (grown == NULL) {
			free(sorted);
			return output_abandon(f, path, tmp, ENOMEM);
		}
		sorted = grown;
		memcpy(sorted, s->samples->samples, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), by_seq);
		for (k = 0; k < n; k++)
			fprintf(f, "%u,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", s->stream->id,
					s->stream->spec.encap->name, s->stream->latency ? "latency" : "load",
					sorted[k].seq, sorted[k].tx_ns, sorted[k].rtt_ns);
	}
	free(sorted);
	return output_commit(f, path, tmp);
}
