/* SPDX-License-Identifier: BSD-3-Clause */
/* Stateless TCP probes: the segment's header, a peer's answer to it, the --tcp-flags letters. */
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "cksum.h"
#include "tcp.h"

static const struct {
	char letter;
	uint8_t flag;
} letters[] = {
	{ 'S', RTE_TCP_SYN_FLAG }, { 'A', RTE_TCP_ACK_FLAG }, { 'F', RTE_TCP_FIN_FLAG },
	{ 'P', RTE_TCP_PSH_FLAG }, { 'U', RTE_TCP_URG_FLAG }, { 'R', RTE_TCP_RST_FLAG },
};

void
ovl_tcp_write(struct rte_tcp_hdr *tcp, uint16_t src_port, uint16_t dst_port, uint8_t flags,
		uint32_t seq32, uint32_t data_len)
{
	tcp->src_port = rte_cpu_to_be_16(src_port);
	tcp->dst_port = rte_cpu_to_be_16(dst_port);
	tcp->sent_seq = rte_cpu_to_be_32(seq32 + ovl_tcp_seq_bias(flags, data_len));
	tcp->recv_ack = (flags & RTE_TCP_ACK_FLAG) ? rte_cpu_to_be_32(seq32) : 0;
	tcp->data_off = (OVL_TCP_HDR_LEN / 4) << 4;
	tcp->tcp_flags = flags;
	tcp->rx_win = rte_cpu_to_be_16(OVL_TCP_WINDOW);
	tcp->cksum = 0;
	tcp->tcp_urp = 0;
}

uint8_t
ovl_tcp_answer_flags(uint8_t flags)
{
	if ((flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) == RTE_TCP_SYN_FLAG)
		return RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	return RTE_TCP_ACK_FLAG | (flags & RTE_TCP_FIN_FLAG);
}

void
ovl_tcp_turnaround(struct rte_tcp_hdr *tcp, uint32_t data_len)
{
	/* SEQ, ACK, data offset and flags: ten bytes in a row from offset 4, an even one. */
	uint8_t old[10], now[10];
	rte_be16_t port = tcp->src_port;
	uint32_t seq = rte_be_to_cpu_32(tcp->sent_seq);

	memcpy(old, &tcp->sent_seq, sizeof(old));
	tcp->src_port = tcp->dst_port;
	tcp->dst_port = port;
	tcp->sent_seq = tcp->recv_ack;
	tcp->recv_ack = rte_cpu_to_be_32(seq + ovl_tcp_seg_len(tcp->tcp_flags, data_len));
	tcp->tcp_flags = ovl_tcp_answer_flags(tcp->tcp_flags);
	memcpy(now, &tcp->sent_seq, sizeof(now));
	tcp->cksum = ovl_cksum_update(tcp->cksum, old, now, sizeof(old));
}

int
ovl_tcp_flags_parse(const char *arg, uint8_t *flags, char *err, size_t errlen)
{
	uint8_t f = 0;
	const char *c;
	size_t k;

	for (c = arg; *c != '\0'; c++) {
		for (k = 0; k < RTE_DIM(letters) && letters[k].letter != *c; k++)
			;
		if (k == RTE_DIM(letters) || (f & letters[k].flag)) {
			snprintf(err, errlen,
				"'%s' is not allowed: letters of S, A, F, P, U (SYN, ACK, FIN, PSH, URG), each once, e.g. S, SA, PA",
				arg);
			return -1;
		}
		f |= letters[k].flag;
	}
	if (f == 0 || (f & ~OVL_TCP_FLAGS_ALLOWED)) {
		snprintf(err, errlen, "'%s' is not allowed: %s; give letters of S, A, F, P, U, e.g. S",
				arg, f == 0 ? "no flag given" : "a RST is never answered");
		return -1;
	}
	*flags = f;
	return 0;
}

const char *
ovl_tcp_flags_name(uint8_t flags, char *buf, size_t len)
{
	size_t k, n = 0;

	for (k = 0; k < RTE_DIM(letters) && n + 1 < len; k++)
		if (flags & letters[k].flag)
			buf[n++] = letters[k].letter;
	if (len > 0)
		buf[n] = '\0';
	return buf;
}
