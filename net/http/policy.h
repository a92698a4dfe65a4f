/* What to do with a response, and how long to wait before trying again (pure). */
#ifndef NET_HTTP_POLICY_H
#define NET_HTTP_POLICY_H

#include <stdint.h>

#include "net/http/http_resp.h"

enum http_verdict {
    HTTP_TAKE_BODY,     /* the body is the image from the offset we asked for */
    HTTP_RESTART,       /* the body starts at byte 0 although we asked for more: start over */
    HTTP_REDIRECT,      /* follow Location */
    HTTP_RETRY,         /* a passing failure: try again after a backoff */
    HTTP_FAIL,          /* final: *why says what */
};

/*
 * Judges a response's headers. offset is where the request's Range started (0: no Range);
 * total is the image length known from earlier responses (HTTP_LEN_UNKNOWN if none).
 */
enum http_verdict http_judge(const struct http_resp *r, uint64_t offset, uint64_t total, const char **why);

/* The image's full length according to this response, or HTTP_LEN_UNKNOWN. */
uint64_t http_total_length(const struct http_resp *r);

/* Capped exponential backoff: 250 ms, 500 ms, 1 s ... at most 8 s. */
uint32_t http_backoff_ms(unsigned attempt);

/* The validator for If-Range: a strong ETag, else Last-Modified, else NULL (no safe resume). */
const char *http_validator(const struct http_resp *r);

#endif
