/* Finds the devices netplant drives: a walk over PCI functions with a table of drivers. */
#ifndef DRIVERS_PROBE_PROBE_H
#define DRIVERS_PROBE_PROBE_H

#include "kernel/cmdline.h"

/*
 * Offers every PCI function to the driver table (first match in table order takes it), then
 * binds the command line's virtio MMIO slots. Disks and NICs register in that order.
 */
void drivers_probe_all(const struct cmdline *cl);

#endif
