/*
 * What the storage and network functions netplant has no driver for are, by vendor/device and
 * by class code (PCI Code and ID Assignment 1.11, classes 01 and 02), so that "no disk found"
 * can say "0000:00:04.0 is an NVMe controller, which netplant does not drive". A function a
 * driver claims is never looked up: when a driver for one of these arrives, its lines here can
 * go.
 */
#include "drivers/pci/pci.h"

#define ANY_ID      0       /* vendor/device 0 is never a real one */

static const struct pci_id pci_ids[] = {
    /* Known devices first: QEMU's and common hardware's NICs, SCSI hosts. Intel Ethernet, NVMe and
       AHCI are not here: their drivers claim them (and the e1000 driver names the Intel models it refuses). */
    { 0x10EC, 0x8139, 0, 0, DEV_NIC, "a Realtek RTL8139 Ethernet controller" },
    { 0x15AD, 0x07B0, 0, 0, DEV_NIC, "a VMware VMXNET3 Ethernet controller" },
    { 0x1000, 0x0012, 0, 0, DEV_DISK, "an LSI 53C895A SCSI controller" },
    { 0x1000, 0x005B, 0, 0, DEV_DISK, "an LSI MegaRAID SAS 2208 controller" },
    /* Then by class: interface byte, then subclass, then class. */
    { ANY_ID, ANY_ID, 0x010600, 0xFFFF00, DEV_DISK, "a SATA controller" },
    { ANY_ID, ANY_ID, 0x010100, 0xFFFF00, DEV_DISK, "an IDE controller" },
    { ANY_ID, ANY_ID, 0x010000, 0xFFFF00, DEV_DISK, "a SCSI controller" },
    { ANY_ID, ANY_ID, 0x010400, 0xFFFF00, DEV_DISK, "a RAID controller" },
    { ANY_ID, ANY_ID, 0x010500, 0xFFFF00, DEV_DISK, "an ATA controller" },
    { ANY_ID, ANY_ID, 0x010700, 0xFFFF00, DEV_DISK, "a SAS controller" },
    { ANY_ID, ANY_ID, 0x010000, 0xFF0000, DEV_DISK, "a storage controller" },
    { ANY_ID, ANY_ID, 0x020000, 0xFFFF00, DEV_NIC, "an Ethernet controller" },
    { ANY_ID, ANY_ID, 0x020000, 0xFF0000, DEV_NIC, "a network controller" },
};

const struct pci_id *pci_id_lookup(uint16_t vendor, uint16_t device, uint32_t class_code)
{
    for (size_t i = 0; i < sizeof(pci_ids) / sizeof(pci_ids[0]); i++) {
        const struct pci_id *p = &pci_ids[i];
        if (p->vendor != ANY_ID && (p->vendor != vendor || p->device != device))
            continue;
        if ((class_code & p->class_mask) == p->class_code)
            return p;
    }
    return NULL;
}
