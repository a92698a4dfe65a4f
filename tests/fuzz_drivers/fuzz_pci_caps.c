/*
 * libFuzzer target: a PCI function's configuration space is untrusted input. The fuzzer's
 * bytes are a 256-byte config space, then six BARs of 9 bytes each (flags: bit 0 I/O, bit 1
 * 64-bit; then the size, le64); missing bytes read as zero. pci_cap_walk and
 * virtio_pci_parse_caps run over it and their results are checked against a plain
 * re-statement of the rules (PCI 3.0 6.7, virtio 1.2 4.1.4): never a read outside the 256
 * bytes, never more than max capabilities stored, and only usable regions reported.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/pci/pci.h"
#include "drivers/virtio/virtio_pci_caps.h"
#include "drivers/virtio/virtio_pci_regs.h"
#include "kernel/errno.h"

#include "tests/fuzz/require.h"

#define BAR_BYTES 9

static uint8_t cfg[256];
static struct pci_bar bars[PCI_MAX_BARS];

static uint8_t rd(void *ctx, uint16_t off)
{
    REQUIRE(ctx == cfg);
    REQUIRE(off < sizeof(cfg));     /* a read past config space */
    return cfg[off];
}

static uint32_t le32(unsigned off)
{
    return (uint32_t)cfg[off] | (uint32_t)cfg[off + 1] << 8 | (uint32_t)cfg[off + 2] << 16 |
           (uint32_t)cfg[off + 3] << 24;
}

/* The capability walk, stated plainly: the offsets in list order, or a negative error. */
static int ref_walk(uint8_t *offs)
{
    bool seen[256] = { false };
    int n = 0;
    if (!(cfg[PCI_STATUS] & PCI_STATUS_CAPS))
        return 0;
    for (unsigned off = cfg[PCI_CAP_PTR] & 0xFCu; off; off = cfg[off + 1] & 0xFCu) {
        if (off < 0x40)
            return -NP_EBADMSG;
        if (seen[off])
            return -NP_ELOOP;
        seen[off] = true;
        offs[n++] = (uint8_t)off;
    }
    return n;
}

/* Whether the vendor capability at off describes a usable region, per virtio 1.2 4.1.4. */
static bool ref_usable(unsigned off)
{
    unsigned cap_len = cfg[off + 2], type = cfg[off + 3];
    if (cap_len < (type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20u : 16u) || off + cap_len > 256)
        return false;
    unsigned bar = cfg[off + 4];
    uint64_t offset = le32(off + 8), length = le32(off + 12);
    if (bar > 5 || !bars[bar].size || bars[bar].io || offset + length > bars[bar].size)
        return false;
    return type != VIRTIO_PCI_CAP_COMMON_CFG || length >= VIRTIO_PCI_COMMON_CFG_LEN;
}

static unsigned skipped;

static void on_skip(void *ctx, uint8_t off, const char *why)
{
    REQUIRE(ctx == &skipped);
    REQUIRE(why != NULL && why[0]);
    REQUIRE(off >= 0x40 && !(off & 3));
    REQUIRE(!ref_usable(off));
    skipped++;
}

static void check_walk(unsigned max)
{
    uint8_t want[PCI_CAPS_MAX];
    int ref = ref_walk(want);
    /* Exactly max entries on the heap: ASan catches a store past them. */
    struct pci_cap *caps = malloc((max ? max : 1) * sizeof(*caps));
    REQUIRE(caps);
    int n = pci_cap_walk(rd, cfg, max ? caps : NULL, max);
    if (ref < 0) {
        REQUIRE(n == ref);
    } else {
        REQUIRE(n == (ref < (int)max ? ref : (int)max));
        for (int i = 0; i < n; i++) {
            REQUIRE(caps[i].off == want[i]);
            REQUIRE(caps[i].id == cfg[want[i]]);
        }
    }
    free(caps);
}

static void check_virtio(void)
{
    uint8_t offs[PCI_CAPS_MAX];
    int ref = ref_walk(offs);
    struct virtio_pci_layout lay;
    skipped = 0;
    int err = virtio_pci_parse_caps(rd, cfg, bars, &lay, on_skip, &skipped);
    if (ref < 0) {
        REQUIRE(err == ref);
        REQUIRE(!lay.common.present && !lay.notify.present && !lay.isr.present && !lay.device.present);
        return;
    }
    /* The first usable vendor capability of each type, as the rules say. */
    struct virtio_pci_region want[5] = { { 0 } };
    uint32_t want_mult = 0;
    unsigned want_skips = 0;
    for (int i = 0; i < ref; i++) {
        unsigned off = offs[i], type = cfg[off + 3];
        if (cfg[off] != PCI_CAP_ID_VNDR || type < 1 || type > 4 || want[type].present)
            continue;
        if (!ref_usable(off)) {
            want_skips++;
            continue;
        }
        want[type] = (struct virtio_pci_region){ true, cfg[off + 4], le32(off + 8), le32(off + 12) };
        if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
            want_mult = le32(off + 16);
    }
    const struct virtio_pci_region *got[5] = { NULL, &lay.common, &lay.notify, &lay.isr, &lay.device };
    for (unsigned t = 1; t <= 4; t++) {
        REQUIRE(got[t]->present == want[t].present);
        if (!want[t].present)
            continue;
        REQUIRE(got[t]->bar == want[t].bar);
        REQUIRE(got[t]->offset == want[t].offset);
        REQUIRE(got[t]->length == want[t].length);
        /* Whatever the rules above say, a reported region lies inside a memory BAR. */
        REQUIRE(got[t]->bar < PCI_MAX_BARS && !bars[got[t]->bar].io);
        REQUIRE((uint64_t)got[t]->offset + got[t]->length <= bars[got[t]->bar].size);
    }
    if (lay.notify.present)
        REQUIRE(lay.notify_mult == want_mult);
    REQUIRE(skipped == want_skips);
    REQUIRE((err == 0) == (want[1].present && want[2].present && want[4].present));
    REQUIRE(err == 0 || err == -NP_ENODEV);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(cfg, 0, sizeof(cfg));
    memset(bars, 0, sizeof(bars));
    memcpy(cfg, data, size < sizeof(cfg) ? size : sizeof(cfg));
    uint8_t raw[PCI_MAX_BARS * BAR_BYTES] = { 0 };
    if (size > sizeof(cfg)) {
        size_t n = size - sizeof(cfg);
        memcpy(raw, data + sizeof(cfg), n < sizeof(raw) ? n : sizeof(raw));
    }
    for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
        const uint8_t *b = raw + i * BAR_BYTES;
        uint64_t sz = 0;
        for (unsigned k = 0; k < 8; k++)
            sz |= (uint64_t)b[1 + k] << (8 * k);
        bars[i] = (struct pci_bar){ .base = 0xE0000000ull + 0x10000000ull * i, .size = sz,
                                    .io = b[0] & 1, .is64 = (b[0] >> 1) & 1 };
    }
    /* max from a byte that is BAR space in a real header, so the list itself is not disturbed. */
    check_walk(cfg[0x3F] % (PCI_CAPS_MAX + 2));
    check_walk(PCI_CAPS_MAX);
    check_virtio();
    return 0;
}
