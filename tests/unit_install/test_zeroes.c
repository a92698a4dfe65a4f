/* install/zeroes.c: finding whole zero 64 KiB units in a ring write, and where to cut it. */
#include <stdlib.h>
#include <string.h>

#include "install/zeroes.h"
#include "tests/unit/test.h"

#define U ZEROES_UNIT
#define MIB (1u << 20)

static uint8_t *buf;    /* 4 MiB + a unit, 8-byte aligned (malloc) */

/* units: one character per 64 KiB unit, '0' all zero, 'x' data in its last byte. */
static void fill(const char *units)
{
    memset(buf, 0, 4 * MIB + U);
    for (size_t i = 0; units[i]; i++)
        if (units[i] == 'x')
            buf[(i + 1) * U - 1] = 0xA5;
}

struct piece {
    size_t len;
    bool zero;
};

/* Cuts a whole write as the disk stage does and returns the pieces as "Z2 D1 ..." (units). */
static const char *pieces(uint64_t off, size_t len, bool open_end, size_t max_run)
{
    static char out[256];
    size_t o = 0, at = 0;
    out[0] = '\0';
    while (at < len) {
        bool zero;
        size_t n = zeroes_cut(off + at, buf + at, len - at, open_end, max_run, &zero);
        if (n == 0) {
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%swait", o ? " " : "");
            break;
        }
        if (n % U)
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%c%zub", o ? " " : "", zero ? 'Z' : 'D', n);
        else
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%c%zu", o ? " " : "", zero ? 'Z' : 'D', n / U);
        at += n;
    }
    return out;
}

static void test_all(void)
{
    memset(buf, 0, U);
    CHECK(zeroes_all(buf, U));
    CHECK(zeroes_all(buf, 32));
    /* A single bit anywhere is found: every word, every lane of the four-word step. */
    size_t at[] = { 0, 1, 7, 8, 15, 16, 24, 31, 32, 4095, 4096, U / 2 + 13, U - 9, U - 8, U - 1 };
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        memset(buf, 0, U);
        buf[at[i]] = 0x01;
        if (!CHECK(!zeroes_all(buf, U)))
            fprintf(stderr, "  byte %zu\n", at[i]);
    }
    memset(buf, 0, U);
    buf[32] = 0x80;
    CHECK(zeroes_all(buf, 32));     /* only n bytes are looked at */
}

static void test_runs(void)
{
    fill("xx0000x000000000");
    CHECK_STR(pieces(MIB, 16 * U, false, 64 * U), "D2 Z4 D1 Z9");
    /* The last unit is data: the zero run stops before it. */
    fill("000x");
    CHECK_STR(pieces(MIB, 4 * U, false, 64 * U), "Z3 D1");
    /* A zero run longer than the disk takes at once is split. */
    fill("0000000");
    CHECK_STR(pieces(MIB, 7 * U, false, 3 * U), "Z3 Z3 Z1");
    /* Data in the middle of a unit spoils only that unit. */
    fill("0000");
    buf[U + 5] = 1;
    CHECK_STR(pieces(0, 4 * U, false, 64 * U), "Z1 D1 Z2");
}

static void test_partial_units(void)
{
    /* The stream's end (not open): a partial last unit goes as data, even when zero. */
    fill("x00");
    CHECK_STR(pieces(MIB, 2 * U + 512, false, 64 * U), "D1 Z1 D512b");
    /* More may follow: the partial unit waits, the rest goes. */
    CHECK_STR(pieces(MIB, 2 * U + 512, true, 64 * U), "D1 Z1 wait");
    CHECK_STR(pieces(MIB, 512, true, 64 * U), "wait");
    CHECK_STR(pieces(MIB, 512, false, 64 * U), "D512b");
    /* A write that does not start on a unit: data up to the next boundary, then aligned. */
    fill("0000");
    CHECK_STR(pieces(MIB - 4096, 4096 + 3 * U, false, 64 * U), "D4096b Z3");
    CHECK_STR(pieces(MIB - 4096, 2048, true, 64 * U), "wait");
    CHECK_STR(pieces(MIB - 4096, 2048, false, 64 * U), "D2048b");
    /* A 4 KiB-block disk: every cut stays on a block. */
    fill("x0x0");
    CHECK_STR(pieces(8 * U, 4 * U - 4096, false, 64 * U), "D1 Z1 D1 D61440b");
}

/* Random layouts: the pieces tile the write, zero pieces are aligned whole zero units, and
 * every zero unit wholly inside an aligned closed write goes out as zeros. */
static void test_random(void)
{
    srand(7);
    for (int round = 0; round < 300; round++) {
        char units[65];
        for (int i = 0; i < 64; i++)
            units[i] = rand() % 3 ? '0' : 'x';
        units[64] = '\0';
        fill(units);
        uint64_t base = MIB + (uint64_t)(rand() % 4) * U;
        size_t skip = (size_t)(rand() % 8) * 512, len = (size_t)(rand() % (48 * 128)) * 512 + 512;
        bool open_end = rand() % 2;
        size_t at = 0, zero_units = 0;
        while (at < len) {
            bool zero;
            size_t n = zeroes_cut(base + skip + at, buf + skip + at, len - at, open_end, 8 * U, &zero);
            if (n == 0)
                break;
            CHECK(n <= len - at && n % 512 == 0);
            if (zero) {
                CHECK((base + skip + at) % U == 0 && n % U == 0 && n <= 8 * U);
                for (size_t k = 0; k < n; k += U)
                    CHECK(units[(skip + at + k) / U] == '0');
                zero_units += n / U;
            }
            at += n;
        }
        if (!skip && !open_end) {
            size_t want = 0;
            for (size_t i = 0; i < len / U; i++)
                want += units[i] == '0';
            CHECK_EQ_U64(zero_units, want);
        }
        CHECK(at == len || open_end);
    }
}

int main(void)
{
    buf = aligned_alloc(64, 4 * MIB + U);
    TEST_RUN(test_all);
    TEST_RUN(test_runs);
    TEST_RUN(test_partial_units);
    TEST_RUN(test_random);
    free(buf);
    return test_finish();
}
