/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf's own command-line options (those after "--"). One table lists them all; each option
 * has one small function that checks and applies its value, so every bad value gets a one-line
 * error that names the option and what it allows.
 */
#ifndef OVL_APP_CONFIG_H
#define OVL_APP_CONFIG_H

#include <stdint.h>

#include "allowlist.h"
#include "frame.h"
#include "own_addrs.h"
#include "probe.h"
#include "probe_auth.h"
#include "profile.h"
#include "size_mix.h"

/*
 * Exit statuses (README, "Exit status"): 0 a complete run; 1 an error (nothing measured, or
 * results that could not be written); 2 bad input, refused before anything is sent; 3 a run
 * stopped early (a signal, a link down too long), its results written and marked partial.
 */
#define OVL_EXIT_USAGE 2
#define OVL_EXIT_PARTIAL 3
#define OVL_QUEUES_MAX 16
/* send and loop measure this long when given neither --duration nor --count. */
#define OVL_DURATION_DEFAULT_S 10

enum rate_unit {
	RATE_UNLIMITED,
	RATE_PPS,
	RATE_L2_BPS,      /* frame bits with FCS */
	RATE_L1_BPS,      /* frame bits plus preamble and inter-frame gap */
	RATE_LINK_PERCENT, /* of the link speed, at layer 1 */
};

enum ts_request {
	TS_AUTO,          /* the NIC's RX timestamps where the port has them, else the TSC */
	TS_TSC,
	TS_HW,
};

enum pacing_request {
	PACING_AUTO,      /* the NIC's queue rate limiter where it works, else software */
	PACING_SOFTWARE,
	PACING_HARDWARE,
};

struct rate {
	enum rate_unit unit;
	double value;
};

struct app_config {
	const struct ovl_encap *encaps[OVL_ENCAPS_MAX];
	unsigned int n_encaps;
	int encaps_all;                  /* "all" (or none) was asked: over IPv6, those that run over it */
	uint8_t src_ip6;                 /* --src-ip was IPv6 (spec.ip6 follows --dst-ip / --ip) */
	uint8_t inner_src_ip6;           /* --inner-src-ip was IPv6 (spec.inner_ip6 follows --inner-dst-ip / --inner-ip) */
	struct ovl_frame_spec spec;      /* applied to every listed encapsulation */
	struct ovl_encap_values tunnel[OVL_ENCAPS_MAX]; /* each encapsulation's options, by table index */
	unsigned int sizes_given;        /* OVL_SIZE_* bits of the size options seen */
	uint32_t frame_size, inner_size, mtu;
	struct ovl_size_mix mix;         /* --frame-size or --inner-size gave a mix (mix.n > 0) */
	uint64_t mix_seed;               /* the order a mix's classes are interleaved in */
	struct ovl_probe probe;
	int session_given;
	const char *pcap_path;
	int hex;
	int quiet;
	const char *name;                /* a profile's [stream NAME]; NULL on the command line */

	/* send, reflect, loop */
	struct rate rate;
	double duration_s;           /* 0: until --count or a signal */
	uint64_t count;              /* datagrams per stream; 0: no limit */
	double warmup_s;
	double drain_s;
	uint64_t latency_rate;       /* pps of the extra latency stream per encap; 0: none */
	uint32_t flows;
	const char *json_path;
	const char *csv_path;
	const char *capture_path;    /* the sender's transmitted frames, as pcap */
	const char *latency_log_path; /* HdrHistogram interval log of the round trips */
	const char *samples_path;    /* --latency-samples: raw round trips, CSV */
	uint32_t samples;            /* how many per stream (--samples) */
	uint64_t capture_max;
	double line_rate_bps;        /* 0: the port's link speed */
	int dwell;                   /* reflector writes its receive and transmit timestamps */
	uint16_t port;               /* send, reflect: the port; loop: the sender's */
	uint16_t peer_port;          /* loop: the reflector's */
	int dst_mac_given;
	int tcp_flags_given;
	const char *dst_mac_source;  /* "option", "arp", "ndp" or "peer port" */
	int inner_dst_mac_given;
	int promiscuous;
	double arp_timeout_s;
	double link_timeout_s;        /* a link down or an outage longer ends the run (send, loop) */
	double outage_after_s;        /* no replies for this long while sending: an outage */
	int live;                    /* one line per second on stderr */
	uint64_t tx_offloads;        /* --tx-offload cksum: RTE_ETH_TX_OFFLOAD_* the sender's port does */
	int keyed;                   /* --key: probes carry a tag; the reflector answers only those */
	struct ovl_key key;
	struct ovl_allowlist allow;  /* reflector: outer sources it answers */
	/* reflect --ip and --inner-ip: the addresses it answers (spec has the first); n 0: spec's */
	struct ovl_own_addrs own_ips, own_inner_ips;
	uint64_t max_pps;            /* reflector: most packets per second it sends back; 0: no cap */
	struct ovl_profile profile;  /* --profile NAME; else chosen by each port's driver */
	int profile_given;
	int send_lcore;              /* the lcore serving the sender's port queue; -1: first worker */
	int reflect_lcore;           /* the reflector's; -1: the next worker */
	unsigned int queues;         /* --queues: RX/TX queue pairs per port, one worker lcore each */
	int queue_lcore[OVL_QUEUES_MAX]; /* --queue-map: queue q's lcore; -1: not mapped */
	int queue_map_given;
	enum ts_request timestamps;  /* --timestamps: the sender's RX timestamp source */
	enum pacing_request pacing;  /* --pacing */
	uint32_t idle_sleep_us;      /* --idle-sleep: a worker with nothing to do sleeps; 0: polls */
};

/* Packets per second for frames of frame_size bytes (with FCS; a mix: the mean) at link_bps; 0: unlimited. */
uint64_t rate_to_pps(const struct rate *r, double frame_size, double link_bps);

/*
 * Parses a command's options into cfg (which holds defaults on entry). Returns 0, 1 when help
 * was printed, or OVL_EXIT_USAGE after printing one line to stderr.
 */
int config_parse(struct app_config *cfg, const char *command, int argc, char **argv);

void config_defaults(struct app_config *cfg);

/*
 * config_parse in its steps, for a profile (profile_file.c), which applies its own keys between
 * them: the options alone (returns as config_parse does, nothing checked across options); the
 * encapsulations' default (all, when none was listed); a random session unless one was given.
 */
int config_parse_options(struct app_config *cfg, const char *command, int argc, char **argv);
void config_finish_encaps(struct app_config *cfg);
void config_finish_session(struct app_config *cfg);

/*
 * Applies one option of command by its long name, as a file's key = value: checked by the very
 * function that checks it on the command line; a flag takes yes. Returns 0, or -1 with one
 * line in err naming the key (a misspelt one gets the nearest name).
 */
int config_apply_key(struct app_config *cfg, const char *command, const char *key, const char *value,
		char *err, size_t errlen);

/* The spec for the i-th listed encapsulation, with sizes resolved from the options. */
void config_spec_for(const struct app_config *cfg, unsigned int i, struct ovl_frame_spec *spec);

/* Size classes per stream: the mix's, or 1. */
unsigned int config_classes(const struct app_config *cfg);

/*
 * The spec for the i-th encapsulation at size class c of the mix (imix classes raised to the
 * encapsulation's smallest frame or inner packet); config_spec_for is class 0.
 */
void config_spec_for_class(const struct app_config *cfg, unsigned int i, unsigned int c,
		struct ovl_frame_spec *spec);

void config_usage(FILE *out, const char *command);

/* The listed encapsulations as bits of ovl_encaps' indices. */
uint32_t config_encap_mask(const struct app_config *cfg);

/*
 * A receiver of the encapsulations in mask with the options' values; filter: answer only
 * what carries the filter options given (a reflector told one network identifier).
 */
void config_rx(const struct app_config *cfg, uint32_t mask, int filter, struct ovl_rx_config *rx);

#endif
