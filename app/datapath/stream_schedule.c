/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stream's schedule of size classes: which class each sequence number is sent at, with the
 * byte sums that let a burst count its bytes in two reads, and the per-class counts of a
 * range of sequence numbers that the results report.
 */
#include <errno.h>
#include <stdlib.h>

#include "stream.h"

int
stream_schedule_build(struct stream *s, const struct ovl_size_mix *mix, uint64_t seed)
{
	uint32_t len = mix->n > 1 ? ovl_size_mix_cycle_len(mix) : 1, k, c;
	uint32_t total = len + STREAM_BURST_MAX;

	s->schedule = calloc(total, sizeof(*s->schedule));
	s->wire_sum = calloc(total + 1, sizeof(*s->wire_sum));
	s->payload_sum = calloc(total + 1, sizeof(*s->payload_sum));
	s->class_before = calloc((size_t)(total + 1) * s->n_classes, sizeof(*s->class_before));
	s->rank = calloc(total, sizeof(*s->rank));
	if (s->schedule == NULL || s->wire_sum == NULL || s->payload_sum == NULL ||
			s->class_before == NULL || s->rank == NULL)
		return -ENOMEM;
	s->schedule_len = len;
	ovl_size_mix_schedule(mix, seed, s->schedule, len);
	for (k = len; k < total; k++)
		s->schedule[k] = s->schedule[k % len];
	for (k = 0; k < total; k++) {
		const struct stream_class *sc = &s->classes[s->schedule[k]];

		s->wire_sum[k + 1] = s->wire_sum[k] + sc->wire_bytes;
		s->payload_sum[k + 1] = s->payload_sum[k] + sc->payload_bytes;
	}
	/* A cycle holds at most 8 x 1000 entries: the counts fit 16 bits. */
	for (k = 0; k < total; k++) {
		uint16_t *before = &s->class_before[k * s->n_classes];

		s->rank[k] = before[s->schedule[k]];
		for (c = 0; c < s->n_classes; c++)
			before[s->n_classes + c] = (uint16_t)(before[c] + (s->schedule[k] == c));
	}
	s->wire_mean = (double)s->wire_sum[len] / len;
	s->payload_mean = (double)s->payload_sum[len] / len;
	return 0;
}

uint64_t
stream_class_count(const struct stream *s, unsigned int c, uint64_t first, uint64_t n)
{
	uint64_t count = 0, per_cycle = 0, k;
	uint32_t pos = (uint32_t)(first % s->schedule_len);

	if (s->schedule == NULL)
		return c == 0 ? n : 0;
	for (k = 0; k < s->schedule_len; k++)
		per_cycle += s->schedule[k] == c;
	count = n / s->schedule_len * per_cycle;
	for (k = 0; k < n % s->schedule_len; k++)
		count += s->schedule[(pos + k) % s->schedule_len] == c;
	return count;
}
