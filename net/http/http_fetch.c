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
