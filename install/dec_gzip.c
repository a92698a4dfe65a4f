#include "install/dec_gzip.h"

#include "compress/zlib_alloc.h"
#include "kernel/printf.h"
#include "kernel/string.h"

#define GZIP_WINDOW_BITS    (16 + 15)   /* 16: gzip wrapper only; 15: the largest window */

static struct gzip_stage *of(struct decoder *d)
{
    return (struct gzip_stage *)d;
}

static void gzip_stop(struct decoder *d)
{
    struct gzip_stage *g = of(d);
    if (g->live)
        inflateEnd(&g->z);
    g->live = false;
}

static int gzip_why(struct decoder *d, int r, const char *msg)
{
    np_snprintf(d->why, sizeof(d->why), "%s", msg ? msg : r == Z_MEM_ERROR ? "out of memory" : "zlib error");
    return -1;
}

static int gzip_start(struct decoder *d)
{
    struct gzip_stage *g = of(d);
    NP_STRFN(memset)(&g->z, 0, sizeof(g->z));
    g->z.zalloc = compress_zalloc;
    g->z.zfree = compress_zfree;
    g->member_end = false;
    int r = inflateInit2(&g->z, GZIP_WINDOW_BITS);
    if (r != Z_OK)
        return gzip_why(d, r, g->z.msg);
    g->live = true;
    return 0;
}

static int gzip_step(struct decoder *d, const uint8_t *in, size_t in_len, size_t *used, uint8_t *out,
                     size_t out_len, size_t *made, bool finish)
{
    struct gzip_stage *g = of(d);
    (void)finish;   /* inflate needs no flush: a member's end is in its own bytes */
    if (g->member_end) {
        if (!in_len)
            return 1;
        /* More after a member's trailer: the next member (RFC 1952 2.2), or an error. */
        inflateReset(&g->z);
        g->member_end = false;
    }
    g->z.next_in = (Bytef *)in;
    g->z.avail_in = in_len > UINT32_MAX ? UINT32_MAX : (uInt)in_len;
    g->z.next_out = out;
    g->z.avail_out = out_len > UINT32_MAX ? UINT32_MAX : (uInt)out_len;
    uInt in0 = g->z.avail_in, out0 = g->z.avail_out;
    int r = inflate(&g->z, Z_NO_FLUSH);
    *used = in0 - g->z.avail_in;
    *made = out0 - g->z.avail_out;
    switch (r) {
    case Z_STREAM_END:
        g->member_end = true;
        return 1;
    case Z_OK:
    case Z_BUF_ERROR:   /* no progress possible now: it needs more input (or output room) */
        return 0;
    case Z_NEED_DICT:
        return gzip_why(d, r, "the stream needs a preset dictionary");
    default:
        return gzip_why(d, r, g->z.msg);
    }
}

static const struct decoder_ops gzip_ops = {
    .name = "gzip",
    .start = gzip_start,
    .step = gzip_step,
    .stop = gzip_stop,
};

void gzip_stage_init(struct gzip_stage *g, struct stage *next, struct stage_error *err,
                     void (*release)(size_t len))
{
    NP_STRFN(memset)(g, 0, sizeof(*g));
    decoder_init(&g->dec, &gzip_ops, next, err, release);
}
