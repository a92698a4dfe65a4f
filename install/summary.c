#include "install/summary.h"

#include "kernel/printf.h"

int summary_format(char *buf, size_t size, enum np_exit status, uint64_t bytes,
                   const struct digest *digest, uint64_t us, const char *disk, const char *format,
                   uint64_t written, uint64_t zeroed)
{
    char hex[DIGEST_HEX_MAX] = "-";
    if (digest)
        digest_hex(digest, hex);
    uint64_t kbps = us ? bytes * 1000 / us : 0;     /* bytes per µs is MB/s: keep 3 decimals */
    return np_snprintf(buf, size,
                       "result=%s code=%s bytes=%llu %s=%s seconds=%llu.%03llu MBps=%llu.%01llu disk=%s"
                       " format=%s written=%llu zeroed=%llu",
                       status == NP_EXIT_OK ? "ok" : "error", np_exit_name(status), (unsigned long long)bytes,
                       digest_name(digest ? digest->alg : DIGEST_SHA256), hex, (unsigned long long)(us / 1000000),
                       (unsigned long long)(us / 1000 % 1000), (unsigned long long)(kbps / 1000),
                       (unsigned long long)(kbps / 100 % 10), disk && *disk ? disk : "-",
                       format && *format ? format : "-", (unsigned long long)written, (unsigned long long)zeroed);
}
