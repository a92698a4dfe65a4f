/*
 * drivers/virtio/virtio_net.c (virtio 1.2 section 5.1) over the fake device of fake_vnet.c:
 * feature negotiation, the header length and buffer layout on modern and legacy transports
 * (5.1.6, and its legacy notes), the MAC, MTU and link from device config, receive buffers
 * posted, taken, released and re-posted, runts and merged frames dropped, checksum flags,
 * transmit gathers with a shared header, a full ring and the completions.
 * The driver keeps static state for four devices: each group runs in its own process.
 */
#include "drivers/virtio/virtio_net.h"
#include "drivers/virtio/virtqueue.h"
#include "kernel/errno.h"
#include "kernel/netdev.h"
#include "tests/unit/test.h"
#include "tests/unit_drivers/fake_env.h"
#include "tests/unit_net/fake_vnet.h"

#define V1          FV_BIT(VIRTIO_F_VERSION_1)
#define CFG_STATUS  6
#define CFG_MTU     10

/* What the driver supports (virtio_net.c's table); everything else offered must be refused. */
#define SUPPORTED   (FV_BIT(FV_F_GUEST_CSUM) | FV_BIT(FV_F_MTU) | FV_BIT(FV_F_MAC) | \
                     FV_BIT(FV_F_MRG_RXBUF) | FV_BIT(FV_F_STATUS) | FV_BIT(FV_F_ANY_LAYOUT))
/* Roughly what QEMU's virtio-net-pci offers (host checksum and TSO offloads, a control queue...). */
#define QEMU_OFFER  (FV_BIT(FV_F_CSUM) | FV_BIT(FV_F_GUEST_CSUM) | FV_BIT(FV_F_MAC) | \
                     FV_BIT(FV_F_GUEST_TSO4) | FV_BIT(FV_F_MRG_RXBUF) | FV_BIT(FV_F_STATUS) | \
                     FV_BIT(FV_F_CTRL_VQ) | FV_BIT(FV_F_ANY_LAYOUT) | FV_BIT(28) | FV_BIT(29))

static const uint8_t dev_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static struct fv fv;
static struct netdev *nd;

/* fv must be set up (fv_init and any changes); attaches and finds the netdev it registered. */
static int attach(void)
{
    unsigned before = netdev_count();
    int err = virtio_net_attach(&fv.vdev);
    nd = netdev_count() > before ? netdev_get(netdev_count() - 1) : NULL;
    if (err == 0 && !CHECK(nd != NULL))
        return -1;
    return err;
}

static int attach_new(bool modern, uint64_t offered)
{
    fv_init(&fv, modern, offered);
    fv_set_mac(&fv, dev_mac);
    fv_set_config16(&fv, CFG_STATUS, 1);
    return attach();
}

static void frame_fill(uint8_t *f, unsigned len, uint8_t seed)
{
    for (unsigned i = 0; i < len; i++)
        f[i] = (uint8_t)(seed + i * 31);
}

/* ---- One transport/feature combination through everything that does not depend on it. ---- */

struct combo {
    const char *name;
    bool modern;
    uint64_t offered;
    unsigned hdr_len;       /* 5.1.6: 12 with VERSION_1 or MRG_RXBUF, else 10 */
    bool split;             /* legacy without ANY_LAYOUT: the header in its own descriptor */
};

static const struct combo combos[] = {
    { "modern, QEMU's offer", true, V1 | QEMU_OFFER, 12, false },
    { "modern, MAC only", true, V1 | FV_BIT(FV_F_MAC), 12, false },
    { "legacy", false, FV_BIT(FV_F_MAC) | FV_BIT(FV_F_STATUS), 10, true },
    { "legacy, ANY_LAYOUT", false, FV_BIT(FV_F_MAC) | FV_BIT(FV_F_ANY_LAYOUT), 10, false },
    { "legacy, MRG_RXBUF", false, FV_BIT(FV_F_MAC) | FV_BIT(FV_F_MRG_RXBUF), 12, true },
    { "legacy, QEMU's offer", false, QEMU_OFFER | V1, 12, false },
};
static const struct combo *combo;

static void check_negotiated(const struct combo *c)
{
    uint64_t want = c->offered & (SUPPORTED | (c->modern ? V1 : 0));
    CHECK_EQ_U64(fv.vdev.features, want);
    CHECK_EQ_U64(fv.written_features, want);
    CHECK(fv.status & VIRTIO_STATUS_DRIVER_OK);
    CHECK(!(fv.status & VIRTIO_STATUS_FAILED));
    CHECK_EQ_U64(!!(fv.status & VIRTIO_STATUS_FEATURES_OK), c->modern);
    CHECK_EQ_U64(fv.early_notifies, 0);
    CHECK_EQ_U64(fv.bad, 0);
}

/* The posted receive buffers: one writable descriptor, or header + frame when split. */
static void check_rx_layout(const struct combo *c)
{
    unsigned size = fv.q[FV_RXQ].size;
    CHECK_EQ_U64(nd->rx_ring, c->split ? size / 2 : size);
    CHECK_EQ_U64(nd->ops->rx_posted(nd), nd->rx_ring);
    CHECK_EQ_U64(fv_avail(&fv, FV_RXQ), nd->rx_ring);   /* published at attach */
    CHECK(fv.q[FV_RXQ].notifies >= 1);
    struct fv_chain ch;
    if (!CHECK(fv_peek(&fv, FV_RXQ, &ch)))
        return;
    if (c->split) {
        CHECK_EQ_U64(ch.n, 2);
        CHECK_EQ_U64(ch.len[0], c->hdr_len);
        CHECK(ch.len[1] >= 1514);
        CHECK_EQ_U64(ch.addr[1], ch.addr[0] + c->hdr_len);
        CHECK(ch.write[0] && ch.write[1]);
    } else {
        CHECK_EQ_U64(ch.n, 1);
        CHECK(ch.len[0] >= c->hdr_len + 1514);
        CHECK(ch.write[0]);
    }
}

/* A frame in, found in place behind the header, released, re-posted at the next flush. */
static void check_rx_cycle(const struct combo *c)
{
    uint8_t hdr[12], frame[1514], *buf0;
    struct fv_chain ch;
    struct netdev_rx f;
    CHECK_EQ_I64(nd->ops->rx(nd, &f), 0);
    if (!CHECK(fv_peek(&fv, FV_RXQ, &ch)))
        return;
    buf0 = (uint8_t *)(uintptr_t)ch.addr[0];
    fv_hdr(hdr, c->hdr_len, 0, 1);
    frame_fill(frame, sizeof(frame), 1);
    CHECK_EQ_I64(fv_rx(&fv, hdr, c->hdr_len, frame, sizeof(frame)), c->hdr_len + sizeof(frame));
    unsigned posted = nd->ops->rx_posted(nd);
    if (!CHECK_EQ_I64(nd->ops->rx(nd, &f), 1))
        return;
    CHECK_EQ_U64(f.len, sizeof(frame));
    CHECK(f.data == buf0 + c->hdr_len);     /* no copy: the device's buffer itself */
    CHECK(!memcmp(f.data, frame, sizeof(frame)));
    CHECK(!f.csum_ok);
    CHECK(f.buf < nd->rx_ring);
    CHECK_EQ_U64(nd->ops->rx_posted(nd), posted - 1);
    CHECK_EQ_I64(nd->ops->rx(nd, &f), 0);

    /* Released: posted again for the driver, but the device hears of it only at the flush. */
    unsigned avail = fv_avail(&fv, FV_RXQ), kicks = fv.q[FV_RXQ].notifies;
    nd->ops->rx_release(nd, f.buf);
    CHECK_EQ_U64(nd->ops->rx_posted(nd), posted);
    CHECK_EQ_U64(fv_avail(&fv, FV_RXQ), avail);
    CHECK_EQ_U64(fv.q[FV_RXQ].notifies, kicks);
    nd->ops->flush(nd);
    CHECK_EQ_U64(fv_avail(&fv, FV_RXQ), avail + 1);
    CHECK_EQ_U64(fv.q[FV_RXQ].notifies, kicks + 1);
    nd->ops->flush(nd);                         /* nothing new: no notification */
    CHECK_EQ_U64(fv.q[FV_RXQ].notifies, kicks + 1);

    /* Round the ring twice: every buffer comes back and is used again. */
    for (unsigned i = 0; i < 2 * nd->rx_ring + 3; i++) {
        frame_fill(frame, 60, (uint8_t)i);
        if (!CHECK_EQ_I64(fv_rx(&fv, hdr, c->hdr_len, frame, 60), c->hdr_len + 60))
            break;
        if (!CHECK_EQ_I64(nd->ops->rx(nd, &f), 1))
            break;
        CHECK_EQ_U64(f.len, 60);
        CHECK(!memcmp(f.data, frame, 60));
        nd->ops->rx_release(nd, f.buf);
        nd->ops->flush(nd);
    }
    CHECK_EQ_U64(nd->ops->rx_posted(nd), nd->rx_ring);
    CHECK_EQ_U64(fv_avail(&fv, FV_RXQ), nd->rx_ring);
}

/* Sent: the shared zero header, then each fragment in place, all device-readable. */
static void check_tx(const struct combo *c)
{
    static uint8_t a[14], b[100], d[1400];
    frame_fill(a, sizeof(a), 7);
    frame_fill(b, sizeof(b), 8);
    frame_fill(d, sizeof(d), 9);
    const struct netdev_frag frags[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { d, sizeof(d) } };
    static int sent;
    void *cookie = NULL;
    unsigned kicks = fv.q[FV_TXQ].notifies;
    CHECK_EQ_I64(nd->ops->tx_done(nd, &cookie), 0);
    CHECK_EQ_I64(nd->ops->tx(nd, frags, 3, &sent), 0);
    CHECK_EQ_U64(fv.q[FV_TXQ].notifies, kicks + 1);
    CHECK_EQ_I64(nd->ops->tx_done(nd, &cookie), 0);     /* not yet done */

    static uint8_t out[2048];
    struct fv_chain ch;
    int n = fv_tx(&fv, out, sizeof(out), &ch);
    if (!CHECK_EQ_I64(n, c->hdr_len + sizeof(a) + sizeof(b) + sizeof(d)) || !CHECK_EQ_U64(ch.n, 4))
        return;
    CHECK_EQ_U64(ch.len[0], c->hdr_len);
    for (unsigned i = 0; i < c->hdr_len; i++)
        CHECK_EQ_U64(out[i], 0);            /* no offloads asked for */
    CHECK(ch.addr[1] == (uintptr_t)a && ch.addr[2] == (uintptr_t)b && ch.addr[3] == (uintptr_t)d);
    CHECK(!memcmp(out + c->hdr_len + sizeof(a) + sizeof(b), d, sizeof(d)));
    CHECK_EQ_I64(nd->ops->tx_done(nd, &cookie), 1);
    CHECK(cookie == &sent);
    CHECK_EQ_I64(nd->ops->tx_done(nd, &cookie), 0);
    CHECK_EQ_U64(fv.bad, 0);
}

static void test_combo(void)
{
    const struct combo *c = combo;
    fprintf(stderr, "[%s]\n", c->name);
    if (!CHECK_EQ_I64(attach_new(c->modern, c->offered), 0))
        return;
    check_negotiated(c);
    CHECK(!memcmp(nd->mac, dev_mac, 6));
    CHECK(!nd->mac_generated);
    CHECK_EQ_U64(nd->mtu, 1500);
    CHECK_EQ_U64(nd->rx_csum, !!(c->offered & FV_BIT(FV_F_GUEST_CSUM)));
    CHECK_EQ_U64(nd->link_status, !!(c->offered & FV_BIT(FV_F_STATUS)));
    CHECK_STR(nd->transport, fv.vdev.ops->name);
    CHECK_STR(nd->location, fv.vdev.name);
    CHECK(!strncmp(nd->name, "eth", 3));
    check_rx_layout(c);
    check_rx_cycle(c);
    check_tx(c);
    CHECK_EQ_U64(fv.early_notifies, 0);
}

/* ---- MAC ---- */

static void test_mac(void)
{
    /* None offered: made up from np_rand32, locally administered and unicast (IEEE 802 bits 1, 0). */
    const uint32_t r[2] = { 0x443322FF, 0x66554433 };
    fv_rand_script(r, 2);
    unsigned calls = fv_rand_calls();
    if (CHECK_EQ_I64(attach_new(true, V1), 0)) {
        const uint8_t want[6] = { 0xFE, 0x22, 0x33, 0x44, 0x33, 0x44 };
        CHECK(!memcmp(nd->mac, want, 6));
        CHECK(nd->mac_generated);
        CHECK_EQ_U64(fv_rand_calls() - calls, 2);
    }
    /* Offered but all zero (some hypervisors' "none"): made up too. */
    const uint32_t r2[2] = { 0x00000001, 0 };
    fv_rand_script(r2, 2);
    fv_init(&fv, false, FV_BIT(FV_F_MAC));
    if (CHECK_EQ_I64(attach(), 0)) {
        CHECK_EQ_U64(nd->mac[0], 0x02);     /* unicast bit cleared, local bit set */
        CHECK(nd->mac_generated);
    }
    /* Offered: the device's, np_rand32 never asked. */
    calls = fv_rand_calls();
    if (CHECK_EQ_I64(attach_new(true, V1 | FV_BIT(FV_F_MAC)), 0)) {
        CHECK(!memcmp(nd->mac, dev_mac, 6));
        CHECK(!nd->mac_generated);
        CHECK_EQ_U64(fv_rand_calls(), calls);
    }
    /* A MAC in config space but the feature not offered: not read. */
    fv_rand_script(r, 2);
    if (CHECK_EQ_I64(attach_new(true, V1), 0))
        CHECK(nd->mac_generated && nd->mac[0] == 0xFE);
}

/* ---- MTU ---- */

static int attach_mtu(bool offer, uint16_t mtu)
{
    fv_init(&fv, true, V1 | FV_BIT(FV_F_MAC) | (offer ? FV_BIT(FV_F_MTU) : 0));
    fv_set_mac(&fv, dev_mac);
    fv_set_config16(&fv, CFG_MTU, mtu);
    return attach();
}

static void test_mtu_jumbo(void)
{
    if (!CHECK_EQ_I64(attach_mtu(true, 9000), 0))
        return;
    CHECK_EQ_U64(nd->mtu, 9000);
    struct fv_chain ch;
    if (CHECK(fv_peek(&fv, FV_RXQ, &ch)))
        CHECK(ch.len[0] >= 12 + 9000 + 14);
    /* A full-size jumbo frame arrives whole. */
    static uint8_t frame[9014], hdr[12];
    frame_fill(frame, sizeof(frame), 3);
    fv_hdr(hdr, 12, 0, 1);
    CHECK_EQ_I64(fv_rx(&fv, hdr, 12, frame, sizeof(frame)), 12 + sizeof(frame));
    struct netdev_rx f;
    if (CHECK_EQ_I64(nd->ops->rx(nd, &f), 1)) {
        CHECK_EQ_U64(f.len, sizeof(frame));
        CHECK(!memcmp(f.data, frame, sizeof(frame)));
    }
    CHECK_EQ_I64(attach_mtu(true, 576), 0);
    CHECK_EQ_U64(nd->mtu, 576);
    CHECK_EQ_I64(attach_mtu(false, 4000), 0);   /* not offered: config ignored */
    CHECK_EQ_U64(nd->mtu, 1500);
    CHECK_EQ_I64(attach_mtu(true, 0), 0);
    CHECK_EQ_U64(nd->mtu, 1500);
}

/*
 * 5.1.4.1: a driver that accepts VIRTIO_NET_F_MTU must not send frames over the device's mtu
 * and must post buffers that hold one (the device may set 68 to 65535). Either accept the
 * feature and honour the value, or refuse the feature.
 */
static void test_mtu_contract(void)
{
    static const uint16_t mtus[] = { 68, 500, 9001, 65535 };
    for (size_t i = 0; i < sizeof(mtus) / sizeof(mtus[0]); i++) {
        if (!CHECK_EQ_I64(attach_mtu(true, mtus[i]), 0))
            continue;
        if (!virtio_has(&fv.vdev, FV_F_MTU))
            continue;       /* refused: the device keeps to standard frames */
        struct fv_chain ch = { 0 };
        bool ok = CHECK(nd->mtu <= mtus[i]);
        if (CHECK(fv_peek(&fv, FV_RXQ, &ch)))
            ok &= CHECK(ch.len[0] >= 12u + mtus[i] + 14u);
        if (!ok)
            fprintf(stderr, "  device mtu %u: driver mtu %u, receive buffers of %u bytes\n",
                    mtus[i], nd->mtu, ch.len[0]);
    }
}

/* ---- Receive: runts, merged frames, checksum flags ---- */

static void rx_expect_none(void)
{
    struct netdev_rx f;
    CHECK_EQ_I64(nd->ops->rx(nd, &f), 0);
}

static void test_runts(void)
{
    if (!CHECK_EQ_I64(attach_new(true, V1 | FV_BIT(FV_F_MAC)), 0))
        return;
    uint8_t hdr[12], frame[64];
    fv_hdr(hdr, 12, 0, 1);
    frame_fill(frame, sizeof(frame), 5);
    /* Header only, part of a header, nothing, 13 bytes of frame: all dropped and re-posted. */
    CHECK(fv_rx(&fv, hdr, 12, frame, 0) == 12);
    CHECK(fv_rx(&fv, hdr, 5, frame, 0) == 5);
    CHECK(fv_rx(&fv, hdr, 0, frame, 0) == 0);
    CHECK(fv_rx(&fv, hdr, 12, frame, 13) == 25);
    unsigned kicks = fv.q[FV_RXQ].notifies;
    rx_expect_none();
    CHECK_EQ_U64(nd->ops->rx_posted(nd), nd->rx_ring);
    nd->ops->flush(nd);
    CHECK_EQ_U64(fv.q[FV_RXQ].notifies, kicks + 1);
    CHECK_EQ_U64(fv_avail(&fv, FV_RXQ), nd->rx_ring);
    /* The smallest frame that is one: an Ethernet header. */
    CHECK(fv_rx(&fv, hdr, 12, frame, 14) == 26);
    struct netdev_rx f;
    if (CHECK_EQ_I64(nd->ops->rx(nd, &f), 1))
        CHECK_EQ_U64(f.len, 14);
}

/* Merged buffers (5.1.6.4): frames that span several are dropped whole, tails included. */
static void test_mergeable(void)
{
    if (!CHECK_EQ_I64(attach_new(true, V1 | FV_BIT(FV_F_MAC) | FV_BIT(FV_F_MRG_RXBUF)), 0))
        return;
    uint8_t hdr[12], frame[1514];
    struct netdev_rx f;
    frame_fill(frame, sizeof(frame), 11);
    fv_hdr(hdr, 12, 0, 3);
    CHECK(fv_rx(&fv, hdr, 12, frame, 1000) > 0);
    CHECK(fv_rx(&fv, NULL, 0, frame + 1000, 500) > 0);  /* the tails carry no header */
    /* A tail whose bytes look like a header saying num_buffers = 1: still a tail. */
    uint8_t tail[64];
    fv_hdr(tail, 12, 0, 1);
    CHECK(fv_rx(&fv, NULL, 0, tail, sizeof(tail)) > 0);
    fv_hdr(hdr, 12, 0, 1);
    CHECK(fv_rx(&fv, hdr, 12, frame, 100) > 0);
    if (CHECK_EQ_I64(nd->ops->rx(nd, &f), 1))
        CHECK_EQ_U64(f.len, 100);
    rx_expect_none();
    CHECK_EQ_U64(nd->ops->rx_posted(nd), nd->rx_ring - 1);
    nd->ops->rx_release(nd, f.buf);
    nd->ops->flush(nd);
    CHECK_EQ_U64(fv_avail(&fv, FV_RXQ), nd->rx_ring);

    /* A merged frame split across two rx calls (its tail arrives later). */
    fv_hdr(hdr, 12, 0, 2);
    CHECK(fv_rx(&fv, hdr, 12, frame, 1000) > 0);
    rx_expect_none();
    CHECK(fv_rx(&fv, NULL, 0, frame, 300) > 0);
    fv_hdr(hdr, 12, 0, 1);
    CHECK(fv_rx(&fv, hdr, 12, frame, 200) > 0);
    if (CHECK_EQ_I64(nd->ops->rx(nd, &f), 1))
        CHECK_EQ_U64(f.len, 200);
}

/* Without MRG_RXBUF a modern header's num_buffers means nothing: not read. */
static void test_num_buffers_ignored(void)
{
    if (!CHECK_EQ_I64(attach_new(true, V1 | FV_BIT(FV_F_MAC)), 0))
        return;
    uint8_t hdr[12], frame[100];
    struct netdev_rx f;
    frame_fill(frame, sizeof(frame), 2);
    fv_hdr(hdr, 12, 0, 5);
    CHECK(fv_rx(&fv, hdr, 12, frame, sizeof(frame)) > 0);
    if (CHECK_EQ_I64(nd->ops->rx(nd, &f), 1))
        CHECK_EQ_U64(f.len, sizeof(frame));
}

/*
 * A num_buffers the device cannot mean (more buffers than were ever posted) must not make the
 * driver swallow the frames after it: it may drop that buffer or report the device broken.
 */
static void test_num_buffers_bogus(void)
{
    fv_init(&fv, true, V1 | FV_BIT(FV_F_MAC) | FV_BIT(FV_F_MRG_RXBUF));
    fv.q[FV_RXQ].max = 16;
    if (!CHECK_EQ_I64(attach(), 0))
        return;
    uint8_t hdr[12], frame[100];
    struct netdev_rx f;
    frame_fill(frame, sizeof(frame), 2);
    fv_hdr(hdr, 12, 0, 0xFFFF);
    CHECK(fv_rx(&fv, hdr, 12, frame, sizeof(frame)) > 0);
    fv_hdr(hdr, 12, 0, 1);
    int got = 0, delivered = 0;
    for (unsigned i = 0; i < 8 && got >= 0; i++) {
        if (!CHECK(fv_rx(&fv, hdr, 12, frame, sizeof(frame)) > 0))
            break;
        nd->ops->flush(nd);
        got = nd->ops->rx(nd, &f);
        if (got == 1) {
            delivered++;
            nd->ops->rx_release(nd, f.buf);
        }
    }
    if (!CHECK(got < 0 || delivered > 0))
        fprintf(stderr, "  8 good frames after num_buffers=65535 (rx ring of %u): none delivered\n",
                nd->rx_ring);
}

static void test_csum_flags(void)
{
    static const struct { uint8_t flags; bool ok; } cases[] = {
        { 0, false }, { FV_HDR_DATA_VALID, true }, { FV_HDR_NEEDS_CSUM, true },
        { FV_HDR_DATA_VALID | FV_HDR_NEEDS_CSUM, true }, { 4, false }, { 0xF8, false },
    };
    for (int guest_csum = 1; guest_csum >= 0; guest_csum--) {
        uint64_t offer = V1 | FV_BIT(FV_F_MAC) | (guest_csum ? FV_BIT(FV_F_GUEST_CSUM) : 0);
        if (!CHECK_EQ_I64(attach_new(true, offer), 0))
            return;
        CHECK_EQ_U64(nd->rx_csum, guest_csum);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            uint8_t hdr[12], frame[60];
            struct netdev_rx f;
            frame_fill(frame, sizeof(frame), 4);
            fv_hdr(hdr, 12, cases[i].flags, 1);
            CHECK(fv_rx(&fv, hdr, 12, frame, sizeof(frame)) > 0);
            if (!CHECK_EQ_I64(nd->ops->rx(nd, &f), 1))
                continue;
            /* Without GUEST_CSUM the device may not vouch: flags it sets anyway mean nothing. */
            if (!CHECK_EQ_U64(f.csum_ok, guest_csum && cases[i].ok))
                fprintf(stderr, "  flags 0x%02x, guest_csum %d\n", cases[i].flags, guest_csum);
            nd->ops->rx_release(nd, f.buf);
        }
    }
}

/* ---- Transmit: a full ring, fragment counts, completions in order ---- */

static void test_tx_ring(void)
{
    fv_init(&fv, true, V1 | FV_BIT(FV_F_MAC));
    fv.q[FV_TXQ].max = 8;
    if (!CHECK_EQ_I64(attach(), 0))
        return;
    CHECK_EQ_U64(fv.q[FV_TXQ].size, 8);
    static uint8_t data[60];
    const struct netdev_frag one = { data, sizeof(data) };
    int cookies[8];
    /* Header + one fragment = 2 descriptors: four frames fill 8. */
    for (int i = 0; i < 4; i++)
        CHECK_EQ_I64(nd->ops->tx(nd, &one, 1, &cookies[i]), 0);
    CHECK_EQ_I64(nd->ops->tx(nd, &one, 1, &cookies[4]), -NP_EBUSY);
    void *c;
    CHECK_EQ_I64(nd->ops->tx_done(nd, &c), 0);
    /* The device finishes two: exactly those two come back, in order, once each. */
    uint8_t out[128];
    struct fv_chain ch;
    CHECK(fv_tx(&fv, out, sizeof(out), &ch) > 0);
    CHECK(fv_tx(&fv, out, sizeof(out), &ch) > 0);
    CHECK_EQ_I64(nd->ops->tx_done(nd, &c), 1);
    CHECK(c == &cookies[0]);
    CHECK_EQ_I64(nd->ops->tx_done(nd, &c), 1);
    CHECK(c == &cookies[1]);
    CHECK_EQ_I64(nd->ops->tx_done(nd, &c), 0);
    CHECK_EQ_I64(nd->ops->tx(nd, &one, 1, &cookies[4]), 0);
    CHECK_EQ_I64(nd->ops->tx(nd, &one, 1, &cookies[5]), 0);
    CHECK_EQ_I64(nd->ops->tx(nd, &one, 1, &cookies[6]), -NP_EBUSY);
    for (int i = 2; i < 6; i++) {
        CHECK(fv_tx(&fv, out, sizeof(out), &ch) > 0);
        if (CHECK_EQ_I64(nd->ops->tx_done(nd, &c), 1))
            CHECK(c == &cookies[i]);
    }
    CHECK_EQ_I64(nd->ops->tx_done(nd, &c), 0);

    /* Fragment counts: none and more than NETDEV_MAX_FRAGS are refused outright. */
    struct netdev_frag many[NETDEV_MAX_FRAGS + 1];
    for (unsigned i = 0; i <= NETDEV_MAX_FRAGS; i++)
        many[i] = one;
    CHECK_EQ_I64(nd->ops->tx(nd, many, 0, &cookies[7]), -NP_EINVAL);
    CHECK_EQ_I64(nd->ops->tx(nd, many, NETDEV_MAX_FRAGS + 1, &cookies[7]), -NP_EINVAL);
    CHECK_EQ_U64(fv_avail(&fv, FV_TXQ), 0);
    CHECK_EQ_U64(fv.bad, 0);
}

static void test_tx_max_frags(void)
{
    if (!CHECK_EQ_I64(attach_new(false, FV_BIT(FV_F_MAC)), 0))
        return;
    static uint8_t data[NETDEV_MAX_FRAGS][8];
    struct netdev_frag frags[NETDEV_MAX_FRAGS];
    for (unsigned i = 0; i < NETDEV_MAX_FRAGS; i++) {
        memset(data[i], (int)i, sizeof(data[i]));
        frags[i] = (struct netdev_frag){ data[i], sizeof(data[i]) };
    }
    int cookie;
    CHECK_EQ_I64(nd->ops->tx(nd, frags, NETDEV_MAX_FRAGS, &cookie), 0);
    uint8_t out[256];
    struct fv_chain ch;
    int n = fv_tx(&fv, out, sizeof(out), &ch);
    CHECK_EQ_I64(n, 10 + NETDEV_MAX_FRAGS * 8);     /* legacy: 10-byte header */
    CHECK_EQ_U64(ch.n, NETDEV_MAX_FRAGS + 1);
    for (unsigned i = 0; i < NETDEV_MAX_FRAGS && n > 0; i++)
        CHECK_EQ_U64(out[10 + i * 8 + 7], i);
}

/* ---- Link ---- */

static void test_link(void)
{
    if (!CHECK_EQ_I64(attach_new(true, V1 | FV_BIT(FV_F_MAC) | FV_BIT(FV_F_STATUS)), 0))
        return;
    CHECK(nd->link_status);
    CHECK_EQ_I64(nd->ops->link(nd), 1);
    fv_set_config16(&fv, CFG_STATUS, 0);
    CHECK_EQ_I64(nd->ops->link(nd), 0);
    fv_set_config16(&fv, CFG_STATUS, 2);    /* ANNOUNCE alone: still down */
    CHECK_EQ_I64(nd->ops->link(nd), 0);
    fv_set_config16(&fv, CFG_STATUS, 3);
    CHECK_EQ_I64(nd->ops->link(nd), 1);
    /* No STATUS feature: the config field is not there; the link is taken as up. */
    if (!CHECK_EQ_I64(attach_new(true, V1 | FV_BIT(FV_F_MAC)), 0))
        return;
    fv_set_config16(&fv, CFG_STATUS, 0);
    CHECK(!nd->link_status);
    CHECK_EQ_I64(nd->ops->link(nd), 1);
}

/* ---- Refusals: FAILED set, nothing registered ---- */

static void expect_refused(int want)
{
    unsigned before = netdev_count();
    CHECK_EQ_I64(virtio_net_attach(&fv.vdev), want);
    CHECK(fv.status & VIRTIO_STATUS_FAILED);
    CHECK(!(fv.status & VIRTIO_STATUS_DRIVER_OK));
    CHECK_EQ_U64(netdev_count(), before);
    CHECK_EQ_U64(fv.early_notifies, 0);
}

static void test_refusals(void)
{
    fv_init(&fv, true, FV_BIT(FV_F_MAC));           /* modern without VERSION_1 */
    expect_refused(-NP_ENOTSUP);
    fv_init(&fv, true, V1);
    fv.q[FV_RXQ].max = 1;                           /* a header and a frame never fit */
    expect_refused(-NP_ENOTSUP);
    fv_init(&fv, true, V1);
    fv.q[FV_TXQ].max = 0;                           /* no transmit queue */
    expect_refused(-NP_ENODEV);
    fv_init(&fv, false, 0);
    fv.q[FV_RXQ].max = 100;                         /* legacy, not a power of two */
    expect_refused(-NP_ENOTSUP);
    fv_init(&fv, true, V1);
    fake_dma_fail_after(4);                         /* both rings, then the receive buffers */
    expect_refused(-NP_ENOMEM);
    fake_dma_fail_after(-1);
    /* And after all that, a good device still attaches. */
    CHECK_EQ_I64(attach_new(true, V1 | FV_BIT(FV_F_MAC)), 0);
}

/* A device that completes a receive buffer it was never given: reported, not followed. */
static void test_bad_used_id(void)
{
    if (!CHECK_EQ_I64(attach_new(true, V1 | FV_BIT(FV_F_MAC)), 0))
        return;
    fv_complete(&fv, FV_RXQ, 999, 60);
    struct netdev_rx f;
    CHECK_EQ_I64(nd->ops->rx(nd, &f), -NP_EPROTO);
    /* Released buffer numbers out of range are ignored. */
    unsigned posted = nd->ops->rx_posted(nd);
    nd->ops->rx_release(nd, 100000);
    CHECK_EQ_U64(nd->ops->rx_posted(nd), posted);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
        combo = &combos[i];
        TEST_RUN_ISOLATED(test_combo);
    }
    TEST_RUN_ISOLATED(test_mac);
    TEST_RUN_ISOLATED(test_mtu_jumbo);
    TEST_RUN_ISOLATED(test_mtu_contract);
    TEST_RUN_ISOLATED(test_runts);
    TEST_RUN_ISOLATED(test_mergeable);
    TEST_RUN_ISOLATED(test_num_buffers_ignored);
    TEST_RUN_ISOLATED(test_num_buffers_bogus);
    TEST_RUN_ISOLATED(test_csum_flags);
    TEST_RUN_ISOLATED(test_tx_ring);
    TEST_RUN_ISOLATED(test_tx_max_frags);
    TEST_RUN_ISOLATED(test_link);
    TEST_RUN_ISOLATED(test_refusals);
    TEST_RUN_ISOLATED(test_bad_used_id);
    return test_finish();
}
