#include "net/http/url.h"

#include "kernel/errno.h"
#include "kernel/string.h"

#include <stdbool.h>
#include <stddef.h>

static bool has_prefix_ci(const char *s, const char *p)
{
    for (; *p; s++, p++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;     /* p is lower case */
        if (c != *p)
            return false;
    }
    return true;
}

static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        return -NP_EINVAL;
    NP_STRFN(memcpy)(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* Printable ASCII without spaces: what may go on the request line and the Host header. */
static bool clean(const char *s)
{
    for (; *s; s++)
        if (*s <= ' ' || *s >= 0x7F)
            return false;
    return true;
}

int url_parse(const char *s, struct url *u)
{
    bool tls = s && has_prefix_ci(s, "https://");
    if (!s || (!tls && !has_prefix_ci(s, "http://")))
        return s && NP_STRFN(strstr)(s, "://") ? -NP_ENOTSUP : -NP_EINVAL;
    const char *h = s + (tls ? 8 : 7), *end = h;
    while (*end && *end != '/' && *end != '?' && *end != '#')
        end++;
    const char *colon = NP_STRFN(memchr)(h, ':', (size_t)(end - h));
    if (NP_STRFN(memchr)(h, '@', (size_t)(end - h)) || NP_STRFN(memchr)(h, '[', (size_t)(end - h)))
        return -NP_ENOTSUP;     /* credentials and IPv6 literals: not supported */
    u->tls = tls;
    u->port = tls ? 443 : 80;
    if (colon) {
        uint32_t port = 0;
        const char *p = colon + 1;
        if (p == end)
            return -NP_EINVAL;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9' || (port = port * 10 + (uint32_t)(*p - '0')) > 65535)
                return -NP_EINVAL;
        }
        if (!port)
            return -NP_EINVAL;
        u->port = (uint16_t)port;
    }
    size_t hlen = (size_t)((colon ? colon : end) - h);
    if (!hlen || copy_part(u->host, sizeof(u->host), h, hlen))
        return -NP_EINVAL;
    const char *frag = NP_STRFN(strchr)(end, '#');     /* never sent to the server */
    size_t plen = frag ? (size_t)(frag - end) : NP_STRFN(strlen)(end);
    int err = *end == '/' ? copy_part(u->path, sizeof(u->path), end, plen)
                          : (u->path[0] = '/', copy_part(u->path + 1, sizeof(u->path) - 1, end, plen));
    return err || !clean(u->host) || !clean(u->path) ? -NP_EINVAL : 0;
}

/* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'. */
static bool has_scheme(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (s++; *s != ':'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '+' || *s == '-' || *s == '.'))
            return false;
    return true;
}

int url_resolve(const struct url *base, const char *loc, struct url *out)
{
    if (!loc || !*loc)
        return -NP_EINVAL;
    if (has_scheme(loc))
        return url_parse(loc, out);
    const char *frag = NP_STRFN(strchr)(loc, '#');     /* never sent to the server */
    size_t n = frag ? (size_t)(frag - loc) : NP_STRFN(strlen)(loc);
    *out = *base;
    if (loc[0] == '/' && loc[1] == '/')
        return -NP_ENOTSUP;     /* scheme-relative: rare, and ambiguous for us */
    if (loc[0] == '/')
        return copy_part(out->path, sizeof(out->path), loc, n) || !clean(out->path)
               ? -NP_EINVAL : 0;
    /* Relative: replace everything after the base path's last '/'. */
    const char *q = NP_STRFN(strchr)(base->path, '?');
    size_t dir = q ? (size_t)(q - base->path) : NP_STRFN(strlen)(base->path);
    while (dir && base->path[dir - 1] != '/')
        dir--;
    if (copy_part(out->path + dir, sizeof(out->path) - dir, loc, n))
        return -NP_EINVAL;
    return clean(out->path) ? 0 : -NP_EINVAL;
}

bool url_default_port(const struct url *u)
{
    return u->port == (u->tls ? 443 : 80);
}
