/* The virtio MMIO transport, versions 1 (legacy) and 2 (virtio 1.2 section 4.2). */
#ifndef DRIVERS_VIRTIO_MMIO_H
#define DRIVERS_VIRTIO_MMIO_H

#include <stdint.h>

#include "drivers/virtio/virtio.h"

struct virtio_mmio {
    volatile uint8_t *base;
    uint64_t phys, size;
    uint32_t version;
};

/*
 * Parses a `virtio_mmio.device=` value as Linux and QEMU's microvm write it:
 * SIZE@BASE:IRQ[:ID], SIZE with an optional K/M/G suffix, numbers in decimal or 0x hex.
 */
int virtio_mmio_parse_arg(const char *s, uint64_t *base, uint64_t *size, uint32_t *irq);

/* Binds d to the MMIO window; -NP_ENODEV for a bad magic or an empty slot (device id 0). */
int virtio_mmio_probe(struct virtio_dev *d, struct virtio_mmio *vm, uint64_t base, uint64_t size);

#endif
