/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Driver profiles (drivers-config/<name>.ini): what ovlperf knows about a family of DPDK drivers
 * that the driver itself does not tell: how the device is bound, which EAL arguments it wants,
 * the ring sizes to use, which offloads and timestamps the family has, whether it paces in
 * hardware, the xstats every result must carry, and its caveats. The format is described in
 * drivers-config/README.md.
 *
 * A profile is read with DPDK's rte_cfgfile (which needs no EAL) and checked against a table of
 * the sections and keys it may have and the values each allows. rte_cfgfile gives no line
 * numbers, so the loader also reads the file itself: every error is one line naming the file,
 * the line, the section and key, and what is allowed.
 *
 * Like the rest of the library this never starts EAL: the offload names are checked against
 * rte_eth_dev_{rx,tx}_offload_name(), which are plain tables.
 */
#ifndef OVL_PROFILE_H
#define OVL_PROFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OVL_PROFILE_NAME_MAX 32      /* a profile's name (its file name less ".ini") */
#define OVL_PROFILE_WORD_MAX 64      /* a driver, module or xstat name; a caveat's key */
#define OVL_PROFILE_TEXT_MAX 256     /* a value: rte_cfgfile keeps 255 characters */
#define OVL_PROFILE_NAMES_MAX 8      /* [driver] names */
#define OVL_PROFILE_KMODS_MAX 4      /* [binding] kernel_driver */
#define OVL_PROFILE_STATS_MAX 16     /* [stats] report */
#define OVL_PROFILE_CAVEATS_MAX 16   /* [caveats] */
#define OVL_PROFILE_FILES_MAX 64     /* profiles in one directory */

enum ovl_profile_bus {
	OVL_BUS_PCI,                 /* a PCI device: EAL takes it with -a BDF */
	OVL_BUS_VDEV,                /* a virtual device: EAL makes it from --vdev */
};

enum ovl_bind {
	OVL_BIND_NONE,               /* nothing to bind: a vdev, or bifurcated (mlx5) */
	OVL_BIND_VFIO_PCI,
	OVL_BIND_IGB_UIO,
};

enum ovl_level {                     /* [binding] write_combining */
	OVL_LEVEL_NO,
	OVL_LEVEL_RECOMMENDED,
	OVL_LEVEL_REQUIRED,
};

enum ovl_rx_hw_ts {                  /* [timestamps] rx_hw */
	OVL_RX_HW_TS_NO,
	OVL_RX_HW_TS_YES,
	OVL_RX_HW_TS_SINCE_25_11,    /* the driver has it from DPDK 25.11 on: not in 22.11 */
};

enum ovl_timesync {                  /* [timestamps] timesync */
	OVL_TIMESYNC_NO,
	OVL_TIMESYNC_PTP_ONLY,       /* rte_eth_timesync_* stamps PTP frames only */
};

struct ovl_profile_caveat {
	char key[OVL_PROFILE_WORD_MAX];
	char text[OVL_PROFILE_TEXT_MAX];
};

struct ovl_profile {
	char name[OVL_PROFILE_NAME_MAX];     /* "ena" for .../ena.ini */
	char path[PATH_MAX];

	/* [driver] */
	unsigned int names_line;             /* line of names = in the file, for messages */
	unsigned int n_names;
	char names[OVL_PROFILE_NAMES_MAX][OVL_PROFILE_WORD_MAX]; /* rte_eth_dev_info.driver_name */
	char description[OVL_PROFILE_TEXT_MAX];
	enum ovl_profile_bus bus;

	/* [binding] */
	enum ovl_bind bind;
	enum ovl_bind bind_fallback;         /* == bind when the profile names none */
	enum ovl_level write_combining;
	unsigned int n_kernel_drivers;
	char kernel_drivers[OVL_PROFILE_KMODS_MAX][OVL_PROFILE_WORD_MAX];
	char binding_notes[OVL_PROFILE_TEXT_MAX];   /* "" when absent */

	/* [eal] */
	char eal_args[OVL_PROFILE_TEXT_MAX];        /* template: {bdf} {iface} {n} {path} {out} */
	int hugepages_required;
	char vdev_defaults[OVL_PROFILE_TEXT_MAX];   /* "key=value,..." added to a --vdev; "" none */

	/* [queues]: 0 means the driver's default (descriptors) or the device's (queues) */
	uint16_t rx_desc, tx_desc;
	uint16_t max_queues;

	/* [offloads]: RTE_ETH_{RX,TX}_OFFLOAD_* bits the family can advertise */
	uint64_t rx_offloads, tx_offloads;

	/* [timestamps] */
	enum ovl_rx_hw_ts rx_hw_ts;
	int tx_hw_ts;
	enum ovl_timesync timesync;

	/* [pacing] */
	int hw_rate_limit;                   /* rte_eth_set_queue_rate_limit() works */
	int send_scheduling;                 /* RTE_ETH_TX_OFFLOAD_SEND_ON_TIMESTAMP (mlx5 tx_pp) */
	uint32_t flow_limit_gbps;            /* one flow's cap (ENA: 5); 0: none known */

	/* [stats]: xstats to read before and after a run and report in every result */
	unsigned int n_stats;
	char stats[OVL_PROFILE_STATS_MAX][OVL_PROFILE_WORD_MAX];

	/* [caveats], in file order */
	unsigned int n_caveats;
	struct ovl_profile_caveat caveats[OVL_PROFILE_CAVEATS_MAX];
};

/*
 * Loads and checks one profile file. Returns 0, -EINVAL when the file is not a valid profile,
 * or -errno when it cannot be read (-ENOENT, -EACCES, -EISDIR); err then holds one line,
 * "FILE:LINE: [section] key: what is wrong: what is allowed" (no LINE where there is none).
 */
int ovl_profile_load(const char *path, struct ovl_profile *p, char *err, size_t errlen);

/*
 * Loads every profile in dir (every *.ini), checks each and that no driver name is claimed
 * by two of them, and fills p with the one whose [driver] names include driver_name.
 * Returns 0, -ENOENT when no profile names the driver (err lists the names that are known),
 * or the first error of any profile in dir.
 */
int ovl_profile_find(const char *dir, const char *driver_name, struct ovl_profile *p,
		char *err, size_t errlen);

/*
 * Loads dir/<name>.ini (--profile NAME). name is [a-z0-9_]+; -ENOENT lists the profiles in dir.
 */
int ovl_profile_load_named(const char *dir, const char *name, struct ovl_profile *p,
		char *err, size_t errlen);

/*
 * The drivers-config directory: $OVL_PROFILE_DIR if set, else the compile-time
 * OVL_PROFILE_DIR (meson sets it to the source tree's drivers-config), else "drivers-config"
 * relative to the working directory.
 */
const char *ovl_profile_dir(void);

/*
 * Expands the [eal] args template: {bdf}, {iface}, {n}, {path} and {out} become the given
 * values. Returns the length written, or -EINVAL (err says which placeholder has no value, or
 * that out is too small).
 */
int ovl_profile_eal_args(const struct ovl_profile *p, const char *bdf, const char *iface,
		unsigned int n, const char *path, const char *out_file, char *out, size_t outlen,
		char *err, size_t errlen);

/*
 * A --vdev value ("net_af_xdp0,iface=eth1") with each of the profile's [eal] vdev_defaults that
 * it does not set appended. Returns how many were appended (0: out holds vdev as it was), or
 * -EINVAL when out is too small.
 */
int ovl_profile_vdev_complete(const struct ovl_profile *p, const char *vdev, char *out,
		size_t outlen);

/* Prints the profile, a few lines, each starting with indent. */
void ovl_profile_describe(FILE *out, const struct ovl_profile *p, const char *indent);

/* Names of the enum values, as written in the files. */
const char *ovl_profile_bind_name(enum ovl_bind b);
const char *ovl_profile_level_name(enum ovl_level l);
const char *ovl_profile_rx_hw_ts_name(enum ovl_rx_hw_ts t);
const char *ovl_profile_timesync_name(enum ovl_timesync t);

#endif
