/* Virtio PCI transports, modern and legacy (virtio 1.2 section 4.1). */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include "drivers/pci/pci.h"
#include "drivers/virtio/virtio.h"

#define VIRTIO_PCI_MAX_QUEUES 8

struct virtio_pci {
    struct pci_dev *pci;
    volatile uint8_t *common, *notify, *device;
    uint32_t notify_mult, notify_len, device_len;
    uint16_t io;            /* legacy: I/O BAR0 base */
    volatile uint8_t *queue_notify[VIRTIO_PCI_MAX_QUEUES];
};

/* Binds d to a modern transport; -NP_ENODEV when the capabilities are not there or unusable. */
int virtio_pci_modern_probe(struct virtio_dev *d, struct virtio_pci *vp, struct pci_dev *pci);
/* Binds d to the legacy interface of a transitional device (I/O BAR0). */
int virtio_pci_legacy_probe(struct virtio_dev *d, struct virtio_pci *vp, struct pci_dev *pci);

#endif
