/*
 * Block devices, whatever drives them: asynchronous requests in bytes, several in flight,
 * completed by polling. The streaming writer and the self-tests see only this.
 */
#ifndef KERNEL_BLKDEV_H
#define KERNEL_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * BLK_WRITE_ZEROES: the range reads as zeros afterwards, without a buffer sent (virtio-blk
 * WRITE_ZEROES, NVMe Write Zeroes); the device may deallocate it. Only where max_zeroes != 0.
 */
enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH, BLK_WRITE_ZEROES };

struct blk_req {
    enum blk_op op;
    uint64_t offset;        /* bytes from the disk's start, a multiple of block_size */
    void *buf;              /* identity-mapped, physically contiguous; not used by WRITE_ZEROES */
    size_t len;             /* bytes, a multiple of block_size */
    int status;             /* 0 or a negative error, set before done() */
    void (*done)(struct blk_req *r);
    void *ctx;
};

struct blkdev;

struct blkdev_ops {
    /* -NP_EBUSY when the queue is full: poll, then submit again. */
    int (*submit)(struct blkdev *d, struct blk_req *r);
    /* Completes what the device finished; returns how many, or < 0 when the device failed. */
    int (*poll)(struct blkdev *d);
};

struct blkdev {
    const struct blkdev_ops *ops;
    void *priv;
    char name[12];          /* "vda", "nvme0n1", "sda" */
    char location[40];      /* "pci 0000:00:04.0", "mmio 0xfeb00e00" (a controller's disks share it) */
    char transport[16];     /* "pci-modern", "mmio-v1", "nvme", "ahci"... */
    char serial[24];
    char model[41];         /* "QEMU NVMe Ctrl", from IDENTIFY; empty when the device has none */
    uint64_t size;          /* bytes */
    uint32_t block_size;
    uint32_t max_transfer;  /* bytes in one request */
    uint32_t max_zeroes;    /* bytes in one BLK_WRITE_ZEROES, a multiple of block_size; 0: none */
    unsigned queue_depth;   /* requests that can be in flight */
    bool read_only;
    bool can_flush;
};

/* Checks a request against the device before a driver sees it (pure). */
int blkdev_check(const struct blkdev *d, const struct blk_req *r);

/* What blk_req.status holds while a request is in flight (errors are negative, success 0). */
#define BLK_PENDING 1

/*
 * Submits r and polls until it completes or timeout_us passes; returns its status. After a
 * timeout the request may still complete later: r must stay valid (a static one, say).
 */
int blkdev_sync(struct blkdev *d, struct blk_req *r, uint64_t timeout_us);

/* Submits after blkdev_check. */
int blkdev_submit(struct blkdev *d, struct blk_req *r);
int blkdev_poll(struct blkdev *d);

/*
 * Chooses the target among n disks (pure). With spec NULL: the only disk, else -NP_EINVAL
 * (several: refuse to guess) or -NP_ENODEV (none). A spec is one or more hints separated by
 * commas, all of which must match (as Ironic's root device hints): a name ("vda"), PCI address
 * ("0000:00:04.0", "00:04.0", "pci:..."), MMIO base ("mmio:0xfeb00e00"), a bare serial,
 * "serial:GLOB", "model:GLOB" ('*' and '?'), "size:N", "min_size:N", "max_size:N" (bytes, or
 * with K/M/G/T, powers of 1024), "smallest", "largest" (among the disks the other hints leave).
 * -NP_ENOENT when nothing matches, -NP_EEXIST when more than one does, -NP_EBADMSG for a
 * malformed size.
 */
int blkdev_select(struct blkdev *const *disks, unsigned n, const char *spec, unsigned *index);

/* The kernel's list of disks, in probe order. */
int blkdev_register(struct blkdev *d);
unsigned blkdev_count(void);
struct blkdev *blkdev_get(unsigned i);
struct blkdev *const *blkdev_all(void);

#endif
