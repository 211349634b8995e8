/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL interrupt thread and the lcores take turns on ports whose driver frees queue memory
 * from that thread. net_memif does: when its peer goes away (a sender that ends its run, a
 * reflector killed), memif_disconnect runs on the interrupt thread and munmaps the shared
 * region holding the rings and buffers, with nothing to stop an lcore that is inside
 * rte_eth_rx_burst or rte_eth_tx_burst on the same queue at that moment. Its burst reads the
 * connected flag, then the ring: a disconnect between the two is a SIGSEGV in the PMD (seen in
 * eth_memif_rx reading ring->flags from the unmapped region). Watching the link from the
 * lcore cannot close that window: the flag, the link status and the unmapping change in one
 * call on the other thread.
 *
 * So the interrupt thread is held in a callback of ours (on an eventfd of ours) while the
 * lcores poll; every HOLD_US it closes the gate, waits (QSBR, rte_rcu_qsbr) until every lcore
 * has left the burst it was in, and returns, so the PMD handles whatever its control socket
 * brought (a disconnect, a reconnect's messages) while no lcore is in a burst; it is back at
 * once (the eventfd is written again) and opens the gate. Lcores pass the gate before each
 * burst: with no gated port, one predictable branch.
 */
#ifndef OVL_APP_PORT_GATE_H
#define OVL_APP_PORT_GATE_H

#include <rte_branch_prediction.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

struct port_gate {
	struct rte_rcu_qsbr *qsv;     /* NULL: no port needs the gate, every burst passes */
	volatile int open;            /* the interrupt thread is held: bursts may run */
	volatile int restart;         /* a port id to stop and start at the PMD's next turn; -1 */
	volatile int stopping;
	int efd;
	struct rte_intr_handle *intr;
};

extern struct port_gate port_gate;

/* Whether ports of this driver need the gate (net_memif). */
int port_gate_needed(const char *driver);

/* Starts holding the interrupt thread; 0, or -1 after one line naming the problem. */
int port_gate_start(const char *command);

/* Lets the interrupt thread go for good (lcores joined, before the ports stop). */
void port_gate_stop(void);

/* A thread that will burst on the ports: online before its first pass, offline when done. */
void port_gate_online(void);
void port_gate_offline(void);

/*
 * Before each burst (or group of bursts) of an online thread: ends the previous one's turn
 * and says whether the next may run now. 0: skip this round (the PMD has the ports).
 */
/* The PMD has its turn: give the CPU to the interrupt thread should it share this one. */
void port_gate_wait(void);

static inline int
port_gate_pass(void)
{
	if (likely(port_gate.qsv == NULL))
		return 1;
	rte_rcu_qsbr_quiescent(port_gate.qsv, rte_lcore_id());
	if (likely(__atomic_load_n(&port_gate.open, __ATOMIC_ACQUIRE)))
		return 1;
	port_gate_wait();
	return 0;
}

/*
 * Asks for port id to be stopped and started again at the PMD's next turn, on the interrupt
 * thread with no lcore in a burst: a memif client connects only when started (its PMD never
 * reconnects by itself), so this is how it finds a peer that has come back. No gate: nothing.
 */
void port_gate_restart(uint16_t id);

/* For the main lcore's few bursts outside the workers' loops: online and wait for a turn. */
void port_gate_enter(void);
/* ... and offline again. */
void port_gate_leave(void);

#endif
