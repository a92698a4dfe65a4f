/* PCI config access (ECAM or CF8/CFC), the functions enumeration finds, BAR sizing. */
#include "drivers/pci/pci.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

#define PCI_CF8         0xCF8
#define PCI_CFC         0xCFC

static struct pci_ecam ecam[PCI_MAX_ECAM];
static unsigned n_ecam;
static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned n_devices;
static unsigned n_ignored;     /* functions found past PCI_MAX_DEVICES */

static volatile uint8_t *ecam_ptr(const struct pci_addr *a, uint16_t off)
{
    for (unsigned i = 0; i < n_ecam; i++) {
        if (ecam[i].seg != a->seg || a->bus < ecam[i].start_bus || a->bus > ecam[i].end_bus)
            continue;
        uint64_t pa = ecam[i].base + ((uint64_t)(a->bus - ecam[i].start_bus) << 20) +
                      ((uint64_t)a->dev << 15) + ((uint64_t)a->fn << 12) + off;
        return (volatile uint8_t *)(uintptr_t)pa;
    }
    return NULL;
}

static void cf8_select(const struct pci_addr *a, uint16_t off)
{
    outl(PCI_CF8, 0x80000000u | (uint32_t)a->bus << 16 | (uint32_t)a->dev << 11 |
                  (uint32_t)a->fn << 8 | (off & 0xFC));
}

/* All accesses are 32-bit and aligned: ECAM and CF8 both handle that, narrower ones vary. */
uint32_t pci_read32(const struct pci_addr *a, uint16_t off)
{
    off &= 0xFFC;
    volatile uint8_t *p = ecam_ptr(a, off);
    if (p)
        return mmio_read32(p);
    if (a->seg || off >= 256)
        return 0xFFFFFFFF;
    cf8_select(a, off);
    return inl(PCI_CFC);
}

void pci_write32(const struct pci_addr *a, uint16_t off, uint32_t v)
{
    off &= 0xFFC;
    volatile uint8_t *p = ecam_ptr(a, off);
    if (p) {
        mmio_write32(p, v);
        return;
    }
    if (a->seg || off >= 256)
        return;
    cf8_select(a, off);
    outl(PCI_CFC, v);
}

uint16_t pci_read16(const struct pci_addr *a, uint16_t off)
{
    return (uint16_t)(pci_read32(a, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_addr *a, uint16_t off)
{
    return (uint8_t)(pci_read32(a, off) >> ((off & 3) * 8));
}

void pci_write16(const struct pci_addr *a, uint16_t off, uint16_t v)
{
    uint32_t shift = (off & 2) * 8;
    uint32_t old = pci_read32(a, off);
    /* Writing the status half back would clear its write-1-to-clear bits: write zeros there. */
    if ((off & 0xFFC) == PCI_COMMAND)
        old &= 0xFFFF;
    pci_write32(a, off, (old & ~(0xFFFFu << shift)) | (uint32_t)v << shift);
}

void pci_addr_format(const struct pci_addr *a, char *buf, size_t size)
{
    np_snprintf(buf, size, "%04x:%02x:%02x.%u", a->seg, a->bus, a->dev, a->fn);
}

/* Sizes the BARs with decoding off, so no half-sized window ever decodes. */
static void pci_size_bars(struct pci_dev *d)
{
    unsigned nbars = (d->header_type & 0x7F) == 0 ? 6 : (d->header_type & 0x7F) == 1 ? 2 : 0;
    uint16_t cmd = pci_read16(&d->addr, PCI_COMMAND);
    pci_write16(&d->addr, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
    for (unsigned i = 0; i < nbars; i++) {
        uint16_t off = (uint16_t)(PCI_BAR0 + 4 * i);
        uint32_t lo = pci_read32(&d->addr, off), hi = 0, lo_s, hi_s = 0;
        pci_write32(&d->addr, off, 0xFFFFFFFF);
        lo_s = pci_read32(&d->addr, off);
        pci_write32(&d->addr, off, lo);
        bool is64 = !(lo & 1) && ((lo >> 1) & 3) == 2 && i + 1 < nbars;
        if (is64) {
            hi = pci_read32(&d->addr, off + 4);
            pci_write32(&d->addr, off + 4, 0xFFFFFFFF);
            hi_s = pci_read32(&d->addr, off + 4);
            pci_write32(&d->addr, off + 4, hi);
        }
        pci_bar_decode(lo, lo_s, hi, hi_s, &d->bar[i]);
        if (is64)
            i++;
    }
    pci_write16(&d->addr, PCI_COMMAND, cmd);
}

static void pci_log_device(const struct pci_dev *d)
{
    char bdf[16];
    pci_addr_format(&d->addr, bdf, sizeof(bdf));
    log_debug("pci: %s %04x:%04x class %06x%s\n", bdf, d->vendor, d->device, d->class_rev >> 8,
              (d->header_type & 0x7F) == 1 ? " (bridge)" : "");
    for (unsigned i = 0; i < PCI_MAX_BARS; i++)
        if (d->bar[i].size)
            log_debug("pci:   BAR%u %s %#llx size %#llx%s%s\n", i, d->bar[i].io ? "io " : "mem",
                      (unsigned long long)d->bar[i].base, (unsigned long long)d->bar[i].size,
                      d->bar[i].is64 ? " 64-bit" : "", d->bar[i].prefetch ? " prefetchable" : "");
}

static void pci_add_function(void *ctx, const struct pci_addr *a)
{
    (void)ctx;
    if (n_devices == PCI_MAX_DEVICES) {
        if (!n_ignored++)   /* once: a large machine would repeat it for every function */
            log_warn("pci: more than %d functions; ignoring the rest, from %04x:%02x:%02x.%u on\n",
                     PCI_MAX_DEVICES, a->seg, a->bus, a->dev, a->fn);
        return;
    }
    uint32_t id = pci_read32(a, PCI_VENDOR_ID);
    struct pci_dev *d = &devices[n_devices++];
    NP_STRFN(memset)(d, 0, sizeof(*d));
    d->addr = *a;
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->class_rev = pci_read32(a, PCI_CLASS_REV);
    d->header_type = pci_read8(a, PCI_HEADER_TYPE);
    d->subsys = (d->header_type & 0x7F) == 0 ? pci_read16(a, PCI_SUBSYS_ID) : 0;
    pci_size_bars(d);
    pci_log_device(d);
}

static void pci_log_root(void *ctx, uint16_t seg, uint8_t bus)
{
    (void)ctx;
    log_debug("pci: root bus %04x:%02x\n", seg, bus);
}

static uint32_t pci_enum_read32(void *ctx, const struct pci_addr *a, uint16_t off)
{
    (void)ctx;
    return pci_read32(a, off);
}

static int pci_find_ecam(const struct acpi_info *ai)
{
    uint64_t pa = ai && ai->found ? acpi_find_table(ai, "MCFG", 0, phys_map, NULL) : 0;
    const uint8_t *h = pa ? phys_map(NULL, pa, 36) : NULL;
    if (!h)
        return 0;
    uint32_t len;
    NP_STRFN(memcpy)(&len, h + 4, 4);
    const uint8_t *t = phys_map(NULL, pa, len);
    int n = t ? pci_mcfg_parse(t, len, ecam, PCI_MAX_ECAM) : -NP_EBADMSG;
    if (n < 0) {
        log_warn("pci: MCFG rejected (%s); using ports CF8/CFC\n", np_strerror(n));
        return 0;
    }
    for (int i = 0; i < n; i++) {
        uint64_t size = (uint64_t)(ecam[i].end_bus - ecam[i].start_bus + 1) << 20;
        if (paging_map(ecam[i].base, size, true))
            return log_warn("pci: cannot map ECAM at %#llx\n", (unsigned long long)ecam[i].base), 0;
    }
    return n;
}

int pci_init(const struct acpi_info *ai)
{
    static struct pci_enum e = { .read32 = pci_enum_read32, .found = pci_add_function, .root = pci_log_root };
    struct pci_bus_range ranges[PCI_MAX_ECAM];
    unsigned n = 0;
    n_ecam = (unsigned)pci_find_ecam(ai);
    n_devices = n_ignored = 0;
    for (; n < n_ecam; n++)
        ranges[n] = (struct pci_bus_range){ ecam[n].seg, ecam[n].start_bus, ecam[n].end_bus };
    /* No ECAM: CF8/CFC reaches buses 0-255 of segment 0, if a host bridge answers at all. */
    struct pci_addr root = { 0, 0, 0, 0 };
    if (!n_ecam && (pci_read32(&root, PCI_VENDOR_ID) & 0xFFFF) != 0xFFFF)
        ranges[n++] = (struct pci_bus_range){ 0, 0, 255 };
    pci_enumerate(&e, ranges, n);
    log_info("pci: %u functions on %u root bus%s via %s\n", n_devices, e.nroots, e.nroots == 1 ? "" : "es",
             pci_method());
    return 0;
}

const char *pci_method(void)
{
    return n_ecam ? "ECAM (ACPI MCFG)" : "ports CF8/CFC";
}

unsigned pci_device_count(void) { return n_devices; }
struct pci_dev *pci_device(unsigned i) { return i < n_devices ? &devices[i] : NULL; }

void pci_enable(struct pci_dev *d, bool io, bool mem)
{
    uint16_t cmd = pci_read16(&d->addr, PCI_COMMAND);
    cmd |= PCI_CMD_MASTER | PCI_CMD_INTX_OFF | (io ? PCI_CMD_IO : 0) | (mem ? PCI_CMD_MEM : 0);
    pci_write16(&d->addr, PCI_COMMAND, cmd);
}

void pci_note_undriven(void)
{
    for (unsigned i = 0; i < n_devices; i++) {
        const struct pci_dev *d = &devices[i];
        const struct pci_id *id = d->claimed ? NULL : pci_id_lookup(d->vendor, d->device, d->class_rev >> 8);
        char bdf[16];
        if (!id)
            continue;
        pci_addr_format(&d->addr, bdf, sizeof(bdf));
        undriven_add(id->kind, bdf, id->what, NULL);
    }
}

static uint8_t pci_dev_read8(void *ctx, uint16_t off)
{
    return pci_read8(&((struct pci_dev *)ctx)->addr, off);
}

int pci_dev_caps(struct pci_dev *d, struct pci_cap *caps, unsigned max)
{
    return pci_cap_walk(pci_dev_read8, d, caps, max);
}
