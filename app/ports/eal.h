/* SPDX-License-Identifier: BSD-3-Clause */
/* Starting DPDK's EAL with the arguments given before "--", or with defaults that need no NIC. */
#ifndef OVL_APP_EAL_H
#define OVL_APP_EAL_H

/* argv is main's, NULL-terminated; the EAL's arguments are its first argc. */
struct eal_args {
	int argc;
	char **argv;
};

/* ovlperf's log level, also before the user's EAL options unless they give --log-level. */
#define OVL_EAL_LOG_LEVEL "--log-level=error"
/* Defaults when no EAL option was given: no hugepages, no PCI probing, no shared files. */
#define OVL_EAL_DEFAULTS "--no-huge --no-pci --no-shconf -m 512 --no-telemetry " OVL_EAL_LOG_LEVEL

/*
 * What hints and --help print to run without a NIC, and work as printed: a net_null port (it
 * discards what it is sent), and for send the next hops' MACs, which nothing there answers ARP for.
 */
#define OVL_NO_NIC_EAL "--no-huge --no-pci --no-shconf --vdev net_null0"
#define OVL_NO_NIC_SEND "--dst-mac 02:00:00:00:00:02 --inner-dst-mac 02:00:00:00:00:03"

/*
 * Returns 0, or prints what went wrong with a hint and returns a non-zero exit status.
 * workers: how many worker lcores the command needs, for the default lcore list. Each
 * --vdev gets the device arguments its driver's profile adds when they are not given
 * ([eal] vdev_defaults in drivers-config/).
 */
int app_eal_init(const struct eal_args *eal, unsigned int workers);
/* status: the exit status the command will return, used if the cleanup has to be given up. */
void app_eal_cleanup(int status);

/* The EAL arguments as one line, for results: the --vdev values as completed. */
#include <stddef.h>
const char *app_eal_args_text(const struct eal_args *eal, char *buf, size_t len);
/* The whole command line as given (EAL's options, "--", the command's), for results. */
const char *app_command_line(const struct eal_args *eal, char *buf, size_t len);

/*
 * Frames a replaying vdev holds in mbufs of its port's pool: net_pcap with infinite_rx=1 reads
 * every rx_pcap file into the pool when its queues are set up, so the pool must hold them on
 * top of the descriptors. The sum over dev_name's rx_pcap files (in the EAL arguments as
 * given to app_eal_init), 0 for any other port, or -1 after saying why a capture could not be read.
 */
long app_eal_replayed_frames(const char *dev_name);

#endif
