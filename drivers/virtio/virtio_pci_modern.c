/* The modern virtio PCI transport: common, notify and device config through capabilities. */
#include "drivers/virtio/virtio_pci.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "drivers/virtio/virtio_pci_caps.h"
#include "drivers/virtio/virtio_pci_regs.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"

#define CFG(vp, field) ((vp)->common + offsetof(struct virtio_pci_common_cfg, field))

static struct virtio_pci *vp_of(struct virtio_dev *d) { return d->transport; }

static void modern_reset(struct virtio_dev *d)
{
    mmio_write8(CFG(vp_of(d), device_status), 0);
}

static uint8_t modern_get_status(struct virtio_dev *d)
{
    return mmio_read8(CFG(vp_of(d), device_status));
}

static void modern_set_status(struct virtio_dev *d, uint8_t s)
{
    mmio_write8(CFG(vp_of(d), device_status), s);
}

static uint64_t modern_get_features(struct virtio_dev *d)
{
    struct virtio_pci *vp = vp_of(d);
    mmio_write32(CFG(vp, device_feature_select), 0);
    uint64_t lo = mmio_read32(CFG(vp, device_feature));
    mmio_write32(CFG(vp, device_feature_select), 1);
    return lo | (uint64_t)mmio_read32(CFG(vp, device_feature)) << 32;
}

static void modern_set_features(struct virtio_dev *d, uint64_t f)
{
    struct virtio_pci *vp = vp_of(d);
    mmio_write32(CFG(vp, driver_feature_select), 0);
    mmio_write32(CFG(vp, driver_feature), (uint32_t)f);
    mmio_write32(CFG(vp, driver_feature_select), 1);
    mmio_write32(CFG(vp, driver_feature), (uint32_t)(f >> 32));
}

static uint16_t modern_queue_max(struct virtio_dev *d, uint16_t q)
{
    struct virtio_pci *vp = vp_of(d);
    if (q >= VIRTIO_PCI_MAX_QUEUES || q >= mmio_read16(CFG(vp, num_queues)))
        return 0;
    mmio_write16(CFG(vp, queue_select), q);
    return mmio_read16(CFG(vp, queue_size));
}

static int modern_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size,
                              uint64_t desc, uint64_t avail, uint64_t used)
{
    struct virtio_pci *vp = vp_of(d);
    mmio_write16(CFG(vp, queue_select), q);
    mmio_write16(CFG(vp, queue_size), size);
    mmio_write64_split(CFG(vp, queue_desc_lo), desc);
    mmio_write64_split(CFG(vp, queue_driver_lo), avail);
    mmio_write64_split(CFG(vp, queue_device_lo), used);
    /* The notify address is per queue: queue_notify_off times the multiplier (4.1.4.4). */
    uint64_t off = (uint64_t)mmio_read16(CFG(vp, queue_notify_off)) * vp->notify_mult;
    if (off + 2 > vp->notify_len)
        return -NP_ERANGE;
    vp->queue_notify[q] = vp->notify + off;
    mmio_write16(CFG(vp, queue_enable), 1);
    return 0;
}

static void modern_notify(struct virtio_dev *d, uint16_t q)
{
    mmio_write16(vp_of(d)->queue_notify[q], q);
}

static uint32_t modern_generation(struct virtio_dev *d)
{
    return mmio_read8(CFG(vp_of(d), config_generation));
}

static uint32_t modern_config_read(struct virtio_dev *d, unsigned off, unsigned len)
{
    struct virtio_pci *vp = vp_of(d);
    if (off + len > vp->device_len)
        return 0;
    volatile uint8_t *p = vp->device + off;
    return len == 1 ? mmio_read8(p) : len == 2 ? mmio_read16(p) : mmio_read32(p);
}

static const struct virtio_ops virtio_pci_modern_ops = {
    .name = "pci-modern",
    .modern = true,
    .ring_align = 4096,
    .reset = modern_reset,
    .get_status = modern_get_status,
    .set_status = modern_set_status,
    .get_features = modern_get_features,
    .set_features = modern_set_features,
    .queue_max = modern_queue_max,
    .queue_setup = modern_queue_setup,
    .notify = modern_notify,
    .config_generation = modern_generation,
    .config_read = modern_config_read,
};

static void log_skip(void *ctx, uint8_t off, const char *reason)
{
    log_warn("virtio: %s: capability at %#x ignored: %s\n", ((struct virtio_dev *)ctx)->name, off, reason);
}

static uint8_t cfg_read8(void *ctx, uint16_t off)
{
    return pci_read8(&((struct pci_dev *)ctx)->addr, off);
}

static volatile uint8_t *region_map(struct pci_dev *pci, const struct virtio_pci_region *r)
{
    uint64_t pa = pci->bar[r->bar].base + r->offset;
    if (!pci->bar[r->bar].base || paging_map(pa, r->length ? r->length : 1, true))
        return NULL;
    return (volatile uint8_t *)(uintptr_t)pa;
}

int virtio_pci_modern_probe(struct virtio_dev *d, struct virtio_pci *vp, struct pci_dev *pci)
{
    struct virtio_pci_layout l;
    int err = virtio_pci_parse_caps(cfg_read8, pci, pci->bar, &l, log_skip, d);
    if (err)
        return err;
    vp->pci = pci;
    vp->common = region_map(pci, &l.common);
    vp->notify = region_map(pci, &l.notify);
    vp->device = region_map(pci, &l.device);
    if (!vp->common || !vp->notify || !vp->device)
        return -NP_ENODEV;
    vp->notify_mult = l.notify_mult;
    vp->notify_len = l.notify.length;
    vp->device_len = l.device.length;
    pci_enable(pci, false, true);
    d->ops = &virtio_pci_modern_ops;
    d->transport = vp;
    return 0;
}
