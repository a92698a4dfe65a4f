/*
 * drivers/pci/pci_cap.c, pci_bar_decode: a BAR's type, base and size from the value read and
 * the value read back after writing all ones (PCI 3.0 6.2.5.1).
 */
#include "drivers/pci/pci.h"
#include "tests/unit/test.h"

static struct pci_bar bar;

static void decode(uint32_t lo, uint32_t lo_sized, uint32_t hi, uint32_t hi_sized)
{
    memset(&bar, 0xA5, sizeof(bar));
    pci_bar_decode(lo, lo_sized, hi, hi_sized, &bar);
}

static void check_bar(uint64_t base, uint64_t size, bool io, bool is64, bool prefetch)
{
    CHECK_EQ_U64(bar.base, base);
    CHECK_EQ_U64(bar.size, size);
    CHECK_EQ_U64(bar.io, io);
    CHECK_EQ_U64(bar.is64, is64);
    CHECK_EQ_U64(bar.prefetch, prefetch);
}

/* I/O BARs: bit 0 set, 16 bits of ports, bit 1 reserved. */
static void test_io(void)
{
    /* A legacy virtio device's BAR0: 64 ports at 0xC040, upper half reading back as ones. */
    decode(0x0000C041, 0xFFFFFFC1, 0, 0);
    check_bar(0xC040, 0x40, true, false, false);
    /* Some devices read back zeros in the upper 16 bits. */
    decode(0x0000C001, 0x0000FFE1, 0, 0);
    check_bar(0xC000, 0x20, true, false, false);
    /* The smallest: 4 ports; the reserved bit 1 is not part of the base. */
    decode(0x00001003, 0xFFFFFFFD, 0, 0);
    check_bar(0x1000, 4, true, false, false);
}

static void test_mem32(void)
{
    /* QEMU's virtio MSI-X BAR1: 4 KiB, 32-bit, not prefetchable. */
    decode(0xFEBD1000, 0xFFFFF000, 0, 0);
    check_bar(0xFEBD1000, 0x1000, false, false, false);
    /* A 256 MiB prefetchable 32-bit framebuffer. */
    decode(0xE0000008, 0xF0000008, 0, 0);
    check_bar(0xE0000000, 0x10000000, false, false, true);
    /* The largest 32-bit BAR: 2 GiB. */
    decode(0x80000000, 0x80000000, 0, 0);
    check_bar(0x80000000, 0x80000000, false, false, false);
}

static void test_mem64(void)
{
    /* QEMU's virtio BAR4: 16 KiB, 64-bit, prefetchable, placed above 4 GiB. */
    decode(0x0000000C, 0xFFFFC00C, 0x00000080, 0xFFFFFFFF);
    check_bar(0x8000000000ull, 0x4000, false, true, true);
    /* 8 GiB: the low half reads back no size bits at all. */
    decode(0x0000000C, 0x0000000C, 0x00000040, 0xFFFFFFFE);
    check_bar(0x4000000000ull, 0x200000000ull, false, true, true);
    /* 64-bit, not prefetchable, below 4 GiB. */
    decode(0xFE000004, 0xFFE00004, 0, 0xFFFFFFFF);
    check_bar(0xFE000000, 0x200000, false, true, false);
}

/*
 * An unimplemented BAR reads back 0 after all ones were written (PCI 3.0 6.2.5.1): it has no
 * size. (Regression: ~mask + 1 over a mask with the upper 32 bits forced to ones made it a
 * 4 GiB memory BAR at address 0, which virtio_pci_parse_caps then accepted.)
 */
static void test_unimplemented(void)
{
    decode(0, 0, 0, 0);
    CHECK_EQ_U64(bar.size, 0);
    CHECK(!bar.io);
    /* 64-bit pair whose both halves read back as zero apart from the type bits. */
    decode(0x00000004, 0x00000004, 0, 0);
    CHECK_EQ_U64(bar.size, 0);
    /* An I/O BAR whose address bits are all read-only zero. */
    decode(0x00000001, 0x00000001, 0, 0);
    CHECK_EQ_U64(bar.size, 0);
    CHECK(bar.io);
}

/*
 * A BAR typed 64-bit whose upper dword reads back 0 after writing ones: a non-compliant
 * device, and also what pci_size_bars passes when a 64-bit BAR claims the last slot (BAR5;
 * hi and hi_sized stay 0). The size is the lowest writable address bit (PCI 3.0 6.2.5.1;
 * Linux's pci_size), 16 KiB here. (Regression: ~mask + 1 made it about 16 EiB, a window
 * every capability offset fits in.)
 */
static void test_mem64_upper_read_only(void)
{
    decode(0xFE00000C, 0xFFFFC00C, 0, 0);
    CHECK_EQ_U64(bar.size, 0x4000);
    CHECK(bar.is64);
}

int main(void)
{
    TEST_RUN(test_io);
    TEST_RUN(test_mem32);
    TEST_RUN(test_mem64);
    TEST_RUN(test_unimplemented);
    TEST_RUN(test_mem64_upper_read_only);
    return test_finish();
}
