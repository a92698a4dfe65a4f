/*
 * The JSON objects netplant POSTs to the provisioning server: done_url='s result and
 * progress_url='s progress (pure, so their format is tested on the host). Both end with the
 * same fields, built in one place: seconds since the install began, the disk, and who sends it
 * (the MAC and IPv4 address in use), so a server can tell the machines apart.
 */
#ifndef INSTALL_REPORT_H
#define INSTALL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "install/digest.h"
#include "kernel/exit.h"

struct report_who {
    uint64_t us;            /* since the install began */
    const char *disk;       /* "" before one was chosen */
    const uint8_t *mac;     /* 6 bytes; NULL: no NIC up */
    const char *ip;         /* dotted quad, or "" */
};

/*
 * {"result":"ok|error","code":NAME,"bytes":N,"sha256":HEX|null,"seconds":S.mmm,"disk":..,
 *  "mac":..,"ip":..}: bytes are the image bytes written; the digest's key names its algorithm.
 * Returns snprintf's count (>= size: cut short).
 */
int report_json_done(char *buf, size_t size, enum np_exit status, uint64_t written, const struct digest *digest,
                     const struct report_who *who);

/*
 * {"state":STATE,"bytes":N,"total":N|null,"written":N,"seconds":..,"disk":..,"mac":..,"ip":..}:
 * bytes received (served) so far, of total (null when the server did not say), written: image
 * bytes on the disk. Returns snprintf's count.
 */
int report_json_progress(char *buf, size_t size, const char *state, uint64_t received, uint64_t total,
                         uint64_t written, const struct report_who *who);

#endif
