#include "install/report.h"

#include "kernel/printf.h"

/* The fields both objects end with, and the closing brace. */
static int who_fields(char *buf, size_t size, const struct report_who *w)
{
    static const uint8_t none[6];
    const uint8_t *m = w->mac ? w->mac : none;
    return np_snprintf(buf, size, "\"seconds\":%llu.%03llu,\"disk\":\"%s\",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\","
                       "\"ip\":\"%s\"}", (unsigned long long)(w->us / 1000000), (unsigned long long)(w->us / 1000 % 1000),
                       w->disk, m[0], m[1], m[2], m[3], m[4], m[5], w->ip);
}

/* head, then the shared fields after it (when head fit). */
static int finish(char *buf, size_t size, int n, const struct report_who *w)
{
    if (n < 0 || (size_t)n >= size)
        return n;
    int k = who_fields(buf + n, size - (size_t)n, w);
    return k < 0 ? k : n + k;
}

int report_json_done(char *buf, size_t size, enum np_exit status, uint64_t written, const struct digest *digest,
                     const struct report_who *who)
{
    char hex[DIGEST_HEX_MAX] = "";
    if (digest)
        digest_hex(digest, hex);
    int n = np_snprintf(buf, size, "{\"result\":\"%s\",\"code\":\"%s\",\"bytes\":%llu,\"%s\":%s%s%s,",
                        status == NP_EXIT_OK ? "ok" : "error", np_exit_name(status), (unsigned long long)written,
                        digest_name(digest ? digest->alg : DIGEST_SHA256), digest ? "\"" : "null", hex,
                        digest ? "\"" : "");
    return finish(buf, size, n, who);
}

int report_json_progress(char *buf, size_t size, const char *state, uint64_t received, uint64_t total,
                         uint64_t written, const struct report_who *who)
{
    char t[24] = "null";
    if (total != UINT64_MAX)
        np_snprintf(t, sizeof(t), "%llu", (unsigned long long)total);
    int n = np_snprintf(buf, size, "{\"state\":\"%s\",\"bytes\":%llu,\"total\":%s,\"written\":%llu,", state,
                        (unsigned long long)received, t, (unsigned long long)written);
    return finish(buf, size, n, who);
}
