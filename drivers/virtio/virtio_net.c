/*
 * virtio-net: one receive and one transmit queue. Receive buffers stay posted until the stack
 * releases them; transmit frames are gathered from the stack's fragments behind a shared,
 * all-zero header (no offloads are asked of the device on transmit).
 */
#include "drivers/virtio/virtio_net.h"

#include "drivers/virtio/virtqueue.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/netdev.h"
#include "kernel/printf.h"
#include "kernel/random.h"
#include "kernel/string.h"

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_GUEST_CSUM     1
#define VIRTIO_NET_F_MTU            3
#define VIRTIO_NET_F_MAC            5
#define VIRTIO_NET_F_MRG_RXBUF      15
#define VIRTIO_NET_F_STATUS         16

/* Device configuration (5.1.4). */
#define VNET_CFG_MAC                0
#define VNET_CFG_STATUS             6   /* le16 */
#define VNET_CFG_MTU                10  /* le16 */
#define VIRTIO_NET_S_LINK_UP        1

/* struct virtio_net_hdr (5.1.6). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VNET_HDR_LEN_LEGACY         10  /* without num_buffers */
#define VNET_HDR_LEN                12
#define VNET_HDR_FLAGS              0
#define VNET_HDR_NUM_BUFFERS        10

#define VNET_RXQ                    0
#define VNET_TXQ                    1
#define VNET_QUEUE_MAX              256
#define VNET_MAX_DEVS               4
#define ETH_OVERHEAD                18  /* header 14 + one VLAN tag 4 */
#define VNET_MTU_MIN                68  /* IPv4's minimum */
#define VNET_MTU_MAX                9000    /* jumbo frames; beyond that our buffers get large */

/*
 * CSUM (checksum offload on transmit) is not asked for: the device would need the pseudo-header
 * sum in the checksum field, which lwIP does not leave there. Downloads send almost only ACKs.
 */
static const struct virtio_feature vnet_features[] = {
    { VIRTIO_NET_F_GUEST_CSUM, "guest_csum" },
    { VIRTIO_NET_F_MTU, "mtu" },
    { VIRTIO_NET_F_MAC, "mac" },
    { VIRTIO_NET_F_MRG_RXBUF, "mrg_rxbuf" },
    { VIRTIO_NET_F_STATUS, "status" },
    { VIRTIO_F_ANY_LAYOUT, "any_layout" },
};

struct vnet {
    struct virtio_dev *vdev;
    struct virtqueue rxq, txq;
    uint8_t *rx_bufs;
    unsigned rx_stride;
    unsigned hdr_len;
    bool split_hdr;         /* legacy without ANY_LAYOUT: the header has its own descriptor */
    bool rx_dirty;          /* buffers were re-posted since the last kick */
    bool tx_dirty;          /* frames were queued since the last kick (nd.tx_batch) */
    unsigned rx_skip;       /* trailing buffers of a merged frame we dropped */
    struct netdev nd;
};

static struct vnet vnets[VNET_MAX_DEVS];
static unsigned n_vnets;
static const uint8_t tx_hdr[VNET_HDR_LEN] __attribute__((aligned(16)));

static int rx_post(struct vnet *v, unsigned i)
{
    uint8_t *b = v->rx_bufs + (size_t)i * v->rx_stride;
    void *cookie = (void *)(uintptr_t)(i + 1);  /* never NULL */
    struct vq_buf bufs[2] = {
        { (uint64_t)(uintptr_t)b, v->rx_stride, true },
        { (uint64_t)(uintptr_t)b + v->hdr_len, v->rx_stride - v->hdr_len, true },
    };
    if (v->split_hdr)
        bufs[0].len = v->hdr_len;
    v->rx_dirty = true;
    return v->split_hdr ? virtqueue_add(&v->rxq, bufs, 2, cookie) : virtqueue_add(&v->rxq, bufs, 1, cookie);
}

static int vnet_rx(struct netdev *nd, struct netdev_rx *f)
{
    struct vnet *v = nd->priv;
    for (;;) {
        void *cookie;
        uint32_t len;
        int got = virtqueue_get(&v->rxq, &cookie, &len);
        if (got <= 0)
            return got;
        unsigned i = (unsigned)(uintptr_t)cookie - 1;
        uint8_t *b = v->rx_bufs + (size_t)i * v->rx_stride;
        uint16_t nbufs = 1;
        if (v->hdr_len == VNET_HDR_LEN && virtio_has(v->vdev, VIRTIO_NET_F_MRG_RXBUF))
            NP_STRFN(memcpy)(&nbufs, b + VNET_HDR_NUM_BUFFERS, 2);
        if (v->rx_skip) {
            v->rx_skip--;           /* the tail of a frame we could not take */
        } else if (nbufs > 1) {
            /* Our buffers fit a whole frame, so the device merged anyway: drop the frame whole,
               but never believe a count the ring could not hold. */
            v->rx_skip = nbufs <= v->rxq.size ? nbufs - 1u : 0;
        } else if (len >= v->hdr_len + 14) {
            f->data = b + v->hdr_len;
            f->len = len - v->hdr_len;
            f->buf = i;
            f->csum_ok = virtio_has(v->vdev, VIRTIO_NET_F_GUEST_CSUM) &&
                         (b[VNET_HDR_FLAGS] & (VIRTIO_NET_HDR_F_DATA_VALID | VIRTIO_NET_HDR_F_NEEDS_CSUM));
            return 1;
        }
        rx_post(v, i);              /* runt or dropped: straight back to the device */
    }
}

static void vnet_rx_release(struct netdev *nd, unsigned buf)
{
    struct vnet *v = nd->priv;
    if (buf < v->rxq.size)
        rx_post(v, buf);
}

static unsigned vnet_rx_posted(struct netdev *nd)
{
    return ((struct vnet *)nd->priv)->rxq.in_flight;
}

static int vnet_tx(struct netdev *nd, const struct netdev_frag *frags, unsigned n, void *cookie)
{
    struct vnet *v = nd->priv;
    struct vq_buf b[NETDEV_MAX_FRAGS + 1];
    if (n == 0 || n > NETDEV_MAX_FRAGS)
        return -NP_EINVAL;
    b[0] = (struct vq_buf){ (uint64_t)(uintptr_t)tx_hdr, v->hdr_len, false };
    for (unsigned k = 0; k < n; k++)
        b[k + 1] = (struct vq_buf){ (uint64_t)(uintptr_t)frags[k].data, frags[k].len, false };
    int err = virtqueue_add(&v->txq, b, n + 1, cookie);
    if (err == -NP_ENOSPC && v->tx_dirty) {
        v->tx_dirty = false;
        virtqueue_kick(&v->txq);    /* full of frames the device was not told of: tell it */
    }
    if (err)
        return err == -NP_ENOSPC ? -NP_EBUSY : err;
    if (nd->tx_batch) {
        v->tx_dirty = true;
        return 0;
    }
    virtqueue_kick(&v->txq);
    return 0;
}

static int vnet_tx_done(struct netdev *nd, void **cookie)
{
    uint32_t len;
    return virtqueue_get(&((struct vnet *)nd->priv)->txq, cookie, &len);
}

static void vnet_flush(struct netdev *nd)
{
    struct vnet *v = nd->priv;
    if (v->rx_dirty) {
        v->rx_dirty = false;
        virtqueue_kick(&v->rxq);
    }
    if (v->tx_dirty) {
        v->tx_dirty = false;
        virtqueue_kick(&v->txq);
    }
}

static int vnet_link(struct netdev *nd)
{
    struct vnet *v = nd->priv;
    uint16_t status = VIRTIO_NET_S_LINK_UP;
    if (virtio_has(v->vdev, VIRTIO_NET_F_STATUS) && virtio_config_read(v->vdev, VNET_CFG_STATUS, &status, 2))
        return 0;
    return status & VIRTIO_NET_S_LINK_UP ? 1 : 0;
}

static const struct netdev_ops vnet_ops = {
    vnet_rx, vnet_rx_release, vnet_rx_posted, vnet_tx, vnet_tx_done, vnet_flush, vnet_link,
};

static int vnet_read_config(struct vnet *v)
{
    struct virtio_dev *d = v->vdev;
    uint16_t mtu = 1500;
    int err = 0;
    if (virtio_has(d, VIRTIO_NET_F_MAC))
        err = virtio_config_read(d, VNET_CFG_MAC, v->nd.mac, 6);
    static const uint8_t zero[6];
    if (!err && (!virtio_has(d, VIRTIO_NET_F_MAC) || !NP_STRFN(memcmp)(v->nd.mac, zero, 6))) {
        /* No MAC from the device: a random one, locally administered and unicast. */
        uint32_t r0 = np_rand32(), r1 = np_rand32();
        uint8_t mac[6] = { (uint8_t)((r0 & 0xFC) | 0x02), (uint8_t)(r0 >> 8), (uint8_t)(r0 >> 16),
                           (uint8_t)(r0 >> 24), (uint8_t)r1, (uint8_t)(r1 >> 8) };
        NP_STRFN(memcpy)(v->nd.mac, mac, 6);
        v->nd.mac_generated = true;
    }
    if (!err && virtio_has(d, VIRTIO_NET_F_MTU))
        err = virtio_config_read(d, VNET_CFG_MTU, &mtu, 2);
    if (err)
        return err;
    v->nd.mtu = virtio_has(d, VIRTIO_NET_F_MTU) ? mtu : 1500;   /* vnet_filter checked the range */
    /* VERSION_1 and MRG_RXBUF both give the 12-byte header; legacy without them 10 (5.1.6). */
    v->hdr_len = virtio_has(d, VIRTIO_F_VERSION_1) || virtio_has(d, VIRTIO_NET_F_MRG_RXBUF)
                 ? VNET_HDR_LEN : VNET_HDR_LEN_LEGACY;
    v->split_hdr = !virtio_has(d, VIRTIO_F_VERSION_1) && !virtio_has(d, VIRTIO_F_ANY_LAYOUT);
    v->rx_stride = (v->hdr_len + v->nd.mtu + ETH_OVERHEAD + 63) & ~63u;
    v->nd.link_status = virtio_has(d, VIRTIO_NET_F_STATUS);
    v->nd.rx_csum = virtio_has(d, VIRTIO_NET_F_GUEST_CSUM);
    return 0;
}

static int vnet_setup_queues(struct vnet *v)
{
    int err = virtqueue_create(&v->rxq, v->vdev, VNET_RXQ, VNET_QUEUE_MAX);
    if (!err)
        err = virtqueue_create(&v->txq, v->vdev, VNET_TXQ, VNET_QUEUE_MAX);
    if (err)
        return err;
    if (v->rxq.size < 2 || v->txq.size < 2)
        return -NP_ENOTSUP;     /* a header and a frame never fit */
    v->rx_bufs = virtio_dma_alloc((size_t)v->rxq.size * v->rx_stride, 4096);
    if (!v->rx_bufs)
        return -NP_ENOMEM;
    unsigned n = v->split_hdr ? v->rxq.size / 2u : v->rxq.size;
    for (unsigned i = 0; i < n; i++)
        if ((err = rx_post(v, i)) != 0)
            return err;
    v->nd.rx_ring = n;
    return 0;
}

/*
 * Before FEATURES_OK (3.1.1 allows config reads then): an MTU outside what our buffers take
 * means we must not accept the MTU feature, whose contract is frames and buffers of that size.
 */
static void vnet_filter(struct virtio_dev *d, uint64_t *accepted)
{
    uint16_t mtu = 0;
    if ((*accepted >> VIRTIO_NET_F_MTU & 1) &&
        (virtio_config_read(d, VNET_CFG_MTU, &mtu, 2) || mtu < VNET_MTU_MIN || mtu > VNET_MTU_MAX))
        *accepted &= ~(1ull << VIRTIO_NET_F_MTU);
}

int virtio_net_attach(struct virtio_dev *d)
{
    if (n_vnets == VNET_MAX_DEVS)
        return -NP_ENOSPC;
    struct vnet *v = &vnets[n_vnets];
    NP_STRFN(memset)(v, 0, sizeof(*v));
    v->vdev = d;
    int err = virtio_dev_start_filtered(d, vnet_features, sizeof(vnet_features) / sizeof(vnet_features[0]),
                                        vnet_filter);
    if (!err)
        err = vnet_read_config(v);
    if (!err)
        err = vnet_setup_queues(v);
    if (err) {
        virtio_dev_fail(d);
        return err;
    }
    v->nd.ops = &vnet_ops;
    v->nd.priv = v;
    virtio_dev_ready(d);
    vnet_flush(&v->nd);     /* posted buffers: tell the device, now that it is live */
    /* ethN counts every NIC, whatever drives it, in probe order. */
    np_snprintf(v->nd.name, sizeof(v->nd.name), "eth%u", netdev_count());
    np_strlcpy(v->nd.location, d->name, sizeof(v->nd.location));
    np_strlcpy(v->nd.transport, d->ops->name, sizeof(v->nd.transport));
    n_vnets++;
    return netdev_register(&v->nd);
}
