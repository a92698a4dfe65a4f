/* The NVMe driver (NVMe 1.4 over PCIe, class 01 08 02): every active namespace a disk. */
#ifndef DRIVERS_NVME_NVME_H
#define DRIVERS_NVME_NVME_H

#include "drivers/pci/pci.h"

extern const struct pci_driver nvme_pci_driver;

#endif
