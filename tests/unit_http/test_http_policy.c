/*
 * net/http/policy.c: what a response means for the download (take, restart, redirect, retry,
 * fail), the image length it announces, the retry backoff, the If-Range validator, whether a
 * broken body is resumed, and the exit status when every attempt failed.
 */
#include <string.h>

#include "net/http/http_resp.h"
#include "net/http/policy.h"
#include "tests/unit/test.h"
#include "tests/unit_http/http_samples.h"

#define U HTTP_LEN_UNKNOWN

/* A response as parsed from its head (with an empty body where a length is given). */
static void parse_head(struct http_resp *r, const char *head)
{
    http_resp_init(r, NULL, NULL);
    http_resp_feed(r, (const uint8_t *)head, strlen(head));
    CHECK(r->headers_done && !r->failed);
}

/* A bare response: status and the fields policy reads. */
static struct http_resp resp(int status)
{
    struct http_resp r;
    http_resp_init(&r, NULL, NULL);
    r.status = status;
    r.headers_done = true;
    return r;
}

static struct http_resp resp_206(uint64_t start, uint64_t end, uint64_t total)
{
    struct http_resp r = resp(206);
    r.has_range = true;
    r.range_start = start;
    r.range_end = end;
    r.range_total = total;
    return r;
}

#define ETAG    "\"65e6ed60-3e8\""
#define LM      "Tue, 05 Mar 2024 10:00:00 GMT"

/* Judges r against a request from offset, the image and its validators as first described. */
static void expect_v(const struct http_resp *r, uint64_t offset, uint64_t total, const char *etag, const char *lm,
                     enum http_verdict v)
{
    const struct http_expect e = { offset, total, etag, lm };
    const char *why = "unset";
    enum http_verdict got = http_judge(r, &e, &why);
    if (!CHECK_EQ_I64(got, v))
        fprintf(stderr, "  status %d, offset %" PRIu64 ", total %" PRIu64 "\n", r->status, offset, total);
    /* a reason for everything but taking the body and following a redirect */
    if (v == HTTP_TAKE_BODY || v == HTTP_REDIRECT)
        CHECK(why == NULL);
    else
        CHECK(why != NULL && why[0] != '\0' && strcmp(why, "unset") != 0);
}

static void expect(const struct http_resp *r, uint64_t offset, uint64_t total, enum http_verdict v)
{
    expect_v(r, offset, total, "", "", v);
}

static void test_200(void)
{
    struct http_resp r;
    parse_head(&r, RESP_200_HEAD);
    expect(&r, 0, U, HTTP_TAKE_BODY);
    expect(&r, 0, 1000, HTTP_TAKE_BODY);
    expect(&r, 600, 1000, HTTP_RESTART);    /* asked for a range, got the whole image */
    expect(&r, 1, U, HTTP_RESTART);
    CHECK_EQ_U64(http_total_length(&r), 1000);

    struct http_resp c = resp(200);         /* chunked or close-delimited: length unknown */
    CHECK_EQ_U64(http_total_length(&c), U);
}

static void test_206(void)
{
    struct http_resp r;
    parse_head(&r, RESP_206_HEAD);
    expect(&r, 600, 1000, HTTP_TAKE_BODY);
    expect(&r, 600, U, HTTP_TAKE_BODY);             /* total first learnt now */
    CHECK_EQ_U64(http_total_length(&r), 1000);

    expect(&r, 0, U, HTTP_FAIL);                    /* 206 to a request without Range */
    expect(&r, 0, 1000, HTTP_FAIL);
    expect(&r, 500, 1000, HTTP_RESTART);            /* wrong start */
    expect(&r, 601, 1000, HTTP_RESTART);
    expect(&r, 600, 2000, HTTP_RESTART);            /* another image (total changed) */

    struct http_resp s = resp_206(600, 999, U);     /* total "*": unknown */
    expect(&s, 600, 1000, HTTP_RESTART);
    expect(&s, 600, U, HTTP_RESTART);
    CHECK_EQ_U64(http_total_length(&s), U);

    struct http_resp t = resp_206(600, 799, 1000);  /* stops short of the end */
    expect(&t, 600, 1000, HTTP_RESTART);
    struct http_resp e = resp_206(600, 999, 1000);
    expect(&e, 600, 1000, HTTP_TAKE_BODY);
    struct http_resp last = resp_206(999, 999, 1000);
    expect(&last, 999, 1000, HTTP_TAKE_BODY);

    struct http_resp n = resp(206);                 /* no (or an unreadable) Content-Range */
    expect(&n, 600, 1000, HTTP_RESTART);
    CHECK_EQ_U64(http_total_length(&n), U);
    expect(&n, 0, U, HTTP_FAIL);

    /* The same through the parser, with a multipart answer (no Content-Range header). */
    struct http_resp m;
    parse_head(&m, "HTTP/1.1 206 Partial Content\r\n"
                   "Content-Type: multipart/byteranges; boundary=3d6b6a416f9b5\r\n"
                   "Content-Length: 0\r\n\r\n");
    expect(&m, 600, 1000, HTTP_RESTART);
}

/*
 * Field report (issue 9, case 3): a resume sent with If-Range "v1" answered by a 206 whose
 * ETag is "v2" is the tail of another file: start over, never splice.
 */
static void test_206_validators(void)
{
    struct http_resp r;
    parse_head(&r, RESP_206_HEAD);                  /* ETag ETAG, Last-Modified LM */
    expect_v(&r, 600, 1000, ETAG, LM, HTTP_TAKE_BODY);
    expect_v(&r, 600, 1000, ETAG, "", HTTP_TAKE_BODY);
    expect_v(&r, 600, 1000, "", LM, HTTP_TAKE_BODY);
    expect_v(&r, 600, 1000, NULL, NULL, HTTP_TAKE_BODY);
    expect_v(&r, 600, 1000, "\"v1\"", LM, HTTP_RESTART);                          /* ETag changed */
    expect_v(&r, 600, 1000, ETAG, "Wed, 06 Mar 2024 10:00:00 GMT", HTTP_RESTART);  /* Last-Modified changed */
    expect_v(&r, 600, 1000, "", "Wed, 06 Mar 2024 10:00:00 GMT", HTTP_RESTART);
    expect_v(&r, 600, 1000, "W/" ETAG, LM, HTTP_RESTART);   /* weak then strong: not the same tag */
    const char *why;
    const struct http_expect changed = { 600, 1000, "\"v1\"", LM };
    CHECK(http_judge(&r, &changed, &why) == HTTP_RESTART && strstr(why, "changed") && strstr(why, "ETag"));

    /* A 206 that names no validator cannot be compared: its Content-Range decides. */
    struct http_resp b = resp_206(600, 999, 1000);
    expect_v(&b, 600, 1000, "\"v1\"", LM, HTTP_TAKE_BODY);

    /* The same through the parser: the fault server's "changed" mode, as netplant saw it. */
    struct http_resp v2;
    parse_head(&v2, "HTTP/1.1 206 Partial Content\r\nETag: \"v2\"\r\n"
                    "Content-Range: bytes 600-999/1000\r\nContent-Length: 400\r\n\r\n");
    expect_v(&v2, 600, 1000, "\"v1\"", "", HTTP_RESTART);
    expect_v(&v2, 600, 1000, "\"v2\"", "", HTTP_TAKE_BODY);

    /* A 416 to a resume: the range no longer fits the file. To a request without Range: refused. */
    struct http_resp x = resp(416);
    expect(&x, 600, 1000, HTTP_RESTART);
    expect(&x, 0, U, HTTP_FAIL);
}

/*
 * Field report (issue 9, case 4): a server that honours Range but gives no validator. With a
 * checksum, resume anyway (the hash catches a splice); without one, start over and say why.
 */
static void test_plan_resume(void)
{
    const char *why = "unset";
    CHECK_EQ_I64(http_plan_resume(0, 1000, true, true, &why), HTTP_START_OVER);
    CHECK(why == NULL);                                 /* nothing to resume: nothing to say */
    CHECK_EQ_I64(http_plan_resume(0, U, false, false, &why), HTTP_START_OVER);
    CHECK(why == NULL);

    CHECK_EQ_I64(http_plan_resume(500, 1000, true, false, &why), HTTP_RESUME);
    CHECK(why == NULL);
    CHECK_EQ_I64(http_plan_resume(500, 1000, true, true, &why), HTTP_RESUME);
    CHECK(why == NULL);

    CHECK_EQ_I64(http_plan_resume(500, 1000, false, true, &why), HTTP_RESUME_UNVALIDATED);
    CHECK(why && strstr(why, "resuming anyway"));
    CHECK_EQ_I64(http_plan_resume(500, 1000, false, false, &why), HTTP_START_OVER);
    CHECK(why && strstr(why, "no ETag or Last-Modified") && strstr(why, "starting over"));

    /* A length never given (chunked, or closed-delimited): no Content-Range can be checked. */
    CHECK_EQ_I64(http_plan_resume(500, U, true, true, &why), HTTP_START_OVER);
    CHECK(why && strstr(why, "length is unknown"));
    CHECK_EQ_I64(http_plan_resume(500, U, false, true, &why), HTTP_START_OVER);
    CHECK_EQ_I64(http_plan_resume(1000, 1000, true, true, &why), HTTP_START_OVER);
    CHECK(why != NULL);
}

/* Field report (issue 9, case 7): the status names how far the last attempt got. */
static void test_giveup_status(void)
{
    CHECK_EQ_I64(http_giveup_status(false, false, false), NP_EXIT_CONNECT);    /* refused, unreachable */
    CHECK_EQ_I64(http_giveup_status(true, false, false), NP_EXIT_CONNECT);     /* accepted, never answered */
    CHECK_EQ_I64(http_giveup_status(true, true, false), NP_EXIT_HTTP);         /* 503 to the end, malformed */
    CHECK_EQ_I64(http_giveup_status(true, true, true), NP_EXIT_SHORT);         /* the body broke */
}

static void test_redirects(void)
{
    static const int codes[] = { 301, 302, 303, 307, 308 };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        struct http_resp r = resp(codes[i]);
        expect(&r, 0, U, HTTP_FAIL);                /* without Location */
        r.location = "/elsewhere";
        expect(&r, 0, U, HTTP_REDIRECT);
        expect(&r, 600, 1000, HTTP_REDIRECT);
        CHECK_EQ_U64(http_total_length(&r), U);
    }
    struct http_resp p;
    parse_head(&p, RESP_302);
    expect(&p, 0, U, HTTP_REDIRECT);

    /* 300, 304 and 305 are not followed. */
    struct http_resp o = resp(300);
    o.location = "/x";
    expect(&o, 0, U, HTTP_FAIL);
    o.status = 304;
    expect(&o, 0, U, HTTP_FAIL);
    o.status = 305;
    expect(&o, 0, U, HTTP_FAIL);
}

static void test_errors(void)
{
    static const int retry[] = { 408, 429, 500, 502, 503, 504, 599 };
    static const int fail[] = { 400, 401, 403, 404, 405, 410, 499, 600, 100, 101, 204, 0, -1 };
    for (size_t i = 0; i < sizeof(retry) / sizeof(retry[0]); i++) {
        struct http_resp r = resp(retry[i]);
        expect(&r, 0, U, HTTP_RETRY);
        expect(&r, 600, 1000, HTTP_RETRY);
    }
    for (size_t i = 0; i < sizeof(fail) / sizeof(fail[0]); i++) {
        struct http_resp r = resp(fail[i]);
        expect(&r, 0, U, HTTP_FAIL);
        expect(&r, 600, 1000, HTTP_FAIL);
    }
    /* 401 says what to do about it (issue 9, case 6: credentials go in the URL) */
    struct http_resp a = resp(401);
    const char *why = NULL;
    const struct http_expect first = { 0, U, "", "" };
    CHECK_EQ_I64(http_judge(&a, &first, &why), HTTP_FAIL);
    CHECK(why && strstr(why, "credentials") && strstr(why, "USER:PASSWORD@"));
}

static void test_backoff(void)
{
    static const uint32_t want[] = { 250, 500, 1000, 2000, 4000, 8000, 8000, 8000 };
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CHECK_EQ_U64(http_backoff_ms(i), want[i]);
    CHECK_EQ_U64(http_backoff_ms(31), 8000);
    CHECK_EQ_U64(http_backoff_ms(32), 8000);
    CHECK_EQ_U64(http_backoff_ms(1000), 8000);
    CHECK_EQ_U64(http_backoff_ms(~0u), 8000);
}

static void test_validator(void)
{
    struct http_resp r;
    parse_head(&r, RESP_200_HEAD);              /* strong ETag and Last-Modified */
    CHECK_STR(http_validator(&r), "\"65e6ed60-3e8\"");

    struct http_resp w = resp(200);
    w.etag = "W/\"65e6ed60-3e8\"";
    w.last_modified = "Tue, 05 Mar 2024 10:00:00 GMT";
    CHECK_STR(http_validator(&w), "Tue, 05 Mar 2024 10:00:00 GMT");     /* weak: never for If-Range */
    w.last_modified = "";
    CHECK(http_validator(&w) == NULL);

    struct http_resp l = resp(200);
    l.last_modified = "Tue, 05 Mar 2024 10:00:00 GMT";
    CHECK_STR(http_validator(&l), "Tue, 05 Mar 2024 10:00:00 GMT");

    struct http_resp n = resp(200);
    CHECK(http_validator(&n) == NULL);

    struct http_resp p;
    parse_head(&p, "HTTP/1.1 200 OK\r\nETag: W/\"x\"\r\nContent-Length: 0\r\n\r\n");
    CHECK(http_validator(&p) == NULL);
}

int main(void)
{
    TEST_RUN_ISOLATED(test_200);
    TEST_RUN_ISOLATED(test_206);
    TEST_RUN_ISOLATED(test_redirects);
    TEST_RUN_ISOLATED(test_errors);
    TEST_RUN_ISOLATED(test_backoff);
    TEST_RUN_ISOLATED(test_validator);
    TEST_RUN_ISOLATED(test_206_validators);
    TEST_RUN_ISOLATED(test_plan_resume);
    TEST_RUN_ISOLATED(test_giveup_status);
    return test_finish();
}
