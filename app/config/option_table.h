/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The option table (option_table.c): every option of every command, the commands that take it,
 * the heading --help lists it under, and the function that applies it (options_*.c). The parse
 * loop (option_parse.c) and --help (options_help.c) are made from it and from the encapsulations'
 * own options (encap_options.c), which every command that builds or answers frames takes.
 */
#ifndef OVL_APP_OPTION_TABLE_H
#define OVL_APP_OPTION_TABLE_H

#include <stddef.h>

#include "config.h"

/* An option's value is checked and applied by one of these; err gets "what is allowed". */
typedef int (*apply_fn)(struct app_config *cfg, const char *arg, char *err, size_t errlen);

#define C_FRAMES 1u
#define C_SEND 2u
#define C_REFLECT 4u
#define C_LOOP 8u
#define C_PORTS 16u
#define C_TRAFFIC (C_SEND | C_LOOP)
#define C_BUILD (C_FRAMES | C_SEND | C_LOOP)
#define C_RUN (C_SEND | C_REFLECT | C_LOOP)
#define C_ALL (C_FRAMES | C_RUN)
/* The commands that take the encapsulations' own options (--vni, ...). */
#define ENCAP_OPTIONS_COMMANDS C_ALL

/* --help's headings, in the order it prints them; the encapsulations' options go under G_FRAME. */
enum option_group {
	G_FRAME,
	G_ADDR,
	G_PROBE,
	G_RATE,
	G_LATENCY,
	G_GUARD,
	G_OUTPUT,
	G_PORTS,
	G_MAX
};

struct option_entry {
	enum option_group group;
	unsigned int commands;
	const char *name;
	const char *value; /* metavariable for help; NULL: a flag */
	const char *help;
	apply_fn apply;
};

extern const struct option_entry option_table[];
extern const size_t option_table_len;
extern const char *const option_group_title[G_MAX];

/* The C_* bit of a command's name (loop for any other). */
unsigned int option_command_mask(const char *command);

#endif
