/* SPDX-License-Identifier: BSD-3-Clause */
/* The values options take, parsed and range-checked, and a rate turned into packets/s. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "option_values.h"

int
parse_u64(const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (arg == NULL || *arg == '\0' || *arg == '-' || *arg == '+' || *arg == ' ')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
value_number(const char *arg, uint64_t min, uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	if (parse_u64(arg, min, max, out) == 0)
		return 0;
	snprintf(err, errlen, "'%s' is not allowed: a whole number %" PRIu64 "..%" PRIu64
			" (decimal or 0x hex)", arg, min, max);
	return -1;
}

int
value_u32(const char *arg, uint32_t min, uint32_t max, uint32_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (value_number(arg, min, max, &v, err, errlen) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
value_seconds(const char *arg, double min, double max, double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= min && v <= max)) {
		snprintf(err, errlen, "'%s' is not allowed: seconds, %g..%g", arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
value_ip(const char *arg, rte_be32_t *v4, uint8_t v6[16], uint8_t *is_v6, char *err, size_t errlen)
{
	struct in_addr a;

	if (inet_pton(AF_INET, arg, &a) == 1) {
		*v4 = a.s_addr;
		*is_v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, v6) == 1) {
		*is_v6 = 1;
		return 0;
	}
	snprintf(err, errlen, "'%s' is not an IP address (IPv4 dotted quad, e.g. 192.0.2.1, or IPv6, e.g. 2001:db8::1)",
			arg);
	return -1;
}

int
value_mac(const char *arg, struct rte_ether_addr *out, char *err, size_t errlen)
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(arg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			&tail) != 6 || strlen(arg) != 17) {
		snprintf(err, errlen, "'%s' is not a MAC address (six hex bytes, e.g. 02:00:00:00:00:01)", arg);
		return -1;
	}
	for (i = 0; i < 6; i++)
		out->addr_bytes[i] = (uint8_t)b[i];
	return 0;
}

/*
 * A results file is written when the run ends: a path that cannot take it is refused now,
 * before anything is measured. Root passes permission bits, not a read-only file system.
 */
static int
output_path_ok(const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory: a file name in a writable directory, or - for stdout", path);
		return -1;
	}
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (access(dir, W_OK | X_OK) == 0)
		return 0;
	snprintf(err, errlen, "directory %s %s: a file name in a writable directory, or - for stdout",
			dir, errno == ENOENT ? "does not exist" :
			errno == EROFS ? "is on a read-only file system" :
			errno == EACCES ? "is not writable" : strerror(errno));
	return -1;
}

int
value_output(const char *arg, const char **out, char *err, size_t errlen)
{
	if (*arg == '\0') {
		snprintf(err, errlen, "an empty path is not allowed: a file name, or - for stdout");
		return -1;
	}
	if (strcmp(arg, "-") != 0 && output_path_ok(arg, err, errlen) < 0)
		return -1;
	*out = arg;
	return 0;
}

int
value_rate(const char *arg, struct rate *out, char *err, size_t errlen)
{
	static const struct {
		const char *suffix;
		enum rate_unit unit;
		double scale;
	} units[] = {
		{ "%", RATE_LINK_PERCENT, 1 },
		{ "Gbps-l1", RATE_L1_BPS, 1e9 }, { "Mbps-l1", RATE_L1_BPS, 1e6 },
		{ "kbps-l1", RATE_L1_BPS, 1e3 }, { "bps-l1", RATE_L1_BPS, 1 },
		{ "Gbps", RATE_L2_BPS, 1e9 }, { "Mbps", RATE_L2_BPS, 1e6 },
		{ "kbps", RATE_L2_BPS, 1e3 }, { "bps", RATE_L2_BPS, 1 },
		{ "Mpps", RATE_PPS, 1e6 }, { "kpps", RATE_PPS, 1e3 }, { "pps", RATE_PPS, 1 },
		{ "M", RATE_PPS, 1e6 }, { "k", RATE_PPS, 1e3 }, { "", RATE_PPS, 1 },
	};
	char *end;
	double v;
	size_t i;

	if (strcmp(arg, "unlimited") == 0 || strcmp(arg, "max") == 0) {
		out->unit = RATE_UNLIMITED;
		return 0;
	}
	errno = 0;
	v = strtod(arg, &end);
	/* strtod takes "inf" and "nan": no rate is either. */
	for (i = 0; errno == 0 && end != arg && isfinite(v) && v > 0 &&
			i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (units[i].unit == RATE_LINK_PERCENT && v > 100)
			break;
		out->unit = units[i].unit;
		out->value = v * units[i].scale;
		if ((out->unit == RATE_PPS && (out->value < 1 || out->value > 1e10)) ||
				out->value > 1e13)
			break;
		return 0;
	}
	snprintf(err, errlen, "'%s' is not allowed: packets/s (100000, 100k, 1.5M, 2Mpps), "
			"bit/s at layer 2 (5Gbps, 800Mbps) or layer 1 (9.5Gbps-l1), a share of the link (50%%), or unlimited", arg);
	return -1;
}

uint64_t
rate_to_pps(const struct rate *r, double frame_size, double link_bps)
{
	double pps;

	switch (r->unit) {
	case RATE_PPS:
		pps = r->value;
		break;
	case RATE_L2_BPS:
		pps = r->value / (frame_size * 8.0);
		break;
	case RATE_L1_BPS:
		pps = r->value / ((frame_size + 20) * 8.0);
		break;
	case RATE_LINK_PERCENT:
		pps = link_bps * r->value / 100 / ((frame_size + 20) * 8.0);
		break;
	default:
		return 0;
	}
	return pps < 1 ? 1 : (uint64_t)(pps + 0.5);
}

int
value_link_speed(const char *arg, double *bps, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno == 0 && end != arg && v > 0) {
		if (strcmp(end, "G") == 0 || strcmp(end, "Gbps") == 0)
			v *= 1e9;
		else if (strcmp(end, "M") == 0 || strcmp(end, "Mbps") == 0)
			v *= 1e6;
		else if (*end != '\0')
			v = 0;
		if (v >= 1e6 && v <= 1e12) {
			*bps = v;
			return 0;
		}
	}
	snprintf(err, errlen, "'%s' is not allowed: a link speed, 1M..1000G (1G, 10G, 25Gbps, 100G)", arg);
	return -1;
}
