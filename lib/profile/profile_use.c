/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Using a loaded driver profile: its [eal] args template expanded for one device, and the
 * profile printed in a few lines.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "profile_rules.h"
#include "profile_values.h"

int
ovl_profile_eal_args(const struct ovl_profile *p, const char *bdf, const char *iface,
		unsigned int n, const char *path, const char *out_file, char *out, size_t outlen,
		char *err, size_t errlen)
{
	const char *const *placeholders = ovl_profile_placeholders;
	char number[16];
	const char *values[] = { bdf, iface, number, path, out_file };
	const char *c;
	size_t off = 0;
	unsigned int i;

	snprintf(number, sizeof(number), "%u", n);
	for (c = p->eal_args; *c != '\0'; ) {
		const char *piece = c;
		size_t len = 1;

		if (*c == '{') {
			for (i = 0; placeholders[i] != NULL; i++)
				if (strncmp(c, placeholders[i], strlen(placeholders[i])) == 0)
					break;
			/* The loader let no other brace through. */
			if (placeholders[i] == NULL || values[i] == NULL) {
				snprintf(err, errlen, "profile %s: [eal] args needs a value for %s", p->name,
						placeholders[i] != NULL ? placeholders[i] : c);
				return -EINVAL;
			}
			piece = values[i];
			len = strlen(values[i]);
			c += strlen(placeholders[i]);
		} else {
			c++;
		}
		if (off + len >= outlen) {
			snprintf(err, errlen, "profile %s: the EAL arguments need more than %zu characters",
					p->name, outlen - 1);
			return -EINVAL;
		}
		memcpy(out + off, piece, len);
		off += len;
	}
	if (outlen > 0)
		out[off] = '\0';
	return (int)off;
}

/* Whether the device arguments in vdev (after its name) set key. */
static int
vdev_sets(const char *vdev, const char *key, size_t keylen)
{
	const char *c = strchr(vdev, ',');

	for (; c != NULL; c = strchr(c + 1, ','))
		if (strncmp(c + 1, key, keylen) == 0 && c[1 + keylen] == '=')
			return 1;
	return 0;
}

int
ovl_profile_vdev_complete(const struct ovl_profile *p, const char *vdev, char *out,
		size_t outlen)
{
	const char *item = p->vdev_defaults;
	size_t off = (size_t)snprintf(out, outlen, "%s", vdev);
	int added = 0;

	if (off >= outlen)
		return -EINVAL;
	while (*item != '\0') {
		size_t len = strcspn(item, ","), keylen = strcspn(item, "=");

		if (!vdev_sets(vdev, item, keylen)) {
			if (off + 1 + len >= outlen)
				return -EINVAL;
			out[off++] = ',';
			memcpy(out + off, item, len);
			off += len;
			out[off] = '\0';
			added++;
		}
		item += len + (item[len] == ',');
	}
	return added;
}

static void
print_offloads(FILE *out, uint64_t bits, int tx)
{
	int i, any = 0;

	for (i = 0; i < 64; i++) {
		const char *n;

		if (!(bits & (1ull << i)))
			continue;
		fputc(' ', out);
		for (n = ovl_profile_offload_name(tx, 1ull << i); *n != '\0'; n++)
			fputc(tolower((unsigned char)*n), out);
		any = 1;
	}
	if (!any)
		fputs(" none", out);
}

void
ovl_profile_describe(FILE *out, const struct ovl_profile *p, const char *indent)
{
	unsigned int i;

	fprintf(out, "%sprofile %s (%s): %s\n", indent, p->name, p->path, p->description);
	fprintf(out, "%s  drivers:", indent);
	for (i = 0; i < p->n_names; i++)
		fprintf(out, " %s", p->names[i]);
	fprintf(out, "; %s; binding %s", p->bus == OVL_BUS_PCI ? "pci" : "vdev",
			ovl_profile_bind_name(p->bind));
	if (p->bind_fallback != p->bind)
		fprintf(out, " (or %s)", ovl_profile_bind_name(p->bind_fallback));
	fprintf(out, ", write-combining %s\n", ovl_profile_level_name(p->write_combining));
	fprintf(out, "%s  EAL: %s; hugepages %s; descriptors rx %u tx %u (0: driver's); queues %u (0: device's)\n",
			indent, p->eal_args, p->hugepages_required ? "required" : "optional", p->rx_desc,
			p->tx_desc, p->max_queues);
	if (p->vdev_defaults[0] != '\0')
		fprintf(out, "%s  device arguments added to a --vdev that does not set them: %s\n",
				indent, p->vdev_defaults);
	fprintf(out, "%s  offloads tx:", indent);
	print_offloads(out, p->tx_offloads, 1);
	fprintf(out, "; rx:");
	print_offloads(out, p->rx_offloads, 0);
	fprintf(out, "\n%s  timestamps: rx hw %s, tx hw %s, timesync %s; pacing: hw rate limit %s, send scheduling %s",
			indent, ovl_profile_rx_hw_ts_name(p->rx_hw_ts), p->tx_hw_ts ? "yes" : "no",
			ovl_profile_timesync_name(p->timesync), p->hw_rate_limit ? "yes" : "no",
			p->send_scheduling ? "yes" : "no");
	if (p->flow_limit_gbps > 0)
		fprintf(out, ", one flow <= %u Gbit/s", p->flow_limit_gbps);
	fputc('\n', out);
	if (p->n_stats > 0) {
		fprintf(out, "%s  xstats reported:", indent);
		for (i = 0; i < p->n_stats; i++)
			fprintf(out, " %s", p->stats[i]);
		fputc('\n', out);
	}
	for (i = 0; i < p->n_caveats; i++)
		fprintf(out, "%s  caveat %s: %s\n", indent, p->caveats[i].key, p->caveats[i].text);
}
