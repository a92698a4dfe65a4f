/* A small file over HTTP into memory (config=, checksum=): the same client, a buffer as the sink. */
#ifndef NET_HTTP_FETCH_H
#define NET_HTTP_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/exit.h"

/* Fetches url into buf (at most cap - 1 bytes, NUL-terminated); prints one error line. */
enum np_exit http_fetch(const char *url, char *buf, size_t cap, size_t *len);

/*
 * POSTs body (JSON) to url (done_url=, progress_url=): a few attempts with backoff, all of it
 * within deadline_ms, after which it gives up (NP_EXIT_CONNECT) so that a server that never
 * answers cannot hold the machine. Prints one line on failure.
 */
enum np_exit http_post_json(const char *url, const char *body, uint32_t deadline_ms);

#endif
