#include "drivers/virtio/virtqueue.h"

#include "kernel/errno.h"
#include "kernel/string.h"

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

size_t virtqueue_layout(uint16_t size, unsigned align, size_t *avail_off, size_t *used_off)
{
    *avail_off = vring_desc_size(size);
    *used_off = align_up(*avail_off + vring_avail_size(size), align);
    return *used_off + vring_used_size(size);
}

static bool is_pow2(unsigned v)
{
    return v && !(v & (v - 1));
}

static int vq_alloc(struct virtqueue *vq, uint16_t size, unsigned align)
{
    size_t avail_off, used_off;
    size_t ring = virtqueue_layout(size, align, &avail_off, &used_off);
    uint8_t *mem = virtio_dma_alloc(ring, 4096);
    uint8_t *meta = virtio_dma_alloc((size_t)size * (sizeof(void *) + 8 + 2 + 2), 8);
    if (!mem || !meta)
        return -NP_ENOMEM;
    vq->desc = (struct vring_desc *)mem;
    vq->avail = (struct vring_avail *)(mem + avail_off);
    vq->used = (volatile struct vring_used *)(mem + used_off);
    vq->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;     /* every driver here polls the used ring */
    vq->cookie = (void **)meta;
    vq->writable = (uint64_t *)(meta + (size_t)size * sizeof(void *));
    vq->chain = (uint16_t *)(meta + (size_t)size * (sizeof(void *) + 8));
    vq->next = (uint16_t *)(meta + (size_t)size * (sizeof(void *) + 8 + 2));
    return 0;
}

int virtqueue_create(struct virtqueue *vq, struct virtio_dev *d, uint16_t q, uint16_t max_size)
{
    uint16_t dev_max = d->ops->queue_max(d, q);
    uint16_t size = d->ops->fixed_queue_size || dev_max < max_size ? dev_max : max_size;

    NP_STRFN(memset)(vq, 0, sizeof(*vq));
    if (!dev_max)
        return -NP_ENODEV;
    /* Split rings index with a mask: sizes must be powers of two (2.7). */
    if (!is_pow2(size) || size > VIRTQUEUE_MAX_SIZE)
        return -NP_ENOTSUP;
    int err = vq_alloc(vq, size, d->ops->ring_align ? d->ops->ring_align : 4096);
    if (err)
        return err;
    vq->dev = d;
    vq->index = q;
    vq->size = size;
    vq->mask = (uint16_t)(size - 1);
    vq->num_free = size;
    for (uint16_t i = 0; i + 1 < size; i++)
        vq->next[i] = (uint16_t)(i + 1);
    return d->ops->queue_setup(d, q, size, (uint64_t)(uintptr_t)vq->desc,
                               (uint64_t)(uintptr_t)vq->avail, (uint64_t)(uintptr_t)vq->used);
}

int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, void *cookie)
{
    if (n == 0 || !cookie)
        return -NP_EINVAL;
    if (n > vq->num_free)
        return -NP_ENOSPC;
    uint16_t head = vq->free_head, i = head, last = head;
    uint64_t writable = 0;
    for (unsigned k = 0; k < n; k++) {
        struct vring_desc *dsc = &vq->desc[i];
        dsc->addr = bufs[k].addr;
        dsc->len = bufs[k].len;
        dsc->flags = (uint16_t)((bufs[k].device_writes ? VRING_DESC_F_WRITE : 0) |
                                (k + 1 < n ? VRING_DESC_F_NEXT : 0));
        dsc->next = vq->next[i];
        if (bufs[k].device_writes)
            writable += bufs[k].len;
        last = i;
        i = vq->next[i];
    }
    vq->free_head = vq->next[last];
    vq->num_free = (uint16_t)(vq->num_free - n);
    vq->cookie[head] = cookie;
    vq->chain[head] = (uint16_t)n;
    vq->writable[head] = writable;
    /* Descriptors first, then the ring slot; the index is published in virtqueue_kick. */
    vq->avail->ring[vq->avail_idx & vq->mask] = head;
    vq->avail_idx++;
    vq->in_flight++;
    return 0;
}

void virtqueue_kick(struct virtqueue *vq)
{
    /* Release: the device must see descriptors and ring slots before the new index (2.7.13). */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELAXED);
    /* Full fence: the index store must be visible before the notify write reaches the device. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /*
     * A device busy with the queue (QEMU's, between a notify and the end of its run over the
     * queue) says it will look again by itself: skip the notify, under TCG a trap into the
     * device model that waits for QEMU's global lock (2.7.10: without EVENT_IDX).
     */
    if (!(vq->used->flags & VRING_USED_F_NO_NOTIFY))
        vq->dev->ops->notify(vq->dev, vq->index);
}

static void vq_free_chain(struct virtqueue *vq, uint16_t head)
{
    uint16_t last = head;
    for (uint16_t k = 1; k < vq->chain[head]; k++)
        last = vq->next[last];
    vq->next[last] = vq->free_head;
    vq->free_head = head;
    vq->num_free = (uint16_t)(vq->num_free + vq->chain[head]);
    vq->cookie[head] = NULL;
}

int virtqueue_get(struct virtqueue *vq, void **cookie, uint32_t *len)
{
    /* A volatile read each time: the device moves used->idx behind the compiler's back. */
    uint16_t used_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED);
    if (used_idx == vq->last_used)
        return 0;
    if ((uint16_t)(used_idx - vq->last_used) > vq->in_flight)
        return -NP_EPROTO;      /* the device claims more completions than we submitted */
    /* Acquire: read the entry only after seeing the index that covers it. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    struct vring_used_elem e = { vq->used->ring[vq->last_used & vq->mask].id,
                                 vq->used->ring[vq->last_used & vq->mask].len };
    if (e.id >= vq->size || !vq->cookie[e.id] || e.len > vq->writable[e.id])
        return -NP_EPROTO;
    *cookie = vq->cookie[e.id];
    *len = e.len;
    vq_free_chain(vq, (uint16_t)e.id);
    vq->last_used++;
    vq->in_flight--;
    return 1;
}
