/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "cksum.h"
#include "frag.h"
#include "headers.h"
#include "stream.h"

/* Every template a stream keeps: per class, flow and fragment. */
static uint32_t
n_templates(const struct stream *s)
{
	return s->n_classes * s->n_flows * s->n_frames;
}

/* Class c's templates, from its spec (the stream's at that size). */
static int
build_templates(struct stream *s, unsigned int c, const struct ovl_frame_spec *class_spec,
		const struct ovl_probe *probe, struct rte_mempool *direct,
		struct rte_mempool *indirect, char *err, size_t errlen)
{
	const struct ovl_frame_layout *lay = &s->classes[c].lay;
	uint32_t f, first = c * s->n_flows * s->n_frames;
	uint32_t k;

	for (k = first; k < first + s->n_flows * s->n_frames; k++) {
		s->frames[k] = calloc(1, lay->frame_size);
		if (s->frames[k] == NULL)
			goto nomem;
	}
	for (f = 0; f < s->n_flows; f++) {
		struct ovl_frame_spec spec = *class_spec;
		uint8_t **frames = &s->frames[first + f * s->n_frames];
		uint16_t *lens = &s->lens[first + f * s->n_frames];
		int rc;

		ovl_frame_spec_flow(&spec, f);
		if (s->n_frames == 1) {
			rc = ovl_frame_build(frames[0], lay->frame_size, &spec, lay, probe);
			if (rc > 0)
				lens[0] = (uint16_t)rc;
		} else {
			rc = ovl_frag_build(frames, lens, s->n_frames, lay->frame_size, &spec,
					lay, probe, direct, indirect);
		}
		if (rc < 0) {
			snprintf(err, errlen, "building %s frames failed: %s", s->spec.encap->name,
					strerror(-rc));
			return -1;
		}
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory for frame templates");
	return -1;
}

/*
 * Leaves the inner IPv4 and UDP checksums to the port: zero in the IPv4 header, the
 * pseudo-header sum in UDP (what DPDK's offload expects), and no outer UDP checksum, since
 * the port changes bytes it covers.
 */
static void
prepare_offload(struct stream *s)
{
	uint32_t k;

	for (k = 0; k < n_templates(s); k++) {
		uint8_t *f = s->frames[k];
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + s->layers.inner_l3);

		if (s->tx_ol_flags & RTE_MBUF_F_TX_IP_CKSUM)
			ip->hdr_checksum = 0;
		if (s->spec.inner_proto == IPPROTO_UDP) {
			struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(f + s->layers.l4);

			udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, s->tx_ol_flags);
		}
		if (s->layers.tunnel != 0)
			((struct rte_udp_hdr *)(f + s->layers.tunnel))->dgram_cksum = 0;
	}
}

/*
 * The classes' layouts. A mix's frames all carry the probe form of its smallest class, so that
 * the sender patches every class at the same offsets.
 */
static int
class_layouts(struct stream *s, struct ovl_frame_spec *specs, char *err, size_t errlen)
{
	unsigned int c;

	for (c = 0; c < s->n_classes; c++)
		if (ovl_frame_layout(&specs[c], &s->classes[c].lay, err, errlen) < 0)
			return -EINVAL;
	if (s->n_classes == 1)
		return 0;
	for (c = 0; c < s->n_classes; c++) {
		if (s->classes[c].lay.n_frames > 1) {
			snprintf(err, errlen,
				"a mix is not fragmented: its %u-byte inner packets do not fit the %s tunnel MTU of %u; give a larger --mtu or smaller sizes",
				s->classes[c].lay.inner_len, specs[c].encap->name,
				s->classes[c].lay.tunnel_mtu);
			return -EINVAL;
		}
		if (s->classes[c].lay.probe_form == OVL_PROBE_COMPACT)
			specs[0].probe_form = OVL_PROBE_COMPACT;
	}
	if (specs[0].probe_form != OVL_PROBE_COMPACT)
		return 0;
	for (c = 0; c < s->n_classes; c++) {
		specs[c].probe_form = OVL_PROBE_COMPACT;
		if (ovl_frame_layout(&specs[c], &s->classes[c].lay, err, errlen) < 0)
			return -EINVAL;
	}
	return 0;
}

/*
 * A TCP template's checksum as if its SEQ (the bias: the probe's sequence is 0) were zero, as
 * the sender's patch expects every field it writes to be.
 */
static uint16_t
tcp_seq_zeroed(const uint8_t *seq_field, uint16_t cksum)
{
	static const uint8_t zero[4];

	return ovl_cksum_update(cksum, seq_field, zero, 4);
}

/*
 * TCP streams send from source ports of their own, stream id after stream id (flows each):
 * a kernel's RST names its stream by them alone.
 */
static void
tcp_own_ports(struct ovl_frame_spec *specs, unsigned int n, unsigned int id, uint32_t flows)
{
	unsigned int c;

	for (c = 0; c < n && specs[0].inner_proto == IPPROTO_TCP; c++)
		specs[c].src_port = (uint16_t)(specs[c].src_port + id * flows);
}

static int
stream_init(struct stream *s, uint16_t id, const struct ovl_frame_spec *class_specs,
		const struct app_config *cfg, double link_bps, int latency, unsigned int queue,
		unsigned int queues, struct rte_mempool *direct, struct rte_mempool *indirect,
		char *err, size_t errlen)
{
	struct ovl_probe probe = { .session = cfg->probe.session, .stream = id,
		.flags = cfg->keyed ? OVL_PROBE_FLAG_KEYED : 0 };
	struct ovl_frame_spec specs[OVL_MIX_CLASSES_MAX];
	const struct ovl_frame_spec *spec;
	struct ovl_rx_config rx;
	uint32_t k, c;

	memset(s, 0, sizeof(*s));
	s->id = id;
	s->name = cfg->name;
	s->latency = (uint8_t)latency;
	s->queue = (uint8_t)queue;
	s->n_classes = (uint8_t)config_classes(cfg);
	memcpy(specs, class_specs, s->n_classes * sizeof(specs[0]));
	tcp_own_ports(specs, s->n_classes, id, cfg->flows);
	if (class_layouts(s, specs, err, errlen) < 0)
		return -EINVAL;
	spec = &specs[0];
	s->spec = specs[0];
	s->lay = s->classes[0].lay;
	/* Latency probes carry the reflector's timestamps when there is room. */
	s->n_flows = latency ? 1 : cfg->flows;
	s->n_frames = s->lay.n_frames;
	if (s->n_frames > 1 && (direct == NULL || indirect == NULL)) {
		snprintf(err, errlen, "no mempools to fragment %s frames", spec->encap->name);
		return -EINVAL;
	}
	s->probe_off = s->lay.inner_off + ovl_frame_spec_inner_hdr_len(spec);
	/* In an IPv6 first fragment the Fragment header stands before the transport header. */
	if (s->n_frames > 1 && ovl_frame_spec_probe_ip6(spec))
		s->probe_off += OVL_IPV6_FRAG_HDR_LEN;
	s->inner_ip_off = s->lay.inner_off;
	s->l4_is_udp = spec->inner_proto == IPPROTO_UDP;
	s->l4_cksum_off = s->probe_off - ovl_l4_hdr_len(spec->inner_proto) +
		ovl_l4_cksum_off(spec->inner_proto);
	if (spec->inner_proto == IPPROTO_TCP) {
		s->tcp_seq_off = s->probe_off - OVL_TCP_HDR_LEN + offsetof(struct rte_tcp_hdr, sent_seq);
		s->tcp_ack = (spec->tcp_flags & RTE_TCP_ACK_FLAG) != 0;
	}
	if (cfg->keyed && s->n_frames > 1) {
		snprintf(err, errlen,
			"keyed probes are not fragmented: the reflector checks every frame's tag; give an MTU of at least %u for %s",
			s->lay.inner_len + ovl_frame_spec_overhead(spec), spec->encap->name);
		return -EINVAL;
	}
	s->frames = calloc(n_templates(s), sizeof(*s->frames));
	s->lens = calloc(n_templates(s), sizeof(*s->lens));
	if (s->frames == NULL || s->lens == NULL) {
		snprintf(err, errlen, "out of memory for frame templates");
		return -ENOMEM;
	}
	for (c = 0; c < s->n_classes; c++)
		if (build_templates(s, c, &specs[c], &probe, direct, indirect, err, errlen) < 0)
			return -ENOMEM;
	s->keyed = (uint8_t)cfg->keyed;
	ovl_rx_config_for_spec(&rx, spec);
	/* A fragmented stream's first frame parses as a fragment: its layers place the tunnel. */
	if (ovl_parse(s->frames[0], s->lens[0], &rx, &s->layers) != (s->n_frames > 1)) {
		snprintf(err, errlen, "the %s template does not parse back", spec->encap->name);
		return -EPROTO;
	}
	s->l4_cksum_sw = 1;
	if (cfg->tx_offloads != 0) {
		if (s->n_frames > 1) {
			snprintf(err, errlen,
				"--tx-offload cksum is not used on fragmented streams: the port would checksum each fragment alone");
			return -EINVAL;
		}
		/* Without the port's IPv4 checksum (virtio) the template keeps the one it has. */
		s->tx_ol_flags = RTE_MBUF_F_TX_IPV4 |
			(cfg->tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM ? RTE_MBUF_F_TX_IP_CKSUM : 0) |
			(s->l4_is_udp ? RTE_MBUF_F_TX_UDP_CKSUM : 0);
		s->l4_cksum_sw = !s->l4_is_udp; /* ICMP has no offload; TCP's is not asked for */
		prepare_offload(s);
	}
	s->l4_cksums = calloc(s->n_classes * s->n_flows, sizeof(*s->l4_cksums));
	if (s->l4_cksums == NULL) {
		snprintf(err, errlen, "out of memory for frame templates");
		return -ENOMEM;
	}
	for (k = 0; k < s->n_classes * s->n_flows; k++) {
		memcpy(&s->l4_cksums[k], s->frames[k * s->n_frames] + s->l4_cksum_off, 2);
		if (s->tcp_seq_off != 0)
			s->l4_cksums[k] = tcp_seq_zeroed(s->frames[k * s->n_frames] + s->tcp_seq_off,
					s->l4_cksums[k]);
	}
	for (c = 0; c < s->n_classes; c++) {
		struct stream_class *sc = &s->classes[c];
		uint32_t first = c * s->n_flows * s->n_frames;

		for (k = 0; k < s->n_frames; k++)
			sc->wire_bytes += s->lens[first + k] + OVL_FCS_LEN;
		sc->payload_bytes = sc->lay.payload_len;
		sc->weight = cfg->mix.n > 0 ? cfg->mix.weight[c] : 1;
		sc->tcp_bias = ovl_tcp_seq_bias(spec->tcp_flags, sc->lay.payload_len);
	}
	s->wire_bytes = s->classes[0].wire_bytes;
	s->payload_bytes = s->classes[0].payload_bytes;
	if (stream_schedule_build(s, &cfg->mix, cfg->mix_seed) < 0) {
		snprintf(err, errlen, "out of memory for the mix's schedule");
		return -ENOMEM;
	}
	/* A mix's rate and line rate are of its mean frame. */
	if (latency) {
		s->rate_pps = cfg->latency_rate;
		s->burst = 1;
	} else {
		s->rate_pps = rate_to_pps(&cfg->rate, s->wire_mean / s->n_frames, link_bps) / queues;
		s->burst = cfg->rate.unit == RATE_UNLIMITED ? 32 : 0;
	}
	/* Bursts of one for every paced stream up to 2 Mpps keep departures evenly spread. */
	if (s->burst == 0)
		s->burst = s->rate_pps <= 2000000 ? 1 : (uint32_t)RTE_MIN(32u, s->rate_pps / 2000000 + 1);
	s->line_rate_pps = link_bps > 0 ?
		(uint64_t)(link_bps / ((s->wire_mean + 20.0 * s->n_frames) * 8)) : 0;
	return 0;
}

int
streams_build(const struct app_config *cfgs, unsigned int n_cfgs, double link_bps,
		struct rte_mempool *direct, struct rte_mempool *indirect, unsigned int queues,
		struct stream **out, char *err, size_t errlen)
{
	unsigned int n = 0, i, q, k, id = 0;
	struct stream *streams;

	for (k = 0; k < n_cfgs; k++)
		n += cfgs[k].n_encaps * (queues + (cfgs[k].latency_rate ? 1 : 0));
	streams = calloc(n, sizeof(*streams));
	if (streams == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (q = 0; q < queues; q++)
		for (k = 0; k < n_cfgs; k++)
			for (i = 0; i < cfgs[k].n_encaps; i++) {
				const struct app_config *cfg = &cfgs[k];
				struct ovl_frame_spec spec[OVL_MIX_CLASSES_MAX];
				unsigned int c;

				for (c = 0; c < config_classes(cfg); c++)
					config_spec_for_class(cfg, i, c, &spec[c]);
				if (stream_init(&streams[id], (uint16_t)id, spec, cfg, link_bps, 0, q, queues,
						direct, indirect, err, errlen) < 0)
					goto fail;
				id++;
				if (q == 0 && cfg->latency_rate) {
					if (stream_init(&streams[id], (uint16_t)id, spec, cfg, link_bps, 1, 0,
							queues, direct, indirect, err, errlen) < 0)
						goto fail;
					id++;
				}
			}
	*out = streams;
	return (int)n;
fail:
	streams_free(streams, id + 1);
	return -1;
}

void
streams_free(struct stream *streams, unsigned int n)
{
	unsigned int i, k;

	for (i = 0; streams != NULL && i < n; i++) {
		struct stream *s = &streams[i];

		for (k = 0; s->frames != NULL && k < n_templates(s); k++)
			free(s->frames[k]);
		free(s->frames);
		free(s->lens);
		free(s->l4_cksums);
		free(s->schedule);
		free(s->wire_sum);
		free(s->payload_sum);
		free(s->class_before);
		free(s->rank);
		for (k = 0; k < s->n_classes; k++)
			rte_mempool_free(s->classes[k].kept);
	}
	free(streams);
}

uint16_t
streams_max_frame(const struct stream *streams, unsigned int n)
{
	unsigned int i, k;
	uint16_t max = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < n_templates(&streams[i]); k++)
			max = RTE_MAX(max, streams[i].lens[k]);
	return max;
}

/* A class's pool being filled. */
struct kept_fill {
	const struct stream *s;
	unsigned int class_index;
};

/* Runs once per mbuf when the pool is made: the mbuf's frame and the fields the port reads. */
static void
fill_kept(struct rte_mempool *mp __rte_unused, void *arg, void *obj, unsigned int idx)
{
	const struct kept_fill *fill = arg;
	const struct stream *s = fill->s;
	struct rte_mbuf *m = obj;
	uint32_t f = fill->class_index * s->n_flows + idx % s->n_flows;

	memcpy(rte_pktmbuf_mtod(m, uint8_t *), s->frames[f], s->lens[f]);
	m->data_len = s->lens[f];
	m->pkt_len = s->lens[f];
	if (s->tx_ol_flags != 0) {
		m->ol_flags = s->tx_ol_flags;
		m->l2_len = s->lay.inner_off;
		m->l3_len = OVL_IPV4_HDR_LEN;
	}
}

int
streams_keep_frames(struct stream *streams, unsigned int n, uint16_t tx_desc, int socket,
		char *err, size_t errlen)
{
	/* The ring, a burst on its way, and the lcore's cache of free mbufs. */
	uint32_t size = rte_align32pow2((uint32_t)tx_desc + 2 * 256 + 256) - 1;
	unsigned int i, c;

	for (i = 0; i < n; i++) {
		struct stream *s = &streams[i];

		if (s->n_frames > 1)
			continue;
		for (c = 0; c < s->n_classes; c++) {
			struct kept_fill fill = { s, c };
			struct stream_class *sc = &s->classes[c];
			char name[RTE_MEMPOOL_NAMESIZE];

			snprintf(name, sizeof(name), "frames_%u_%u", s->id, c);
			sc->kept = rte_pktmbuf_pool_create(name, size, 256, 0,
					(uint16_t)(RTE_PKTMBUF_HEADROOM + sc->lay.frame_size), socket);
			if (sc->kept == NULL) {
				snprintf(err, errlen, "cannot create the pool of %s frames (%u mbufs): %s (try more -m)",
						s->spec.encap->name, size, rte_strerror(rte_errno));
				return -1;
			}
			rte_mempool_obj_iter(sc->kept, fill_kept, &fill);
		}
		s->kept = s->classes[0].kept;
	}
	return 0;
}
