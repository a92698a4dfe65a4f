/* The install's closing line: its fields, its rounding, and that it parses back as key=value. */
#include <string.h>

#include "install/summary.h"
#include "tests/unit/test.h"

/* Splits "k=v k=v" and returns the value of key, or NULL. */
static const char *field(const char *line, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);
    for (const char *p = line; p && *p; p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL) {
        if (strncmp(p, key, k) == 0 && p[k] == '=') {
            size_t n = strcspn(p + k + 1, " ");
            if (n >= cap)
                return NULL;
            memcpy(out, p + k + 1, n);
            out[n] = '\0';
            return out;
        }
    }
    return NULL;
}

static void test_ok_line(void)
{
    struct digest d = { .alg = DIGEST_SHA256 };
    char line[256], v[80];
    for (int i = 0; i < 32; i++)
        d.bytes[i] = (uint8_t)(i * 7 + 1);
    int n = summary_format(line, sizeof(line), NP_EXIT_OK, 268435456, &d, 12345678, "vda", "gzip", 1073741824,
                           201326592);
    CHECK((size_t)n == strlen(line));
    CHECK_STR(field(line, "result", v, sizeof(v)), "ok");
    CHECK_STR(field(line, "code", v, sizeof(v)), "ok");
    CHECK_STR(field(line, "bytes", v, sizeof(v)), "268435456");
    CHECK_STR(field(line, "sha256", v, sizeof(v)), "01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da");
    CHECK_STR(field(line, "seconds", v, sizeof(v)), "12.345");
    /* 268435456 bytes in 12.345678 s = 21.743 MB/s: one decimal, truncated */
    CHECK_STR(field(line, "MBps", v, sizeof(v)), "21.7");
    CHECK_STR(field(line, "disk", v, sizeof(v)), "vda");
    CHECK_STR(field(line, "zeroed", v, sizeof(v)), "201326592");
    CHECK(field(line, "sha512", v, sizeof(v)) == NULL);
    CHECK_STR(field(line, "format", v, sizeof(v)), "gzip");
    CHECK_STR(field(line, "written", v, sizeof(v)), "1073741824");
    /* the keys readers of the older line look for, in their order, before the new ones */
    CHECK(strstr(line, "result=ok code=ok bytes=268435456 sha256=") == line);
    CHECK(strstr(line, " disk=vda format=gzip written=1073741824 zeroed=") != NULL);
    /* zeroed= comes last: fields other helpers add stay before it. */
    CHECK(strstr(line, " zeroed=201326592") + strlen(" zeroed=201326592") == line + strlen(line));
}

/* A SHA-512 digest goes under its own key, all 128 hex digits. */
static void test_sha512_line(void)
{
    struct digest d = { .alg = DIGEST_SHA512 };
    char line[320], v[160], want[129];
    for (int i = 0; i < 64; i++) {
        d.bytes[i] = (uint8_t)(255 - i);
        snprintf(want + 2 * i, 3, "%02x", 255 - i);
    }
    summary_format(line, sizeof(line), NP_EXIT_OK, 1, &d, 1000000, "vda", "raw", 1, 0);
    CHECK_STR(field(line, "sha512", v, sizeof(v)), want);
    CHECK(field(line, "sha256", v, sizeof(v)) == NULL);
    CHECK_STR(field(line, "zeroed", v, sizeof(v)), "0");
}

static void test_error_line(void)
{
    char line[256], v[80];
    summary_format(line, sizeof(line), NP_EXIT_HASH, 1048576, NULL, 0, NULL, NULL, 0, 0);
    CHECK_STR(field(line, "result", v, sizeof(v)), "error");
    CHECK_STR(field(line, "code", v, sizeof(v)), "hash");
    CHECK_STR(field(line, "sha256", v, sizeof(v)), "-");
    CHECK_STR(field(line, "MBps", v, sizeof(v)), "0.0");     /* no time: no division */
    CHECK_STR(field(line, "disk", v, sizeof(v)), "-");
    CHECK_STR(field(line, "format", v, sizeof(v)), "-");     /* failed before the format was known */
    CHECK_STR(field(line, "written", v, sizeof(v)), "0");
    summary_format(line, sizeof(line), NP_EXIT_TOOBIG, 0, NULL, 1500, "vdb", "raw", 0, 0);
    CHECK_STR(field(line, "code", v, sizeof(v)), "toobig");
    CHECK_STR(field(line, "seconds", v, sizeof(v)), "0.001");
}

static void test_every_status_has_a_name(void)
{
    char line[256], v[80];
    for (int s = 0; s <= NP_EXIT_FORMAT; s++) {
        summary_format(line, sizeof(line), (enum np_exit)s, 1, NULL, 1, "vda", "raw", 1, 0);
        CHECK(field(line, "code", v, sizeof(v)) && strcmp(v, "unknown") != 0);
    }
}

static void test_truncation(void)
{
    char small[16];
    int n = summary_format(small, sizeof(small), NP_EXIT_OK, 1, NULL, 1, "vda", "raw", 1, 0);
    CHECK(n > (int)sizeof(small));
    CHECK_EQ_U64(strlen(small), sizeof(small) - 1);
}

int main(void)
{
    TEST_RUN(test_ok_line);
    TEST_RUN(test_sha512_line);
    TEST_RUN(test_error_line);
    TEST_RUN(test_every_status_has_a_name);
    TEST_RUN(test_truncation);
    return test_finish();
}
