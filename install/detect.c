#include "install/detect.h"

#include "kernel/console.h"
#include "kernel/string.h"

static struct detect_stage *of(struct stage *s)
{
    return (struct detect_stage *)s;
}

/* The format is known: the chosen stage begins, and gets what was held back. */
static int decide(struct detect_stage *d, enum format f)
{
    if (!d->to[f])
        return stage_fail(&d->st, NP_EXIT_FORMAT, "the image is %s, which this build cannot decode", format_name(f));
    d->got = f;
    d->st.next = d->to[f];
    log_info("install: format %s (%s)\n", format_name(f), d->want == FORMAT_AUTO ? "by its magic bytes" : "as format= says");
    if (stage_begin(d->st.next, 0, d->total))
        return -1;
    size_t n = d->nhead;
    d->nhead = 0;
    return n ? stage_write(d->st.next, d->head, n) : 0;
}

static int detect_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    struct detect_stage *d = of(s);
    if (offset && offset != d->pos)
        return stage_fail(s, NP_EXIT_HTTP, "detect: input resumed at byte %llu, not at %llu",
                          (unsigned long long)offset, (unsigned long long)d->pos);
    d->total = total;
    if (offset)     /* a resume: on to the stage chosen, or still collecting the magic */
        return d->got == FORMAT_UNSURE ? 0 : stage_begin(s->next, offset, total);
    d->got = FORMAT_UNSURE;
    d->st.next = NULL;
    d->nhead = 0;
    d->pos = 0;
    return d->want == FORMAT_AUTO ? 0 : decide(d, d->want);
}

static int detect_write(struct stage *s, const uint8_t *p, size_t len)
{
    struct detect_stage *d = of(s);
    d->pos += len;
    if (d->got != FORMAT_UNSURE)
        return stage_write(s->next, p, len);
    size_t n = sizeof(d->head) - d->nhead < len ? sizeof(d->head) - d->nhead : len;
    NP_STRFN(memcpy)(d->head + d->nhead, p, n);
    d->nhead += n;
    enum format f = format_detect(d->head, d->nhead, false);
    if (f == FORMAT_UNSURE && d->nhead < sizeof(d->head))
        return 0;   /* all of it is held; the next bytes decide */
    if (decide(d, f == FORMAT_UNSURE ? FORMAT_RAW : f))
        return -1;
    return len > n ? stage_write(s->next, p + n, len - n) : 0;
}

/* A stream shorter than the longest magic: decided on what there is. */
static int detect_end(struct stage *s)
{
    struct detect_stage *d = of(s);
    if (d->got == FORMAT_UNSURE && decide(d, format_detect(d->head, d->nhead, true)))
        return -1;
    return stage_end(s->next);
}

static const struct stage_ops detect_ops = {
    .name = "detect",
    .begin = detect_begin,
    .write = detect_write,
    .end = detect_end,
};

void detect_stage_init(struct detect_stage *d, struct stage *const to[FORMAT_COUNT], struct stage_error *err,
                       enum format want)
{
    NP_STRFN(memset)(d, 0, sizeof(*d));
    d->st = (struct stage){ &detect_ops, NULL, err };
    for (unsigned f = 0; f < FORMAT_COUNT; f++)
        d->to[f] = to[f];
    d->want = want;
    d->got = FORMAT_UNSURE;
    d->total = STAGE_LEN_UNKNOWN;
}
