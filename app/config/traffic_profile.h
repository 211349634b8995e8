/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A test profile (ovlperf -- run FILE.ini): a [run] section (mode, eal, and any option of the
 * mode as key = value) and [stream NAME] sections, each a stream configuration of its own.
 * Keys are the mode's long options, applied by the very functions that apply them on the
 * command line (config_apply_key). The command-line options after the file are applied last,
 * to the run and to every stream, so they override the file.
 */
#ifndef OVL_APP_TRAFFIC_PROFILE_H
#define OVL_APP_TRAFFIC_PROFILE_H

#include <stdio.h>

#include <rte_cfgfile.h>

#include "config.h"
#include "ini_scan.h"

#define TRAFFIC_PROFILE_STREAM_PREFIX "stream " /* [stream NAME] */
#define TRAFFIC_PROFILE_STREAMS_MAX (OVL_INI_SECTIONS_MAX - 1)
#define TRAFFIC_PROFILE_EAL_MAX 64

struct traffic_profile {
	const char *path;
	const char *mode;                /* send, loop or reflect */
	struct rte_cfgfile *file;        /* its values, which the configurations point into */
	struct app_config run;           /* [run], then the command line; its encaps: all the streams' */
	unsigned int n_streams;          /* [stream] sections; 0: run is the one stream configuration */
	struct app_config streams[TRAFFIC_PROFILE_STREAMS_MAX];
	char names[TRAFFIC_PROFILE_STREAMS_MAX][CFG_NAME_LEN];
	char eal_text[CFG_VALUE_LEN];    /* [run] eal, split in place into eal_argv */
	char *eal_argv[TRAFFIC_PROFILE_EAL_MAX + 1];
	int eal_argc;                    /* 0: the file gave none */
};

/*
 * Loads the profile at path, then applies the options argv[1..argc-1]. Returns 0, 1 when help
 * was printed, or OVL_EXIT_USAGE after one line on stderr ("FILE:LINE: [section] key: what").
 * traffic_profile_close after, whatever it returned.
 */
int traffic_profile_load(struct traffic_profile *p, const char *path, int argc, char **argv);
void traffic_profile_close(struct traffic_profile *p);

/*
 * traffic_profile_merge.c: the run's encapsulations become all the streams' and its tunnel
 * options theirs (a filter that differs between streams: none; a port: refused); its addresses
 * the first stream's (streams of two IP versions, outside or inside: refused). Returns 0, or
 * -1 with one line in err ("FILE:LINE: [stream NAME] option: what").
 */
int traffic_profile_merge(struct traffic_profile *p, const struct ovl_ini_scan *scan, char *err, size_t errlen);

/* run --print (run_print.c): the resolved streams, one line per encapsulation. Returns 0. */
int traffic_profile_print(struct traffic_profile *p, FILE *out);

/* The stream configurations: the [stream] sections', or the run's alone. */
static inline struct app_config *
traffic_profile_stream_configs(struct traffic_profile *p, unsigned int *n)
{
	*n = p->n_streams > 0 ? p->n_streams : 1;
	return p->n_streams > 0 ? p->streams : &p->run;
}

#endif
