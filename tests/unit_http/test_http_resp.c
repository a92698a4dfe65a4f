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

/* A kept header's value must fit its buffer (with the NUL), however it arrives; cap 0: no limit. */
static void check_value_limit(const char *name, size_t cap)
{
    bool kept = cap != 0;
    if (!kept)
        cap = 3000;
    static char m[4096];
    static struct run u;
    static size_t cuts[4096];
    for (size_t vlen = cap - 2; vlen <= cap; vlen++) {
        int n = snprintf(m, sizeof(m), "HTTP/1.1 302 Found\r\n%s: ", name);
        memset(m + n, 'v', vlen);
        n += (int)vlen;
        n += snprintf(m + n, sizeof(m) - (size_t)n, "\r\nContent-Length: 0\r\n\r\n");
        bool fits = vlen < cap || !kept;
        feed_whole(&u, m, (size_t)n, false);
        if (!CHECK(u.r.failed == !fits) || !CHECK(u.r.complete == fits))
            fprintf(stderr, "  %s with a %zu-byte value\n", name, vlen);
        if (!fits)
            CHECK_STR(u.r.error, "a header value is too long");
        for (size_t i = 1; i < (size_t)n; i++)
            cuts[i - 1] = i;
        feed_cuts(&u, m, (size_t)n, cuts, (size_t)n - 1, false);     /* byte by byte */
        CHECK(u.r.failed == !fits);
        if (!fits)
            CHECK_STR(u.r.error, "a header value is too long");
    }
}

static void test_value_limits(void)
{
    struct http_resp r;
    check_value_limit("Location", sizeof(r.location));
    check_value_limit("ETag", sizeof(r.etag));
    check_value_limit("Last-Modified", sizeof(r.last_modified));
    check_value_limit("Content-Range", sizeof(r.range));
    check_value_limit("X-Other", 0);        /* headers not kept have no limit of ours */
}

/* Headers past http-parser's 80 KiB: failed, not buffered without end. */
static void test_header_overflow(void)
{
    static char m[100000];
    static struct run u;
    size_t n = (size_t)sprintf(m, "HTTP/1.1 200 OK\r\n");
    while (n < 90000)
        n += (size_t)sprintf(m + n, "X-Filler: %0100d\r\n", 0);
    n += (size_t)sprintf(m + n, "Content-Length: 0\r\n\r\n");
    feed_whole(&u, m, n, false);
    CHECK(u.r.failed && !u.r.complete);
    CHECK(u.r.error != NULL);
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
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
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
    TEST_RUN_ISOLATED(test_value_limits);
    TEST_RUN_ISOLATED(test_header_overflow);
    TEST_RUN_ISOLATED(test_garbage);
    TEST_RUN_ISOLATED(test_receiver_stops);
    TEST_RUN_ISOLATED(test_no_body_fn);
    TEST_RUN_ISOLATED(test_no_body_status);
    TEST_RUN_ISOLATED(test_interim_1xx);
    TEST_RUN_ISOLATED(test_value_trailing_ws);
    TEST_RUN_ISOLATED(test_feed_empty);
    TEST_RUN_ISOLATED(test_value_nul);
    TEST_RUN_ISOLATED(test_content_range);
    return test_finish();
}
