/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf's own command-line options (those after "--"). One table lists them all; each option
 * has one small function that checks and applies its value, so every bad value gets a one-line
 * error that names the option and what it allows.
 */
#ifndef OVL_APP_CONFIG_H
#define OVL_APP_CONFIG_H

#include <stdint.h>

#include "frame.h"
#include "probe.h"

#define OVL_EXIT_USAGE 2
#define OVL_MAX_ENCAPS 16

struct app_config {
	const struct ovl_encap *encaps[OVL_MAX_ENCAPS];
	unsigned int n_encaps;
	struct ovl_frame_spec spec;      /* applied to every listed encapsulation */
	unsigned int sizes_given;        /* OVL_SIZE_* bits of the size options seen */
	uint32_t frame_size, inner_size, mtu;
	struct ovl_probe probe;
	int session_given;
	const char *pcap_path;
	int hex;
	int quiet;
};

/*
 * Parses a command's options into cfg (which holds defaults on entry). Returns 0, 1 when help
 * was printed, or OVL_EXIT_USAGE after printing one line to stderr.
 */
int config_parse(struct app_config *cfg, const char *command, int argc, char **argv);

void config_defaults(struct app_config *cfg);

/* The spec for the i-th listed encapsulation, with sizes resolved from the options. */
void config_spec_for(const struct app_config *cfg, unsigned int i, struct ovl_frame_spec *spec);

void config_usage(FILE *out, const char *command);

#endif
