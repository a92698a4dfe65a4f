#include "net/http/url.h"

#include "kernel/errno.h"
#include "kernel/string.h"

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static bool has_prefix_ci(const char *s, const char *p)
{
    for (; *p; s++, p++)
        if (lower(*s) != *p)        /* p is lower case */
            return false;
    return true;
}

static bool host_eq(const char *a, const char *b)
{
    for (; *a && lower(*a) == lower(*b); a++, b++)
        ;
    return lower(*a) == lower(*b);
}

/* Printable ASCII without spaces: what may go on the request line and the Host header. */
static bool clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] >= 0x7F)
            return false;
    return true;
}

static int hex_value(char c)
{
    c = lower(c);
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The next byte of percent-encoded s[*i, n) (RFC 3986 2.1): 0-255; -1 at the end; -2: malformed. */
static int pct_next(const char *s, size_t n, size_t *i)
{
    if (*i >= n)
        return -1;
    if (s[*i] != '%')
        return (uint8_t)s[(*i)++];
    int h = n - *i >= 3 ? hex_value(s[*i + 1]) : -1, l = h < 0 ? -1 : hex_value(s[*i + 2]);
    if (l < 0)
        return -2;
    *i += 3;
    return h << 4 | l;
}

/*
 * The userinfo "user[:password]": unreserved, sub-delims, ':' and percent-encoding (RFC 3986
 * 3.2.1; and '@', the last one ending it), nothing else, so that kernel/urlmask.c finds all of
 * it; once decoded, no control characters and no ':' in the user (RFC 7617 2).
 */
static bool userinfo_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && NP_STRFN(strchr)("-._~!$&'()*+,;=:@%", c));
}

static int userinfo_check(const char *s, size_t n, size_t *user_len)
{
    const char *colon = NP_STRFN(memchr)(s, ':', n);
    *user_len = colon ? (size_t)(colon - s) : n;
    for (size_t i = 0; i < n; i++)
        if (!userinfo_char(s[i]))
            return -NP_EINVAL;
    for (size_t i = 0; i < n;) {
        bool in_user = i < *user_len;
        int c = pct_next(s, n, &i);
        if (c < 0x20 || c == 0x7F || (c == ':' && in_user))
            return -NP_EINVAL;
    }
    return 0;
}

static int port_parse(const char *p, const char *end, uint16_t *port)
{
    uint32_t v = 0;
    if (p == end)
        return -NP_EINVAL;
    for (; p < end; p++)
        if (*p < '0' || *p > '9' || (v = v * 10 + (uint32_t)(*p - '0')) > 65535)
            return -NP_EINVAL;
    if (!v)
        return -NP_EINVAL;
    *port = (uint16_t)v;
    return 0;
}

/* Puts the userinfo and the path into u->text; -NP_EOVERFLOW if they do not fit. */
static int text_set(struct url *u, const char *ui, size_t ui_len, size_t user_len,
                    const char *dir, size_t dir_len, const char *path, size_t path_len)
{
    bool slash = !dir_len && path[0] != '/';    /* "http://h?q" asks for "/?q" */
    if (ui_len + 1 + slash + dir_len + path_len + 1 > sizeof(u->text))
        return -NP_EOVERFLOW;
    NP_STRFN(memmove)(u->text, ui, ui_len);
    u->text[ui_len] = '\0';
    u->userinfo_len = ui_len;
    u->user_len = user_len;
    u->path_at = ui_len + 1;
    char *p = u->text + u->path_at;
    if (slash)
        *p++ = '/';
    NP_STRFN(memcpy)(p, dir, dir_len);
    NP_STRFN(memcpy)(p + dir_len, path, path_len);
    p[dir_len + path_len] = '\0';
    return clean(u->text + u->path_at, slash + dir_len + path_len) ? 0 : -NP_EINVAL;
}

/* The fragment is never sent to the server (RFC 9110 7.1). */
static size_t without_fragment(const char *s)
{
    const char *frag = NP_STRFN(strchr)(s, '#');
    return frag ? (size_t)(frag - s) : NP_STRFN(strlen)(s);
}

/* Parses what follows "http://" or "https://" (u->tls set): [userinfo@]host[:port][path][?query][#fragment]. */
static int parse_authority_path(const char *a, struct url *u)
{
    const char *end = a;
    while (*end && *end != '/' && *end != '?' && *end != '#')
        end++;
    const char *h = a, *at = NULL;
    for (const char *p = a; p < end; p++)
        if (*p == '@')
            at = p;     /* the last '@': one in an unencoded password is not the host's */
    size_t ui_len = 0, user_len = 0;
    if (at) {
        ui_len = (size_t)(at - a);
        if (userinfo_check(a, ui_len, &user_len))
            return -NP_EINVAL;
        h = at + 1;
    }
    if (*h == '[')
        return -NP_EAFNOSUPPORT;
    const char *colon = NP_STRFN(memchr)(h, ':', (size_t)(end - h));
    u->port = u->tls ? 443 : 80;
    if (colon && port_parse(colon + 1, end, &u->port))
        return -NP_EINVAL;
    size_t hlen = (size_t)((colon ? colon : end) - h);
    if (!hlen || hlen >= sizeof(u->host) || !clean(h, hlen) || NP_STRFN(memchr)(h, '[', hlen) ||
        NP_STRFN(memchr)(h, ']', hlen))
        return -NP_EINVAL;
    NP_STRFN(memcpy)(u->host, h, hlen);
    u->host[hlen] = '\0';
    return text_set(u, a, ui_len, user_len, "", 0, end, without_fragment(end));
}

int url_parse(const char *s, struct url *u)
{
    bool tls = s && has_prefix_ci(s, "https://");
    if (!s || (!tls && !has_prefix_ci(s, "http://")))
        return s && NP_STRFN(strstr)(s, "://") ? -NP_ENOTSUP : -NP_EINVAL;
    if (NP_STRFN(strnlen)(s, URL_MAX + 1) > URL_MAX)
        return -NP_EOVERFLOW;
    u->tls = tls;
    return parse_authority_path(s + (tls ? 8 : 7), u);
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

/* A Location naming a server: base's credentials go along only to base's own server. */
static int resolve_server(const struct url *base, const char *loc, struct url *out)
{
    if (loc[0] == '/')
        out->tls = base->tls;   /* scheme-relative: the base's scheme */
    int err = loc[0] == '/' ? parse_authority_path(loc + 2, out) : url_parse(loc, out);
    if (err || out->userinfo_len || !host_eq(out->host, base->host) || out->port != base->port ||
        out->tls != base->tls)
        return err;
    size_t ui = base->userinfo_len, n = NP_STRFN(strlen)(url_path(out));
    if (ui + 1 + n + 1 > sizeof(out->text))
        return -NP_EOVERFLOW;
    NP_STRFN(memmove)(out->text + ui + 1, url_path(out), n + 1);
    NP_STRFN(memcpy)(out->text, base->text, ui + 1);
    out->userinfo_len = ui;
    out->user_len = base->user_len;
    out->path_at = ui + 1;
    return 0;
}

int url_resolve(const struct url *base, const char *loc, struct url *out)
{
    if (!loc || !*loc || out == base)
        return -NP_EINVAL;
    if (NP_STRFN(strnlen)(loc, URL_MAX + 1) > URL_MAX)
        return -NP_EOVERFLOW;
    if (has_scheme(loc) || (loc[0] == '/' && loc[1] == '/'))
        return resolve_server(base, loc, out);
    /* A path: same server, same credentials. */
    out->tls = base->tls;
    NP_STRFN(memcpy)(out->host, base->host, sizeof(out->host));
    out->port = base->port;
    const char *bpath = url_path(base);
    size_t dir = 0;
    if (loc[0] != '/') {    /* relative: replace everything after the base path's last '/' */
        const char *q = NP_STRFN(strchr)(bpath, '?');
        dir = q ? (size_t)(q - bpath) : NP_STRFN(strlen)(bpath);
        while (dir && bpath[dir - 1] != '/')
            dir--;
    }
    return text_set(out, base->text, base->userinfo_len, base->user_len, bpath, dir, loc,
                    without_fragment(loc));
}

const char *url_strerror(int err)
{
    switch (err) {
    case -NP_ENOTSUP: return "only http:// and https:// URLs are supported";
    case -NP_EAFNOSUPPORT: return "IPv6 is not supported";
    case -NP_EOVERFLOW: return "the URL is longer than 65536 bytes";
    default: return "the URL is malformed";
    }
}

int url_basic_credentials(const struct url *u, char *out, size_t cap)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *s = u->text;
    size_t n = u->userinfo_len, i = 0, o = 0;
    bool colon = !url_has_password(u);      /* "user@": an empty password after a ':' */
    if (!n)
        return -NP_ENOENT;
    for (;;) {
        uint32_t v = 0;
        int got = 0, c;
        while (got < 3 && ((c = pct_next(s, n, &i)) >= 0 || (c == -1 && colon))) {
            if (c == -1)
                c = ':', colon = false;
            v |= (uint32_t)c << (16 - 8 * got++);
        }
        if (c == -2)
            return -NP_EINVAL;
        if (!got)
            break;
        if (cap - o < 5)
            return -NP_EOVERFLOW;
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = got > 1 ? b64[v >> 6 & 63] : '=';
        out[o++] = got > 2 ? b64[v & 63] : '=';
        if (got < 3)
            break;
    }
    if (cap - o < 1)
        return -NP_EOVERFLOW;
    out[o] = '\0';
    return 0;
}

bool url_default_port(const struct url *u)
{
    return u->port == (u->tls ? 443 : 80);
}
