/*
 * A fake 256-byte PCI configuration space for the capability walks, with builders for
 * capabilities. The reader counts every access outside the 256 bytes: a walk must never
 * make one, whatever the device put in its pointers.
 */
#ifndef TESTS_UNIT_DRIVERS_FAKE_CFG_H
#define TESTS_UNIT_DRIVERS_FAKE_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "drivers/pci/pci.h"
#include "drivers/virtio/virtio_pci_regs.h"

struct fake_cfg {
    uint8_t b[256];
    uint8_t last;       /* offset of the last capability added, 0 for none */
    unsigned reads;
    unsigned out_of_range;
};

static inline uint8_t fake_cfg_read8(void *ctx, uint16_t off)
{
    struct fake_cfg *c = ctx;
    c->reads++;
    if (off >= sizeof(c->b)) {
        c->out_of_range++;
        return 0xFF;
    }
    return c->b[off];
}

/* An empty function: vendor 0x1AF4, the capabilities bit set or not, no capabilities yet. */
static inline void fake_cfg_init(struct fake_cfg *c, bool caps_bit)
{
    memset(c, 0, sizeof(*c));
    c->b[PCI_VENDOR_ID] = 0xF4;
    c->b[PCI_VENDOR_ID + 1] = 0x1A;
    c->b[PCI_STATUS] = caps_bit ? PCI_STATUS_CAPS : 0;
}

static inline void fake_cfg_put32(struct fake_cfg *c, unsigned off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        c->b[off + i] = (uint8_t)(v >> (8 * i));
}

/* Appends a capability with this id at off: links it from the previous one (or from 0x34). */
static inline void fake_cfg_cap(struct fake_cfg *c, uint8_t off, uint8_t id)
{
    c->b[off] = id;
    c->b[off + 1] = 0;
    if (c->last)
        c->b[c->last + 1] = off;
    else
        c->b[PCI_CAP_PTR] = off;
    c->last = off;
}

/*
 * Appends a virtio vendor capability (4.1.4): cap_len, cfg_type, bar, offset, length, and
 * for the notify type the multiplier. Bytes past 256 are not written: a capability placed
 * near the end is cut off as real config space would cut it.
 */
static inline void fake_cfg_vcap(struct fake_cfg *c, uint8_t off, uint8_t cap_len, uint8_t type,
                                 uint8_t bar, uint32_t offset, uint32_t length, uint32_t mult)
{
    uint8_t raw[20] = { PCI_CAP_ID_VNDR, 0, cap_len, type, bar };
    for (unsigned i = 0; i < 4; i++) {
        raw[VIRTIO_PCI_CAP_OFFSET + i] = (uint8_t)(offset >> (8 * i));
        raw[VIRTIO_PCI_CAP_LENGTH + i] = (uint8_t)(length >> (8 * i));
        raw[VIRTIO_PCI_NOTIFY_MULT + i] = (uint8_t)(mult >> (8 * i));
    }
    unsigned n = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
    for (unsigned i = 0; i < n && off + i < sizeof(c->b); i++)
        c->b[off + i] = raw[i];
    fake_cfg_cap(c, off, PCI_CAP_ID_VNDR);
}

#endif
