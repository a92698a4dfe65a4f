/* Finds virtio devices on PCI and in the command line's MMIO slots, and binds drivers. */
#include "drivers/virtio/virtio_probe.h"

#include "arch/x86_64/arch.h"
#include "drivers/pci/pci.h"
#include "drivers/virtio/virtio_blk.h"
#include "drivers/virtio/virtio_mmio.h"
#include "drivers/virtio/virtio_net.h"
#include "drivers/virtio/virtio_pci.h"
#include "drivers/virtio/virtio_pci_regs.h"
#include "drivers/virtio/virtio_rng.h"
#include "drivers/virtio/virtqueue.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kmem.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "kernel/undriven.h"

#define VIRTIO_MAX_DEVICES 16

struct virtio_slot {
    struct virtio_dev dev;
    union {
        struct virtio_pci pci;
        struct virtio_mmio mmio;
    } t;
};

static struct virtio_slot slots[VIRTIO_MAX_DEVICES];
static unsigned n_slots;

void *virtio_dma_alloc(size_t size, size_t align)
{
    uint64_t pa;
    uint64_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    /* Below 4 GiB: legacy transports take 32-bit page numbers. */
    if (kmem_alloc_pages(pages, align > PAGE_SIZE ? align : PAGE_SIZE, 4ull << 30, &pa))
        return NULL;
    NP_STRFN(memset)((void *)(uintptr_t)pa, 0, pages * PAGE_SIZE);
    return (void *)(uintptr_t)pa;
}

uint64_t virtio_now_us(void)
{
    return clock_us();
}

#define VIRTIO_ID_SCSI 8

/* The device types netplant drives, or names when a disk or network stage asks about them. */
static const struct virtio_type {
    uint16_t id;
    const char *name;
    enum dev_kind kind;
    const char *what;
    int (*attach)(struct virtio_dev *d);    /* NULL: netplant has no driver for it */
} virtio_types[] = {
    { VIRTIO_ID_NET, "network", DEV_NIC, "a virtio network device", virtio_net_attach },
    { VIRTIO_ID_BLOCK, "block", DEV_DISK, "a virtio block device", virtio_blk_attach },
    { VIRTIO_ID_SCSI, "SCSI host", DEV_DISK, "a virtio SCSI host", NULL },
    { VIRTIO_ID_RNG, "entropy", DEV_KINDS, "a virtio entropy device", virtio_rng_attach },  /* no disk, no NIC */
};

static const struct virtio_type *virtio_type(uint16_t id)
{
    for (size_t i = 0; i < sizeof(virtio_types) / sizeof(virtio_types[0]); i++)
        if (virtio_types[i].id == id)
            return &virtio_types[i];
    return NULL;
}

/* A device of a kind that matters, found and not driven: noted, for "no disk found" to name. */
static void virtio_note_undriven(const char *location, uint16_t id, const char *failed)
{
    const struct virtio_type *t = virtio_type(id);
    if (t && t->kind < DEV_KINDS)
        undriven_add(t->kind, location, t->what, failed);
}

static int virtio_bind(struct virtio_slot *s, const char *location)
{
    const struct virtio_type *t = virtio_type(s->dev.device_id);
    if (!t || !t->attach) {
        if (!t)     /* a kind no disk or network stage asks about: just say it is there */
            log_info("virtio: %s: device type %u via %s: not driven\n", s->dev.name, s->dev.device_id,
                     s->dev.ops->name);
        virtio_note_undriven(location, s->dev.device_id, NULL);
        return 0;
    }
    int err = t->attach(&s->dev);
    if (!err) {
        n_slots++;
        return 0;
    }
    char why[200];
    np_snprintf(why, sizeof(why), "%s%s%s", np_strerror(err), s->dev.why[0] ? ": " : "", s->dev.why);
    log_err("error: virtio: %s: %s device via %s failed to start: %s\n", s->dev.name, t->name, s->dev.ops->name,
            why);
    virtio_note_undriven(location, s->dev.device_id, why);
    return err;
}

static int virtio_probe_pci(struct pci_dev *p)
{
    struct virtio_slot *s = &slots[n_slots];
    char bdf[16];
    if (n_slots == VIRTIO_MAX_DEVICES)
        return -NP_ENOSPC;
    NP_STRFN(memset)(s, 0, sizeof(*s));
    pci_addr_format(&p->addr, bdf, sizeof(bdf));
    np_snprintf(s->dev.name, sizeof(s->dev.name), "pci %s", bdf);
    /* Modern: 0x1040 + type. Transitional: 0x1000-0x103f with the type in the subsystem id. */
    s->dev.device_id = p->device >= VIRTIO_PCI_DEV_MODERN_BASE ? (uint16_t)(p->device - VIRTIO_PCI_DEV_MODERN_BASE)
                                                               : p->subsys;
    int err = virtio_pci_modern_probe(&s->dev, &s->t.pci, p);
    if (err && err != -NP_ENODEV)
        log_warn("virtio: %s: modern interface unusable: %s\n", s->dev.name, np_strerror(err));
    if (err)
        err = virtio_pci_legacy_probe(&s->dev, &s->t.pci, p);
    if (err) {
        char why[64];
        np_snprintf(why, sizeof(why), "no usable transport (%s)", np_strerror(err));
        log_warn("virtio: %s: %s\n", s->dev.name, why);
        virtio_note_undriven(bdf, s->dev.device_id, why);
        return err;
    }
    return virtio_bind(s, bdf);
}

static void virtio_probe_mmio(const char *arg)
{
    uint64_t base, size;
    uint32_t irq;
    struct virtio_slot *s = &slots[n_slots];
    NP_STRFN(memset)(s, 0, sizeof(*s));
    if (virtio_mmio_parse_arg(arg, &base, &size, &irq)) {
        log_warn("virtio: ignoring malformed virtio_mmio.device=%s\n", arg);
        return;
    }
    np_snprintf(s->dev.name, sizeof(s->dev.name), "mmio %#llx", (unsigned long long)base);
    int err = virtio_mmio_probe(&s->dev, &s->t.mmio, base, size);
    if (err == -NP_ENODEV)
        return;     /* an empty slot: microvm lists every slot it has */
    if (err) {
        log_warn("virtio: %s: unusable (%s)\n", s->dev.name, np_strerror(err));
        return;
    }
    virtio_bind(s, s->dev.name);
}

void virtio_mmio_probe_all(const struct cmdline *cl)
{
    for (unsigned i = 0; i < cl->nargs && n_slots < VIRTIO_MAX_DEVICES; i++)
        if (NP_STRFN(strcmp)(cl->args[i].key, "virtio_mmio.device") == 0)
            virtio_probe_mmio(cl->args[i].value);
}

/* Legacy and transitional ids 0x1000-0x103F, modern 0x1040 + device type (virtio 1.2 4.1.2). */
static const struct pci_match virtio_pci_ids[] = {
    { VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEV_LEGACY_MIN, 0x107F, 0, 0 },
};

const struct pci_driver virtio_pci_driver = {
    "virtio", virtio_pci_ids, sizeof(virtio_pci_ids) / sizeof(virtio_pci_ids[0]), virtio_probe_pci,
};
