/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a driver asks of the pool that fills a port's RX queues, beyond "enough mbufs of the
 * right size": the rules are the driver's, so they live in one table here rather than in the
 * commands that make pools.
 *
 * net_af_xdp (DPDK 22.11 is built with XDP_UMEM_UNALIGNED_CHUNK_FLAG): the RX pool itself is
 * registered as the socket's UMEM, one chunk per mempool object, and the kernel takes chunks
 * of at most one page. Each queue hands the kernel's fill ring 2048 mbufs when it is set up
 * ("Failed to get enough buffers for fq" otherwise), and frames sent from mbufs of any other
 * pool are copied into mbufs of this one. The kernel writes a received frame after the
 * object's header, the mbuf, its headroom and XDP_PACKET_HEADROOM (256): what is left of the
 * page bounds the frame.
 */
#ifndef OVL_APP_PORT_POOL_H
#define OVL_APP_PORT_POOL_H

#include <stdint.h>

struct port_pool_shape {
	unsigned int mbufs;       /* for all the port's queues */
	uint16_t room;            /* each mbuf's data room, headroom included */
	uint16_t max_frame;       /* the largest frame (without FCS) it can receive; 0: no bound */
	int kernel_mtu;           /* the port's MTU is a kernel interface's: set it only when asked */
	int chained;              /* room fits the MTU only: longer frames a driver still hands
				   * over (vhost, pcap and memif do) arrive as chains of mbufs */
	const char *rule;         /* the driver's rule, for messages; NULL when it has none */
};

/*
 * The pool port id needs for queues RX queues, given what the command wants (mbufs in all,
 * of room bytes). Drivers without rules get exactly that. room 0: as much as the largest frame
 * the port takes at the MTU it will run at (the most port_start sets where the MTU can be set,
 * else the one it has), at least a default mbuf's. Returns 0, or -1 when the port does not
 * exist.
 */
int port_pool_shape(uint16_t id, unsigned int queues, unsigned int mbufs, uint16_t room,
		struct port_pool_shape *shape);

#endif
