/* The install's one machine-readable closing line (pure, so its format is tested on the host). */
#ifndef KERNEL_SUMMARY_H
#define KERNEL_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/exit.h"

/*
 * "result=ok|error code=NAME bytes=N sha256=HEX|- seconds=S.mmm MBps=X.y disk=NAME|-":
 * one line, no spaces inside a value, so `key=value` splitting on blanks reads it back.
 * The digest field is named after the hash the install used: sha256= (the default) or sha512=.
 */
/* A digest of n bytes as 2n lower-case hex digits and a NUL. */
void summary_hex(const uint8_t *digest, size_t n, char *out);

/* The line with a SHA-256 digest (32 bytes) or none (NULL). Returns what snprintf returns. */
int summary_format(char *buf, size_t size, enum np_exit status, uint64_t bytes,
                   const uint8_t *digest, uint64_t us, const char *disk);

/* The same with the digest field named hash ("sha256", "sha512") and digest_len bytes (<= 64). */
int summary_format_hash(char *buf, size_t size, enum np_exit status, uint64_t bytes, const char *hash,
                        const uint8_t *digest, size_t digest_len, uint64_t us, const char *disk);

#endif
