#include "drivers/virtio/virtio_pci_caps.h"

#include "drivers/virtio/virtio_pci_regs.h"
#include "kernel/errno.h"
#include "kernel/string.h"

static uint32_t rd32(pci_read8_fn rd, void *ctx, uint16_t off)
{
    return (uint32_t)rd(ctx, off) | (uint32_t)rd(ctx, off + 1) << 8 |
           (uint32_t)rd(ctx, off + 2) << 16 | (uint32_t)rd(ctx, off + 3) << 24;
}

/* Returns NULL when the capability at off is usable, else why not. */
static const char *cap_check(pci_read8_fn rd, void *ctx, uint8_t off, const struct pci_bar *bars,
                             struct virtio_pci_region *r)
{
    uint8_t len = rd(ctx, off + 2), type = rd(ctx, off + VIRTIO_PCI_CAP_CFG_TYPE);
    unsigned need = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? VIRTIO_PCI_NOTIFY_CAP_LEN : VIRTIO_PCI_CAP_LEN_MIN;
    if (len < need)
        return "shorter than its structure";
    if ((unsigned)off + len > 256)
        return "runs past config space";
    r->bar = rd(ctx, off + VIRTIO_PCI_CAP_BAR);
    r->offset = rd32(rd, ctx, off + VIRTIO_PCI_CAP_OFFSET);
    r->length = rd32(rd, ctx, off + VIRTIO_PCI_CAP_LENGTH);
    if (r->bar >= PCI_MAX_BARS)
        return "BAR index over 5";
    const struct pci_bar *b = &bars[r->bar];
    if (!b->size || b->io)
        return "its BAR is absent or not memory";
    /* Summed in 64 bits: two 32-bit fields cannot overflow it. */
    if ((uint64_t)r->offset + r->length > b->size)
        return "offset + length past its BAR";
    if (type == VIRTIO_PCI_CAP_COMMON_CFG && r->length < VIRTIO_PCI_COMMON_CFG_LEN)
        return "common config shorter than the spec's";
    r->present = true;
    return NULL;
}

int virtio_pci_parse_caps(pci_read8_fn rd, void *ctx, const struct pci_bar bars[PCI_MAX_BARS],
                          struct virtio_pci_layout *out, virtio_pci_skip_fn skip, void *skip_ctx)
{
    struct pci_cap caps[PCI_CAPS_MAX];
    int n = pci_cap_walk(rd, ctx, caps, PCI_CAPS_MAX);
    NP_STRFN(memset)(out, 0, sizeof(*out));
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++) {
        if (caps[i].id != PCI_CAP_ID_VNDR)
            continue;
        uint8_t type = rd(ctx, caps[i].off + VIRTIO_PCI_CAP_CFG_TYPE);
        struct virtio_pci_region *slot =
            type == VIRTIO_PCI_CAP_COMMON_CFG ? &out->common :
            type == VIRTIO_PCI_CAP_NOTIFY_CFG ? &out->notify :
            type == VIRTIO_PCI_CAP_ISR_CFG ? &out->isr :
            type == VIRTIO_PCI_CAP_DEVICE_CFG ? &out->device : NULL;
        if (!slot || slot->present)
            continue;   /* not one we use, or a later duplicate: the first one wins (4.1.4.1) */
        struct virtio_pci_region r = { 0 };
        const char *why = cap_check(rd, ctx, caps[i].off, bars, &r);
        if (why) {
            if (skip)
                skip(skip_ctx, caps[i].off, why);
            continue;
        }
        *slot = r;
        if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
            out->notify_mult = rd32(rd, ctx, caps[i].off + VIRTIO_PCI_NOTIFY_MULT);
    }
    return out->common.present && out->notify.present && out->device.present ? 0 : -NP_ENODEV;
}
