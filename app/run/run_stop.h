/* SPDX-License-Identifier: BSD-3-Clause */
/* What every running command and its lcores share: the stop flag that SIGINT and SIGTERM raise. */
#ifndef OVL_APP_RUN_STOP_H
#define OVL_APP_RUN_STOP_H

extern volatile int run_quit;

/* Installs the handlers: the first signal asks the lcores to stop (drain, report, write). */
void run_signals_install(void);

#endif
