/* The capability-list walk (PCI 3.0 section 6.7) and MCFG parsing (PCI Firmware 3.2 4.1.2). */
#include "drivers/pci/pci.h"

#include "kernel/errno.h"
#include "kernel/string.h"

int pci_cap_walk(pci_read8_fn rd, void *ctx, struct pci_cap *caps, unsigned max)
{
    uint8_t seen[256 / 8] = { 0 };
    unsigned n = 0;

    if (!((rd(ctx, PCI_STATUS) | rd(ctx, PCI_STATUS + 1) << 8) & PCI_STATUS_CAPS))
        return 0;
    /* The low two bits of every pointer are reserved and must be masked (PCI 3.0 6.7). */
    uint8_t off = rd(ctx, PCI_CAP_PTR) & 0xFC;
    while (off) {
        if (off < 0x40 || off > 0xFC)
            return -NP_EBADMSG;
        if (seen[off / 8] & (1u << (off % 8)))
            return -NP_ELOOP;
        seen[off / 8] |= (uint8_t)(1u << (off % 8));
        if (n < max)
            caps[n] = (struct pci_cap){ off, rd(ctx, off) };
        n++;
        off = rd(ctx, (uint16_t)(off + 1)) & 0xFC;
    }
    return (int)(n < max ? n : max);
}

static uint64_t rd64(const uint8_t *p) { uint64_t v; NP_STRFN(memcpy)(&v, p, 8); return v; }
static uint16_t rd16(const uint8_t *p) { uint16_t v; NP_STRFN(memcpy)(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; NP_STRFN(memcpy)(&v, p, 4); return v; }

#define MCFG_ENTRIES    44      /* 36-byte SDT header + 8 reserved bytes */
#define MCFG_ENTRY_LEN  16

int pci_mcfg_parse(const uint8_t *mcfg, size_t len, struct pci_ecam *out, unsigned max)
{
    if (len < MCFG_ENTRIES || NP_STRFN(memcmp)(mcfg, "MCFG", 4) || rd32(mcfg + 4) != len)
        return -NP_EBADMSG;
    unsigned n = 0;
    for (size_t off = MCFG_ENTRIES; off + MCFG_ENTRY_LEN <= len && n < max; off += MCFG_ENTRY_LEN) {
        struct pci_ecam e = { rd64(mcfg + off), rd16(mcfg + off + 8), mcfg[off + 10], mcfg[off + 11] };
        /* Each bus takes 1 MiB of ECAM; the window must be aligned and not wrap. */
        if (e.end_bus < e.start_bus || !e.base || (e.base & 0xFFFFF) ||
            e.base > UINT64_MAX - ((uint64_t)(e.end_bus + 1) << 20))
            return -NP_EBADMSG;
        out[n++] = e;
    }
    return (int)n;
}

void pci_bar_decode(uint32_t lo, uint32_t lo_sized, uint32_t hi, uint32_t hi_sized,
                    struct pci_bar *bar)
{
    NP_STRFN(memset)(bar, 0, sizeof(*bar));
    uint64_t mask;
    if (lo & 1) {
        /* I/O BAR: 16 bits of port space are decoded on x86. */
        bar->io = true;
        bar->base = lo & 0xFFFC;
        mask = lo_sized & 0xFFFC;
    } else {
        bar->is64 = ((lo >> 1) & 3) == 2;
        bar->prefetch = lo & 8;
        bar->base = (lo & ~0xFull) | (bar->is64 ? (uint64_t)hi << 32 : 0);
        mask = (lo_sized & ~0xFull) | (bar->is64 ? (uint64_t)hi_sized << 32 : 0);
    }
    /*
     * The size is the lowest address bit the BAR lets software write. That also covers an
     * unimplemented BAR (no writable bit: size 0) and a 64-bit BAR whose upper half is
     * read-only zero (it can only sit below 4 GiB).
     */
    bar->size = mask & (~mask + 1);
}
