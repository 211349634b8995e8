/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: ovlperf's option parsing (app/config/).
 *
 * The input is a command line: words separated by NUL bytes. Each word is copied into a heap
 * string of exactly its length. The same words are parsed as the options of every command
 * ("frames", "send", "reflect", "loop"), from defaults each time. When the parse succeeds, the
 * frame spec of every listed encapsulation is resolved (config_spec_for + ovl_frame_layout); when
 * its layout is a single frame, the frame is built into a buffer of exactly its size and must
 * parse back (ovl_parse, expecting that encapsulation on the given ports) with its probe read
 * back unchanged, and, keyed, its tag checking.
 *
 * config_parse prints errors on stderr and --help on stdout: both go to /dev/null (by pointing
 * the C streams elsewhere; libFuzzer and the sanitizers keep writing to file descriptor 2).
 * --key reads the file named: words naming /dev, /proc or /sys are skipped so that a FIFO or a
 * terminal cannot block the fuzzer.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>

#include "config.h"
#include "drop.h"
#include "frame.h"
#include "probe_auth.h"

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(real_stderr, "fuzz_options: invariant failed at line %d: %s\n", __LINE__, #cond); \
	__builtin_trap(); } } while (0)

#define MAX_WORDS 64

static FILE *real_stderr;
static const char *const commands[] = { "frames", "send", "reflect", "loop" };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null_out = fopen("/dev/null", "w");
	FILE *null_in = fopen("/dev/null", "r");

	(void)argc, (void)argv;
	if (null_out == NULL || null_in == NULL)
		abort();
	real_stderr = stderr;
	stdout = null_out;
	stderr = null_out;
	stdin = null_in;
	return 0;
}

/*
 * glibc's getopt keeps its position inside a word of short options ("-xy") across calls;
 * config_parse sets optind = 1, which does not reset that (optind = 0 does). Reset it here so
 * that each parse starts clean (see the report: a second config_parse in one process would read
 * the previous command line's word).
 */
static void
getopt_reset(void)
{
	static char arg0[] = "reset";
	char *argv[] = { arg0, NULL };

	optind = 0;
	opterr = 0;
	(void)getopt(1, argv, ":");
}

static int
unsafe_path(const char *w)
{
	return strstr(w, "/dev") != NULL || strstr(w, "/proc") != NULL || strstr(w, "/sys") != NULL;
}

/* A built frame parses back as its own encapsulation with the probe it was given. */
static void
round_trip(const struct app_config *cfg, const struct ovl_frame_spec *spec,
		const struct ovl_frame_layout *lay)
{
	struct ovl_rx_config rx;
	struct ovl_layers l;
	struct ovl_probe p;
	uint32_t len = lay->frame_size - OVL_FCS_LEN;
	uint8_t *buf = malloc(len);
	int rc;

	if (buf == NULL)
		return;
	rc = ovl_frame_build(buf, len, spec, lay, &cfg->probe);
	CHECK(rc == (int)len);
	ovl_rx_config_for_spec(&rx, spec);
	rx.encap_mask = 1u << ovl_encap_index(spec->encap);
	rx.tunnel[ovl_encap_index(spec->encap)].given = spec->tunnel.given;
	rc = ovl_parse(buf, len, &rx, &l);
	CHECK(rc == 0);
	CHECK(l.encap == spec->encap && l.inner_end - l.inner_l3 == lay->inner_len);
	CHECK(l.payload_len == lay->payload_len && ovl_frame_verify_cksums(buf, &l) == 0 &&
			ovl_frame_verify_fill(buf, &l) == 0);
	CHECK(ovl_probe_read(buf + l.probe, l.payload_len, &p) == 0);
	CHECK(p.form == lay->probe_form && p.stream == cfg->probe.stream &&
			p.tx_ts == cfg->probe.tx_ts);
	if (p.form == OVL_PROBE_FULL)
		CHECK(p.session == cfg->probe.session && p.seq == cfg->probe.seq);
	else
		CHECK(p.session == (cfg->probe.session & 0xFFFF) && p.seq == (uint32_t)cfg->probe.seq);
	if (cfg->keyed) {
		/* As frames --key and the sender do: sign in place; the checksums stay valid. */
		CHECK(p.form == OVL_PROBE_FULL);
		ovl_probe_sign(&cfg->key, buf, &l);
		CHECK(ovl_probe_tag_check(&cfg->key, buf, &l) == 0);
		CHECK(ovl_frame_verify_cksums(buf, &l) == 0);
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[MAX_WORDS + 2];
	int n = 1, i;
	size_t start = 0, k;
	unsigned int c, e;

	if (size > 4096)
		return 0;
	/* argv[0] is the command name, as main.c hands it over; the words follow. */
	for (k = 0; k <= size && n <= MAX_WORDS; k++) {
		if (k < size && data[k] != '\0')
			continue;
		words[n] = malloc(k - start + 1);
		if (words[n] == NULL)
			break;
		memcpy(words[n], data + start, k - start);
		words[n][k - start] = '\0';
		if (unsafe_path(words[n])) {
			free(words[n]);
			goto out;
		}
		n++;
		start = k + 1;
	}

	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		struct app_config cfg;
		char *argv[MAX_WORDS + 2];
		char cmd[16];
		int rc;

		/* getopt_long permutes argv: a fresh copy of the pointers for each command. */
		snprintf(cmd, sizeof(cmd), "%s", commands[c]);
		argv[0] = cmd;
		for (i = 1; i < n; i++)
			argv[i] = words[i];
		argv[n] = NULL;
		config_defaults(&cfg);
		getopt_reset();
		rc = config_parse(&cfg, commands[c], n, argv);
		CHECK(rc == 0 || rc == 1 || rc == OVL_EXIT_USAGE);
		if (rc != 0)
			continue;
		CHECK(cfg.n_encaps >= 1 && cfg.n_encaps <= OVL_ENCAPS_MAX);
		for (e = 0; e < cfg.n_encaps; e++) {
			struct ovl_frame_spec spec;
			struct ovl_frame_layout lay;
			char err[512];

			CHECK(cfg.encaps[e] != NULL);
			config_spec_for(&cfg, e, &spec);
			if (ovl_frame_layout(&spec, &lay, err, sizeof(err)) != 0) {
				CHECK(strlen(err) > 0);
				continue;
			}
			CHECK(lay.frame_size >= OVL_FRAME_MIN && lay.frame_size <= OVL_FRAME_MAX);
			CHECK(lay.n_frames >= 1 && lay.inner_len >= OVL_INNER_MIN);
			CHECK(lay.payload_len >= lay.probe_len);
			if (lay.n_frames == 1)
				round_trip(&cfg, &spec, &lay);
		}
	}
out:
	for (i = 1; i < n; i++)
		free(words[i]);
	getopt_reset();
	return 0;
}
