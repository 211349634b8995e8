/* SPDX-License-Identifier: BSD-3-Clause */
/* ovlperf's commands: one file each, one line each in main.c's table. */
#ifndef OVL_APP_COMMANDS_H
#define OVL_APP_COMMANDS_H

#include "eal.h"

/* Each returns the process's exit status: 0, 1 on a failure while running, 2 on bad input. */
int cmd_frames(const struct eal_args *eal, int argc, char **argv);
int cmd_send(const struct eal_args *eal, int argc, char **argv);
int cmd_loop(const struct eal_args *eal, int argc, char **argv);
int cmd_reflect(const struct eal_args *eal, int argc, char **argv);
int cmd_run(const struct eal_args *eal, int argc, char **argv);
int cmd_ports(const struct eal_args *eal, int argc, char **argv);

#endif
