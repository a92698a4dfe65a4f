/*
 * drivers/pci/pci_enum.c: enumeration over a fake machine's config space. Every function must
 * be found exactly once: behind bridges, on root buses no bridge leads to (QEMU's pxb), in
 * several segments and MCFG ranges, with buses numbered out of order or in a loop.
 */
#include "drivers/pci/pci.h"
#include "tests/unit/test.h"

#define MAX_FN 64

struct fn {
    uint16_t seg;
    uint8_t bus, dev, fn;
    uint16_t vendor;
    uint8_t header;     /* bit 7: multi-function; low bits 1: bridge */
    uint8_t sec;        /* bridges: the secondary bus */
    unsigned found;     /* how often found() named it */
};

struct machine {
    struct fn f[MAX_FN];
    unsigned n;
    unsigned reads;
    unsigned unknown;   /* found() calls for a function that is not there */
    unsigned roots_seen[4];
    unsigned nroots_seen;
};

static struct fn *lookup(struct machine *m, const struct pci_addr *a)
{
    for (unsigned i = 0; i < m->n; i++)
        if (m->f[i].seg == a->seg && m->f[i].bus == a->bus && m->f[i].dev == a->dev && m->f[i].fn == a->fn)
            return &m->f[i];
    return NULL;
}

static uint32_t m_read32(void *ctx, const struct pci_addr *a, uint16_t off)
{
    struct machine *m = ctx;
    m->reads++;
    struct fn *f = lookup(m, a);
    if (!f)
        return 0xFFFFFFFF;      /* nothing there: a master abort reads all ones */
    switch (off) {
    case PCI_VENDOR_ID: return f->vendor | 0x1234u << 16;
    case PCI_HEADER_TYPE & ~3u: return (uint32_t)f->header << 16;
    case PCI_SECONDARY_BUS & ~3u: return (uint32_t)f->sec << 8 | f->bus;   /* primary, secondary */
    default: return 0;
    }
}

static void m_found(void *ctx, const struct pci_addr *a)
{
    struct machine *m = ctx;
    struct fn *f = lookup(m, a);
    if (f)
        f->found++;
    else
        m->unknown++;
}

static void m_root(void *ctx, uint16_t seg, uint8_t bus)
{
    struct machine *m = ctx;
    if (m->nroots_seen < 4)
        m->roots_seen[m->nroots_seen] = (unsigned)seg << 8 | bus;
    m->nroots_seen++;
}

static void add(struct machine *m, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint8_t header, uint8_t sec)
{
    m->f[m->n++] = (struct fn){ seg, bus, dev, fn, 0x8086, header, sec, 0 };
}

static struct pci_enum e;

static void run(struct machine *m, const struct pci_bus_range *r, unsigned n)
{
    e = (struct pci_enum){ .read32 = m_read32, .found = m_found, .root = m_root, .ctx = m };
    pci_enumerate(&e, r, n);
}

/* Every function found exactly once, and nothing that is not there. */
static void check_all_once(struct machine *m)
{
    for (unsigned i = 0; i < m->n; i++)
        if (!CHECK_EQ_U64(m->f[i].found, 1))
            fprintf(stderr, "  function %04x:%02x:%02x.%u\n", m->f[i].seg, m->f[i].bus, m->f[i].dev, m->f[i].fn);
    CHECK_EQ_U64(m->unknown, 0);
    CHECK_EQ_U64(e.nfunctions, m->n);
}

/* The field report: q35 + pxb-pcie bus_nr=32, a root port on it, the disk behind that. */
static void test_pxb_root_bus(void)
{
    static struct machine m;
    memset(&m, 0, sizeof(m));
    add(&m, 0, 0, 0, 0, 0, 0);          /* host bridge */
    add(&m, 0, 0, 2, 0, 0, 0);          /* pxb's host bridge device: type 0, leads nowhere */
    add(&m, 0, 0, 31, 0, 0x80, 0);      /* ICH9 LPC, multi-function */
    add(&m, 0, 0, 31, 2, 0, 0);         /* AHCI */
    add(&m, 0, 32, 0, 0, 1, 33);        /* pcie-root-port on the pxb's bus */
    add(&m, 0, 33, 0, 0, 0, 0);         /* the virtio-blk disk */
    const struct pci_bus_range r = { 0, 0, 255 };
    run(&m, &r, 1);
    check_all_once(&m);
    CHECK_EQ_U64(e.nroots, 2);
    CHECK_EQ_U64(m.nroots_seen, 2);
    CHECK_EQ_U64(m.roots_seen[0], 0x000);
    CHECK_EQ_U64(m.roots_seen[1], 0x020);
    /* The sweep stays bounded: 256 buses of 32 devices, plus the functions' own reads. */
    CHECK(m.reads < 256 * 32 * 2 + 100);
}

/* Several root buses, the higher ones holding bridges of their own. */
static void test_several_roots(void)
{
    static struct machine m;
    memset(&m, 0, sizeof(m));
    add(&m, 0, 0, 0, 0, 0, 0);
    add(&m, 0, 0, 1, 0, 1, 1);          /* bridge to bus 1 */
    add(&m, 0, 1, 0, 0, 0, 0);
    add(&m, 0, 0x40, 0, 0, 0, 0);       /* second socket's root bus */
    add(&m, 0, 0x40, 3, 0, 1, 0x41);
    add(&m, 0, 0x41, 0, 0, 0, 0);
    add(&m, 0, 0x80, 5, 0, 0, 0);       /* third, with nothing at device 0 */
    const struct pci_bus_range r = { 0, 0, 255 };
    run(&m, &r, 1);
    check_all_once(&m);
    CHECK_EQ_U64(e.nroots, 3);
}

/* A bridge whose secondary bus is below its own, and one whose secondary is a root bus. */
static void test_out_of_order(void)
{
    static struct machine m;
    memset(&m, 0, sizeof(m));
    add(&m, 0, 0, 0, 0, 0, 0);
    add(&m, 0, 0, 1, 0, 1, 9);          /* 0 -> 9 */
    add(&m, 0, 9, 0, 0, 1, 4);          /* 9 -> 4: numbered below its parent */
    add(&m, 0, 4, 0, 0, 0, 0);
    add(&m, 0, 0, 2, 0, 1, 0);          /* 0 -> 0: a bridge pointing at its own bus */
    add(&m, 0, 4, 1, 0, 1, 9);          /* 4 -> 9: a loop back up */
    const struct pci_bus_range r = { 0, 0, 255 };
    run(&m, &r, 1);
    check_all_once(&m);
    CHECK_EQ_U64(e.nroots, 1);
}

/* A bridge firmware never numbered (secondary 0) leads nowhere; nothing behind it is reachable. */
static void test_unconfigured_bridge(void)
{
    static struct machine m;
    memset(&m, 0, sizeof(m));
    add(&m, 0, 0, 0, 0, 0, 0);
    add(&m, 0, 32, 0, 0, 1, 0);         /* a root port on a pxb bus, left unnumbered */
    const struct pci_bus_range r = { 0, 0, 255 };
    run(&m, &r, 1);
    check_all_once(&m);
    CHECK_EQ_U64(e.nroots, 2);
}

/* Two MCFG segments, and one segment split over two MCFG ranges. */
static void test_segments_and_ranges(void)
{
    static struct machine m;
    memset(&m, 0, sizeof(m));
    add(&m, 0, 0, 0, 0, 0, 0);
    add(&m, 0, 0, 1, 0, 1, 130);        /* range 0-127 bridges into range 128-255 */
    add(&m, 0, 130, 0, 0, 0, 0);
    add(&m, 0, 200, 0, 0, 0, 0);        /* a root bus in the second range */
    add(&m, 1, 0, 0, 0, 0, 0);          /* segment 1 */
    add(&m, 1, 0, 4, 0, 1, 2);
    add(&m, 1, 2, 0, 0, 0, 0);
    add(&m, 1, 0x40, 0, 0, 0, 0);       /* segment 1, bus 0x40: outside its range, never read */
    const struct pci_bus_range r[] = { { 0, 0, 127 }, { 0, 128, 255 }, { 1, 0, 0x3F } };
    run(&m, r, 3);
    for (unsigned i = 0; i + 1 < m.n; i++)
        CHECK_EQ_U64(m.f[i].found, 1);
    CHECK_EQ_U64(m.f[m.n - 1].found, 0);
    CHECK_EQ_U64(e.nroots, 3);          /* 0:00, 0:c8 and 1:00; 0:82 is below a bridge */
    CHECK_EQ_U64(e.nfunctions, m.n - 1);
}

/* Functions of a multi-function device are all found, single-function ones only at 0. */
static void test_multifunction(void)
{
    static struct machine m;
    memset(&m, 0, sizeof(m));
    add(&m, 0, 0, 3, 0, 0x80, 0);
    add(&m, 0, 0, 3, 5, 0, 0);
    add(&m, 0, 0, 3, 7, 0x81, 1);       /* a bridge as function 7 */
    add(&m, 0, 1, 0, 0, 0, 0);
    add(&m, 0, 0, 4, 0, 0, 0);
    const struct pci_bus_range r = { 0, 0, 255 };
    run(&m, &r, 1);
    check_all_once(&m);
}

/* Bridges nested deeper than the bound: still each bus once, found by the sweep. */
static void test_deep_chain(void)
{
    static struct machine m;
    memset(&m, 0, sizeof(m));
    for (uint8_t b = 0; b < 40; b++)
        add(&m, 0, b, 0, 0, 1, (uint8_t)(b + 1));
    add(&m, 0, 40, 0, 0, 0, 0);
    const struct pci_bus_range r = { 0, 0, 255 };
    run(&m, &r, 1);
    check_all_once(&m);
}

/* No ranges (microvm: no PCI at all): nothing read, nothing found. */
static void test_nothing(void)
{
    static struct machine m;
    memset(&m, 0, sizeof(m));
    run(&m, NULL, 0);
    CHECK_EQ_U64(m.reads, 0);
    CHECK_EQ_U64(e.nfunctions, 0);
    CHECK_EQ_U64(e.nroots, 0);
}

int main(void)
{
    TEST_RUN(test_pxb_root_bus);
    TEST_RUN(test_several_roots);
    TEST_RUN(test_out_of_order);
    TEST_RUN(test_unconfigured_bridge);
    TEST_RUN(test_segments_and_ranges);
    TEST_RUN(test_multifunction);
    TEST_RUN(test_deep_chain);
    TEST_RUN(test_nothing);
    return test_finish();
}
