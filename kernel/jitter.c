/* The jitter source's entropy estimate: integer arithmetic only (no FPU in the kernel). */
#include "kernel/entropy.h"

#define FIX         16              /* probabilities in 1/65536 */
#define ONE         (1u << FIX)
#define Z99_X1000   2576            /* z for a one-sided 99% bound (SP 800-90B 6.3.1) */
#define CAP_X16     32              /* never more than 2 bits per sample */
#define MIN_SAMPLES 64

static uint32_t isqrt64(uint64_t v)
{
    uint64_t r = 0, bit = 1ull << 62;
    while (bit > v)
        bit >>= 2;
    for (; bit; bit >>= 2) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return (uint32_t)r;
}

/*
 * -log2(v / 65536) in 1/16 bit, rounded down, for 0 < v <= 65536: whole bits by doubling v
 * into [1/2, 1), then the fraction from v^16 (four squarings, each rounded up so that the
 * estimate only ever errs low).
 */
static unsigned neg_log2_x16(uint32_t v)
{
    unsigned whole = 0, frac = 0;
    uint64_t x = v;
    while (x < ONE / 2) {
        x <<= 1;
        whole++;
    }
    for (int i = 0; i < 4; i++)
        x = (x * x + ONE - 1) >> FIX;
    while (x < ONE / 2) {       /* x = v'^16 >= 2^-16: at most 16 rounds */
        x <<= 1;
        frac++;
    }
    return whole * 16 + frac;
}

unsigned jitter_estimate_x16(const uint8_t *samples, size_t n)
{
    uint32_t count[256] = { 0 };
    uint32_t cmax = 0;
    if (n < MIN_SAMPLES || n > (1u << 24))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (++count[samples[i]] > cmax)
            cmax = count[samples[i]];
    uint64_t p = (uint64_t)cmax * ONE / n;
    uint64_t sd = isqrt64(p * (ONE - p) / (n - 1)) + 1;   /* sqrt(p(1-p)/(n-1)) in 1/65536, up */
    uint64_t pu = p + sd * Z99_X1000 / 1000;
    if (pu >= ONE)
        return 0;
    unsigned h = neg_log2_x16((uint32_t)pu) / 2;
    return h > CAP_X16 ? CAP_X16 : h;
}
