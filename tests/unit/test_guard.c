/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reflector's guards, each on its own: prefixes it answers, its rate cap, keyed probe tags
 * (and key files), the replay window, and its own addresses (a set of one IP version).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cmocka.h>
#include <rte_ip.h>

#include "allowlist.h"
#include "frame.h"
#include "own_addrs.h"
#include "probe_auth.h"
#include "ratecap.h"
#include "replay.h"
#include "source_rules.h"

static rte_be32_t
ip(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	return rte_cpu_to_be_32(a << 24 | b << 16 | c << 8 | d);
}

static void
test_allowlist(void **state)
{
	struct ovl_allowlist a = { 0 };
	char err[256];

	(void)state;
	assert_true(ovl_allowlist_match(&a, ip(203, 0, 113, 9))); /* empty: everything */
	assert_int_equal(ovl_allowlist_add(&a, "192.0.2.0/24", err, sizeof(err)), 0);
	assert_int_equal(ovl_allowlist_add(&a, "198.51.100.7", err, sizeof(err)), 0);
	assert_true(ovl_allowlist_match(&a, ip(192, 0, 2, 200)));
	assert_false(ovl_allowlist_match(&a, ip(192, 0, 3, 1)));
	assert_true(ovl_allowlist_match(&a, ip(198, 51, 100, 7)));
	assert_false(ovl_allowlist_match(&a, ip(198, 51, 100, 8)));
	assert_int_equal(ovl_allowlist_add(&a, "0.0.0.0/0", err, sizeof(err)), 0);
	assert_true(ovl_allowlist_match(&a, ip(8, 8, 8, 8)));
	assert_int_equal(ovl_allowlist_add(&a, "192.0.2.0/33", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "0..32"));
	assert_int_equal(ovl_allowlist_add(&a, "192.0.2/24", err, sizeof(err)), -1);
	assert_int_equal(ovl_allowlist_add(&a, "/8", err, sizeof(err)), -1);
	assert_int_equal(ovl_allowlist_add(&a, "1.2.3.4/", err, sizeof(err)), -1);
	assert_int_equal(ovl_allowlist_add(&a, "1.2.3.4/-1", err, sizeof(err)), -1);
}

static void
test_ratecap(void **state)
{
	struct ovl_ratecap c;
	uint64_t hz = 2000000000ull, now = 5, passed = 0, i;

	(void)state;
	/* 20 kpps offered for one second against a 1000 pps cap. */
	ovl_ratecap_init(&c, 1000, hz, now);
	for (i = 0; i < 20000; i++) {
		now += hz / 20000;
		passed += ovl_ratecap_take(&c, now);
	}
	assert_true(passed >= 1000 && passed <= 1002);
	/* Idle for an hour: full again, but no more than the depth at once, and no overflow. */
	now += 3600 * hz;
	for (i = 0, passed = 0; i < 100; i++)
		passed += ovl_ratecap_take(&c, now);
	assert_int_equal(passed, 2);
	ovl_ratecap_init(&c, 0, hz, now);
	assert_int_equal(ovl_ratecap_take(&c, now), 1); /* no cap */
}

static void
test_replay(void **state)
{
	static struct ovl_replay r;
	uint64_t s;

	(void)state;
	ovl_replay_init(&r);
	assert_int_equal(ovl_replay_check(&r, 7, 1, 100), 0);
	assert_int_equal(ovl_replay_check(&r, 7, 1, 100), -1);   /* replay */
	assert_int_equal(ovl_replay_check(&r, 7, 1, 99), 0);     /* late but new */
	assert_int_equal(ovl_replay_check(&r, 7, 1, 99), -1);
	assert_int_equal(ovl_replay_check(&r, 7, 2, 100), 0);    /* another stream */
	assert_int_equal(ovl_replay_check(&r, 8, 1, 100), 0);    /* another session */
	for (s = 101; s < 5000; s++)
		assert_int_equal(ovl_replay_check(&r, 7, 1, s), 0);
	assert_int_equal(ovl_replay_check(&r, 7, 1, 4999 - 1023), -1); /* inside, seen */
	assert_int_equal(ovl_replay_check(&r, 7, 1, 4999 - 1024), -1); /* older than the window */
	assert_int_equal(ovl_replay_check(&r, 7, 1, 1000000), 0);      /* a long jump */
	assert_int_equal(ovl_replay_check(&r, 7, 1, 999999), 0);       /* cleared: new */
	assert_int_equal(ovl_replay_check(&r, 7, 1, 4999), -1);        /* far behind */
}

/* Against an exact reference: new when above the highest, or within the window and unseen. */
static void
test_replay_random(void **state)
{
	static struct ovl_replay r;
	static uint8_t seen[1 << 20];
	uint64_t highest = 0, seq, x = 88172645463325252ull;
	int i, started = 0;

	(void)state;
	ovl_replay_init(&r);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 300000; i++) {
		int want;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (!started || x % 4 != 0)
			seq = highest + x % 70;                     /* mostly forward */
		else
			seq = highest > 1500 ? highest - (x >> 8) % 1500 : highest; /* some back */
		if (seq >= sizeof(seen))
			break;
		want = !started || seq > highest || (highest - seq < OVL_REPLAY_WINDOW && !seen[seq]) ? 0 : -1;
		assert_int_equal(ovl_replay_check(&r, 1, 1, seq), want);
		if (want == 0) {
			seen[seq] = 1;
			if (!started || seq > highest)
				highest = seq;
			started = 1;
		}
	}
}

static void
build_ip(const char *encap, int ip6, uint8_t *buf, int *len, struct ovl_layers *l,
		const struct ovl_key *key)
{
	struct ovl_frame_spec spec;
	struct ovl_frame_layout lay;
	struct ovl_rx_config rx;
	struct ovl_probe probe = { .session = 99, .stream = 2, .seq = 12345, .tx_ts = 777,
		.flags = OVL_PROBE_FLAG_KEYED };
	char err[256];

	ovl_frame_spec_defaults(&spec, ovl_encap_find(encap));
	spec.ip6 = (uint8_t)ip6;
	spec.src_ip6[0] = spec.dst_ip6[0] = 0x20;
	spec.src_ip6[15] = 1;
	spec.dst_ip6[15] = 2;
	spec.size_kind = OVL_SIZE_INNER;
	spec.size = 200;
	assert_int_equal(ovl_frame_layout(&spec, &lay, err, sizeof(err)), 0);
	*len = ovl_frame_build(buf, 512, &spec, &lay, &probe);
	ovl_rx_config_defaults(&rx);
	assert_int_equal(ovl_parse(buf, (uint32_t)*len, &rx, l), 0);
	ovl_probe_tag(key, buf, l, buf + l->probe + offsetof(struct ovl_probe_full, tag));
}

static void
build(const char *encap, uint8_t *buf, int *len, struct ovl_layers *l, const struct ovl_key *key)
{
	build_ip(encap, 0, buf, len, l, key);
}

/* Over IPv6 the tag covers all 16 bytes of both outer addresses. */
static void
test_probe_tag_ipv6(void **state)
{
	struct ovl_key k = { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
	unsigned int e, b;

	(void)state;
	for (e = 0; ovl_encaps[e] != NULL; e++) {
		uint8_t buf[512], copy[512];
		struct ovl_layers l;
		int len;

		if (ovl_encaps[e]->ipv4_only)
			continue;
		build_ip(ovl_encaps[e]->name, 1, buf, &len, &l, &k);
		assert_true(l.ip6);
		assert_int_equal(ovl_probe_tag_check(&k, buf, &l), 0);
		for (b = 0; b < 32; b++) {
			memcpy(copy, buf, (size_t)len);
			copy[l.l3 + offsetof(struct rte_ipv6_hdr, src_addr) + b] ^= 0x10;
			if (ovl_probe_tag_check(&k, copy, &l) != -1)
				print_error("%s over IPv6: address byte %u not covered\n",
						ovl_encaps[e]->name, b);
			assert_int_equal(ovl_probe_tag_check(&k, copy, &l), -1);
		}
	}
}

static void
test_probe_tag(void **state)
{
	struct ovl_key k1 = { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } }, k2 = k1;
	unsigned int e;

	(void)state;
	k2.bytes[15] ^= 1;
	for (e = 0; ovl_encaps[e] != NULL; e++) {
		uint8_t buf[512], copy[512];
		struct ovl_layers l;
		struct rte_ipv4_hdr *outer, *inner;
		int len;

		build(ovl_encaps[e]->name, buf, &len, &l, &k1);
		assert_int_equal(ovl_probe_tag_check(&k1, buf, &l), 0);
		assert_int_equal(ovl_probe_tag_check(&k2, buf, &l), -1);
		/* The reflector's own fields are not covered: stamping keeps the tag. */
		memcpy(copy, buf, (size_t)len);
		copy[l.probe + offsetof(struct ovl_probe_full, reflector_rx_ns)] = 0x55;
		copy[l.probe + offsetof(struct ovl_probe_full, flags) + 1] |= 1;
		assert_int_equal(ovl_probe_tag_check(&k1, copy, &l), 0);
		/* Re-addressed to a victim, or any identifying field changed: the tag fails. */
		memcpy(copy, buf, (size_t)len);
		outer = (struct rte_ipv4_hdr *)(copy + l.l3);
		outer->src_addr ^= rte_cpu_to_be_32(1);
		assert_int_equal(ovl_probe_tag_check(&k1, copy, &l), -1);
		memcpy(copy, buf, (size_t)len);
		inner = (struct rte_ipv4_hdr *)(copy + l.inner_l3);
		inner->dst_addr ^= rte_cpu_to_be_32(0x100);
		assert_int_equal(ovl_probe_tag_check(&k1, copy, &l), -1);
		memcpy(copy, buf, (size_t)len);
		copy[l.probe + offsetof(struct ovl_probe_full, seq) + 7] ^= 1;
		assert_int_equal(ovl_probe_tag_check(&k1, copy, &l), -1);
		memcpy(copy, buf, (size_t)len);
		copy[l.l4 + 1] ^= 1; /* the inner source port */
		assert_int_equal(ovl_probe_tag_check(&k1, copy, &l), -1);
	}
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_key_files(void **state)
{
	char path[] = "/tmp/ovl-key-XXXXXX", err[256];
	struct ovl_key k;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "000102030405060708090a0b0c0d0e0f\n");
	assert_int_equal(ovl_key_load(path, &k, err, sizeof(err)), 0);
	assert_int_equal(k.bytes[0], 0);
	assert_int_equal(k.bytes[15], 0x0f);
	write_file(path, "000102030405060708090a0b0c0d0e0");
	assert_int_equal(ovl_key_load(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "32 hexadecimal digits"));
	write_file(path, "000102030405060708090a0b0c0d0e0g");
	assert_int_equal(ovl_key_load(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	unlink(path);
	assert_int_equal(ovl_key_load(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

/* An IPv6 address from its text. */
static void
a6(const char *text, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

static void
test_ipv6_sources(void **state)
{
	static const struct {
		const char *src, *own;
		int bad;
	} cases[] = {
		{ "2001:db8::1", "2001:db8::2", 0 },
		{ "2001:db8:ffff::1", "2001:db8::2", 0 },
		{ "::", "2001:db8::2", 1 },               /* unspecified */
		{ "::1", "2001:db8::2", 1 },              /* loopback */
		{ "::2", "2001:db8::2", 0 },              /* (deprecated IPv4-compatible, not a rule) */
		{ "ff02::1", "2001:db8::2", 1 },          /* multicast */
		{ "ff0e::1:2", "2001:db8::2", 1 },
		{ "2001:db8::2", "2001:db8::2", 1 },      /* our own */
		{ "::ffff:192.0.2.1", "2001:db8::2", 1 }, /* IPv4-mapped */
		{ "fe80::1", "2001:db8::2", 1 },          /* link-local to a global address */
		{ "febf::1", "2001:db8::2", 1 },
		{ "fec0::1", "2001:db8::2", 0 },          /* past fe80::/10 */
		{ "fe80::1", "fe80::2", 0 },              /* link-local to link-local */
		{ "fe80::2", "fe80::2", 1 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		uint8_t src[16], own[16];

		a6(cases[i].src, src);
		a6(cases[i].own, own);
		if (ovl_ipv6_bad_source(src, own) != cases[i].bad)
			print_error("%s to %s: want %s\n", cases[i].src, cases[i].own,
					cases[i].bad ? "refused" : "answered");
		assert_int_equal(ovl_ipv6_bad_source(src, own), cases[i].bad);
	}
}

static void
test_own_addrs(void **state)
{
	static const struct rte_ether_addr mac = { { 2, 0, 0, 0, 0, 1 } };
	struct ovl_own_addrs s = { 0 };
	uint8_t v6[16];
	unsigned int i;

	(void)state;
	assert_int_equal(ovl_own_addrs_add(&s, 0, ip(10, 1, 0, 2), NULL, &mac), 0);
	assert_int_equal(ovl_own_addrs_add(&s, 0, ip(10, 2, 0, 2), NULL, &mac), 0);
	assert_int_equal(ovl_own_addrs_add(&s, 0, ip(10, 1, 0, 2), NULL, &mac), 0); /* once */
	assert_int_equal(s.n, 2);
	/* Every slot past n repeats the first: the check over all of them finds no other. */
	assert_true(ovl_own_addrs_has4(&s, ip(10, 1, 0, 2)));
	assert_true(ovl_own_addrs_has4(&s, ip(10, 2, 0, 2)));
	assert_false(ovl_own_addrs_has4(&s, ip(10, 3, 0, 2)));
	assert_false(ovl_own_addrs_has4(&s, 0));
	assert_int_equal(ovl_own_addrs_find(&s, ip(10, 2, 0, 2), NULL), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::2", v6), 1);
	assert_int_equal(ovl_own_addrs_add(&s, 1, 0, v6, &mac), -1); /* another version */
	for (i = 2; i < OVL_OWN_ADDRS_MAX; i++)
		assert_int_equal(ovl_own_addrs_add(&s, 0, ip(10, 9, 0, (uint8_t)i), NULL, &mac), 0);
	assert_int_equal(ovl_own_addrs_add(&s, 0, ip(10, 9, 1, 1), NULL, &mac), -1); /* full */
	assert_true(ovl_own_addrs_has4(&s, ip(10, 9, 0, OVL_OWN_ADDRS_MAX - 1)));

	memset(&s, 0, sizeof(s));
	assert_int_equal(ovl_own_addrs_add(&s, 1, 0, v6, &mac), 0);
	assert_int_equal(ovl_own_addrs_find(&s, 0, v6), 0);
	assert_int_equal(ovl_own_addrs_find(&s, 0, NULL), -1); /* no IPv4 address in it */
	assert_false(ovl_own_addrs_has4(&s, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowlist),
		cmocka_unit_test(test_ratecap),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_replay_random),
		cmocka_unit_test(test_probe_tag),
		cmocka_unit_test(test_probe_tag_ipv6),
		cmocka_unit_test(test_key_files),
		cmocka_unit_test(test_ipv6_sources),
		cmocka_unit_test(test_own_addrs),
	};

	return cmocka_run_group_tests_name("guard", tests, NULL, NULL);
}
