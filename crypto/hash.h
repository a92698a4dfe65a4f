/*
 * SHA-256 and SHA-512 (FIPS 180-4) behind one context type. The code is nettle's (Debian's
 * source package, fetched by tools/setup): its C message padding and its x86_64 assembly
 * compression functions, which m4 generates at build time. Which compression function runs is
 * chosen once from CPUID, as nettle's own "fat" build does, but fed from our CPUID reading.
 */
#ifndef CRYPTO_HASH_H
#define CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

enum hash_alg { HASH_SHA256, HASH_SHA512 };

#define HASH_MAX_DIGEST 64

/* CPU features the faster paths need (hash_cpu_features, hash_select). */
#define HASH_CPU_SHA_NI (1u << 0)   /* CPUID.(7,0):EBX[29] SHA extensions and CPUID.1:ECX[9] SSSE3 */

struct hash_ctx {
    enum hash_alg alg;
    /* nettle's sha256_ctx or sha512_ctx (hash.c checks the size): opaque, so that users of
     * this header need no nettle include path. */
    union {
        uint64_t align;
        unsigned char raw[224];
    } u;
};

/* The HASH_CPU_* features this CPU offers (CPUID; the OS or boot code must have set CR4.OSFXSR). */
unsigned hash_cpu_features(void);

/*
 * Chooses the compression functions for the given HASH_CPU_* features; 0 gives the plain
 * integer paths, which run on every x86_64 CPU. Without a call, the first use selects from
 * hash_cpu_features(). Host tests call it to force each path.
 */
void hash_select(unsigned features);

/* The path in use for alg ("sha_ni", "x86_64"), and the library ("nettle 3.8.1"). */
const char *hash_impl_name(enum hash_alg alg);
const char *hash_lib_name(void);

/* "sha256" / "sha512" (the command-line key and summary field), "SHA-256" / "SHA-512". */
const char *hash_alg_key(enum hash_alg alg);
const char *hash_alg_title(enum hash_alg alg);
size_t hash_digest_size(enum hash_alg alg);    /* bytes: 32 or 64 */

void hash_init(struct hash_ctx *c, enum hash_alg alg);
void hash_update(struct hash_ctx *c, const void *data, size_t len);
/* Writes hash_digest_size(c->alg) bytes and starts c afresh for the same algorithm. */
void hash_final(struct hash_ctx *c, uint8_t *digest);

/* One-call digest of a buffer. */
void hash_buffer(enum hash_alg alg, const void *data, size_t len, uint8_t *digest);

#endif
