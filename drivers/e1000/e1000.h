/*
 * The e1000 driver: Intel 82540EM (8086:100e, QEMU's e1000) and 82574L (8086:10d3, QEMU's
 * e1000e). Other Intel Ethernet controllers are refused by name.
 */
#ifndef DRIVERS_E1000_E1000_H
#define DRIVERS_E1000_E1000_H

#include "drivers/pci/pci.h"

extern const struct pci_driver e1000_pci_driver;

#endif
