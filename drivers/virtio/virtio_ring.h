/* Split virtqueue layout (virtio 1.2 section 2.7). All fields little-endian; x86 is too. */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include <stddef.h>
#include <stdint.h>

#define VRING_DESC_F_NEXT       1   /* chained with the descriptor in `next` */
#define VRING_DESC_F_WRITE      2   /* device writes this buffer (else reads it) */
#define VRING_AVAIL_F_NO_INTERRUPT 1    /* driver: no used-buffer notifications, please (2.7.7) */
#define VRING_USED_F_NO_NOTIFY  1   /* device: no available-buffer notifications needed (2.7.10) */

struct vring_desc {
    uint64_t addr;      /* guest-physical */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_avail {
    uint16_t flags;
    uint16_t idx;       /* where the driver puts the next entry: free-running */
    uint16_t ring[];
};

struct vring_used_elem {
    uint32_t id;        /* head of the completed chain */
    uint32_t len;       /* bytes the device wrote */
};

struct vring_used {
    uint16_t flags;
    uint16_t idx;
    struct vring_used_elem ring[];
};

_Static_assert(sizeof(struct vring_desc) == 16, "virtq_desc is 16 bytes");
_Static_assert(offsetof(struct vring_avail, ring) == 4, "virtq_avail.ring at 4");
_Static_assert(sizeof(struct vring_used_elem) == 8, "virtq_used_elem is 8 bytes");
_Static_assert(offsetof(struct vring_used, ring) == 4, "virtq_used.ring at 4");

/* Sizes of the three parts for a queue of n entries (the event-idx words included). */
static inline size_t vring_desc_size(unsigned n) { return 16u * n; }
static inline size_t vring_avail_size(unsigned n) { return 6u + 2u * n; }
static inline size_t vring_used_size(unsigned n) { return 6u + 8u * n; }

#endif
