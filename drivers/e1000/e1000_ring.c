/* e1000 legacy descriptor rings (8254x SDM 3.2 receive, 3.3 transmit, 3.4 ring layout). */
#include "drivers/e1000/e1000_ring.h"

#include "kernel/errno.h"

static bool ring_size_ok(unsigned size)
{
    /* RDLEN/TDLEN count 128-byte units: a multiple of 8 descriptors. */
    return size >= E1000_RING_MIN && size <= E1000_RING_MAX && size % 8 == 0;
}

int e1000_rx_init(struct e1000_rx_ring *r, void *desc, bool *held, unsigned size, uint64_t buf_phys,
                  uint32_t buf_size)
{
    if (!ring_size_ok(size) || !desc || !held || !buf_size)
        return -NP_EINVAL;
    r->desc = desc;
    r->held = held;
    r->buf_phys = buf_phys;
    r->buf_size = buf_size;
    r->size = (uint16_t)size;
    for (unsigned i = 0; i < size; i++) {
        r->desc[i].addr = buf_phys + (uint64_t)i * buf_size;
        r->desc[i].status = 0;
        held[i] = false;
    }
    r->next = 0;
    /* Head == tail means an empty ring to the device: one descriptor always stays ours. */
    r->tail = (uint16_t)(size - 1);
    r->posted = (uint16_t)(size - 1);
    r->discarding = false;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return 0;
}

static bool rx_csum_ok(const struct e1000_rx_ring *r, uint8_t status, uint8_t errors)
{
    /* Only a frame whose IPv4 and TCP/UDP sums were both checked and found good (3.2.9). */
    return r->csum && !(status & E1000_RXD_STAT_IXSM) && (status & E1000_RXD_STAT_IPCS) &&
           (status & E1000_RXD_STAT_TCPCS) && !(errors & (E1000_RXD_ERR_IPE | E1000_RXD_ERR_TCPE));
}

int e1000_rx_take(struct e1000_rx_ring *r, struct e1000_rx_frame *f)
{
    while (r->posted) {
        volatile struct e1000_rx_desc *d = &r->desc[r->next];
        uint8_t status = d->status;
        if (!(status & E1000_RXD_STAT_DD))
            return 0;
        /* DD first, then the rest of what the device wrote back. */
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint16_t len = d->length;
        uint8_t errors = d->errors;
        unsigned i = r->next;
        r->next = (uint16_t)((r->next + 1u) % r->size);
        r->posted--;
        /* A frame over several buffers: we size buffers for whole frames, so drop it all. */
        if (r->discarding || !(status & E1000_RXD_STAT_EOP)) {
            r->discarding = !(status & E1000_RXD_STAT_EOP);
            continue;
        }
        if ((errors & E1000_RXD_ERR_FRAME) || len < 14 || len > r->buf_size)
            continue;
        r->held[i] = true;
        f->buf = i;
        f->len = len;
        f->csum_ok = rx_csum_ok(r, status, errors);
        return 1;
    }
    return 0;
}

int e1000_rx_release(struct e1000_rx_ring *r, unsigned buf)
{
    if (buf >= r->size || !r->held[buf])
        return -NP_EINVAL;
    r->held[buf] = false;
    return 0;
}

bool e1000_rx_refill(struct e1000_rx_ring *r)
{
    bool moved = false;
    /* In ring order only: the tail cannot pass a buffer the stack still holds. */
    while (r->posted < r->size - 1u && !r->held[r->tail]) {
        volatile struct e1000_rx_desc *d = &r->desc[r->tail];
        d->addr = r->buf_phys + (uint64_t)r->tail * r->buf_size;
        d->status = 0;
        r->tail = (uint16_t)((r->tail + 1u) % r->size);
        r->posted++;
        moved = true;
    }
    /* Descriptors cleared before the caller's RDT write hands them over. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return moved;
}

unsigned e1000_rx_posted(const struct e1000_rx_ring *r)
{
    return r->posted;
}

int e1000_tx_init(struct e1000_tx_ring *r, void *desc, void **cookie, uint16_t *last, unsigned size)
{
    if (!ring_size_ok(size) || !desc || !cookie || !last)
        return -NP_EINVAL;
    r->desc = desc;
    r->cookie = cookie;
    r->last = last;
    r->size = (uint16_t)size;
    r->tail = r->clean = 0;
    return 0;
}

int e1000_tx_put(struct e1000_tx_ring *r, const struct netdev_frag *frags, unsigned n, void *cookie)
{
    if (n == 0 || n > NETDEV_MAX_FRAGS)
        return -NP_EINVAL;
    for (unsigned k = 0; k < n; k++)
        if (!frags[k].len || frags[k].len > 0xFFFF)
            return -NP_EINVAL;
    unsigned used = (r->tail + r->size - r->clean) % r->size;
    if (n > r->size - 1u - used)
        return -NP_EBUSY;
    uint16_t first = r->tail, i = first;
    for (unsigned k = 0; k < n; k++) {
        i = r->tail;
        volatile struct e1000_tx_desc *d = &r->desc[i];
        d->addr = (uint64_t)(uintptr_t)frags[k].data;
        d->length = (uint16_t)frags[k].len;
        d->cso = d->css = 0;
        d->special = 0;
        d->status = 0;
        d->cmd = (uint8_t)(E1000_TXD_CMD_IFCS | (k == n - 1 ? E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS : 0));
        r->cookie[i] = NULL;
        r->tail = (uint16_t)((r->tail + 1u) % r->size);
    }
    r->cookie[i] = cookie;
    r->last[first] = i;
    /* Descriptors complete before the caller's TDT write. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return 0;
}

int e1000_tx_reap(struct e1000_tx_ring *r, void **cookie)
{
    if (r->clean == r->tail)
        return 0;
    uint16_t l = r->last[r->clean];
    /* RS is set on a frame's last descriptor only, so that is where DD appears. */
    if (!(r->desc[l].status & E1000_TXD_STAT_DD))
        return 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    *cookie = r->cookie[l];
    r->clean = (uint16_t)((l + 1u) % r->size);
    return 1;
}
