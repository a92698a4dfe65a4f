#include "install/digest.h"

#include "kernel/errno.h"

const char *digest_name(enum digest_alg alg)
{
    return alg == DIGEST_SHA512 ? "sha512" : "sha256";
}

size_t digest_len(enum digest_alg alg)
{
    return alg == DIGEST_SHA512 ? 64 : 32;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;      /* A-F to a-f; only after the digits, or 0x10-0x19 would pass as 0-9 */
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int digest_parse_hex(const char *s, size_t n, enum digest_alg alg, struct digest *d)
{
    if (n != 2 * digest_len(alg))
        return -NP_EINVAL;
    for (size_t i = 0; i < n; i++) {
        int v = hex_value(s[i]);
        if (v < 0)
            return -NP_EINVAL;
        d->bytes[i / 2] = (uint8_t)(i % 2 ? d->bytes[i / 2] | v : v << 4);
    }
    d->alg = alg;
    return 0;
}

void digest_hex(const struct digest *d, char out[DIGEST_HEX_MAX])
{
    static const char digits[] = "0123456789abcdef";
    size_t n = digest_len(d->alg);
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d->bytes[i] >> 4];
        out[2 * i + 1] = digits[d->bytes[i] & 15];
    }
    out[2 * n] = '\0';
}
