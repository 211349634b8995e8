/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whether a port's peer is there to connect to. A memif client connects only when its port is
 * started: restarting it while its server is gone fails, leaves the port stopped and makes
 * ethdev's placeholder bursts dump a stack. So the client's server must be listening first.
 */
#ifndef OVL_APP_PORT_PEER_H
#define OVL_APP_PORT_PEER_H

#include <stdint.h>

/* 1: a memif client whose server accepts on its socket now; 0: any other port, or not yet. */
int port_peer_listening(uint16_t id);

/*
 * Why a port whose link went down will not come back by itself, with what to do, or NULL: a
 * net_virtio_user that connected to its vhost-user server (no server=1) never connects again
 * once that server goes away (DPDK 22.11 reconnects only a virtio_user that listens).
 */
const char *port_peer_no_reconnect(uint16_t id);

/*
 * 1: a net_virtio_user that listens (server=1), which DPDK 22.11 cannot close once its peer has
 * reconnected: the old connection's interrupt source stays registered with its fd closed, and
 * the next change to the interrupt sources (closing the port) makes EAL's interrupt thread
 * panic ("Error adding fd N epoll_ctl, Bad file descriptor"). Such a port is left to the
 * process's exit, which closes its socket all the same.
 */
int port_peer_leave_open(uint16_t id);

#endif
