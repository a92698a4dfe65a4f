/* Pure certificate-checking helpers (see tls_check.h). */
#include "net/tls/tls_check.h"

#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";

/* The first occurrence of needle in s[from, len), or len. */
static size_t find(const char *s, size_t len, size_t from, const char *needle)
{
    size_t n = NP_STRFN(strlen)(needle);
    for (size_t i = from; n <= len && i <= len - n; i++)
        if (s[i] == needle[0] && !NP_STRFN(memcmp)(s + i, needle, n))
            return i;
    return len;
}

int pem_next_cert(const char *s, size_t len, size_t *pos, size_t *begin, size_t *end)
{
    size_t b = find(s, len, *pos, pem_begin);
    if (b == len)
        return 0;
    size_t e = find(s, len, b + sizeof(pem_begin) - 1, pem_end);
    size_t next = find(s, len, b + sizeof(pem_begin) - 1, pem_begin);
    if (e == len || next < e)
        return -NP_EBADMSG;     /* a BEGIN without its END */
    *begin = b;
    *end = e + sizeof(pem_end) - 1;
    *pos = *end;
    return 1;
}

int pem_count_certs(const char *s, size_t len)
{
    size_t pos = 0, b, e;
    int n = 0, r;
    if (NP_STRFN(memchr)(s, '\0', len))
        return -NP_EBADMSG;     /* a binary file, or a DER certificate: not PEM */
    while ((r = pem_next_cert(s, len, &pos, &b, &e)) == 1)
        n++;
    if (r < 0)
        return r;
    return n ? n : -NP_ENOENT;
}

bool tls_parse_ipv4(const char *s, uint8_t ip[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;
        for (; *s >= '0' && *s <= '9'; s++, digits++) {
            v = v * 10 + (unsigned)(*s - '0');
            if (v > 255 || digits == 3)
                return false;
        }
        if (!digits || (digits > 1 && s[-(int)digits] == '0'))
            return false;       /* empty, or a leading zero (octal in some parsers) */
        ip[i] = (uint8_t)v;
        if (i < 3 && *s++ != '.')
            return false;
    }
    return *s == '\0';
}

bool tls_san_has_ip(const struct tls_san *s, size_t n, const uint8_t ip[4])
{
    for (size_t i = 0; i < n; i++)
        if (s[i].type == TLS_SAN_IP && s[i].len == 4 && !NP_STRFN(memcmp)(s[i].p, ip, 4))
            return true;
    return false;
}

/* Appends text to buf at *at; false (and "...") when it does not fit. */
static bool append(char *buf, size_t cap, size_t *at, const char *text, size_t n)
{
    if (*at + n + 4 > cap) {
        if (*at + 4 <= cap) {
            NP_STRFN(memcpy)(buf + *at, "...", 4);
            *at += 3;
        }
        return false;
    }
    NP_STRFN(memcpy)(buf + *at, text, n);
    *at += n;
    buf[*at] = '\0';
    return true;
}

/* Printable ASCII of a name from the certificate: anything else becomes '?'. */
static void clean_name(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t k = n < cap - 1 ? n : cap - 1;
    for (size_t i = 0; i < k; i++)
        out[i] = p[i] > ' ' && p[i] < 0x7F ? (char)p[i] : '?';
    out[k] = '\0';
}

void tls_names_format(const struct tls_san *s, size_t n, const char *cn, char *buf, size_t cap)
{
    char one[80], name[64];
    size_t at = 0, shown = 0;
    if (cap < 8)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (s[i].type == TLS_SAN_DNS) {
            clean_name(s[i].p, s[i].len, name, sizeof(name));
            np_snprintf(one, sizeof(one), "%sDNS:%s", shown ? ", " : "", name);
        } else if (s[i].type == TLS_SAN_IP && s[i].len == 4) {
            np_snprintf(one, sizeof(one), "%sIP:%u.%u.%u.%u", shown ? ", " : "", s[i].p[0], s[i].p[1],
                        s[i].p[2], s[i].p[3]);
        } else {
            continue;
        }
        if (!append(buf, cap, &at, one, NP_STRFN(strlen)(one)))
            return;
        shown++;
    }
    if (!shown && cn && *cn) {
        clean_name((const uint8_t *)cn, NP_STRFN(strlen)(cn), name, sizeof(name));
        np_snprintf(one, sizeof(one), "CN=%s", name);
        append(buf, cap, &at, one, NP_STRFN(strlen)(one));
    } else if (!shown) {
        append(buf, cap, &at, "no names", 8);
    }
}

enum tls_reason tls_reason_of(uint32_t flags)
{
    if (!flags)
        return TLS_OK;
    if (flags & TLS_BAD_NOT_TRUSTED)
        return TLS_UNKNOWN_ISSUER;
    if (flags & TLS_BAD_EXPIRED)
        return TLS_EXPIRED;
    if (flags & TLS_BAD_FUTURE)
        return TLS_NOT_YET_VALID;
    if (flags & TLS_BAD_NAME)
        return TLS_NAME_MISMATCH;
    if (flags & (TLS_BAD_MD | TLS_BAD_PK | TLS_BAD_KEY))
        return TLS_WEAK;
    if (flags & (TLS_BAD_KEY_USAGE | TLS_BAD_EXT_USAGE))
        return TLS_USAGE;
    return TLS_OTHER;
}

const char *tls_reason_text(enum tls_reason r)
{
    switch (r) {
    case TLS_OK: return "ok";
    case TLS_UNKNOWN_ISSUER: return "unknown issuer";
    case TLS_EXPIRED: return "certificate expired";
    case TLS_NOT_YET_VALID: return "certificate not yet valid";
    case TLS_NAME_MISMATCH: return "name mismatch";
    case TLS_WEAK: return "weak signature or key";
    case TLS_USAGE: return "certificate not for TLS servers";
    default: return "certificate rejected";
    }
}
