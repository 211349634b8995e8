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

#endif
