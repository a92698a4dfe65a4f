/*
 * The checksum stage: hashes every byte that passes through it (SHA-256, FIPS 180-4) and, at
 * the end of the input, compares the digest with the one the user gave. A mismatch stops the
 * install before the disk is made bootable.
 */
#ifndef INSTALL_CHECKSUM_H
#define INSTALL_CHECKSUM_H

#include <stdbool.h>

#include "install/stage.h"
#include "mbedtls/sha256.h"

#define CHECKSUM_SHA256_LEN 32

struct checksum_stage {
    struct stage st;
    mbedtls_sha256_context sha;
    uint64_t pos;           /* input bytes hashed */
    bool have_want;
    uint8_t want[CHECKSUM_SHA256_LEN];
    uint8_t digest[CHECKSUM_SHA256_LEN];    /* valid after a successful end */
};

/* want: the expected digest, or NULL to hash without comparing. */
void checksum_stage_init(struct checksum_stage *c, struct stage *next, struct stage_error *err,
                         const uint8_t *want);

/* "64 hex digits" into a digest: 0, or -1 for anything else. */
int checksum_parse_hex(const char *s, uint8_t out[CHECKSUM_SHA256_LEN]);

#endif
