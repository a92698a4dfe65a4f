#include "install/source_http.h"

static struct {
    struct stage *first;
    int (*pump)(void *ctx);
    void *ctx;
} src;

static int src_begin(void *ctx, uint64_t offset, uint64_t total)
{
    (void)ctx;
    return stage_begin(src.first, offset, total);
}

static int src_data(void *ctx, const uint8_t *p, size_t len, const char **why)
{
    (void)ctx;
    if (stage_write(src.first, p, len) == 0)
        return 0;
    *why = src.first->err->msg;
    return -1;
}

static int src_pump(void *ctx, const char **why)
{
    (void)ctx;
    if (src.pump(src.ctx) == 0)
        return 0;
    *why = src.first->err->msg;
    return -1;
}

void source_http_run(const char *url, const struct http_get_opts *o, struct stage *first,
                     int (*pump)(void *ctx), void *ctx, struct http_get_result *res)
{
    const struct http_sink sink = { src_begin, src_data, src_pump, NULL };
    src.first = first;
    src.pump = pump;
    src.ctx = ctx;
    http_get(url, o, &sink, res);
}
