#include "install/sring.h"

#include "kernel/errno.h"
#include "kernel/string.h"

int sring_init(struct sring *r, uint8_t *buf, size_t size, size_t chunk, uint32_t block,
               uint64_t start, uint64_t limit)
{
    NP_STRFN(memset)(r, 0, sizeof(*r));
    if (!buf || !block || (block & (block - 1)) || !chunk || chunk % block || !size || size % chunk ||
        start % block || limit < start)
        return -NP_EINVAL;
    r->buf = buf;
    r->size = size;
    r->chunk = chunk;
    r->block = block;
    r->start = r->head = r->submitted = r->done = start;
    r->limit = limit;
    return 0;
}

size_t sring_space(const struct sring *r)
{
    size_t ring = r->size - (size_t)(r->head - r->done);
    uint64_t disk = r->head < r->limit ? r->limit - r->head : 0;   /* the pad may pass limit */
    return disk < ring ? (size_t)disk : ring;
}

/* Ring position of a disk offset: the ring starts at r->start, so positions stay aligned. */
static size_t pos(const struct sring *r, uint64_t off)
{
    return (size_t)((off - r->start) % r->size);
}

size_t sring_append(struct sring *r, const void *data, size_t len)
{
    size_t n = len < sring_space(r) ? len : sring_space(r);
    const uint8_t *src = data;
    for (size_t left = n; left;) {
        size_t p = pos(r, r->head), k = r->size - p < left ? r->size - p : left;
        NP_STRFN(memcpy)(r->buf + p, src, k);
        src += k;
        left -= k;
        r->head += k;
    }
    return n;
}

/* Zero-pads the data to a whole block when the stream has ended; returns the padding. */
static size_t pad_tail(struct sring *r)
{
    size_t partial = (size_t)(r->head % r->block);
    if (!partial)
        return 0;
    size_t pad = r->block - partial;
    /* The pad lies within the block the data already started, so it never passes the limit
       rounded up to a block, and ring space for it exists: blocks never straddle the end. */
    NP_STRFN(memset)(r->buf + pos(r, r->head), 0, pad);
    r->head += pad;
    return pad;
}

int sring_next(struct sring *r, bool final, unsigned *slot, uint64_t *off, void **data, size_t *len,
               size_t *pad)
{
    struct sring_io *io = &r->io[r->io_next];
    *pad = final ? pad_tail(r) : 0;
    if (io->busy)
        return 0;
    size_t avail = (size_t)(r->head - r->submitted);
    size_t to_end = r->size - pos(r, r->submitted);
    size_t n = avail < to_end ? avail : to_end;
    n = n < r->chunk ? n : r->chunk;
    n -= n % r->block;
    /*
     * Wait for a whole chunk, unless the ring's end or the stream's end is here, or the disk
     * is idle: a sender held back by a small TCP window (64 KiB without window scaling) would
     * otherwise never fill a chunk, since its window only reopens as writes complete.
     */
    bool idle = r->submitted == r->done, rest = r->submitted < r->rest_end;
    if (n == 0 || (n < r->chunk && !final && n < to_end && !idle && !rest))
        return 0;
    *io = (struct sring_io){ r->submitted, n, true, false };
    *slot = r->io_next;
    *off = r->submitted;
    *data = r->buf + pos(r, r->submitted);
    *len = n;
    r->submitted += n;
    r->io_next = (r->io_next + 1) % SRING_MAX_IO;
    return 1;
}

int sring_trim(struct sring *r, unsigned slot, size_t len)
{
    struct sring_io *io = &r->io[slot < SRING_MAX_IO ? slot : 0];
    if (slot >= SRING_MAX_IO || !io->busy || io->complete || io->off + io->len != r->submitted ||
        (slot + 1) % SRING_MAX_IO != r->io_next || len >= io->len || len % r->block)
        return -NP_EINVAL;
    r->submitted = io->off + len;
    if (len) {
        r->rest_end = io->off + io->len;    /* the write was due whole: so is its rest */
        io->len = len;
    } else {
        io->busy = false;
        r->io_next = slot;      /* the slot is the next one's again: slots stay in disk order */
    }
    return 0;
}

size_t sring_complete(struct sring *r, unsigned slot)
{
    if (slot >= SRING_MAX_IO || !r->io[slot].busy)
        return 0;
    r->io[slot].complete = true;
    /* Slots were handed out in disk order: free the completed run that starts at done. */
    uint64_t before = r->done;
    for (unsigned i = 0; i < SRING_MAX_IO; i++) {
        struct sring_io *io = &r->io[i];
        if (io->busy && io->complete && io->off == r->done) {
            r->done += io->len;
            io->busy = io->complete = false;
            i = (unsigned)-1;   /* rescan: the next one in order may already be complete */
        }
    }
    return (size_t)(r->done - before);
}

bool sring_idle(const struct sring *r)
{
    return r->done == r->head && r->submitted == r->head;
}

bool sring_settled(const struct sring *r)
{
    return r->done == r->submitted;
}
