#include "install/dec_bzip2.h"

#include "compress/alloc.h"
#include "kernel/printf.h"
#include "kernel/string.h"

static struct bzip2_stage *of(struct decoder *d)
{
    return (struct bzip2_stage *)d;
}

static void *bzip2_alloc(void *opaque, int items, int size)
{
    (void)opaque;
    return items < 0 || size < 0 ? NULL : compress_alloc((size_t)items * (size_t)size);
}

static void bzip2_free(void *opaque, void *p)
{
    (void)opaque;
    compress_free(p);
}

static void bzip2_stop(struct decoder *d)
{
    struct bzip2_stage *bz = of(d);
    if (bz->live)
        BZ2_bzDecompressEnd(&bz->b);
    bz->live = false;
}

static int bzip2_why(struct decoder *d, int r)
{
    char have[24];
    switch (r) {
    case BZ_DATA_ERROR_MAGIC: np_snprintf(d->why, sizeof(d->why), "not a bzip2 stream"); break;
    case BZ_DATA_ERROR: np_snprintf(d->why, sizeof(d->why), "corrupt data (a CRC or a block does not check)"); break;
    case BZ_MEM_ERROR:
        decoder_size(have, sizeof(have), compress_avail());
        np_snprintf(d->why, sizeof(d->why), "out of memory (%s free)", have);
        break;
    default: np_snprintf(d->why, sizeof(d->why), "libbz2 error %d", r); break;
    }
    return -1;
}

/* (Re)opens libbz2 for the stream that starts next: verbosity 0, small 0 (the fast decoder). */
static int bzip2_open(struct decoder *d)
{
    struct bzip2_stage *bz = of(d);
    bzip2_stop(d);
    NP_STRFN(memset)(&bz->b, 0, sizeof(bz->b));
    bz->b.bzalloc = bzip2_alloc;
    bz->b.bzfree = bzip2_free;
    bz->stream_end = false;
    int r = BZ2_bzDecompressInit(&bz->b, 0, 0);
    if (r != BZ_OK)
        return bzip2_why(d, r);
    bz->live = true;
    return 0;
}

static int bzip2_step(struct decoder *d, const uint8_t *in, size_t in_len, size_t *used, uint8_t *out,
                      size_t out_len, size_t *made, bool finish)
{
    struct bzip2_stage *bz = of(d);
    (void)finish;   /* a stream's end is in its own bytes */
    if (bz->stream_end) {
        if (!in_len)
            return 1;
        if (bzip2_open(d))     /* more after a stream's end: the next stream, or an error */
            return -1;
    }
    bz->b.next_in = (char *)in;
    bz->b.avail_in = in_len > UINT32_MAX ? UINT32_MAX : (unsigned)in_len;
    bz->b.next_out = (char *)out;
    bz->b.avail_out = out_len > UINT32_MAX ? UINT32_MAX : (unsigned)out_len;
    unsigned in0 = bz->b.avail_in, out0 = bz->b.avail_out;
    int r = BZ2_bzDecompress(&bz->b);
    *used = in0 - bz->b.avail_in;
    *made = out0 - bz->b.avail_out;
    if (r == BZ_STREAM_END)
        bz->stream_end = true;
    else if (r != BZ_OK)
        return bzip2_why(d, r);
    return bz->stream_end;
}

static const struct decoder_ops bzip2_ops = {
    .name = "bzip2",
    .start = bzip2_open,
    .step = bzip2_step,
    .stop = bzip2_stop,
};

void bzip2_stage_init(struct bzip2_stage *bz, struct stage *next, struct stage_error *err,
                      void (*release)(size_t len))
{
    NP_STRFN(memset)(bz, 0, sizeof(*bz));
    decoder_init(&bz->dec, &bzip2_ops, next, err, release);
}
