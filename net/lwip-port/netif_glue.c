/*
 * Receive without copying: a frame becomes a custom pbuf over the device's own buffer, and
 * freeing the pbuf hands the buffer back. When the device runs short of buffers (lwIP is
 * holding many, e.g. out-of-order TCP segments), frames are copied into pool pbufs instead
 * and their buffers go back at once, so the ring never runs dry.
 * Transmit gathers the pbuf chain into the ring and keeps a reference until the device is done.
 * netplant uses one NIC at a time: the receive wrappers, stats and link clock are per module.
 */
#include "net/lwip-port/netif_glue.h"

#include "kernel/errno.h"
#include "kernel/string.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "net/lwip-port/inet_csum.h"
#include "netif/ethernet.h"

#define RX_MAX_BUFS     1024
#define LINK_POLL_MS    100

struct rx_pbuf {
    struct pbuf_custom pc;      /* first: lwIP hands us back the pbuf pointer */
    struct netdev *dev;
    unsigned buf;
};

static struct rx_pbuf rx_pbufs[RX_MAX_BUFS];
static struct netif_stats stats;
static uint32_t link_checked_ms;

const struct netif_stats *netif_glue_stats(void)
{
    return &stats;
}

static void rx_pbuf_free(struct pbuf *p)
{
    struct rx_pbuf *r = (struct rx_pbuf *)p;
    r->dev->ops->rx_release(r->dev, r->buf);
}

/* Copies the frame when the ring is low on posted buffers; else wraps it in place. */
static struct pbuf *rx_pbuf_make(struct netdev *d, const struct netdev_rx *f)
{
    if (f->buf < RX_MAX_BUFS && d->ops->rx_posted(d) > d->rx_ring / 4) {
        struct rx_pbuf *r = &rx_pbufs[f->buf];
        r->dev = d;
        r->buf = f->buf;
        r->pc.custom_free_function = rx_pbuf_free;
        return pbuf_alloced_custom(PBUF_RAW, (u16_t)f->len, PBUF_REF, &r->pc, f->data, (u16_t)f->len);
    }
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)f->len, PBUF_POOL);
    if (p) {
        pbuf_take(p, f->data, (u16_t)f->len);
        stats.rx_copied++;
    }
    d->ops->rx_release(d, f->buf);
    return p;
}

static void rx_one(struct netif *nif, struct netdev *d, const struct netdev_rx *f)
{
    stats.rx_frames++;
    /* lwIP's own checks are off on this netif when the device can vouch: check the rest here. */
    if (d->rx_csum && !f->csum_ok && !inet_frame_csum_ok(f->data, f->len)) {
        stats.rx_bad_csum++;
        d->ops->rx_release(d, f->buf);
        return;
    }
    if (f->len > 0xFFFF) {      /* no pbuf holds it; the buffer still goes back */
        stats.rx_dropped++;
        d->ops->rx_release(d, f->buf);
        return;
    }
    struct pbuf *p = rx_pbuf_make(d, f);
    if (!p) {
        stats.rx_dropped++;
        return;
    }
    if (nif->input(p, nif) != ERR_OK)
        pbuf_free(p);
}

static void tx_reclaim(struct netdev *d)
{
    void *cookie;
    while (d->ops->tx_done(d, &cookie) == 1)
        pbuf_free(cookie);
}

static void link_follow(struct netif *nif, struct netdev *d)
{
    uint32_t now = sys_now();
    if (!d->link_status || now - link_checked_ms < LINK_POLL_MS)
        return;
    link_checked_ms = now;
    bool up = d->ops->link(d) == 1;
    if (up && !netif_is_link_up(nif))
        netif_set_link_up(nif);
    else if (!up && netif_is_link_up(nif))
        netif_set_link_down(nif);
}

void netif_glue_poll(struct netif *nif, unsigned budget)
{
    struct netdev *d = nif->state;
    struct netdev_rx f;
    uint64_t t0 = __builtin_ia32_rdtsc();
    unsigned n = 0;
    d->tx_batch = true;     /* the ACKs of the burst leave together, at the flush */
    for (; n < budget && d->ops->rx(d, &f) == 1; n++)
        rx_one(nif, d, &f);
    if (n)
        tcp_ack_delayed_flush();    /* the burst's one ACK (TCP_ACK_DELAY_ALWAYS) */
    d->tx_batch = false;
    d->ops->flush(d);
    tx_reclaim(d);
    link_follow(nif, d);
    stats.polls++;
    if (n) {
        stats.busy_tsc += __builtin_ia32_rdtsc() - t0;
    } else {
        stats.idle_polls++;
        stats.idle_tsc += __builtin_ia32_rdtsc() - t0;
    }
}

/* A chain with more fragments than the device takes is sent from one contiguous copy. */
static struct pbuf *tx_linearize(struct pbuf *p, unsigned *n)
{
    *n = 0;
    for (struct pbuf *q = p; q; q = q->next)
        *n += q->len ? 1 : 0;
    if (*n <= NETDEV_MAX_FRAGS) {
        pbuf_ref(p);
        return p;
    }
    stats.tx_linearized++;
    *n = 1;
    return pbuf_clone(PBUF_RAW, PBUF_RAM, p);
}

static err_t glue_linkoutput(struct netif *nif, struct pbuf *p)
{
    struct netdev *d = nif->state;
    struct netdev_frag frags[NETDEV_MAX_FRAGS];
    unsigned n, k = 0;
    struct pbuf *out = tx_linearize(p, &n);
    if (!out)
        return ERR_MEM;
    for (struct pbuf *q = out; q && k < n; q = q->next)
        if (q->len)
            frags[k++] = (struct netdev_frag){ q->payload, q->len };
    uint64_t t0 = __builtin_ia32_rdtsc();
    int err = d->ops->tx(d, frags, k, out);
    stats.tx_tsc += __builtin_ia32_rdtsc() - t0;
    if (err == -NP_EBUSY) {
        tx_reclaim(d);      /* completions free slots; one more try, then drop (TCP resends) */
        err = d->ops->tx(d, frags, k, out);
    }
    if (err) {
        stats.tx_busy++;
        pbuf_free(out);
        return ERR_MEM;
    }
    stats.tx_frames++;
    return ERR_OK;
}

static err_t glue_init(struct netif *nif)
{
    struct netdev *d = nif->state;
    nif->name[0] = 'e';
    nif->name[1] = 'n';
    nif->output = etharp_output;
    nif->linkoutput = glue_linkoutput;
    nif->mtu = d->mtu;
    nif->hwaddr_len = ETH_HWADDR_LEN;
    NP_STRFN(memcpy)(nif->hwaddr, d->mac, ETH_HWADDR_LEN);
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    /*
     * Generate every checksum. A device's DATA_VALID covers TCP and UDP only (as Linux reads
     * it), so when it may vouch, lwIP skips just those two checks; rx_one checks them for the
     * frames it did not vouch for. IP and ICMP are always lwIP's to check.
     */
    NETIF_SET_CHECKSUM_CTRL(nif, d->rx_csum ? NETIF_CHECKSUM_ENABLE_ALL &
                                                  ~(NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP)
                                            : NETIF_CHECKSUM_ENABLE_ALL);
    /* No status from the device: assume a cable. Else start from what it says now. */
    if (!d->link_status || d->ops->link(d) == 1)
        nif->flags |= NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

int netif_glue_add(struct netif *nif, struct netdev *d)
{
    if (d->rx_ring > RX_MAX_BUFS)
        return -NP_ENOTSUP;
    if (!netif_add(nif, NULL, NULL, NULL, d, glue_init, ethernet_input))
        return -NP_EINVAL;
    netif_set_default(nif);
    link_checked_ms = sys_now() - LINK_POLL_MS;
    return 0;
}
