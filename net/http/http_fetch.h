/* A small file over HTTP into memory (config=, checksum=): the same client, a buffer as the sink. */
#ifndef NET_HTTP_FETCH_H
#define NET_HTTP_FETCH_H

#include <stddef.h>

#include "kernel/exit.h"

/* Fetches url into buf (at most cap - 1 bytes, NUL-terminated); prints one error line. */
enum np_exit http_fetch(const char *url, char *buf, size_t cap, size_t *len);

#endif
