/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateless TCP probes (docs/wire-format.md, "TCP probes"). A probe segment carries the probe
 * as its data and a sequence number chosen so that whatever answers it acknowledges the probe's
 * low 32 bits exactly: a Linux RST to a closed port (ACK = SEG.SEQ + SEG.LEN, RFC 9293 3.10.7.1)
 * and ovlperf's reflector alike. A segment with ACK set also acknowledges those 32 bits, so that
 * the RST such a segment draws (SEQ = SEG.ACK, no ACK flag) names them too.
 */
#ifndef OVL_TCP_H
#define OVL_TCP_H

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_tcp.h>

#define OVL_TCP_HDR_LEN ((uint16_t)sizeof(struct rte_tcp_hdr))
#define OVL_TCP_WINDOW 64240        /* what Linux offers in a SYN: nothing odd for middleboxes */
#define OVL_TCP_FLAGS_DEFAULT RTE_TCP_SYN_FLAG
/* The flags a probe may carry; RST draws no answer from anyone. */
#define OVL_TCP_FLAGS_ALLOWED (RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG | RTE_TCP_PSH_FLAG | \
		RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG)

/* The sequence space a segment takes: its data, and one each for SYN and FIN (RFC 9293 3.4). */
static inline uint32_t
ovl_tcp_seg_len(uint8_t flags, uint32_t data_len)
{
	return data_len + ((flags & RTE_TCP_SYN_FLAG) != 0) + ((flags & RTE_TCP_FIN_FLAG) != 0);
}

/* What a probe segment's sequence number is over the probe's 32 bits: answers then ACK seq32. */
static inline uint32_t
ovl_tcp_seq_bias(uint8_t flags, uint32_t data_len)
{
	return (uint32_t)0 - ovl_tcp_seg_len(flags, data_len);
}

/* The probe's low 32 bits an answer names: its ACK, or (a RST to a segment with ACK) its SEQ. */
static inline uint32_t
ovl_tcp_answer_seq32(const struct rte_tcp_hdr *tcp)
{
	return rte_be_to_cpu_32((tcp->tcp_flags & RTE_TCP_ACK_FLAG) ? tcp->recv_ack : tcp->sent_seq);
}

/*
 * Writes a probe segment's header (checksum zero): ports, flags, and for the probe whose low
 * bits are seq32 with data_len bytes of data, the sequence number and acknowledgement above.
 */
void ovl_tcp_write(struct rte_tcp_hdr *tcp, uint16_t src_port, uint16_t dst_port, uint8_t flags,
		uint32_t seq32, uint32_t data_len);

/*
 * Turns a segment with data_len bytes of data around as a peer answers it, keeping its
 * checksum valid: ports swapped, SEQ = the segment's ACK, ACK = its SEQ + SEG.LEN, flags SYN ->
 * SYN-ACK, FIN -> FIN-ACK, anything else -> ACK.
 */
void ovl_tcp_turnaround(struct rte_tcp_hdr *tcp, uint32_t data_len);

/* The flags a peer answers with (ovl_tcp_turnaround's). */
uint8_t ovl_tcp_answer_flags(uint8_t flags);

/*
 * Reads --tcp-flags: letters of S, A, F, P, U (SYN, ACK, FIN, PSH, URG), each once, in any
 * order ("S", "SA", "PA"...). Returns 0, or -1 with a one-line message in err.
 */
int ovl_tcp_flags_parse(const char *arg, uint8_t *flags, char *err, size_t errlen);

/* The flags as letters ("S", "SA"...) into buf, for results. */
const char *ovl_tcp_flags_name(uint8_t flags, char *buf, size_t len);

#endif
