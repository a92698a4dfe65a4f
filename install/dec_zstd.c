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

static void *zstd_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return compress_alloc(size);
}

static void zstd_free(void *opaque, void *p)
{
    (void)opaque;
    compress_free(p);
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
    const ZSTD_customMem mem = { zstd_alloc, zstd_free, NULL };
    zs->frame_end = false;
    zs->z = ZSTD_createDStream_advanced(mem);
    if (!zs->z)
        return np_snprintf(d->why, sizeof(d->why), "no memory for the decoder"), -1;
    /* The frame header says how large a window it needs; memory decides, not a preset cap. */
    size_t r = ZSTD_DCtx_setParameter(zs->z, ZSTD_d_windowLogMax, ZSTD_WINDOWLOG_MAX);
    if (ZSTD_isError(r))
        return np_snprintf(d->why, sizeof(d->why), "%s", ZSTD_getErrorName(r)), -1;
    return 0;
}

static int zstd_step(struct decoder *d, const uint8_t *in, size_t in_len, size_t *used, uint8_t *out,
                     size_t out_len, size_t *made, bool finish)
{
    struct zstd_stage *zs = of(d);
    (void)finish;   /* a frame's end is in its own bytes */
    if (zs->frame_end && !in_len)
        return 1;   /* between frames: nothing held back */
    ZSTD_inBuffer i = { in, in_len, 0 };
    ZSTD_outBuffer o = { out, out_len, 0 };
    size_t r = ZSTD_decompressStream(zs->z, &o, &i);
    *used = i.pos;
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
    return zs->frame_end;
}

static const struct decoder_ops zstd_ops = {
    .name = "zstd",
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
