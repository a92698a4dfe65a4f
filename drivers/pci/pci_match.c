/* Matching PCI functions to drivers by vendor, device id range and class code. */
#include "drivers/pci/pci.h"

bool pci_match_one(const struct pci_match *m, const struct pci_dev *p)
{
    if (m->vendor != PCI_ANY && m->vendor != p->vendor)
        return false;
    if (p->device < m->device_min || p->device > m->device_max)
        return false;
    return ((p->class_rev >> 8) & m->class_mask) == (m->class_code & m->class_mask);
}

const struct pci_driver *pci_driver_find(const struct pci_driver *const *drivers, unsigned n,
                                         const struct pci_dev *p)
{
    for (unsigned i = 0; i < n; i++)
        for (unsigned k = 0; k < drivers[i]->n_ids; k++)
            if (pci_match_one(&drivers[i]->ids[k], p))
                return drivers[i];
    return NULL;
}
