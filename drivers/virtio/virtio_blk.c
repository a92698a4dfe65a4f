/*
 * virtio-blk (virtio 1.1 section 5.2): one request queue, many requests in flight, each request
 * a header, data segments and a status byte; completions by polling the used ring. WRITE_ZEROES
 * zeroes a range with one 16-byte segment instead of the zeros themselves.
 */
#include "drivers/virtio/virtio_blk.h"

#include "drivers/virtio/virtqueue.h"
#include "kernel/blkdev.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX   1
#define VIRTIO_BLK_F_SEG_MAX    2
#define VIRTIO_BLK_F_RO         5
#define VIRTIO_BLK_F_BLK_SIZE   6
#define VIRTIO_BLK_F_FLUSH      9
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Device configuration layout (5.2.4). */
#define VBLK_CFG_CAPACITY       0   /* le64, 512-byte sectors */
#define VBLK_CFG_SIZE_MAX       8   /* le32 */
#define VBLK_CFG_SEG_MAX        12  /* le32 */
#define VBLK_CFG_BLK_SIZE       20  /* le32 */
#define VBLK_CFG_MAX_WZ_SECTORS 48  /* le32, with WRITE_ZEROES: sectors in one segment */
#define VBLK_CFG_WZ_MAY_UNMAP   56  /* u8, with WRITE_ZEROES: the device may deallocate */

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN         0
#define VIRTIO_BLK_T_OUT        1
#define VIRTIO_BLK_T_FLUSH      4
#define VIRTIO_BLK_T_GET_ID     8
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_WZ_UNMAP     1u  /* flags bit 0: the range may be deallocated (5.2.6) */
#define VIRTIO_BLK_S_OK         0
#define VIRTIO_BLK_S_IOERR      1
#define VIRTIO_BLK_S_UNSUPP     2
#define VIRTIO_BLK_ID_BYTES     20

#define VBLK_QUEUE_MAX          256
#define VBLK_MAX_TRANSFER       (4u << 20)
#define VBLK_MAX_DISKS          8
#define VBLK_SEGS_MAX           64      /* data segments we build per request */
#define VBLK_ID_TIMEOUT_US      2000000
#define VBLK_MAX_ZEROES         (1u << 30)  /* bytes in one WRITE_ZEROES: far above any run we send */

static const struct virtio_feature vblk_features[] = {
    { VIRTIO_BLK_F_SIZE_MAX, "size_max" },
    { VIRTIO_BLK_F_SEG_MAX, "seg_max" },
    { VIRTIO_BLK_F_RO, "ro" },
    { VIRTIO_BLK_F_BLK_SIZE, "blk_size" },
    { VIRTIO_BLK_F_FLUSH, "flush" },
    { VIRTIO_BLK_F_WRITE_ZEROES, "write_zeroes" },
};

struct vblk_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
_Static_assert(sizeof(struct vblk_hdr) == 16, "virtio_blk_req header");

/* The one data segment of a WRITE_ZEROES request: struct virtio_blk_discard_write_zeroes. */
struct vblk_zeroes {
    uint64_t sector;
    uint32_t num_sectors;
    uint32_t flags;
};
_Static_assert(sizeof(struct vblk_zeroes) == 16, "virtio_blk_discard_write_zeroes");

/* Device-visible per-request memory: what it reads (header, zeroes range), the status it writes. */
struct vblk_slot {
    struct vblk_hdr hdr;
    struct vblk_zeroes zeroes;
    uint8_t status;
    uint8_t in_use;
    struct blk_req *req;
};

struct vblk {
    struct virtio_dev *vdev;
    struct virtqueue vq;
    struct vblk_slot *slots;
    unsigned nslots;
    uint32_t seg_limit;     /* bytes in one data segment */
    uint32_t seg_max;       /* data segments in one request */
    uint32_t zeroes_flags;  /* VIRTIO_BLK_WZ_UNMAP when the device may deallocate */
    unsigned idle_polls;
    bool failed;
    struct blkdev bd;
};

static struct vblk vblks[VBLK_MAX_DISKS];
static unsigned n_vblks;

static struct vblk_slot *slot_get(struct vblk *v)
{
    for (unsigned i = 0; i < v->nslots; i++)
        if (!v->slots[i].in_use)
            return &v->slots[i];
    return NULL;
}

/* Header, data split into segments, status: device-readable buffers first (2.7.4.1). */
static unsigned build_chain(struct vblk *v, struct vblk_slot *s, void *buf, size_t len, bool dev_writes,
                            struct vq_buf *b)
{
    unsigned n = 0;
    b[n++] = (struct vq_buf){ (uint64_t)(uintptr_t)&s->hdr, sizeof(s->hdr), false };
    for (size_t off = 0; off < len; n++) {
        size_t k = len - off < v->seg_limit ? len - off : v->seg_limit;
        b[n] = (struct vq_buf){ (uint64_t)(uintptr_t)buf + off, (uint32_t)k, dev_writes };
        off += k;
    }
    b[n++] = (struct vq_buf){ (uint64_t)(uintptr_t)&s->status, 1, true };
    return n;
}

static int vblk_queue(struct vblk *v, struct vblk_slot *s, uint32_t type, uint64_t sector,
                      void *buf, size_t len, bool dev_writes, struct blk_req *r)
{
    struct vq_buf b[VBLK_SEGS_MAX + 2];
    s->hdr = (struct vblk_hdr){ type, 0, sector };
    s->status = 0xFF;   /* anything but OK until the device writes it */
    s->req = r;
    unsigned n = build_chain(v, s, buf, len, dev_writes, b);
    int err = virtqueue_add(&v->vq, b, n, s);
    if (err)
        return err == -NP_ENOSPC ? -NP_EBUSY : err;
    s->in_use = 1;
    virtqueue_kick(&v->vq);
    return 0;
}

static int vblk_submit(struct blkdev *bd, struct blk_req *r)
{
    struct vblk *v = bd->priv;
    if (v->failed)
        return -NP_EIO;
    struct vblk_slot *s = slot_get(v);
    if (!s)
        return -NP_EBUSY;
    /* virtio-blk sectors are always 512 bytes, whatever the logical block size (5.2.6). */
    if (r->op == BLK_FLUSH)
        return vblk_queue(v, s, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false, r);
    if (r->op == BLK_WRITE_ZEROES) {
        /* One range; the header's sector is unused for this type (5.2.6). */
        s->zeroes = (struct vblk_zeroes){ r->offset / 512, (uint32_t)(r->len / 512), v->zeroes_flags };
        return vblk_queue(v, s, VIRTIO_BLK_T_WRITE_ZEROES, 0, &s->zeroes, sizeof(s->zeroes), false, r);
    }
    bool rd = r->op == BLK_READ;
    return vblk_queue(v, s, rd ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT, r->offset / 512, r->buf, r->len, rd, r);
}

static int status_error(uint8_t status)
{
    return status == VIRTIO_BLK_S_OK ? 0 : status == VIRTIO_BLK_S_UNSUPP ? -NP_ENOTSUP : -NP_EIO;
}

static int vblk_poll(struct blkdev *bd)
{
    struct vblk *v = bd->priv;
    int done = 0;
    for (;;) {
        void *cookie;
        uint32_t len;
        int got = virtqueue_get(&v->vq, &cookie, &len);
        if (got < 0) {
            log_err("error: disk %s: device returned a bad used-ring entry; giving up on it\n", bd->name);
            v->failed = true;
            virtio_dev_fail(v->vdev);
            return got;
        }
        if (!got)
            break;
        struct vblk_slot *s = cookie;
        struct blk_req *r = s->req;
        s->in_use = 0;
        done++;
        if (r) {
            r->status = status_error(s->status);
            if (r->done)
                r->done(r);
        }
    }
    /* Nothing for a while: has the device asked to be reset? (2.1.2) */
    if (!done && ++v->idle_polls % 4096 == 0 && virtio_dev_check(v->vdev)) {
        log_err("error: disk %s: device needs reset\n", bd->name);
        v->failed = true;
        return -NP_EIO;
    }
    if (done)
        v->idle_polls = 0;
    return done;
}

static const struct blkdev_ops vblk_ops = { vblk_submit, vblk_poll };

/* GET_ID at attach: polled with a bound, before the disk is visible to anyone. */
static void vblk_read_serial(struct vblk *v)
{
    static uint8_t id[VIRTIO_BLK_ID_BYTES + 4] __attribute__((aligned(16)));
    struct vblk_slot *s = slot_get(v);
    if (!s || vblk_queue(v, s, VIRTIO_BLK_T_GET_ID, 0, id, VIRTIO_BLK_ID_BYTES, true, NULL))
        return;
    uint64_t t0 = virtio_now_us();
    while (s->in_use && virtio_now_us() - t0 < VBLK_ID_TIMEOUT_US)
        vblk_poll(&v->bd);
    if (s->in_use || s->status != VIRTIO_BLK_S_OK)
        return;     /* no serial: fine, the disk is still usable */
    size_t n = NP_STRFN(strnlen)((const char *)id, VIRTIO_BLK_ID_BYTES);
    NP_STRFN(memcpy)(v->bd.serial, id, n);
    v->bd.serial[n] = '\0';
}

/* WRITE_ZEROES limits (5.2.4): a maximum of 0 means none (as Linux reads it); one segment is all we send. */
static int vblk_read_zeroes_config(struct vblk *v)
{
    uint32_t sectors = 0;
    uint8_t may_unmap = 0;
    int err = virtio_config_read(v->vdev, VBLK_CFG_MAX_WZ_SECTORS, &sectors, 4);
    if (!err)
        err = virtio_config_read(v->vdev, VBLK_CFG_WZ_MAY_UNMAP, &may_unmap, 1);
    if (err)
        return err;
    uint64_t max = sectors ? (uint64_t)sectors * 512 : VBLK_MAX_ZEROES;
    max = max < VBLK_MAX_ZEROES ? max : VBLK_MAX_ZEROES;
    v->bd.max_zeroes = (uint32_t)(max - max % v->bd.block_size);
    v->zeroes_flags = may_unmap ? VIRTIO_BLK_WZ_UNMAP : 0;
    return 0;
}

static int vblk_read_config(struct vblk *v)
{
    struct virtio_dev *d = v->vdev;
    uint64_t sectors = 0;
    uint32_t blk = 512, size_max = 0, seg_max = 1;
    int err = virtio_config_read(d, VBLK_CFG_CAPACITY, &sectors, 8);
    if (!err && virtio_has(d, VIRTIO_BLK_F_BLK_SIZE))
        err = virtio_config_read(d, VBLK_CFG_BLK_SIZE, &blk, 4);
    if (!err && virtio_has(d, VIRTIO_BLK_F_SIZE_MAX))
        err = virtio_config_read(d, VBLK_CFG_SIZE_MAX, &size_max, 4);
    if (!err && virtio_has(d, VIRTIO_BLK_F_SEG_MAX))
        err = virtio_config_read(d, VBLK_CFG_SEG_MAX, &seg_max, 4);
    if (err)
        return err;
    if (blk < 512 || blk > 65536 || (blk & (blk - 1)) || sectors > (UINT64_MAX >> 9))
        return -NP_EBADMSG;
    v->bd.size = sectors * 512;
    v->bd.block_size = blk;
    /* Without SIZE_MAX a segment may be any size; keep it to a page-aligned 1 MiB anyway. */
    v->seg_limit = size_max && size_max < (1u << 20) ? size_max & ~(blk - 1) : (1u << 20);
    if (v->seg_limit < blk)
        v->seg_limit = blk;
    v->seg_max = seg_max == 0 ? 1 : seg_max > VBLK_SEGS_MAX ? VBLK_SEGS_MAX : seg_max;
    uint64_t xfer = (uint64_t)v->seg_limit * v->seg_max;
    v->bd.max_transfer = (uint32_t)(xfer > VBLK_MAX_TRANSFER ? VBLK_MAX_TRANSFER : xfer);
    v->bd.read_only = virtio_has(d, VIRTIO_BLK_F_RO);
    v->bd.can_flush = virtio_has(d, VIRTIO_BLK_F_FLUSH);
    return virtio_has(d, VIRTIO_BLK_F_WRITE_ZEROES) ? vblk_read_zeroes_config(v) : 0;
}

static int vblk_setup_queue(struct vblk *v)
{
    int err = virtqueue_create(&v->vq, v->vdev, 0, VBLK_QUEUE_MAX);
    if (err)
        return err;
    if (v->vq.size < 3)
        return -NP_ENOTSUP;     /* header + data + status never fit: the device is unusable */
    /* A request takes a header, its data segments and a status; a ring of 4 holds one. */
    if (v->seg_max + 2u > v->vq.size) {
        v->seg_max = v->vq.size - 2u;
        uint64_t xfer = (uint64_t)v->seg_limit * v->seg_max;
        v->bd.max_transfer = (uint32_t)(xfer > VBLK_MAX_TRANSFER ? VBLK_MAX_TRANSFER : xfer);
    }
    unsigned per_req = (v->bd.max_transfer + v->seg_limit - 1) / v->seg_limit + 2;
    v->nslots = v->vq.size;
    v->slots = virtio_dma_alloc(sizeof(struct vblk_slot) * v->nslots, 16);
    if (!v->slots || v->seg_max == 0)
        return -NP_ENOMEM;
    v->bd.queue_depth = v->vq.size / per_req ? v->vq.size / per_req : 1;
    return 0;
}

int virtio_blk_attach(struct virtio_dev *d)
{
    if (n_vblks == VBLK_MAX_DISKS)
        return -NP_ENOSPC;
    struct vblk *v = &vblks[n_vblks];
    NP_STRFN(memset)(v, 0, sizeof(*v));
    v->vdev = d;
    int err = virtio_dev_start(d, vblk_features, sizeof(vblk_features) / sizeof(vblk_features[0]));
    if (!err)
        err = vblk_read_config(v);
    if (!err)
        err = vblk_setup_queue(v);
    if (err) {
        virtio_dev_fail(d);
        return err;
    }
    virtio_dev_ready(d);
    v->bd.ops = &vblk_ops;
    v->bd.priv = v;
    np_snprintf(v->bd.name, sizeof(v->bd.name), "vd%c", 'a' + n_vblks);
    np_strlcpy(v->bd.location, d->name, sizeof(v->bd.location));
    np_strlcpy(v->bd.transport, d->ops->name, sizeof(v->bd.transport));
    vblk_read_serial(v);
    n_vblks++;
    return blkdev_register(&v->bd);
}
