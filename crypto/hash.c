/*
 * The hash interface over nettle's SHA-2 (FIPS 180-4): nettle's C does the buffering and
 * padding and calls _nettle_sha256_compress / _nettle_sha512_compress once per block. Its
 * "fat" build picks the SHA-256 compression function at load time from its own CPUID reading;
 * here that choice is ours (hash_select), and the assembly comes in two variants built from
 * the same Debian sources: x86_64 (integer) and sha_ni (SHA extensions). SHA-512 has one x86_64
 * path in nettle, used on every CPU.
 */
#include "crypto/hash.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "sha2.h"
#include "sha2-internal.h"

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((struct hash_ctx *)0)->u.raw), "hash_ctx too small");
_Static_assert(sizeof(struct sha512_ctx) <= sizeof(((struct hash_ctx *)0)->u.raw), "hash_ctx too small");
_Static_assert(_Alignof(struct sha512_ctx) <= _Alignof(uint64_t), "hash_ctx under-aligned");

/* The context's bytes as the nettle context they hold: only nettle's functions read or write
 * them, always as that one type. */
#define S256(c) ((struct sha256_ctx *)(void *)(c)->u.raw)
#define S512(c) ((struct sha512_ctx *)(void *)(c)->u.raw)

/* nettle's compression functions, as its fat build names them (x86_64/fat/sha256-compress*.asm). */
typedef void sha256_compress_fn(uint32_t *state, const uint8_t *data, const uint32_t *k);
sha256_compress_fn _nettle_sha256_compress_x86_64, _nettle_sha256_compress_sha_ni;

static const struct sha256_path {
    const char *name;
    unsigned needs;     /* HASH_CPU_* */
    sha256_compress_fn *fn;
} sha256_paths[] = {    /* fastest first */
    { "sha_ni", HASH_CPU_SHA_NI, _nettle_sha256_compress_sha_ni },
    { "x86_64", 0, _nettle_sha256_compress_x86_64 },
};

static const struct sha256_path *sha256_path;

static const struct {
    const char *key, *title;
    size_t size;
} algs[] = {
    [HASH_SHA256] = { "sha256", "SHA-256", SHA256_DIGEST_SIZE },
    [HASH_SHA512] = { "sha512", "SHA-512", SHA512_DIGEST_SIZE },
};

unsigned hash_cpu_features(void)
{
    uint32_t r[4];
    unsigned f = 0;
    cpuid(0, 0, r);
    if (r[0] < 7)
        return 0;
    cpuid(1, 0, r);
    bool ssse3 = r[2] & (1u << 9);
    cpuid(7, 0, r);
    if (ssse3 && (r[1] & (1u << 29)))
        f |= HASH_CPU_SHA_NI;
    return f;
}

void hash_select(unsigned features)
{
    for (size_t i = 0; i < sizeof(sha256_paths) / sizeof(sha256_paths[0]); i++) {
        if ((sha256_paths[i].needs & features) == sha256_paths[i].needs) {
            sha256_path = &sha256_paths[i];
            return;
        }
    }
}

static void select_once(void)
{
    if (!sha256_path)
        hash_select(hash_cpu_features());
}

/* What nettle's sha256.c calls for each 64-byte block: our stand-in for its fat dispatch. */
void _nettle_sha256_compress(uint32_t *state, const uint8_t *data, const uint32_t *k)
{
    sha256_path->fn(state, data, k);
}

const char *hash_impl_name(enum hash_alg alg)
{
    select_once();
    return alg == HASH_SHA256 ? sha256_path->name : "x86_64";
}

const char *hash_lib_name(void)
{
    return "nettle " NP_NETTLE_VERSION;
}

const char *hash_alg_key(enum hash_alg alg) { return algs[alg].key; }
const char *hash_alg_title(enum hash_alg alg) { return algs[alg].title; }
size_t hash_digest_size(enum hash_alg alg) { return algs[alg].size; }

void hash_init(struct hash_ctx *c, enum hash_alg alg)
{
    select_once();
    c->alg = alg;
    if (alg == HASH_SHA256)
        sha256_init(S256(c));
    else
        sha512_init(S512(c));
}

void hash_update(struct hash_ctx *c, const void *data, size_t len)
{
    if (c->alg == HASH_SHA256)
        sha256_update(S256(c), len, data);
    else
        sha512_update(S512(c), len, data);
}

void hash_final(struct hash_ctx *c, uint8_t *digest)
{
    if (c->alg == HASH_SHA256)
        sha256_digest(S256(c), SHA256_DIGEST_SIZE, digest);
    else
        sha512_digest(S512(c), SHA512_DIGEST_SIZE, digest);
}

void hash_buffer(enum hash_alg alg, const void *data, size_t len, uint8_t *digest)
{
    struct hash_ctx c;
    hash_init(&c, alg);
    hash_update(&c, data, len);
    hash_final(&c, digest);
}
