/*
 * Writes the pattern with several requests in flight, flushes, reads it back the same way and
 * compares, reporting MB/s for each direction. The host checks the disk file afterwards.
 */
#include "install/disktest.h"

#include "arch/x86_64/arch.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kmem.h"
#include "kernel/string.h"

#define DT_DEPTH        8
#define DT_CHUNK        (1u << 20)
#define DT_STALL_US     30000000ull     /* no completion for this long: the disk is stuck */

struct dt_slot {
    struct blk_req req;
    uint8_t *buf;
    bool busy;
};

struct dt {
    struct blkdev *d;
    struct dt_slot slot[DT_DEPTH];
    unsigned nslots;
    uint32_t chunk;
    int error;
    uint64_t error_at;
    uint64_t mismatch_at;
    bool mismatch;
};

int disktest_parse_range(const char *s, uint64_t *offset, uint64_t *length)
{
    char buf[40];
    const char *plus = s ? NP_STRFN(strchr)(s, '+') : NULL;
    if (!plus || (size_t)(plus - s) >= sizeof(buf))
        return -NP_EINVAL;
    NP_STRFN(memcpy)(buf, s, (size_t)(plus - s));
    buf[plus - s] = '\0';
    if (cmdline_parse_u64(buf, offset) || cmdline_parse_u64(plus + 1, length) || !*length)
        return -NP_EINVAL;
    return *offset + *length < *offset ? -NP_ERANGE : 0;
}

static void fill(uint8_t *buf, uint64_t at, size_t len)
{
    uint64_t *w = (uint64_t *)buf;
    for (size_t i = 0; i < len / 8; i++)
        w[i] = (at + 8 * i) ^ DISKTEST_KEY;
}

static bool check(const uint8_t *buf, uint64_t at, size_t len, uint64_t *bad)
{
    const uint64_t *w = (const uint64_t *)buf;
    for (size_t i = 0; i < len / 8; i++) {
        if (w[i] != ((at + 8 * i) ^ DISKTEST_KEY)) {
            *bad = at + 8 * i;
            return false;
        }
    }
    return true;
}

static void dt_done(struct blk_req *r)
{
    struct dt *t = r->ctx;
    struct dt_slot *s = (struct dt_slot *)r;    /* req is the slot's first member */
    s->busy = false;
    if (r->status && !t->error) {
        t->error = r->status;
        t->error_at = r->offset;
    }
    if (!r->status && r->op == BLK_READ && !t->mismatch && !check(s->buf, r->offset, r->len, &t->mismatch_at))
        t->mismatch = true;
}

/* Runs one pass over [start, end) in chunks, up to nslots in flight. */
static int dt_pass(struct dt *t, enum blk_op op, uint64_t start, uint64_t end)
{
    uint64_t next = start, last_progress = clock_us();
    unsigned busy = 0;
    while ((next < end || busy) && !t->error && !t->mismatch) {
        for (unsigned i = 0; i < t->nslots && next < end; i++) {
            struct dt_slot *s = &t->slot[i];
            if (s->busy)
                continue;
            size_t len = end - next < t->chunk ? (size_t)(end - next) : t->chunk;
            if (op == BLK_WRITE)
                fill(s->buf, next, len);
            s->req = (struct blk_req){ op, next, s->buf, len, 0, dt_done, t };
            int err = blkdev_submit(t->d, &s->req);
            if (err == -NP_EBUSY)
                break;      /* the ring is full: let completions make room */
            if (err)
                return t->error_at = next, err;
            s->busy = true;
            next += len;
        }
        int n = blkdev_poll(t->d);
        if (n < 0)
            return n;
        if (n > 0)
            last_progress = clock_us();
        else if (clock_us() - last_progress > DT_STALL_US)
            return -NP_ETIMEDOUT;
        busy = 0;
        for (unsigned i = 0; i < t->nslots; i++)
            busy += t->slot[i].busy;
    }
    return t->error;
}

static int dt_flush(struct dt *t)
{
    static struct blk_req r;    /* static: a timed-out flush may still complete later */
    if (!t->d->can_flush)
        return 0;
    r = (struct blk_req){ BLK_FLUSH, 0, NULL, 0, BLK_PENDING, NULL, NULL };
    return blkdev_sync(t->d, &r, DT_STALL_US);
}

static int dt_setup(struct dt *t, struct blkdev *d)
{
    NP_STRFN(memset)(t, 0, sizeof(*t));
    t->d = d;
    t->chunk = d->max_transfer < DT_CHUNK ? d->max_transfer : DT_CHUNK;
    t->chunk -= t->chunk % d->block_size;
    t->nslots = d->queue_depth < DT_DEPTH ? d->queue_depth : DT_DEPTH;
    for (unsigned i = 0; i < t->nslots; i++) {
        uint64_t pa;
        if (kmem_alloc_pages((t->chunk + PAGE_SIZE - 1) / PAGE_SIZE, PAGE_SIZE, 4ull << 30, &pa))
            return -NP_ENOMEM;
        t->slot[i].buf = (uint8_t *)(uintptr_t)pa;
    }
    return t->chunk ? 0 : -NP_EINVAL;
}

static void report_rate(const char *what, uint64_t bytes, uint64_t us)
{
    uint64_t kbps = us ? bytes * 1000 / us : 0;     /* bytes per µs = MB/s; keep 3 decimals */
    log_info("disktest: %s %llu MiB in %llu.%03llu s: %llu.%03llu MB/s\n", what,
             (unsigned long long)(bytes >> 20), (unsigned long long)(us / 1000000),
             (unsigned long long)(us / 1000 % 1000), (unsigned long long)(kbps / 1000),
             (unsigned long long)(kbps % 1000));
}

static enum np_exit dt_fail(struct dt *t, const char *what, int err)
{
    log_err("error: disk %s: %s failed at byte %llu (sector %llu): %s\n", t->d->name, what,
            (unsigned long long)t->error_at, (unsigned long long)(t->error_at / 512), np_strerror(err));
    return NP_EXIT_DISK;
}

enum np_exit disktest_run(struct blkdev *d, uint64_t offset, uint64_t length)
{
    static struct dt t;
    if (d->read_only) {
        log_err("error: disk %s is read-only; refusing to write to it\n", d->name);
        return NP_EXIT_DISK;
    }
    if (offset % d->block_size || length % d->block_size || offset > d->size || length > d->size - offset) {
        log_err("error: disktest=%llu+%llu does not fit disk %s (%llu bytes, %u-byte blocks)\n",
                (unsigned long long)offset, (unsigned long long)length, d->name,
                (unsigned long long)d->size, d->block_size);
        return NP_EXIT_USAGE;
    }
    int err = dt_setup(&t, d);
    if (err)
        return log_err("error: disktest: %s\n", np_strerror(err)), NP_EXIT_DISK;
    log_info("disktest: %s bytes %llu-%llu, %u KiB requests, %u in flight\n", d->name,
             (unsigned long long)offset, (unsigned long long)(offset + length - 1), t.chunk >> 10, t.nslots);
    uint64_t t0 = clock_us();
    err = dt_pass(&t, BLK_WRITE, offset, offset + length);
    if (!err)
        err = dt_flush(&t);
    if (err)
        return dt_fail(&t, "write", err);
    uint64_t t1 = clock_us();
    err = dt_pass(&t, BLK_READ, offset, offset + length);
    if (err)
        return dt_fail(&t, "read", err);
    uint64_t t2 = clock_us();
    if (t.mismatch) {
        log_err("error: disk %s: read-back differs at byte %llu\n", d->name, (unsigned long long)t.mismatch_at);
        return NP_EXIT_VERIFY;
    }
    report_rate("wrote", length, t1 - t0);
    report_rate("read back", length, t2 - t1);
    log_info("disktest: %s verified\n", d->name);
    return NP_EXIT_OK;
}
