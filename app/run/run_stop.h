/* SPDX-License-Identifier: BSD-3-Clause */
/* What every running command and its lcores share: the stop flag that SIGINT, SIGTERM and SIGHUP raise. */
#ifndef OVL_APP_RUN_STOP_H
#define OVL_APP_RUN_STOP_H

extern volatile int run_quit;

/*
 * Installs the handlers: a signal asks the lcores to stop (drain, report, write). SIGPIPE is
 * ignored: a closed stdout or stderr fails the writes there, never the run or its files.
 */
void run_signals_install(void);

#endif
