/* SPDX-License-Identifier: BSD-3-Clause */
#include <signal.h>
#include <string.h>

#include "run_stop.h"

volatile int run_quit;

static void
on_signal(int sig)
{
	(void)sig;
	run_quit = 1;
}

void
run_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
