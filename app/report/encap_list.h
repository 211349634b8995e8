/* SPDX-License-Identifier: BSD-3-Clause */
/* frames --list [--json]: the encapsulations, their sizes and options, for readers and scripts. */
#ifndef OVL_APP_ENCAP_LIST_H
#define OVL_APP_ENCAP_LIST_H

/* Prints the list (as JSON with --json among argv); returns the exit status. */
int encap_list(int argc, char **argv);

#endif
