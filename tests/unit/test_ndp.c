/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour discovery (lib/wire/ndp.c): the solicitation ovlperf sends and the advertisement it
 * answers with, checked field by field against RFC 4861 4.3, 4.4 and 7.2.4, their ICMPv6
 * checksums recomputed here over the pseudo-header (RFC 8200 8.1) independently of DPDK's; and
 * a table of solicitations section 7.1 refuses, none of them answered, each by its reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "drop.h"
#include "ndp.h"

#define ETH 14
#define ICMP 40

static const uint8_t own[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t peer[16] = { 0x20, 0x01, 0x0d, 0xb8, [13] = 0xab, [14] = 0xcd, [15] = 0x02 };
static const struct rte_ether_addr our_mac = { { 0x02, 0, 0, 0, 0, 0x01 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0, 0, 0, 0, 0x02 } };

/* The one's complement sum of the pseudo-header and the ICMPv6 message: 0xFFFF when valid. */
static uint16_t
icmp6_sum(const uint8_t *ip)
{
	uint32_t len = (uint32_t)ip[4] << 8 | ip[5], sum = 0, i;

	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	sum += len + 58;
	for (i = 0; i < len; i += 2)
		sum += (uint32_t)ip[ICMP + i] << 8 | (i + 1 < len ? ip[ICMP + i + 1] : 0);
	while (sum > 0xFFFF)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)sum;
}

static void
recksum(uint8_t *ip)
{
	uint16_t c;

	ip[ICMP + 2] = ip[ICMP + 3] = 0;
	c = (uint16_t)~icmp6_sum(ip);
	ip[ICMP + 2] = (uint8_t)(c >> 8);
	ip[ICMP + 3] = (uint8_t)c;
}

/* A solicitation from the peer for target, as ovlperf (and Linux) send one. */
static uint16_t
solicit(uint8_t *f, const uint8_t target[16])
{
	memset(f, 0, 128);
	return ovl_ndp_solicit(f, &peer_mac, peer, target, 0);
}

/* Read, then answered for own: the new length, 0 when not answered; *rc the read's verdict. */
static uint16_t
answer(uint8_t *f, uint32_t len, int *rc)
{
	struct ovl_ndp nd;

	*rc = ovl_ndp_read(f, len, &nd);
	return *rc == 0 ? ovl_ndp_answer(f, &nd, own, &our_mac) : 0;
}

static void
check_lla_option(const uint8_t *opt, uint8_t type, const struct rte_ether_addr *mac,
		const char *what)
{
	CHECK(opt[0] == type && opt[1] == 1 && memcmp(opt + 2, mac, 6) == 0,
			"%s: LLA option type %u, length 1, the MAC", what, type);
}

static void
test_solicit(void **state)
{
	uint8_t f[128], *ip = f + ETH;
	static const uint8_t group[16] = { 0xFF, 0x02, [11] = 0x01, [12] = 0xFF, 0xab, 0xcd, 0x02 };
	static const uint8_t group_mac[6] = { 0x33, 0x33, 0xFF, 0xab, 0xcd, 0x02 };
	struct rte_ether_addr mac;
	struct ovl_ndp nd;
	int tag;

	(void)state;
	mac = ovl_ndp_solicited_mac(peer);
	CHECK(memcmp(&mac, group_mac, 6) == 0, "the group's MAC is 33:33:ff:ab:cd:02");
	for (tag = 0; tag < 2; tag++) {
		uint16_t len, l3 = tag ? ETH + 4 : ETH;

		memset(f, 0, sizeof(f));
		len = ovl_ndp_solicit(f, &our_mac, own, peer, tag ? 100 : 0);
		ip = f + l3;
		CHECK(len == l3 + 40 + 32, "tag %d: length %u", tag, len);
		CHECK(memcmp(f, group_mac, 6) == 0 && memcmp(f + 6, &our_mac, 6) == 0,
				"tag %d: to 33:33:ff:ab:cd:02 from our MAC", tag);
		CHECK(tag ? (f[12] == 0x81 && f[13] == 0x00 && f[16] == 0x86 && f[17] == 0xdd)
				: (f[12] == 0x86 && f[13] == 0xdd), "tag %d: EtherType IPv6", tag);
		CHECK(ip[0] == 0x60 && ip[4] == 0 && ip[5] == 32 && ip[6] == 58 && ip[7] == 255,
				"tag %d: IPv6, payload 32, ICMPv6, hop limit 255", tag);
		CHECK(memcmp(ip + 8, own, 16) == 0 && memcmp(ip + 24, group, 16) == 0,
				"tag %d: from our address to the target's solicited-node group", tag);
		CHECK(ip[ICMP] == 135 && ip[ICMP + 1] == 0 && ip[ICMP + 4] == 0 && ip[ICMP + 5] == 0 &&
				ip[ICMP + 6] == 0 && ip[ICMP + 7] == 0 && memcmp(ip + ICMP + 8, peer, 16) == 0,
				"tag %d: type 135, code 0, reserved 0, target", tag);
		check_lla_option(ip + ICMP + 24, 1, &our_mac, "solicitation");
		CHECK(icmp6_sum(ip) == 0xFFFF, "tag %d: ICMPv6 checksum %02x%02x", tag, ip[ICMP + 2],
				ip[ICMP + 3]);
		CHECK(ovl_ndp_read(f, len, &nd) == 0 && nd.type == OVL_NDP_SOLICIT && nd.has_lla &&
				rte_is_same_ether_addr(&nd.lla, &our_mac) && memcmp(nd.target, peer, 16) == 0 &&
				nd.l3 == l3, "tag %d: read back", tag);
	}
}

static void
test_answer(void **state)
{
	uint8_t f[128], *ip = f + ETH;
	struct ovl_ndp nd;
	int rc;
	uint16_t len;

	(void)state;
	len = answer(f, solicit(f, own), &rc);
	CHECK(rc == 0 && len == ETH + 72, "answered: read %d, length %u", rc, len);
	CHECK(memcmp(f, &peer_mac, 6) == 0 && memcmp(f + 6, &our_mac, 6) == 0 &&
			f[12] == 0x86 && f[13] == 0xdd, "to the asker's MAC from ours");
	CHECK(ip[0] == 0x60 && ip[5] == 32 && ip[6] == 58 && ip[7] == 255 &&
			memcmp(ip + 8, own, 16) == 0 && memcmp(ip + 24, peer, 16) == 0,
			"IPv6 from our address to the asker's, hop limit 255");
	CHECK(ip[ICMP] == 136 && ip[ICMP + 1] == 0 && ip[ICMP + 4] == 0x60 && ip[ICMP + 5] == 0 &&
			memcmp(ip + ICMP + 8, own, 16) == 0, "type 136, code 0, flags S and O (not R), target");
	check_lla_option(ip + ICMP + 24, 2, &our_mac, "advertisement");
	CHECK(icmp6_sum(ip) == 0xFFFF, "ICMPv6 checksum %02x%02x", ip[ICMP + 2], ip[ICMP + 3]);
	CHECK(ovl_ndp_read(f, len, &nd) == 0 && nd.type == OVL_NDP_ADVERT &&
			nd.flags == (OVL_NDP_FLAG_SOLICITED | OVL_NDP_FLAG_OVERRIDE) && nd.has_lla &&
			rte_is_same_ether_addr(&nd.lla, &our_mac), "read back as an advertisement");
	CHECK(ovl_ndp_answer(f, &nd, own, &our_mac) == 0, "an advertisement is not answered");

	/* Without the option: to the frame's source MAC. */
	solicit(f, own);
	ip[5] = 24;
	recksum(ip);
	len = answer(f, ETH + 40 + 24, &rc);
	CHECK(rc == 0 && len == ETH + 72 && memcmp(f, &peer_mac, 6) == 0 && icmp6_sum(ip) == 0xFFFF,
			"no source LLA option: answered to the frame's source, read %d", rc);
}

/* Duplicate address detection: answered to all nodes, not solicited (ndp.c says why). */
static void
test_answer_dad(void **state)
{
	static const uint8_t all_nodes[16] = { 0xFF, 0x02, [15] = 1 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t f[128], *ip = f + ETH;
	int rc;
	uint16_t len;

	(void)state;
	solicit(f, own);
	memset(ip + 8, 0, 16);
	ip[5] = 24;
	recksum(ip);
	len = answer(f, ETH + 40 + 24, &rc);
	CHECK(rc == 0 && len == ETH + 72, "DAD answered: read %d", rc);
	CHECK(memcmp(f, all_nodes_mac, 6) == 0 && memcmp(ip + 24, all_nodes, 16) == 0 &&
			memcmp(ip + 8, own, 16) == 0, "to ff02::1 at 33:33:00:00:00:01, from our address");
	CHECK(ip[ICMP] == 136 && ip[ICMP + 4] == 0x20 && icmp6_sum(ip) == 0xFFFF,
			"S clear, O set, checksum");
}

/* What each case does to a valid solicitation for our address (ip: its IPv6 header). */
enum damage { HOP_254, BAD_CKSUM, MCAST_TARGET, MCAST_SOURCE, NOT_OURS, CODE_1, OPT_LEN_0,
	OPT_PAST_END, OPT_CUT, MSG_SHORT, FRAME_CUT, DAD_WITH_LLA, DAD_NOT_GROUP };

static const struct {
	enum damage what;
	const char *name;
	int rc;   /* ovl_ndp_read's verdict */
} bad[] = {
	{ HOP_254, "hop limit 254 (from off-link)", -OVL_DROP_NDP_OFF_LINK },
	{ BAD_CKSUM, "checksum wrong", -OVL_DROP_NDP_INVALID },
	{ MCAST_TARGET, "target ff02::1", -OVL_DROP_NDP_INVALID },
	{ MCAST_SOURCE, "source ff02::1", -OVL_DROP_NDP_INVALID },
	{ NOT_OURS, "target not our address", 0 },
	{ CODE_1, "ICMP code 1", -OVL_DROP_NDP_INVALID },
	{ OPT_LEN_0, "option of length 0", -OVL_DROP_NDP_INVALID },
	{ OPT_PAST_END, "option longer than the message", -OVL_DROP_NDP_INVALID },
	{ OPT_CUT, "option cut short (message of 30 bytes)", -OVL_DROP_NDP_INVALID },
	{ MSG_SHORT, "message of 20 bytes", -OVL_DROP_NDP_INVALID },
	{ FRAME_CUT, "frame shorter than its IPv6 payload", -OVL_DROP_NDP_INVALID },
	{ DAD_WITH_LLA, "source :: with a source LLA option", -OVL_DROP_NDP_INVALID },
	{ DAD_NOT_GROUP, "source :: to a unicast address", -OVL_DROP_NDP_INVALID },
};

static void
test_refused(void **state)
{
	uint8_t f[128], before[128], *ip = f + ETH;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t len = solicit(f, own);
		int rc, fix = 1;

		switch (bad[i].what) {
		case HOP_254: ip[7] = 254; fix = 0; break;
		case BAD_CKSUM: ip[ICMP + 3] ^= 1; fix = 0; break;
		case MCAST_TARGET: ip[ICMP + 8] = 0xFF; ip[ICMP + 9] = 0x02; break;
		case MCAST_SOURCE: ip[8] = 0xFF; ip[9] = 0x02; break;
		case NOT_OURS: ip[ICMP + 8 + 15] = 0x09; break;
		case CODE_1: ip[ICMP + 1] = 1; break;
		case OPT_LEN_0: ip[ICMP + 25] = 0; break;
		case OPT_PAST_END: ip[ICMP + 25] = 2; break;
		case OPT_CUT: ip[5] = 30; len -= 2; break;
		case MSG_SHORT: ip[5] = 20; len -= 12; break;
		case FRAME_CUT: len -= 1; fix = 0; break;
		case DAD_WITH_LLA: memset(ip + 8, 0, 16); break;
		case DAD_NOT_GROUP: memset(ip + 8, 0, 16); memcpy(ip + 24, own, 16); ip[5] = 24;
			len -= 8; break;
		}
		if (fix)
			recksum(ip);
		memcpy(before, f, sizeof(f));
		CHECK(answer(f, len, &rc) == 0 && rc == bad[i].rc, "case %u, %s: not answered, read %d (%s), want %d",
				i, bad[i].name, rc, ovl_drop_name(rc), bad[i].rc);
		CHECK(memcmp(f, before, sizeof(f)) == 0, "case %u, %s: frame untouched", i, bad[i].name);
	}
}

/* Not neighbour discovery at all: 1, whatever the damage after the type. */
static void
test_not_ndp(void **state)
{
	uint8_t f[128], *ip = f + ETH;
	struct ovl_ndp nd;
	uint32_t len;

	(void)state;
	len = solicit(f, own);
	ip[ICMP] = 128;
	CHECK(ovl_ndp_read(f, len, &nd) == 1, "an echo request is not NDP");
	len = solicit(f, own);
	ip[6] = 17;
	CHECK(ovl_ndp_read(f, len, &nd) == 1, "UDP is not NDP");
	len = solicit(f, own);
	f[13] = 0x00;
	CHECK(ovl_ndp_read(f, len, &nd) == 1, "IPv4 is not NDP");
	CHECK(ovl_ndp_read(f, ETH + 40, &nd) == 1, "no ICMPv6 type byte: not NDP");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_solicit),
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_answer_dad),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_not_ndp),
	};

	return cmocka_run_group_tests_name("ndp", tests, NULL, NULL);
}
