/*
 * Finding every PCI function (PCI Local Bus 3.0 section 3.2.2.3, PCI-to-PCI Bridge 1.2
 * section 3.2.5.3, PCI Firmware 3.2 section 4.1.2), over a config-read callback so the host
 * tests can serve any topology.
 *
 * A machine may have more than one root bus: a multi-socket server has one per socket, and
 * QEMU's pxb/pxb-pcie (what libvirt uses for NUMA placement) adds root buses that no bridge
 * leads to; only ACPI's host-bridge objects describe them. Like Linux's legacy peer-bridge
 * scan (arch/x86/pci/legacy.c), we do not read the AML: after the tree below each range's
 * first bus, every bus of the range that nothing reached is probed as a root of its own. A
 * bus never reached by a bridge is either empty (all ones: nothing there) or a root bus.
 */
#include "drivers/pci/pci.h"

#include "kernel/string.h"

#define PCI_ENUM_MAX_DEPTH 16   /* bridges nest no deeper than this on any real machine */

static int seg_slot(struct pci_enum *e, uint16_t seg)
{
    for (unsigned s = 0; s < e->nsegs; s++)
        if (e->seg[s] == seg)
            return (int)s;
    if (e->nsegs == PCI_MAX_SEGMENTS)
        return -1;
    e->seg[e->nsegs] = seg;
    return (int)e->nsegs++;
}

static bool bus_seen(struct pci_enum *e, uint16_t seg, uint8_t bus)
{
    int s = seg_slot(e, seg);
    /* No room to remember another segment: count it as seen rather than risk a bus twice. */
    return s < 0 || (e->bus_seen[s][bus / 8] & (1u << (bus % 8)));
}

static void bus_mark(struct pci_enum *e, uint16_t seg, uint8_t bus)
{
    int s = seg_slot(e, seg);
    if (s >= 0)
        e->bus_seen[s][bus / 8] |= (uint8_t)(1u << (bus % 8));
}

static bool present(const struct pci_enum *e, const struct pci_addr *a)
{
    uint16_t vendor = (uint16_t)e->read32(e->ctx, a, PCI_VENDOR_ID);
    return vendor != 0xFFFF && vendor != 0;
}

static uint8_t header_type(const struct pci_enum *e, const struct pci_addr *a)
{
    return (uint8_t)(e->read32(e->ctx, a, PCI_HEADER_TYPE & ~3u) >> 16);
}

static void scan_bus(struct pci_enum *e, uint16_t seg, uint8_t bus, unsigned depth);

static void add_function(struct pci_enum *e, const struct pci_addr *a, unsigned depth)
{
    e->found(e->ctx, a);
    e->nfunctions++;
    if ((header_type(e, a) & 0x7F) != 1)
        return;
    /*
     * A bridge leads to its secondary bus once firmware has numbered it (0: it has not). A
     * secondary bus already scanned (a loop, or a bus reached twice) is skipped by scan_bus.
     */
    uint8_t sec = (uint8_t)(e->read32(e->ctx, a, PCI_SECONDARY_BUS & ~3u) >> 8);
    if (sec)
        scan_bus(e, a->seg, sec, depth + 1);
}

/* Scans one bus and what its bridges lead to; a bus already scanned is left alone. */
static void scan_bus(struct pci_enum *e, uint16_t seg, uint8_t bus, unsigned depth)
{
    if (depth > PCI_ENUM_MAX_DEPTH || bus_seen(e, seg, bus))
        return;
    bus_mark(e, seg, bus);
    for (uint8_t dev = 0; dev < 32; dev++) {
        struct pci_addr a = { seg, bus, dev, 0 };
        if (!present(e, &a))
            continue;
        unsigned nfn = header_type(e, &a) & 0x80 ? 8 : 1;
        for (uint8_t fn = 0; fn < nfn; fn++) {
            a.fn = fn;
            if (present(e, &a))
                add_function(e, &a, depth);
        }
    }
}

/* True when any device answers on the bus, i.e. there is something to scan. */
static bool bus_answers(const struct pci_enum *e, uint16_t seg, uint8_t bus)
{
    for (uint8_t dev = 0; dev < 32; dev++) {
        struct pci_addr a = { seg, bus, dev, 0 };
        if (present(e, &a))
            return true;
    }
    return false;
}

static void scan_root(struct pci_enum *e, uint16_t seg, uint8_t bus)
{
    if (bus_seen(e, seg, bus) || !bus_answers(e, seg, bus))
        return;
    e->nroots++;
    if (e->root)
        e->root(e->ctx, seg, bus);
    scan_bus(e, seg, bus, 0);
}

void pci_enumerate(struct pci_enum *e, const struct pci_bus_range *ranges, unsigned n)
{
    e->nsegs = e->nroots = e->nfunctions = 0;
    NP_STRFN(memset)(e->bus_seen, 0, sizeof(e->bus_seen));
    /* First the tree below each range's first bus, the one the firmware starts from. */
    for (unsigned i = 0; i < n; i++)
        scan_root(e, ranges[i].seg, ranges[i].start_bus);
    /*
     * Then every bus of every range that nothing reached, in increasing order. One that
     * answers is a root bus (or lies below a bridge numbered out of order, which comes to
     * the same): it is scanned with its tree, and each bus only ever once.
     */
    for (unsigned i = 0; i < n; i++)
        for (unsigned bus = ranges[i].start_bus; bus <= ranges[i].end_bus; bus++)
            scan_root(e, ranges[i].seg, (uint8_t)bus);
}
