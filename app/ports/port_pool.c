/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "port_pool.h"

/* linux/if_xdp.h: what the kernel keeps in front of every frame it writes into a chunk. */
#define XDP_PACKET_HEADROOM 256

/*
 * mbufs an AF_XDP queue may hold at once: the fill ring's 2048 handed over at set-up (a frame
 * received moves to the RX ring and is replaced only once the lcore takes it, so the two hold
 * 2048 together), the TX ring (2048 with the profile's tx_desc) and as many sent frames
 * waiting in the completion ring, and two lcores' caches with a burst each: 6720, so 8191.
 */
#define AF_XDP_FILL 2048
#define AF_XDP_TX 2048
#define AF_XDP_COMPLETION 2048
#define AF_XDP_SLACK (2 * 256 + 2 * 32)

/* The largest data room whose mempool object (header, mbuf, room, padding) fits one page. */
static uint16_t
room_within_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	uint32_t room = (uint32_t)(page > 0 ? page : 4096) - (uint32_t)sizeof(struct rte_mbuf);

	for (; room > RTE_PKTMBUF_HEADROOM + RTE_CACHE_LINE_SIZE; room -= RTE_CACHE_LINE_SIZE) {
		struct rte_mempool_objsz sz;

		if (rte_mempool_calc_obj_size((uint32_t)sizeof(struct rte_mbuf) + room, 0, &sz) <=
				(uint32_t)(page > 0 ? page : 4096))
			break;
	}
	return (uint16_t)room;
}

static void
af_xdp_shape(unsigned int queues, struct port_pool_shape *shape)
{
	unsigned int per_queue = rte_align32pow2(AF_XDP_FILL + AF_XDP_TX + AF_XDP_COMPLETION +
			AF_XDP_SLACK) - 1;

	shape->mbufs = RTE_MAX(shape->mbufs, per_queue * queues);
	shape->room = room_within_page();
	shape->max_frame = (uint16_t)(shape->room - RTE_PKTMBUF_HEADROOM - XDP_PACKET_HEADROOM);
	shape->kernel_mtu = 1;
	shape->rule = "in DPDK 22.11 net_af_xdp receives into its mbuf pool itself (the UMEM), "
		"one page per mbuf, the frame after the mbuf, its headroom and 256 bytes of XDP "
		"headroom";
}

int
port_pool_shape(uint16_t id, unsigned int queues, unsigned int mbufs, uint16_t room,
		struct port_pool_shape *shape)
{
	struct rte_eth_dev_info dev;

	memset(shape, 0, sizeof(*shape));
	shape->mbufs = mbufs;
	shape->room = room;
	if (rte_eth_dev_info_get(id, &dev) != 0)
		return -1;
	if (strcmp(dev.driver_name, "net_af_xdp") == 0)
		af_xdp_shape(queues ? queues : 1, shape);
	return 0;
}
