#include "install/summary.h"

#include "kernel/printf.h"

void summary_hex(const uint8_t digest[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        np_snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int summary_format(char *buf, size_t size, enum np_exit status, uint64_t bytes,
                   const uint8_t *digest, uint64_t us, const char *disk, const char *format,
                   uint64_t written)
{
    char hex[65] = "-";
    if (digest)
        summary_hex(digest, hex);
    uint64_t kbps = us ? bytes * 1000 / us : 0;     /* bytes per µs is MB/s: keep 3 decimals */
    return np_snprintf(buf, size, "result=%s code=%s bytes=%llu sha256=%s seconds=%llu.%03llu MBps=%llu.%01llu disk=%s"
                       " format=%s written=%llu",
                       status == NP_EXIT_OK ? "ok" : "error", np_exit_name(status), (unsigned long long)bytes,
                       hex, (unsigned long long)(us / 1000000), (unsigned long long)(us / 1000 % 1000),
                       (unsigned long long)(kbps / 1000), (unsigned long long)(kbps / 100 % 10),
                       disk && *disk ? disk : "-", format && *format ? format : "-",
                       (unsigned long long)written);
}
