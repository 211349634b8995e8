/* SPDX-License-Identifier: BSD-3-Clause */
/* A memif client's server socket tried (port_peer.h). */
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>

#include "port_peer.h"

/* net_memif's defaults (DPDK 22.11): a server, on the abstract socket /run/memif.sock. */
#define MEMIF_SOCKET_DEFAULT "/run/memif.sock"

/*
 * Whether a socket listens on path, from /proc/net/unix: trying to connect would not do, as
 * the memif server accepts and then mishandles a peer that closes before its hello (22.11:
 * memif_listener_handler frees the control channel with its callback still registered).
 */
static int
listening(const char *path, int abstract)
{
	char line[4096], want[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];
	unsigned long flags;
	unsigned int type, st;
	int found = 0, n;
	FILE *f = fopen("/proc/net/unix", "r");

	if (f == NULL)
		return 0;
	snprintf(want, sizeof(want), "%s%s", abstract ? "@" : "", path);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *p;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%*s %*s %*s %lx %x %x %*s %n", &flags, &type, &st, &n) != 3)
			continue;
		p = line + n;
		/* __SO_ACCEPTCON: a listener. */
		found = (flags & 0x10000) != 0 && strcmp(p, want) == 0;
	}
	fclose(f);
	return found;
}

/* The devargs of port id if its driver is drv, parsed (free with rte_kvargs_free), or NULL. */
static struct rte_kvargs *
driver_args(uint16_t id, const char *drv)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;

	if (rte_eth_dev_info_get(id, &info) != 0 || info.driver_name == NULL ||
			strcmp(info.driver_name, drv) != 0 || info.device == NULL)
		return NULL;
	da = rte_dev_devargs(info.device);
	if (da == NULL)
		return NULL;
	return rte_kvargs_parse(da->args != NULL ? da->args : "", NULL);
}

/* 1: a net_virtio_user that listens (server=1); 0: one that connects; -1: any other port. */
static int
virtio_user_listens(uint16_t id)
{
	struct rte_kvargs *kv = driver_args(id, "net_virtio_user");
	const char *server;
	int listens;

	if (kv == NULL)
		return -1;
	server = rte_kvargs_get(kv, "server");
	listens = server != NULL && strcmp(server, "1") == 0;
	rte_kvargs_free(kv);
	return listens;
}

const char *
port_peer_no_reconnect(uint16_t id)
{
	return virtio_user_listens(id) != 0 ? NULL : "net_virtio_user does not reconnect to a "
			"vhost-user server that went away; for a reflector that may restart, give the "
			"sender's virtio_user server=1 (start it first) and net_vhost client=1";
}

int
port_peer_leave_open(uint16_t id)
{
	return virtio_user_listens(id) == 1;
}

int
port_peer_listening(uint16_t id)
{
	struct rte_kvargs *kv = driver_args(id, "net_memif");
	const char *role, *sock, *abstract;
	int ok = 0;

	if (kv == NULL)
		return 0;
	role = rte_kvargs_get(kv, "role");
	sock = rte_kvargs_get(kv, "socket");
	abstract = rte_kvargs_get(kv, "socket-abstract");
	if (role != NULL && strcmp(role, "client") == 0)
		ok = listening(sock != NULL ? sock : MEMIF_SOCKET_DEFAULT,
				abstract == NULL || strcmp(abstract, "no") != 0);
	rte_kvargs_free(kv);
	return ok;
}
