#include "install/sums.h"

#include <stdbool.h>

#include "kernel/errno.h"
#include "kernel/string.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Letters, digits, '-' and '/': "SHA256", "BLAKE2b-256", "SHA512/256". */
static bool is_tag(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '-' || c == '/';
}

/* The name as the line has it, unescaped when the line started with '\': 0 or -NP_EBADMSG. */
static int copy_name(const char *s, size_t n, bool escaped, char out[SUMS_NAME_MAX])
{
    size_t o = 0;
    if (!n)
        return -NP_EBADMSG;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (escaped && c == '\\') {
            char e = ++i < n ? s[i] : 0;
            c = e == '\\' ? '\\' : e == 'n' ? '\n' : e == 'r' ? '\r' : '\0';
        }
        if (c == '\0' || o + 1 >= SUMS_NAME_MAX)
            return -NP_EBADMSG;     /* a NUL, an unknown escape, or too long */
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

/* The digest in hex for alg: 1 (an entry) or -NP_EBADMSG. */
static int take_digest(struct sums_entry *e, enum digest_alg alg, const char *hex, size_t n)
{
    return digest_parse_hex(hex, n, alg, &e->digest) ? -NP_EBADMSG : 1;
}

/* "HEX  NAME", "HEX *NAME" or "HEX NAME": the digest's length says the algorithm. */
static int parse_gnu(const char *s, size_t n, bool escaped, struct sums_entry *e)
{
    size_t h = 0;
    while (h < n && is_hex(s[h]))
        h++;
    if (!h || h == n || !is_blank(s[h]))
        return -NP_EBADMSG;
    size_t i = h + 1;
    if (i < n && (s[i] == ' ' || s[i] == '*'))  /* text or binary mode: the same bytes here */
        i++;
    if (copy_name(s + i, n - i, escaped, e->name))
        return -NP_EBADMSG;
    if (h == 64 || h == 128)
        return take_digest(e, h == 64 ? DIGEST_SHA256 : DIGEST_SHA512, s, h);
    /* MD5, SHA-1, SHA-224, SHA-384: a real line, but not one netplant checks. */
    return h == 32 || h == 40 || h == 56 || h == 96 ? -NP_ENOTSUP : -NP_EBADMSG;
}

/* "TAG (NAME) = HEX"; the name ends at the last ") = ", as names may hold one themselves. */
static int parse_bsd(const char *s, size_t n, bool escaped, struct sums_entry *e)
{
    size_t t = 0, close = 0;
    while (t < n && is_tag(s[t]))
        t++;
    if (!t || n - t < 2 || s[t] != ' ' || s[t + 1] != '(')
        return -NP_EBADMSG;
    for (size_t k = t + 2; k + 4 <= n; k++)
        if (NP_STRFN(memcmp)(s + k, ") = ", 4) == 0)
            close = k;
    if (!close || copy_name(s + t + 2, close - (t + 2), escaped, e->name))
        return -NP_EBADMSG;
    const char *hex = s + close + 4;
    size_t h = n - (close + 4);
    for (size_t k = 0; k < h; k++)
        if (!is_hex(hex[k]))
            return -NP_EBADMSG;     /* base64 digests (cksum --base64) are not taken */
    if (!h)
        return -NP_EBADMSG;
    if (t == 6 && NP_STRFN(memcmp)(s, "SHA256", 6) == 0)
        return take_digest(e, DIGEST_SHA256, hex, h);
    if (t == 6 && NP_STRFN(memcmp)(s, "SHA512", 6) == 0)
        return take_digest(e, DIGEST_SHA512, hex, h);
    return -NP_ENOTSUP;
}

int sums_parse_line(const char *line, size_t len, struct sums_entry *e)
{
    size_t i = 0;
    if (len && line[len - 1] == '\r')
        len--;
    while (i < len && is_blank(line[i]))
        i++;
    if (i == len || line[i] == '#')
        return 0;
    bool escaped = line[i] == '\\';
    i += escaped;
    int r = parse_gnu(line + i, len - i, escaped, e);
    return r != -NP_EBADMSG ? r : parse_bsd(line + i, len - i, escaped, e);
}

static bool name_matches(const char *listed, const char *name)
{
    if (listed[0] == '.' && listed[1] == '/')
        listed += 2;
    return NP_STRFN(strcmp)(listed, name) == 0;
}

/* Adds a name to "a, b, c" for the error, control bytes shown as '?'; "..." once full. */
static void list_name(struct sums_result *r, const char *name)
{
    size_t o = NP_STRFN(strlen)(r->listed), n = NP_STRFN(strlen)(name);
    if (r->listed_more)
        return;
    if (o + 2 + n + 5 >= SUMS_LISTED_MAX) {     /* room for ", " name ", ..." and the NUL */
        np_strlcpy(r->listed + o, o ? ", ..." : "...", SUMS_LISTED_MAX - o);
        r->listed_more = true;
        return;
    }
    if (o) {
        r->listed[o++] = ',';
        r->listed[o++] = ' ';
    }
    for (size_t i = 0; i < n; i++)
        r->listed[o++] = (unsigned char)name[i] < 0x20 || name[i] == 0x7F ? '?' : name[i];
    r->listed[o] = '\0';
}

int sums_find(const char *text, size_t len, const char *name, struct sums_result *r)
{
    static struct sums_entry e;     /* ~330 bytes: off the stack */
    bool found = false, unsupported = false;
    unsigned line = 0;
    NP_STRFN(memset)(r, 0, sizeof(*r));
    for (size_t at = 0; at < len;) {
        const char *nl = NP_STRFN(memchr)(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        int got = sums_parse_line(text + at, n, &e);
        at += n + 1;
        line++;
        if (got == 1 || got == -NP_ENOTSUP) {
            r->entries++;
            if (!name_matches(e.name, name)) {
                list_name(r, e.name);
                continue;
            }
        }
        if (got == -NP_ENOTSUP) {
            unsupported = true;
        } else if (got == 1 && !found) {
            r->entry = e;
            r->entry.line = line;
            found = true;
        } else if (got == 1 && e.digest.alg == r->entry.digest.alg &&
                   NP_STRFN(memcmp)(e.digest.bytes, r->entry.digest.bytes, digest_len(e.digest.alg))) {
            r->other_line = line;
            return -NP_EEXIST;
        }
    }
    return found ? 0 : unsupported ? -NP_ENOTSUP : -NP_ENOENT;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
}

int sums_url_name(const char *url, char *out, size_t cap)
{
    const char *p = NP_STRFN(strstr)(url, "://");
    if (!p || p == url || !cap)
        return -NP_EINVAL;
    p += 3;
    size_t end = 0, name = 0;
    while (p[end] && p[end] != '?' && p[end] != '#')
        end++;
    for (size_t i = 0; i < end; i++)
        if (p[i] == '/')
            name = i + 1;
    if (!name || name == 1)
        return -NP_EINVAL;      /* no path, or no host before it */
    size_t o = 0;
    for (size_t i = name; i < end; i++) {
        char c = p[i];
        if (c == '%') {
            int hi = i + 2 < end ? hex_value(p[i + 1]) : -1, lo = hi >= 0 ? hex_value(p[i + 2]) : -1;
            if (lo < 0)
                return -NP_EINVAL;
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if (o + 1 >= cap || (unsigned char)c < 0x20 || c == 0x7F)
            return -NP_EINVAL;  /* control bytes: no file is published so, and they break a log line */
        out[o++] = c;
    }
    out[o] = '\0';
    if (!o || NP_STRFN(strcmp)(out, ".") == 0 || NP_STRFN(strcmp)(out, "..") == 0)
        return -NP_EINVAL;
    return 0;
}
