/*
 * libFuzzer target: url_parse, url_resolve and url_basic_credentials (net/http/url.c) on any
 * strings, and the console's masking of what they accept (kernel/urlmask.c). The input is a
 * base URL, a NUL, and a Location (a base that does not parse is replaced by a fixed one).
 * Whatever they accept must be sendable as is:
 *  - the result is 0, -NP_EINVAL, -NP_ENOTSUP, -NP_EAFNOSUPPORT or -NP_EOVERFLOW;
 *  - host: not empty, shorter than URL_HOST_MAX, printable ASCII without spaces, and none of
 *    the characters that end a host or that we refuse in one (/ ? # @ [ ] :); port not 0;
 *  - path: starts with '/', at most URL_MAX bytes, printable ASCII without spaces, no
 *    fragment ('#': never sent);
 *  - userinfo: printable, no / ? #, the user without ':'; its Basic credentials encode;
 *  - url_parse accepted only "http://" or "https://" (any case; tls says which) followed by
 *    the authority;
 *  - "SCHEME://USERINFO@HOST:PORT" + PATH parses back to the same URL, and masks to
 *    "SCHEME://USER:***@HOST:PORT" + PATH when there is a password;
 *  - a Location that is a path ("/x", not "//x") keeps the base's scheme, host, port and userinfo;
 *  - credentials never go to another server: userinfo on a result whose scheme, host or port
 *    differs from the base's came with the Location itself.
 * Crashes, sanitizer reports and broken rules (abort) are findings.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kernel/errno.h"
#include "kernel/urlmask.h"
#include "net/http/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

static bool clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7F)
            return false;
    return true;
}

static void check_userinfo(const struct url *u)
{
    static char basic[URL_BASIC_MAX];
    const char *ui = u->text;
    REQUIRE(u->user_len <= u->userinfo_len && strlen(ui) == u->userinfo_len);
    REQUIRE(clean(ui, u->userinfo_len));
    REQUIRE(!memchr(ui, '/', u->userinfo_len) && !memchr(ui, '?', u->userinfo_len) &&
            !memchr(ui, '#', u->userinfo_len));
    REQUIRE(!memchr(ui, ':', u->user_len));
    REQUIRE(u->user_len == u->userinfo_len || ui[u->user_len] == ':');
    int err = url_basic_credentials(u, basic, sizeof(basic));
    REQUIRE(u->userinfo_len ? err == 0 : err == -NP_ENOENT);
    if (!err)
        REQUIRE(strlen(basic) % 4 == 0 && strlen(basic) <= 4 * ((u->userinfo_len + 3) / 3));
}

static void check_url(const struct url *u)
{
    const char *path = url_path(u);
    size_t hl = strnlen(u->host, sizeof(u->host)), pl = strlen(path);
    REQUIRE(hl > 0 && hl < sizeof(u->host));
    REQUIRE(pl > 0 && pl <= URL_MAX);
    REQUIRE(clean(u->host, hl));
    REQUIRE(clean(path, pl));
    REQUIRE(strpbrk(u->host, "/?#@[]:") == NULL);
    REQUIRE(path[0] == '/');
    REQUIRE(strchr(path, '#') == NULL);
    REQUIRE(u->port != 0);
    check_userinfo(u);

    /* It prints and parses back to itself, and the console shows no password. */
    static char s[URL_MAX + 2 * URL_HOST_MAX], masked[URLMASK_CAP(sizeof(s))], want[sizeof(masked)];
    static struct url again;
    const char *scheme = u->tls ? "https" : "http";
    int n = snprintf(s, sizeof(s), "%s://%s%s%s:%u%s", scheme, u->text, u->userinfo_len ? "@" : "", u->host,
                     u->port, path);
    if (n >= (int)sizeof(s) || n > URL_MAX)
        return;
    REQUIRE(url_parse(s, &again) == 0);
    REQUIRE(strcmp(again.host, u->host) == 0 && again.port == u->port && again.tls == u->tls &&
            strcmp(url_path(&again), path) == 0 && strcmp(again.text, u->text) == 0);
    urlmask_copy(masked, sizeof(masked), s);
    snprintf(want, sizeof(want), "%s://%.*s%s%s%s:%u", scheme, (int)u->user_len, u->text,
             url_has_password(u) ? ":***" : "", u->userinfo_len ? "@" : "", u->host, u->port);
    REQUIRE(strncmp(masked, want, strlen(want)) == 0);
}

static bool host_eq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

/* An exact-size copy of [p, p+n) with a NUL: a read past the string's end is an ASan report. */
static char *cstr(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static bool url_err(int err)
{
    return err == 0 || err == -NP_EINVAL || err == -NP_ENOTSUP || err == -NP_EAFNOSUPPORT ||
           err == -NP_EOVERFLOW;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct url u, out;
    const uint8_t *nul = memchr(data, 0, size);
    size_t blen = nul ? (size_t)(nul - data) : size;
    char *base = cstr(data, blen);
    char *loc = nul ? cstr(nul + 1, size - blen - 1) : NULL;

    int err = url_parse(base, &u);
    REQUIRE(url_err(err));
    if (err == 0) {
        REQUIRE(u.tls ? strncasecmp(base, "https://", 8) == 0 : strncasecmp(base, "http://", 7) == 0);
        check_url(&u);
    } else {
        REQUIRE(url_parse("http://user:pw@base.example:8080/dir/file?q=1", &u) == 0);
    }

    if (loc) {
        err = url_resolve(&u, loc, &out);
        REQUIRE(url_err(err));
        if (err == 0) {
            check_url(&out);
            bool same = host_eq(out.host, u.host) && out.port == u.port && out.tls == u.tls;
            if (loc[0] == '/' && loc[1] != '/')
                REQUIRE(same && strcmp(out.host, u.host) == 0 && strcmp(out.text, u.text) == 0);
            if (out.userinfo_len && !same)
                REQUIRE(strchr(loc, '@') != NULL);
        }
    }
    free(base);
    free(loc);
    return 0;
}
