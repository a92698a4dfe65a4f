/*
 * PCI configuration space, enumeration and BARs (PCI Local Bus 3.0, PCIe 4.0 section 7).
 * Config access goes through ECAM when ACPI's MCFG describes it, else ports CF8/CFC.
 */
#ifndef DRIVERS_PCI_PCI_H
#define DRIVERS_PCI_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/undriven.h"

#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_CLASS_REV       0x08
#define PCI_HEADER_TYPE     0x0E
#define PCI_BAR0            0x10
#define PCI_SECONDARY_BUS   0x19    /* type 1 (bridge) header */
#define PCI_SUBSYS_ID       0x2E
#define PCI_CAP_PTR         0x34

#define PCI_CMD_IO          (1u << 0)
#define PCI_CMD_MEM         (1u << 1)
#define PCI_CMD_MASTER      (1u << 2)
#define PCI_CMD_INTX_OFF    (1u << 10)
#define PCI_STATUS_CAPS     (1u << 4)

#define PCI_CAP_ID_VNDR     0x09
#define PCI_MAX_BARS        6
#define PCI_MAX_DEVICES     64

struct pci_addr {
    uint16_t seg;
    uint8_t bus, dev, fn;
};

/* A config-space reader: the capability walk runs over this, so the host tests can fake it. */
typedef uint8_t (*pci_read8_fn)(void *ctx, uint16_t off);

struct pci_bar {
    uint64_t base;
    uint64_t size;
    bool io, is64, prefetch;
};

struct pci_dev {
    struct pci_addr addr;
    uint16_t vendor, device, subsys;
    uint32_t class_rev;
    uint8_t header_type;
    bool claimed;           /* a driver took it (or tried to, and said why it failed) */
    struct pci_bar bar[PCI_MAX_BARS];
};

/* One capability found by the walk. */
struct pci_cap {
    uint8_t off;    /* where it sits in config space */
    uint8_t id;
};

#define PCI_CAPS_MAX 48     /* (256 - 64) / 4: more than that means a loop */

/*
 * Walks the capability list defensively. A pointer below 0x40 (-NP_EBADMSG) or a revisit
 * (-NP_ELOOP) fails the walk: a device whose list is broken is not driven. Returns the number
 * of capabilities stored in caps[] (at most max) or a negative error.
 */
int pci_cap_walk(pci_read8_fn rd, void *ctx, struct pci_cap *caps, unsigned max);

/* One MCFG allocation: ECAM for buses start..end of a segment. */
struct pci_ecam {
    uint64_t base;
    uint16_t seg;
    uint8_t start_bus, end_bus;
};

#define PCI_MAX_ECAM 8

/* Parses an MCFG table of len bytes (header included); returns the count or < 0. */
int pci_mcfg_parse(const uint8_t *mcfg, size_t len, struct pci_ecam *out, unsigned max);

/* Buses start..end of one segment, which enumeration covers (an MCFG range, or 0-255 on CF8). */
struct pci_bus_range {
    uint16_t seg;
    uint8_t start_bus, end_bus;
};

#define PCI_MAX_SEGMENTS PCI_MAX_ECAM

/* Enumeration over a config-read callback (pci_enum.c), so the host tests can fake it. */
struct pci_enum {
    /* Filled by the caller. */
    uint32_t (*read32)(void *ctx, const struct pci_addr *a, uint16_t off);  /* off 4-aligned */
    void (*found)(void *ctx, const struct pci_addr *a);     /* once per function */
    void (*root)(void *ctx, uint16_t seg, uint8_t bus);     /* once per root bus; may be NULL */
    void *ctx;
    /* Results, and what the walk keeps. */
    unsigned nroots, nfunctions;
    unsigned nsegs;
    uint16_t seg[PCI_MAX_SEGMENTS];
    uint8_t bus_seen[PCI_MAX_SEGMENTS][256 / 8];
};

/*
 * Calls found() once for every function: first the tree below each range's first bus, through
 * bridges' secondary buses (nesting at most 16 deep), then the tree of every other bus of the
 * ranges that nothing reached but that answers: a root bus only ACPI describes (QEMU's pxb,
 * a second socket's host bridge). Each bus is scanned once, whatever its bridges claim.
 */
void pci_enumerate(struct pci_enum *e, const struct pci_bus_range *ranges, unsigned n);

/* BAR decoding from the value read and the value read back after writing all ones. */
void pci_bar_decode(uint32_t lo, uint32_t lo_sized, uint32_t hi, uint32_t hi_sized,
                    struct pci_bar *bar);

/*
 * Which functions a driver takes: a vendor (PCI_ANY: any), a device id range, and the 24-bit
 * class code (class, subclass, programming interface) under a mask (0: any class).
 */
#define PCI_ANY 0xFFFF
struct pci_match {
    uint16_t vendor;
    uint16_t device_min, device_max;
    uint32_t class_code, class_mask;
};

/*
 * A PCI driver: its name, the functions it takes, and attach, which starts one function and
 * registers what it found (disks, NICs). attach logs its own failures and returns < 0 for them.
 */
struct pci_driver {
    const char *name;
    const struct pci_match *ids;
    unsigned n_ids;
    int (*attach)(struct pci_dev *p);
};

/* True when p matches m (pure). */
bool pci_match_one(const struct pci_match *m, const struct pci_dev *p);
/* The first driver in table order that takes p, or NULL (pure). */
const struct pci_driver *pci_driver_find(const struct pci_driver *const *drivers, unsigned n,
                                         const struct pci_dev *p);

/* A kind of function netplant may have no driver for, and what to call it (pci_ids.c). */
struct pci_id {
    uint16_t vendor, device;        /* 0: any */
    uint32_t class_code, class_mask;    /* class, subclass, interface: class_rev >> 8 */
    enum dev_kind kind;
    const char *what;               /* "an NVMe controller" */
};

/* The first table entry that fits, known devices before classes; NULL when none does. */
const struct pci_id *pci_id_lookup(uint16_t vendor, uint16_t device, uint32_t class_code);

/* Hardware side (pci.c). */
int pci_init(const struct acpi_info *ai);
const char *pci_method(void);
unsigned pci_device_count(void);
struct pci_dev *pci_device(unsigned i);
uint8_t pci_read8(const struct pci_addr *a, uint16_t off);
uint16_t pci_read16(const struct pci_addr *a, uint16_t off);
uint32_t pci_read32(const struct pci_addr *a, uint16_t off);
void pci_write16(const struct pci_addr *a, uint16_t off, uint16_t v);
void pci_write32(const struct pci_addr *a, uint16_t off, uint32_t v);
/* Turns on memory and/or I/O decoding and bus mastering, and masks INTx (we poll). */
void pci_enable(struct pci_dev *d, bool io, bool mem);
/* Walks d's capabilities (see pci_cap_walk). */
int pci_dev_caps(struct pci_dev *d, struct pci_cap *caps, unsigned max);
/* Notes every storage or network function no driver claimed (kernel/undriven.h). */
void pci_note_undriven(void);
/* "0000:00:04.0" */
void pci_addr_format(const struct pci_addr *a, char *buf, size_t size);

#endif
