/* Network test modes for the QEMU tests and benchmarks (nettest= on the command line). */
#ifndef NET_NETTEST_H
#define NET_NETTEST_H

#include "kernel/cmdline.h"
#include "kernel/exit.h"

/*
 * lease: bring the network up and stop. sink:PORT: accept one TCP connection, count what
 * arrives, report MB/s. echo:PORT: accept one connection and send back everything, in order.
 * resolve:NAME: look NAME up through DNS. The network is up when this runs.
 */
enum np_exit nettest_run(const char *spec);

#endif
