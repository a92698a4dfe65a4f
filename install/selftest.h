/* Boot self-tests named by selftest= on the command line. */
#ifndef INSTALL_SELFTEST_H
#define INSTALL_SELFTEST_H

#include "kernel/exit.h"

/* Runs the named test; returns the exit status to end with (some never return). */
enum np_exit selftest_run(const char *name);

#endif
