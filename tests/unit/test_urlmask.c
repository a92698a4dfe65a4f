/*
 * kernel/urlmask.c: no password reaches the console (issue 9, case 6: url=http://user:secret@...
 * was echoed twice, on the cmdline: line and the install: line). Every URL userinfo password
 * in a text becomes "***"; the rest is copied as it is; a cut copy holds no part of a secret.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/urlmask.h"
#include "test.h"

static void expect_mask(const char *in, const char *want)
{
    static char out[4096];
    size_t n = urlmask_copy(out, sizeof(out), in);
    if (!CHECK_STR(out, want))
        fprintf(stderr, "  urlmask_copy(\"%s\")\n", in);
    CHECK_EQ_U64(n, strlen(want));
    CHECK_STR(urlmask_str(in), want);
}

static void test_mask(void)
{
    /* the field report's command line */
    expect_mask("qemu_exit=on url=http://user:secret@10.0.2.2:8080/disk.raw sha256=ab",
                "qemu_exit=on url=http://user:***@10.0.2.2:8080/disk.raw sha256=ab");
    /* nothing to mask */
    expect_mask("", "");
    expect_mask("url=http://10.0.2.2:8080/disk.raw", "url=http://10.0.2.2:8080/disk.raw");
    expect_mask("url=http://user@h/x", "url=http://user@h/x");
    expect_mask("url=http://h/a:b@c", "url=http://h/a:b@c");     /* the path's, not userinfo */
    expect_mask("url=http://h?a:b@c", "url=http://h?a:b@c");
    expect_mask("url=http://h#a:b@c", "url=http://h#a:b@c");
    expect_mask("a:b@c d://e", "a:b@c d://e");
    /* every form of a password */
    expect_mask("http://u:p@h", "http://u:***@h");
    expect_mask("http://u:@h/", "http://u:***@h/");
    expect_mask("http://:p@h/", "http://:***@h/");
    expect_mask("http://u:p%40ss@h/", "http://u:***@h/");
    expect_mask("http://u:p@ss@h/", "http://u:***@h/");          /* the last '@' */
    expect_mask("http://u:a:b@h/", "http://u:***@h/");
    expect_mask("HTTPS://u:p@h:443/", "HTTPS://u:***@h:443/");
    expect_mask("//u:p@h/x", "//u:***@h/x");                      /* scheme-relative */
    expect_mask("ftp://u:p@h", "ftp://u:***@h");
    /* several URLs, quoted words, blanks and line ends around them */
    expect_mask("url=http://a:1@h/x config=http://b:2@k/${mac}",
                "url=http://a:***@h/x config=http://b:***@k/${mac}");
    expect_mask("url=\"http://a:1@h/x\"\tx=http://b:2@k\nhttp://c:3@m\r",
                "url=\"http://a:***@h/x\"\tx=http://b:***@k\nhttp://c:***@m\r");
    expect_mask("http://a:1@h://b:2@k", "http://a:***@h://b:***@k");
    expect_mask("url=http://a:1@h/?next=http://b:2@k/", "url=http://a:***@h/?next=http://b:***@k/");
    /* a colon only in the host part is a port */
    expect_mask("http://u@h:8080/", "http://u@h:8080/");
    expect_mask("http://h:8080/x", "http://h:8080/x");
}

/* Cut copies: snprintf's rules, and never a byte of the password. */
static void test_cut(void)
{
    const char *in = "url=http://user:secret@10.0.2.2:8080/disk.raw";
    const char *want = "url=http://user:***@10.0.2.2:8080/disk.raw";
    char out[64];
    for (size_t cap = 0; cap <= strlen(want) + 1; cap++) {
        memset(out, '#', sizeof(out));
        CHECK_EQ_U64(urlmask_copy(out, cap, in), strlen(want));
        if (cap) {
            CHECK(strlen(out) == cap - 1 && strncmp(out, want, cap - 1) == 0);
            CHECK(strstr(out, "sec") == NULL);
        }
        CHECK(out[cap] == '#');     /* nothing past cap */
    }
}

/* The longest input: a whole command line of passwords still fits URLMASK_CAP. */
static void test_growth(void)
{
    static char in[CMDLINE_MAX_LEN], out[URLMASK_CAP(CMDLINE_MAX_LEN)];
    size_t n = 0;
    while (n + 5 < sizeof(in))
        memcpy(in + n, "//:@ ", 5), n += 5;
    in[n] = '\0';
    size_t len = urlmask_copy(out, sizeof(out), in);
    CHECK(len < sizeof(out));
    CHECK_EQ_U64(len, n / 5 * 8);
    CHECK(strncmp(out, "//:***@ //:***@ ", 16) == 0);
    CHECK_EQ_U64(strlen(urlmask_str(in)), len);
}

static void hmask(const char *in, const char *want)
{
    char out[512];
    size_t n = headermask_copy(out, sizeof(out), in);
    CHECK_STR(out, want);
    CHECK_EQ_U64(n, strlen(want));
}

/* header= values are hidden, the name stays; other words and look-alikes are left alone. */
static void test_header(void)
{
    hmask("url=http://h/x header=\"Authorization: Bearer abc.def\" then=halt",
          "url=http://h/x header=\"Authorization: ***\" then=halt");
    hmask("header=X-Token:s3cret", "header=X-Token: ***");
    hmask("header=\"A: 1\" header=\"B: 2\"", "header=\"A: ***\" header=\"B: ***\"");
    hmask("xheader=A:1 header=noColon", "xheader=A:1 header=noColon");
    hmask("header=\"A: unterminated", "header=\"A: ***");
    hmask("", "");
    /* The full console line masks both kinds. */
    CHECK_STR(urlmask_str("url=http://u:pw@h/ header=\"Authorization: Bearer t\""),
              "url=http://u:***@h/ header=\"Authorization: ***\"");
    /* Cut copies never hold part of a value. */
    char small[20];
    headermask_copy(small, sizeof(small), "header=\"Authorization: Bearer abc\"");
    CHECK(strstr(small, "Bearer") == NULL);
}

int main(void)
{
    TEST_RUN_ISOLATED(test_mask);
    TEST_RUN_ISOLATED(test_cut);
    TEST_RUN_ISOLATED(test_growth);
    TEST_RUN_ISOLATED(test_header);
    return test_finish();
}
