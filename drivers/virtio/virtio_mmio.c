#include "drivers/virtio/virtio_mmio.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "drivers/virtio/virtio_mmio_regs.h"
#include "drivers/virtio/virtqueue.h"
#include "kernel/errno.h"

static struct virtio_mmio *vm_of(struct virtio_dev *d) { return d->transport; }
static uint32_t rd(struct virtio_dev *d, unsigned off) { return mmio_read32(vm_of(d)->base + off); }
static void wr(struct virtio_dev *d, unsigned off, uint32_t v) { mmio_write32(vm_of(d)->base + off, v); }

static void mmio_reset(struct virtio_dev *d) { wr(d, VIRTIO_MMIO_STATUS, 0); }
static uint8_t mmio_get_status(struct virtio_dev *d) { return (uint8_t)rd(d, VIRTIO_MMIO_STATUS); }
static void mmio_set_status(struct virtio_dev *d, uint8_t s) { wr(d, VIRTIO_MMIO_STATUS, s); }

static uint64_t mmio_get_features(struct virtio_dev *d)
{
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t lo = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    return lo | (uint64_t)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

static void mmio_set_features(struct virtio_dev *d, uint64_t f)
{
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static uint16_t mmio_queue_max(struct virtio_dev *d, uint16_t q)
{
    wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
    uint32_t max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
    return max > VIRTQUEUE_MAX_SIZE ? VIRTQUEUE_MAX_SIZE : (uint16_t)max;
}

static int mmio_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size,
                            uint64_t desc, uint64_t avail, uint64_t used)
{
    wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
    wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
    if (vm_of(d)->version == 1) {
        size_t avail_off, used_off;
        virtqueue_layout(size, VIRTIO_MMIO_LEGACY_ALIGN, &avail_off, &used_off);
        /* Legacy: one page number, the rest at fixed offsets. */
        if ((desc & 4095) || avail != desc + avail_off || used != desc + used_off || (desc >> 12) > UINT32_MAX)
            return -NP_EINVAL;
        wr(d, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);   /* PFNs count 4 KiB pages; reset clears it */
        wr(d, VIRTIO_MMIO_QUEUE_ALIGN, VIRTIO_MMIO_LEGACY_ALIGN);
        wr(d, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(desc >> 12));
        return 0;
    }
    wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
    wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
    wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
    wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
    return 0;
}

static void mmio_notify(struct virtio_dev *d, uint16_t q) { wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q); }

static uint32_t mmio_generation(struct virtio_dev *d)
{
    return vm_of(d)->version == 1 ? 0 : rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
}

static uint32_t mmio_config_read(struct virtio_dev *d, unsigned off, unsigned len)
{
    struct virtio_mmio *vm = vm_of(d);
    if (VIRTIO_MMIO_CONFIG + off + len > vm->size)
        return 0;
    volatile uint8_t *p = vm->base + VIRTIO_MMIO_CONFIG + off;
    return len == 1 ? mmio_read8(p) : len == 2 ? mmio_read16(p) : mmio_read32(p);
}

#define MMIO_OPS(NAME, MODERN) {                                            \
    .name = NAME, .modern = MODERN, .ring_align = VIRTIO_MMIO_LEGACY_ALIGN, \
    .reset = mmio_reset, .get_status = mmio_get_status,                     \
    .set_status = mmio_set_status, .get_features = mmio_get_features,       \
    .set_features = mmio_set_features, .queue_max = mmio_queue_max,         \
    .queue_setup = mmio_queue_setup, .notify = mmio_notify,                 \
    .config_generation = mmio_generation, .config_read = mmio_config_read }

static const struct virtio_ops virtio_mmio_v1_ops = MMIO_OPS("mmio-v1", false);
static const struct virtio_ops virtio_mmio_v2_ops = MMIO_OPS("mmio-v2", true);

int virtio_mmio_probe(struct virtio_dev *d, struct virtio_mmio *vm, uint64_t base, uint64_t size)
{
    if (size < VIRTIO_MMIO_CONFIG || paging_map(base, size, true))
        return -NP_EINVAL;
    vm->base = (volatile uint8_t *)(uintptr_t)base;
    vm->phys = base;
    vm->size = size;
    if (mmio_read32(vm->base + VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
        return -NP_ENODEV;
    vm->version = mmio_read32(vm->base + VIRTIO_MMIO_VERSION);
    if (vm->version != 1 && vm->version != 2)
        return -NP_ENOTSUP;
    d->device_id = (uint16_t)mmio_read32(vm->base + VIRTIO_MMIO_DEVICE_ID);
    if (d->device_id == 0)
        return -NP_ENODEV;  /* an empty slot */
    d->transport = vm;
    d->ops = vm->version == 1 ? &virtio_mmio_v1_ops : &virtio_mmio_v2_ops;
    return 0;
}
