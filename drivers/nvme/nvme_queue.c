/* NVMe queue pair bookkeeping (NVMe 1.4 4.1, 4.6): circular queues, phase tags. */
#include "drivers/nvme/nvme_queue.h"

#include "kernel/errno.h"

int nvme_queue_init(struct nvme_queue *q, void *sq, void *cq, unsigned size)
{
    if (size < NVME_QUEUE_MIN || size > NVME_QUEUE_MAX || !sq || !cq)
        return -NP_EINVAL;
    q->sq = sq;
    q->cq = cq;
    q->size = (uint16_t)size;
    q->sq_tail = q->sq_head = q->cq_head = 0;
    q->phase = 1;       /* zeroed entries carry phase 0: the first pass writes 1 (4.6) */
    return 0;
}

bool nvme_queue_full(const struct nvme_queue *q)
{
    return (uint16_t)((q->sq_tail + 1u) % q->size) == q->sq_head;
}

int nvme_queue_submit(struct nvme_queue *q, const struct nvme_sqe *e)
{
    if (nvme_queue_full(q))
        return -NP_EBUSY;
    volatile uint32_t *dst = (volatile uint32_t *)&q->sq[q->sq_tail];
    const uint32_t *src = (const uint32_t *)e;
    for (unsigned i = 0; i < sizeof(*e) / 4; i++)
        dst[i] = src[i];
    q->sq_tail = (uint16_t)((q->sq_tail + 1u) % q->size);
    /* The entry must be in memory before the caller's doorbell write makes it visible. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return 0;
}

int nvme_queue_reap(struct nvme_queue *q, struct nvme_cqe *e)
{
    volatile struct nvme_cqe *c = &q->cq[q->cq_head];
    /* The status word carries the phase; read it first, the rest only once it says new. */
    uint16_t status = c->status;
    if ((status & NVME_CQE_PHASE) != q->phase)
        return 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    e->dw0 = c->dw0;
    e->dw1 = c->dw1;
    e->sqhd = c->sqhd;
    e->sqid = c->sqid;
    e->cid = c->cid;
    e->status = status;
    if (++q->cq_head == q->size) {
        q->cq_head = 0;
        q->phase ^= 1;  /* each wrap flips the tag new entries carry */
    }
    if (e->sqhd >= q->size)
        return -NP_EBADMSG;
    q->sq_head = e->sqhd;
    return 1;
}
