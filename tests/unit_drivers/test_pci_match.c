/* drivers/pci/pci_match.c: the driver table takes functions by vendor, device range and class. */
#include "drivers/pci/pci.h"
#include "tests/unit/test.h"

static int attach_none(struct pci_dev *p) { (void)p; return 0; }

static const struct pci_match virtio_ids[] = { { 0x1AF4, 0x1000, 0x107F, 0, 0 } };
static const struct pci_match nvme_ids[] = { { PCI_ANY, 0, 0xFFFF, 0x010802, 0xFFFFFF } };
static const struct pci_match intel_ids[] = { { 0x8086, 0x100E, 0x100E, 0x020000, 0xFF0000 },
                                              { 0x8086, 0x10D3, 0x10D3, 0x020000, 0xFF0000 } };
static const struct pci_driver virtio = { "virtio", virtio_ids, 1, attach_none };
static const struct pci_driver nvme = { "nvme", nvme_ids, 1, attach_none };
static const struct pci_driver intel = { "e1000", intel_ids, 2, attach_none };
static const struct pci_driver *const table[] = { &virtio, &nvme, &intel };

static struct pci_dev dev(uint16_t vendor, uint16_t device, uint32_t class_code)
{
    struct pci_dev d;
    memset(&d, 0, sizeof(d));
    d.vendor = vendor;
    d.device = device;
    d.class_rev = class_code << 8 | 0x02;   /* revision in the low byte: ignored */
    return d;
}

static void test_find(void)
{
    struct pci_dev d = dev(0x1AF4, 0x1042, 0x010000);
    CHECK(pci_driver_find(table, 3, &d) == &virtio);
    d = dev(0x1AF4, 0x1080, 0x010000);                  /* beyond the range */
    CHECK(pci_driver_find(table, 3, &d) == NULL);
    d = dev(0x1B36, 0x0010, 0x010802);                  /* QEMU's NVMe, by class */
    CHECK(pci_driver_find(table, 3, &d) == &nvme);
    d = dev(0x144D, 0xA808, 0x010802);                  /* anyone's NVMe */
    CHECK(pci_driver_find(table, 3, &d) == &nvme);
    d = dev(0x1B36, 0x0010, 0x010801);                  /* another programming interface */
    CHECK(pci_driver_find(table, 3, &d) == NULL);
    d = dev(0x8086, 0x10D3, 0x020000);
    CHECK(pci_driver_find(table, 3, &d) == &intel);
    d = dev(0x8086, 0x10D3, 0x030000);                  /* right id, wrong class */
    CHECK(pci_driver_find(table, 3, &d) == NULL);
    d = dev(0x8086, 0x2922, 0x010601);                  /* q35's AHCI: nobody here */
    CHECK(pci_driver_find(table, 3, &d) == NULL);
    CHECK(pci_driver_find(table, 0, &d) == NULL);
}

int main(void)
{
    TEST_RUN(test_find);
    return test_finish();
}
