/* A small file over HTTP into memory (config=, checksum=): the same client, a buffer as the sink. */
#ifndef NET_HTTP_FETCH_H
#define NET_HTTP_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/exit.h"
#include "net/http/http_get.h"

/* Fetches url into buf (at most cap - 1 bytes, NUL-terminated); prints one error line. */
enum np_exit http_fetch(const char *url, char *buf, size_t cap, size_t *len);

/*
 * POSTs body (JSON) to url (done_url=, progress_url=): a few attempts with backoff, all of it
 * within deadline_ms, after which it gives up (NP_EXIT_CONNECT) so that a server that never
 * answers cannot hold the machine. Prints one line on failure.
 */
/*
 * Reads len bytes of url from byte off into buf: a Range request (RFC 9110 14.2) for off > 0,
 * the start of a plain GET for off 0; the rest of the response is left unread. base gives the
 * headers and the idle timeout; a break resumes at the byte reached, a few times.
 * NP_EXIT_OK; a server that answers off > 0 with the whole file (200) gets NP_EXIT_HTTP and
 * *no_range set, with no line printed (the caller says what that means); any other failure
 * prints one line.
 */
enum np_exit http_fetch_range(const char *url, const struct http_get_opts *base, uint64_t off, void *buf,
                              size_t len, bool *no_range);

enum np_exit http_post_json(const char *url, const char *body, uint32_t deadline_ms);

#endif
