/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "pcap_file.h"

struct ovl_pcap_writer {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	char path[PATH_MAX];
	char tmp[PATH_MAX];
};

struct ovl_pcap_writer *
ovl_pcap_open(const char *path, char *err, size_t errlen)
{
	struct ovl_pcap_writer *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (snprintf(w->path, sizeof(w->path), "%s", path) >= (int)sizeof(w->path) ||
			snprintf(w->tmp, sizeof(w->tmp), "%s.tmp.%d", path, (int)getpid()) >=
			(int)sizeof(w->tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		free(w);
		return NULL;
	}
	w->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
			PCAP_TSTAMP_PRECISION_NANO);
	if (w->dead == NULL) {
		snprintf(err, errlen, "pcap_open_dead failed");
		free(w);
		return NULL;
	}
	w->dumper = pcap_dump_open(w->dead, w->tmp);
	if (w->dumper == NULL) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(w->dead));
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	return w;
}

int
ovl_pcap_write(struct ovl_pcap_writer *w, const uint8_t *frame, uint32_t len, uint64_t ts_ns)
{
	struct pcap_pkthdr h = {
		.ts = { .tv_sec = (time_t)(ts_ns / 1000000000u),
			.tv_usec = (suseconds_t)(ts_ns % 1000000000u) },
		.caplen = len,
		.len = len,
	};

	pcap_dump((u_char *)w->dumper, &h, frame);
	return 0;
}

int
ovl_pcap_commit(struct ovl_pcap_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (pcap_dump_flush(w->dumper) != 0) {
		rc = -EIO;
		snprintf(err, errlen, "%s: write failed", w->path);
	}
	pcap_dump_close(w->dumper);
	pcap_close(w->dead);
	if (rc == 0 && rename(w->tmp, w->path) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", w->path, strerror(errno));
	}
	if (rc != 0)
		unlink(w->tmp);
	free(w);
	return rc;
}

void
ovl_pcap_abort(struct ovl_pcap_writer *w)
{
	pcap_dump_close(w->dumper);
	pcap_close(w->dead);
	unlink(w->tmp);
	free(w);
}

long
ovl_pcap_count(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, perr);
	long n = 0;
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "%s: %s", path, perr);
		return -EINVAL;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		n++;
	if (rc == PCAP_ERROR) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(p));
		n = -EIO;
	}
	pcap_close(p);
	return n;
}
