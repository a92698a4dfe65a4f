/* The checksum stage between a fake source (the test) and a fake next stage that records. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "install/checksum.h"
#include "install/summary.h"
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

static const struct stage_ops next_ops = { "fake", next_begin, next_write, next_end };

/* SHA-256("abc"), FIPS 180-4 example. */
static const char *ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static struct stage_error err;
static struct checksum_stage sum;

static void setup(const char *want_hex)
{
    uint8_t want[32];
    memset(&next, 0, sizeof(next));
    memset(&err, 0, sizeof(err));
    next.st = (struct stage){ &next_ops, NULL, &err };
    if (want_hex)
        CHECK(checksum_parse_hex(want_hex, want) == 0);
    checksum_stage_init(&sum, &next.st, &err, want_hex ? want : NULL);
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
    char hex[65];
    summary_hex(sum.digest, hex);
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

static void test_hex(void)
{
    uint8_t d[32];
    CHECK(checksum_parse_hex(ABC, d) == 0 && d[0] == 0xba && d[31] == 0xad);
    CHECK(checksum_parse_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", d) == 0);
    CHECK(checksum_parse_hex("ba78", d) < 0);
    CHECK(checksum_parse_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0", d) < 0);
    CHECK(checksum_parse_hex("g a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a", d) < 0);
}

int main(void)
{
    TEST_RUN(test_pass_through_and_match);
    TEST_RUN(test_mismatch_after_the_disk_drained);
    TEST_RUN(test_restart_hashes_from_zero_and_resume_continues);
    TEST_RUN(test_resume_elsewhere_is_refused);
    TEST_RUN(test_first_failure_wins);
    TEST_RUN(test_hex);
    return test_finish();
}
