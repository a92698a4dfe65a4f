#include "install/dec_xz.h"

#include "compress/alloc.h"
#include "kernel/printf.h"
#include "kernel/string.h"

static struct xz_stage *of(struct decoder *d)
{
    return (struct xz_stage *)d;
}

static void *xz_alloc(void *opaque, size_t n, size_t size)
{
    (void)opaque;
    return size && n > SIZE_MAX / size ? NULL : compress_alloc(n * size);
}

static void xz_free(void *opaque, void *p)
{
    (void)opaque;
    compress_free(p);
}

static void xz_stop(struct decoder *d)
{
    struct xz_stage *x = of(d);
    if (x->live)
        lzma_end(&x->s);
    x->live = false;
}

static int xz_start(struct decoder *d)
{
    struct xz_stage *x = of(d);
    const lzma_stream init = LZMA_STREAM_INIT;
    x->s = init;
    x->alloc = (lzma_allocator){ xz_alloc, xz_free, NULL };
    x->s.allocator = &x->alloc;
    /* The memory limit is what there is: liblzma refuses a block that declares more. */
    lzma_ret r = lzma_stream_decoder(&x->s, compress_avail(), LZMA_CONCATENATED);
    if (r != LZMA_OK)
        return np_snprintf(d->why, sizeof(d->why), "cannot start the decoder (liblzma error %d)", (int)r), -1;
    x->live = true;
    return 0;
}

static int xz_why(struct decoder *d, lzma_ret r)
{
    struct xz_stage *x = of(d);
    char need[24], have[24];
    switch (r) {
    case LZMA_MEMLIMIT_ERROR:
        decoder_size(need, sizeof(need), lzma_memusage(&x->s));
        decoder_size(have, sizeof(have), lzma_memlimit_get(&x->s));
        np_snprintf(d->why, sizeof(d->why), "the stream needs %s of memory to decode (its dictionary), "
                    "and there are %s%s", need, have, d->out_pos ? "" : "; nothing of it was written");
        break;
    case LZMA_MEM_ERROR:
        decoder_size(have, sizeof(have), compress_avail());
        np_snprintf(d->why, sizeof(d->why), "out of memory (%s free)", have);
        break;
    case LZMA_FORMAT_ERROR: np_snprintf(d->why, sizeof(d->why), "not an xz stream"); break;
    case LZMA_OPTIONS_ERROR:
        np_snprintf(d->why, sizeof(d->why), "unsupported options (netplant decodes LZMA2 with BCJ and delta filters)");
        break;
    case LZMA_DATA_ERROR: np_snprintf(d->why, sizeof(d->why), "corrupt data"); break;
    case LZMA_BUF_ERROR: np_snprintf(d->why, sizeof(d->why), "the stream ends early (truncated)"); break;
    default: np_snprintf(d->why, sizeof(d->why), "liblzma error %d", (int)r); break;
    }
    return -1;
}

static int xz_step(struct decoder *d, const uint8_t *in, size_t in_len, size_t *used, uint8_t *out,
                   size_t out_len, size_t *made, bool finish)
{
    struct xz_stage *x = of(d);
    x->s.next_in = in;
    x->s.avail_in = in_len;
    x->s.next_out = out;
    x->s.avail_out = out_len;
    /* With LZMA_CONCATENATED only LZMA_FINISH tells liblzma the last stream was the last. */
    lzma_ret r = lzma_code(&x->s, finish ? LZMA_FINISH : LZMA_RUN);
    *used = in_len - x->s.avail_in;
    *made = out_len - x->s.avail_out;
    if (r == LZMA_STREAM_END)
        return 1;
    if (r == LZMA_OK)
        return 0;
    if (r == LZMA_BUF_ERROR && finish)
        return 0;   /* no progress at the end: the stream is not whole, and end says so */
    return xz_why(d, r);
}

static const struct decoder_ops xz_ops = {
    .name = "xz",
    .start = xz_start,
    .step = xz_step,
    .stop = xz_stop,
};

void xz_stage_init(struct xz_stage *x, struct stage *next, struct stage_error *err,
                   void (*release)(size_t len))
{
    NP_STRFN(memset)(x, 0, sizeof(*x));
    decoder_init(&x->dec, &xz_ops, next, err, release);
}
