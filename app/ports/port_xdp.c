/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>

#ifdef OVL_HAVE_LIBBPF
#include <bpf/libbpf.h>
#endif

#include "port_xdp.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif

/* net_af_xdp's busy_budget when its devargs give none (ETH_AF_XDP_DFLT_BUSY_BUDGET, 22.11). */
#define AF_XDP_DEFAULT_BUDGET 64

static int
is_af_xdp(int fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_XDP;
}

unsigned int
port_xdp_sockets(int *fds, unsigned int max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned int n = 0;

	if (d == NULL)
		return 0;
	while (n < max && (e = readdir(d)) != NULL) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end == '\0' && end != e->d_name && fd != dirfd(d) && is_af_xdp((int)fd))
			fds[n++] = (int)fd;
	}
	closedir(d);
	return n;
}

static int
listed(int fd, const int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fds[i] == fd)
			return 1;
	return 0;
}

/*
 * The budget the PMD busy-polls with: the kernel lets one set SO_BUSY_POLL_BUDGET but not read
 * it back, so it comes from the port's devargs (the PMD's default when they give none).
 */
static int
devargs_budget(const struct rte_device *device)
{
	const struct rte_devargs *da = device != NULL ? rte_dev_devargs(device) : NULL;
	const char *at = da != NULL && da->args != NULL ? strstr(da->args, "busy_budget=") : NULL;

	return at != NULL ? atoi(at + strlen("busy_budget=")) : AF_XDP_DEFAULT_BUDGET;
}

/* The mode the kernel attached the interface's XDP program in (libbpf asks over netlink). */
static const char *
attach_mode(int ifindex)
{
#ifdef OVL_HAVE_LIBBPF
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q) != 0)
		return "unknown";
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV: return "native";
	case XDP_ATTACHED_SKB: return "generic";
	case XDP_ATTACHED_HW: return "offload";
	case XDP_ATTACHED_MULTI: return "multi";
	case XDP_ATTACHED_NONE: return "none";
	default: return "unknown";
	}
#else
	(void)ifindex;
	return "unknown";
#endif
}

void
port_xdp_read(uint16_t id, const int *before, unsigned int n_before, struct port_xdp *x)
{
	int now[PORT_XDP_SOCKETS_MAX];
	unsigned int n = port_xdp_sockets(now, PORT_XDP_SOCKETS_MAX), i, zc = 0;
	struct rte_eth_dev_info dev;

	memset(x, 0, sizeof(*x));
	x->busy_budget = -1;
	if (rte_eth_dev_info_get(id, &dev) != 0 || strcmp(dev.driver_name, "net_af_xdp") != 0)
		return;
	for (i = 0; i < n; i++) {
		struct xdp_options opt = { 0 };
		socklen_t len = sizeof(opt);

		if (listed(now[i], before, n_before))
			continue;
		if (getsockopt(now[i], SOL_XDP, XDP_OPTIONS, &opt, &len) != 0)
			continue;
		zc += (opt.flags & XDP_OPTIONS_ZEROCOPY) != 0;
		/* The first new socket is queue 0's: the queues are set up in order. */
		if (x->sockets++ == 0) {
			int prefer = 0;

			len = sizeof(prefer);
			if (getsockopt(now[i], SOL_SOCKET, SO_PREFER_BUSY_POLL, &prefer, &len) == 0)
				x->busy_budget = prefer ? devargs_budget(dev.device) : 0;
		}
	}
	if (x->sockets == 0)
		return;
	x->af_xdp = 1;
	x->bind = zc == x->sockets ? "zero-copy" : zc == 0 ? "copy" : "mixed";
	if (dev.if_index == 0 || if_indextoname(dev.if_index, x->iface) == NULL)
		snprintf(x->iface, sizeof(x->iface), "?");
	x->attach = dev.if_index ? attach_mode((int)dev.if_index) : "unknown";
}

void
port_xdp_describe(const struct port_xdp *x, char *buf, size_t len)
{
	static const struct {
		const char *mode, *text;
	} attach[] = {
		{ "native", "native (in the driver)" }, { "generic", "generic (in the stack, slow)" },
		{ "offload", "offloaded to the NIC" }, { "multi", "in several modes" },
		{ "none", "not attached" },
	};
	const char *a = "unknown";
	size_t i;

	for (i = 0; i < RTE_DIM(attach); i++)
		if (strcmp(x->attach, attach[i].mode) == 0)
			a = attach[i].text;
	if (x->busy_budget > 0)
		snprintf(buf, len, "%s: XDP program %s, %u socket(s) bound in %s mode, busy polling (budget %d)",
				x->iface, a, x->sockets, x->bind, x->busy_budget);
	else
		snprintf(buf, len, "%s: XDP program %s, %u socket(s) bound in %s mode, %s",
				x->iface, a, x->sockets, x->bind,
				x->busy_budget == 0 ? "no busy polling" : "busy polling unknown");
}
