/* net/http/proxy.c: proxy= parsing, the absolute-form target, the CONNECT request and its answer. */
#include <stdlib.h>

#include "kernel/errno.h"
#include "net/http/proxy.h"
#include "tests/unit/test.h"

static struct proxy px;

static void test_parse(void)
{
    CHECK_EQ_I64(proxy_parse("http://10.0.2.2:3128", &px), 0);
    CHECK(!strcmp(px.host, "10.0.2.2"));
    CHECK_EQ_U64(px.port, 3128);
    CHECK(!px.basic[0] && !px.user[0]);
    CHECK_EQ_I64(proxy_parse("http://proxy.example/", &px), 0);
    CHECK_EQ_U64(px.port, 80);
    /* RFC 7617 2: base64("alice:s3cret") */
    CHECK_EQ_I64(proxy_parse("http://alice:s3cret@proxy:8080", &px), 0);
    CHECK(!strcmp(px.basic, "YWxpY2U6czNjcmV0"));
    CHECK(!strcmp(px.user, "alice"));
    CHECK(!strcmp(px.host, "proxy"));
    /* percent-encoded userinfo is decoded before encoding: "a b:p@q" */
    CHECK_EQ_I64(proxy_parse("http://a%20b:p%40q@proxy:1", &px), 0);
    CHECK(!strcmp(px.basic, "YSBiOnBAcQ=="));
    CHECK_EQ_I64(proxy_parse("https://proxy:443", &px), -NP_ENOTSUP);
    CHECK_EQ_I64(proxy_parse("socks5://proxy:1080", &px), -NP_ENOTSUP);
    CHECK_EQ_I64(proxy_parse("http://proxy:3128/path", &px), -NP_EINVAL);
    CHECK_EQ_I64(proxy_parse("http://proxy:3128/?q", &px), -NP_EINVAL);
    CHECK_EQ_I64(proxy_parse("http://proxy:0", &px), -NP_EINVAL);
    CHECK_EQ_I64(proxy_parse("http://proxy:99999", &px), -NP_EINVAL);
    CHECK(proxy_parse("proxy:3128", &px) < 0);    /* not a URL */
    CHECK_EQ_I64(proxy_parse("http://[::1]:3128", &px), -NP_EAFNOSUPPORT);
    CHECK(!px.host[0]);     /* a refused proxy= leaves nothing half-filled */
    /* Credentials past PROXY_BASIC_MAX: refused, none kept. */
    static char lng[2048];
    memcpy(lng, "http://u:", 9);
    memset(lng + 9, 'x', 900);
    memcpy(lng + 909, "@p:1", 5);
    CHECK_EQ_I64(proxy_parse(lng, &px), -NP_EOVERFLOW);
    CHECK(!px.basic[0]);
    CHECK(proxy_strerror(-NP_ENOTSUP) != NULL);
    /* A 407's words depend on whether proxy= carried credentials. */
    CHECK_EQ_I64(proxy_parse("http://alice:s3cret@proxy:8080", &px), 0);
    CHECK(!strcmp(proxy_auth_words(&px), "refused the credentials of proxy="));
    CHECK_EQ_I64(proxy_parse("http://proxy:8080", &px), 0);
    CHECK(!strncmp(proxy_auth_words(&px), "needs credentials", 17));
}

static void test_targets(void)
{
    char buf[128];
    CHECK_EQ_I64(proxy_absolute_prefix(buf, sizeof(buf), "example.org", 80), 18);
    CHECK(!strcmp(buf, "http://example.org"));
    CHECK_EQ_I64(proxy_absolute_prefix(buf, sizeof(buf), "10.0.2.2", 8080), 20);
    CHECK(!strcmp(buf, "http://10.0.2.2:8080"));
    CHECK_EQ_I64(proxy_absolute_prefix(buf, 10, "example.org", 80), -NP_EOVERFLOW);
    int n = proxy_connect_request(buf, sizeof(buf), "example.org", 443, "", "np/1");
    CHECK(n > 0);
    CHECK(!strcmp(buf, "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\nUser-Agent: np/1\r\n\r\n"));
    n = proxy_connect_request(buf, sizeof(buf), "10.0.2.2", 8443, "YTpi", "np/1");
    CHECK(!strcmp(buf, "CONNECT 10.0.2.2:8443 HTTP/1.1\r\nHost: 10.0.2.2:8443\r\n"
                       "Proxy-Authorization: Basic YTpi\r\nUser-Agent: np/1\r\n\r\n"));
    CHECK_EQ_I64(proxy_connect_request(buf, 40, "example.org", 443, "", "np/1"), -NP_EOVERFLOW);
}

static struct proxy_resp r;

/* Feeds s in pieces of step bytes; the verdict and the bytes taken in all. */
static int feed(const char *s, size_t step, size_t *taken)
{
    size_t n = strlen(s), at = 0;
    int v = 0;
    proxy_resp_init(&r);
    *taken = 0;
    while (at < n && v == 0) {
        size_t k = n - at < step ? n - at : step, used;
        v = proxy_resp_feed(&r, (const uint8_t *)s + at, k, &used);
        if (v >= 0)
            *taken += used;
        at += k;
    }
    return v;
}

static void test_answer(void)
{
    static const char ok[] = "HTTP/1.1 200 Connection established\r\nProxy-Agent: tinyproxy/1.11.1\r\n\r\n";
    size_t taken;
    for (size_t step = 1; step <= sizeof(ok); step++) {
        CHECK_EQ_I64(feed(ok, step, &taken), 1);
        CHECK_EQ_U64(taken, sizeof(ok) - 1);
        CHECK_EQ_I64(r.status, 200);
        CHECK(!strcmp(r.reason, "Connection established"));
    }
    /* Bytes past the head are not taken: they belong to the tunnel (or a 407's body). */
    CHECK_EQ_I64(feed("HTTP/1.0 200 OK\r\n\r\n\x16\x03\x03", 64, &taken), 1);
    CHECK_EQ_U64(taken, 19);
    CHECK_EQ_I64(feed("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n"
                      "Content-Length: 5\r\n\r\nabcde", 7, &taken), 1);
    CHECK_EQ_I64(r.status, 407);
    CHECK(!strcmp(r.reason, "Proxy Authentication Required"));
    /* Bare LF line ends (RFC 9112 2.2), no reason, an interim 100 first. */
    CHECK_EQ_I64(feed("HTTP/1.1 403\n\n", 3, &taken), 1);
    CHECK_EQ_I64(r.status, 403);
    CHECK(!r.reason[0]);
    CHECK_EQ_I64(feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 5, &taken), 1);
    CHECK_EQ_I64(r.status, 200);
    CHECK_EQ_U64(taken, 44);
    /* A control byte in the reason never reaches the console. */
    CHECK_EQ_I64(feed("HTTP/1.1 502 Bad\x1b[2J\r\n\r\n", 100, &taken), 1);
    CHECK(!strcmp(r.reason, "Bad?[2J"));
    /* Not complete yet. */
    CHECK_EQ_I64(feed("HTTP/1.1 200 OK\r\n", 4, &taken), 0);
    /* Not HTTP. */
    CHECK_EQ_I64(feed("SSH-2.0-OpenSSH\r\n\r\n", 100, &taken), -NP_EBADMSG);
    CHECK_EQ_I64(feed("HTTP/1.1 20x OK\r\n\r\n", 100, &taken), -NP_EBADMSG);
    CHECK_EQ_I64(feed("HTTP/1.1 099 X\r\n\r\n", 100, &taken), -NP_EBADMSG);
    CHECK_EQ_I64(feed("HTTP/1.1 2000 X\r\n\r\n", 100, &taken), -NP_EBADMSG);
    CHECK_EQ_I64(feed("HTTP/2 200\r\n\r\n", 100, &taken), -NP_EBADMSG);
    CHECK_EQ_I64(feed("\r\n\r\n", 100, &taken), -NP_EBADMSG);
    /* A head that never ends: refused at PROXY_HEAD_MAX, not read forever. */
    static char big[PROXY_HEAD_MAX + 100];
    memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
    for (size_t i = 17; i < sizeof(big) - 1; i++)
        big[i] = (i % 60 == 59) ? '\n' : 'h';
    CHECK_EQ_I64(feed(big, 1000, &taken), -NP_EOVERFLOW);
}

int main(void)
{
    TEST_RUN(test_parse);
    TEST_RUN(test_targets);
    TEST_RUN(test_answer);
    return test_finish();
}
