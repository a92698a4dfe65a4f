#include "net/http/policy.h"

#include "kernel/string.h"

uint64_t http_total_length(const struct http_resp *r)
{
    if (r->status == 206)
        return r->has_range ? r->range_total : HTTP_LEN_UNKNOWN;
    return r->status == 200 ? r->content_length : HTTP_LEN_UNKNOWN;
}

/* Both responses name a validator of the same kind and the names differ: another file. */
static bool differs(const char *first, const char *now)
{
    return first && first[0] && now[0] && NP_STRFN(strcmp)(first, now) != 0;
}

static enum http_verdict judge_206(const struct http_resp *r, const struct http_expect *e, const char **why)
{
    if (e->offset == 0) {
        *why = "206 Partial Content to a request without Range";
        return HTTP_FAIL;
    }
    /*
     * A server that ignored If-Range (or a cache in front of it) can answer with a range of a
     * newer file: its validator gives it away (RFC 9110 15.3.7: a 206 carries the ETag and
     * Last-Modified a 200 would).
     */
    if (differs(e->etag, r->etag)) {
        *why = "the image changed on the server (another ETag than the first response's)";
        return HTTP_RESTART;
    }
    if (differs(e->last_modified, r->last_modified)) {
        *why = "the image changed on the server (another Last-Modified than the first response's)";
        return HTTP_RESTART;
    }
    /* Only a range that starts where we stopped, of the same image, continues the stream. */
    if (!r->has_range || r->range_start != e->offset || r->range_total == HTTP_LEN_UNKNOWN ||
        (e->total != HTTP_LEN_UNKNOWN && r->range_total != e->total) || r->range_end + 1 != r->range_total) {
        *why = "206 with a Content-Range that does not continue the image";
        return HTTP_RESTART;
    }
    return HTTP_TAKE_BODY;
}

enum http_verdict http_judge(const struct http_resp *r, const struct http_expect *e, const char **why)
{
    int s = r->status;
    *why = NULL;
    if (s == 200) {
        if (e->offset == 0)
            return HTTP_TAKE_BODY;
        *why = "the server sent the whole image instead of the range asked for";
        return HTTP_RESTART;
    }
    if (s == 206)
        return judge_206(r, e, why);
    if (s == 416 && e->offset) {
        /* The range we hold no longer fits the file: it shrank or was replaced. */
        *why = "the server cannot send the range asked for (416): the image changed";
        return HTTP_RESTART;
    }
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

enum http_resume http_plan_resume(uint64_t offset, uint64_t total, bool validated, bool checksummed,
                                  const char **why)
{
    *why = NULL;
    if (offset == 0)
        return HTTP_START_OVER;     /* nothing to keep */
    if (total == HTTP_LEN_UNKNOWN) {
        *why = "the image's length is unknown, so a range cannot be checked: starting over from byte 0";
        return HTTP_START_OVER;
    }
    if (offset >= total) {
        *why = "the body ran to the image's length without ending: starting over from byte 0";
        return HTTP_START_OVER;
    }
    if (validated)
        return HTTP_RESUME;
    /*
     * Without a validator the server cannot tell us whether the file changed: a resume may
     * splice two versions. A hash of the whole image catches that (and the caller then
     * downloads once more from byte 0); without one, only starting over is safe.
     */
    if (checksummed) {
        *why = "no ETag or Last-Modified to check a resume against: resuming anyway, sha256= checks the result";
        return HTTP_RESUME_UNVALIDATED;
    }
    *why = "no ETag or Last-Modified to check a resume against, so it could splice two versions: "
           "starting over from byte 0 (sha256= would allow resuming)";
    return HTTP_START_OVER;
}

enum np_exit http_giveup_status(bool connected, bool answered, bool body)
{
    if (!connected || !answered)
        return NP_EXIT_CONNECT;
    return body ? NP_EXIT_SHORT : NP_EXIT_HTTP;
}
