/* One block request, waited for: by polling, bounded in time (kernel side: it needs the clock). */
#include "kernel/blkdev.h"

#include "arch/x86_64/arch.h"
#include "kernel/errno.h"

int blkdev_sync(struct blkdev *d, struct blk_req *r, uint64_t timeout_us)
{
    r->status = BLK_PENDING;    /* the driver overwrites it with the outcome */
    int err = blkdev_submit(d, r);
    for (uint64_t t0 = clock_us(); !err && r->status == BLK_PENDING;) {
        if (blkdev_poll(d) < 0)
            err = -NP_EIO;
        else if (clock_us() - t0 > timeout_us)
            err = -NP_ETIMEDOUT;
    }
    if (err)
        r->status = err;
    return r->status;
}
