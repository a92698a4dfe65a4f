/*
 * drivers/virtio/virtio_pci_caps.c: finding common/notify/isr/device config among a fake
 * function's capabilities (virtio 1.2 4.1.4), every malformed capability skipped with its
 * reason.
 */
#include "drivers/virtio/virtio_pci_caps.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"
#include "tests/unit_drivers/fake_cfg.h"

#define COMMON VIRTIO_PCI_CAP_COMMON_CFG
#define NOTIFY VIRTIO_PCI_CAP_NOTIFY_CFG
#define ISR    VIRTIO_PCI_CAP_ISR_CFG
#define DEVICE VIRTIO_PCI_CAP_DEVICE_CFG

/* One vendor capability as the test lays it out. */
struct vcap {
    uint8_t off, cap_len, type, bar;
    uint32_t offset, length, mult;
};

/* QEMU's modern virtio-pci: everything in a 16 KiB 64-bit BAR4, 4 KiB per structure. */
static const struct vcap qemu_caps[] = {
    { 0x50, 16, COMMON, 4, 0x0000, 0x1000, 0 },
    { 0x64, 16, ISR,    4, 0x1000, 0x1000, 0 },
    { 0x74, 16, DEVICE, 4, 0x2000, 0x1000, 0 },
    { 0x84, 20, NOTIFY, 4, 0x3000, 0x1000, 4 },
    { 0x98, 20, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0, 0 },
};
#define NCAPS (sizeof(qemu_caps) / sizeof(qemu_caps[0]))

static struct pci_bar bars[PCI_MAX_BARS];
static struct fake_cfg cfg;
static struct virtio_pci_layout lay;

struct skip_log {
    unsigned n;
    uint8_t off[16];
    const char *why[16];
};
static struct skip_log skips;

static void on_skip(void *ctx, uint8_t off, const char *why)
{
    struct skip_log *s = ctx;
    CHECK(why != NULL);
    if (s->n < 16) {
        s->off[s->n] = off;
        s->why[s->n] = why;
    }
    s->n++;
}

static void bars_init(void)
{
    memset(bars, 0, sizeof(bars));
    bars[0] = (struct pci_bar){ .base = 0xC000, .size = 0x40, .io = true };
    bars[1] = (struct pci_bar){ .base = 0xFEBD1000, .size = 0x1000 };
    bars[4] = (struct pci_bar){ .base = 0xFE000000, .size = 0x4000, .is64 = true, .prefetch = true };
    /* bars[5] is BAR4's upper half: size 0. */
}

/* An MSI-X capability at 0x40, then the given vendor capabilities in order. */
static void build(const struct vcap *v, unsigned n)
{
    fake_cfg_init(&cfg, true);
    fake_cfg_cap(&cfg, 0x40, 0x11);
    cfg.b[0x42] = 0x02;
    for (unsigned i = 0; i < n; i++)
        fake_cfg_vcap(&cfg, v[i].off, v[i].cap_len, v[i].type, v[i].bar, v[i].offset,
                      v[i].length, v[i].mult);
}

static int parse(void)
{
    memset(&skips, 0, sizeof(skips));
    memset(&lay, 0xA5, sizeof(lay));
    cfg.out_of_range = 0;
    int err = virtio_pci_parse_caps(fake_cfg_read8, &cfg, bars, &lay, on_skip, &skips);
    CHECK_EQ_U64(cfg.out_of_range, 0);
    return err;
}

static void check_region(const struct virtio_pci_region *r, const struct vcap *v)
{
    if (!CHECK(r->present))
        return;
    CHECK_EQ_U64(r->bar, v->bar);
    CHECK_EQ_U64(r->offset, v->offset);
    CHECK_EQ_U64(r->length, v->length);
}

static void test_valid_layout(void)
{
    bars_init();
    build(qemu_caps, NCAPS);
    CHECK_EQ_I64(parse(), 0);
    CHECK_EQ_U64(skips.n, 0);
    check_region(&lay.common, &qemu_caps[0]);
    check_region(&lay.isr, &qemu_caps[1]);
    check_region(&lay.device, &qemu_caps[2]);
    check_region(&lay.notify, &qemu_caps[3]);
    CHECK_EQ_U64(lay.notify_mult, 4);

    /* A NULL skip callback is allowed. */
    CHECK_EQ_I64(virtio_pci_parse_caps(fake_cfg_read8, &cfg, bars, &lay, NULL, NULL), 0);

    /* ISR is optional: without it the device is still usable. */
    const struct vcap no_isr[] = { qemu_caps[0], qemu_caps[2], qemu_caps[3] };
    build(no_isr, 3);
    CHECK_EQ_I64(parse(), 0);
    CHECK(!lay.isr.present);

    /* Exactly filling the BAR, and a common config of exactly 0x38 bytes, are fine. */
    struct vcap edge[NCAPS];
    memcpy(edge, qemu_caps, sizeof(edge));
    edge[0].length = VIRTIO_PCI_COMMON_CFG_LEN;
    edge[3].offset = 0x3FF0;
    edge[3].length = 0x10;
    build(edge, NCAPS);
    CHECK_EQ_I64(parse(), 0);
    CHECK_EQ_U64(skips.n, 0);
    check_region(&lay.common, &edge[0]);
    check_region(&lay.notify, &edge[3]);

    /* offset + length is computed in 64 bits: past 4 GiB but inside an 8 GiB BAR is fine. */
    memcpy(edge, qemu_caps, sizeof(edge));
    edge[2].offset = 0xFFFFF000;
    edge[2].length = 0x2000;
    bars[4].size = 0x200000000ull;
    build(edge, NCAPS);
    CHECK_EQ_I64(parse(), 0);
    check_region(&lay.device, &edge[2]);
    bars_init();

    /* A longer capability than the structure (vendor data after it) is fine too. */
    memcpy(edge, qemu_caps, sizeof(edge));
    edge[0].cap_len = 20;
    build(edge, NCAPS);
    CHECK_EQ_I64(parse(), 0);
    CHECK_EQ_U64(skips.n, 0);
}

/* No capabilities at all, or no vendor ones: no device. */
static void test_missing(void)
{
    bars_init();
    fake_cfg_init(&cfg, false);
    CHECK_EQ_I64(parse(), -NP_ENODEV);
    CHECK(!lay.common.present && !lay.notify.present && !lay.device.present && !lay.isr.present);
    build(NULL, 0);
    CHECK_EQ_I64(parse(), -NP_ENODEV);
    CHECK_EQ_U64(skips.n, 0);
    for (unsigned drop = 0; drop < 4; drop++) {
        if (drop == 1)
            continue;   /* ISR */
        struct vcap v[NCAPS];
        unsigned n = 0;
        for (unsigned i = 0; i < NCAPS; i++)
            if (i != drop)
                v[n++] = qemu_caps[i];
        build(v, n);
        if (!CHECK_EQ_I64(parse(), -NP_ENODEV))
            fprintf(stderr, "  without capability %u\n", drop);
    }
    /* A broken list is the walk's error, with the layout cleared. */
    build(qemu_caps, NCAPS);
    cfg.b[0x99] = 0x50;
    CHECK_EQ_I64(parse(), -NP_ELOOP);
    CHECK(!lay.common.present && !lay.notify.present);
}

/* One malformed capability, which field breaks it and the reason it must be skipped with. */
struct bad_case {
    const char *what;
    unsigned which;         /* index into qemu_caps */
    struct vcap cap;
    const char *reason;     /* a distinctive part of the reason */
};

static const struct bad_case bad_cases[] = {
    { "common cap_len 15", 0, { 0x50, 15, COMMON, 4, 0, 0x1000, 0 }, "shorter than its structure" },
    { "notify cap_len 16", 3, { 0x84, 16, NOTIFY, 4, 0x3000, 0x1000, 8 }, "shorter than its structure" },
    { "device cap_len 0", 2, { 0x74, 0, DEVICE, 4, 0x2000, 0x1000, 0 }, "shorter than its structure" },
    { "common runs past 256", 0, { 0xF8, 16, COMMON, 4, 0, 0x1000, 0 }, "runs past config space" },
    { "notify runs past 256", 3, { 0xF0, 20, NOTIFY, 4, 0x3000, 0x1000, 8 }, "runs past config space" },
    { "device cap_len 255", 2, { 0x74, 255, DEVICE, 4, 0x2000, 0x1000, 0 }, "runs past config space" },
    { "common BAR 6", 0, { 0x50, 16, COMMON, 6, 0, 0x1000, 0 }, "BAR index over 5" },
    { "notify BAR 0xFF", 3, { 0x84, 20, NOTIFY, 0xFF, 0x3000, 0x1000, 8 }, "BAR index over 5" },
    { "device in absent BAR2", 2, { 0x74, 16, DEVICE, 2, 0, 0x10, 0 }, "absent or not memory" },
    { "device in BAR5 (BAR4's upper half)", 2, { 0x74, 16, DEVICE, 5, 0, 0x10, 0 }, "absent or not memory" },
    { "common in I/O BAR0", 0, { 0x50, 16, COMMON, 0, 0, 0x38, 0 }, "absent or not memory" },
    { "notify offset+length wraps 32 bits", 3, { 0x84, 20, NOTIFY, 4, 0xFFFFFFF0, 0x20, 8 }, "past its BAR" },
    { "device offset past BAR end", 2, { 0x74, 16, DEVICE, 4, 0x4000, 0x10, 0 }, "past its BAR" },
    { "common end 1 past BAR end", 0, { 0x50, 16, COMMON, 4, 0x3001, 0x1000, 0 }, "past its BAR" },
    { "device length 4 GiB-1", 2, { 0x74, 16, DEVICE, 4, 0x10, 0xFFFFFFFF, 0 }, "past its BAR" },
    { "common length 0x37", 0, { 0x50, 16, COMMON, 4, 0, 0x37, 0 }, "common config shorter" },
    { "isr BAR 7 (optional)", 1, { 0x64, 16, ISR, 7, 0x1000, 0x1000, 0 }, "BAR index over 5" },
};

static const struct virtio_pci_region *region_of(uint8_t type)
{
    return type == COMMON ? &lay.common : type == NOTIFY ? &lay.notify :
           type == ISR ? &lay.isr : &lay.device;
}

static void test_each_bad_cap(void)
{
    bars_init();
    for (size_t k = 0; k < sizeof(bad_cases) / sizeof(bad_cases[0]); k++) {
        const struct bad_case *c = &bad_cases[k];
        test_current = c->what;
        struct vcap v[NCAPS];
        memcpy(v, qemu_caps, sizeof(v));
        v[c->which] = c->cap;
        /* The list runs in the order given, wherever each capability sits. */
        build(v, NCAPS);
        int want = c->cap.type == ISR ? 0 : -NP_ENODEV;
        CHECK_EQ_I64(parse(), want);
        CHECK(!region_of(c->cap.type)->present);
        if (CHECK_EQ_U64(skips.n, 1)) {
            CHECK_EQ_U64(skips.off[0], c->cap.off);
            if (!CHECK(strstr(skips.why[0], c->reason) != NULL))
                fprintf(stderr, "  reason \"%s\", wanted \"%s\"\n", skips.why[0], c->reason);
        }
        /* The other types were still found. */
        for (unsigned i = 0; i < 4; i++)
            if (i != c->which)
                check_region(region_of(qemu_caps[i].type), &qemu_caps[i]);

        /* A later valid capability of the same type is used instead. */
        struct vcap again[NCAPS + 1];
        memcpy(again, v, sizeof(v));
        again[NCAPS] = qemu_caps[c->which];
        again[NCAPS].off = 0xB0;
        build(again, NCAPS + 1);
        CHECK_EQ_I64(parse(), 0);
        check_region(region_of(c->cap.type), &again[NCAPS]);
        if (c->cap.type == NOTIFY)
            CHECK_EQ_U64(lay.notify_mult, qemu_caps[c->which].mult);
        CHECK_EQ_U64(skips.n, 1);
    }
    test_current = "test_each_bad_cap";
}

/* Two valid capabilities of one type: the first wins, the second is not reported. */
static void test_first_valid_wins(void)
{
    bars_init();
    struct vcap v[NCAPS + 2];
    memcpy(v, qemu_caps, sizeof(qemu_caps));
    v[NCAPS] = (struct vcap){ 0xB0, 16, COMMON, 1, 0x0, 0x100, 0 };
    v[NCAPS + 1] = (struct vcap){ 0xC0, 20, NOTIFY, 1, 0x100, 0x100, 8 };
    build(v, NCAPS + 2);
    CHECK_EQ_I64(parse(), 0);
    CHECK_EQ_U64(skips.n, 0);
    check_region(&lay.common, &qemu_caps[0]);
    check_region(&lay.notify, &qemu_caps[3]);
    CHECK_EQ_U64(lay.notify_mult, 4);

    /* A bad first, a good second and a good third of one type: the second. */
    v[0].bar = 9;
    v[NCAPS + 1] = (struct vcap){ 0xC0, 16, COMMON, 4, 0x0, 0x800, 0 };
    build(v, NCAPS + 2);
    CHECK_EQ_I64(parse(), 0);
    CHECK_EQ_U64(skips.n, 1);
    check_region(&lay.common, &v[NCAPS]);
}

/* Vendor capabilities of types we do not use, and other ids, are passed over silently. */
static void test_not_ours(void)
{
    bars_init();
    struct vcap v[NCAPS + 2];
    memcpy(v, qemu_caps, sizeof(qemu_caps));
    v[NCAPS] = (struct vcap){ 0xB0, 16, 8, 9, 0, 0, 0 };          /* shared memory, bad BAR */
    v[NCAPS + 1] = (struct vcap){ 0xC0, 2, 0, 77, 0, 0, 0 };      /* reserved type, too short */
    build(v, NCAPS + 2);
    fake_cfg_cap(&cfg, 0xD0, 0x05);                               /* MSI */
    CHECK_EQ_I64(parse(), 0);
    CHECK_EQ_U64(skips.n, 0);
}

/*
 * The BAR table as pci_size_bars builds it, from register values through pci_bar_decode:
 * QEMU's modern virtio-pci has BAR1 (MSI-X, 4 KiB), BAR4+5 (64-bit, 16 KiB) and nothing in
 * BAR0, BAR2 and BAR3, which read back 0 after writing ones. A capability naming one of those
 * must be skipped as absent, not mapped at physical address 0.
 */
static void test_bars_from_registers(void)
{
    static const uint32_t regs[PCI_MAX_BARS][2] = {     /* value, value read back after ones */
        { 0, 0 }, { 0xFEBD1000, 0xFFFFF000 }, { 0, 0 }, { 0, 0 },
        { 0x0000000C, 0xFFFFC00C }, { 0x00000080, 0xFFFFFFFF },
    };
    memset(bars, 0, sizeof(bars));
    pci_bar_decode(regs[0][0], regs[0][1], 0, 0, &bars[0]);
    pci_bar_decode(regs[1][0], regs[1][1], 0, 0, &bars[1]);
    pci_bar_decode(regs[2][0], regs[2][1], 0, 0, &bars[2]);
    pci_bar_decode(regs[3][0], regs[3][1], 0, 0, &bars[3]);
    pci_bar_decode(regs[4][0], regs[4][1], regs[5][0], regs[5][1], &bars[4]);

    build(qemu_caps, NCAPS);
    CHECK_EQ_I64(parse(), 0);
    CHECK_EQ_U64(skips.n, 0);

    struct vcap v[NCAPS];
    memcpy(v, qemu_caps, sizeof(v));
    v[2].bar = 2;       /* device config in the unimplemented BAR2 */
    v[2].offset = 0;
    build(v, NCAPS);
    CHECK_EQ_I64(parse(), -NP_ENODEV);
    CHECK(!lay.device.present);
    if (CHECK_EQ_U64(skips.n, 1))
        CHECK(strstr(skips.why[0], "absent or not memory") != NULL);
}

int main(void)
{
    TEST_RUN(test_valid_layout);
    TEST_RUN(test_missing);
    TEST_RUN(test_each_bad_cap);
    TEST_RUN(test_first_valid_wins);
    TEST_RUN(test_not_ours);
    TEST_RUN(test_bars_from_registers);
    return test_finish();
}
