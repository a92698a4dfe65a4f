/* kernel/string.c against the host libc on random buffers and strings (fixed seed). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/string.h"
#include "test.h"

#define ROUNDS 2000
#define BUF 320

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* Random bytes from a small alphabet, so that searches and comparisons often match. */
static void fill_random(unsigned char *p, size_t n, unsigned alphabet)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(alphabet ? 'a' + test_rand_below(alphabet) : test_rand());
}

/* A random NUL-terminated string of length < max in s. */
static size_t random_string(char *s, size_t max, unsigned alphabet)
{
    size_t n = test_rand_below(max);
    fill_random((unsigned char *)s, n, alphabet);
    s[n] = '\0';
    return n;
}

/* memcpy and memset write exactly [dst, dst+n) and return dst, at any alignment. */
static void test_memcpy_memset(void)
{
    static unsigned char src[BUF], a[BUF], b[BUF];
    for (int r = 0; r < ROUNDS; r++) {
        size_t off = test_rand_below(16), soff = test_rand_below(16);
        size_t n = test_rand_below(BUF - 32);
        fill_random(src, BUF, 0);
        memset(a, 0xA5, BUF);
        memset(b, 0xA5, BUF);
        CHECK(np_memcpy(a + off, src + soff, n) == a + off);
        memcpy(b + off, src + soff, n);
        if (!CHECK(memcmp(a, b, BUF) == 0))
            return;

        int c = (int)test_rand_below(0x300);   /* above 255: only the low byte counts */
        CHECK(np_memset(a + off, c, n) == a + off);
        memset(b + off, c, n);
        if (!CHECK(memcmp(a, b, BUF) == 0))
            return;
    }
}

/* memmove with overlaps in both directions, adjacent and identical ranges. */
static void test_memmove(void)
{
    static unsigned char a[BUF], b[BUF];
    for (int r = 0; r < ROUNDS; r++) {
        fill_random(a, BUF, 0);
        memcpy(b, a, BUF);
        size_t n = test_rand_below(BUF / 2);
        size_t src = test_rand_below(BUF - n), dst = test_rand_below(BUF - n);
        CHECK(np_memmove(a + dst, a + src, n) == a + dst);
        memmove(b + dst, b + src, n);
        if (!CHECK(memcmp(a, b, BUF) == 0))
            return;
    }
    /* Explicit cases: forward by one, backward by one, whole overlap. */
    char s[] = "0123456789";
    np_memmove(s + 1, s, 9);
    CHECK_STR(s, "0012345678");
    np_memmove(s, s + 1, 9);
    CHECK_STR(s, "0123456788");
    np_memmove(s, s, 10);
    CHECK_STR(s, "0123456788");
    np_memmove(s + 3, s, 0);
    CHECK_STR(s, "0123456788");
}

/* memcmp's sign and memchr's position, bytes above 0x7f included. */
static void test_memcmp_memchr(void)
{
    static unsigned char a[BUF], b[BUF];
    for (int r = 0; r < ROUNDS; r++) {
        size_t n = test_rand_below(64);
        fill_random(a, n, 3);
        memcpy(b, a, n);
        if (n && test_rand_below(2))
            b[test_rand_below(n)] = (unsigned char)test_rand();
        CHECK_EQ_I64(sign(np_memcmp(a, b, n)), sign(memcmp(a, b, n)));

        int c = (int)(test_rand_below(2) ? 'a' + test_rand_below(4) : test_rand_below(0x200));
        CHECK(np_memchr(a, c, n) == memchr(a, c, n));
    }
    unsigned char hi[2] = { 0x80, 0x01 };
    CHECK(np_memcmp(hi, hi + 1, 1) > 0);    /* unsigned comparison */
    CHECK(np_memchr(hi, 0x180, 2) == hi);
}

/* strlen, strnlen, strcmp, strncmp, strchr, strrchr on random strings. */
static void test_str_scan(void)
{
    static char a[BUF], b[BUF];
    for (int r = 0; r < ROUNDS; r++) {
        random_string(a, 40, 3);
        if (test_rand_below(2))
            strcpy(b, a);
        else
            random_string(b, 40, 3);
        if (test_rand_below(4) == 0 && b[0])
            b[test_rand_below(strlen(b))] = (char)(0x80 + test_rand_below(0x7f));
        size_t max = test_rand_below(50);

        CHECK_EQ_U64(np_strlen(a), strlen(a));
        CHECK_EQ_U64(np_strnlen(a, max), strnlen(a, max));
        CHECK_EQ_I64(sign(np_strcmp(a, b)), sign(strcmp(a, b)));
        CHECK_EQ_I64(sign(np_strncmp(a, b, max)), sign(strncmp(a, b, max)));
        CHECK_EQ_I64(sign(np_strcmp(b, a)), sign(strcmp(b, a)));

        int c = test_rand_below(8) == 0 ? 0 : (int)('a' + test_rand_below(4));
        CHECK(np_strchr(a, c) == strchr(a, c));
        CHECK(np_strrchr(a, c) == strrchr(a, c));
        CHECK(np_strchr(b, c) == strchr(b, c));
        CHECK(np_strrchr(b, c) == strrchr(b, c));
    }
    CHECK(np_strcmp("a\x80", "a\x01") > 0);     /* compared as unsigned char */
    CHECK(np_strncmp("abc", "abd", 2) == 0);
    CHECK(np_strncmp("abc", "abd", 0) == 0);
}

/* strstr: needles cut from the haystack, random needles, empty needle and haystack. */
static void test_strstr(void)
{
    static char hay[BUF], needle[BUF];
    for (int r = 0; r < ROUNDS; r++) {
        size_t n = random_string(hay, 60, 2);
        if (n && test_rand_below(2)) {
            size_t at = test_rand_below(n), len = test_rand_below(n - at + 1);
            memcpy(needle, hay + at, len);
            needle[len] = '\0';
        } else {
            random_string(needle, 6, 2);
        }
        CHECK(np_strstr(hay, needle) == strstr(hay, needle));
    }
    const char *e = "";
    CHECK(np_strstr(e, "") == e);
    CHECK(np_strstr(e, "a") == NULL);
    CHECK(np_strstr("abc", "abcd") == NULL);
}

/* atoi on every magnitude up to INT_MAX and INT_MIN, with blanks, signs and trailing junk. */
static void test_atoi(void)
{
    static const char *const fixed[] = {
        "0", "-0", "+7", "  42", "\t-13x", "12abc", "", "-", "+", "x1",
        "99999999", "100000000", "999999999", "1000000000", "2147483647", "-2147483647",
        "-2147483648", "1234567890",
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (!CHECK_EQ_I64(np_atoi(fixed[i]), atoi(fixed[i])))
            fprintf(stderr, "  input \"%s\"\n", fixed[i]);

    char s[64];
    for (int r = 0; r < ROUNDS; r++) {
        int digits = 1 + (int)test_rand_below(10);
        int64_t v = (int64_t)(test_rand() % 10000000000ull);
        for (int d = digits; d < 10; d++)
            v /= 10;
        if (v > INT_MAX)
            v = INT_MAX;
        if (test_rand_below(2))
            v = -v;
        snprintf(s, sizeof(s), "%s%lld%s", test_rand_below(2) ? " \t" : "", (long long)v,
                 test_rand_below(2) ? "z9" : "");
        if (!CHECK_EQ_I64(np_atoi(s), atoi(s))) {
            fprintf(stderr, "  input \"%s\"\n", s);
            return;
        }
    }
}

/* strlcpy at every size around the source length: result, return value, no overrun. */
static void test_strlcpy(void)
{
    const char *src = "netplant";
    char dst[16];
    for (size_t size = 0; size <= 10; size++) {
        memset(dst, 'Z', sizeof(dst));
        CHECK_EQ_U64(np_strlcpy(dst, src, size), 8);
        if (size == 0) {
            CHECK_EQ_U64((unsigned char)dst[0], 'Z');
            continue;
        }
        size_t k = size - 1 < 8 ? size - 1 : 8;
        CHECK(memcmp(dst, src, k) == 0);
        CHECK_EQ_U64((unsigned char)dst[k], 0);
        CHECK_EQ_U64((unsigned char)dst[size], 'Z');
    }
    CHECK_EQ_U64(np_strlcpy(dst, "", sizeof(dst)), 0);
    CHECK_STR(dst, "");
}

int main(void)
{
    TEST_RUN(test_memcpy_memset);
    TEST_RUN(test_memmove);
    TEST_RUN(test_memcmp_memchr);
    TEST_RUN(test_str_scan);
    TEST_RUN(test_strstr);
    TEST_RUN(test_atoi);
    TEST_RUN(test_strlcpy);
    return test_finish();
}
