/*
 * The checksum stage between a fake source (the test) and a fake next stage that records:
 * SHA-256 and SHA-512, a mismatch, resume and restart, and two checksum stages in a chain
 * (the served bytes' and raw_sha256='s right before the disk).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "install/checksum.h"
#include "kernel/console.h"
#include "tests/unit/test.h"

/* The console, as the stage sees it: the last line logged. */
static char logged[256];
void log_printf(int level, const char *fmt, ...)
{
    (void)level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(logged, sizeof(logged), fmt, ap);
    va_end(ap);
}

/* The next stage: what it was given, and whether it fails its end. */
static struct {
    struct stage st;
    uint64_t begin_offset, begin_total;
    unsigned begins, ends;
    uint8_t data[256];
    size_t len;
    bool fail_end;
} next;

static int next_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    (void)s;
    next.begins++;
    next.begin_offset = offset, next.begin_total = total;
    if (!offset)
        next.len = 0;
    return 0;
}

static int next_write(struct stage *s, const uint8_t *p, size_t len)
{
    (void)s;
    memcpy(next.data + next.len, p, len);
    next.len += len;
    return 0;
}

static int next_end(struct stage *s)
{
    next.ends++;
    return next.fail_end ? stage_fail(s, NP_EXIT_DISK, "disk gone") : 0;
}

static const struct stage_ops next_ops = { "fake", next_begin, next_write, next_end, NULL };

/* SHA-256("abc") and SHA-512("abc"), FIPS 180-4 examples. */
static const char *ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char *ABC512 = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

static struct stage_error err;
static struct checksum_stage sum, raw;

static struct digest parse(const char *hex)
{
    struct digest d;
    enum digest_alg alg = strlen(hex) == 128 ? DIGEST_SHA512 : DIGEST_SHA256;
    CHECK(digest_parse_hex(hex, strlen(hex), alg, &d) == 0);
    return d;
}

static void setup(const char *want_hex)
{
    memset(&next, 0, sizeof(next));
    memset(&err, 0, sizeof(err));
    next.st = (struct stage){ &next_ops, NULL, &err };
    struct digest want = want_hex ? parse(want_hex) : (struct digest){ 0 };
    checksum_stage_init(&sum, &next.st, &err, want_hex ? digest_name(want.alg) : "sha256", DIGEST_SHA256,
                        want_hex ? &want : NULL);
}

static void test_pass_through_and_match(void)
{
    setup(ABC);
    CHECK(stage_begin(&sum.st, 0, 3) == 0);
    CHECK(next.begins == 1 && next.begin_offset == 0 && next.begin_total == 3);
    CHECK(stage_write(&sum.st, (const uint8_t *)"a", 1) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"bc", 2) == 0);
    CHECK(next.len == 3 && memcmp(next.data, "abc", 3) == 0);
    CHECK(stage_end(&sum.st) == 0);
    CHECK(next.ends == 1);
    char hex[DIGEST_HEX_MAX];
    digest_hex(&sum.digest, hex);
    CHECK(strcmp(hex, ABC) == 0);
    CHECK(err.status == NP_EXIT_OK);
    CHECK(strstr(logged, "3 bytes, sha256 matches") != NULL);
}

static void test_mismatch_after_the_disk_drained(void)
{
    setup(ABC);
    CHECK(stage_begin(&sum.st, 0, 3) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"abd", 3) == 0);
    CHECK(stage_end(&sum.st) < 0);
    CHECK(next.ends == 1);      /* everything landed first; only the first MiB stays zero */
    CHECK(err.status == NP_EXIT_HASH);
    CHECK(strstr(err.msg, "sha256 mismatch: got ") != NULL);
}

static void test_restart_hashes_from_zero_and_resume_continues(void)
{
    setup(ABC);
    CHECK(stage_begin(&sum.st, 0, 3) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"xy", 2) == 0);
    CHECK(stage_begin(&sum.st, 0, 3) == 0);     /* the server sent the file again */
    CHECK(stage_write(&sum.st, (const uint8_t *)"ab", 2) == 0);
    CHECK(stage_begin(&sum.st, 2, 3) == 0);     /* a resume at the byte where it broke */
    CHECK(next.begin_offset == 2);
    CHECK(stage_write(&sum.st, (const uint8_t *)"c", 1) == 0);
    CHECK(stage_end(&sum.st) == 0);
    CHECK(next.len == 3 && memcmp(next.data, "abc", 3) == 0);
    CHECK(err.status == NP_EXIT_OK);
}

static void test_resume_elsewhere_is_refused(void)
{
    setup(NULL);
    CHECK(stage_begin(&sum.st, 0, 10) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"abcd", 4) == 0);
    CHECK(stage_begin(&sum.st, 3, 10) < 0);     /* a splice would hash the wrong bytes */
    CHECK(err.status == NP_EXIT_HTTP);
    CHECK(next.begins == 1);
}

static void test_first_failure_wins(void)
{
    setup(ABC);
    next.fail_end = true;
    CHECK(stage_begin(&sum.st, 0, 3) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"abd", 3) == 0);
    CHECK(stage_end(&sum.st) < 0);
    CHECK(err.status == NP_EXIT_DISK);      /* the disk failed; the hash was never judged */
    CHECK(strcmp(err.msg, "disk gone") == 0);
    CHECK(stage_fail(&sum.st, NP_EXIT_HASH, "later") < 0);
    CHECK(err.status == NP_EXIT_DISK);
}

static void test_sha512(void)
{
    setup(ABC512);
    CHECK(stage_begin(&sum.st, 0, 3) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"ab", 2) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"c", 1) == 0);
    CHECK(stage_end(&sum.st) == 0);
    char hex[DIGEST_HEX_MAX];
    digest_hex(&sum.digest, hex);
    CHECK_STR(hex, ABC512);
    CHECK(strstr(logged, "3 bytes, sha512 matches") != NULL);
    setup(ABC512);
    CHECK(stage_begin(&sum.st, 0, 3) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"abd", 3) == 0);
    CHECK(stage_end(&sum.st) < 0);
    CHECK(err.status == NP_EXIT_HASH);
    CHECK(strncmp(err.msg, "sha512 mismatch: got ", 21) == 0 && strlen(err.msg) > 21 + 128);
}

/* The served bytes' checksum, then raw_sha256='s right before the (fake) disk. */
static void chain(const char *outer, const char *inner)
{
    setup(NULL);
    struct digest o = parse(outer), i = parse(inner);
    checksum_stage_init(&raw, &next.st, &err, "raw_sha256", DIGEST_SHA256, &i);
    checksum_stage_init(&sum, &raw.st, &err, digest_name(o.alg), DIGEST_SHA256, &o);
    CHECK(stage_begin(&sum.st, 0, 3) == 0);
    CHECK(stage_write(&sum.st, (const uint8_t *)"abc", 3) == 0);
}

static void test_raw_stage_before_the_disk(void)
{
    chain(ABC512, ABC);
    CHECK(stage_end(&sum.st) == 0);
    CHECK(next.len == 3 && next.ends == 1 && err.status == NP_EXIT_OK);
    CHECK(raw.digest.alg == DIGEST_SHA256 && sum.digest.alg == DIGEST_SHA512);
    /* The raw digest is wrong: its stage ends first and says so. */
    chain(ABC, "0000000000000000000000000000000000000000000000000000000000000000");
    CHECK(stage_end(&sum.st) < 0);
    CHECK(err.status == NP_EXIT_HASH);
    CHECK(strncmp(err.msg, "raw_sha256 mismatch: got ba7816bf", 32) == 0);
    /* Both are wrong: the stage nearest the disk ends first, and the first failure wins. */
    chain("1111111111111111111111111111111111111111111111111111111111111111",
          "0000000000000000000000000000000000000000000000000000000000000000");
    CHECK(stage_end(&sum.st) < 0);
    CHECK(strncmp(err.msg, "raw_sha256 mismatch", 19) == 0);
}

static void test_hex(void)
{
    struct digest d;
    CHECK(digest_parse_hex(ABC, 64, DIGEST_SHA256, &d) == 0 && d.bytes[0] == 0xba && d.bytes[31] == 0xad);
    CHECK(digest_parse_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", 64, DIGEST_SHA256,
                           &d) == 0);
    CHECK(digest_parse_hex("ba78", 4, DIGEST_SHA256, &d) < 0);
    CHECK(digest_parse_hex(ABC, 64, DIGEST_SHA512, &d) < 0);                /* 64 digits are not SHA-512 */
    CHECK(digest_parse_hex(ABC512, 128, DIGEST_SHA512, &d) == 0 && d.bytes[63] == 0x9f);
    CHECK(digest_parse_hex("g a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a", 64, DIGEST_SHA256,
                           &d) < 0);
    /* Control bytes 0x10-0x19 are not digits, though OR-ing 0x20 makes them look like '0'-'9'. */
    char ctl[65];
    memcpy(ctl, ABC, 65);
    ctl[5] = 0x16;
    CHECK(digest_parse_hex(ctl, 64, DIGEST_SHA256, &d) < 0);
    ctl[5] = 'G';
    CHECK(digest_parse_hex(ctl, 64, DIGEST_SHA256, &d) < 0);
    char hex[DIGEST_HEX_MAX];
    CHECK(digest_parse_hex(ABC512, 128, DIGEST_SHA512, &d) == 0);
    digest_hex(&d, hex);
    CHECK_STR(hex, ABC512);
}

int main(void)
{
    TEST_RUN(test_pass_through_and_match);
    TEST_RUN(test_mismatch_after_the_disk_drained);
    TEST_RUN(test_restart_hashes_from_zero_and_resume_continues);
    TEST_RUN(test_resume_elsewhere_is_refused);
    TEST_RUN(test_first_failure_wins);
    TEST_RUN(test_sha512);
    TEST_RUN(test_raw_stage_before_the_disk);
    TEST_RUN(test_hex);
    return test_finish();
}
