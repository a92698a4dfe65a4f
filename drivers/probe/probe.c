/*
 * The driver table: which driver takes which PCI function. Adding a driver adds a line here,
 * not a call in kmain. Each attach logs its own failures.
 */
#include "drivers/probe/probe.h"

#include "drivers/ahci/ahci.h"
#include "drivers/e1000/e1000.h"
#include "drivers/nvme/nvme.h"
#include "drivers/pci/pci.h"
#include "drivers/virtio/virtio_probe.h"
#include "kernel/console.h"

static const struct pci_driver *const pci_drivers[] = {
    &virtio_pci_driver,
    &nvme_pci_driver,
    &ahci_pci_driver,
    &e1000_pci_driver,
};

void drivers_probe_all(const struct cmdline *cl)
{
    unsigned n = sizeof(pci_drivers) / sizeof(pci_drivers[0]);
    for (unsigned i = 0; i < pci_device_count(); i++) {
        struct pci_dev *p = pci_device(i);
        const struct pci_driver *d = pci_driver_find(pci_drivers, n, p);
        if (!d)
            continue;
        p->claimed = true;      /* taken, or refused by the driver with its own line */
        if (d->attach(p) < 0)
            log_debug("probe: %04x:%04x left to itself after %s failed\n", p->vendor, p->device, d->name);
    }
    virtio_mmio_probe_all(cl);
}
