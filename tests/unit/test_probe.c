/* SPDX-License-Identifier: BSD-3-Clause */
/* The probe's byte layout (docs/wire-format.md) and the receiver's sequence extension. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drop.h"
#include "probe.h"

static void
test_layout_offsets(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct ovl_probe_compact, session_tag), 2);
	assert_int_equal(offsetof(struct ovl_probe_compact, stream), 4);
	assert_int_equal(offsetof(struct ovl_probe_compact, seq), 6);
	assert_int_equal(offsetof(struct ovl_probe_compact, tx_ts), 10);
	assert_int_equal(offsetof(struct ovl_probe_full, flags), 2);
	assert_int_equal(offsetof(struct ovl_probe_full, session), 4);
	assert_int_equal(offsetof(struct ovl_probe_full, stream), 8);
	assert_int_equal(offsetof(struct ovl_probe_full, length), 10);
	assert_int_equal(offsetof(struct ovl_probe_full, seq), 16);
	assert_int_equal(offsetof(struct ovl_probe_full, tx_ts), 24);
	assert_int_equal(offsetof(struct ovl_probe_full, reflector_rx_ns), 32);
	assert_int_equal(offsetof(struct ovl_probe_full, reflector_tx_ns), 40);
	assert_int_equal(offsetof(struct ovl_probe_full, tag), 48);
}

static void
test_compact_bytes(void **state)
{
	static const uint8_t want[18] = { 0xA9, 0x11, 0x03, 0x04, 0x00, 0x01, 0x05, 0x06, 0x07,
		0x08, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 };
	struct ovl_probe v = { .session = 0x01020304, .stream = 1, .seq = 0x0102030405060708ull,
		.tx_ts = 0x1112131415161718ull }, got;
	uint8_t buf[18];

	(void)state;
	ovl_probe_write(buf, OVL_PROBE_COMPACT, &v);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(ovl_probe_read(buf, sizeof(buf), &got), 0);
	assert_int_equal(got.form, OVL_PROBE_COMPACT);
	assert_int_equal(got.length, 18);
	assert_int_equal(got.session, 0x0304);
	assert_int_equal(got.seq, 0x05060708);
	assert_int_equal(got.tx_ts, v.tx_ts);
	assert_int_equal(ovl_probe_read(buf, 17, &got), -OVL_DROP_TRUNC_PROBE);
}

static void
test_full_round_trip(void **state)
{
	struct ovl_probe v = { .flags = OVL_PROBE_FLAG_REFLECTOR_TS, .session = 0xCAFEF00D,
		.stream = 65535, .seq = UINT64_MAX - 1, .tx_ts = 42, .reflector_rx_ns = 1000,
		.reflector_tx_ns = 2500 }, got;
	uint8_t buf[80];

	(void)state;
	memset(buf, 0xEE, sizeof(buf));
	ovl_probe_write(buf, OVL_PROBE_FULL, &v);
	assert_int_equal(buf[0], 0xA9);
	assert_int_equal(buf[1], 0x12);
	assert_int_equal(buf[10], 0);
	assert_int_equal(buf[11], 64);
	assert_int_equal(buf[64], 0xEE); /* writes exactly 64 bytes */
	assert_int_equal(ovl_probe_read(buf, 64, &got), 0);
	assert_int_equal(got.flags, v.flags);
	assert_int_equal(got.session, v.session);
	assert_int_equal(got.stream, v.stream);
	assert_int_equal(got.seq, v.seq);
	assert_int_equal(got.reflector_rx_ns, 1000);
	assert_int_equal(got.reflector_tx_ns, 2500);
	assert_int_equal(ovl_probe_read(buf, 63, &got), -OVL_DROP_TRUNC_PROBE);

	/* A later version that appends fields stays readable by this one. */
	buf[1] = 0x22;
	buf[11] = 72;
	assert_int_equal(ovl_probe_read(buf, 80, &got), 0);
	assert_int_equal(got.length, 72);
	assert_int_equal(ovl_probe_read(buf, 70, &got), -OVL_DROP_TRUNC_PROBE);
}

static void
test_not_probes(void **state)
{
	uint8_t buf[64] = { 0xA9, 0x31 };
	struct ovl_probe got;

	(void)state;
	assert_int_equal(ovl_probe_read(buf, 64, &got), -OVL_DROP_PROBE_VERSION); /* v3 compact */
	buf[1] = 0x13;
	assert_int_equal(ovl_probe_read(buf, 64, &got), -OVL_DROP_PROBE_VERSION); /* form 3 */
	buf[1] = 0x02;
	assert_int_equal(ovl_probe_read(buf, 64, &got), -OVL_DROP_PROBE_VERSION); /* v0 */
	buf[0] = 0xA8;
	assert_int_equal(ovl_probe_read(buf, 64, &got), -OVL_DROP_NOT_PROBE);
	assert_int_equal(ovl_probe_read(buf, 1, &got), -OVL_DROP_NOT_PROBE);
	assert_int_equal(ovl_probe_read(buf, 0, &got), -OVL_DROP_NOT_PROBE);
}

static void
test_seq_extend(void **state)
{
	(void)state;
	assert_int_equal(ovl_probe_seq_extend(0, 0), 0);
	assert_int_equal(ovl_probe_seq_extend(0, 5), 5);
	assert_int_equal(ovl_probe_seq_extend(10, 7), 7);              /* late, same epoch */
	assert_int_equal(ovl_probe_seq_extend(0xFFFFFFF0ull, 0x10), 0x100000010ull); /* wrapped */
	assert_int_equal(ovl_probe_seq_extend(0x100000010ull, 0xFFFFFFF0u), 0xFFFFFFF0ull); /* late across the wrap */
	assert_int_equal(ovl_probe_seq_extend(0x500000000ull, 3), 0x500000003ull);
	assert_int_equal(ovl_probe_seq_extend(5, 0xFFFFFFF0u), 0xFFFFFFF0ull); /* nothing before epoch 0 */
}

/* The sender's extension: by what it sent, exact across wraps and outages of any length. */
static void
test_seq_sent(void **state)
{
	uint64_t outage = 3000000000ull; /* > 2^31 probes with no reply */

	(void)state;
	assert_int_equal(ovl_probe_seq_sent(1, 0), 0);
	assert_int_equal(ovl_probe_seq_sent(100, 99), 99);
	assert_int_equal(ovl_probe_seq_sent(100, 7), 7);
	/* At the wrap: the last before it and the first after it. */
	assert_int_equal(ovl_probe_seq_sent(0x100000001ull, 0xFFFFFFFFu), 0xFFFFFFFFull);
	assert_int_equal(ovl_probe_seq_sent(0x100000001ull, 0), 0x100000000ull);
	assert_int_equal(ovl_probe_seq_sent(0x100000000ull, 0xFFFFFFFFu), 0xFFFFFFFFull);
	/* Late by 2^32 - 1: still exact. */
	assert_int_equal(ovl_probe_seq_sent(0x300000000ull, 1), 0x200000001ull);
	/* After an outage of 3e9 probes, the first reply: the extension by the highest reply
	 * seen (5e9) goes wrong, by what was sent it is exact. */
	assert_int_not_equal(ovl_probe_seq_extend(5000000000ull, (uint32_t)(5000000000ull + outage)),
			5000000000ull + outage);
	assert_int_equal(ovl_probe_seq_sent(5000000000ull + outage + 1,
			(uint32_t)(5000000000ull + outage)), 5000000000ull + outage);
	/* A day at 100 Mpps: 8.64e12 probes, 2011 wraps. */
	assert_int_equal(ovl_probe_seq_sent(8640000000000ull, (uint32_t)8639999999999ull), 8639999999999ull);
}

/* The parsers' quick check answers as the full read does, on every length and header byte. */
static void
test_check_agrees_with_read(void **state)
{
	struct ovl_probe v = { .session = 1, .stream = 2, .seq = 3, .tx_ts = 4 }, got;
	uint8_t buf[80];
	unsigned int form, len, b1;

	(void)state;
	for (form = OVL_PROBE_COMPACT; form <= OVL_PROBE_FULL; form++) {
		memset(buf, 0, sizeof(buf));
		ovl_probe_write(buf, (enum ovl_probe_form)form, &v);
		for (b1 = 0; b1 < 256; b1 += 1) {
			buf[1] = (uint8_t)b1;
			for (len = 0; len <= sizeof(buf); len++)
				assert_int_equal(ovl_probe_check(buf, len), ovl_probe_read(buf, len, &got));
		}
		buf[1] = (uint8_t)(OVL_PROBE_VERSION << 4 | form);
		buf[11] = 10; /* a full probe's length field below 64 */
		assert_int_equal(ovl_probe_check(buf, 80), ovl_probe_read(buf, 80, &got));
		buf[0] = 0;
		assert_int_equal(ovl_probe_check(buf, 80), -OVL_DROP_NOT_PROBE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_offsets),
		cmocka_unit_test(test_compact_bytes),
		cmocka_unit_test(test_full_round_trip),
		cmocka_unit_test(test_not_probes),
		cmocka_unit_test(test_seq_extend),
		cmocka_unit_test(test_seq_sent),
		cmocka_unit_test(test_check_agrees_with_read),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
