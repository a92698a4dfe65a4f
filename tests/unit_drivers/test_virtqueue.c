/*
 * drivers/virtio/virtqueue.c: split virtqueues (virtio 1.2 2.7) against a fake device that
 * reads the avail ring, follows descriptor chains through `next`, writes into the buffers and
 * completes requests out of order; then a device that lies in its used ring.
 */
#include <stdlib.h>

#include "drivers/virtio/virtqueue.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"
#include "tests/unit_drivers/fake_env.h"

/* ---- The transport: queue size, queue setup and notify, recorded. ---- */

struct qfake {
    uint16_t max;
    int setup_err;
    unsigned setup_calls, notifies;
    uint16_t q, size, notified_q;
    uint64_t desc, avail, used;
};

static struct qfake qf;

static uint16_t q_max(struct virtio_dev *d, uint16_t q)
{
    (void)d;
    (void)q;
    return qf.max;
}

static int q_setup(struct virtio_dev *d, uint16_t q, uint16_t size, uint64_t desc, uint64_t avail,
                   uint64_t used)
{
    (void)d;
    qf.setup_calls++;
    qf.q = q;
    qf.size = size;
    qf.desc = desc;
    qf.avail = avail;
    qf.used = used;
    return qf.setup_err;
}

static void q_notify(struct virtio_dev *d, uint16_t q)
{
    (void)d;
    qf.notifies++;
    qf.notified_q = q;
}

static const struct virtio_ops modern_ops = {
    .name = "fake-modern", .modern = true, .ring_align = 4096,
    .queue_max = q_max, .queue_setup = q_setup, .notify = q_notify,
};
static const struct virtio_ops legacy_ops = {
    .name = "fake-legacy", .fixed_queue_size = true, .ring_align = 4096,
    .queue_max = q_max, .queue_setup = q_setup, .notify = q_notify,
};
static const struct virtio_ops noalign_ops = {
    .name = "fake-noalign", .modern = true,
    .queue_max = q_max, .queue_setup = q_setup, .notify = q_notify,
};

static struct virtio_dev dev;
static struct virtqueue vq;

static int create(const struct virtio_ops *ops, uint16_t dev_max, uint16_t q, uint16_t max_size)
{
    memset(&qf, 0, sizeof(qf));
    qf.max = dev_max;
    memset(&dev, 0, sizeof(dev));
    dev.ops = ops;
    dev.transport = &qf;
    return virtqueue_create(&vq, &dev, q, max_size);
}

/* ---- Requests: their buffers live inside them, so a descriptor's address finds its request. ---- */

#define MAX_BUFS 4
#define BUF_LEN 64

struct req {
    uint8_t data[MAX_BUFS][BUF_LEN];    /* first: data[0] is at the request's address */
    unsigned nbufs;
    struct vq_buf bufs[MAX_BUFS];
    uint32_t writable;
    bool outstanding;       /* given to virtqueue_add, not yet returned by virtqueue_get */
    bool device_done;       /* the device put it in the used ring */
    uint32_t device_len;    /* the length the device reported */
    unsigned returned;      /* times virtqueue_get gave it back */
};

#define POOL 1100
static struct req *pool;

/* Fills r with n buffers, the first nread of them device-readable. */
static void req_init(struct req *r, unsigned n, unsigned nread, const uint32_t *lens)
{
    r->nbufs = n;
    r->writable = 0;
    for (unsigned i = 0; i < n; i++) {
        r->bufs[i] = (struct vq_buf){ (uint64_t)(uintptr_t)r->data[i], lens[i], i >= nread };
        if (i >= nread)
            r->writable += lens[i];
    }
    r->outstanding = r->device_done = false;
    r->device_len = 0;
    r->returned = 0;
}

static int req_add(struct req *r)
{
    int err = virtqueue_add(&vq, r->bufs, r->nbufs, r);
    if (err == 0)
        r->outstanding = true;
    return err;
}

static bool in_pool(const void *p)
{
    return (const struct req *)p >= pool && (const struct req *)p < pool + POOL &&
           ((uintptr_t)p - (uintptr_t)pool) % sizeof(struct req) == 0;
}

/* ---- The device. ---- */

struct pending {
    uint16_t head;
    struct req *r;
};

static struct {
    struct vring_desc *desc;
    struct vring_avail *avail;
    volatile struct vring_used *used;
    uint16_t size, last_avail, used_idx;
    unsigned npending;
    struct pending pending[VIRTQUEUE_MAX_SIZE];
} devm;

static void dev_attach(void)
{
    memset(&devm, 0, sizeof(devm));
    devm.desc = (struct vring_desc *)(uintptr_t)qf.desc;
    devm.avail = (struct vring_avail *)(uintptr_t)qf.avail;
    devm.used = (volatile struct vring_used *)(uintptr_t)qf.used;
    devm.size = qf.size;
}

/* Takes every request the driver published: walks its chain and checks it against the request. */
static void dev_consume(void)
{
    uint16_t idx = __atomic_load_n(&devm.avail->idx, __ATOMIC_ACQUIRE);
    CHECK((uint16_t)(idx - devm.last_avail) <= devm.size);
    while (devm.last_avail != idx) {
        uint16_t head = devm.avail->ring[devm.last_avail % devm.size];
        devm.last_avail++;
        if (!CHECK(head < devm.size))
            continue;
        struct req *r = (struct req *)(uintptr_t)devm.desc[head].addr;
        if (!CHECK(in_pool(r)) || !CHECK(r->outstanding))
            continue;
        /* Follow `next` through the chain: each descriptor is the request's next buffer. */
        uint16_t i = head;
        unsigned k = 0;
        for (;;) {
            const struct vring_desc *d = &devm.desc[i];
            if (!CHECK(k < r->nbufs))
                break;
            CHECK_EQ_U64(d->addr, r->bufs[k].addr);
            CHECK_EQ_U64(d->len, r->bufs[k].len);
            CHECK_EQ_U64(!!(d->flags & VRING_DESC_F_WRITE), r->bufs[k].device_writes);
            k++;
            if (!(d->flags & VRING_DESC_F_NEXT))
                break;
            i = d->next;
            if (!CHECK(i < devm.size))
                break;
        }
        CHECK_EQ_U64(k, r->nbufs);
        devm.pending[devm.npending++] = (struct pending){ head, r };
    }
}

/* Completes pending request k: writes a random number of bytes into its writable buffers. */
static void dev_complete(unsigned k)
{
    struct pending p = devm.pending[k];
    devm.pending[k] = devm.pending[--devm.npending];
    uint32_t len = (uint32_t)test_rand_below(p.r->writable + 1u);
    uint32_t left = len;
    for (unsigned i = 0; i < p.r->nbufs && left; i++) {
        if (!p.r->bufs[i].device_writes)
            continue;
        uint32_t n = left < p.r->bufs[i].len ? left : p.r->bufs[i].len;
        memset((void *)(uintptr_t)p.r->bufs[i].addr, 0xD0, n);
        left -= n;
    }
    p.r->device_done = true;
    p.r->device_len = len;
    devm.used->ring[devm.used_idx % devm.size].id = p.head;
    devm.used->ring[devm.used_idx % devm.size].len = len;
    devm.used_idx++;
    __atomic_store_n(&devm.used->idx, devm.used_idx, __ATOMIC_RELEASE);
}

/* Completes a random subset of what is pending, in random order. */
static void dev_complete_some(void)
{
    unsigned n = (unsigned)test_rand_below(devm.npending + 1u);
    while (n-- && devm.npending)
        dev_complete((unsigned)test_rand_below(devm.npending));
}

/* The device writes a used entry of its own choosing and moves used->idx by `advance`. */
static void dev_push_raw(uint32_t id, uint32_t len, uint16_t advance)
{
    devm.used->ring[devm.used_idx % devm.size].id = id;
    devm.used->ring[devm.used_idx % devm.size].len = len;
    devm.used_idx = (uint16_t)(devm.used_idx + advance);
    __atomic_store_n(&devm.used->idx, devm.used_idx, __ATOMIC_RELEASE);
}

/* ---- Driver-side helpers. ---- */

/* Descriptors held by outstanding requests, kept by rounds() and drain(). */
static unsigned descs_outstanding;

/* Takes everything virtqueue_get has; checks each cookie and length; returns how many. */
static unsigned drain(void)
{
    unsigned got = 0;
    void *cookie;
    uint32_t len;
    int ret;
    while ((ret = virtqueue_get(&vq, &cookie, &len)) == 1) {
        got++;
        if (!CHECK(in_pool(cookie)))
            continue;
        struct req *r = cookie;
        CHECK(r->outstanding);
        CHECK(r->device_done);
        CHECK_EQ_U64(r->returned, 0);
        CHECK_EQ_U64(len, r->device_len);
        r->returned++;
        r->outstanding = false;
        descs_outstanding -= r->nbufs;
    }
    CHECK_EQ_I64(ret, 0);
    return got;
}

/* Thousands of add/kick/complete/get rounds on a queue of the given size; at least min_added requests. */
static void rounds(uint16_t size, unsigned n_rounds, uint64_t seed, unsigned min_added)
{
    test_seed(seed);
    memset(pool, 0, sizeof(struct req) * POOL);
    descs_outstanding = 0;
    if (!CHECK_EQ_I64(create(&modern_ops, size, 0, size), 0))
        return;
    dev_attach();
    unsigned added = 0, returned = 0, enospc = 0, next_req = 0;
    for (unsigned round = 0; round < n_rounds; round++) {
        unsigned action = (unsigned)test_rand_below(10);
        if (action < 4) {
            /* A request of 1-4 buffers, readable ones first, in a request not in use. */
            struct req *r = &pool[next_req];
            if (r->outstanding)
                continue;       /* the pool is larger than any queue: rare, skip */
            unsigned n = 1 + (unsigned)test_rand_below(MAX_BUFS);
            unsigned nread = (unsigned)test_rand_below(n + 1u);
            uint32_t lens[MAX_BUFS];
            for (unsigned i = 0; i < n; i++)
                lens[i] = 1 + (uint32_t)test_rand_below(BUF_LEN);
            req_init(r, n, nread, lens);
            uint16_t free_before = vq.num_free;
            int err = req_add(r);
            if (n > free_before) {
                CHECK_EQ_I64(err, -NP_ENOSPC);
                CHECK_EQ_U64(vq.num_free, free_before);
                enospc++;
            } else if (CHECK_EQ_I64(err, 0)) {
                added++;
                descs_outstanding += n;
                next_req = (next_req + 1) % POOL;
            }
        } else if (action == 4) {
            virtqueue_kick(&vq);
            CHECK_EQ_U64(devm.avail->idx, vq.avail_idx);
        } else if (action < 8) {
            dev_consume();
            dev_complete_some();
        } else {
            returned += drain();
        }
        /* No descriptor leaks or doubles: free + in flight always makes the whole ring. */
        if (!CHECK_EQ_U64(vq.num_free + descs_outstanding, size)) {
            fprintf(stderr, "  round %u\n", round);
            return;
        }
    }
    /* Finish: publish, complete and take everything. */
    virtqueue_kick(&vq);
    dev_consume();
    while (devm.npending)
        dev_complete((unsigned)test_rand_below(devm.npending));
    returned += drain();
    CHECK_EQ_U64(returned, added);
    CHECK_EQ_U64(vq.num_free, size);
    CHECK_EQ_U64(vq.in_flight, 0);
    CHECK_EQ_U64(vq.last_used, devm.used_idx);
    for (unsigned i = 0; i < POOL; i++)
        CHECK(!pool[i].outstanding && pool[i].returned <= 1);
    /* The run did exercise something: many requests, and a full ring for the small sizes. */
    CHECK(added >= min_added);
    if (size <= 16)
        CHECK(enospc > 0);
    if (getenv("NP_TEST_VERBOSE"))
        printf("size %u: %u rounds, %u requests, %u full\n", size, n_rounds, added, enospc);
}

static void test_rounds(void)
{
    rounds(1, 3000, 1, 50);
    rounds(4, 20000, 2, 1000);
    rounds(8, 20000, 3, 1000);
    rounds(16, 20000, 4, 1000);
    rounds(256, 20000, 5, 1000);
    /* More than 65536 requests: the free-running 16-bit indices wrap, twice. */
    rounds(8, 1000000, 6, 2 * 65536);
    fake_dma_free_all();
}

/* ---- Full queue and bad arguments. ---- */

static const uint32_t lens4[MAX_BUFS] = { 16, 64, 64, 1 };

static void test_full(void)
{
    memset(pool, 0, sizeof(struct req) * POOL);
    CHECK_EQ_I64(create(&modern_ops, 8, 0, 8), 0);
    for (unsigned i = 0; i < 8; i++) {
        req_init(&pool[i], 1, 0, lens4);
        CHECK_EQ_I64(req_add(&pool[i]), 0);
    }
    CHECK_EQ_U64(vq.num_free, 0);
    req_init(&pool[8], 1, 0, lens4);
    CHECK_EQ_I64(req_add(&pool[8]), -NP_ENOSPC);

    CHECK_EQ_I64(create(&modern_ops, 8, 0, 8), 0);
    for (unsigned i = 0; i < 3; i++) {
        req_init(&pool[i], 2, 1, lens4);
        CHECK_EQ_I64(req_add(&pool[i]), 0);
    }
    req_init(&pool[3], 3, 1, lens4);
    CHECK_EQ_I64(req_add(&pool[3]), -NP_ENOSPC);
    CHECK_EQ_U64(vq.num_free, 2);
    CHECK_EQ_U64(vq.avail_idx, 3);
    req_init(&pool[3], 2, 1, lens4);
    CHECK_EQ_I64(req_add(&pool[3]), 0);
    CHECK_EQ_U64(vq.num_free, 0);

    /* No buffers, or no cookie (NULL means "nothing" to virtqueue_get's caller). */
    CHECK_EQ_I64(create(&modern_ops, 8, 0, 8), 0);
    CHECK_EQ_I64(virtqueue_add(&vq, pool[0].bufs, 0, &pool[0]), -NP_EINVAL);
    CHECK_EQ_I64(virtqueue_add(&vq, pool[0].bufs, 1, NULL), -NP_EINVAL);
    CHECK_EQ_U64(vq.num_free, 8);
    /* More buffers than the ring has descriptors. */
    struct vq_buf many[9];
    for (unsigned i = 0; i < 9; i++)
        many[i] = (struct vq_buf){ (uint64_t)(uintptr_t)pool[0].data[0], 1, false };
    CHECK_EQ_I64(virtqueue_add(&vq, many, 9, &pool[0]), -NP_ENOSPC);
    fake_dma_free_all();
}

/* Adds are invisible to the device until the kick; the kick notifies the right queue. */
static void test_kick(void)
{
    memset(pool, 0, sizeof(struct req) * POOL);
    CHECK_EQ_I64(create(&modern_ops, 16, 3, 16), 0);
    dev_attach();
    for (unsigned i = 0; i < 3; i++) {
        req_init(&pool[i], 1, 1, lens4);
        CHECK_EQ_I64(req_add(&pool[i]), 0);
    }
    CHECK_EQ_U64(devm.avail->idx, 0);
    CHECK_EQ_U64(qf.notifies, 0);
    virtqueue_kick(&vq);
    CHECK_EQ_U64(devm.avail->idx, 3);
    CHECK_EQ_U64(qf.notifies, 1);
    CHECK_EQ_U64(qf.notified_q, 3);
    /* Nothing used yet. */
    void *c;
    uint32_t len;
    CHECK_EQ_I64(virtqueue_get(&vq, &c, &len), 0);
    /* We poll: the driver asks for no interrupts. */
    CHECK_EQ_U64(devm.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
    fake_dma_free_all();
}

/* A device that said NO_NOTIFY gets no notify, but sees the new index; one that clears it does. */
static void test_kick_suppressed(void)
{
    memset(pool, 0, sizeof(struct req) * POOL);
    CHECK_EQ_I64(create(&modern_ops, 16, 2, 16), 0);
    dev_attach();
    devm.used->flags = VRING_USED_F_NO_NOTIFY;
    req_init(&pool[0], 1, 1, lens4);
    CHECK_EQ_I64(req_add(&pool[0]), 0);
    virtqueue_kick(&vq);
    CHECK_EQ_U64(devm.avail->idx, 1);
    CHECK_EQ_U64(qf.notifies, 0);
    devm.used->flags = 0;
    req_init(&pool[1], 1, 1, lens4);
    CHECK_EQ_I64(req_add(&pool[1]), 0);
    virtqueue_kick(&vq);
    CHECK_EQ_U64(devm.avail->idx, 2);
    CHECK_EQ_U64(qf.notifies, 1);
    fake_dma_free_all();
}

/* ---- A device that lies. ---- */

/*
 * A queue of 8 with two requests published: A = 16 readable + 64 writable bytes (2
 * descriptors), B = 16 readable bytes only.
 */
static struct req *A, *B;
static uint16_t headA, headB;

static void lying_setup(void)
{
    memset(pool, 0, sizeof(struct req) * POOL);
    CHECK_EQ_I64(create(&modern_ops, 8, 0, 8), 0);
    dev_attach();
    A = &pool[0];
    B = &pool[1];
    req_init(A, 2, 1, lens4);
    headA = vq.free_head;
    CHECK_EQ_I64(req_add(A), 0);
    req_init(B, 1, 1, lens4);
    headB = vq.free_head;
    CHECK_EQ_I64(req_add(B), 0);
    virtqueue_kick(&vq);
    dev_consume();
}

/* virtqueue_get must say -NP_EPROTO and leave the queue as it was. */
static void expect_eproto(const char *what)
{
    uint16_t free0 = vq.num_free, in_flight0 = vq.in_flight, last0 = vq.last_used;
    void *c = NULL;
    uint32_t len = 0;
    if (!CHECK_EQ_I64(virtqueue_get(&vq, &c, &len), -NP_EPROTO))
        fprintf(stderr, "  %s\n", what);
    CHECK(c == NULL);
    CHECK_EQ_U64(vq.num_free, free0);
    CHECK_EQ_U64(vq.in_flight, in_flight0);
    CHECK_EQ_U64(vq.last_used, last0);
    CHECK_EQ_I64(virtqueue_get(&vq, &c, &len), -NP_EPROTO);   /* and keeps saying so */
}

/* Rewrites the entry at the driver's next used slot, without moving used->idx. */
static void dev_fix_entry(uint32_t id, uint32_t len)
{
    devm.used->ring[vq.last_used & vq.mask].id = id;
    devm.used->ring[vq.last_used & vq.mask].len = len;
}

static void expect_get(struct req *r, uint32_t want_len)
{
    void *c = NULL;
    uint32_t len = 0;
    if (CHECK_EQ_I64(virtqueue_get(&vq, &c, &len), 1)) {
        CHECK(c == r);
        CHECK_EQ_U64(len, want_len);
    }
}

static void test_used_idx_too_far(void)
{
    lying_setup();
    /* Two in flight, three claimed. */
    dev_push_raw(headA, 0, 3);
    expect_eproto("used->idx advanced by 3 with 2 in flight");
    /* Half the index space ahead: a device that jumped, not a wrap. */
    lying_setup();
    dev_push_raw(headA, 0, 0x8000);
    expect_eproto("used->idx advanced by 0x8000");
    /* Backwards. */
    lying_setup();
    dev_push_raw(headA, 0, 0xFFFF);
    expect_eproto("used->idx moved back by one");
    fake_dma_free_all();
}

static void test_id_out_of_range(void)
{
    static const uint32_t ids[] = { 8, 9, 0xFFFF, 0x10000, 0xFFFFFFFF };
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        lying_setup();
        dev_push_raw(ids[i], 0, 1);
        expect_eproto("id >= size");
        /* Once the device writes a real id the queue carries on. */
        dev_fix_entry(headB, 0);
        expect_get(B, 0);
    }
    fake_dma_free_all();
}

static void test_id_not_in_flight(void)
{
    /* The same head completed twice. */
    lying_setup();
    dev_push_raw(headA, 10, 1);
    expect_get(A, 10);
    dev_push_raw(headA, 10, 1);
    expect_eproto("head completed twice");

    /* A descriptor that was never handed out. */
    lying_setup();
    dev_push_raw(7, 0, 1);
    expect_eproto("free descriptor");

    /* The second descriptor of A's chain: in flight, but not a head. */
    lying_setup();
    uint16_t second = vq.desc[headA].next;
    CHECK(second != headA && second != headB);
    dev_push_raw(second, 0, 1);
    expect_eproto("non-head descriptor of an in-flight chain");
    dev_fix_entry(headA, 64);
    expect_get(A, 64);
    fake_dma_free_all();
}

static void test_len_too_large(void)
{
    lying_setup();
    dev_push_raw(headA, 65, 1);
    expect_eproto("len 65 > 64 writable");
    dev_fix_entry(headA, 0xFFFFFFFF);
    expect_eproto("len 0xFFFFFFFF");
    dev_fix_entry(headA, 64);
    expect_get(A, 64);

    /* A request the device may only read: any length but 0 is a lie. */
    dev_push_raw(headB, 1, 1);
    expect_eproto("len 1 on a read-only request");
    dev_fix_entry(headB, 0);
    expect_get(B, 0);
    CHECK_EQ_U64(vq.num_free, 8);
    fake_dma_free_all();
}

/* ---- Creation and layout. ---- */

static void check_legacy_layout(uint16_t size)
{
    size_t avail_off, used_off;
    virtqueue_layout(size, 4096, &avail_off, &used_off);
    CHECK_EQ_U64(qf.desc % 4096, 0);
    CHECK_EQ_U64(qf.avail - qf.desc, avail_off);
    CHECK_EQ_U64(qf.used - qf.desc, used_off);
    CHECK((uint64_t)(uintptr_t)vq.desc == qf.desc);
}

static void test_create_sizes(void)
{
    /* The device's maximum caps ours, and ours caps the device's. */
    if (CHECK_EQ_I64(create(&modern_ops, 4, 0, 256), 0)) {
        CHECK_EQ_U64(vq.size, 4);
        CHECK_EQ_U64(vq.mask, 3);
        CHECK_EQ_U64(vq.num_free, 4);
        CHECK_EQ_U64(qf.size, 4);
        CHECK_EQ_U64(qf.setup_calls, 1);
        check_legacy_layout(4);
    }
    if (CHECK_EQ_I64(create(&modern_ops, 256, 1, 128), 0)) {
        CHECK_EQ_U64(vq.size, 128);
        CHECK_EQ_U64(qf.q, 1);
        CHECK_EQ_U64(vq.index, 1);
    }
    /* Legacy PCI cannot change the size: the device's is used, even above ours. */
    if (CHECK_EQ_I64(create(&legacy_ops, 256, 0, 128), 0)) {
        CHECK_EQ_U64(vq.size, 256);
        check_legacy_layout(256);
    }
    /* No ring_align in the ops: 4096. */
    if (CHECK_EQ_I64(create(&noalign_ops, 16, 0, 16), 0))
        check_legacy_layout(16);

    /* Non-powers of two, too large, absent. */
    CHECK_EQ_I64(create(&modern_ops, 6, 0, 256), -NP_ENOTSUP);
    CHECK_EQ_I64(create(&modern_ops, 256, 0, 100), -NP_ENOTSUP);
    CHECK_EQ_I64(create(&legacy_ops, 100, 0, 128), -NP_ENOTSUP);
    CHECK_EQ_I64(create(&legacy_ops, 0xFFFF, 0, 128), -NP_ENOTSUP);
    CHECK_EQ_I64(create(&legacy_ops, 32768, 0, 128), -NP_ENOTSUP);
    CHECK_EQ_I64(create(&modern_ops, 4096, 0, 2048), -NP_ENOTSUP);
    CHECK_EQ_I64(create(&modern_ops, 256, 0, 0), -NP_ENOTSUP);
    CHECK_EQ_U64(qf.setup_calls, 0);
    CHECK_EQ_I64(create(&modern_ops, 0, 0, 256), -NP_ENODEV);
    CHECK_EQ_U64(qf.setup_calls, 0);

    /* The transport's refusal and an allocation failure come back as they are. */
    memset(&qf, 0, sizeof(qf));
    qf.max = 8;
    qf.setup_err = -NP_EIO;
    dev.ops = &modern_ops;
    dev.transport = &qf;
    CHECK_EQ_I64(virtqueue_create(&vq, &dev, 0, 8), -NP_EIO);
    for (int after = 0; after < 2; after++) {
        fake_dma_fail_after(after);
        CHECK_EQ_I64(create(&modern_ops, 8, 0, 8), -NP_ENOMEM);
        CHECK_EQ_U64(qf.setup_calls, 0);
        fake_dma_fail_after(-1);
    }
    fake_dma_free_all();
}

/* The legacy layout (2.7, "Legacy Interfaces: Virtqueue Layout"), checked against Linux's vring_size. */
static void test_layout(void)
{
    static const struct {
        uint16_t size;
        unsigned align;
        size_t avail, used, total;
    } cases[] = {
        { 4, 4096, 64, 4096, 4134 },
        { 256, 4096, 4096, 8192, 10246 },
        { 1024, 4096, 16384, 20480, 28678 },
        { 1, 4096, 16, 4096, 4110 },
        { 8, 4, 128, 152, 222 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t avail_off = 1, used_off = 1;
        size_t total = virtqueue_layout(cases[i].size, cases[i].align, &avail_off, &used_off);
        bool ok = CHECK_EQ_U64(avail_off, cases[i].avail);
        ok &= CHECK_EQ_U64(used_off, cases[i].used);
        ok &= CHECK_EQ_U64(total, cases[i].total);
        if (!ok)
            fprintf(stderr, "  size %u align %u\n", cases[i].size, cases[i].align);
        /* Linux: ((16 n + 2 (3 + n) + align - 1) & ~(align - 1)) + 2 * 3 + 8 n */
        size_t n = cases[i].size, a = cases[i].align;
        CHECK_EQ_U64(total, ((16 * n + 2 * (3 + n) + a - 1) & ~(a - 1)) + 6 + 8 * n);
    }
}

int main(void)
{
    pool = calloc(POOL, sizeof(struct req));
    if (!pool)
        return 2;
    TEST_RUN(test_layout);
    TEST_RUN(test_create_sizes);
    TEST_RUN(test_full);
    TEST_RUN(test_kick);
    TEST_RUN(test_kick_suppressed);
    TEST_RUN(test_used_idx_too_far);
    TEST_RUN(test_id_out_of_range);
    TEST_RUN(test_id_not_in_flight);
    TEST_RUN(test_len_too_large);
    TEST_RUN(test_rounds);
    free(pool);
    return test_finish();
}
