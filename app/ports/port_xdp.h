/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How an AF_XDP port (net_af_xdp) actually runs, which the PMD does not report: the mode the
 * kernel attached its XDP program in (native in the driver, generic in the stack, offloaded),
 * whether its sockets were bound zero-copy or in copy mode (the kernel falls back to copy
 * where the driver has no zero-copy, as on a veth), and whether they busy-poll. Both exist
 * only once the port's queues are set up: the sockets are made then.
 */
#ifndef OVL_APP_PORT_XDP_H
#define OVL_APP_PORT_XDP_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define PORT_XDP_SOCKETS_MAX 64

struct port_xdp {
	int af_xdp;                  /* a net_af_xdp port whose sockets were found; else all empty */
	char iface[IF_NAMESIZE];     /* the kernel interface */
	const char *attach;          /* XDP program: "native", "generic", "offload", "multi", "none", "unknown" */
	const char *bind;            /* its sockets: "zero-copy", "copy", "mixed", "unknown" */
	unsigned int sockets;        /* one per queue */
	int busy_budget;             /* the PMD's busy-poll budget, queue 0's socket preferring busy
				      * polling (0: it does not); -1: unknown */
};

/* The AF_XDP sockets (fds) this process holds, at most max; returns how many. */
unsigned int port_xdp_sockets(int *fds, unsigned int max);

/*
 * Port id's XDP mode, from the AF_XDP sockets open now that were not among before[] (those its
 * queue set-up made). x->af_xdp stays 0 when the port is not net_af_xdp or no socket is new.
 */
void port_xdp_read(uint16_t id, const int *before, unsigned int n_before, struct port_xdp *x);

/* One line: "veth-a: XDP program native (in the driver), sockets bound in copy mode, ...". */
void port_xdp_describe(const struct port_xdp *x, char *buf, size_t len);

#endif
