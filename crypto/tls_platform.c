/* mbedTLS's platform hooks: the arena, the clock and calendar, and the entropy poll. */
#include "crypto/tls_platform.h"

#include "arch/x86_64/arch.h"
#include "kernel/entropy.h"
#include "kernel/errno.h"
#include "kernel/exit.h"
#include "kernel/kmem.h"
#include "kernel/string.h"
#include "kernel/walltime.h"
#include "aesni.h"   /* mbedTLS 3: library/aesni.h, internal */
#include "mbedtls/entropy.h"
#include "entropy_poll.h"  /* mbedTLS 3: library/, mbedtls_hardware_poll */
#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha256.h"

#define SEED_BITS       256     /* one SHA-256 output of full entropy per poll */
#define RAW_CHUNK       64

static bool ready;

int tls_platform_init(size_t bytes)
{
    uint64_t pa;
    if (ready)
        return 0;
    if (kmem_alloc_pages((bytes + PAGE_SIZE - 1) / PAGE_SIZE, PAGE_SIZE, 4ull << 30, &pa))
        return -NP_ENOMEM;
    mbedtls_memory_buffer_alloc_init((unsigned char *)(uintptr_t)pa, bytes);
    if (cpu_has_aesni())
        cpu_sse_enable();   /* before mbedTLS's first AES-NI instruction */
    ready = true;
    return 0;
}

int tls_platform_aesni(void)
{
    return cpu_has_aesni() && mbedtls_aesni_has_support(MBEDTLS_AESNI_AES) &&
           mbedtls_aesni_has_support(MBEDTLS_AESNI_CLMUL);
}

void np_tls_exit(int status)
{
    panic("mbedTLS's allocator found its arena corrupted (%d)", status);
}

/*
 * Seconds since 1970 (UTC). An unusable clock (walltime_now() < 0) reads as 1970: mbedTLS 3.6
 * fails a certificate check outright when it cannot read the time, and a connection gets this
 * far without a clock only under insecure (tls.c), whose warning then says "not yet valid".
 */
long long np_tls_time(long long *t)
{
    long long now = walltime_now();
    if (now < 0)
        now = 0;
    if (t)
        *t = now;
    return now;
}

/* Milliseconds on a clock that never goes back: TLS 1.3 ticket ages (RFC 8446 4.6.1). */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)clock_ms();
}

struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    struct civil_time c;
    if (*tt < 0)
        return NULL;
    unix_to_civil(*tt, &c);
    NP_STRFN(memset)(tm_buf, 0, sizeof(*tm_buf));
    tm_buf->tm_year = c.year - 1900;
    tm_buf->tm_mon = c.mon - 1;
    tm_buf->tm_mday = c.mday;
    tm_buf->tm_hour = c.hour;
    tm_buf->tm_min = c.min;
    tm_buf->tm_sec = c.sec;
    return tm_buf;
}

/*
 * The entropy module's strong source: raw input from kernel/entropy.c hashed with SHA-256
 * until it holds SEED_BITS by the source's own (conservative) count; then 32 bytes out.
 */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    mbedtls_sha256_context h;
    uint8_t raw[RAW_CHUNK], digest[32];
    size_t have = 0, rounds = 0;
    (void)data;
    *olen = 0;
    mbedtls_sha256_init(&h);
    mbedtls_sha256_starts(&h, 0);
    while (have < SEED_BITS) {
        size_t bits;
        /* Bound: at the lowest estimate (1/16 bit per byte) 256 bits take 4096 chunks. */
        if (entropy_read(raw, sizeof(raw), &bits) || ++rounds > 8192) {
            mbedtls_sha256_free(&h);
            return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
        }
        mbedtls_sha256_update(&h, raw, sizeof(raw));
        have += bits;
    }
    mbedtls_sha256_finish(&h, digest);
    mbedtls_sha256_free(&h);
    *olen = len < sizeof(digest) ? len : sizeof(digest);
    NP_STRFN(memcpy)(output, digest, *olen);
    mbedtls_platform_zeroize(raw, sizeof(raw));
    mbedtls_platform_zeroize(digest, sizeof(digest));
    return 0;
}
