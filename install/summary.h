/* The install's one machine-readable closing line (pure, so its format is tested on the host). */
#ifndef INSTALL_SUMMARY_H
#define INSTALL_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "install/digest.h"
#include "kernel/exit.h"

/*
 * "result=ok|error code=NAME bytes=N sha256=HEX|- seconds=S.mmm MBps=X.y disk=NAME|-
 *  format=NAME|- written=N zeroed=N": one line, no spaces inside a value, so `key=value`
 * splitting on blanks reads it back. bytes= counts the bytes served (what the digest covers,
 * and what MBps= is a rate of); written= the image bytes written to the disk (the same for a
 * raw image). The digest's key names its algorithm (sha256= or sha512=); without one it is
 * "sha256=-". zeroed: bytes of the image the disk zeroed itself (WRITE_ZEROES) instead of being
 * sent zeros. Newer keys come last, so that readers of the older line still match.
 */
int summary_format(char *buf, size_t size, enum np_exit status, uint64_t bytes,
                   const struct digest *digest, uint64_t us, const char *disk, const char *format,
                   uint64_t written, uint64_t zeroed);

#endif
