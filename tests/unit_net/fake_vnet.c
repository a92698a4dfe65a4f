/* The fake virtio-net device (see fake_vnet.h). */
#include "tests/unit_net/fake_vnet.h"

#include <string.h>

#include "kernel/random.h"

static struct fv *fv_of(struct virtio_dev *d)
{
    return d->transport;
}

static void t_reset(struct virtio_dev *d)
{
    struct fv *f = fv_of(d);
    f->resets++;
    f->status = 0;
    for (unsigned q = 0; q < 3; q++) {
        uint16_t max = f->q[q].max;
        memset(&f->q[q], 0, sizeof(f->q[q]));
        f->q[q].max = max;
    }
}

static uint8_t t_get_status(struct virtio_dev *d) { return fv_of(d)->status; }
static void t_set_status(struct virtio_dev *d, uint8_t s) { fv_of(d)->status = s; }

static uint64_t t_get_features(struct virtio_dev *d)
{
    struct fv *f = fv_of(d);
    return d->ops->modern ? f->offered : f->offered & 0xFFFFFFFFull;    /* legacy: 32 bits */
}

static void t_set_features(struct virtio_dev *d, uint64_t v) { fv_of(d)->written_features = v; }

static uint16_t t_queue_max(struct virtio_dev *d, uint16_t q)
{
    return q < 3 ? fv_of(d)->q[q].max : 0;
}

static int t_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size, uint64_t desc,
                         uint64_t avail, uint64_t used)
{
    struct fv_queue *vq = &fv_of(d)->q[q];
    vq->size = size;
    vq->desc = (struct vring_desc *)(uintptr_t)desc;
    vq->avail = (struct vring_avail *)(uintptr_t)avail;
    vq->used = (struct vring_used *)(uintptr_t)used;
    return 0;
}

static void t_notify(struct virtio_dev *d, uint16_t q)
{
    struct fv *f = fv_of(d);
    if (!(f->status & VIRTIO_STATUS_DRIVER_OK))
        f->early_notifies++;
    if (q < 3)
        f->q[q].notifies++;
    else
        f->bad++;
}

static uint32_t t_generation(struct virtio_dev *d)
{
    (void)d;
    return 7;
}

static uint32_t t_config_read(struct virtio_dev *d, unsigned off, unsigned len)
{
    struct fv *f = fv_of(d);
    uint32_t v = 0;
    if (off + len > sizeof(f->config) || off % len) {
        f->bad++;
        return 0;
    }
    for (unsigned i = 0; i < len; i++)
        v |= (uint32_t)f->config[off + i] << (8 * i);
    return v;
}

static const struct virtio_ops fv_modern_ops = {
    .name = "fake-modern", .modern = true, .ring_align = 4096,
    .reset = t_reset, .get_status = t_get_status, .set_status = t_set_status,
    .get_features = t_get_features, .set_features = t_set_features,
    .queue_max = t_queue_max, .queue_setup = t_queue_setup, .notify = t_notify,
    .config_generation = t_generation, .config_read = t_config_read,
};

static const struct virtio_ops fv_legacy_ops = {
    .name = "fake-legacy", .modern = false, .fixed_queue_size = true, .ring_align = 4096,
    .reset = t_reset, .get_status = t_get_status, .set_status = t_set_status,
    .get_features = t_get_features, .set_features = t_set_features,
    .queue_max = t_queue_max, .queue_setup = t_queue_setup, .notify = t_notify,
    .config_generation = t_generation, .config_read = t_config_read,
};

void fv_init(struct fv *f, bool modern, uint64_t offered)
{
    memset(f, 0, sizeof(*f));
    f->vdev.ops = modern ? &fv_modern_ops : &fv_legacy_ops;
    f->vdev.transport = f;
    f->vdev.device_id = VIRTIO_ID_NET;
    strcpy(f->vdev.name, modern ? "fake 0000:00:03.0" : "fake 0000:00:04.0");
    f->offered = offered;
    f->status = 0x0F;       /* whatever firmware left */
    f->q[FV_RXQ].max = 256;
    f->q[FV_TXQ].max = 256;
    f->q[2].max = 64;       /* a control queue, never used */
}

void fv_set_mac(struct fv *f, const uint8_t mac[6])
{
    memcpy(f->config, mac, 6);
}

void fv_set_config16(struct fv *f, unsigned off, uint16_t v)
{
    f->config[off] = (uint8_t)v;
    f->config[off + 1] = (uint8_t)(v >> 8);
}

unsigned fv_avail(const struct fv *f, unsigned q)
{
    const struct fv_queue *vq = &f->q[q];
    if (!vq->avail)
        return 0;
    return (uint16_t)(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE) - vq->last_avail);
}

bool fv_take(struct fv *f, unsigned q, struct fv_chain *c)
{
    if (!fv_peek(f, q, c))
        return false;
    f->q[q].last_avail++;
    return c->n > 0;
}

bool fv_peek(struct fv *f, unsigned q, struct fv_chain *c)
{
    struct fv_queue *vq = &f->q[q];
    unsigned pending = fv_avail(f, q);
    if (!pending)
        return false;
    if (pending > vq->size)
        f->bad++;           /* the driver published more than the ring holds */
    uint16_t head = vq->avail->ring[vq->last_avail % vq->size];
    memset(c, 0, sizeof(*c));
    c->head = head;
    if (head >= vq->size) {
        f->bad++;
        return true;        /* an empty chain: fv_take skips the entry */
    }
    /* Follow `next`: a chain longer than the ring is a loop. */
    for (uint16_t i = head;;) {
        const struct vring_desc *d = &vq->desc[i];
        if (c->n == FV_CHAIN_MAX || c->n == vq->size) {
            f->bad++;
            break;
        }
        c->addr[c->n] = d->addr;
        c->len[c->n] = d->len;
        c->write[c->n] = d->flags & VRING_DESC_F_WRITE;
        /* Device-readable descriptors come first, then the writable ones (2.7.4). */
        if (c->n && c->write[c->n - 1] && !c->write[c->n])
            f->bad++;
        c->n++;
        if (!(d->flags & VRING_DESC_F_NEXT))
            break;
        i = d->next;
        if (i >= vq->size) {
            f->bad++;
            break;
        }
    }
    return true;
}

void fv_complete(struct fv *f, unsigned q, uint16_t head, uint32_t len)
{
    struct fv_queue *vq = &f->q[q];
    vq->used->ring[vq->used_idx % vq->size] = (struct vring_used_elem){ head, len };
    vq->used_idx++;
    /* Release: the entry before the index that covers it. */
    __atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

void fv_hdr(uint8_t *hdr, unsigned hdr_len, uint8_t flags, uint16_t num_buffers)
{
    memset(hdr, 0, hdr_len);
    hdr[0] = flags;
    if (hdr_len >= 12) {
        hdr[10] = (uint8_t)num_buffers;
        hdr[11] = (uint8_t)(num_buffers >> 8);
    }
}

int fv_rx(struct fv *f, const void *hdr, unsigned hdr_len, const void *frame, unsigned len)
{
    struct fv_chain c;
    if (!fv_take(f, FV_RXQ, &c))
        return -1;
    uint64_t room = 0;
    for (unsigned k = 0; k < c.n; k++) {
        if (!c.write[k])
            f->bad++;       /* a receive buffer the device may not write */
        room += c.len[k];
    }
    if (room < (uint64_t)hdr_len + len) {
        fv_complete(f, FV_RXQ, c.head, 0);
        return -1;
    }
    /* Scatter the header, then the frame, over the descriptors in chain order. */
    const uint8_t *src[2] = { hdr, frame };
    unsigned left[2] = { hdr_len, len }, part = 0, done = 0;
    for (unsigned k = 0; k < c.n && part < 2; k++) {
        uint8_t *dst = (uint8_t *)(uintptr_t)c.addr[k];
        uint32_t space = c.len[k];
        while (space) {
            while (part < 2 && !left[part])
                part++;
            if (part == 2)
                break;
            unsigned n = left[part] < space ? left[part] : space;
            memcpy(dst, src[part], n);
            dst += n;
            space -= n;
            src[part] += n;
            left[part] -= n;
            done += n;
        }
    }
    fv_complete(f, FV_RXQ, c.head, done);
    return (int)done;
}

int fv_tx(struct fv *f, uint8_t *out, unsigned cap, struct fv_chain *c)
{
    if (!fv_take(f, FV_TXQ, c))
        return -1;
    unsigned n = 0;
    for (unsigned k = 0; k < c->n; k++) {
        if (c->write[k])
            f->bad++;       /* a sent buffer the device would write */
        uint32_t take = c->len[k] <= cap - n ? c->len[k] : cap - n;
        memcpy(out + n, (const void *)(uintptr_t)c->addr[k], take);
        n += take;
    }
    fv_complete(f, FV_TXQ, c->head, 0);
    return (int)n;
}

/* ---- np_rand32 (kernel/random.h) for the host. ---- */

static uint32_t script[8];
static unsigned script_len, script_pos, rand_calls;
static uint32_t rand_state = 0x12345678;

void fv_rand_script(const uint32_t *v, unsigned n)
{
    script_len = n < 8 ? n : 8;
    memcpy(script, v, script_len * sizeof(v[0]));
    script_pos = 0;
}

unsigned fv_rand_calls(void)
{
    return rand_calls;
}

uint32_t np_rand32(void)
{
    rand_calls++;
    if (script_pos < script_len)
        return script[script_pos++];
    rand_state = rand_state * 1664525u + 1013904223u;
    return rand_state;
}
