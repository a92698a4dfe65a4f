/*
 * crypto/hash.c over nettle: each SHA-256/SHA-512 path (every set of CPU features hash_select
 * takes) against the FIPS 180-4 examples, then against mbedTLS on every length up to a few
 * blocks and on large buffers fed in random pieces, and the CPUID reading against the kernel's.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/hash.h"
#include "crypto/hash_kat.h"
#include "mbedtls/sha256.h"
#include "mbedtls/sha512.h"
#include "tests/unit/test.h"

static unsigned cpu;    /* what this CPU offers */

static void reference(enum hash_alg alg, const uint8_t *p, size_t n, uint8_t *out)
{
    if (alg == HASH_SHA256)
        CHECK(mbedtls_sha256(p, n, out, 0) == 0);
    else
        CHECK(mbedtls_sha512(p, n, out, 0) == 0);
}

/* Hashes p in random pieces (some empty, some spanning blocks). */
static void pieces(enum hash_alg alg, const uint8_t *p, size_t n, uint8_t *out)
{
    struct hash_ctx c;
    hash_init(&c, alg);
    for (size_t off = 0; off < n;) {
        size_t k = (size_t)test_rand_below(test_rand_below(4) ? 300 : 70000);
        k = k < n - off ? k : n - off;
        hash_update(&c, p + off, k);
        off += k;
    }
    hash_final(&c, out);
}

static void check_path(unsigned features, const char *name)
{
    hash_select(features);
    CHECK_STR(hash_impl_name(HASH_SHA256), name);
    CHECK_STR(hash_impl_name(HASH_SHA512), "x86_64");
    for (int a = HASH_SHA256; a <= HASH_SHA512; a++) {
        const char *failed = NULL;
        size_t piece = 0;
        if (!CHECK(hash_kat_run((enum hash_alg)a, &failed, &piece) == 0))
            fprintf(stderr, "  %s path %s: example %s fed in %zu-byte pieces\n", hash_alg_key((enum hash_alg)a),
                    name, failed, piece);
    }
    /* Every length across the first few blocks and both paddings' edge cases. */
    static uint8_t buf[(3 << 20) + 77];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)test_rand();
    for (int a = HASH_SHA256; a <= HASH_SHA512; a++) {
        enum hash_alg alg = (enum hash_alg)a;
        size_t d = hash_digest_size(alg);
        uint8_t got[HASH_MAX_DIGEST], want[HASH_MAX_DIGEST];
        for (size_t n = 0; n <= 600; n++) {
            hash_buffer(alg, buf + n % 13, n, got);  /* unaligned starts too */
            reference(alg, buf + n % 13, n, want);
            if (!CHECK(memcmp(got, want, d) == 0)) {
                fprintf(stderr, "  %s %s: %zu bytes\n", hash_alg_key(alg), name, n);
                break;
            }
        }
        for (int r = 0; r < 8; r++) {
            size_t n = sizeof(buf) - (size_t)test_rand_below(1 << 20);
            pieces(alg, buf, n, got);
            reference(alg, buf, n, want);
            if (!CHECK(memcmp(got, want, d) == 0))
                fprintf(stderr, "  %s %s: %zu bytes in pieces\n", hash_alg_key(alg), name, n);
        }
    }
}

static void test_integer_path(void)
{
    check_path(0, "x86_64");
}

static void test_sha_ni_path(void)
{
    if (!(cpu & HASH_CPU_SHA_NI)) {
        printf("SKIP test_sha_ni_path: this CPU has no SHA extensions\n");
        return;
    }
    check_path(HASH_CPU_SHA_NI, "sha_ni");
}

/* The features hash_cpu_features reads must be the ones Linux reports for this CPU. */
static void test_cpu_features(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    bool sha_ni = false, ssse3 = false, seen = false;
    while (f && !seen && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "flags", 5))
            continue;
        seen = true;
        sha_ni = strstr(line, " sha_ni") != NULL;
        ssse3 = strstr(line, " ssse3") != NULL;
    }
    if (f)
        fclose(f);
    if (!seen) {
        printf("SKIP test_cpu_features: no flags line in /proc/cpuinfo\n");
        return;
    }
    CHECK_EQ_U64(cpu & HASH_CPU_SHA_NI, sha_ni && ssse3 ? HASH_CPU_SHA_NI : 0);
}

/* The names the command line, summary and banner use. */
static void test_names(void)
{
    CHECK_STR(hash_alg_key(HASH_SHA256), "sha256");
    CHECK_STR(hash_alg_key(HASH_SHA512), "sha512");
    CHECK_STR(hash_alg_title(HASH_SHA512), "SHA-512");
    CHECK_EQ_U64(hash_digest_size(HASH_SHA256), 32);
    CHECK_EQ_U64(hash_digest_size(HASH_SHA512), 64);
    CHECK(strncmp(hash_lib_name(), "nettle 3.", 9) == 0);
}

int main(void)
{
    cpu = hash_cpu_features();
    printf("this CPU: %s\n", cpu & HASH_CPU_SHA_NI ? "SHA extensions" : "no SHA extensions");
    TEST_RUN(test_names);
    TEST_RUN(test_cpu_features);
    TEST_RUN(test_integer_path);
    TEST_RUN(test_sha_ni_path);
    return test_finish();
}
