#include "kernel/summary.h"

#include "kernel/printf.h"

#define SUMMARY_DIGEST_MAX 64

void summary_hex(const uint8_t *digest, size_t n, char *out)
{
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        np_snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int summary_format_hash(char *buf, size_t size, enum np_exit status, uint64_t bytes, const char *hash,
                        const uint8_t *digest, size_t digest_len, uint64_t us, const char *disk)
{
    char hex[2 * SUMMARY_DIGEST_MAX + 1] = "-";
    if (digest && digest_len <= SUMMARY_DIGEST_MAX)
        summary_hex(digest, digest_len, hex);
    uint64_t kbps = us ? bytes * 1000 / us : 0;     /* bytes per µs is MB/s: keep 3 decimals */
    return np_snprintf(buf, size, "result=%s code=%s bytes=%llu %s=%s seconds=%llu.%03llu MBps=%llu.%01llu disk=%s",
                       status == NP_EXIT_OK ? "ok" : "error", np_exit_name(status), (unsigned long long)bytes,
                       hash, hex, (unsigned long long)(us / 1000000), (unsigned long long)(us / 1000 % 1000),
                       (unsigned long long)(kbps / 1000), (unsigned long long)(kbps / 100 % 10),
                       disk && *disk ? disk : "-");
}

int summary_format(char *buf, size_t size, enum np_exit status, uint64_t bytes,
                   const uint8_t *digest, uint64_t us, const char *disk)
{
    return summary_format_hash(buf, size, status, bytes, "sha256", digest, 32, us, disk);
}
