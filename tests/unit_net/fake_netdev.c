/* The fake netdev (see fake_netdev.h). */
#include "tests/unit_net/fake_netdev.h"

#include <string.h>

#include "kernel/errno.h"

static struct fake_netdev *fnd_of(struct netdev *d)
{
    return d->priv;
}

static int f_rx(struct netdev *d, struct netdev_rx *r)
{
    struct fake_netdev *f = fnd_of(d);
    f->rx_calls++;
    if (!f->q_count)
        return 0;
    unsigned slot = f->q_head;
    unsigned b = f->queue[slot];
    f->q_head = (f->q_head + 1) % FND_BUFS;
    f->q_count--;
    f->state[b] = FND_HELD;
    r->data = f->buf[b];
    r->len = f->next_rx_len ? f->next_rx_len : f->queue_len[slot];
    f->next_rx_len = 0;
    r->buf = b;
    r->csum_ok = f->queue_csum_ok[slot];
    return 1;
}

static void f_rx_release(struct netdev *d, unsigned b)
{
    struct fake_netdev *f = fnd_of(d);
    if (b >= d->rx_ring || f->state[b] != FND_HELD) {
        f->bad_releases++;
        return;
    }
    f->releases[b]++;
    f->state[b] = FND_POSTED;
}

static unsigned f_rx_posted(struct netdev *d)
{
    struct fake_netdev *f = fnd_of(d);
    return f->posted_override >= 0 ? (unsigned)f->posted_override : d->rx_ring - fnd_held(f);
}

unsigned fnd_tx_in_ring(const struct fake_netdev *f)
{
    return f->ntx - f->tx_next_done;
}

static int f_tx(struct netdev *d, const struct netdev_frag *frags, unsigned n, void *cookie)
{
    struct fake_netdev *f = fnd_of(d);
    f->tx_calls++;
    if (f->tx_fail)
        return f->tx_fail;
    if (n == 0 || n > NETDEV_MAX_FRAGS || !cookie)
        return -NP_EINVAL;
    if (fnd_tx_in_ring(f) >= f->tx_capacity || f->ntx == FND_TX_MAX) {
        f->tx_busy++;
        return -NP_EBUSY;
    }
    struct fnd_tx *t = &f->tx[f->ntx++];
    memset(t, 0, sizeof(*t));
    for (unsigned k = 0; k < n; k++) {
        t->frag_data[k] = frags[k].data;
        t->frag_len[k] = frags[k].len;
        uint32_t take = frags[k].len <= FND_BUF_SIZE - t->len ? frags[k].len : FND_BUF_SIZE - t->len;
        memcpy(t->data + t->len, frags[k].data, take);
        t->len += take;
    }
    t->nfrags = n;
    t->cookie = cookie;
    return 0;
}

static int f_tx_done(struct netdev *d, void **cookie)
{
    struct fake_netdev *f = fnd_of(d);
    f->tx_done_calls++;
    if (f->tx_stuck || f->tx_next_done == f->ntx)
        return 0;
    struct fnd_tx *t = &f->tx[f->tx_next_done++];
    t->returned = true;
    *cookie = t->cookie;
    return 1;
}

static void f_flush(struct netdev *d)
{
    fnd_of(d)->flushes++;
}

static int f_link(struct netdev *d)
{
    struct fake_netdev *f = fnd_of(d);
    f->link_calls++;
    return f->link;
}

static const struct netdev_ops fnd_ops = {
    f_rx, f_rx_release, f_rx_posted, f_tx, f_tx_done, f_flush, f_link,
};

void fnd_init(struct fake_netdev *f, unsigned rx_ring)
{
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    memset(f, 0, sizeof(*f));
    f->nd.ops = &fnd_ops;
    f->nd.priv = f;
    strcpy(f->nd.name, "eth0");
    strcpy(f->nd.transport, "fake");
    memcpy(f->nd.mac, mac, 6);
    f->nd.mtu = 1500;
    f->nd.rx_ring = rx_ring <= FND_BUFS ? rx_ring : FND_BUFS;
    f->posted_override = -1;
    f->tx_capacity = FND_TX_MAX;
    f->link = 1;
}

int fnd_inject(struct fake_netdev *f, const void *frame, uint32_t len, bool csum_ok)
{
    if (f->q_count == f->nd.rx_ring || len > FND_BUF_SIZE)
        return -1;
    for (unsigned i = 0; i < f->nd.rx_ring; i++) {
        /* Take buffers round the ring, as a device would, so reuse shows up. */
        unsigned b = (f->q_head + f->q_count + i) % f->nd.rx_ring;
        if (f->state[b] != FND_POSTED)
            continue;
        memcpy(f->buf[b], frame, len);
        f->state[b] = FND_FILLED;
        unsigned slot = (f->q_head + f->q_count) % FND_BUFS;
        f->queue[slot] = b;
        f->queue_len[slot] = len;
        f->queue_csum_ok[slot] = csum_ok;
        f->q_count++;
        return (int)b;
    }
    return -1;
}

unsigned fnd_held(const struct fake_netdev *f)
{
    unsigned n = 0;
    for (unsigned i = 0; i < f->nd.rx_ring; i++)
        n += f->state[i] == FND_HELD;
    return n;
}

bool fnd_in_buf(const struct fake_netdev *f, unsigned b, const void *p)
{
    const uint8_t *q = p;
    return b < FND_BUFS && q >= f->buf[b] && q < f->buf[b] + FND_BUF_SIZE;
}
