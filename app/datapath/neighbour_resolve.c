/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "arp.h"
#include "drop.h"
#include "headers.h"
#include "ndp.h"
#include "neighbour.h"
#include "port_gate.h"

static int
send_frame(uint16_t port, struct rte_mempool *pool, const uint8_t *frame, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL)
		return -1;
	memcpy(rte_pktmbuf_append(m, len), frame, len);
	if (rte_eth_tx_burst(port, 0, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -1;
	}
	return 0;
}

/*
 * A broadcast request on the underlay (IPv6: a solicitation to the next hop's solicited-node
 * group), or one inside the tunnel to the remote VTEP.
 */
static uint16_t
build_request(uint8_t *frame, const struct ovl_frame_spec *spec, int inner)
{
	struct ovl_frame_layout lay;
	char err[256];
	uint16_t len;

	if (!inner && spec->ip6)
		return ovl_ndp_solicit(frame, &spec->src_mac, spec->src_ip6, spec->dst_ip6, spec->vlan);
	if (!inner)
		return RTE_MAX(ovl_arp_request(frame, &spec->src_mac, spec->src_ip, spec->dst_ip,
				spec->vlan), (uint16_t)OVL_ETH_MIN_NOFCS);
	if (ovl_frame_layout(spec, &lay, err, sizeof(err)) < 0)
		return 0;
	memset(frame, 0, OVL_ETH_MIN_NOFCS + lay.inner_off + OVL_NDP_IP_LEN);
	if (spec->inner_ip6) {
		/* Inner IPv6: a solicitation through the tunnel, to the peer's solicited-node group. */
		len = ovl_frame_encapsulate(frame, spec, &lay, OVL_NDP_IP_LEN);
		ovl_ndp_solicit(frame + lay.inner_off - RTE_ETHER_HDR_LEN, &spec->inner_src_mac,
				spec->inner_src_ip6, spec->inner_dst_ip6, 0);
	} else {
		len = ovl_frame_encapsulate(frame, spec, &lay, (uint16_t)sizeof(struct rte_arp_hdr));
		ovl_arp_request(frame + lay.inner_off - RTE_ETHER_HDR_LEN, &spec->inner_src_mac,
				spec->inner_src_ip, spec->inner_dst_ip, 0);
	}
	/* A UDP tunnel's checksum was made for an IPv4 payload: made again over the ARP one. */
	if (spec->encap->ip_proto == IPPROTO_UDP)
		ovl_outer_udp_cksum((struct rte_udp_hdr *)(frame + lay.l2_len +
				ovl_frame_spec_outer_ip_len(spec)), spec, 0);
	return len;
}

static int
resolve_one(uint16_t port, struct rte_mempool *pool, struct ovl_frame_spec *spec, int inner,
		double timeout_s)
{
	uint64_t hz = rte_get_tsc_hz(), deadline = rte_rdtsc() + (uint64_t)(timeout_s * hz);
	uint64_t next_ask = 0;
	struct ovl_rx_config rx;
	uint8_t frame[256];
	uint16_t len = build_request(frame, spec, inner);
	char ip[INET6_ADDRSTRLEN];
	struct neighbour_self self = { .mac = spec->src_mac, .ip_count = 1 };

	/* One spec's addresses: one of each, of one version. */
	neighbour_self_add(&self, spec, 0);
	ovl_rx_config_for_spec(&rx, spec);
	while (rte_rdtsc() < deadline) {
		struct rte_mbuf *pkts[32];
		uint16_t n, i;

		port_gate_enter();
		if (rte_rdtsc() >= next_ask) {
			send_frame(port, pool, frame, len);
			next_ask = rte_rdtsc() + hz / 5;
		}
		n = rte_eth_rx_burst(port, 0, pkts, 32);
		port_gate_leave();
		for (i = 0; i < n; i++) {
			uint8_t *data = rte_pktmbuf_mtod(pkts[i], uint8_t *);
			struct ovl_layers l;
			struct ovl_arp a;
			int rc = ovl_parse(data, rte_pktmbuf_data_len(pkts[i]), &rx, &l);
			int found = 0;

			if (!inner && spec->ip6) {
				found = neighbour_ndp_advert(data, rte_pktmbuf_data_len(pkts[i]),
						spec->dst_ip6, &spec->dst_mac);
			} else if (!inner && rc == -OVL_DROP_NOT_IPV4 &&
					ovl_arp_read(data, rte_pktmbuf_data_len(pkts[i]), &a) == 0 &&
					a.op == RTE_ARP_OP_REPLY && a.sip == spec->dst_ip) {
				spec->dst_mac = a.sha;
				found = 1;
			} else if (inner && spec->inner_ip6) {
				found = rc < 0 && l.inner_l2 != 0 && l.inner_ip6 &&
					neighbour_ndp_advert(data + l.inner_l2, l.inner_end - l.inner_l2,
						spec->inner_dst_ip6, &spec->inner_dst_mac);
			} else if (inner && rc == -OVL_DROP_INNER_NOT_IPV4 && l.inner_l2 != 0 &&
					ovl_arp_read(data + l.inner_l2, l.inner_end - l.inner_l2, &a) == 0 &&
					a.op == RTE_ARP_OP_REPLY && a.sip == spec->inner_dst_ip) {
				spec->inner_dst_mac = a.sha;
				found = 1;
			}
			if (!found && neighbour_answer(pkts[i], &l, rc, &self)) {
				uint16_t sent;

				port_gate_enter();
				sent = rte_eth_tx_burst(port, 0, &pkts[i], 1);
				port_gate_leave();
				if (sent != 1)
					rte_pktmbuf_free(pkts[i]);
				continue;
			}
			rte_pktmbuf_free(pkts[i]);
			if (found) {
				rte_pktmbuf_free_bulk(&pkts[i + 1], n - i - 1);
				return 0;
			}
		}
	}
	int ndp = inner ? spec->inner_ip6 : spec->ip6;

	if (ndp)
		inet_ntop(AF_INET6, inner ? spec->inner_dst_ip6 : spec->dst_ip6, ip, sizeof(ip));
	else
		inet_ntop(AF_INET, inner ? &spec->inner_dst_ip : &spec->dst_ip, ip, sizeof(ip));
	fprintf(stderr, "ovlperf: no %s for %s %s on port %u within %.1f s; give its MAC with %s\n",
			ndp ? "neighbour advertisement" : "ARP reply",
			inner ? "inner address" : "next hop", ip, port, timeout_s,
			inner ? "--inner-dst-mac" : "--dst-mac");
	return -1;
}

int
neighbour_resolve(uint16_t port, struct rte_mempool *pool, struct ovl_frame_spec *spec, int outer,
		int inner, double timeout_s)
{
	if (outer && resolve_one(port, pool, spec, 0, timeout_s) < 0)
		return -1;
	if (inner && spec->encap->inner_ethernet && resolve_one(port, pool, spec, 1, timeout_s) < 0)
		return -1;
	return 0;
}
