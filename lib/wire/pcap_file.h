/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writing frames to a pcap file with libpcap (and counting a file's frames). The file appears under its name only when it is
 * complete: it is written to a temporary name beside it and renamed on commit.
 */
#ifndef OVL_PCAP_FILE_H
#define OVL_PCAP_FILE_H

#include <stddef.h>
#include <stdint.h>

struct ovl_pcap_writer;

struct ovl_pcap_writer *ovl_pcap_open(const char *path, char *err, size_t errlen);
int ovl_pcap_write(struct ovl_pcap_writer *w, const uint8_t *frame, uint32_t len,
		uint64_t ts_ns);
/* Closes and renames into place; returns 0 or a negative errno (err says why). */
int ovl_pcap_commit(struct ovl_pcap_writer *w, char *err, size_t errlen);
/* Closes and removes the temporary file. */
void ovl_pcap_abort(struct ovl_pcap_writer *w);

/* The number of frames in a pcap file, or a negative errno (err says why). */
long ovl_pcap_count(const char *path, char *err, size_t errlen);

#endif
