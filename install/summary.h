/* The install's one machine-readable closing line (pure, so its format is tested on the host). */
#ifndef INSTALL_SUMMARY_H
#define INSTALL_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/exit.h"

/*
 * "result=ok|error code=NAME bytes=N sha256=HEX|- seconds=S.mmm MBps=X.y disk=NAME|-
 *  format=NAME|- written=N": one line, no spaces inside a value, so `key=value` splitting on
 * blanks reads it back. bytes= counts the bytes served (what sha256= covers, and what MBps=
 * is a rate of); written= the image bytes written to the disk (the same for a raw image).
 * The newer keys come last, so that readers of the older line still match.
 */
/* A SHA-256 digest as 64 lower-case hex digits. */
void summary_hex(const uint8_t digest[32], char out[65]);

int summary_format(char *buf, size_t size, enum np_exit status, uint64_t bytes,
                   const uint8_t *digest, uint64_t us, const char *disk, const char *format,
                   uint64_t written);

#endif
