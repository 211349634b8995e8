/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A directory of driver profiles: finding the one profile that claims a driver name (every
 * profile in the directory loaded and checked, no driver name claimed twice), loading one by
 * name, listing the names for messages, and where the directory is.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ini_scan.h"
#include "profile.h"

#ifndef OVL_PROFILE_DEFAULT_DIR
#ifdef OVL_PROFILE_DIR
#define OVL_PROFILE_DEFAULT_DIR OVL_PROFILE_DIR
#else
#define OVL_PROFILE_DEFAULT_DIR "drivers-config"
#endif
#endif

static int
cmp_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* The NAME of every NAME.ini in dir, sorted. Returns the count or -errno. */
static int
list_dir(const char *dir, char names[][OVL_PROFILE_NAME_MAX], char *err, size_t errlen)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0;

	if (dp == NULL) {
		int rc = -errno;

		snprintf(err, errlen, "%s: cannot read the profile directory: %s; allowed: a drivers-config directory (OVL_PROFILE_DIR)",
				dir, strerror(errno));
		return rc;
	}
	while ((d = readdir(dp)) != NULL) {
		size_t len = strlen(d->d_name);

		if (len <= 4 || strcmp(d->d_name + len - 4, ".ini") != 0 || d->d_name[0] == '.')
			continue;
		if (n == OVL_PROFILE_FILES_MAX || len - 4 >= OVL_PROFILE_NAME_MAX) {
			closedir(dp);
			snprintf(err, errlen, "%s/%s: too many profiles, or too long a name; allowed: at most %d profiles, names of at most %d characters",
					dir, d->d_name, OVL_PROFILE_FILES_MAX, OVL_PROFILE_NAME_MAX - 1);
			return -EINVAL;
		}
		memcpy(names[n], d->d_name, len - 4);
		names[n][len - 4] = '\0';
		n++;
	}
	closedir(dp);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	return n;
}

static void
join_names(char names[][OVL_PROFILE_NAME_MAX], int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", names[i]);
}

static int
profile_path(const char *dir, const char *name, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s.ini", dir, name) >= (int)len ? -ENAMETOOLONG : 0;
}

int
ovl_profile_find(const char *dir, const char *driver_name, struct ovl_profile *p,
		char *err, size_t errlen)
{
	char (*names)[OVL_PROFILE_NAME_MAX] = calloc(OVL_PROFILE_FILES_MAX, sizeof(*names));
	struct ovl_profile *all = calloc(OVL_PROFILE_FILES_MAX, sizeof(*all));
	char path[PATH_MAX], known[1024];
	int n, i, j, found = -1, rc = 0;
	unsigned int a, b;
	size_t off = 0;

	if (names == NULL || all == NULL) {
		free(names);
		free(all);
		snprintf(err, errlen, "%s: out of memory", dir);
		return -ENOMEM;
	}
	n = list_dir(dir, names, err, errlen);
	if (n < 0)
		rc = n;
	for (i = 0; rc == 0 && i < n; i++) {
		rc = profile_path(dir, names[i], path, sizeof(path));
		if (rc == 0)
			rc = ovl_profile_load(path, &all[i], err, errlen);
		else
			snprintf(err, errlen, "%s/%s.ini: the path is too long", dir, names[i]);
		/* A driver name belongs to one profile: otherwise the choice would be arbitrary. */
		for (j = 0; rc == 0 && j < i; j++)
			for (a = 0; rc == 0 && a < all[i].n_names; a++)
				for (b = 0; rc == 0 && b < all[j].n_names; b++)
					if (strcmp(all[i].names[a], all[j].names[b]) == 0)
						rc = ovl_ini_fail(err, errlen, all[i].path, all[i].names_line,
								"[driver] names: '%s' is also named by %s:%u; allowed: each driver name in one profile",
								all[i].names[a], all[j].path, all[j].names_line);
	}
	for (i = 0; rc == 0 && i < n; i++)
		for (a = 0; a < all[i].n_names; a++) {
			if (strcmp(all[i].names[a], driver_name) == 0)
				found = i;
			if (off < sizeof(known))
				off += snprintf(known + off, sizeof(known) - off, "%s%s (%s)", off ? ", " : "",
						all[i].names[a], all[i].name);
		}
	if (rc == 0 && found < 0) {
		if (off == 0)
			snprintf(known, sizeof(known), "none");
		snprintf(err, errlen, "%s: no profile names driver '%s'; allowed: %s", dir, driver_name, known);
		rc = -ENOENT;
	}
	if (rc == 0)
		*p = all[found];
	free(names);
	free(all);
	return rc;
}

int
ovl_profile_load_named(const char *dir, const char *name, struct ovl_profile *p,
		char *err, size_t errlen)
{
	char (*names)[OVL_PROFILE_NAME_MAX] = NULL;
	char path[PATH_MAX], known[1024];
	struct stat st;
	int n;

	if (ovl_ini_is_word(name, 0) && strlen(name) < OVL_PROFILE_NAME_MAX &&
			profile_path(dir, name, path, sizeof(path)) == 0 && stat(path, &st) == 0)
		return ovl_profile_load(path, p, err, errlen);
	names = calloc(OVL_PROFILE_FILES_MAX, sizeof(*names));
	if (names == NULL) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return -ENOMEM;
	}
	n = list_dir(dir, names, err, errlen);
	if (n >= 0) {
		join_names(names, n, known, sizeof(known));
		snprintf(err, errlen, "%s: no profile '%s'; allowed: %s", dir, name, n > 0 ? known : "none");
		n = -ENOENT;
	}
	free(names);
	return n;
}

const char *
ovl_profile_dir(void)
{
	const char *env = getenv("OVL_PROFILE_DIR");

	return env != NULL && *env != '\0' ? env : OVL_PROFILE_DEFAULT_DIR;
}
