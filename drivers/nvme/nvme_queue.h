/*
 * One NVMe queue pair's bookkeeping (NVMe 1.4 4.1): the host's submission tail, the
 * controller's head as it reports it in completions, and the completion head with its phase
 * tag. Pure logic over memory the caller provides, so the host tests drive it with a fake
 * controller; ringing the doorbells is the caller's job.
 */
#ifndef DRIVERS_NVME_NVME_QUEUE_H
#define DRIVERS_NVME_NVME_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/nvme/nvme_regs.h"

#define NVME_QUEUE_MIN  2           /* a queue of one entry is always full (4.1.1) */
#define NVME_QUEUE_MAX  4096        /* we never use more; CAP.MQES allows up to 65536 */

struct nvme_queue {
    volatile struct nvme_sqe *sq;   /* size entries */
    volatile struct nvme_cqe *cq;   /* size entries */
    uint16_t size;
    uint16_t sq_tail;               /* next entry we fill */
    uint16_t sq_head;               /* the controller's head, from the last completion */
    uint16_t cq_head;               /* next completion we read */
    uint8_t phase;                  /* the phase tag a new completion carries */
};

/* Starts an empty pair over zeroed sq and cq of size entries; -NP_EINVAL for a bad size. */
int nvme_queue_init(struct nvme_queue *q, void *sq, void *cq, unsigned size);

/* True when one more submission would make tail meet head (a full queue, 4.1.2). */
bool nvme_queue_full(const struct nvme_queue *q);

/* Copies e into the tail slot and advances the tail; -NP_EBUSY when full. Then ring SQ tail. */
int nvme_queue_submit(struct nvme_queue *q, const struct nvme_sqe *e);

/*
 * Takes the next completion if its phase tag says it is new: 1 with *e filled, 0 when none.
 * -NP_EBADMSG when the controller's SQ head is out of range (the pair is then unusable).
 * Ring the CQ head doorbell with cq_head afterwards.
 */
int nvme_queue_reap(struct nvme_queue *q, struct nvme_cqe *e);

#endif
