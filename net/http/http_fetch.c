#include "net/http/http_fetch.h"

#include "arch/x86_64/arch.h"
#include "kernel/console.h"
#include "kernel/urlmask.h"
#include "kernel/string.h"
#include "net/http/http_get.h"

#define FETCH_RETRIES   3
#define FETCH_IDLE_MS   10000
#define POST_RETRIES    4

static struct {
    char *buf;
    size_t cap, len;
} f;

static int fetch_begin(void *ctx, uint64_t offset, uint64_t total)
{
    (void)ctx;
    (void)total;
    f.len = (size_t)offset < f.len ? (size_t)offset : f.len;   /* a restart from 0 empties it */
    return 0;
}

static int fetch_data(void *ctx, const uint8_t *p, size_t len, const char **why)
{
    (void)ctx;
    if (len >= f.cap - f.len) {
        *why = "the file is larger than netplant takes";
        log_err("error: http: the file is larger than the %zu bytes netplant takes\n", f.cap - 1);
        return -1;
    }
    NP_STRFN(memcpy)(f.buf + f.len, p, len);
    f.len += len;
    http_get_release(len);      /* copied: TCP may send more at once */
    return 0;
}

static int fetch_pump(void *ctx, const char **why)
{
    (void)ctx;
    (void)why;
    return 0;
}

enum np_exit http_fetch(const char *url, char *buf, size_t cap, size_t *len)
{
    static const struct http_sink sink = { fetch_begin, fetch_data, fetch_pump, NULL };
    /* No hash protects a config file: one without validators is fetched again from byte 0. */
    const struct http_get_opts o = { .retries = FETCH_RETRIES, .idle_ms = FETCH_IDLE_MS, .max_redirects = 8 };
    struct http_get_result res;
    f.buf = buf;
    f.cap = cap;
    f.len = 0;
    http_get(url, &o, &sink, &res);
    buf[f.len] = '\0';
    *len = f.len;
    return res.status == NP_EXIT_DISK ? NP_EXIT_USAGE : res.status;    /* "disk": our sink refused */
}

static struct {
    uint64_t start;     /* file offset of buf[0] */
    uint8_t *buf;
    size_t len, got;
} rng;

static int range_begin(void *ctx, uint64_t offset, uint64_t total)
{
    (void)ctx;
    (void)total;
    return offset == rng.start + rng.got ? 0 : -1;     /* only the bytes asked for will do */
}

/* Takes what it asked for, then stops the response: the rest of the file is not needed. */
static int range_data(void *ctx, const uint8_t *p, size_t len, const char **why)
{
    (void)ctx;
    size_t n = len < rng.len - rng.got ? len : rng.len - rng.got;
    NP_STRFN(memcpy)(rng.buf + rng.got, p, n);
    rng.got += n;
    http_get_release(len);
    *why = "";
    return rng.got == rng.len ? -1 : 0;
}

enum np_exit http_fetch_range(const char *url, const struct http_get_opts *base, uint64_t off, void *buf,
                              size_t len, bool *no_range)
{
    static const struct http_sink sink = { range_begin, range_data, fetch_pump, NULL };
    struct http_get_opts o = *base;
    struct http_get_result res;
    rng.start = off;
    rng.buf = buf;
    rng.len = len;
    rng.got = 0;
    o.retries = FETCH_RETRIES;  /* a break resumes at the byte reached, as any download */
    o.body = NULL;
    o.start = off;
    http_get(url, &o, &sink, &res);
    *no_range = res.no_range;
    if (rng.got == len)
        return NP_EXIT_OK;      /* (the sink stopped the response: that is the way it ends) */
    if (res.no_range)
        return NP_EXIT_HTTP;
    if (res.status == NP_EXIT_OK) {
        log_err("error: http: the file ends before byte %llu\n", (unsigned long long)(off + len));
        return NP_EXIT_SHORT;
    }
    if (res.status == NP_EXIT_DISK) {
        log_err("error: http: bytes %llu to %llu: the server sent another part of the file\n",
                (unsigned long long)off, (unsigned long long)(off + len - 1));
        return NP_EXIT_HTTP;
    }
    return res.status;      /* http_get printed why */
}

static struct {
    uint64_t deadline_ms;
} post;

static int post_begin(void *ctx, uint64_t offset, uint64_t total)
{
    (void)ctx, (void)offset, (void)total;
    return 0;
}

static int post_data(void *ctx, const uint8_t *p, size_t len, const char **why)
{
    (void)ctx, (void)p, (void)why;
    http_get_release(len);      /* the answer's body is not needed */
    return 0;
}

/* The only bound on every wait inside http_get, connection and backoff alike: the deadline. */
static int post_pump(void *ctx, const char **why)
{
    (void)ctx;
    if (clock_ms() < post.deadline_ms)
        return 0;
    *why = "no answer before the deadline";
    return -1;
}

enum np_exit http_post_json(const char *url, const char *body, uint32_t deadline_ms)
{
    static const struct http_sink sink = { post_begin, post_data, post_pump, NULL };
    struct http_get_opts o = { .retries = POST_RETRIES,
                               .idle_ms = deadline_ms < FETCH_IDLE_MS ? deadline_ms : FETCH_IDLE_MS,
                               .max_redirects = 2, .body = body, .body_len = NP_STRFN(strlen)(body) };
    struct http_get_result res;
    post.deadline_ms = clock_ms() + deadline_ms;
    http_get(url, &o, &sink, &res);
    if (res.status == NP_EXIT_DISK)    /* our pump stopped it: the deadline */
        log_warn("http: POST %s: no answer within %u ms; going on\n", urlmask_str(url), (unsigned)deadline_ms);
    return res.status == NP_EXIT_DISK ? NP_EXIT_CONNECT : res.status;
}
