/*
 * drivers/pci/pci_ids.c: what a storage or network function netplant has no driver for is
 * called, by vendor/device first, then by class code; anything else is not named.
 */
#include "drivers/pci/pci.h"
#include "tests/unit/test.h"

static void expect(uint16_t vendor, uint16_t device, uint32_t class_code, enum dev_kind kind, const char *what)
{
    const struct pci_id *id = pci_id_lookup(vendor, device, class_code);
    if (!CHECK(id != NULL)) {
        fprintf(stderr, "  %04x:%04x class %06x\n", vendor, device, class_code);
        return;
    }
    CHECK_EQ_U64(id->kind, kind);
    CHECK_STR(id->what, what);
}

static void test_lookup(void)
{
    /* QEMU's: pc's PIIX IDE, rtl8139, lsi, megasas, and made-up ones. (NVMe, AHCI and Intel
       Ethernet have drivers, which claim them: they are never looked up.) */
    expect(0x8086, 0x7010, 0x010180, DEV_DISK, "an IDE controller");
    expect(0x10EC, 0x8139, 0x020000, DEV_NIC, "a Realtek RTL8139 Ethernet controller");
    expect(0x1000, 0x0012, 0x010000, DEV_DISK, "an LSI 53C895A SCSI controller");
    expect(0x1000, 0x005B, 0x010400, DEV_DISK, "an LSI MegaRAID SAS 2208 controller");
    expect(0x1234, 0x5678, 0x010802, DEV_DISK, "a storage controller");
    expect(0x1234, 0x5678, 0x020000, DEV_NIC, "an Ethernet controller");
    expect(0x1234, 0x5678, 0x028000, DEV_NIC, "a network controller");
    expect(0x1234, 0x5678, 0x018000, DEV_DISK, "a storage controller");
    expect(0x1234, 0x5678, 0x010701, DEV_DISK, "a SAS controller");
    /* A known id with another class still goes by its id. */
    expect(0x10EC, 0x8139, 0x000000, DEV_NIC, "a Realtek RTL8139 Ethernet controller");
    /* Bridges, USB, display, ISA: not a disk or a NIC, not named. */
    CHECK(pci_id_lookup(0x8086, 0x29C0, 0x060000) == NULL);
    CHECK(pci_id_lookup(0x1B36, 0x000D, 0x0C0330) == NULL);
    CHECK(pci_id_lookup(0x1234, 0x1111, 0x030000) == NULL);
    CHECK(pci_id_lookup(0x1AF4, 0x1005, 0x00FF00) == NULL);     /* virtio-rng */
}

int main(void)
{
    TEST_RUN(test_lookup);
    return test_finish();
}
