/* SPDX-License-Identifier: BSD-3-Clause */
/* "did you mean": the optimal string alignment distance between a misspelt name and the known ones. */
#include <string.h>

#include "suggest.h"

#define NAME_MAX_LEN 64

static unsigned int
min3(unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int m = a < b ? a : b;

	return m < c ? m : c;
}

/* Edits from a (its first la characters) to b: a row-by-row table of prefix distances. */
static unsigned int
distance(const char *a, size_t la, const char *b)
{
	unsigned int d[NAME_MAX_LEN + 1][NAME_MAX_LEN + 1];
	size_t lb = strlen(b), i, j;

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return NAME_MAX_LEN;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned int)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			unsigned int cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
					d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

const char *
suggest_nearest(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strcspn(word, "="), i;
	unsigned int best = len <= 5 ? 2 : 3; /* one more than the edits allowed */
	const char *found = NULL;

	if (len == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned int d = distance(word, len, candidates[i]);

		if (d < best) {
			best = d;
			found = candidates[i];
		}
	}
	return found;
}
