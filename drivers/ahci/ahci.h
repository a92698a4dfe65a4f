/* The AHCI driver (class 01 06 01): SATA disks on every port; ATAPI devices are skipped. */
#ifndef DRIVERS_AHCI_AHCI_H
#define DRIVERS_AHCI_AHCI_H

#include "drivers/pci/pci.h"

extern const struct pci_driver ahci_pci_driver;

#endif
