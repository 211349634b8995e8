/* SPDX-License-Identifier: BSD-3-Clause */
/* The interrupt thread held while the lcores burst (port_gate.h says why). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>

#include "port_gate.h"

/*
 * How long the interrupt thread is held at a time. Each turn the PMD gets costs the lcores a
 * pause of a few microseconds (more where they share a CPU with it); a peer's message waits at
 * most this long (a memif connection's dozen messages: a few tenths of a second).
 */
#define HOLD_US 5000

struct port_gate port_gate = { .efd = -1, .restart = -1 };

int
port_gate_needed(const char *driver)
{
	return strcmp(driver, "net_memif") == 0;
}

static void
kick(void)
{
	uint64_t one = 1;

	if (write(port_gate.efd, &one, sizeof(one)) != sizeof(one))
		fprintf(stderr, "ovlperf: port gate eventfd write: %s\n", strerror(errno));
}

/* On the interrupt thread: hold it while the lcores burst, then give the PMD its turn. */
static void
hold(void *arg)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = HOLD_US * 1000L };
	uint64_t v, token;
	int restart;

	(void)arg;
	/* Consumes the kick (nothing to read: a spurious wake-up, the turn goes on all the same). */
	if (read(port_gate.efd, &v, sizeof(v)) < 0)
		v = 0;
	if (port_gate.stopping)
		return;
	__atomic_store_n(&port_gate.open, 1, __ATOMIC_RELEASE);
	nanosleep(&ts, NULL);
	__atomic_store_n(&port_gate.open, 0, __ATOMIC_SEQ_CST);
	/* Every online lcore has finished the burst it may have started with the gate open. */
	token = rte_rcu_qsbr_start(port_gate.qsv);
	while (rte_rcu_qsbr_check(port_gate.qsv, token, false) == 0)
		sched_yield(); /* an lcore on this CPU needs it to leave its burst */
	restart = __atomic_exchange_n(&port_gate.restart, -1, __ATOMIC_ACQ_REL);
	if (restart >= 0 && !port_gate.stopping) {
		int rc;

		rte_eth_dev_stop((uint16_t)restart);
		rc = rte_eth_dev_start((uint16_t)restart);
		if (rc != 0)
			fprintf(stderr, "ovlperf: port %d did not start again (%s): trying again while the run goes on\n",
					restart, strerror(-rc));
	}
	if (!port_gate.stopping)
		kick();
}

int
port_gate_start(const char *command)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	struct rte_rcu_qsbr *qsv;
	unsigned int lcore;

	if (port_gate.qsv != NULL)
		return 0;
	qsv = rte_zmalloc("port_gate", sz, RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, RTE_MAX_LCORE) != 0) {
		fprintf(stderr, "ovlperf %s: out of memory for the port gate\n", command);
		rte_free(qsv);
		return -1;
	}
	RTE_LCORE_FOREACH(lcore)
		rte_rcu_qsbr_thread_register(qsv, lcore);
	port_gate.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	port_gate.intr = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (port_gate.efd < 0 || port_gate.intr == NULL ||
			rte_intr_fd_set(port_gate.intr, port_gate.efd) != 0 ||
			rte_intr_type_set(port_gate.intr, RTE_INTR_HANDLE_EXT) != 0 ||
			rte_intr_callback_register(port_gate.intr, hold, NULL) != 0) {
		fprintf(stderr, "ovlperf %s: cannot hold the interrupt thread for the memif port (eventfd or callback refused)\n",
				command);
		rte_intr_instance_free(port_gate.intr);
		port_gate.intr = NULL;
		if (port_gate.efd >= 0)
			close(port_gate.efd);
		port_gate.efd = -1;
		rte_free(qsv);
		return -1;
	}
	port_gate.stopping = 0;
	port_gate.open = 0;
	port_gate.qsv = qsv;
	kick();
	return 0;
}

void
port_gate_stop(void)
{
	if (port_gate.qsv == NULL)
		return;
	port_gate.stopping = 1;
	rte_intr_callback_unregister_sync(port_gate.intr, hold, NULL);
	rte_intr_instance_free(port_gate.intr);
	port_gate.intr = NULL;
	close(port_gate.efd);
	port_gate.efd = -1;
	port_gate.open = 0;
	rte_free(port_gate.qsv);
	port_gate.qsv = NULL;
}

void
port_gate_online(void)
{
	if (port_gate.qsv != NULL)
		rte_rcu_qsbr_thread_online(port_gate.qsv, rte_lcore_id());
}

void
port_gate_offline(void)
{
	if (port_gate.qsv != NULL)
		rte_rcu_qsbr_thread_offline(port_gate.qsv, rte_lcore_id());
}

void
port_gate_restart(uint16_t id)
{
	if (port_gate.qsv != NULL)
		__atomic_store_n(&port_gate.restart, id, __ATOMIC_RELEASE);
}

void
port_gate_wait(void)
{
	sched_yield();
}

void
port_gate_enter(void)
{
	port_gate_online();
	while (!port_gate_pass())
		;
}

void
port_gate_leave(void)
{
	port_gate_offline();
}
