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

static int
write_failed(const char *path, const char *tmp, int err)
{
	fprintf(stderr, "ovlperf: %s: write failed (%s); an earlier file of that name is left as it was\n",
			path, strerror(err ? err : EIO));
	unlink(tmp);
	return -1;
}

int
output_abandon(FILE *f, const char *path, const char *tmp, int err)
{
	if (f == stdout) {
		fprintf(stderr, "ovlperf: stdout: write failed (%s)\n", strerror(err ? err : EIO));
		return -1;
	}
	fclose(f);
	return write_failed(path, tmp, err);
}

int
output_commit(FILE *f, const char *path, const char *tmp)
{
	int bad, err;

	if (f == stdout)
		return fflush(stdout) == 0 ? 0 : -1;
	/* On disk before it takes the name: a crash leaves the old file or the new, never half. */
	errno = 0;
	bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
	err = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (bad)
		return write_failed(path, tmp, err);
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "ovlperf: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
