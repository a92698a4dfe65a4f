/*
 * libFuzzer target: the fuzzer is a malicious virtio device. Its bytes are a script: the
 * first picks the queue size (1 to 256), each next one an action, some followed by operands.
 * The driver adds, kicks and takes completions; the device answers honestly or writes
 * whatever it likes into the used ring and its index. Whatever the device does, the driver
 * must not crash or overflow (ASan/UBSan), must only hand back cookies it was given and has
 * not handed back yet, with a length its writable buffers allow, and its descriptor
 * bookkeeping must stay whole: free list + in-flight chains = the ring, no overlap. It may
 * answer -NP_EPROTO.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio/virtqueue.h"
#include "kernel/errno.h"
#include "tests/unit_drivers/fake_env.h"

#include "tests/fuzz/require.h"

/* ---- The script. ---- */

static const uint8_t *in;
static size_t in_left;

static uint8_t next8(void)
{
    if (!in_left)
        return 0;
    in_left--;
    return *in++;
}

static uint32_t next32(void)
{
    uint32_t v = next8();
    v |= (uint32_t)next8() << 8;
    v |= (uint32_t)next8() << 16;
    return v | (uint32_t)next8() << 24;
}

/* ---- The transport. ---- */

static struct {
    uint16_t size;
    uint64_t desc, avail, used;
} tq;

static uint16_t t_max(struct virtio_dev *d, uint16_t q)
{
    (void)d;
    (void)q;
    return tq.size;
}

static int t_setup(struct virtio_dev *d, uint16_t q, uint16_t size, uint64_t desc, uint64_t avail,
                   uint64_t used)
{
    (void)d;
    (void)q;
    REQUIRE(size == tq.size);
    tq.desc = desc;
    tq.avail = avail;
    tq.used = used;
    return 0;
}

static void t_notify(struct virtio_dev *d, uint16_t q)
{
    (void)d;
    (void)q;
}

static const struct virtio_ops ops = {
    .name = "fuzz", .modern = true, .ring_align = 4096,
    .queue_max = t_max, .queue_setup = t_setup, .notify = t_notify,
};

/* ---- Requests: each cookie is a token, given once. ---- */

#define MAX_TOKENS 8192
#define MAX_BUFS 4

struct token {
    bool given, returned;
    uint16_t head;
    uint16_t nbufs;
    uint32_t writable;
};

static struct token tokens[MAX_TOKENS];
static unsigned ntokens, outstanding_descs;
/* The tokens given and not returned, in no order (at most the queue size). */
static uint16_t live[VIRTQUEUE_MAX_SIZE];
static unsigned outstanding;

static struct virtio_dev dev;
static struct virtqueue vq;
static struct vring_desc *desc;
static struct vring_avail *avail;
static volatile struct vring_used *used;
static uint16_t dev_last_avail, dev_used_idx;

static void driver_add(void)
{
    unsigned n = 1 + next8() % MAX_BUFS;
    unsigned nread = next8() % (n + 1);
    struct vq_buf bufs[MAX_BUFS];
    uint32_t writable = 0;
    for (unsigned i = 0; i < n; i++) {
        /* Buffer addresses are never dereferenced by the driver: any number will do. */
        bufs[i] = (struct vq_buf){ 0x100000ull * (ntokens + 1) + 0x1000 * i, next8() * 16u, i >= nread };
        if (i >= nread)
            writable += bufs[i].len;
    }
    if (ntokens == MAX_TOKENS)
        return;
    struct token *t = &tokens[ntokens];
    uint16_t free_before = vq.num_free, head = vq.free_head;
    int err = virtqueue_add(&vq, bufs, n, t);
    if (n > free_before) {
        REQUIRE(err == -NP_ENOSPC);
        REQUIRE(vq.num_free == free_before);
        return;
    }
    REQUIRE(err == 0);
    *t = (struct token){ true, false, head, (uint16_t)n, writable };
    REQUIRE(outstanding < vq.size);
    live[outstanding++] = (uint16_t)ntokens;
    ntokens++;
    outstanding_descs += n;
}

static void driver_get(void)
{
    void *cookie = NULL;
    uint32_t len = 0;
    int ret = virtqueue_get(&vq, &cookie, &len);
    if (ret == 0 || ret == -NP_EPROTO)
        return;
    REQUIRE(ret == 1);
    /* A cookie we gave, not given back before, with a length its buffers allow. */
    REQUIRE((struct token *)cookie >= tokens && (struct token *)cookie < tokens + ntokens);
    struct token *t = cookie;
    REQUIRE(((uintptr_t)cookie - (uintptr_t)tokens) % sizeof(*t) == 0);
    REQUIRE(t->given && !t->returned);
    REQUIRE(len <= t->writable);
    t->returned = true;
    outstanding_descs -= t->nbufs;
    for (unsigned k = 0; k < outstanding; k++) {
        if (live[k] == (uint16_t)(t - tokens)) {
            live[k] = live[--outstanding];
            break;
        }
    }
}

/* An honest device: takes the next published chain, walks it, completes it. */
static void device_complete_next(void)
{
    uint16_t idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
    if (dev_last_avail == idx)
        return;
    uint16_t head = avail->ring[dev_last_avail % vq.size];
    dev_last_avail++;
    uint32_t writable = 0;
    uint16_t i = head;
    for (unsigned k = 0; k < vq.size && i < vq.size; k++) {
        if (desc[i].flags & VRING_DESC_F_WRITE)
            writable += desc[i].len;
        if (!(desc[i].flags & VRING_DESC_F_NEXT))
            break;
        i = desc[i].next;
    }
    uint32_t len = writable ? next32() % (writable + 1) : 0;
    used->ring[dev_used_idx % vq.size].id = head;
    used->ring[dev_used_idx % vq.size].len = len;
    __atomic_store_n(&used->idx, ++dev_used_idx, __ATOMIC_RELEASE);
}

/* The driver's bookkeeping, checked whole: every descriptor is free or in exactly one chain. */
static void check_invariants(void)
{
    static uint8_t owner[VIRTQUEUE_MAX_SIZE];
    REQUIRE(vq.num_free + outstanding_descs == vq.size);
    REQUIRE(vq.in_flight == outstanding);
    memset(owner, 0, vq.size);
    for (unsigned k = 0; k < outstanding; k++) {
        const struct token *t = &tokens[live[k]];
        REQUIRE(t->given && !t->returned);
        uint16_t i = t->head;
        for (unsigned j = 0; j < t->nbufs; j++) {
            REQUIRE(i < vq.size && !owner[i]);
            owner[i] = 1;
            i = vq.next[i];     /* the driver's own copy: the device may scribble on desc[] */
        }
    }
    uint16_t i = vq.free_head;
    for (unsigned j = 0; j < vq.num_free; j++) {
        REQUIRE(i < vq.size && !owner[i]);
        owner[i] = 2;
        i = vq.next[i];
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in = data;
    in_left = size;
    memset(&tq, 0, sizeof(tq));
    memset(&dev, 0, sizeof(dev));
    memset(tokens, 0, sizeof(tokens[0]) * ntokens);
    ntokens = outstanding = outstanding_descs = 0;
    dev_last_avail = dev_used_idx = 0;

    tq.size = (uint16_t)(1u << (next8() % 9));
    dev.ops = &ops;
    REQUIRE(virtqueue_create(&vq, &dev, 0, 256) == 0);
    desc = (struct vring_desc *)(uintptr_t)tq.desc;
    avail = (struct vring_avail *)(uintptr_t)tq.avail;
    used = (volatile struct vring_used *)(uintptr_t)tq.used;

    /* The whole-ring check costs O(size): after every action on small rings, else every 16th. */
    for (unsigned step = 1; in_left; step++) {
        switch (next8() % 8) {
        case 0:
            driver_add();
            break;
        case 1:
            virtqueue_kick(&vq);
            break;
        case 2:
            driver_get();
            break;
        case 3:
            device_complete_next();
            break;
        case 4: {   /* any entry, mostly near the ids the driver uses */
            uint8_t slot = next8(), sel = next8();
            uint32_t id = sel & 1 ? next32() : next8() % (vq.size + 2u);
            uint32_t len = sel & 2 ? next32() : next8();
            used->ring[slot % vq.size].id = id;
            used->ring[slot % vq.size].len = len;
            break;
        }
        case 5:     /* move used->idx a little */
            dev_used_idx = (uint16_t)(dev_used_idx + next8() % 4);
            __atomic_store_n(&used->idx, dev_used_idx, __ATOMIC_RELEASE);
            break;
        case 6:     /* set used->idx to anything */
            dev_used_idx = (uint16_t)(next8() | next8() << 8);
            __atomic_store_n(&used->idx, dev_used_idx, __ATOMIC_RELEASE);
            break;
        case 7:     /* take everything there is */
            for (unsigned k = 0; k < 2u * vq.size; k++)
                driver_get();
            break;
        }
        if (vq.size <= 16 || step % 16 == 0)
            check_invariants();
    }
    check_invariants();
    fake_dma_free_all();
    return 0;
}
