#include "net/http/http_resp.h"

#include "kernel/errno.h"
#include "kernel/string.h"

#define HEAD_TOO_LONG "the response headers are longer than 300 KiB"
_Static_assert(HTTP_HEAD_MAX == 300 * 1024, "HEAD_TOO_LONG names the limit");

enum { H_OTHER, H_LOCATION, H_ETAG, H_LAST_MODIFIED, H_CONTENT_RANGE, H_CONTENT_LENGTH,
       H_TRANSFER_ENCODING };

static const struct { const char *name; int id; } wanted[] = {
    { "location", H_LOCATION },
    { "etag", H_ETAG },
    { "last-modified", H_LAST_MODIFIED },
    { "content-range", H_CONTENT_RANGE },
    { "content-length", H_CONTENT_LENGTH },
    { "transfer-encoding", H_TRANSFER_ENCODING },
};

static struct http_resp *resp_of(http_parser *p) { return p->data; }

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

/* A refusal of the response itself: the same request would get it again, so it is final. */
static int refuse(struct http_resp *r, const char *why)
{
    r->error = why;
    r->fatal = true;
    return -1;
}

/* Forgets the kept headers (a new response starts: the final one after a 1xx). */
static void kept_reset(struct http_resp *r)
{
    r->location = r->etag = r->last_modified = r->range = r->framing = "";
    r->has_range = false;
    r->text_used = 0;
    r->cl_seen = r->cl_differ = r->cl_bad = r->te_other = false;
    r->te_chunked = 0;
}

/* Where the value of a header goes, or NULL for one we do not keep. */
static const char **slot_of(struct http_resp *r, int id)
{
    switch (id) {
    case H_LOCATION: return &r->location;
    case H_ETAG: return &r->etag;
    case H_LAST_MODIFIED: return &r->last_modified;
    case H_CONTENT_RANGE: return &r->range;
    case H_CONTENT_LENGTH: case H_TRANSFER_ENCODING: return &r->framing;
    default: return NULL;
    }
}

/* Transfer-Encoding is a list of codings, repeated headers adding to it (RFC 9112 6.1). */
static void te_judge(struct http_resp *r, const char *s)
{
    while (*s) {
        while (*s == ',' || is_ows(*s))
            s++;
        const char *t = s;
        while (*s && *s != ',')
            s++;
        size_t n = (size_t)(s - t);
        while (n && is_ows(t[n - 1]))
            n--;
        if (!n)
            continue;
        bool chunked = n == 7;
        for (size_t i = 0; chunked && i < n; i++)
            chunked = lower(t[i]) == "chunked"[i];
        if (chunked)
            r->te_chunked++;
        else
            r->te_other = true;
    }
}

static void cl_judge(struct http_resp *r, const char *s)
{
    uint64_t v;
    int err = http_parse_content_length(s, &v);
    if (err == -NP_ERANGE || (!err && r->cl_seen && v != r->cl_value))
        r->cl_differ = true;
    else if (err)
        r->cl_bad = true;
    r->cl_seen = true;
    r->cl_value = v;
}

/* A header's value ended: drop its trailing whitespace (RFC 9110 5.5), judge framing. */
static void value_end(struct http_resp *r)
{
    if (!r->value)
        return;
    char *b = r->text + r->value_at;
    size_t n = r->text_used - r->value_at;
    while (n && is_ows(b[n - 1]))
        n--;
    b[n] = '\0';
    r->text_used = r->value_at + n + 1;     /* the NUL stays */
    if (r->field_id == H_CONTENT_LENGTH)
        cl_judge(r, b);
    else if (r->field_id == H_TRANSFER_ENCODING)
        te_judge(r, b);
    else if (r->field_id == H_CONTENT_RANGE)
        r->has_range = http_parse_content_range(b, &r->range_start, &r->range_end, &r->range_total) == 0;
    r->value = NULL;
}

static int on_field(http_parser *p, const char *at, size_t len)
{
    struct http_resp *r = resp_of(p);
    if (r->headers_done)
        return 0;       /* a trailer after a chunked body: nothing we use */
    if (r->field_id != -1) {        /* the previous value ended: a new name starts */
        value_end(r);
        r->field_len = 0;
        r->field_overflow = false;
        r->field_id = -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (r->field_len + 1 >= sizeof(r->field))
            r->field_overflow = true;
        else
            r->field[r->field_len++] = lower(at[i]);
    }
    r->field[r->field_len] = '\0';
    return 0;
}

/* First piece of a value: which header is it, and where does its value go? */
static int value_start(struct http_resp *r)
{
    r->field_id = H_OTHER;
    for (size_t i = 0; !r->field_overflow && i < sizeof(wanted) / sizeof(wanted[0]); i++)
        if (NP_STRFN(strcmp)(r->field, wanted[i].name) == 0)
            r->field_id = wanted[i].id;
    r->value = slot_of(r, r->field_id);
    if (!r->value)
        return 0;
    if (r->text_used >= sizeof(r->text))
        return refuse(r, HEAD_TOO_LONG);
    r->value_at = r->text_used;
    *r->value = r->text + r->value_at;      /* a repeated header: the last one counts */
    r->text[r->value_at] = '\0';
    return 0;
}

static int on_value(http_parser *p, const char *at, size_t len)
{
    struct http_resp *r = resp_of(p);
    if (r->headers_done)
        return 0;
    if (r->field_id == -1 && value_start(r))
        return -1;
    if (NP_STRFN(memchr)(at, '\0', len))
        return refuse(r, "a header value holds a NUL");     /* RFC 9110 5.5: reject */
    if (!r->value)
        return 0;
    /* Never taken: each value is shorter than its line, and http-parser bounds the lines. */
    if (len >= sizeof(r->text) - r->text_used)
        return refuse(r, HEAD_TOO_LONG);
    NP_STRFN(memcpy)(r->text + r->text_used, at, len);
    r->text_used += len;
    r->text[r->text_used] = '\0';
    return 0;
}

/* 1xx other than 101: an interim response, before the final one (RFC 9110 15.2). */
static bool interim(const http_parser *p)
{
    return p->status_code / 100 == 1 && p->status_code != 101;
}

/* RFC 9112 6.1-6.3: how the body is framed, and whether we can take it. */
static int framing_check(struct http_resp *r, const http_parser *p)
{
    bool te = r->te_chunked || r->te_other;
    if (r->te_other)
        return refuse(r, "a Transfer-Encoding other than chunked, which netplant does not decode");
    if (r->te_chunked > 1)
        return refuse(r, "Transfer-Encoding names chunked more than once");
    if (te && p->http_major == 1 && p->http_minor == 0)
        return refuse(r, "Transfer-Encoding in an HTTP/1.0 response");
    /* http-parser's own view of the framing must be ours, or the body would be cut wrong. */
    if (te != !!(p->flags & F_CHUNKED) || te != !!(p->extra_flags & (F_TRANSFER_ENCODING >> 8)))
        return refuse(r, "an unclear Transfer-Encoding");
    if (r->cl_bad)
        return refuse(r, "an invalid Content-Length");
    if (r->cl_differ || (r->cl_seen && !te && r->cl_value != p->content_length))
        return refuse(r, "different Content-Length values");
    /* Transfer-Encoding overrides Content-Length, but such a message is suspect: use the
     * connection for nothing after it (RFC 9112 6.3 item 3). */
    r->no_reuse = te && r->cl_seen;
    return 0;
}

static int on_headers_complete(http_parser *p)
{
    struct http_resp *r = resp_of(p);
    value_end(r);           /* the last header's value ended */
    if (interim(p))
        return 1;       /* http-parser: no body (a 1xx has none, whatever it says) */
    r->status = p->status_code;
    if (framing_check(r, p))
        return -1;
    r->chunked = p->flags & F_CHUNKED;
    r->content_length = !r->chunked && (p->flags & F_CONTENTLENGTH) ? p->content_length : HTTP_LEN_UNKNOWN;
    r->keep_alive = http_should_keep_alive(p) && !r->no_reuse;
    r->headers_done = true;
    /* 204 and 304 end at their head, whatever Content-Length says (RFC 9112 6.3 item 1). */
    return r->status == 204 || r->status == 304;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct http_resp *r = resp_of(p);
    r->body_bytes += len;
    if (!r->body || r->body(r->ctx, (const uint8_t *)at, len) == 0)
        return 0;
    r->error = "stopped by the receiver";
    return -1;
}

static int on_complete(http_parser *p)
{
    struct http_resp *r = resp_of(p);
    if (interim(p)) {       /* forget its headers; the final response follows */
        kept_reset(r);
        r->field_id = -1;
        return 0;
    }
    r->complete = true;
    r->keep_alive = http_should_keep_alive(p) && !r->no_reuse;
    http_parser_pause(p, 1);    /* one response per exchange: anything after it is not ours */
    return 0;
}

static const http_parser_settings settings = {
    .on_header_field = on_field,
    .on_header_value = on_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_complete,
};

static size_t execute(struct http_resp *r, const uint8_t *data, size_t len);

void http_resp_init(struct http_resp *r, http_body_fn body, void *ctx)
{
    /* Not the whole arena: a cleared head is enough, the values are written before use. */
    NP_STRFN(memset)(r, 0, offsetof(struct http_resp, text));
    http_parser_set_max_header_size(HTTP_HEAD_MAX);     /* http-parser's own default is 80 KiB */
    http_parser_init(&r->parser, HTTP_RESPONSE);
    r->parser.data = r;
    r->body = body;
    r->ctx = ctx;
    r->content_length = HTTP_LEN_UNKNOWN;
    r->field_id = -1;
    kept_reset(r);
}

size_t http_resp_feed(struct http_resp *r, const uint8_t *data, size_t len)
{
    if (r->failed || r->complete || !len)   /* zero bytes would tell http-parser "closed" */
        return 0;
    return execute(r, data, len);
}

void http_resp_eof(struct http_resp *r)
{
    if (!r->failed && !r->complete)
        execute(r, NULL, 0);    /* http-parser's way of saying the stream ended */
}

static size_t execute(struct http_resp *r, const uint8_t *data, size_t len)
{
    size_t n = http_parser_execute(&r->parser, &settings, (const char *)data, len);
    enum http_errno e = HTTP_PARSER_ERRNO(&r->parser);
    if (e == HPE_OK || e == HPE_PAUSED)
        return n;
    r->failed = true;
    if (r->error)
        return n;       /* a callback said why (and whether it is final) */
    if (e == HPE_HEADER_OVERFLOW)
        r->error = HEAD_TOO_LONG;
    else
        r->error = http_errno_description(e);
    /* A malformed head stays malformed; a close or a broken body may be a passing fault. */
    r->fatal = !r->headers_done && e != HPE_INVALID_EOF_STATE;
    return n;
}


static const char *parse_u64(const char *s, uint64_t *v)
{
    const char *start = s;
    *v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (*v > (UINT64_MAX - 9) / 10)
            return NULL;
        *v = *v * 10 + (uint64_t)(*s - '0');
    }
    return s == start ? NULL : s;
}

int http_parse_content_range(const char *s, uint64_t *start, uint64_t *end, uint64_t *total)
{
    while (*s == ' ')
        s++;
    if (NP_STRFN(strncmp)(s, "bytes ", 6))
        return -NP_EINVAL;
    s += 6;
    if (!(s = parse_u64(s, start)) || *s++ != '-' || !(s = parse_u64(s, end)) || *s++ != '/')
        return -NP_EINVAL;
    if (*s == '*')
        *total = HTTP_LEN_UNKNOWN, s++;
    else if (!(s = parse_u64(s, total)))
        return -NP_EINVAL;
    while (*s == ' ')
        s++;
    if (*s || *end < *start || (*total != HTTP_LEN_UNKNOWN && *end >= *total))
        return -NP_EINVAL;
    return 0;
}

int http_parse_content_length(const char *s, uint64_t *len)
{
    bool seen = false, differ = false;
    uint64_t v = 0;
    while (*s) {
        while (*s == ',' || is_ows(*s))
            s++;
        if (!*s)
            break;
        uint64_t e;
        if (!(s = parse_u64(s, &e)) || e == HTTP_LEN_UNKNOWN)
            return -NP_EINVAL;
        while (is_ows(*s))
            s++;
        if (*s && *s != ',')
            return -NP_EINVAL;
        differ |= seen && e != v;
        seen = true;
        v = e;
    }
    if (!seen)
        return -NP_EINVAL;
    *len = v;
    return differ ? -NP_ERANGE : 0;
}
