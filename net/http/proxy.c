/* proxy= (see proxy.h): parsing, request targets, the CONNECT exchange. Pure, host-tested. */
#include "net/http/proxy.h"

#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

int proxy_parse(const char *s, struct proxy *p)
{
    static struct url u;    /* 64 KiB: not on the stack */
    NP_STRFN(memset)(p, 0, sizeof(*p));
    int err = url_parse(s, &u);
    if (err)
        return err;
    if (u.tls)
        return -NP_ENOTSUP;
    if (NP_STRFN(strcmp)(url_path(&u), "/"))
        return -NP_EINVAL;      /* a proxy is a host and a port, nothing more */
    np_strlcpy(p->host, u.host, sizeof(p->host));
    p->port = u.port;
    if (!u.userinfo_len)
        return 0;
    size_t k = u.user_len < sizeof(p->user) - 1 ? u.user_len : sizeof(p->user) - 1;
    NP_STRFN(memcpy)(p->user, u.text, k);
    p->user[k] = '\0';
    if (url_basic_credentials(&u, p->basic, sizeof(p->basic))) {
        NP_STRFN(memset)(p, 0, sizeof(*p));
        return -NP_EOVERFLOW;
    }
    return 0;
}

const char *proxy_strerror(int err)
{
    switch (err) {
    case -NP_ENOTSUP: return "only http:// proxies are supported (CONNECT carries https)";
    case -NP_EOVERFLOW: return "the credentials are too long";
    case -NP_EAFNOSUPPORT: return "IPv6 is not supported";
    default: return "want http://[user:password@]host:port";
    }
}

const char *proxy_auth_words(const struct proxy *p)
{
    return p->basic[0] ? "refused the credentials of proxy=" : "needs credentials (proxy=http://user:password@...)";
}

static int fits(int n, size_t cap)
{
    return n >= 0 && (size_t)n < cap ? n : -NP_EOVERFLOW;
}

int proxy_absolute_prefix(char *buf, size_t cap, const char *host, uint16_t port)
{
    if (port == 80)
        return fits(np_snprintf(buf, cap, "http://%s", host), cap);
    return fits(np_snprintf(buf, cap, "http://%s:%u", host, port), cap);
}

int proxy_connect_request(char *buf, size_t cap, const char *host, uint16_t port, const char *basic,
                          const char *user_agent)
{
    bool auth = basic && basic[0];
    /* authority-form (RFC 9112 3.2.3): the port always, and Host the same (RFC 9110 7.2). */
    return fits(np_snprintf(buf, cap, "CONNECT %s:%u HTTP/1.1\r\nHost: %s:%u\r\n%s%s%sUser-Agent: %s\r\n\r\n",
                            host, port, host, port, auth ? "Proxy-Authorization: Basic " : "",
                            auth ? basic : "", auth ? "\r\n" : "", user_agent), cap);
}

void proxy_resp_init(struct proxy_resp *r)
{
    r->len = 0;
    r->status = 0;
    r->reason[0] = '\0';
}

/* The end of the head in r->head[0..len): the index after its blank line, or 0. */
static size_t head_end(const struct proxy_resp *r, size_t from)
{
    for (size_t i = from; i < r->len; i++) {
        if (r->head[i] != '\n' || i == 0)
            continue;
        if (r->head[i - 1] == '\n')
            return i + 1;
        if (r->head[i - 1] == '\r' && i >= 2 && r->head[i - 2] == '\n')
            return i + 1;
    }
    return 0;
}

/* "HTTP/1.x NNN reason": RFC 9112 4. 0 or -NP_EBADMSG. */
static int parse_status(struct proxy_resp *r)
{
    const char *h = r->head;
    if (r->len < 13 || NP_STRFN(memcmp)(h, "HTTP/1.", 7) || h[7] < '0' || h[7] > '9' || h[8] != ' ')
        return -NP_EBADMSG;
    int st = 0;
    for (int i = 9; i < 12; i++) {
        if (h[i] < '0' || h[i] > '9')
            return -NP_EBADMSG;
        st = st * 10 + (h[i] - '0');
    }
    if (st < 100 || st > 599 || (h[12] != ' ' && h[12] != '\r' && h[12] != '\n'))
        return -NP_EBADMSG;
    r->status = st;
    size_t k = 0;
    for (size_t i = 13; h[12] == ' ' && i < r->len && h[i] != '\r' && h[i] != '\n'; i++)
        if (k < sizeof(r->reason) - 1)
            r->reason[k++] = h[i] >= ' ' && h[i] < 0x7F ? h[i] : '?';   /* never a control byte on the console */
    r->reason[k] = '\0';
    return 0;
}

int proxy_resp_feed(struct proxy_resp *r, const uint8_t *p, size_t n, size_t *used)
{
    size_t taken = 0;
    *used = 0;
    while (taken < n) {
        size_t from = r->len ? r->len - 1 : 0;     /* a line end may straddle two feeds */
        size_t k = n - taken < sizeof(r->head) - r->len ? n - taken : sizeof(r->head) - r->len;
        NP_STRFN(memcpy)(r->head + r->len, p + taken, k);
        r->len += k;
        size_t end = head_end(r, from > 2 ? from - 2 : 0);
        if (!end) {
            taken += k;
            if (r->len == sizeof(r->head))
                return -NP_EOVERFLOW;
            continue;
        }
        taken += k - (r->len - end);    /* what lies past the head is not ours */
        r->len = end;
        int err = parse_status(r);
        if (err)
            return err;
        if (r->status >= 200) {
            *used = taken;
            return 1;
        }
        proxy_resp_init(r);     /* 1xx: an interim answer, the real one follows (RFC 9110 15.2) */
    }
    *used = taken;
    return 0;
}
