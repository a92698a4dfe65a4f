/* What to do with a response, and how long to wait before trying again (pure). */
#ifndef NET_HTTP_POLICY_H
#define NET_HTTP_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/exit.h"
#include "net/http/http_resp.h"

enum http_verdict {
    HTTP_TAKE_BODY,     /* the body is the image from the offset we asked for */
    HTTP_RESTART,       /* the body is not the rest of the image we have: start over from byte 0 */
    HTTP_REDIRECT,      /* follow Location */
    HTTP_RETRY,         /* a passing failure: try again after a backoff */
    HTTP_FAIL,          /* final: *why says what */
};

/* What a request expects: the image as the response that started the download described it. */
struct http_expect {
    uint64_t offset;            /* where the request's Range starts (0: no Range) */
    uint64_t total;             /* the image's length, HTTP_LEN_UNKNOWN if not known */
    const char *etag;           /* the first response's ETag and Last-Modified ("": none) */
    const char *last_modified;
};

/*
 * Judges a response's headers against what the request expects. A 206 continues the image
 * only if its Content-Range starts at the offset, runs to the end of the same total, and
 * neither validator the first response gave has changed (RFC 9110 13.1.5, 14.4, 15.3.7).
 */
enum http_verdict http_judge(const struct http_resp *r, const struct http_expect *e, const char **why);
/* (*why for HTTP_RESTART names what happened; the caller says that it starts over.) */

/* The image's full length according to this response, or HTTP_LEN_UNKNOWN. */
uint64_t http_total_length(const struct http_resp *r);

/* Capped exponential backoff: 250 ms, 500 ms, 1 s ... at most 8 s. */
uint32_t http_backoff_ms(unsigned attempt);

/* The validator for If-Range: a strong ETag, else Last-Modified, else NULL (no safe resume). */
const char *http_validator(const struct http_resp *r);

enum http_resume {
    HTTP_RESUME,                /* Range from the offset, If-Range with the validator */
    HTTP_RESUME_UNVALIDATED,    /* Range without If-Range: only a checksum can catch a splice */
    HTTP_START_OVER,            /* from byte 0 */
};

/*
 * After the body broke at offset (bytes of the current stream the sink holds): resume, or
 * start over. total is the image's length (HTTP_LEN_UNKNOWN: a range cannot be checked);
 * validated: the stream has an If-Range validator; checksummed: the caller checks a hash of
 * the whole image. *why is a line for the log when the choice needs one, else NULL.
 */
enum http_resume http_plan_resume(uint64_t offset, uint64_t total, bool validated, bool checksummed,
                                  const char **why);

/*
 * The exit status when the last attempt failed, by how far it got (README "Exit statuses"):
 * no connection, or not one byte of answer, is connect; an answer that was not the image
 * (an error status, malformed, a range that does not fit) is http; a body that broke is short.
 */
enum np_exit http_giveup_status(bool connected, bool answered, bool body);

#endif
