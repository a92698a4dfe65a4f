/*
 * net/http/http_resp.c over http-parser: status, lengths, chunked bodies, the headers a
 * download keeps, keep-alive, the end of a response, garbage. Every sample is also fed byte
 * by byte and in random splits and must parse exactly as in one piece.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/errno.h"
#include "net/http/http_resp.h"
#include "tests/unit/fakephys.h"
#include "tests/unit/test.h"
#include "tests/unit_http/http_samples.h"

#define BODY_MAX 65536

/* What the body callback saw. */
struct sink {
    uint8_t data[BODY_MAX];
    size_t len;
    unsigned calls;
    size_t stop_at;         /* refuse once this many bytes arrived (0: never) */
};

static int sink_body(void *ctx, const uint8_t *p, size_t len)
{
    struct sink *s = ctx;
    s->calls++;
    if (s->len + len > BODY_MAX)
        return -1;
    memcpy(s->data + s->len, p, len);
    s->len += len;
    return s->stop_at && s->len >= s->stop_at;
}

struct run {
    struct http_resp r;
    struct sink s;
    size_t consumed;
};

/*
 * Feeds msg[0, len) cut at the given points (increasing, inside (0, len)), each piece from a
 * guarded copy so that a read past it faults; stops at the first piece not taken whole. No
 * empty piece is fed: to http-parser, zero bytes mean the connection closed.
 */
static void feed_cuts(struct run *u, const void *msg, size_t len, const size_t *cuts, size_t ncuts,
                      bool eof)
{
    memset(u, 0, sizeof(*u));
    http_resp_init(&u->r, sink_body, &u->s);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        size_t n = end - at;
        if (!n)
            continue;
        uint8_t *piece = guard_copy((const uint8_t *)msg + at, n);
        size_t took = http_resp_feed(&u->r, piece, n);
        guard_free(piece, n);
        CHECK(took <= n);
        u->consumed += took;
        at = end;
        if (took < n)
            break;
    }
    if (eof)
        http_resp_eof(&u->r);
}

static void feed_whole(struct run *u, const void *msg, size_t len, bool eof)
{
    feed_cuts(u, msg, len, NULL, 0, eof);
}

/* Two parses of the same bytes agree on everything the download looks at. */
static bool same_parse(const struct run *a, const struct run *b)
{
    const struct http_resp *x = &a->r, *y = &b->r;
    bool ok = x->status == y->status && x->content_length == y->content_length &&
              x->chunked == y->chunked && x->keep_alive == y->keep_alive &&
              x->headers_done == y->headers_done && x->complete == y->complete &&
              x->failed == y->failed && x->has_range == y->has_range &&
              strcmp(x->location, y->location) == 0 && strcmp(x->etag, y->etag) == 0 &&
              strcmp(x->last_modified, y->last_modified) == 0 && strcmp(x->range, y->range) == 0 &&
              a->consumed == b->consumed;
    if (x->has_range && y->has_range)
        ok &= x->range_start == y->range_start && x->range_end == y->range_end &&
              x->range_total == y->range_total;
    if (!x->failed && !y->failed)
        ok &= a->s.len == b->s.len && memcmp(a->s.data, b->s.data, a->s.len) == 0 &&
              x->body_bytes == y->body_bytes;
    return ok;
}

/* msg parses the same whole, byte by byte, and in random splits (fixed seeds). */
static void check_splits(const char *name, const void *msg, size_t len, bool eof)
{
    static struct run whole, split;
    static size_t cuts[BODY_MAX];
    feed_whole(&whole, msg, len, eof);

    for (size_t i = 1; i < len; i++)
        cuts[i - 1] = i;
    feed_cuts(&split, msg, len, cuts, len ? len - 1 : 0, eof);
    if (!CHECK(same_parse(&whole, &split)))
        fprintf(stderr, "  %s: byte by byte differs from one piece\n", name);

    test_seed(0x5EED0000u + len);
    int rounds = len > 4000 ? 40 : 200;     /* each piece is an mmap: keep the big ones brief */
    for (int round = 0; round < rounds; round++) {
        size_t n = 0;
        for (size_t i = 1; i < len; i++)
            if (test_rand_below(round % 3 == 0 ? 4 : 40) == 0)
                cuts[n++] = i;
        feed_cuts(&split, msg, len, cuts, n, eof);
        if (!CHECK(same_parse(&whole, &split))) {
            fprintf(stderr, "  %s: split round %d (%zu cuts) differs\n", name, round, n);
            return;
        }
    }
}

static size_t build_200(char *buf, size_t cap, const char *extra, size_t extra_len)
{
    size_t h = strlen(RESP_200_HEAD);
    if (h + 1000 + extra_len > cap)
        abort();
    memcpy(buf, RESP_200_HEAD, h);
    for (size_t i = 0; i < 1000; i++)
        buf[h + i] = (char)(i * 7 + 3);
    memcpy(buf + h + 1000, extra, extra_len);
    return h + 1000 + extra_len;
}

static bool body_is_200(const struct sink *s)
{
    if (s->len != 1000)
        return false;
    for (size_t i = 0; i < 1000; i++)
        if (s->data[i] != (uint8_t)(i * 7 + 3))
            return false;
    return true;
}

static void test_200(void)
{
    static char buf[4096];
    static struct run u;
    const char next[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    size_t len = build_200(buf, sizeof(buf), next, strlen(next));
    size_t first = len - strlen(next);

    feed_whole(&u, buf, len, false);
    CHECK(!u.r.failed);
    CHECK(u.r.complete);
    CHECK(u.r.headers_done);
    CHECK_EQ_I64(u.r.status, 200);
    CHECK_EQ_U64(u.r.content_length, 1000);
    CHECK(!u.r.chunked);
    CHECK(u.r.keep_alive);
    CHECK(body_is_200(&u.s));
    CHECK_EQ_U64(u.r.body_bytes, 1000);
    CHECK_STR(u.r.etag, "\"65e6ed60-3e8\"");
    CHECK_STR(u.r.last_modified, "Tue, 05 Mar 2024 10:00:00 GMT");
    CHECK_STR(u.r.location, "");
    CHECK(!u.r.has_range);
    CHECK(u.r.error == NULL);
    /* the next response's bytes are left alone, and so is anything fed later */
    CHECK_EQ_U64(u.consumed, first);
    CHECK_EQ_U64(http_resp_feed(&u.r, (const uint8_t *)next, strlen(next)), 0);
    http_resp_eof(&u.r);
    CHECK(u.r.complete && !u.r.failed);

    check_splits("200", buf, len, false);
    check_splits("200+eof", buf, first, true);
}

static void test_206(void)
{
    static char buf[4096];
    static struct run u;
    size_t h = strlen(RESP_206_HEAD);
    memcpy(buf, RESP_206_HEAD, h);
    memset(buf + h, 'z', 400);
    feed_whole(&u, buf, h + 400, false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_I64(u.r.status, 206);
    CHECK_EQ_U64(u.r.content_length, 400);
    CHECK(u.r.has_range);
    CHECK_EQ_U64(u.r.range_start, 600);
    CHECK_EQ_U64(u.r.range_end, 999);
    CHECK_EQ_U64(u.r.range_total, 1000);
    CHECK_STR(u.r.range, "bytes 600-999/1000");
    CHECK_EQ_U64(u.s.len, 400);
    check_splits("206", buf, h + 400, false);
}

static void test_chunked(void)
{
    static struct run u;
    const char *m = RESP_CHUNKED;
    feed_whole(&u, m, strlen(m), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK(u.r.chunked);
    CHECK_EQ_U64(u.r.content_length, HTTP_LEN_UNKNOWN);
    CHECK(u.r.keep_alive);
    CHECK_EQ_U64(u.s.len, strlen(RESP_CHUNKED_BODY));
    CHECK(u.s.len == strlen(RESP_CHUNKED_BODY) && memcmp(u.s.data, RESP_CHUNKED_BODY, u.s.len) == 0);
    CHECK_EQ_U64(u.consumed, strlen(m));
    check_splits("chunked", m, strlen(m), false);
    check_splits("chunked+eof", m, strlen(m), true);

    /* Big chunks with upper-case sizes, split anywhere, decode to the same bytes. */
    static char big[40000];
    static uint8_t want[30000];
    size_t n = (size_t)sprintf(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    size_t w = 0;
    test_seed(77);
    while (w < 29000) {
        size_t c = 1 + test_rand_below(3000);
        if (w + c > 29000)
            c = 29000 - w;
        n += (size_t)sprintf(big + n, "%zX\r\n", c);
        for (size_t i = 0; i < c; i++)
            big[n++] = (char)(want[w++] = (uint8_t)test_rand());
        n += (size_t)sprintf(big + n, "\r\n");
    }
    n += (size_t)sprintf(big + n, "0\r\n\r\n");
    feed_whole(&u, big, n, false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK(u.s.len == w && memcmp(u.s.data, want, w) == 0);
    check_splits("big chunked", big, n, false);

    /* Cut short: the close does not complete it. */
    feed_whole(&u, m, strlen(m) - 20, true);
    CHECK(!u.r.complete);
    CHECK(u.r.failed);
    CHECK(u.r.error != NULL);
}

static void test_302(void)
{
    static struct run u;
    const char *m = RESP_302;
    feed_whole(&u, m, strlen(m), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_I64(u.r.status, 302);
    CHECK_STR(u.r.location, "http://mirror.example.com/images/disk.img");
    CHECK_EQ_U64(u.s.len, 138);
    check_splits("302", m, strlen(m), false);
}

/* No length, not chunked: the body ends when the connection does. */
static void test_close_delimited(void)
{
    static struct run u;
    const char *m = RESP_CLOSE;
    feed_whole(&u, m, strlen(m), false);
    CHECK(!u.r.complete && !u.r.failed);
    CHECK(u.r.headers_done);
    CHECK_EQ_U64(u.r.content_length, HTTP_LEN_UNKNOWN);
    CHECK(!u.r.chunked);
    CHECK(!u.r.keep_alive);
    CHECK_EQ_U64(u.s.len, strlen("the body runs until the connection closes"));
    http_resp_eof(&u.r);
    CHECK(u.r.complete && !u.r.failed);
    check_splits("close-delimited", m, strlen(m), true);

    const char *m10 = "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nold style";
    feed_whole(&u, m10, strlen(m10), true);
    CHECK(u.r.complete && !u.r.failed);
    CHECK(!u.r.keep_alive);
    CHECK_EQ_U64(u.s.len, 9);
}

/* Content-Length or chunked body cut by the close, or headers cut: failed, with a reason. */
static void test_truncated(void)
{
    static char buf[4096];
    static struct run u;
    size_t len = build_200(buf, sizeof(buf), "", 0);
    feed_whole(&u, buf, len - 500, true);
    CHECK(u.r.failed && !u.r.complete);
    CHECK(u.r.error != NULL);
    CHECK_EQ_U64(u.s.len, 500);

    feed_whole(&u, buf, 40, true);      /* inside the headers */
    CHECK(u.r.failed && !u.r.complete);
    CHECK(!u.r.headers_done);

    feed_whole(&u, buf, 0, true);       /* nothing at all: not a response */
    CHECK(!u.r.complete);
}

static void test_keep_alive(void)
{
    static struct run u;
    const char *a = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    const char *b = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
    const char *c = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
    const char *d = "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok";
    const char *e = "HTTP/1.1 200 OK\r\nCONNECTION: Close\r\nContent-Length: 2\r\n\r\nok";
    feed_whole(&u, a, strlen(a), false);
    CHECK(u.r.complete && u.r.keep_alive);
    feed_whole(&u, b, strlen(b), false);
    CHECK(u.r.complete && !u.r.keep_alive);
    feed_whole(&u, c, strlen(c), false);
    CHECK(u.r.complete && !u.r.keep_alive);
    feed_whole(&u, d, strlen(d), false);
    CHECK(u.r.complete && u.r.keep_alive);
    feed_whole(&u, e, strlen(e), false);
    CHECK(u.r.complete && !u.r.keep_alive);
}

/* Names in any case; only the exact names; the last of a repeated header counts. */
static void test_header_names(void)
{
    static struct run u;
    const char *m = "HTTP/1.1 301 Moved Permanently\r\n"
                    "X-Location: /not-this\r\n"
                    "LOCATION: /first\r\n"
                    "Locations: /nor-this\r\n"
                    "location: /second\r\n"
                    "eTaG: \"strong\"\r\n"
                    "LAST-modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
                    "content-RANGE: bytes 0-9/10\r\n"
                    "An-Extremely-Long-Header-Name-That-Overflows-The-Field-Buffer: v\r\n"
                    "Content-Length: 0\r\n"
                    "\r\n";
    feed_whole(&u, m, strlen(m), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_I64(u.r.status, 301);
    CHECK_STR(u.r.location, "/second");
    CHECK_STR(u.r.etag, "\"strong\"");
    CHECK_STR(u.r.last_modified, "Mon, 01 Jan 2024 00:00:00 GMT");
    CHECK(u.r.has_range);
    CHECK_EQ_U64(u.r.range_total, 10);
    check_splits("names", m, strlen(m), false);

    /* A long name that starts with a wanted one is not it. */
    const char *l = "HTTP/1.1 302 Found\r\n"
                    "Location-Of-Something-Else-Entirely-Long: /x\r\n"
                    "Content-Length: 0\r\n\r\n";
    feed_whole(&u, l, strlen(l), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_STR(u.r.location, "");

    /* An empty Location is empty, and empties an earlier one. */
    const char *e = "HTTP/1.1 302 Found\r\nLocation: /x\r\nLocation:\r\nContent-Length: 0\r\n\r\n";
    feed_whole(&u, e, strlen(e), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_STR(u.r.location, "");
}

/*
 * Kept values have no limit of their own (issue 9, case 1: a 302 whose Location held a
 * 1,441-character presigned URL failed with "a header value is too long"): each is taken
 * whole however long, in one piece or byte by byte.
 */
static void check_long_value(const char *name, size_t vlen, const char *(*get)(const struct http_resp *))
{
    static char m[40000];
    static struct run u;
    static size_t cuts[40000];
    int n = snprintf(m, sizeof(m), "HTTP/1.1 302 Found\r\n%s: ", name);
    char *v = m + n;
    for (size_t i = 0; i < vlen; i++)
        v[i] = (char)('a' + i % 26);
    n += (int)vlen;
    n += snprintf(m + n, sizeof(m) - (size_t)n, "\r\nX-After: 1\r\nContent-Length: 0\r\n\r\n");
    feed_whole(&u, m, (size_t)n, false);
    if (!CHECK(u.r.complete && !u.r.failed) || !CHECK(strlen(get(&u.r)) == vlen) ||
        !CHECK(strncmp(get(&u.r), v, vlen) == 0))
        fprintf(stderr, "  %s with a %zu-byte value\n", name, vlen);
    for (size_t i = 1; i < (size_t)n; i++)
        cuts[i - 1] = i;
    feed_cuts(&u, m, (size_t)n, cuts, (size_t)n - 1, false);     /* byte by byte */
    CHECK(u.r.complete && !u.r.failed && strlen(get(&u.r)) == vlen);
}

static const char *get_location(const struct http_resp *r) { return r->location; }
static const char *get_etag(const struct http_resp *r) { return r->etag; }
static const char *get_last_modified(const struct http_resp *r) { return r->last_modified; }

static void test_value_lengths(void)
{
    static const size_t lens[] = { 0, 1, 127, 128, 1023, 1024, 1441, 8192, 9000, 30000 };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        check_long_value("Location", lens[i], get_location);
        check_long_value("ETag", lens[i], get_etag);
        check_long_value("Last-Modified", lens[i], get_last_modified);
    }
}

/* A header block of n - 7 to n bytes (X-F lines of up to `line` bytes), then a 2-byte body. */
static size_t build_head(char *m, size_t n, size_t line)
{
    const char *end = "Content-Length: 2\r\n\r\nok";
    size_t o = (size_t)sprintf(m, "HTTP/1.1 200 OK\r\nETag: \"e\"\r\n"), tail = strlen(end) - 2;
    while (n - tail - o >= 8) {     /* room for "X-F: f\r\n" */
        size_t k = n - tail - o < line ? n - tail - o : line;
        o += (size_t)sprintf(m + o, "X-F: ");
        memset(m + o, 'f', k - 7);
        o += k - 7;
        o += (size_t)sprintf(m + o, "\r\n");
    }
    return o + (size_t)sprintf(m + o, "%s", end);
}

/*
 * The header block may be as large as curl takes (300 KiB, its MAX_HTTP_RESP_HEADER_SIZE):
 * a 90 KB block was refused (http-parser's 80 KiB default). Past the bound: refused, final.
 */
static void test_header_block_size(void)
{
    static char m[HTTP_HEAD_MAX + 200000];
    static struct run u;
    size_t sizes[] = { 90000, 200000, HTTP_HEAD_MAX - 1000 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = build_head(m, sizes[i], 8000);
        feed_whole(&u, m, n, false);
        if (!CHECK(u.r.complete && !u.r.failed))
            fprintf(stderr, "  a %zu-byte header block: %s\n", sizes[i], u.r.error);
        CHECK_STR(u.r.etag, "\"e\"");
        CHECK_EQ_U64(u.s.len, 2);
    }
    /* one line of 100 KiB (curl's CURL_MAX_HTTP_HEADER) */
    size_t n = build_head(m, 110 * 1024, 100 * 1024);
    feed_whole(&u, m, n, false);
    CHECK(u.r.complete && !u.r.failed);

    size_t over[] = { HTTP_HEAD_MAX + 1000, HTTP_HEAD_MAX + 100000 };
    for (size_t i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
        n = build_head(m, over[i], 8000);
        feed_whole(&u, m, n, false);
        CHECK(u.r.failed && !u.r.complete && u.r.fatal);
        CHECK_STR(u.r.error, "the response headers are longer than 300 KiB");
        n = build_head(m, over[i], 100 * 1024);     /* in long lines */
        feed_whole(&u, m, n, false);
        CHECK(u.r.failed && u.r.fatal);
    }
    /* A Location of 200 KiB: one value, taken whole. */
    n = (size_t)sprintf(m, "HTTP/1.1 302 Found\r\nLocation: /");
    memset(m + n, 'L', 200 * 1024);
    n += 200 * 1024;
    n += (size_t)sprintf(m + n, "\r\nContent-Length: 0\r\n\r\n");
    feed_whole(&u, m, n, false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_U64(strlen(u.r.location), 200 * 1024 + 1);
}

static void test_garbage(void)
{
    static struct run u;
    static const char *bad[] = {
        "garbage\r\n\r\n",
        "HTTP/1.1 abc OK\r\n\r\n",
        "HTTP/9.9.9 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
        "HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\x01z\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",      /* a TLS hello */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t len = strlen(bad[i]);
        feed_whole(&u, bad[i], len, true);
        if (!CHECK(u.r.failed && !u.r.complete && u.r.error != NULL))
            fprintf(stderr, "  garbage %zu accepted\n", i);
        /* A malformed head is final (the same request gets the same answer); broken chunk
         * framing in the body may be a passing fault and is retried. */
        if (!CHECK(u.r.fatal == !u.r.headers_done))
            fprintf(stderr, "  garbage %zu: fatal %d\n", i, u.r.fatal);
        CHECK(u.consumed < len);
        CHECK_EQ_U64(http_resp_feed(&u.r, (const uint8_t *)"HTTP/1.1", 8), 0);    /* stays failed */
        check_splits("garbage", bad[i], len, true);
    }
}

/* The body callback says stop: the parse fails with the receiver's reason. */
static void test_receiver_stops(void)
{
    static char buf[4096];
    static struct run u;
    size_t len = build_200(buf, sizeof(buf), "", 0);
    memset(&u, 0, sizeof(u));
    u.s.stop_at = 1;
    http_resp_init(&u.r, sink_body, &u.s);
    size_t took = http_resp_feed(&u.r, (const uint8_t *)buf, len);
    CHECK(took < len);
    CHECK(u.r.failed && !u.r.complete);
    CHECK_STR(u.r.error, "stopped by the receiver");
    CHECK_EQ_U64(u.s.calls, 1);
}

/* A response without a body callback still parses (a redirect's body is dropped). */
static void test_no_body_fn(void)
{
    struct http_resp r;
    const char *m = RESP_302;
    http_resp_init(&r, NULL, NULL);
    CHECK_EQ_U64(http_resp_feed(&r, (const uint8_t *)m, strlen(m)), strlen(m));
    CHECK(r.complete && !r.failed);
    CHECK_EQ_U64(r.body_bytes, 138);
}

/* 204 and 304 end at their headers. */
static void test_no_body_status(void)
{
    static struct run u;
    const char *a = "HTTP/1.1 204 No Content\r\nServer: nginx\r\n\r\n";
    const char *b = "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n";
    feed_whole(&u, a, strlen(a), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_I64(u.r.status, 204);
    feed_whole(&u, b, strlen(b), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_I64(u.r.status, 304);

    /*
     * ... even with a Content-Length (RFC 9112 6.3 item 1: a 304's is the image's): those
     * bytes are the next response's, not a body. http-parser read them as one.
     */
    const char *c = "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n";
    const char *d = "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nETag: \"x\"\r\n\r\n";
    static char m[256];
    snprintf(m, sizeof(m), "%sHTTP/1.1 200 OK\r\n\r\n", c);
    feed_whole(&u, m, strlen(m), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_U64(u.consumed, strlen(c));
    CHECK_EQ_U64(u.s.len, 0);
    snprintf(m, sizeof(m), "%sabcde", d);
    feed_whole(&u, m, strlen(m), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_U64(u.consumed, strlen(d));
    CHECK_EQ_U64(u.s.len, 0);
}

/*
 * BUG (net/http/http_resp.c, on_complete): an interim 1xx response (100 Continue, 103 Early
 * Hints) completes the exchange and pauses the parser, so the final response behind it is never
 * read and the download judges "100". RFC 9110 15.2: a client MUST parse 1xx responses it did
 * not expect before the final one. Fails until on_complete skips 1xx (other than 101).
 */
static void test_interim_1xx(void)
{
    static struct run u;
    const char *m = "HTTP/1.1 100 Continue\r\n\r\n"
                    "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nETag: \"e\"\r\n\r\nabc";
    feed_whole(&u, m, strlen(m), false);
    CHECK_EQ_I64(u.r.status, 200);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_U64(u.s.len, 3);
    CHECK_STR(u.r.etag, "\"e\"");
}

/*
 * BUG (net/http/http_resp.c, on_value): http-parser hands values on with their trailing
 * whitespace, which is kept: "Location: /x \r\n" gives "/x ", which url_resolve then refuses
 * (space), so the redirect fails. RFC 9110 5.5: a field value excludes leading and trailing
 * whitespace. Fails until the kept values are trimmed at the end of the header.
 */
static void test_value_trailing_ws(void)
{
    static struct run u;
    const char *m = "HTTP/1.1 302 Found\r\nLocation: /x \t\r\nETag: \"e\"  \r\nContent-Length: 0\r\n\r\n";
    feed_whole(&u, m, strlen(m), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_STR(u.r.location, "/x");
    CHECK_STR(u.r.etag, "\"e\"");
}

/*
 * BUG (net/http/http_resp.c, http_resp_feed): zero bytes are passed on to http-parser, for
 * which len 0 means "the connection closed": a Content-Length body then fails and a
 * close-delimited one completes early. http_get.c's on_recv feeds every pbuf of a chain,
 * and lwIP may hand on a chain whose first pbuf is empty (tcp_input, TCP options split across
 * pbufs). Fails until http_resp_feed returns 0 for len 0 (http_resp_eof calling
 * http_parser_execute itself).
 */
static void test_feed_empty(void)
{
    static char buf[4096];
    static struct run u;
    size_t len = build_200(buf, sizeof(buf), "", 0);
    memset(&u, 0, sizeof(u));
    http_resp_init(&u.r, sink_body, &u.s);
    CHECK_EQ_U64(http_resp_feed(&u.r, (const uint8_t *)buf, 300), 300);
    CHECK_EQ_U64(http_resp_feed(&u.r, (const uint8_t *)buf + 300, 0), 0);
    CHECK(!u.r.failed);
    CHECK_EQ_U64(http_resp_feed(&u.r, (const uint8_t *)buf + 300, len - 300), len - 300);
    CHECK(u.r.complete && !u.r.failed);
    CHECK(body_is_200(&u.s));

    const char *m = RESP_CLOSE;
    memset(&u, 0, sizeof(u));
    http_resp_init(&u.r, sink_body, &u.s);
    CHECK_EQ_U64(http_resp_feed(&u.r, (const uint8_t *)m, strlen(m) - 5), strlen(m) - 5);
    CHECK_EQ_U64(http_resp_feed(&u.r, (const uint8_t *)m, 0), 0);
    CHECK(!u.r.complete);
    http_resp_feed(&u.r, (const uint8_t *)m + strlen(m) - 5, 5);
    http_resp_eof(&u.r);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_EQ_U64(u.s.len, strlen("the body runs until the connection closes"));
}

/*
 * BUG (net/http/http_resp.c, on_value): http-parser 2.9.4 does not check the first byte of a
 * header value, so a NUL gets through; on_value measures what it holds with strlen, so a value
 * starting with NUL reads as empty when whole, but its later pieces overwrite it when split:
 * "ETag: \0\"abc\"" gives "" in one piece and the tail after the cut in two, and the same goes
 * for Location. RFC 9110 5.5: a recipient of NUL in a field value MUST reject the message or
 * replace it with SP. Fails until on_value refuses a NUL (and keeps the length it holds).
 */
static void test_value_nul(void)
{
    static struct run whole, split;
    static const char m[] = "HTTP/1.1 302 Found\r\nETag: \0\"abc\"\r\nLocation: \0/x/y\r\n"
                            "Content-Length: 0\r\n\r\n";
    size_t len = sizeof(m) - 1;
    const char *cut1 = memchr(m, 'a', len), *cut2 = memchr(m, 'y', len);
    size_t cuts[2] = { (size_t)(cut1 - m), (size_t)(cut2 - m) };
    feed_whole(&whole, m, len, false);
    feed_cuts(&split, m, len, cuts, 2, false);
    CHECK(whole.r.failed);
    CHECK(split.r.failed);
    CHECK(same_parse(&whole, &split));
}

/* m parses whole and complete, with this length (HTTP_LEN_UNKNOWN: chunked) and body. */
static void expect_framed(const char *m, uint64_t length, const char *body, bool keep_alive)
{
    static struct run u;
    feed_whole(&u, m, strlen(m), false);
    if (!CHECK(u.r.complete && !u.r.failed)) {
        fprintf(stderr, "  \"%.120s\": %s\n", m, u.r.error);
        return;
    }
    CHECK_EQ_U64(u.r.content_length, length);
    CHECK(u.r.chunked == (length == HTTP_LEN_UNKNOWN));
    CHECK(u.s.len == strlen(body) && memcmp(u.s.data, body, u.s.len) == 0);
    if (!CHECK(u.r.keep_alive == keep_alive))
        fprintf(stderr, "  \"%.120s\": keep-alive %d\n", m, u.r.keep_alive);
    check_splits("framed", m, strlen(m), false);
}

/* m is refused, finally (not a passing fault), with this reason (NULL: any). */
static void expect_refused(const char *m, const char *why)
{
    static struct run u;
    feed_whole(&u, m, strlen(m), true);
    if (!CHECK(u.r.failed && !u.r.complete && u.r.fatal) || (why && !CHECK_STR(u.r.error, why)))
        fprintf(stderr, "  \"%.120s\"\n", m);
    CHECK_EQ_U64(u.s.len, 0);       /* no byte of its body was taken */
    check_splits("refused", m, strlen(m), true);
}

#define H200 "HTTP/1.1 200 OK\r\n"

/*
 * Field report (issue 9, case 2): a 200 carrying "Content-Length: N" twice was refused
 * ("unexpected content-length header") and retried six times; curl takes it. RFC 9112 6.3
 * item 5: identical values, repeated or as a list, are one length; different or invalid ones
 * are an unrecoverable error, which is final here (never retried).
 */
static void test_content_length_repeated(void)
{
    expect_framed(H200 "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 3, "abc", true);
    expect_framed(H200 "Content-Length: 3\r\nX: y\r\ncontent-length:   3  \r\n\r\nabc", 3, "abc", true);
    expect_framed(H200 "Content-Length: 3, 3\r\n\r\nabc", 3, "abc", true);
    expect_framed(H200 "Content-Length: 3,3,3\r\n\r\nabc", 3, "abc", true);
    expect_framed(H200 "Content-Length: 3 ,\t3\t\r\n\r\nabc", 3, "abc", true);
    expect_framed(H200 "Content-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc", 3, "abc", true);
    expect_framed(H200 "Content-Length: 3,\r\n\r\nabc", 3, "abc", true);     /* empty element */
    expect_framed(H200 "Content-Length: 3, ,3\r\n\r\nabc", 3, "abc", true);
    expect_framed(H200 "Content-Length: 0\r\nContent-Length: 0\r\n\r\n", 0, "", true);

    const char *differ = "different Content-Length values";
    expect_refused(H200 "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", differ);
    expect_refused(H200 "Content-Length: 4\r\nContent-Length: 3\r\n\r\nabcd", differ);
    expect_refused(H200 "Content-Length: 3, 4\r\n\r\nabcd", differ);
    expect_framed(H200 "Content-Length: 3\r\nContent-Length: 3, 03\r\n\r\nabc", 3, "abc", true);
    expect_refused(H200 "Content-Length: 3\r\nContent-Length: 30\r\n\r\nabc", differ);
    expect_refused(H200 "Content-Length: 3\r\nContent-Length: 3\r\nContent-Length: 1\r\n\r\nabc", differ);
    /* invalid values, alone or beside a good one */
    expect_refused(H200 "Content-Length: 3x\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length: -3\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length: +3\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length: ,3\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length:\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length: 3 3\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length: 3;3\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length: 3\r\nContent-Length: x\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length: 99999999999999999999999\r\n\r\nabc", NULL);
    expect_refused(H200 "Content-Length: 18446744073709551615\r\n\r\nabc", NULL);
}

/*
 * RFC 9112 6.1-6.3 on Transfer-Encoding: it overrides Content-Length (taken, as curl does,
 * but the connection is not used again: such a message may be a smuggling attempt); chunked
 * is the only coding netplant decodes, so any other (or chunked twice) is refused, finally;
 * an HTTP/1.0 response must not carry it.
 */
static void test_transfer_encoding(void)
{
    const char *chunks = "3\r\nabc\r\n0\r\n\r\n";
    static char m[512];
#define TE(head) (snprintf(m, sizeof(m), "%s%s", head, chunks), m)
    expect_framed(TE(H200 "Transfer-Encoding: chunked\r\n\r\n"), HTTP_LEN_UNKNOWN, "abc", true);
    expect_framed(TE(H200 "Transfer-Encoding: Chunked \r\n\r\n"), HTTP_LEN_UNKNOWN, "abc", true);
    expect_framed(TE(H200 "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), HTTP_LEN_UNKNOWN,
                  "abc", false);
    expect_framed(TE(H200 "Content-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"), HTTP_LEN_UNKNOWN,
                  "abc", false);

    /*
     * Found by fuzz.http_resp: http-parser took any name starting "Transfer-Encoding" for
     * one, so this was refused (with Content-Length) or read to the close (without the
     * refusal). patches/http-parser/0001 marks only the exact name.
     */
    expect_framed(H200 "Content-Length: 3\r\nTransfer-Encodingbc: chunked\r\n\r\nabc", 3, "abc", true);
    expect_framed(H200 "Transfer-Encoding-X: chunked\r\nContent-Length: 3\r\n\r\nabc", 3, "abc", true);
    expect_refused(TE(H200 "Transfer-Encoding:\r\n\r\n"), "an unclear Transfer-Encoding");

    const char *other = "a Transfer-Encoding other than chunked, which netplant does not decode";
    expect_refused(TE(H200 "Transfer-Encoding: gzip\r\n\r\n"), other);
    expect_refused(TE(H200 "Transfer-Encoding: gzip, chunked\r\n\r\n"), other);
    expect_refused(TE(H200 "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"), other);
    expect_refused(TE(H200 "Transfer-Encoding: chunked, gzip\r\n\r\n"), other);
    expect_refused(TE(H200 "Transfer-Encoding: identity\r\n\r\n"), other);
    expect_refused(TE(H200 "Transfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\n"), other);
    expect_refused(TE(H200 "Transfer-Encoding: chunked;x=y\r\n\r\n"), other);
    expect_refused(TE(H200 "Transfer-Encoding: chunked, chunked\r\n\r\n"),
                   "Transfer-Encoding names chunked more than once");
    expect_refused(TE(H200 "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
                   "Transfer-Encoding names chunked more than once");
    expect_refused(TE("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
                   "Transfer-Encoding in an HTTP/1.0 response");
    expect_refused(TE(H200 "Transfer-Encoding: chunked\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"),
                   "different Content-Length values");
#undef TE
}

/* Trailers after a chunked body change nothing the download looks at. */
static void test_trailers_ignored(void)
{
    static struct run u;
    const char *m = H200 "Transfer-Encoding: chunked\r\nETag: \"e\"\r\n\r\n3\r\nabc\r\n0\r\n"
                    "ETag: \"other\"\r\nLocation: /x\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\n";
    feed_whole(&u, m, strlen(m), false);
    CHECK(u.r.complete && !u.r.failed);
    CHECK_STR(u.r.etag, "\"e\"");
    CHECK_STR(u.r.location, "");
    CHECK_EQ_U64(u.s.len, 3);
    check_splits("trailers", m, strlen(m), false);
}

/* What is final: a refused head. What is not: a close before the end, or a broken body. */
static void test_fatal(void)
{
    static char buf[4096];
    static struct run u;
    size_t len = build_200(buf, sizeof(buf), "", 0);
    feed_whole(&u, buf, 40, true);      /* the close cut the head */
    CHECK(u.r.failed && !u.r.fatal);
    feed_whole(&u, buf, len - 10, true);    /* ... or the body */
    CHECK(u.r.failed && !u.r.fatal);
    const char *c = H200 "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n";
    feed_whole(&u, c, strlen(c), false);
    CHECK(u.r.failed && !u.r.fatal);
    memset(&u, 0, sizeof(u));
    u.s.stop_at = 1;
    http_resp_init(&u.r, sink_body, &u.s);
    http_resp_feed(&u.r, (const uint8_t *)buf, len);
    CHECK(u.r.failed && !u.r.fatal);
    CHECK_STR(u.r.error, "stopped by the receiver");
}

static void expect_cl(const char *s, int err, uint64_t want)
{
    uint64_t v = 12345;
    if (!CHECK_EQ_I64(http_parse_content_length(s, &v), err))
        fprintf(stderr, "  \"%s\"\n", s);
    else if (!err)
        CHECK_EQ_U64(v, want);
}

static void test_parse_content_length(void)
{
    expect_cl("0", 0, 0);
    expect_cl("42", 0, 42);
    expect_cl("42, 42", 0, 42);
    expect_cl("42,42,\t42 ", 0, 42);
    expect_cl(" 42 ", 0, 42);
    expect_cl("42,", 0, 42);
    expect_cl(",42", 0, 42);
    expect_cl("18446744073709551609", 0, 18446744073709551609ull);
    expect_cl("42, 042", 0, 42);     /* the same number */
    expect_cl("42, 43", -NP_ERANGE, 0);
    expect_cl("1,2,1", -NP_ERANGE, 0);
    static const char *bad[] = { "", " ", ",", ", ,", "x", "42x", "4 2", "-1", "+1", "0x10", "42;",
                                 "18446744073709551615", "99999999999999999999", "42, x" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_cl(bad[i], -NP_EINVAL, 0);
}

static void expect_range(const char *s, uint64_t start, uint64_t end, uint64_t total)
{
    uint64_t a = 1, b = 2, c = 3;
    if (!CHECK_EQ_I64(http_parse_content_range(s, &a, &b, &c), 0)) {
        fprintf(stderr, "  \"%s\"\n", s);
        return;
    }
    CHECK_EQ_U64(a, start);
    CHECK_EQ_U64(b, end);
    CHECK_EQ_U64(c, total);
}

static void test_content_range(void)
{
    expect_range("bytes 0-99/100", 0, 99, 100);
    expect_range("bytes 600-999/1000", 600, 999, 1000);
    expect_range("bytes 0-0/1", 0, 0, 1);
    expect_range("bytes 5-9/*", 5, 9, HTTP_LEN_UNKNOWN);
    expect_range("  bytes 1-2/3  ", 1, 2, 3);
    expect_range("bytes 1048576-4294967295/1099511627776", 1048576, 4294967295ull, 1099511627776ull);
    expect_range("bytes 0-18446744073709551608/18446744073709551609", 0, 18446744073709551608ull,
                 18446744073709551609ull);

    static const char *bad[] = {
        "", "bytes", "bytes ", "bytes */1000", "bytes 0-99", "bytes 0-99/", "bytes -99/100",
        "bytes 0-/100", "bytes 5-4/10", "bytes 0-10/10", "bytes 0-99/100x", "bytes 0-99/100 x",
        "bytes 0-99/1 00", "bytes=0-99/100", "items 0-99/100", "bytes 0 -99/100", "bytes +0-99/100",
        "bytes 0-99/99999999999999999999999",
        "bytes 0-1/18446744073709551615",       /* UINT64_MAX would read as "unknown" */
        "bytes 99999999999999999999-1/2",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t a, b, c;
        if (!CHECK_EQ_I64(http_parse_content_range(bad[i], &a, &b, &c), -NP_EINVAL))
            fprintf(stderr, "  \"%s\" accepted\n", bad[i]);
    }
}

int main(void)
{
    TEST_RUN_ISOLATED(test_200);
    TEST_RUN_ISOLATED(test_206);
    TEST_RUN_ISOLATED(test_chunked);
    TEST_RUN_ISOLATED(test_302);
    TEST_RUN_ISOLATED(test_close_delimited);
    TEST_RUN_ISOLATED(test_truncated);
    TEST_RUN_ISOLATED(test_keep_alive);
    TEST_RUN_ISOLATED(test_header_names);
    TEST_RUN_ISOLATED(test_value_lengths);
    TEST_RUN_ISOLATED(test_header_block_size);
    TEST_RUN_ISOLATED(test_garbage);
    TEST_RUN_ISOLATED(test_receiver_stops);
    TEST_RUN_ISOLATED(test_no_body_fn);
    TEST_RUN_ISOLATED(test_no_body_status);
    TEST_RUN_ISOLATED(test_interim_1xx);
    TEST_RUN_ISOLATED(test_value_trailing_ws);
    TEST_RUN_ISOLATED(test_feed_empty);
    TEST_RUN_ISOLATED(test_value_nul);
    TEST_RUN_ISOLATED(test_content_range);
    TEST_RUN_ISOLATED(test_content_length_repeated);
    TEST_RUN_ISOLATED(test_transfer_encoding);
    TEST_RUN_ISOLATED(test_trailers_ignored);
    TEST_RUN_ISOLATED(test_fatal);
    TEST_RUN_ISOLATED(test_parse_content_length);
    return test_finish();
}
