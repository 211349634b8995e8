/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>
#include <string.h>

#include "drop.h"
#include "probe.h"

uint16_t
ovl_probe_len(enum ovl_probe_form form)
{
	return form == OVL_PROBE_FULL ? OVL_PROBE_FULL_LEN : OVL_PROBE_COMPACT_LEN;
}

void
ovl_probe_write(uint8_t *p, enum ovl_probe_form form, const struct ovl_probe *v)
{
	if (form == OVL_PROBE_FULL) {
		struct ovl_probe_full f = {
			.magic = OVL_PROBE_MAGIC,
			.version_form = OVL_PROBE_VERSION << 4 | OVL_PROBE_FULL,
			.flags = rte_cpu_to_be_16(v->flags),
			.session = rte_cpu_to_be_32(v->session),
			.stream = rte_cpu_to_be_16(v->stream),
			.length = rte_cpu_to_be_16(OVL_PROBE_FULL_LEN),
			.reserved = 0,
			.seq = rte_cpu_to_be_64(v->seq),
			.tx_ts = rte_cpu_to_be_64(v->tx_ts),
			.reflector_rx_ns = rte_cpu_to_be_64(v->reflector_rx_ns),
			.reflector_tx_ns = rte_cpu_to_be_64(v->reflector_tx_ns),
		};
		memcpy(p, &f, sizeof(f));
	} else {
		struct ovl_probe_compact c = {
			.magic = OVL_PROBE_MAGIC,
			.version_form = OVL_PROBE_VERSION << 4 | OVL_PROBE_COMPACT,
			.session_tag = rte_cpu_to_be_16((uint16_t)v->session),
			.stream = rte_cpu_to_be_16(v->stream),
			.seq = rte_cpu_to_be_32((uint32_t)v->seq),
			.tx_ts = rte_cpu_to_be_64(v->tx_ts),
		};
		memcpy(p, &c, sizeof(c));
	}
}

int
ovl_probe_read(const uint8_t *p, uint32_t len, struct ovl_probe *v)
{
	uint8_t version, form;

	if (len < 2 || p[0] != OVL_PROBE_MAGIC)
		return -OVL_DROP_NOT_PROBE;
	version = p[1] >> 4;
	form = p[1] & 0x0F;
	memset(v, 0, sizeof(*v));
	v->form = form;
	if (form == OVL_PROBE_COMPACT && version == OVL_PROBE_VERSION) {
		struct ovl_probe_compact c;

		if (len < OVL_PROBE_COMPACT_LEN)
			return -OVL_DROP_TRUNC_PROBE;
		memcpy(&c, p, sizeof(c));
		v->length = OVL_PROBE_COMPACT_LEN;
		v->session = rte_be_to_cpu_16(c.session_tag);
		v->stream = rte_be_to_cpu_16(c.stream);
		v->seq = rte_be_to_cpu_32(c.seq);
		v->tx_ts = rte_be_to_cpu_64(c.tx_ts);
		return 0;
	}
	/* Later versions of the full form only append fields: version 1's remain readable. */
	if (form == OVL_PROBE_FULL && version >= OVL_PROBE_VERSION) {
		struct ovl_probe_full f;

		if (len < OVL_PROBE_FULL_LEN)
			return -OVL_DROP_TRUNC_PROBE;
		memcpy(&f, p, sizeof(f));
		if (rte_be_to_cpu_16(f.length) < OVL_PROBE_FULL_LEN ||
				rte_be_to_cpu_16(f.length) > len)
			return -OVL_DROP_TRUNC_PROBE;
		v->length = rte_be_to_cpu_16(f.length);
		v->flags = rte_be_to_cpu_16(f.flags);
		v->session = rte_be_to_cpu_32(f.session);
		v->stream = rte_be_to_cpu_16(f.stream);
		v->seq = rte_be_to_cpu_64(f.seq);
		v->tx_ts = rte_be_to_cpu_64(f.tx_ts);
		v->reflector_rx_ns = rte_be_to_cpu_64(f.reflector_rx_ns);
		v->reflector_tx_ns = rte_be_to_cpu_64(f.reflector_tx_ns);
		return 0;
	}
	return -OVL_DROP_PROBE_VERSION;
}

int
ovl_probe_check(const uint8_t *p, uint32_t len)
{
	uint8_t version, form;
	uint16_t length;

	if (len < 2 || p[0] != OVL_PROBE_MAGIC)
		return -OVL_DROP_NOT_PROBE;
	version = p[1] >> 4;
	form = p[1] & 0x0F;
	if (form == OVL_PROBE_COMPACT && version == OVL_PROBE_VERSION)
		return len < OVL_PROBE_COMPACT_LEN ? -OVL_DROP_TRUNC_PROBE : 0;
	if (form == OVL_PROBE_FULL && version >= OVL_PROBE_VERSION) {
		if (len < OVL_PROBE_FULL_LEN)
			return -OVL_DROP_TRUNC_PROBE;
		length = (uint16_t)(p[offsetof(struct ovl_probe_full, length)] << 8 |
				p[offsetof(struct ovl_probe_full, length) + 1]);
		return length < OVL_PROBE_FULL_LEN || length > len ? -OVL_DROP_TRUNC_PROBE : 0;
	}
	return -OVL_DROP_PROBE_VERSION;
}
