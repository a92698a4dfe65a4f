/* The legacy virtio PCI interface of transitional devices: registers in I/O BAR0 (4.1.4.10). */
#include "drivers/virtio/virtio_pci.h"

#include "arch/x86_64/cpu.h"
#include "drivers/virtio/virtio_pci_regs.h"
#include "drivers/virtio/virtqueue.h"
#include "kernel/errno.h"

static uint16_t io_of(struct virtio_dev *d) { return ((struct virtio_pci *)d->transport)->io; }

static void legacy_reset(struct virtio_dev *d) { outb(io_of(d) + VIRTIO_LEGACY_STATUS, 0); }
static uint8_t legacy_get_status(struct virtio_dev *d) { return inb(io_of(d) + VIRTIO_LEGACY_STATUS); }
static void legacy_set_status(struct virtio_dev *d, uint8_t s) { outb(io_of(d) + VIRTIO_LEGACY_STATUS, s); }
static uint64_t legacy_get_features(struct virtio_dev *d) { return inl(io_of(d) + VIRTIO_LEGACY_HOST_FEATURES); }

static void legacy_set_features(struct virtio_dev *d, uint64_t f)
{
    outl(io_of(d) + VIRTIO_LEGACY_GUEST_FEATURES, (uint32_t)f);
}

static uint16_t legacy_queue_max(struct virtio_dev *d, uint16_t q)
{
    outw(io_of(d) + VIRTIO_LEGACY_QUEUE_SELECT, q);
    return inw(io_of(d) + VIRTIO_LEGACY_QUEUE_SIZE);
}

static int legacy_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size,
                              uint64_t desc, uint64_t avail, uint64_t used)
{
    size_t avail_off, used_off;
    virtqueue_layout(size, VIRTIO_LEGACY_ALIGN, &avail_off, &used_off);
    /* Legacy devices take one page number and derive the rest from the fixed layout. */
    if ((desc & 4095) || avail != desc + avail_off || used != desc + used_off || (desc >> 12) > UINT32_MAX)
        return -NP_EINVAL;
    if (q >= VIRTIO_PCI_MAX_QUEUES || legacy_queue_max(d, q) != size)
        return -NP_EINVAL;
    outl(io_of(d) + VIRTIO_LEGACY_QUEUE_PFN, (uint32_t)(desc >> 12));
    return 0;
}

static void legacy_notify(struct virtio_dev *d, uint16_t q) { outw(io_of(d) + VIRTIO_LEGACY_QUEUE_NOTIFY, q); }
static uint32_t legacy_generation(struct virtio_dev *d) { (void)d; return 0; }

static uint32_t legacy_config_read(struct virtio_dev *d, unsigned off, unsigned len)
{
    uint16_t port = (uint16_t)(io_of(d) + VIRTIO_LEGACY_CONFIG + off);
    return len == 1 ? inb(port) : len == 2 ? inw(port) : inl(port);
}

static const struct virtio_ops virtio_pci_legacy_ops = {
    .name = "pci-legacy",
    .modern = false,
    .fixed_queue_size = true,
    .ring_align = VIRTIO_LEGACY_ALIGN,
    .reset = legacy_reset,
    .get_status = legacy_get_status,
    .set_status = legacy_set_status,
    .get_features = legacy_get_features,
    .set_features = legacy_set_features,
    .queue_max = legacy_queue_max,
    .queue_setup = legacy_queue_setup,
    .notify = legacy_notify,
    .config_generation = legacy_generation,
    .config_read = legacy_config_read,
};

int virtio_pci_legacy_probe(struct virtio_dev *d, struct virtio_pci *vp, struct pci_dev *pci)
{
    if (pci->device < VIRTIO_PCI_DEV_LEGACY_MIN || pci->device > VIRTIO_PCI_DEV_LEGACY_MAX ||
        !pci->bar[0].io || pci->bar[0].size < VIRTIO_LEGACY_CONFIG || pci->bar[0].base > 0xFFFF)
        return -NP_ENODEV;
    vp->pci = pci;
    vp->io = (uint16_t)pci->bar[0].base;
    pci_enable(pci, true, false);
    d->ops = &virtio_pci_legacy_ops;
    d->transport = vp;
    return 0;
}
