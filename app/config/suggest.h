/* SPDX-License-Identifier: BSD-3-Clause */
/* "did you mean": the name nearest a misspelt one (suggest.c). */
#ifndef OVL_APP_SUGGEST_H
#define OVL_APP_SUGGEST_H

#include <stddef.h>

/*
 * The candidate nearest word by edit distance (insertions, deletions, substitutions and swaps of
 * two neighbours, one each), when it is near enough to be a typo of it: at most 2 edits, and 1
 * for words of up to 5 characters. word counts up to its first '=' (--durtion=5). NULL if none.
 */
const char *suggest_nearest(const char *word, const char *const *candidates, size_t n);

#endif
