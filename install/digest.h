/*
 * A digest as the command line or a sums file gives it: the algorithm and its bytes (pure, so
 * the parsers that produce one are tested on the host). SHA-256 and SHA-512 are FIPS 180-4.
 */
#ifndef INSTALL_DIGEST_H
#define INSTALL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum digest_alg { DIGEST_SHA256, DIGEST_SHA512 };

#define DIGEST_MAX_LEN  64      /* SHA-512's 512 bits */
#define DIGEST_HEX_MAX  (2 * DIGEST_MAX_LEN + 1)

struct digest {
    enum digest_alg alg;
    uint8_t bytes[DIGEST_MAX_LEN];  /* the first digest_len(alg) are used */
};

/* "sha256", "sha512": also the command-line key and the summary's field name. */
const char *digest_name(enum digest_alg alg);
/* Bytes: 32 or 64. */
size_t digest_len(enum digest_alg alg);

/* Exactly n = 2 * digest_len(alg) hex digits, either case: 0, or -NP_EINVAL. */
int digest_parse_hex(const char *s, size_t n, enum digest_alg alg, struct digest *d);

/* Lower-case hex, NUL-terminated (2 * digest_len + 1 bytes of out used). */
void digest_hex(const struct digest *d, char out[DIGEST_HEX_MAX]);

#endif
