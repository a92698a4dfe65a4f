#include "install/decoder.h"

#include "compress/alloc.h"
#include "kernel/printf.h"
#include "kernel/string.h"

static struct decoder *of(struct stage *s)
{
    return (struct decoder *)s;
}

static int lib_fail(struct decoder *d)
{
    return stage_fail(&d->st, NP_EXIT_FORMAT, "%s: %s (at byte %llu of the download)",
                      d->ops->name, d->why, (unsigned long long)d->in_pos);
}

static int decoder_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    struct decoder *d = of(s);
    (void)total;    /* the compressed length says nothing about the image's */
    if (offset && offset != d->in_pos)
        return stage_fail(s, NP_EXIT_HTTP, "%s: input resumed at byte %llu, not at %llu", d->ops->name,
                          (unsigned long long)offset, (unsigned long long)d->in_pos);
    if (!offset) {
        d->ops->stop(d);
        d->in_pos = d->out_pos = 0;
        d->whole = false;
        d->why[0] = '\0';
        if (!d->out && !(d->out = compress_alloc(DECODER_OUT_BYTES)))
            return stage_fail(s, NP_EXIT_FORMAT, "%s: no memory for the output buffer", d->ops->name);
        if (d->ops->start(d))
            return lib_fail(d);
    }
    /* A resume goes on where the image stopped: the library holds everything in between. */
    return stage_begin(s->next, d->out_pos, STAGE_LEN_UNKNOWN);
}

/*
 * Runs the library until it took all of in and has no output left to give. Every turn either
 * consumes input or fills output, which the next stage takes: the loop is bounded by the
 * input and what it decodes to; a turn that does neither ends it.
 */
static int run(struct decoder *d, const uint8_t *in, size_t len, bool finish)
{
    for (;;) {
        size_t used = 0, made = 0;
        int r = d->ops->step(d, in, len, &used, d->out, DECODER_OUT_BYTES, &made, finish);
        d->in_pos += used;
        if (r < 0)
            return lib_fail(d);
        d->whole = r == 1;
        if (used) {     /* at the end in is NULL: no pointer arithmetic on it */
            in += used, len -= used;
            d->release(used);
        }
        if (made) {
            d->out_pos += made;
            if (stage_write(d->st.next, d->out, made))
                return -1;
        }
        if (made == DECODER_OUT_BYTES)
            continue;   /* there may be more output waiting */
        if (!len)
            return 0;
        if (!used && !made) {
            np_snprintf(d->why, sizeof(d->why), "the decoder stopped taking input");
            return lib_fail(d);
        }
    }
}

static int decoder_write(struct stage *s, const uint8_t *p, size_t len)
{
    return run(of(s), p, len, false);
}

/* The input is complete: what the library still holds goes out, and the stream must be whole. */
static int decoder_end(struct stage *s)
{
    struct decoder *d = of(s);
    if (run(d, NULL, 0, true))
        return -1;
    if (!d->whole)
        return stage_fail(s, NP_EXIT_FORMAT,
                          "%s: the stream ends early, after %llu bytes (truncated)",
                          d->ops->name, (unsigned long long)d->in_pos);
    d->ops->stop(d);
    return stage_end(s->next);
}

static const struct stage_ops decoder_stage_ops = {
    .name = "decoder",
    .begin = decoder_begin,
    .write = decoder_write,
    .end = decoder_end,
};

void decoder_init(struct decoder *d, const struct decoder_ops *ops, struct stage *next,
                  struct stage_error *err, void (*release)(size_t len))
{
    d->st = (struct stage){ &decoder_stage_ops, next, err };
    d->ops = ops;
    d->release = release;
    d->in_pos = d->out_pos = 0;
    d->whole = false;
    d->out = NULL;
    d->why[0] = '\0';
}

void decoder_size(char *buf, size_t size, uint64_t bytes)
{
    if (bytes >= (1u << 20))
        np_snprintf(buf, size, "%llu MiB", (unsigned long long)((bytes + (1u << 20) - 1) >> 20));
    else
        np_snprintf(buf, size, "%llu KiB", (unsigned long long)((bytes + 1023) >> 10));
}
