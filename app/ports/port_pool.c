/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "frame.h"
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

/* What a frame adds to its MTU in an mbuf: the Ethernet header and two VLAN tags; no FCS. */
#define MTU_OVERHEAD (RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN)

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
	shape->chained = 0;
	shape->rule = "in DPDK 22.11 net_af_xdp receives into its mbuf pool itself (the UMEM), "
		"one page per mbuf, the frame after the mbuf, its headroom and 256 bytes of XDP "
		"headroom";
}

/*
 * Mbufs for the frames the port's MTU admits, as port_start will leave it (it raises it to
 * the most the port takes, up to OVL_FRAME_MAX, where it can be set), rather than 9 KB mbufs
 * for a port that runs at 1500: a smaller pool, whose mbufs the driver allocates, fills and
 * frees per frame (net_vhost: bench/README.md figure 9).
 */
static void
room_for_mtu(uint16_t id, const struct rte_eth_dev_info *dev, struct port_pool_shape *shape)
{
	uint16_t mtu = RTE_ETHER_MTU;
	uint32_t frame;

	if (dev->max_mtu > RTE_ETHER_MTU && dev->max_mtu != UINT16_MAX)
		mtu = dev->max_mtu;
	else if (rte_eth_dev_get_mtu(id, &mtu) != 0)
		mtu = RTE_ETHER_MTU;
	frame = RTE_MIN((uint32_t)mtu + MTU_OVERHEAD, (uint32_t)OVL_FRAME_MAX);
	shape->room = (uint16_t)RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
			RTE_PKTMBUF_HEADROOM + frame);
	shape->chained = frame < OVL_FRAME_MAX;
}

/*
 * Without hugepages the pool lies in 4 KiB pages, and mempool keeps an object that fits in a
 * page inside one: objects of 2 to 4 KiB take a page each, so every mbuf's header and data sit
 * at the same offsets of their pages, in the same few L1 sets (reflect on net_pcap --no-huge:
 * 22.7 Mpps with 2176-byte rooms, 32.5 with 4224; with hugepages, 33.4 with 2176). An object
 * just longer than a page runs on into the next, and the offsets walk through the sets.
 */
static uint16_t
room_past_page(uint16_t room)
{
	long page = sysconf(_SC_PAGESIZE);
	struct rte_mempool_objsz sz;

	if (rte_eal_has_hugepages() || page <= 0 ||
			rte_mempool_calc_obj_size((uint32_t)sizeof(struct rte_mbuf) + room, 0, &sz) <=
				(uint32_t)page / 2)
		return room; /* several to a page (loop's small rooms): offsets that differ */
	while (room <= UINT16_MAX - RTE_CACHE_LINE_SIZE &&
			rte_mempool_calc_obj_size((uint32_t)sizeof(struct rte_mbuf) + room, 0, &sz) <=
				(uint32_t)page)
		room += RTE_CACHE_LINE_SIZE;
	return room;
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
	if (room == 0)
		room_for_mtu(id, &dev, shape);
	shape->room = room_past_page(shape->room);
	if (strcmp(dev.driver_name, "net_af_xdp") == 0)
		af_xdp_shape(queues ? queues : 1, shape);
	return 0;
}
