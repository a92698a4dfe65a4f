/*
 * libFuzzer target: the HTTP response path (net/http/http_resp.c over http-parser), headers
 * and chunked bodies, on any bytes. Input layout:
 *   byte 0     number of cuts (mod 32); byte 1 bit 0: the connection closes at the end;
 *   2 bytes    per cut, little-endian, taken modulo the response's length;
 *   the rest   the response, as the server sent it.
 * The response is parsed twice, in one piece and cut into pieces (each an exact-size heap
 * copy, so ASan sees a read past it), and both parses must agree: failed, complete, status,
 * whether the failure is final, lengths; and when neither failed, the flags, the kept headers
 * (any length: they share one arena of HTTP_HEAD_MAX), the bytes consumed and the
 * decoded body (when both failed, the body delivered so far is a prefix of the other's).
 * Crashes, sanitizer reports and disagreements (abort) are findings.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/http/http_resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

#define MAX_CUTS 32
#define BODY_MAX 32768

struct run {
    struct http_resp r;
    uint8_t body[BODY_MAX];
    size_t body_len;
    size_t consumed;
};

static int on_body(void *ctx, const uint8_t *p, size_t len)
{
    struct run *u = ctx;
    REQUIRE(len <= BODY_MAX - u->body_len);     /* never more body than bytes fed */
    memcpy(u->body + u->body_len, p, len);
    u->body_len += len;
    return 0;
}

/* Feeds [0, len) cut at cuts[0..n) (sorted, may repeat); empty pieces are not fed. */
static void parse(struct run *u, const uint8_t *msg, size_t len, const size_t *cuts, size_t n, bool eof)
{
    memset(u, 0, sizeof(*u));
    http_resp_init(&u->r, on_body, u);
    size_t at = 0;
    for (size_t i = 0; i <= n; i++) {
        size_t end = i < n ? cuts[i] : len;
        if (end <= at)
            continue;
        size_t k = end - at;
        uint8_t *piece = malloc(k);
        memcpy(piece, msg + at, k);
        size_t took = http_resp_feed(&u->r, piece, k);
        free(piece);
        REQUIRE(took <= k);
        u->consumed += took;
        at = end;
        if (took < k)
            break;
    }
    if (eof)
        http_resp_eof(&u->r);
}

/* A kept value: "" or a terminated string inside the response's arena. */
static bool in_text(const struct http_resp *r, const char *v)
{
    if (!*v)
        return true;
    size_t at = (size_t)(v - r->text);
    return v >= r->text && at < sizeof(r->text) && memchr(v, '\0', sizeof(r->text) - at) != NULL;
}

/* What one parse must satisfy on its own. */
static void check_one(const struct run *u)
{
    const struct http_resp *r = &u->r;
    REQUIRE(!(r->complete && r->failed));
    REQUIRE(!r->failed || r->error != NULL);
    REQUIRE(!r->complete || r->headers_done);
    REQUIRE(r->body_bytes == u->body_len);
    REQUIRE(in_text(r, r->location) && in_text(r, r->etag) && in_text(r, r->last_modified) &&
            in_text(r, r->range));
    REQUIRE(r->text_used <= sizeof(r->text));
    REQUIRE(!(r->chunked && r->content_length != HTTP_LEN_UNKNOWN));   /* chunked: no length */
    REQUIRE(!r->fatal || (r->failed && !r->headers_done));     /* only a refused head is final */
    REQUIRE(!r->headers_done || r->status / 100 != 1 || r->status == 101);
    if (r->has_range) {
        REQUIRE(r->range_start <= r->range_end);
        REQUIRE(r->range_total == HTTP_LEN_UNKNOWN || r->range_end < r->range_total);
    }
    /* A complete response with a length has exactly that body (1xx, 204, 304 have none). */
    int s = r->status;
    if (r->complete && !r->chunked && r->content_length != HTTP_LEN_UNKNOWN && s / 100 != 1 &&
        s != 204 && s != 304)
        REQUIRE(u->body_len == r->content_length);
}

static bool is_prefix(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen <= blen && memcmp(a, b, alen) == 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct run whole, split;
    size_t cuts[MAX_CUTS];
    if (size < 2)
        return 0;
    size_t n = data[0] % MAX_CUTS;
    bool eof = data[1] & 1;
    if (size < 2 + 2 * n)
        return 0;
    const uint8_t *msg = data + 2 + 2 * n;
    size_t len = size - 2 - 2 * n;
    for (size_t i = 0; i < n; i++)
        cuts[i] = len ? (size_t)(data[2 + 2 * i] | data[3 + 2 * i] << 8) % len : 0;
    qsort(cuts, n, sizeof(cuts[0]), cmp_size);

    parse(&whole, msg, len, NULL, 0, eof);
    parse(&split, msg, len, cuts, n, eof);
    check_one(&whole);
    check_one(&split);

    const struct http_resp *x = &whole.r, *y = &split.r;
    REQUIRE(x->failed == y->failed);
    REQUIRE(x->fatal == y->fatal);
    REQUIRE(x->complete == y->complete);
    REQUIRE(x->headers_done == y->headers_done);
    if (x->headers_done) {
        REQUIRE(x->status == y->status);
        REQUIRE(x->content_length == y->content_length);
        REQUIRE(x->chunked == y->chunked);
    }
    if (!x->failed) {
        REQUIRE(whole.consumed == split.consumed);
        REQUIRE(x->keep_alive == y->keep_alive);
        REQUIRE(strcmp(x->location, y->location) == 0);
        REQUIRE(strcmp(x->etag, y->etag) == 0);
        REQUIRE(strcmp(x->last_modified, y->last_modified) == 0);
        REQUIRE(strcmp(x->range, y->range) == 0);
        REQUIRE(x->has_range == y->has_range);
        if (x->has_range)
            REQUIRE(x->range_start == y->range_start && x->range_end == y->range_end &&
                    x->range_total == y->range_total);
        REQUIRE(whole.body_len == split.body_len);
        REQUIRE(memcmp(whole.body, split.body, whole.body_len) == 0);
    } else {
        /*
         * A callback's refusal (a value too long) is reported where the callback ran, which
         * depends on the cuts: so may the bytes consumed, and the body handed on before it.
         */
        REQUIRE(is_prefix(whole.body, whole.body_len, split.body, split.body_len) ||
                is_prefix(split.body, split.body_len, whole.body, whole.body_len));
    }
    return 0;
}
