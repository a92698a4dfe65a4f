/* Finding the virtio structures among a PCI function's capabilities (virtio 1.2 4.1.4). */
#ifndef DRIVERS_VIRTIO_PCI_CAPS_H
#define DRIVERS_VIRTIO_PCI_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci/pci.h"

struct virtio_pci_region {
    bool present;
    uint8_t bar;
    uint32_t offset;
    uint32_t length;
};

struct virtio_pci_layout {
    struct virtio_pci_region common, notify, isr, device;
    uint32_t notify_mult;
};

/* Called for each virtio capability that was skipped, with the reason, for the log. */
typedef void (*virtio_pci_skip_fn)(void *ctx, uint8_t cap_off, const char *reason);

/*
 * Takes the first usable capability of each type. One is skipped, with a reason, if it is
 * shorter than 16 bytes (20 for notify), runs past config space, names a BAR over 5 or an
 * absent or I/O BAR, or has offset + length overflowing or past its BAR's end. Returns 0
 * when common, notify and device config were all found, -NP_ENODEV when one is missing, or
 * the capability walk's error.
 */
int virtio_pci_parse_caps(pci_read8_fn rd, void *ctx, const struct pci_bar bars[PCI_MAX_BARS],
                          struct virtio_pci_layout *out, virtio_pci_skip_fn skip, void *skip_ctx);

#endif
