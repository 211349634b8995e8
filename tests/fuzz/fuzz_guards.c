/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the reflector's guards, each against a plain model of what it promises.
 * The first byte chooses one:
 *
 *   0  allowlist: the rest is NUL-separated strings for ovl_allowlist_add (each copied into an
 *      exactly-sized string). Accepted prefixes must be what inet_pton and the length say;
 *      rejected ones leave the list unchanged; ovl_allowlist_match agrees with the entries.
 *   1  replay window: session (4 bytes) and stream (2), then 9-byte operations (kind, value) that
 *      move a 64-bit sequence number (set, forward, back, far jump). ovl_replay_check must answer
 *      as the model: the first sequence number of a (session, stream) is new; one above the
 *      highest is new; one 1024 or more below the highest is a replay; in between, a replay
 *      exactly when answered before. A second (session, stream) is interleaved when it lands in
 *      a slot of its own.
 *   2  key file: the rest is written to a memory file and read by ovl_key_load, which must accept
 *      exactly 32 hex digits followed by optional white space, and return those bytes.
 *   3  rate cap: rate and TSC frequency (8 bytes each, bounded to what the reflector uses), then
 *      time steps; over any run, what passes is at most the bucket's depth plus rate * time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_byteorder.h>

#include "allowlist.h"
#include "probe_auth.h"
#include "ratecap.h"
#include "replay.h"

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_guards: invariant failed at line %d: %s\n", __LINE__, #cond); \
	__builtin_trap(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* ---- allowlist ---- */

/* The model: what the text says, parsed the plain way. Returns 0 and the entry, or -1. */
static int
model_prefix(const char *s, uint32_t *net, uint32_t *mask)
{
	char addr[32];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct in_addr in;
	unsigned int len = 32;

	if (n == 0 || n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1)
		return -1;
	if (slash) {
		const char *d = slash + 1;

		/* one or more decimal digits, value 0..32, nothing after */
		if (*d == '\0')
			return -1;
		for (len = 0; *d; d++) {
			if (!isdigit((unsigned char)*d))
				return -1;
			len = len * 10 + (unsigned int)(*d - '0');
			if (len > 32)
				return -1;
		}
	}
	*mask = len == 0 ? 0 : ~0u << (32 - len);
	*net = ntohl(in.s_addr) & *mask;
	return 0;
}

static void
fuzz_allowlist(const uint8_t *data, size_t size)
{
	struct ovl_allowlist a;
	size_t start = 0, k;
	unsigned int i;

	memset(&a, 0, sizeof(a));
	for (k = 0; k <= size; k++) {
		struct ovl_allowlist before = a;
		uint32_t net = 0, mask = 0;
		char err[256], *s;
		int rc, want;

		if (k < size && data[k] != '\0')
			continue;
		s = malloc(k - start + 1);
		if (s == NULL)
			return;
		memcpy(s, data + start, k - start);
		s[k - start] = '\0';
		start = k + 1;
		err[0] = '\0';
		want = before.n == OVL_ALLOWLIST_MAX ? -1 : model_prefix(s, &net, &mask);
		rc = ovl_allowlist_add(&a, s, err, sizeof(err));
		CHECK(rc == want);
		if (rc == 0) {
			CHECK(a.n == before.n + 1);
			CHECK(a.net[before.n] == net && a.mask[before.n] == mask);
			CHECK((a.net[before.n] & ~a.mask[before.n]) == 0);
			CHECK(ovl_allowlist_match(&a, rte_cpu_to_be_32(net | (~mask & 0x5A5A5A5Au))));
		} else {
			CHECK(a.n == before.n && strlen(err) > 0);
		}
		free(s);
	}
	/* match() says yes exactly when some entry covers the address. */
	for (i = 0; i < 64; i++) {
		uint32_t addr = (uint32_t)i * 0x04051C3Bu ^ (size > 0 ? data[size - 1] : 0);
		unsigned int j;
		int any = a.n == 0;

		for (j = 0; j < a.n; j++)
			any |= (addr & a.mask[j]) == a.net[j];
		CHECK(ovl_allowlist_match(&a, rte_cpu_to_be_32(addr)) == any);
	}
}

/* ---- replay window ---- */

struct model {
	int started;
	uint64_t highest;
	uint64_t *seen;   /* every sequence number answered */
	size_t n, cap;
};

static int
model_check(struct model *m, uint64_t seq)
{
	size_t i;

	if (m->started) {
		if (seq <= m->highest && m->highest - seq >= OVL_REPLAY_WINDOW)
			return -1;
		for (i = 0; i < m->n; i++)
			if (m->seen[i] == seq)
				return -1;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		uint64_t *p = realloc(m->seen, cap * sizeof(*p));

		if (p == NULL)
			abort();
		m->seen = p;
		m->cap = cap;
	}
	m->seen[m->n++] = seq;
	if (!m->started || seq > m->highest)
		m->highest = seq;
	m->started = 1;
	return 0;
}

static struct ovl_replay replay;

static void
fuzz_replay(const uint8_t *data, size_t size)
{
	struct model m[2];
	uint64_t seq[2] = { 0, 0 };
	uint32_t session[2];
	uint16_t stream[2];
	int two = 0;
	size_t off;

	if (size < 6)
		return;
	session[0] = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | data[2] << 8 | data[3];
	stream[0] = (uint16_t)(data[4] << 8 | data[5]);
	session[1] = session[0] ^ 0x5bd1e995u;
	stream[1] = stream[0];
	memset(m, 0, sizeof(m));
	ovl_replay_init(&replay);
	/*
	 * The second flow shares the table only if it has a slot of its own: its first check says
	 * new, and the first flow's highest sequence number is still remembered afterwards.
	 */
	CHECK(ovl_replay_check(&replay, session[0], stream[0], 0) == 0);
	CHECK(model_check(&m[0], 0) == 0);
	if (ovl_replay_check(&replay, session[1], stream[1], 0) == 0 &&
			ovl_replay_check(&replay, session[0], stream[0], 0) == -1) {
		two = 1;
		CHECK(model_check(&m[1], 0) == 0);
	} else {
		/* Collided: the first flow was evicted; start both over with one flow. */
		free(m[0].seen);
		memset(m, 0, sizeof(m));
		ovl_replay_init(&replay);
	}
	for (off = 6; off + 9 <= size; off += 9) {
		uint8_t kind = data[off];
		uint64_t v = be64(data + off + 1);
		int f = two ? (kind >> 7) : 0;
		int want, got;

		switch (kind & 0x7F) {
		case 0: /* forward a little */
			seq[f] += v & 0x7FF;
			break;
		case 1: /* back a little */
			seq[f] -= v & 0x7FF;
			break;
		case 2: /* anywhere */
			seq[f] = v;
			break;
		case 3: /* the window's edges, seen from the highest */
			if (m[f].started)
				seq[f] = m[f].highest - OVL_REPLAY_WINDOW + (v & 3) - 1;
			break;
		default: /* far forward, across many words */
			seq[f] += v & 0xFFFFF;
			break;
		}
		want = model_check(&m[f], seq[f]);
		got = ovl_replay_check(&replay, session[f], stream[f], seq[f]);
		if (got != want)
			fprintf(stderr, "fuzz_guards: replay: flow %d seq %llu highest %llu: got %d, model %d\n",
					f, (unsigned long long)seq[f], (unsigned long long)m[f].highest, got, want);
		CHECK(got == want);
	}
	free(m[0].seen);
	free(m[1].seen);
}

/* ---- key file ---- */

static void
fuzz_key(const uint8_t *data, size_t size)
{
	struct ovl_key key;
	char path[64], err[512];
	int fd, rc, want = 0;
	size_t n = size, i;
	uint8_t expect[OVL_KEY_LEN];

	if (size > 4096)
		return;
	fd = memfd_create("fuzz-key", 0);
	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* The model: of the first 127 bytes read, trailing white space dropped, exactly 32 hex. */
	if (n > 127)
		n = 127;
	while (n > 0 && isspace(data[n - 1]))
		n--;
	if (n != 2 * OVL_KEY_LEN)
		want = -1;
	for (i = 0; want == 0 && i < n; i++)
		if (!isxdigit(data[i]))
			want = -1;
	for (i = 0; want == 0 && i < OVL_KEY_LEN; i++) {
		char hex[3] = { (char)data[2 * i], (char)data[2 * i + 1], 0 };

		expect[i] = (uint8_t)strtoul(hex, NULL, 16);
	}
	memset(&key, 0, sizeof(key));
	err[0] = '\0';
	rc = ovl_key_load(path, &key, err, sizeof(err));
	close(fd);
	CHECK(rc == want);
	if (rc == 0)
		CHECK(memcmp(key.bytes, expect, OVL_KEY_LEN) == 0);
	else
		CHECK(strlen(err) > 0);
}

/* ---- rate cap ---- */

static void
fuzz_ratecap(const uint8_t *data, size_t size)
{
	struct ovl_ratecap c;
	uint64_t rate, hz, now = 1000, start, passed = 0;
	size_t off;

	if (size < 16)
		return;
	/* What the options allow (--max-pps 1..1e9) and TSCs from 1 MHz to 10 GHz. */
	rate = 1 + be64(data) % 1000000000ull;
	hz = 1000000 + be64(data + 8) % 10000000000ull;
	ovl_ratecap_init(&c, rate, hz, now);
	start = now;
	for (off = 16; off < size; off++) {
		uint8_t b = data[off];

		/* steps from nothing to a few seconds, on a log-ish scale */
		if (b & 0x80)
			now += (uint64_t)(b & 0x7F) * hz / 32;
		else
			now += (uint64_t)b * (hz / 1000000 + 1);
		passed += (uint64_t)ovl_ratecap_take(&c, now);
		CHECK(c.tokens <= c.depth);
	}
	/*
	 * At most a full bucket (rate / 1000 + 1 packets) plus rate per second of time; counted in
	 * 128-bit arithmetic, since rate * elapsed ticks overflows 64 bits.
	 */
	{
		unsigned __int128 allowed = (unsigned __int128)rate * (now - start) / hz +
			rate / 1000 + 2;

		CHECK((unsigned __int128)passed <= allowed);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		fuzz_allowlist(data + 1, size - 1);
		break;
	case 1:
		fuzz_replay(data + 1, size - 1);
		break;
	case 2:
		fuzz_key(data + 1, size - 1);
		break;
	default:
		fuzz_ratecap(data + 1, size - 1);
		break;
	}
	return 0;
}
