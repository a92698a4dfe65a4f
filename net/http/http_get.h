/*
 * Fetches one URL into a sink, over lwIP's altcp API (TLS can slot in underneath later):
 * redirects, retries with capped backoff, and resume with Range/If-Range when the connection
 * breaks (RFC 9110 14, 13.1.5). The sink gets the body in order; TCP is told the body bytes
 * were consumed only when the sink says their memory is free again (http_get_release), so the
 * window is the brake.
 */
#ifndef NET_HTTP_GET_H
#define NET_HTTP_GET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/exit.h"
#include "net/http/http_config.h"

struct http_sink {
    /* The body starts at offset (0: from the beginning; any earlier data is void). */
    int (*begin)(void *ctx, uint64_t offset, uint64_t total);
    /* Takes len bytes, all of them, or fails (< 0 stops the download with *why set). */
    int (*data)(void *ctx, const uint8_t *p, size_t len, const char **why);
    /* Runs the sink's side of the loop (disk writes); < 0 stops the download. */
    int (*pump)(void *ctx, const char **why);
    void *ctx;
};

struct http_get_opts {
    unsigned retries;       /* attempts after the first */
    uint32_t idle_ms;       /* no byte for this long: the connection is dead */
    unsigned max_redirects;
    /*
     * The sink checks a hash of the whole image: a server without ETag or Last-Modified is
     * resumed anyway (Range without If-Range). Otherwise such a download starts over.
     */
    bool resume_unvalidated;
    /*
     * Extra "Name: value" lines (checked by hdropt_check; never logged) and whether an
     * Authorization among them follows a redirect to another host (curl drops it). NULL
     * headers: the job's, from http_configure.
     */
    const char *const *headers;
    unsigned nheaders;
    bool auth_redirects;
    /* Set: the request is a POST of these body_len bytes (application/json); any 2xx is done. */
    const char *body;
    size_t body_len;
    /*
     * Set: the first request asks for the file from this byte on (Range: bytes=start-), and
     * only a 206 will do: a server that answers 200 ends it quietly with res->no_range.
     */
    uint64_t start;
};

struct http_get_result {
    enum np_exit status;
    uint64_t bytes;         /* image bytes delivered */
    uint64_t total;         /* HTTP_LEN_UNKNOWN if the server never said */
    unsigned retries, resumes, restarts, redirects;
    unsigned unvalidated_resumes;   /* resumes taken without a validator: the bytes may be a splice */
    int http_status;
    bool no_range;          /* opts.start was answered with the whole file (200): no Range support */
};

/*
 * Downloads url into sink; prints one error line on failure, except when the sink stopped it
 * (status NP_EXIT_DISK: the sink says why itself). A request on a reused connection that dies
 * before any answer is sent again on a new one and costs no retry.
 */
void http_get(const char *url, const struct http_get_opts *o, const struct http_sink *sink,
              struct http_get_result *res);

/* The sink freed len bytes of body memory: let TCP send that much more. */
void http_get_release(size_t len);

#endif
