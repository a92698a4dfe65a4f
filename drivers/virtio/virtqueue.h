/*
 * Split virtqueues (virtio 1.2 section 2.7): free-running indices, a free list of
 * descriptors, and every id and length the device hands back checked before use.
 */
#ifndef DRIVERS_VIRTIO_VIRTQUEUE_H
#define DRIVERS_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_ring.h"

#define VIRTQUEUE_MAX_SIZE 1024

/* One buffer of a request: guest-physical address, length, direction. */
struct vq_buf {
    uint64_t addr;
    uint32_t len;
    bool device_writes;
};

struct virtqueue {
    struct virtio_dev *dev;
    uint16_t index;
    uint16_t size;
    uint16_t mask;
    struct vring_desc *desc;
    struct vring_avail *avail;
    volatile struct vring_used *used;
    uint16_t free_head;
    uint16_t num_free;
    uint16_t avail_idx;         /* our copy: the device only ever reads avail->idx */
    uint16_t last_used;         /* next used entry we have not consumed */
    uint16_t in_flight;
    void **cookie;              /* per head: the caller's request, NULL when free */
    uint16_t *chain;            /* per head: descriptors in the chain */
    uint16_t *next;             /* our copy of each descriptor's next: the device can write desc[] */
    uint64_t *writable;         /* per head: bytes the device may write */
};

/*
 * DMA memory for rings: zeroed, physically contiguous, identity-mapped (va == pa in the
 * kernel). The kernel gives pages; the host tests give aligned heap memory.
 */
void *virtio_dma_alloc(size_t size, size_t align);

/* Creates queue q with at most max_size entries; the transport decides the final size. */
int virtqueue_create(struct virtqueue *vq, struct virtio_dev *d, uint16_t q, uint16_t max_size);

/* Chains n buffers (device-readable first, then device-writable); -NP_ENOSPC when full. */
int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, void *cookie);

/* Publishes what was added and notifies the device. */
void virtqueue_kick(struct virtqueue *vq);

/*
 * Takes the next completed request: returns 1 and its cookie and written length, 0 when
 * none is ready, or -NP_EPROTO when the device returned an id or length it could not have.
 */
int virtqueue_get(struct virtqueue *vq, void **cookie, uint32_t *len);

/* Lays out the rings in one block as legacy devices need them; returns the block size. */
size_t virtqueue_layout(uint16_t size, unsigned align, size_t *avail_off, size_t *used_off);

#endif
