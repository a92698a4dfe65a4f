/*
 * libFuzzer target: url_parse and url_resolve (net/http/url.c) on any strings. The input is
 * a base URL, a NUL, and a Location (a base that does not parse is replaced by a fixed one).
 * Whatever they accept must be sendable as is:
 *  - the result is 0, -NP_EINVAL or -NP_ENOTSUP;
 *  - host: not empty, shorter than URL_HOST_MAX, printable ASCII without spaces, and none of
 *    the characters that end a host or that we refuse in one (/ ? # @ [ :); port not 0;
 *  - path: starts with '/', shorter than URL_PATH_MAX, printable ASCII without spaces, no
 *    fragment ('#': never sent);
 *  - url_parse accepted only "http://" (any case) followed by the host;
 *  - "http://HOST:PORT" + PATH parses back to the same URL;
 *  - a Location that is a path ("/x", not "//x") keeps the base's host and port.
 * Crashes, sanitizer reports and broken rules (abort) are findings.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kernel/errno.h"
#include "net/http/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

static bool clean(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7F)
            return false;
    return true;
}

static void check_url(const struct url *u)
{
    size_t hl = strnlen(u->host, sizeof(u->host)), pl = strnlen(u->path, sizeof(u->path));
    REQUIRE(hl > 0 && hl < sizeof(u->host));
    REQUIRE(pl > 0 && pl < sizeof(u->path));
    REQUIRE(clean(u->host));
    REQUIRE(clean(u->path));
    REQUIRE(strpbrk(u->host, "/?#@[:") == NULL);
    REQUIRE(u->path[0] == '/');
    REQUIRE(strchr(u->path, '#') == NULL);
    REQUIRE(u->port != 0);

    /* It prints and parses back to itself. */
    static char s[URL_HOST_MAX + URL_PATH_MAX + 16];
    struct url again;
    snprintf(s, sizeof(s), "http://%s:%u%s", u->host, u->port, u->path);
    REQUIRE(url_parse(s, &again) == 0);
    REQUIRE(strcmp(again.host, u->host) == 0 && again.port == u->port && strcmp(again.path, u->path) == 0);
}

/* An exact-size copy of [p, p+n) with a NUL: a read past the string's end is an ASan report. */
static char *cstr(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t blen = nul ? (size_t)(nul - data) : size;
    char *base = cstr(data, blen);
    char *loc = nul ? cstr(nul + 1, size - blen - 1) : NULL;

    struct url u, out;
    int err = url_parse(base, &u);
    REQUIRE(err == 0 || err == -NP_EINVAL || err == -NP_ENOTSUP);
    if (err == 0) {
        REQUIRE(strncasecmp(base, "http://", 7) == 0);
        check_url(&u);
    } else {
        REQUIRE(url_parse("http://base.example:8080/dir/file?q=1", &u) == 0);
    }

    if (loc) {
        err = url_resolve(&u, loc, &out);
        REQUIRE(err == 0 || err == -NP_EINVAL || err == -NP_ENOTSUP);
        if (err == 0) {
            check_url(&out);
            if (loc[0] == '/' && loc[1] != '/')
                REQUIRE(strcmp(out.host, u.host) == 0 && out.port == u.port);
        }
    }
    free(base);
    free(loc);
    return 0;
}
