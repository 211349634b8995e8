/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keyed probes: a 16-byte tag, SipHash-2-4 with 128-bit output (libsodium's
 * crypto_shorthash_siphashx24) under a shared key, over what identifies a probe and where it
 * is going. A forged probe, or a genuine one re-addressed to a victim, fails the check, so a
 * reflector with a key cannot be turned into a traffic cannon.
 *
 * Covered, in this order: the probe's magic and version/form, session, stream, sequence number
 * and transmit timestamp; the outer source and destination IPv4; the inner source and
 * destination IPv4; the inner UDP ports (ICMP: identifier, 0). Not covered: flags and the
 * reflector's timestamps, which the reflector writes, and the checksums. Full probes only.
 */
#ifndef OVL_PROBE_AUTH_H
#define OVL_PROBE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

#define OVL_KEY_LEN 16

struct ovl_key {
	uint8_t bytes[OVL_KEY_LEN];
};

/*
 * Reads a key file: 32 hexadecimal digits (16 bytes), optionally followed by a newline.
 * Returns 0, or -1 with a one-line message in err naming the file and what it must hold.
 */
int ovl_key_load(const char *path, struct ovl_key *key, char *err, size_t errlen);

/* The tag of the full probe in a parsed frame (as the sender addressed it). */
void ovl_probe_tag(const struct ovl_key *key, const uint8_t *frame, const struct ovl_layers *l,
		uint8_t tag[OVL_PROBE_TAG_LEN]);

/*
 * Writes the tag into the full probe of a parsed frame, keeping its transport checksum valid
 * (the keyed flag is the caller's to set before). For frames built outside the hot path.
 */
void ovl_probe_sign(const struct ovl_key *key, uint8_t *frame, const struct ovl_layers *l);

/* 0 when the probe's tag is right (compared in constant time), -1 otherwise. */
int ovl_probe_tag_check(const struct ovl_key *key, const uint8_t *frame,
		const struct ovl_layers *l);

#endif
