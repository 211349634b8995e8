/* SPDX-License-Identifier: BSD-3-Clause */
/* Port setup in one place: queues, MTU for the frame size, offloads only where advertised. */
#ifndef OVL_APP_PORT_H
#define OVL_APP_PORT_H

#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mempool.h>

#include "own_addrs.h"
#include "port_xdp.h"
#include "profile.h"

#define PORT_WATCH_MAX 16

struct port_info {
	uint16_t id;
	char name[64];
	char driver[64];
	struct rte_ether_addr mac;
	uint32_t link_speed_mbps;     /* 0: unknown */
	int link_up;
	uint16_t mtu;
	int mtu_set;                  /* the driver accepted the MTU */
	uint64_t rx_offloads, tx_offloads; /* enabled */
	uint64_t rx_offload_capa, tx_offload_capa;
	uint16_t tx_desc;             /* the TX ring's size, as the driver adjusted it */
	uint16_t queues;              /* RX/TX queue pairs started */
	uint64_t rss_hf;              /* RTE_ETH_RSS_* the port hashes on to pick the RX queue; 0: none */
	const char *rx_steering;      /* how frames find their RX queue: "single" (one queue),
				       * "rss", "per_queue" (the driver fills each queue from its own
				       * source: net_ring, net_memif, net_pcap, net_null), "none"
				       * (no RSS: all on queue 0) */
	int socket;
	char profile[OVL_PROFILE_NAME_MAX]; /* "" when no profile names this driver */
	/* The profile's [stats] xstats (ENA's allowance counters), read at start: results report
	 * what changed during the run, since the counters are cumulative. */
	unsigned int n_watch;
	char watch_names[PORT_WATCH_MAX][OVL_PROFILE_WORD_MAX];
	uint64_t watch_start[PORT_WATCH_MAX];
	int watch_found[PORT_WATCH_MAX];
	struct port_xdp xdp;          /* net_af_xdp: how the kernel runs it (xdp.af_xdp 0 otherwise) */
};

/* What a command asks of a port it starts. */
struct port_request {
	uint16_t max_frame;           /* raise the MTU for it (without FCS; 0: as large as it takes) */
	struct rte_mempool *pool;     /* fills the RX queue */
	int promiscuous;
	uint64_t tx_offloads;         /* must all be advertised, or port_start fails */
	uint64_t rx_offloads;         /* likewise */
	int one_pool;                 /* every mbuf the TX queue sees comes from pool: the condition
				       * of the fast-free offload, used where advertised */
	const struct ovl_profile *forced; /* --profile; NULL: by driver */
	uint16_t queues;              /* RX/TX queue pairs; 0 counts as 1 */
	int rss;                      /* with queues > 1: spread received frames by RSS on the
				       * outer IP addresses and UDP ports (a reflecting port) */
	const struct ovl_own_addrs *ip6; /* our IPv6 underlay addresses: receive their solicited-node
				       * groups, where neighbours ask for them (NULL or IPv4: none) */
};

/*
 * Configures and starts port id with req->queues RX and TX queues. Returns 0, -1 after printing
 * why on stderr, or PORT_USAGE (also said) when the request is one the port cannot honour
 * (fewer queues than asked, offloads it does not advertise, frames larger than it takes,
 * hugepages its profile requires): a usage error.
 */
#define PORT_USAGE (-2)
int port_start(uint16_t id, const struct port_request *req, struct port_info *info);

/*
 * Whether the sender reuses kept frames on the port: whether it transmits a frame without
 * writing to it or handing the mbuf on, so that a freed mbuf still holds the frame. Every
 * driver but those that pass the mbuf itself to a peer (net_ring; net_memif, whose zero-copy
 * mode does) and net_virtio_user, which sends copies faster. why says which, for the results.
 */
int port_tx_keeps_frames(uint16_t id, const char **why);

/*
 * The profile for a port: forced (--profile) or the one whose [driver] names its driver.
 * Returns 0 with p filled, -ENOENT when none names it, or another negative errno (err says).
 */
int port_profile(uint16_t id, const struct ovl_profile *forced, struct ovl_profile *p,
		char *err, size_t errlen);

/* The watched xstats' changes since port_start (the profile's [stats], read at the end). */
struct port_watch {
	unsigned int n;                     /* as port_info.n_watch, same order as its names */
	int found[PORT_WATCH_MAX];          /* read at start and now; else the change is unknown */
	uint64_t delta[PORT_WATCH_MAX];
	int shaped;                         /* an *_allowance_exceeded counter grew: the cloud shaped */
};
void port_watch_read(const struct port_info *p, struct port_watch *w);
void port_stop(uint16_t id);

/*
 * The port's xstats that tell of drops and of cloud shaping (ENA's *_allowance_exceeded), so
 * that shaping is never mistaken for overlay cost: read once, then printed from here.
 */
struct port_xstat {
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	uint64_t value;
};
struct port_xstats {
	unsigned int n;
	struct port_xstat *s;               /* malloc'd; port_xstats_free */
};
/* Returns 0, or -1 (out of memory, or the driver failed to answer) with x empty. */
int port_xstats_read(uint16_t port, struct port_xstats *x);
void port_xstats_free(struct port_xstats *x);

/* "ipv4_cksum udp_cksum" for a set of TX (or RX) offload bits. */
void port_offload_names(uint64_t bits, int tx, char *buf, size_t len);

#endif
