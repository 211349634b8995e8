/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stream: one encapsulation's probes at one size and rate, prebuilt as frame templates (one
 * per flow, and per fragment when the inner packet is fragmented). Where the port transmits
 * without touching the frame, the stream's own pool keeps its frames between uses, and the
 * sender patches only sequence number, timestamp and checksum per packet; otherwise it copies
 * a template first. A stream of a size mix keeps one template (and one pool) per size class
 * and sends the classes in the order of its schedule (size_mix.h).
 */
#ifndef OVL_APP_STREAM_H
#define OVL_APP_STREAM_H

#include <stdint.h>

#include <rte_mempool.h>

#include "config.h"
#include "frame.h"
#include "size_mix.h"

/* The most datagrams one burst sends: the schedule runs this far past its cycle. */
#define STREAM_BURST_MAX 256

/* One size class of a mix (a stream of one size has one). */
struct stream_class {
	struct ovl_frame_layout lay;
	uint32_t weight;
	uint64_t wire_bytes;        /* with FCS */
	uint32_t payload_bytes;
	struct rte_mempool *kept;   /* mbufs holding this class's frames; NULL: copy templates */
	uint32_t tcp_bias;          /* TCP: the segment's SEQ over the probe's (ovl_tcp_seq_bias) */
};

struct stream {
	uint16_t id;                /* the probe's stream id: index in the stream array */
	const char *name;           /* a test profile's [stream NAME]; NULL on the command line */
	uint8_t latency;            /* the low-rate latency stream: sent in bursts of one */
	uint8_t queue;              /* the port queue (and so the sender lcore) that sends it */
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	uint32_t n_flows;
	uint16_t n_frames;          /* frames per datagram */
	uint8_t n_classes;          /* size classes: 1, or a mix's */
	struct stream_class classes[OVL_MIX_CLASSES_MAX];
	/*
	 * Datagram seq has class schedule[seq % schedule_len]; the array runs STREAM_BURST_MAX
	 * entries past the cycle (its start again) so that a burst reads it without wrapping.
	 * wire_sum[k] and payload_sum[k]: the bytes of entries 0..k-1. So that a burst of a mix
	 * places each class's mbufs without counting as it goes: class_before[k * n_classes + c],
	 * the entries of class c among 0..k-1, and rank[k], those of entry k's own class.
	 */
	uint8_t *schedule;
	uint32_t schedule_len;
	uint64_t *wire_sum, *payload_sum;
	uint16_t *class_before, *rank;
	double wire_mean, payload_mean; /* per datagram, over a cycle */
	uint8_t **frames;           /* [(class * n_flows + flow) * n_frames + k] */
	uint16_t *lens;             /* without FCS, same index */
	uint16_t *l4_cksums;        /* [class * n_flows + flow]: the inner L4 checksum, probe fields
	                             * zero (TCP: SEQ and ACK too) */
	struct rte_mempool *kept;   /* class 0's pool, as classes[0].kept */
	uint16_t probe_off;         /* the probe, in a datagram's first frame */
	uint16_t l4_cksum_off;      /* inner UDP, TCP or ICMP checksum, in the first frame */
	uint8_t l4_is_udp;
	uint16_t tcp_seq_off;       /* TCP: the SEQ field (ACK follows), in the first frame; else 0 */
	uint8_t tcp_ack;            /* TCP: the segments carry ACK, which acknowledges the probe too */
	uint16_t inner_ip_off;      /* inner IPv4 header, in every frame */
	uint64_t rate_pps;          /* datagrams per second; 0: unlimited */
	uint32_t burst;             /* datagrams per pacing deadline */
	uint64_t wire_bytes;        /* one datagram's frames, with FCS (a mix: class 0's) */
	uint32_t payload_bytes;     /* one datagram's inner L4 payload: what goodput counts */
	uint64_t line_rate_pps;     /* datagrams per second the wire allows at the reference speed */
	uint8_t keyed;              /* every probe carries a tag (full form, unfragmented) */
	uint64_t tx_ol_flags;       /* checksum offload: mbuf flags per packet; 0: software */
	uint8_t l4_cksum_sw;        /* the sender keeps the inner L4 checksum itself */
	struct ovl_layers layers;   /* of the first frame: where the tag's inputs are */
};

/*
 * Builds the streams of a send or loop run from its stream configurations (the command line's
 * one, or a test profile's [stream] sections), for each: one load stream per listed
 * encapsulation and queue (each replica at 1/queues of the rate), plus one latency stream each,
 * on queue 0 only, when asked. Streams are grouped by queue, queue 0 first, so a queue's
 * streams are consecutive.
 * Pools are needed only for fragmented layouts. Returns the number of streams, or -1 with a
 * message in err (bad sizes: status 2 is the caller's choice).
 */
int streams_build(const struct app_config *cfgs, unsigned int n_cfgs, double link_bps,
		struct rte_mempool *direct, struct rte_mempool *indirect, unsigned int queues,
		struct stream **out, char *err, size_t errlen);
void streams_free(struct stream *streams, unsigned int n);

/*
 * Gives every unfragmented stream a pool whose mbufs hold its frames (flow i % n_flows in
 * mbuf i), sized for a TX ring of tx_desc. Only for ports that transmit without writing to
 * or handing on the mbufs (port_tx_keeps_frames). Returns 0, or -1 with a message in err.
 */
int streams_keep_frames(struct stream *streams, unsigned int n, uint16_t tx_desc, int socket,
		char *err, size_t errlen);

/* Where datagram seq is in the schedule; one size spares the sender the division. */
static inline uint32_t
stream_schedule_pos(const struct stream *s, uint64_t seq)
{
	return s->schedule_len == 1 ? 0 : (uint32_t)(seq % s->schedule_len);
}

/* Datagrams of class c among sequence numbers first..first+n-1 of stream s. */
uint64_t stream_class_count(const struct stream *s, unsigned int c, uint64_t first, uint64_t n);

/*
 * The schedule of s from mix (one class when mix->n is 0) and seed, with its byte sums from
 * the classes' sizes (set before). Returns 0 or -ENOMEM.
 */
int stream_schedule_build(struct stream *s, const struct ovl_size_mix *mix, uint64_t seed);

/* The largest frame (without FCS) any stream sends. */
uint16_t streams_max_frame(const struct stream *streams, unsigned int n);

#endif
