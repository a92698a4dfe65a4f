/* net/http/hdropt.c: header= lines checked before they reach the wire. */
#include "kernel/errno.h"
#include "net/http/hdropt.h"
#include "net/http/http_config.h"
#include "tests/unit/test.h"

static void test_lines(void)
{
    CHECK_EQ_I64(hdropt_check("Authorization: Bearer abc.def-ghi"), 0);
    CHECK_EQ_I64(hdropt_check("X-Api-Key:k"), 0);
    CHECK_EQ_I64(hdropt_check("X-Empty:"), 0);
    CHECK_EQ_I64(hdropt_check("X-Tab:\ta\tb"), 0);
    CHECK_EQ_I64(hdropt_check(""), -NP_EINVAL);
    CHECK_EQ_I64(hdropt_check(": value"), -NP_EINVAL);
    CHECK_EQ_I64(hdropt_check("No colon"), -NP_EINVAL);
    CHECK_EQ_I64(hdropt_check("Bad Name: x"), -NP_EINVAL);
    CHECK_EQ_I64(hdropt_check("X-A: a\r\nHost: evil"), -NP_EINVAL);   /* no header smuggling */
    CHECK_EQ_I64(hdropt_check("X-A: a\nb"), -NP_EINVAL);
    CHECK_EQ_I64(hdropt_check("X-A: \x7f"), -NP_EINVAL);
    CHECK_EQ_I64(hdropt_check("Host: other"), -NP_EPERM);
    CHECK_EQ_I64(hdropt_check("range: bytes=0-"), -NP_EPERM);
    CHECK_EQ_I64(hdropt_check("If-Range: x"), -NP_EPERM);
    CHECK_EQ_I64(hdropt_check("CONNECTION: close"), -NP_EPERM);
    CHECK_EQ_I64(hdropt_check("Content-Length: 0"), -NP_EPERM);
    CHECK_EQ_I64(hdropt_check("Transfer-Encoding: chunked"), -NP_EPERM);
    CHECK_EQ_I64(hdropt_check("proxy-authorization: Basic eDp5"), -NP_EPERM);
    CHECK_EQ_I64(hdropt_check("Hostname: fine"), 0);
}

static void test_is(void)
{
    CHECK(hdropt_is("authorization: x", "Authorization"));
    CHECK(hdropt_is("AUTHORIZATION:x", "Authorization"));
    CHECK(!hdropt_is("Authorization2: x", "Authorization"));
    CHECK(!hdropt_is("Author: x", "Authorization"));
    CHECK(!hdropt_is("", "Authorization"));
}

/* http_config_has_auth: an Authorization among header= replaces a URL's Basic credentials. */
static void test_has_auth(void)
{
    static const char *const lines[] = { "X-Trace: 1", "authorization: Bearer t" };
    CHECK(http_config_has_auth(lines, 2));
    CHECK(!http_config_has_auth(lines, 1));
    CHECK(!http_config_has_auth(NULL, 0));
    struct http_config c = { .headers = lines, .nheaders = 2 };
    http_configure(&c);
    CHECK(http_config_job()->headers == lines && http_config_job()->nheaders == 2 && !http_config_job()->proxy);
}

int main(void)
{
    TEST_RUN(test_lines);
    TEST_RUN(test_is);
    TEST_RUN(test_has_auth);
    return test_finish();
}
