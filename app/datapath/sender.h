/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender lcore: sends its streams' probes on one port queue, paced, and receives the
 * replies on the same queue (with several queues, one sender per queue, each owning its
 * streams; a reply to another queue's stream is counted as misrouted, never measured): sequence, loss, reordering, duplicates, corruption and round-trip
 * latency per stream. It also answers ARP for its own addresses, as a tunnel endpoint must.
 */
#ifndef OVL_APP_SENDER_H
#define OVL_APP_SENDER_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mempool.h>

#include "clock.h"
#include "drop.h"
#include "frame.h"
#include "histogram.h"
#include "idle.h"
#include "reservoir.h"
#include "neighbour.h"
#include "pacer.h"
#include "port_clock.h"
#include "seqtrack.h"
#include "stream.h"

struct ovl_reasm;
struct ovl_pcap_writer;

enum sender_phase {
	PHASE_WARMUP,
	PHASE_MEASURE,
	PHASE_DRAIN,
	PHASE_DONE,
};

/* One stream's counters: written by the sender lcore only, read by the reporter. */
struct stream_stats {
	uint64_t tx_datagrams, tx_frames, tx_bytes, tx_payload;
	uint64_t rx_datagrams, rx_bytes, rx_payload;
	uint64_t corrupted;
	uint64_t dwell_subtracted;   /* replies whose reflector timestamps were subtracted */
	uint64_t rx_class[OVL_MIX_CLASSES_MAX]; /* a mix's replies by size class */
	struct ovl_seqtrack seq;
	struct ovl_histogram rtt;    /* nanoseconds */
	struct ovl_reservoir samples; /* --latency-samples (size 0: off); kept across begin_measure's reset */
} __rte_cache_aligned;

/* When a TCP probe left: a RST carries no probe to say (sender_reply.c). */
struct tcp_sent {
	uint64_t seq;
	uint64_t tsc;                 /* 0: none sent at this place yet */
};

/* A TCP stream keeps its last SENDER_TCP_SENT probes' departures: the RSTs it times. */
#define SENDER_TCP_SENT (1u << 16)

struct stream_state {
	struct ovl_pacer pacer;
	struct tcp_sent *tcp_sent;    /* TCP streams: [seq % SENDER_TCP_SENT]; else NULL */
	uint64_t next_seq;
	uint64_t first_measured_seq;  /* replies to earlier (warm-up) probes are not counted */
	uint64_t highest_rx_seq;
	uint8_t done;                 /* sent --count datagrams */
};

struct sender_misc {
	uint64_t rx_frames;
	uint64_t warmup_replies;
	uint64_t other_session;
	uint64_t unknown_stream;
	uint64_t misrouted;           /* replies to a stream another queue's sender owns */
	uint64_t tcp_unmatched;       /* RSTs whose ports name none of this sender's TCP streams */
	uint64_t tcp_stale;           /* RSTs whose sequence number names no recent probe */
	uint64_t arp_answered;
	uint64_t ndp_answered;        /* neighbour solicitations answered (IPv6 underlay) */
	uint64_t tx_full;
	uint64_t no_mbuf;             /* bursts not built: the pool was empty (a slow peer holds its mbufs) */
	uint64_t fragments;
	uint64_t rx_unstamped;        /* hardware timestamps: replies the NIC did not stamp (TSC used) */
	uint64_t rx_before_tx;        /* hardware timestamps: converted RX stamp before the TX one (rtt 0) */
	uint64_t drops[OVL_DROP_MAX];
};

struct sender {
	/* Set up before launch, read-only after. */
	uint16_t port;
	uint16_t queue;
	struct stream *streams;       /* this sender's: ids first_stream .. first_stream + n_streams - 1 */
	unsigned int n_streams;
	unsigned int first_stream;
	unsigned int all_streams;     /* every queue's: ids beyond are unknown, not misrouted */
	struct rte_mempool *pool;
	uint32_t session;
	struct ovl_rx_config rx;
	struct rte_ether_addr mac;
	struct neighbour_self self;   /* the addresses we answer ARP for */
	struct tsc_clock clock;
	struct port_clock *rx_clock;  /* NULL: RX stamped by the TSC after the burst; else the NIC's */
	int rx_ts_offset;             /* the timestamp dynfield, with rx_clock */
	uint64_t rx_ts_flag;
	uint8_t sampling;             /* --latency-samples: each stream keeps a reservoir */
	uint32_t soft_cap;            /* load streams' software pacing at rate x soft_cap (1: exact) */
	uint64_t warmup_cycles, measure_cycles, drain_cycles; /* measure 0: until count or quit */
	uint64_t count;
	const struct ovl_key *key;    /* NULL: probes carry no tag */
	struct ovl_reasm *reasm;
	struct ovl_pcap_writer *capture;
	uint64_t capture_left;
	uint8_t *capture_stage;       /* a burst's frames, copied before the port takes them */
	uint16_t capture_lens[256];
	uint16_t capture_frame_max;
	uint8_t *scratch;             /* reassembled datagrams */

	volatile int stop;            /* the main lcore ends the run early (a port went down) */

	/* Written by the sender lcore only. */
	volatile enum sender_phase phase;
	uint64_t measure_start, measure_end;   /* TSC */
	struct stream_state *state;
	struct stream_stats *stats;
	struct sender_misc misc;
	struct ovl_parse_memo memo;   /* the shapes of replies: most replies parse from one */
	struct idle idle;             /* --idle-sleep */
};

/* s's state for n_streams streams (TCP ones: a table of departures each). Returns 0 or -1. */
int sender_init(struct sender *s, const struct stream *streams, unsigned int n_streams);
void sender_free(struct sender *s);
int sender_main(void *arg);

/*
 * The replies (sender_reply.c). A reply with a probe says its stream, sequence number and
 * departure; a TCP RST (a kernel's answer, ovl_is_bare_rst) says its stream by its ports, the
 * probe's low 32 bits by its ACK (or SEQ: ovl_tcp_answer_seq32), and its departure is the
 * one the stream kept for that sequence number. wire_bytes: the frame's, with FCS; now: its
 * arrival (TSC).
 */
void sender_on_probe(struct sender *snd, const uint8_t *buf, const struct ovl_layers *l,
		uint32_t wire_bytes, uint64_t now);
void sender_on_rst(struct sender *snd, const uint8_t *buf, const struct ovl_layers *l,
		uint32_t wire_bytes, uint64_t now);

/* Notes when TCP probes seq..seq+n-1 of stream state st left (TSC tsc): one entry each. */
static inline void
sender_tcp_sent(struct stream_state *st, uint64_t seq, uint32_t n, uint64_t tsc)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct tcp_sent *e = &st->tcp_sent[(seq + i) & (SENDER_TCP_SENT - 1)];

		e->seq = seq + i;
		e->tsc = tsc;
	}
}

#endif
