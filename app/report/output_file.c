/* SPDX-License-Identifier: BSD-3-Clause */
/* Results files are written under a temporary name and renamed into place, or go to stdout. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

FILE *
output_open(const char *path, char *tmp, size_t tmplen)
{
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdout;
	snprintf(tmp, tmplen, "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
		fprintf(stderr, "ovlperf: %s: %s\n", path, strerror(errno));
	return f;
}

int
output_commit(FILE *f, const char *path, const char *tmp)
{
	int bad;

	if (f == stdout)
		return fflush(stdout) == 0 ? 0 : -1;
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "ovlperf: %s: write failed\n", path);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "ovlperf: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
