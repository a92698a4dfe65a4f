/*
 * The checksum stage: hashes every byte that passes through it (SHA-256 or SHA-512, FIPS
 * 180-4) and, at the end of the input, compares the digest with the one the user gave. A
 * mismatch stops the install before the disk is made bootable. The install runs one on the
 * bytes served (sha256=, sha512=, checksum=) and, with raw_sha256=, one more right before the
 * disk, on the bytes written.
 */
#ifndef INSTALL_CHECKSUM_H
#define INSTALL_CHECKSUM_H

#include <stdbool.h>

#include "install/digest.h"
#include "install/stage.h"
#include "crypto/hash.h"

/* One running hash of either algorithm (also used to hash the read-back): crypto/hash.h's. */
struct checksum_hash {
    enum digest_alg alg;
    struct hash_ctx ctx;
};

void checksum_hash_start(struct checksum_hash *h, enum digest_alg alg);
void checksum_hash_update(struct checksum_hash *h, const uint8_t *p, size_t len);
/* The same in the (void *ctx, bytes, len) shape disk_stage_read calls back with (ctx: a checksum_hash). */
void checksum_hash_feed(void *ctx, const uint8_t *p, size_t len);
/* Writes the digest (out->alg = h->alg) and ends the hash. */
void checksum_hash_finish(struct checksum_hash *h, struct digest *out);

struct checksum_stage {
    struct stage st;
    const char *key;        /* what the console calls it: "sha256", "raw_sha256"... */
    struct checksum_hash hash;
    uint64_t pos;           /* input bytes hashed */
    uint64_t tsc;           /* TSC cycles spent hashing them */
    bool have_want;
    struct digest want;
    struct digest digest;   /* valid after a successful end */
};

/*
 * key: the name in messages (a static string), or NULL for a hash only kept (no line). want: the expected digest (its algorithm is
 * the one hashed), or NULL to hash with alg without comparing.
 */
void checksum_stage_init(struct checksum_stage *c, struct stage *next, struct stage_error *err,
                         const char *key, enum digest_alg alg, const struct digest *want);

#endif
