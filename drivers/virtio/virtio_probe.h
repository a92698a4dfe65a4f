#ifndef DRIVERS_VIRTIO_PROBE_H
#define DRIVERS_VIRTIO_PROBE_H

#include "drivers/pci/pci.h"
#include "kernel/cmdline.h"

/* virtio over PCI: transitional and modern functions of vendor 0x1AF4. */
extern const struct pci_driver virtio_pci_driver;

/* Probes every virtio_mmio.device= slot of the command line and binds drivers. */
void virtio_mmio_probe_all(const struct cmdline *cl);

#endif
