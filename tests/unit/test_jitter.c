/* kernel/jitter.c: the jitter source's min-entropy estimate errs low, never high. */
#include "kernel/entropy.h"
#include "test.h"

static uint8_t s[65536];

static void test_estimate(void)
{
    /* Constant samples: nothing. Too few samples: nothing. */
    memset(s, 7, sizeof(s));
    CHECK_EQ_U64(jitter_estimate_x16(s, 4096), 0);
    for (int i = 0; i < 63; i++)
        s[i] = (uint8_t)test_rand();
    CHECK_EQ_U64(jitter_estimate_x16(s, 63), 0);
    /* Uniform over 256 values: 8 bits true, capped at 2. */
    for (size_t i = 0; i < sizeof(s); i++)
        s[i] = (uint8_t)test_rand();
    CHECK_EQ_U64(jitter_estimate_x16(s, sizeof(s)), 32);
    /* Two equally likely values: 1 bit true; the estimate (halved, with its bound) is below. */
    for (size_t i = 0; i < sizeof(s); i++)
        s[i] = (uint8_t)(test_rand() & 1);
    unsigned two = jitter_estimate_x16(s, sizeof(s));
    CHECK(two > 0 && two <= 8);
    /* One value 90% of the time: -log2(0.9) = 0.15 bit; at most that, halved, rounds to 0-1. */
    for (size_t i = 0; i < sizeof(s); i++)
        s[i] = test_rand_below(10) ? 0 : (uint8_t)test_rand();
    CHECK(jitter_estimate_x16(s, sizeof(s)) <= 1);
    /* Four values: 2 bits true; the estimate is at most half of it. */
    for (size_t i = 0; i < sizeof(s); i++)
        s[i] = (uint8_t)(test_rand() & 3);
    unsigned four = jitter_estimate_x16(s, sizeof(s));
    CHECK(four > two && four <= 16);
}

/* Never more than the true min-entropy / 2 for random skewed distributions. */
static void test_never_high(void)
{
    for (int round = 0; round < 200; round++) {
        unsigned k = 1 + (unsigned)test_rand_below(255);   /* values 0..k-1 */
        unsigned bias = (unsigned)test_rand_below(100);     /* % of samples that are 0 */
        size_t n = 64 + test_rand_below(8192);
        for (size_t i = 0; i < n; i++)
            s[i] = test_rand_below(100) < bias ? 0 : (uint8_t)test_rand_below(k);
        double pmax = bias / 100.0 + (1 - bias / 100.0) / k;
        double h = 0;
        for (double p = pmax; p < 1; p *= 2)
            h += 1;                                         /* ceil(-log2 pmax) >= -log2 pmax */
        unsigned est = jitter_estimate_x16(s, n);
        if (!CHECK(est <= 32 && est <= (unsigned)(h * 16 / 2 + 1)))
            fprintf(stderr, "  k=%u bias=%u n=%zu est=%u\n", k, bias, n, est);
    }
}

int main(void)
{
    TEST_RUN(test_estimate);
    TEST_RUN(test_never_high);
    return test_finish();
}
