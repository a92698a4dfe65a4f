/* drivers/pci/pci_cap.c, pci_cap_walk: the capability list over a fake config space. */
#include "drivers/pci/pci.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"
#include "tests/unit_drivers/fake_cfg.h"

static struct fake_cfg cfg;
static struct pci_cap caps[PCI_CAPS_MAX + 1];

static int walk(unsigned max)
{
    memset(caps, 0xA5, sizeof(caps));
    cfg.reads = cfg.out_of_range = 0;
    int n = pci_cap_walk(fake_cfg_read8, &cfg, caps, max);
    CHECK_EQ_U64(cfg.out_of_range, 0);
    return n;
}

static void check_cap(unsigned i, uint8_t off, uint8_t id)
{
    CHECK_EQ_U64(caps[i].off, off);
    CHECK_EQ_U64(caps[i].id, id);
}

/* Status bit 4 clear: no list, whatever 0x34 holds. */
static void test_no_caps_bit(void)
{
    fake_cfg_init(&cfg, false);
    fake_cfg_cap(&cfg, 0x40, 0x01);
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), 0);
    /* Every other status bit set, in both bytes, still means no list. */
    cfg.b[PCI_STATUS] = (uint8_t)~PCI_STATUS_CAPS;
    cfg.b[PCI_STATUS + 1] = 0xFF;
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), 0);

    /* The bit set but a null pointer: an empty list. */
    fake_cfg_init(&cfg, true);
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), 0);
}

/* A list like QEMU's virtio-net: PM, MSI-X, vendor caps, in list order (not address order). */
static void test_normal_list(void)
{
    fake_cfg_init(&cfg, true);
    fake_cfg_cap(&cfg, 0x98, 0x11);
    fake_cfg_cap(&cfg, 0x84, PCI_CAP_ID_VNDR);
    fake_cfg_cap(&cfg, 0x40, 0x01);
    fake_cfg_cap(&cfg, 0xFC, 0x05);      /* the highest legal place */
    if (CHECK_EQ_I64(walk(PCI_CAPS_MAX), 4)) {
        check_cap(0, 0x98, 0x11);
        check_cap(1, 0x84, PCI_CAP_ID_VNDR);
        check_cap(2, 0x40, 0x01);
        check_cap(3, 0xFC, 0x05);
    }
    CHECK_EQ_U64(caps[4].off, 0xA5);    /* nothing stored past the count */
}

/* A -> B -> A, and a capability pointing at itself: -NP_ELOOP, not a hang. */
static void test_loops(void)
{
    fake_cfg_init(&cfg, true);
    fake_cfg_cap(&cfg, 0x40, 0x01);
    fake_cfg_cap(&cfg, 0x50, 0x05);
    cfg.b[0x51] = 0x40;
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), -NP_ELOOP);
    CHECK(cfg.reads < 32);

    fake_cfg_init(&cfg, true);
    fake_cfg_cap(&cfg, 0x60, 0x09);
    cfg.b[0x61] = 0x60;
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), -NP_ELOOP);

    /* A loop back into the middle of a longer list, found even after max caps were stored. */
    fake_cfg_init(&cfg, true);
    for (uint8_t off = 0x40; off <= 0x80; off += 0x10)
        fake_cfg_cap(&cfg, off, 0x09);
    cfg.b[0x81] = 0x60;
    CHECK_EQ_I64(walk(2), -NP_ELOOP);

    /* A self-loop written with the reserved low bits set still loops. */
    fake_cfg_init(&cfg, true);
    fake_cfg_cap(&cfg, 0x44, 0x09);
    cfg.b[0x45] = 0x47;
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), -NP_ELOOP);
}

/* Pointers into the standard header (below 0x40) are malformed, first or later in the list. */
static void test_pointer_below_0x40(void)
{
    fake_cfg_init(&cfg, true);
    cfg.b[PCI_CAP_PTR] = 0x20;
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), -NP_EBADMSG);

    fake_cfg_init(&cfg, true);
    fake_cfg_cap(&cfg, 0x40, 0x01);
    fake_cfg_cap(&cfg, 0x50, 0x05);
    cfg.b[0x51] = 0x3C;
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), -NP_EBADMSG);

    fake_cfg_init(&cfg, true);
    cfg.b[PCI_CAP_PTR] = 0x04;
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), -NP_EBADMSG);
}

/* The low two bits of every pointer are reserved: 0x43 means 0x40, and 0x03 means the end. */
static void test_low_bits_masked(void)
{
    fake_cfg_init(&cfg, true);
    cfg.b[PCI_CAP_PTR] = 0x43;
    cfg.b[0x40] = 0x01;
    cfg.b[0x41] = 0x52;
    cfg.b[0x50] = 0x09;
    cfg.b[0x51] = 0x03;
    if (CHECK_EQ_I64(walk(PCI_CAPS_MAX), 2)) {
        check_cap(0, 0x40, 0x01);
        check_cap(1, 0x50, 0x09);
    }
    /* 0xFF masks to 0xFC, a legal place. */
    fake_cfg_init(&cfg, true);
    cfg.b[PCI_CAP_PTR] = 0xFF;
    cfg.b[0xFC] = 0x10;
    cfg.b[0xFD] = 0x00;
    if (CHECK_EQ_I64(walk(PCI_CAPS_MAX), 1))
        check_cap(0, 0xFC, 0x10);
}

/* More capabilities than max: the first max are stored, the count is max, nothing past it. */
static void test_more_than_max(void)
{
    fake_cfg_init(&cfg, true);
    for (unsigned i = 0; i < 10; i++)
        fake_cfg_cap(&cfg, (uint8_t)(0x40 + 8 * i), (uint8_t)(i + 1));
    if (CHECK_EQ_I64(walk(4), 4))
        for (unsigned i = 0; i < 4; i++)
            check_cap(i, (uint8_t)(0x40 + 8 * i), (uint8_t)(i + 1));
    CHECK_EQ_U64(caps[4].off, 0xA5);
    CHECK_EQ_U64(caps[4].id, 0xA5);
    CHECK_EQ_I64(walk(10), 10);
    CHECK_EQ_I64(walk(11), 10);
    /* max 0: nothing is stored, so no array is needed at all. */
    CHECK_EQ_I64(pci_cap_walk(fake_cfg_read8, &cfg, NULL, 0), 0);
}

/* The longest possible list: every dword from 0x40 to 0xFC, 48 capabilities. */
static void test_longest_list(void)
{
    fake_cfg_init(&cfg, true);
    for (unsigned off = 0x40; off <= 0xFC; off += 4)
        fake_cfg_cap(&cfg, (uint8_t)off, 0x09);
    if (CHECK_EQ_I64(walk(PCI_CAPS_MAX), PCI_CAPS_MAX)) {
        check_cap(0, 0x40, 0x09);
        check_cap(PCI_CAPS_MAX - 1, 0xFC, 0x09);
    }
    /* Pointing the last one back at the first makes it a loop. */
    cfg.b[0xFD] = 0x40;
    CHECK_EQ_I64(walk(PCI_CAPS_MAX), -NP_ELOOP);
}

int main(void)
{
    TEST_RUN(test_no_caps_bit);
    TEST_RUN(test_normal_list);
    TEST_RUN(test_loops);
    TEST_RUN(test_pointer_below_0x40);
    TEST_RUN(test_low_bits_masked);
    TEST_RUN(test_more_than_max);
    TEST_RUN(test_longest_list);
    return test_finish();
}
