/*
 * One HTTP/1.1 response, parsed by http-parser (which also undoes chunked encoding): the
 * status, the headers a download needs, and the body handed on as it arrives.
 *
 * Message framing follows RFC 9112 6.1-6.3: identical Content-Length values (repeated, or a
 * list "42, 42") are one length, different or invalid ones refuse the response; a
 * Transfer-Encoding overrides a Content-Length (and the connection is then not reused);
 * chunked is the only transfer coding taken.
 *
 * Limit: the status line and the header lines together may take HTTP_HEAD_MAX bytes, as
 * much as curl takes (its MAX_HTTP_RESP_HEADER_SIZE). The kept values live in one arena of
 * that size, so no value has a limit of its own: whatever header block is taken, its
 * values fit.
 */
#ifndef NET_HTTP_RESP_H
#define NET_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_parser.h"

#define HTTP_LEN_UNKNOWN UINT64_MAX
#define HTTP_HEAD_MAX    (300 * 1024)

/* Receives body bytes; nonzero stops the parse (the caller said why). */
typedef int (*http_body_fn)(void *ctx, const uint8_t *data, size_t len);

struct http_resp {
    http_parser parser;
    http_body_fn body;
    void *ctx;
    int status;
    uint64_t content_length;    /* HTTP_LEN_UNKNOWN without a Content-Length (or if chunked) */
    bool chunked;
    bool keep_alive;
    bool headers_done;
    bool complete;
    bool failed;                /* malformed response, or the body callback said stop */
    bool fatal;                 /* failed in a way the same request would fail again: final */
    const char *error;
    bool has_range;             /* Content-Range: bytes START-END/TOTAL ("*" total: unknown) */
    uint64_t range_start, range_end, range_total;
    /*
     * The kept headers, "" when absent; the last of a repeated header counts. They point
     * into text: a parsed response is not to be copied.
     */
    const char *location;
    const char *etag;
    const char *last_modified;
    const char *range;          /* Content-Range as received */
    uint64_t body_bytes;
    /* framing headers, judged when the head ends (RFC 9112 6.1-6.3) */
    bool cl_seen, cl_differ, cl_bad;
    uint64_t cl_value;
    unsigned te_chunked;        /* how often chunked was named */
    bool te_other;              /* a transfer coding other than chunked */
    bool no_reuse;              /* framing was questionable: do not reuse the connection */
    /* header being read: names and values may arrive in pieces */
    char field[32];
    size_t field_len;
    int field_id;
    bool field_overflow;
    const char **value;         /* the slot of the value being read, NULL if not kept */
    const char *framing;        /* the slot of a Content-Length or Transfer-Encoding value */
    size_t value_at;            /* where in text the value being read starts */
    size_t text_used;
    char text[HTTP_HEAD_MAX];   /* the kept values, each NUL-terminated */
};

void http_resp_init(struct http_resp *r, http_body_fn body, void *ctx);
/* Feeds bytes off the wire; returns how many were consumed (all, unless the parse failed). */
size_t http_resp_feed(struct http_resp *r, const uint8_t *data, size_t len);
/* The connection closed: a body delimited by the close is complete now. */
void http_resp_eof(struct http_resp *r);

/* Parses "bytes START-END/TOTAL" (TOTAL may be "*"); pure, for the tests too. */
int http_parse_content_range(const char *s, uint64_t *start, uint64_t *end, uint64_t *total);

/*
 * Parses a Content-Length value: 1*DIGIT, or a list of such whose values are all the same
 * (RFC 9112 6.3 item 5; empty list elements ignored, RFC 9110 5.6.1). -NP_EINVAL for
 * anything else, -NP_ERANGE for values that differ.
 */
int http_parse_content_length(const char *s, uint64_t *len);

#endif
