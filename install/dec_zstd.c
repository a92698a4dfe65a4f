#include "install/dec_zstd.h"

#define ZSTD_STATIC_LINKING_ONLY    /* ZSTD_createDStream_advanced: our allocator */
#include "compress/alloc.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "zstd.h"
#include "zstd_errors.h"

static struct zstd_stage *of(struct decoder *d)
{
    return (struct zstd_stage *)d;
}

static void zstd_stop(struct decoder *d)
{
    struct zstd_stage *zs = of(d);
    ZSTD_freeDStream(zs->z);    /* NULL is fine */
    zs->z = NULL;
}

static int zstd_start(struct decoder *d)
{
    struct zstd_stage *zs = of(d);
    const ZSTD_customMem mem = { compress_alloc_cb, compress_free_cb, NULL };
    zs->frame_end = false;
    zs->in_header = true;
    zs->hlen = 0;
    zs->z = ZSTD_createDStream_advanced(mem);
    if (!zs->z)
        return np_snprintf(d->why, sizeof(d->why), "no memory for the decoder"), -1;
    /* The frame header says how large a window it needs; memory decides, not a preset cap. */
    size_t r = ZSTD_DCtx_setParameter(zs->z, ZSTD_d_windowLogMax, ZSTD_WINDOWLOG_MAX);
    if (ZSTD_isError(r))
        return np_snprintf(d->why, sizeof(d->why), "%s", ZSTD_getErrorName(r)), -1;
    return 0;
}

/*
 * Collects the next frame's header from in into hdr, as far as ZSTD_getFrameHeader asks
 * (5 bytes, then the header's own length, at most 18): 2 when it is whole (in *fh), 1 when
 * it is not a frame header at all (the library then says what is wrong with it), 0 when it
 * needs more input.
 */
static int zstd_collect(struct zstd_stage *zs, ZSTD_frameHeader *fh, const uint8_t *in, size_t in_len,
                        size_t *used)
{
    *used = 0;
    for (;;) {      /* each turn grows hlen or returns: at most three turns */
        size_t need = ZSTD_getFrameHeader(fh, zs->hdr, zs->hlen);
        if (need == 0)
            return 2;
        if (ZSTD_isError(need) || need > sizeof(zs->hdr))
            return 1;
        size_t n = need - zs->hlen < in_len - *used ? need - zs->hlen : in_len - *used;
        if (!n)
            return 0;
        NP_STRFN(memcpy)(zs->hdr + zs->hlen, in + *used, n);
        zs->hlen += n, *used += n;
    }
}

/*
 * A whole frame header, before the library allocates for it: its window must fit in the
 * memory there is (what is free and what the decoder holds now, which it gives back first),
 * and its content size, when declared, must fit where the image goes.
 */
static int zstd_check_frame(struct zstd_stage *zs, const ZSTD_frameHeader *fh)
{
    struct decoder *d = &zs->dec;
    if (fh->frameType == ZSTD_skippableFrame)
        return 0;
    uint64_t window = fh->windowSize;
    uint64_t block = window < ZSTD_BLOCKSIZE_MAX ? window : ZSTD_BLOCKSIZE_MAX;
    uint64_t need = ZSTD_estimateDCtxSize() + block + ZSTD_decodingBufferSize_min(window, fh->frameContentSize);
    uint64_t have = compress_avail() + ZSTD_sizeof_DStream(zs->z);
    if (need > have) {
        char n[24], h[24], w[24];
        decoder_size(n, sizeof(n), need);
        decoder_size(h, sizeof(h), have);
        decoder_size(w, sizeof(w), window);
        np_snprintf(d->why, sizeof(d->why), "the frame needs %s of memory to decode (its window is %s), and "
                    "there are %s%s", n, w, h, d->out_pos ? "" : "; nothing of it was written");
        return -1;
    }
    if (fh->frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN &&
        stage_declare(d->st.next, d->out_pos + fh->frameContentSize, "as its zstd frame header declares"))
        return -1;
    return 0;
}

/* The frame header goes to the library once checked; it takes all of it and makes nothing. */
static int zstd_header(struct zstd_stage *zs, const uint8_t *in, size_t in_len, size_t *used)
{
    struct decoder *d = &zs->dec;
    ZSTD_frameHeader fh;
    int got = zstd_collect(zs, &fh, in, in_len, used);
    if (!got)
        return 0;
    if (got == 2 && zstd_check_frame(zs, &fh))
        return -1;
    ZSTD_inBuffer i = { zs->hdr, zs->hlen, 0 };
    ZSTD_outBuffer o = { NULL, 0, 0 };
    size_t r = ZSTD_decompressStream(zs->z, &o, &i);
    zs->in_header = false;
    zs->hlen = 0;
    if (ZSTD_isError(r))
        return np_snprintf(d->why, sizeof(d->why), "%s", ZSTD_getErrorName(r)), -1;
    if (i.pos != i.size)
        return np_snprintf(d->why, sizeof(d->why), "the frame header was not taken whole"), -1;
    return 0;
}

static int zstd_step(struct decoder *d, const uint8_t *in, size_t in_len, size_t *used, uint8_t *out,
                     size_t out_len, size_t *made, bool finish)
{
    struct zstd_stage *zs = of(d);
    (void)finish;   /* a frame's end is in its own bytes */
    if (zs->frame_end && !in_len)
        return 1;   /* between frames: nothing held back */
    size_t taken = 0;
    *made = 0;
    if (zs->in_header) {
        int err = zstd_header(zs, in, in_len, &taken);
        *used = taken;
        if (err)
            return -1;
        zs->frame_end = false;
        if (zs->in_header || taken == in_len)
            return 0;   /* the header is not whole yet, or nothing follows it in this input */
        in += taken, in_len -= taken;   /* the frame's first bytes go on in this turn */
    }
    ZSTD_inBuffer i = { in, in_len, 0 };
    ZSTD_outBuffer o = { out, out_len, 0 };
    size_t r = ZSTD_decompressStream(zs->z, &o, &i);
    *used = taken + i.pos;
    *made = o.pos;
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation) {
            char avail[24];
            decoder_size(avail, sizeof(avail), compress_avail());
            return np_snprintf(d->why, sizeof(d->why), "the frame's window does not fit in memory (%s free)",
                               avail), -1;
        }
        return np_snprintf(d->why, sizeof(d->why), "%s", ZSTD_getErrorName(r)), -1;
    }
    zs->frame_end = r == 0;     /* 0: a frame is decoded and flushed in full */
    zs->in_header = zs->frame_end;
    return zs->frame_end;
}

static const struct decoder_ops zstd_ops = {    .name = "zstd",
    .start = zstd_start,
    .step = zstd_step,
    .stop = zstd_stop,
};

void zstd_stage_init(struct zstd_stage *zs, struct stage *next, struct stage_error *err,
                     void (*release)(size_t len))
{
    NP_STRFN(memset)(zs, 0, sizeof(*zs));
    decoder_init(&zs->dec, &zstd_ops, next, err, release);
}
