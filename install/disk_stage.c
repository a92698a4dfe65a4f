#include "install/disk_stage.h"

#include "arch/x86_64/arch.h"
#include "install/zeroes.h"
#include "install/gpt.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kmem.h"
#include "kernel/string.h"

#define HOLD_BYTES      DISK_STAGE_HOLD_BYTES
#define CHUNK_MAX       (1u << 20)
#define DISK_STALL_US   30000000ull

static struct disk_stage *of(struct stage *s)
{
    return (struct disk_stage *)s;
}

static void req_done(struct blk_req *r)
{
    (void)r;    /* completion is read from r->status in pump: nothing to do here */
}

static const char *op_name(enum blk_op op)
{
    return op == BLK_READ ? "read" : op == BLK_FLUSH ? "flush" : op == BLK_WRITE_ZEROES ? "write-zeroes" : "write";
}

static int disk_fail(struct disk_stage *d, struct blk_req *r, const char *what)
{
    return stage_fail(&d->st, NP_EXIT_DISK, "disk %s: %s failed at sector %llu: %s", d->disk->name, what,
                      (unsigned long long)(r->offset / 512), np_strerror(r->status));
}

/* One synchronous request, split to the device's maximum, bounded in time. */
static int disk_sync(struct disk_stage *d, enum blk_op op, uint64_t off, void *buf, size_t len)
{
    static struct blk_req r;    /* static: a timed-out request may still complete later */
    size_t done = 0;
    do {
        size_t n = len - done < d->disk->max_transfer ? len - done : d->disk->max_transfer;
        r = (struct blk_req){ op, off + done, (uint8_t *)buf + done, n, BLK_PENDING, req_done, NULL };
        if (blkdev_sync(d->disk, &r, DISK_STALL_US))
            return disk_fail(d, &r, op_name(op));
        done += n;
    } while (done < len);
    return 0;
}

static int disk_flush(struct disk_stage *d)
{
    return d->disk->can_flush ? disk_sync(d, BLK_FLUSH, 0, NULL, 0) : 0;
}

/*
 * Lends window back for ring bytes early: the sender may then have at most one window more in
 * flight than was credited, so crediting up to (written + ring size - window) keeps every byte
 * it can still send fitting in the ring. While the disk keeps up the window stays open; when
 * it falls a ring behind, credit waits for completed writes, and TCP's window is the brake.
 */
static void ring_credit(struct disk_stage *d)
{
    uint64_t written = d->ring.done - d->ring.start;
    uint64_t limit = written + d->ring.size - d->tcp_window;
    uint64_t upto = d->ring_in < limit ? d->ring_in : limit;
    if (upto > d->ring_credited) {
        d->release((size_t)(upto - d->ring_credited));
        d->ring_credited = upto;
    }
}

/* Hands one ring write to the disk; a full device queue leaves it pending for the next turn. */
static int submit(struct disk_stage *d, unsigned slot)
{
    int err = blkdev_submit(d->disk, &d->req[slot]);
    d->pending = err == -NP_EBUSY ? (int)slot : -1;
    if (err && err != -NP_EBUSY) {
        d->req[slot].status = err;
        return disk_fail(d, &d->req[slot], op_name(d->req[slot].op));
    }
    return 0;
}

/*
 * The next request out of a ring write: with WRITE_ZEROES, cut at zero runs (the rest goes
 * back to the ring for the next turn). Returns its length, 0 to wait for more data.
 */
static size_t cut(struct disk_stage *d, unsigned slot, uint64_t off, const uint8_t *data, size_t len, bool final,
                  enum blk_op *op)
{
    bool zero = false;
    *op = BLK_WRITE;
    if (!d->zero_max)
        return len;
    /* Open: the write took every whole block there is; more data may still extend it. */
    bool open_end = !final && d->ring.head - (off + len) < d->ring.block;
    uint64_t t0 = clock_us();
    size_t n = zeroes_cut(off, data, len, open_end, d->zero_max, &zero);
    d->zero_scan_us += clock_us() - t0;
    if (n < len)
        sring_trim(&d->ring, slot, n);
    *op = zero ? BLK_WRITE_ZEROES : BLK_WRITE;
    return n;
}

/* A disk that offered WRITE_ZEROES and refused one: from now on zeros are written as data. */
static void zeroes_refused(struct disk_stage *d, unsigned slot)
{
    if (d->zero_max)
        log_warn("install: disk %s refused WRITE_ZEROES: writing the zeros instead\n", d->disk->name);
    d->zero_max = 0;
    d->held_head = 0;               /* nothing is held back any more */
    d->req[slot].op = BLK_WRITE;    /* the zeros are still in the ring: the slot's space is not freed */
    d->req[slot].status = BLK_PENDING;
    d->redo |= 1u << slot;
}

/* Hands refused WRITE_ZEROES back to the disk as writes; a full queue keeps them for later. */
static int redo(struct disk_stage *d)
{
    for (unsigned i = 0; i < SRING_MAX_IO && d->redo; i++) {
        if (!(d->redo & (1u << i)))
            continue;
        int err = blkdev_submit(d->disk, &d->req[i]);
        if (err == -NP_EBUSY)
            return 0;
        d->redo &= ~(1u << i);
        if (err) {
            d->req[i].status = err;
            return disk_fail(d, &d->req[i], "write");
        }
    }
    return 0;
}

/* Submits ring writes, reaps completions, frees ring space back to the source. */
static int pump(struct disk_stage *d, bool final)
{
    unsigned slot;
    uint64_t off;
    void *data;
    size_t len, pad;
    enum blk_op op;
    if (redo(d) || (d->pending >= 0 && submit(d, (unsigned)d->pending)))
        return -1;
    /* A write held back inside one 64 KiB unit stays so until more data comes: skip the work. */
    while (d->pending < 0 && (final || d->ring.head != d->held_head)) {
        int got = sring_next(&d->ring, final, &slot, &off, &data, &len, &pad);
        if (pad)    /* reported once, by whichever call padded, handing out a write or not */
            log_info("install: the image ends inside a block: %zu zero bytes pad it\n", pad);
        if (got != 1)
            break;
        if (!(len = cut(d, slot, off, data, len, final, &op))) {
            sring_trim(&d->ring, slot, 0);      /* within one 64 KiB unit: wait for the rest of it */
            d->held_head = d->ring.head;
            break;
        }
        d->req[slot] = (struct blk_req){ op, off, data, len, BLK_PENDING, req_done, NULL };
        if (submit(d, slot))
            return -1;
    }
    if (blkdev_poll(d->disk) < 0)
        return stage_fail(&d->st, NP_EXIT_DISK, "disk %s stopped working", d->disk->name);
    for (unsigned i = 0; i < SRING_MAX_IO; i++) {
        struct blk_req *r = &d->req[i];
        if (!d->ring.io[i].busy || d->ring.io[i].complete || r->status == BLK_PENDING || (int)i == d->pending)
            continue;
        if (r->op == BLK_WRITE_ZEROES && r->status == -NP_ENOTSUP) {
            zeroes_refused(d, i);
            continue;
        }
        if (r->status)
            return disk_fail(d, r, op_name(r->op));
        if (r->op == BLK_WRITE_ZEROES)
            d->zeroed_bytes += r->len, d->zero_reqs++;
        if (sring_complete(&d->ring, i))
            ring_credit(d);
        d->last_done_us = clock_us();
    }
    return 0;
}

int disk_stage_pump(struct disk_stage *d)
{
    uint64_t t0 = __builtin_ia32_rdtsc();
    int err = pump(d, false);
    d->disk_tsc += __builtin_ia32_rdtsc() - t0;    /* loglevel=7's stage report */
    return err;
}

/*
 * final: writes everything, the zero-padded last block too, and waits for it all.
 * Otherwise: waits only for the writes already handed out; a partial block stays unwritten.
 */
static int drain(struct disk_stage *d, bool final)
{
    d->last_done_us = clock_us();
    while (final ? !sring_idle(&d->ring) : !sring_settled(&d->ring) || d->pending >= 0) {
        if (pump(d, final))
            return -1;
        if (clock_us() - d->last_done_us > DISK_STALL_US)
            return stage_fail(&d->st, NP_EXIT_DISK, "disk %s: writes stopped completing", d->disk->name);
    }
    return 0;
}

void disk_stage_settle(struct disk_stage *d)
{
    drain(d, false);
}

/* Zeroes [from, to) of the disk, a MiB at a time; *by_disk (if given) gains what WRITE_ZEROES did. */
static int zero_range(struct disk_stage *d, uint64_t from, uint64_t to, uint64_t *by_disk)
{
    static struct blk_req r;    /* static: a timed-out request may still complete later */
    /* WRITE_ZEROES where the disk has it: no data crosses the bus. Refused: write the zeros. */
    while (from < to && d->disk->max_zeroes) {
        size_t n = to - from < d->disk->max_zeroes ? (size_t)(to - from) : d->disk->max_zeroes;
        r = (struct blk_req){ BLK_WRITE_ZEROES, from, NULL, n, BLK_PENDING, req_done, NULL };
        int err = blkdev_sync(d->disk, &r, DISK_STALL_US);
        if (err == -NP_ENOTSUP)
            break;
        if (err)
            return disk_fail(d, &r, op_name(BLK_WRITE_ZEROES));
        from += n;
        if (by_disk)
            *by_disk += n;
    }
    while (from < to) {
        size_t n = to - from < HOLD_BYTES ? (size_t)(to - from) : HOLD_BYTES;
        if (disk_sync(d, BLK_WRITE, from, d->zero, n))
            return -1;
        from += n;
    }
    return 0;
}

/*
 * wipe=ends (the default) blanks the disk's last MiB, where an old backup GPT, an mdraid 1.0
 * superblock and other end-of-disk signatures sit, as far as the image will not cover it;
 * wipe=all blanks everything past the image (the whole disk past the first MiB when the length
 * is unknown). The first MiB is blanked anyway: it is written last. zero_range uses
 * WRITE_ZEROES where the disk offers it, else zero writes of the held-MiB size.
 */
static int disk_wipe(struct disk_stage *d)
{
    uint64_t size = d->disk->size, bs = d->disk->block_size;
    uint64_t end = d->total != STAGE_LEN_UNKNOWN ? (d->total + bs - 1) / bs * bs : HOLD_BYTES;
    uint64_t from = end < HOLD_BYTES ? HOLD_BYTES : end;
    if (d->wipe == DISK_WIPE_ENDS && size >= HOLD_BYTES && size - HOLD_BYTES > from)
        from = size - HOLD_BYTES;
    if (d->wipe == DISK_WIPE_NONE || from >= size)
        return 0;
    uint64_t t0 = clock_us();
    if (zero_range(d, from, size, NULL) || disk_flush(d))
        return -1;
    uint64_t us = clock_us() - t0;
    log_info("install: wipe=%s: zeroed %llu KiB at the end of disk %s (from byte %llu) in %llu.%03llu s\n",
             d->wipe == DISK_WIPE_ALL ? "all" : "ends", (unsigned long long)((size - from) >> 10), d->disk->name,
             (unsigned long long)from, (unsigned long long)(us / 1000000), (unsigned long long)(us / 1000 % 1000));
    return 0;
}

/*
 * Before the first write: an image whose GPT is made for another sector size than the disk's
 * would not boot there (its header at LBA 1 is byte 512 or byte 4096), so it is refused while
 * the disk is untouched.
 */
static int sector_check(struct disk_stage *d, const uint8_t *img, size_t n)
{
    uint32_t bs = d->disk->block_size;
    struct gpt_info g;
    uint32_t s = gpt_probe(img, n, &g);
    if (s && s != bs)
        return stage_fail(&d->st, NP_EXIT_SECTOR, "the image's GPT is made for %u-byte sectors but disk %s has "
                          "%u-byte blocks; nothing written", s, d->disk->name, bs);
    if (!s && bs != 512 && gpt_has_mbr(img, n))
        log_warn("install: the image has an MBR and no GPT: made for 512-byte sectors, it may not boot from "
                 "disk %s with %u-byte blocks\n", d->disk->name, bs);
    return 0;
}

int disk_stage_check_head(struct disk_stage *d, const uint8_t *head, size_t n)
{
    d->head_checked = true;
    return sector_check(d, head, n);
}

/* Before the first write: the sector-size check (unless it ran on bytes read ahead), then the wipe. Once. */
static int disk_prepare(struct disk_stage *d)
{
    size_t n = d->end < HOLD_BYTES ? (size_t)d->end : HOLD_BYTES;
    if (d->prepared)
        return 0;
    d->prepared = true;
    if (!d->head_checked && sector_check(d, d->hold, n))
        return -1;
    return disk_wipe(d);
}

/* Past the first MiB for the first time: blank the start now, so a broken install cannot boot. */
static int blank_start(struct disk_stage *d)
{
    if (d->zeroed)
        return 0;
    if (disk_prepare(d) || disk_sync(d, BLK_WRITE, 0, d->zero, HOLD_BYTES) || disk_flush(d))
        return -1;
    d->zeroed = true;
    return 0;
}

/* The ring carries the image from pos on (never below the held MiB): its old writes land first. */
static int ring_restart(struct disk_stage *d, uint64_t pos)
{
    if (!sring_idle(&d->ring) && drain(d, true))
        return -1;
    uint64_t at = pos > HOLD_BYTES ? pos : HOLD_BYTES;
    sring_init(&d->ring, d->ring.buf, d->ring.size, d->ring.chunk, d->ring.block, at, d->disk->size);
    d->ring_in = d->ring_credited = 0;
    d->held_head = 0;
    return 0;
}

int disk_stage_seek(struct disk_stage *d, uint64_t pos)
{
    if (pos == d->pos)
        return 0;
    if (pos % d->disk->block_size)
        return stage_fail(&d->st, NP_EXIT_FORMAT, "image byte %llu is not on a %u-byte block of disk %s",
                          (unsigned long long)pos, d->disk->block_size, d->disk->name);
    if (pos > d->disk->size)
        return stage_fail(&d->st, NP_EXIT_TOOBIG, "image byte %llu is past the end of disk %s",
                          (unsigned long long)pos, d->disk->name);
    if (ring_restart(d, pos))
        return -1;
    d->pos = pos;
    return 0;
}

int disk_stage_zero(struct disk_stage *d, uint64_t from, uint64_t to)
{
    uint64_t bs = d->disk->block_size, by_disk = 0;
    d->end = to > d->end ? to : d->end;
    from = from < HOLD_BYTES ? HOLD_BYTES : from;   /* the held MiB is zero where nothing was put */
    to = (to + bs - 1) / bs * bs;                   /* a last partial block: zeros pad it anyway */
    to = to > d->disk->size ? d->disk->size : to;
    if (from >= to)
        return 0;
    if (from % bs)
        return stage_fail(&d->st, NP_EXIT_FORMAT, "image byte %llu is not on a %u-byte block of disk %s",
                          (unsigned long long)from, d->disk->block_size, d->disk->name);
    /* The ring's writes land first: zeros after them, never racing them. */
    if (blank_start(d) || (!sring_idle(&d->ring) && drain(d, true)) || zero_range(d, from, to, &by_disk))
        return -1;
    d->zeroed_bytes += by_disk;
    d->zero_reqs += by_disk != 0;
    return 0;
}

static int disk_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    struct disk_stage *d = of(s);
    uint64_t cap = d->disk->size;
    if (total != STAGE_LEN_UNKNOWN && total > cap)
        return stage_fail(s, NP_EXIT_TOOBIG, "the image is %llu bytes but disk %s holds %llu; nothing written",
                          (unsigned long long)total, d->disk->name, (unsigned long long)cap);
    d->total = total;
    if (offset && offset == d->pos)
        return 0;   /* a resume: the stream goes on where it stopped */
    /* From byte 0 (a start, or a restart): writes of the old stream finish before new ones. */
    if (drain(d, false))
        return -1;
    sring_init(&d->ring, d->ring.buf, d->ring.size, d->ring.chunk, d->ring.block, HOLD_BYTES, cap);
    d->pos = d->end = d->written = 0;
    d->committed = false;
    NP_STRFN(memset)(d->hold, 0, HOLD_BYTES);  /* what a qcow2 image leaves out of its first MiB is zeros */
    d->ring_in = d->ring_credited = 0;
    d->zeroed_bytes = 0;    /* the old stream's zeroes are written over */
    d->held_head = 0;
    d->zero_reqs = 0;
    return 0;
}

static int disk_write(struct stage *s, const uint8_t *p, size_t len)
{
    struct disk_stage *d = of(s);
    while (len) {
        if (d->pos < HOLD_BYTES) {
            size_t n = HOLD_BYTES - d->pos < len ? (size_t)(HOLD_BYTES - d->pos) : len;
            uint64_t t0 = __builtin_ia32_rdtsc();
            NP_STRFN(memcpy)(d->hold + d->pos, p, n);
            d->copy_tsc += __builtin_ia32_rdtsc() - t0;
            d->release(n);      /* held bytes take no ring space */
            d->pos += n, p += n, len -= n;
            d->written += n;
            d->end = d->pos > d->end ? d->pos : d->end;
            continue;
        }
        if (blank_start(d))
            return -1;
        if (d->pos + len > d->disk->size)
            return stage_fail(s, NP_EXIT_TOOBIG, "the image is larger than disk %s (%llu bytes); stopped there",
                              d->disk->name, (unsigned long long)d->disk->size);
        uint64_t t0 = __builtin_ia32_rdtsc();
        size_t n = sring_append(&d->ring, p, len);
        d->copy_tsc += __builtin_ia32_rdtsc() - t0;
        d->pos += n, p += n, len -= n;
        d->written += n;
        d->end = d->pos > d->end ? d->pos : d->end;
        d->ring_in += n;
        ring_credit(d);
        if (len && pump(d, false))     /* the ring is full: write some out, then go on */
            return -1;
    }
    return 0;
}

/* The input is complete: the ring drains, the zero-padded last block too, and the disk flushes. */
static int disk_end(struct stage *s)
{
    struct disk_stage *d = of(s);
    if (drain(d, true) || disk_flush(d))
        return -1;
    if (d->disk->max_zeroes)
        log_info("install: %llu bytes zeroed by disk %s itself in %u WRITE_ZEROES; looking for them took %llu ms\n",
                 (unsigned long long)d->zeroed_bytes, d->disk->name, d->zero_reqs,
                 (unsigned long long)(d->zero_scan_us / 1000));
    return 0;
}

/* A declared length (a zstd frame's content size) past the disk's end: refused before it comes. */
static int disk_declare(struct stage *s, uint64_t len, const char *why)
{
    struct disk_stage *d = of(s);
    if (len <= d->disk->size)
        return 0;
    return stage_fail(s, NP_EXIT_TOOBIG, "the image is at least %llu bytes (%s) but disk %s holds %llu; %s",
                      (unsigned long long)len, why, d->disk->name, (unsigned long long)d->disk->size,
                      d->zeroed ? "stopped there" : "nothing written");
}

static const struct stage_ops disk_ops = {
    .name = "disk",
    .begin = disk_begin,
    .write = disk_write,
    .end = disk_end,
    .declare = disk_declare,
};

int disk_stage_init(struct disk_stage *d, struct blkdev *disk, struct stage_error *err,
                    void (*release)(size_t len), size_t window)
{
    NP_STRFN(memset)(d, 0, sizeof(*d));
    d->st = (struct stage){ &disk_ops, NULL, err };
    d->disk = disk;
    d->release = release;
    d->tcp_window = window;
    d->pending = -1;
    d->total = STAGE_LEN_UNKNOWN;
    d->zero_max = disk->max_zeroes - disk->max_zeroes % ZEROES_UNIT;
    uint32_t chunk = disk->max_transfer < CHUNK_MAX ? disk->max_transfer : CHUNK_MAX;
    chunk -= chunk % disk->block_size;
    uint64_t ring_pa, hold_pa, zero_pa;
    size_t ring = chunk ? DISK_STAGE_RING_BYTES - DISK_STAGE_RING_BYTES % chunk : 0;
    if (!chunk || ring < 2 * window ||
        kmem_alloc_pages(ring / PAGE_SIZE + 1, PAGE_SIZE, 4ull << 30, &ring_pa) ||
        kmem_alloc_pages(HOLD_BYTES / PAGE_SIZE, PAGE_SIZE, 4ull << 30, &hold_pa) ||
        kmem_alloc_pages(HOLD_BYTES / PAGE_SIZE, PAGE_SIZE, 4ull << 30, &zero_pa))
        return stage_fail(&d->st, NP_EXIT_DISK, "not enough memory for the disk buffers");
    d->hold = (uint8_t *)(uintptr_t)hold_pa;
    d->zero = (uint8_t *)(uintptr_t)zero_pa;
    NP_STRFN(memset)(d->zero, 0, HOLD_BYTES);
    if (sring_init(&d->ring, (uint8_t *)(uintptr_t)ring_pa, ring, chunk, disk->block_size, HOLD_BYTES,
                   disk->size))
        return stage_fail(&d->st, NP_EXIT_DISK, "disk %s: block size %u does not fit the ring", disk->name,
                          disk->block_size);
    return 0;
}

/*
 * The image holds a GPT for this disk's sector size and the disk is larger: its backup moves
 * to the disk's last LBA (as `sgdisk -e`), written before the first MiB so that a failure
 * here still leaves nothing bootable. The primary header changes in the held MiB; the image's
 * original first sectors are kept for the read-back. A table that cannot be moved stays as the
 * image has it, with a warning. The old backup header stays where it was (as sgdisk leaves it):
 * nothing looks for it there, and verify=readback still finds the image's bytes.
 */
static int gpt_move(struct disk_stage *d, size_t n)
{
    uint32_t bs = d->disk->block_size;
    struct gpt_info g;
    uint64_t lba;
    size_t len;
    if (d->gpt_keep || gpt_probe(d->hold, n, &g) != bs || 2 * bs > sizeof(d->orig))
        return 0;
    NP_STRFN(memcpy)(d->orig, d->hold, 2 * bs);
    int r = gpt_relocate(d->hold, n, &g, d->disk->size / bs, d->ring.buf, d->ring.size, &lba, &len);
    if (r == 1)
        return 0;
    if (r < 0) {
        log_warn("install: the image's GPT backup stays at LBA %llu: %s\n", (unsigned long long)g.alt_lba,
                 np_strerror(r));
        return 0;
    }
    d->orig_len = 2 * bs;
    if (disk_sync(d, BLK_WRITE, lba * bs, d->ring.buf, len) || disk_flush(d))
        return -1;
    log_info("install: GPT backup moved from LBA %llu to LBA %llu, the last of disk %s\n",
             (unsigned long long)g.alt_lba, (unsigned long long)(d->disk->size / bs - 1), d->disk->name);
    return 0;
}

/* The held first MiB, padded to a block: written last, after every check passed. */
int disk_stage_commit(struct disk_stage *d)
{
    size_t n = d->end < HOLD_BYTES ? (size_t)d->end : HOLD_BYTES;
    size_t padded = (n + d->disk->block_size - 1) / d->disk->block_size * d->disk->block_size;
    if (padded > d->disk->size)
        return stage_fail(&d->st, NP_EXIT_TOOBIG, "the image's first blocks do not fit disk %s", d->disk->name);
    if (disk_prepare(d))
        return -1;
    /* A short image: the rest of the first MiB is blanked too (the longer ones had it at once). */
    if (!d->zeroed && d->wipe != DISK_WIPE_NONE && padded < HOLD_BYTES && d->disk->size >= HOLD_BYTES &&
        zero_range(d, padded, HOLD_BYTES, NULL))
        return -1;
    NP_STRFN(memset)(d->hold + n, 0, padded - n);
    if (n < padded && d->end < HOLD_BYTES)
        log_info("install: the image ends inside a block: %zu zero bytes pad it\n", padded - n);
    if (gpt_move(d, n))
        return -1;
    if (disk_sync(d, BLK_WRITE, 0, d->hold, padded) || disk_flush(d))
        return -1;
    d->committed = true;
    return 0;
}

/* [from, to) of the held first MiB, not yet on the disk. */
static size_t read_held(struct disk_stage *d, uint64_t from, uint64_t to,
                        void (*feed)(void *ctx, const uint8_t *p, size_t len), void *ctx)
{
    size_t n = (size_t)((to < HOLD_BYTES ? to : HOLD_BYTES) - from);
    feed(ctx, d->hold + from, n);
    return n;
}

int disk_stage_read(struct disk_stage *d, uint64_t from, uint64_t to,
                    void (*feed)(void *ctx, const uint8_t *p, size_t len), void *ctx)
{
    uint32_t bs = d->disk->block_size;
    while (from < to) {
        if (!d->committed && from < HOLD_BYTES) {
            from += read_held(d, from, to, feed, ctx);
            continue;
        }
        uint64_t at = from / bs * bs;   /* reads are whole blocks: from may lie inside one */
        size_t skip = (size_t)(from - at);
        size_t n = to - from < d->ring.chunk - skip ? (size_t)(to - from) : d->ring.chunk - skip;
        size_t whole = (skip + n + bs - 1) / bs * bs;
        if (disk_sync(d, BLK_READ, at, d->ring.buf, whole))
            return -1;
        if (at < d->orig_len)   /* what gpt_move changed on purpose: the image's bytes */
            NP_STRFN(memcpy)(d->ring.buf, d->orig + at, d->orig_len - at < whole ? d->orig_len - at : whole);
        feed(ctx, d->ring.buf + skip, n);
        from += n;
    }
    return 0;
}

int disk_stage_readback(struct disk_stage *d, void (*feed)(void *ctx, const uint8_t *p, size_t len), void *ctx)
{
    return disk_stage_read(d, 0, d->end, feed, ctx);
}
