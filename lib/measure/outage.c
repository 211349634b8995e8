/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>

#include "outage.h"

static void
open_outage(struct outage_watch *w, const char *command, const char *cause, uint64_t since,
		uint64_t start, uint64_t hz)
{
	double at = (double)(since - start) / (double)hz;

	w->open = 1;
	w->count++;
	if (w->n < OUTAGES_MAX)
		w->list[w->n++] = (struct outage){ .start_s = at, .cause = cause };
	fprintf(stderr, "ovlperf %s: outage from %.2f s: %s; still sending, its probes counted as lost until replies return\n",
			command, at, cause);
}

double
outage_look(struct outage_watch *w, const char *command, uint64_t tx, uint64_t rx,
		int link_down, uint64_t now, uint64_t start, uint64_t hz, double outage_after_s)
{
	struct outage *o = w->open && w->n > 0 ? &w->list[w->n - 1] : NULL;

	if (rx != w->last_rx) {
		if (w->open) {
			double length = (double)(now - start) / (double)hz - (o ? o->start_s : 0);

			if (o != NULL) {
				o->length_s = length;
				o->ended = 1;
			}
			w->open = 0;
			fprintf(stderr, "ovlperf %s: replies again after a %.2f s outage\n", command, length);
		}
		w->rx_at = now;
		w->tx_at_rx = tx;
	} else if (!w->open && w->rx_at != 0 && (link_down ||
			(tx != w->tx_at_rx && now - w->rx_at > (uint64_t)(outage_after_s * (double)hz)))) {
		open_outage(w, command, link_down ? "link down" : "no replies while sending", w->rx_at,
				start, hz);
	}
	w->last_rx = rx;
	w->last_tx = tx;
	if (!w->open || w->rx_at == 0)
		return 0;
	return (double)(now - w->rx_at) / (double)hz;
}

void
outage_finish(struct outage_watch *w, uint64_t end, uint64_t start, uint64_t hz)
{
	if (w->open && w->n > 0 && !w->list[w->n - 1].ended)
		w->list[w->n - 1].length_s = (double)(end - start) / (double)hz - w->list[w->n - 1].start_s;
}
