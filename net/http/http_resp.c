#include "net/http/http_resp.h"

#include "kernel/errno.h"
#include "kernel/string.h"

enum { H_OTHER, H_LOCATION, H_ETAG, H_LAST_MODIFIED, H_CONTENT_RANGE };

static const struct { const char *name; int id; } wanted[] = {
    { "location", H_LOCATION },
    { "etag", H_ETAG },
    { "last-modified", H_LAST_MODIFIED },
    { "content-range", H_CONTENT_RANGE },
};

static struct http_resp *resp_of(http_parser *p) { return p->data; }

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static char *value_buf(struct http_resp *r, size_t *cap);

/* A header's value ended: drop its trailing whitespace (RFC 9110 5.5). */
static void value_end(struct http_resp *r)
{
    size_t cap;
    char *b = value_buf(r, &cap);
    if (!b)
        return;
    size_t n = NP_STRFN(strlen)(b);
    while (n && (b[n - 1] == ' ' || b[n - 1] == '\t'))
        b[--n] = '\0';
}

static int on_field(http_parser *p, const char *at, size_t len)
{
    struct http_resp *r = resp_of(p);
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

/* Where the value of the current header goes, or NULL for one we do not keep. */
static char *value_buf(struct http_resp *r, size_t *cap)
{
    switch (r->field_id) {
    case H_LOCATION: *cap = sizeof(r->location); return r->location;
    case H_ETAG: *cap = sizeof(r->etag); return r->etag;
    case H_LAST_MODIFIED: *cap = sizeof(r->last_modified); return r->last_modified;
    case H_CONTENT_RANGE: *cap = sizeof(r->range); return r->range;
    default: return NULL;
    }
}

static int on_value(http_parser *p, const char *at, size_t len)
{
    struct http_resp *r = resp_of(p);
    size_t cap;
    if (r->field_id == -1) {        /* first piece of this value: which header is it? */
        r->field_id = H_OTHER;
        for (size_t i = 0; !r->field_overflow && i < sizeof(wanted) / sizeof(wanted[0]); i++)
            if (NP_STRFN(strcmp)(r->field, wanted[i].name) == 0)
                r->field_id = wanted[i].id;
        char *b = value_buf(r, &cap);
        if (b)
            b[0] = '\0';      /* a repeated header: the last one counts */
    }
    if (NP_STRFN(memchr)(at, '\0', len)) {
        r->error = "a header value holds a NUL";    /* RFC 9110 5.5: reject */
        return -1;
    }
    char *b = value_buf(r, &cap);
    if (!b)
        return 0;
    size_t have = NP_STRFN(strlen)(b);
    if (have + len >= cap) {
        r->error = "a header value is too long";
        return -1;      /* a truncated Location or ETag would be worse than none */
    }
    NP_STRFN(memcpy)(b + have, at, len);
    b[have + len] = '\0';
    if (r->field_id == H_CONTENT_RANGE)
        r->has_range = http_parse_content_range(r->range, &r->range_start, &r->range_end, &r->range_total) == 0;
    return 0;
}

/* 1xx other than 101: an interim response, before the final one (RFC 9110 15.2). */
static bool interim(const http_parser *p)
{
    return p->status_code / 100 == 1 && p->status_code != 101;
}

static int on_headers_complete(http_parser *p)
{
    struct http_resp *r = resp_of(p);
    value_end(r);           /* the last header's value ended */
    if (interim(p))
        return 1;       /* http-parser: no body (a 1xx has none, whatever it says) */
    r->status = p->status_code;
    r->content_length = (p->flags & F_CONTENTLENGTH) ? p->content_length : HTTP_LEN_UNKNOWN;
    r->chunked = p->flags & F_CHUNKED;
    r->keep_alive = http_should_keep_alive(p);
    r->headers_done = true;
    return 0;
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
        r->location[0] = r->etag[0] = r->last_modified[0] = r->range[0] = '\0';
        r->has_range = false;
        return 0;
    }
    r->complete = true;
    r->keep_alive = http_should_keep_alive(p);
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
    NP_STRFN(memset)(r, 0, sizeof(*r));
    http_parser_init(&r->parser, HTTP_RESPONSE);
    r->parser.data = r;
    r->body = body;
    r->ctx = ctx;
    r->content_length = HTTP_LEN_UNKNOWN;
    r->field_id = -1;
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
    if (e != HPE_OK && e != HPE_PAUSED) {
        r->failed = true;
        if (!r->error)
            r->error = http_errno_description(e);
    }
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
