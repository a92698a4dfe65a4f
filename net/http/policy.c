#include "net/http/policy.h"

#include "kernel/string.h"

uint64_t http_total_length(const struct http_resp *r)
{
    if (r->status == 206)
        return r->has_range ? r->range_total : HTTP_LEN_UNKNOWN;
    return r->status == 200 ? r->content_length : HTTP_LEN_UNKNOWN;
}

static enum http_verdict judge_206(const struct http_resp *r, uint64_t offset, uint64_t total, const char **why)
{
    if (offset == 0) {
        *why = "206 Partial Content to a request without Range";
        return HTTP_FAIL;
    }
    /* Only a range that starts where we stopped, of the same image, continues the stream. */
    if (!r->has_range || r->range_start != offset || r->range_total == HTTP_LEN_UNKNOWN ||
        (total != HTTP_LEN_UNKNOWN && r->range_total != total) || r->range_end + 1 != r->range_total) {
        *why = "206 with a Content-Range that does not continue the image; starting over";
        return HTTP_RESTART;
    }
    return HTTP_TAKE_BODY;
}

enum http_verdict http_judge(const struct http_resp *r, uint64_t offset, uint64_t total, const char **why)
{
    int s = r->status;
    *why = NULL;
    if (s == 200) {
        if (offset == 0)
            return HTTP_TAKE_BODY;
        *why = "the server sent the whole image instead of the range asked for; starting over";
        return HTTP_RESTART;
    }
    if (s == 206)
        return judge_206(r, offset, total, why);
    if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
        if (r->location[0])
            return HTTP_REDIRECT;
        *why = "redirect without a Location";
        return HTTP_FAIL;
    }
    if (s == 401) {
        *why = "the server wants credentials (http://USER:PASSWORD@HOST/...) or refused those given";
        return HTTP_FAIL;
    }
    if (s == 408 || s == 429 || (s >= 500 && s <= 599)) {
        *why = "server busy or failing";
        return HTTP_RETRY;
    }
    *why = "the server refused the request";
    return HTTP_FAIL;
}

uint32_t http_backoff_ms(unsigned attempt)
{
    return attempt >= 5 ? 8000 : 250u << attempt;
}

const char *http_validator(const struct http_resp *r)
{
    /* A weak ETag (W/"...") may not be used with If-Range (RFC 9110 13.1.5). */
    if (r->etag[0] && NP_STRFN(strncmp)(r->etag, "W/", 2) != 0)
        return r->etag;
    return r->last_modified[0] ? r->last_modified : NULL;
}
