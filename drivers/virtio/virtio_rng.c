/*
 * virtio-rng (virtio 1.2 section 5.4): no features, no configuration, one queue (requestq)
 * of device-writable buffers that the device fills with random bytes. QEMU's device reads
 * the host's /dev/urandom. One request at a time, polled with a bound.
 */
#include "drivers/virtio/virtio_rng.h"

#include "drivers/virtio/virtqueue.h"
#include "kernel/entropy.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

#define VRNG_QUEUE_MAX      8
#define VRNG_BUF            256     /* bytes asked for per request */
#define VRNG_TIMEOUT_US     1000000 /* QEMU answers at once; a rate-limited device may not */

struct vrng {
    struct virtio_dev *vdev;
    struct virtqueue vq;
    uint8_t *buf;               /* DMA: the device writes here */
    bool failed;
    struct entropy_dev ent;
};

static struct vrng vrng;

/* One request: hand the device the buffer, wait for it to come back with len bytes written. */
static int vrng_request(struct vrng *v, uint32_t *got)
{
    struct vq_buf b = { (uint64_t)(uintptr_t)v->buf, VRNG_BUF, true };
    void *cookie;
    int err = virtqueue_add(&v->vq, &b, 1, v);
    if (err)
        return err;
    virtqueue_kick(&v->vq);
    uint64_t t0 = virtio_now_us();
    while (virtio_now_us() - t0 < VRNG_TIMEOUT_US) {
        int r = virtqueue_get(&v->vq, &cookie, got);
        if (r < 0)
            return r;   /* a used entry the device could not have written */
        if (r == 1)
            return *got ? 0 : -NP_EIO;
    }
    return -NP_ETIMEDOUT;
}

static int vrng_read(struct entropy_dev *e, uint8_t *out, size_t len)
{
    struct vrng *v = e->priv;
    size_t off = 0;
    if (v->failed)
        return -NP_EIO;
    while (off < len) {
        uint32_t got;
        int err = vrng_request(v, &got);
        if (err) {
            /* A request left in the ring could be completed later into memory we reuse. */
            v->failed = true;
            virtio_dev_fail(v->vdev);
            return err;
        }
        size_t k = len - off < got ? len - off : got;
        NP_STRFN(memcpy)(out + off, v->buf, k);
        off += k;
    }
    return (int)len;
}

int virtio_rng_attach(struct virtio_dev *d)
{
    struct vrng *v = &vrng;
    if (v->vdev)
        return -NP_ENOSPC;      /* one is enough */
    NP_STRFN(memset)(v, 0, sizeof(*v));
    v->vdev = d;
    int err = virtio_dev_start(d, NULL, 0);
    if (!err)
        err = virtqueue_create(&v->vq, d, 0, VRNG_QUEUE_MAX);
    if (!err && !(v->buf = virtio_dma_alloc(VRNG_BUF, 16)))
        err = -NP_ENOMEM;
    if (err) {
        virtio_dev_fail(d);
        v->vdev = NULL;
        return err;
    }
    virtio_dev_ready(d);
    np_snprintf(v->ent.name, sizeof(v->ent.name), "virtio-rng on %s", d->name);
    v->ent.read = vrng_read;
    v->ent.priv = v;
    return entropy_dev_register(&v->ent);
}
