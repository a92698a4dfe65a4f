/*
 * One HTTP/1.1 response, parsed by http-parser (which also undoes chunked encoding): the
 * status, the headers a download needs, and the body handed on as it arrives.
 */
#ifndef NET_HTTP_RESP_H
#define NET_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_parser.h"

#define HTTP_LEN_UNKNOWN UINT64_MAX

/* Receives body bytes; nonzero stops the parse (the caller said why). */
typedef int (*http_body_fn)(void *ctx, const uint8_t *data, size_t len);

struct http_resp {
    http_parser parser;
    http_body_fn body;
    void *ctx;
    int status;
    uint64_t content_length;    /* HTTP_LEN_UNKNOWN without a Content-Length */
    bool chunked;
    bool keep_alive;
    bool headers_done;
    bool complete;
    bool failed;                /* malformed response, or the body callback said stop */
    const char *error;
    bool has_range;             /* Content-Range: bytes START-END/TOTAL ("*" total: unknown) */
    uint64_t range_start, range_end, range_total;
    char location[1024];
    char etag[128];
    char last_modified[64];
    char range[96];             /* Content-Range as received */
    uint64_t body_bytes;
    /* header being read: names and values may arrive in pieces */
    char field[32];
    size_t field_len;
    int field_id;
    bool field_overflow;
};

void http_resp_init(struct http_resp *r, http_body_fn body, void *ctx);
/* Feeds bytes off the wire; returns how many were consumed (all, unless the parse failed). */
size_t http_resp_feed(struct http_resp *r, const uint8_t *data, size_t len);
/* The connection closed: a body delimited by the close is complete now. */
void http_resp_eof(struct http_resp *r);

/* Parses "bytes START-END/TOTAL" (TOTAL may be "*"); pure, for the tests too. */
int http_parse_content_range(const char *s, uint64_t *start, uint64_t *end, uint64_t *total);

#endif
