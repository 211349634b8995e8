/* SPDX-License-Identifier: BSD-3-Clause */
/* Where a run's figures come from, as every results file states it: JSON and CSV alike. */
#include <time.h>

#include <rte_version.h>

#include "output.h"
#include "ovl_commit.h"
#include "ovl_version.h"

void
output_provenance(const struct run_result *r, struct provenance *p)
{
	struct tm tm;

	p->version = OVL_VERSION;
	p->commit = OVL_COMMIT;
	p->dpdk = rte_version();
	p->command_line = r->command_line != NULL ? r->command_line : "";
	gmtime_r(&r->started, &tm);
	strftime(p->started, sizeof(p->started), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
output_provenance_comment(FILE *f, const struct run_result *r)
{
	struct provenance p;

	output_provenance(r, &p);
	fprintf(f, "# ovlperf %s commit %s\n# dpdk %s\n# command %s\n# started %s\n", p.version,
			p.commit, p.dpdk, p.command_line, p.started);
}
