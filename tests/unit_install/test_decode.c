/*
 * The detect stage and the four decoder stages between the test (the source) and a fake disk
 * that records what it gets, with streams the real gzip, zstd, xz and bzip2 tools made
 * (decode_fixtures.h, generated at build time): whole, in pieces down to single bytes, as
 * several members or frames, corrupt, truncated, resumed, restarted, and an xz stream whose
 * dictionary does not fit in the memory there is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compress/alloc.h"
#include "decode_fixtures.h"
#include "install/dec_bzip2.h"
#include "install/dec_gzip.h"
#include "install/dec_xz.h"
#include "install/dec_zstd.h"
#include "install/detect.h"
#include "kernel/console.h"
#include "tests/unit/test.h"

static char logged[256];
void log_printf(int level, const char *fmt, ...)
{
    (void)level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(logged, sizeof(logged), fmt, ap);
    va_end(ap);
}

/* The payload every fixture decodes to, made as gen_decode_fixtures.py makes it. */
static uint8_t payload[PAYLOAD_LEN];

static void make_payload(void)
{
    static const char alphabet[] = "abcdefgh \n";
    uint32_t x = 1;
    size_t n = 0;
    while (n < PAYLOAD_LEN) {
        x = (x * 1103515245u + 12345u) & 0x7FFFFFFF;
        size_t run = 1 + (x >> 8) % 64;
        for (size_t i = 0; i < run && n < PAYLOAD_LEN; i++)
            payload[n++] = (uint8_t)alphabet[(x >> 16) % 10];
    }
}

/* The disk, as the decoders see it: what it was given, and how it was begun. */
static struct {
    struct stage st;
    uint8_t *data;
    size_t len, cap;
    unsigned begins, ends, declares;
    uint64_t begin_offset;
    uint64_t declared[4];   /* the lengths declared to it, in order */
} disk;

static int disk_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    (void)s, (void)total;
    disk.begins++;
    disk.begin_offset = offset;
    if (offset != disk.len)
        disk.len = 0;   /* as the real disk stage: anything but a resume where it stopped starts over */
    return 0;
}

static int disk_write(struct stage *s, const uint8_t *p, size_t len)
{
    if (disk.len + len > disk.cap)
        return stage_fail(s, NP_EXIT_TOOBIG, "fake disk full");
    memcpy(disk.data + disk.len, p, len);
    disk.len += len;
    return 0;
}

static int disk_end(struct stage *s)
{
    (void)s;
    disk.ends++;
    return 0;
}

static int disk_declare(struct stage *s, uint64_t len, const char *why)
{
    if (disk.declares < 4)
        disk.declared[disk.declares] = len;
    disk.declares++;
    if (len > disk.cap)
        return stage_fail(s, NP_EXIT_TOOBIG, "fake disk: %llu bytes (%s) do not fit", (unsigned long long)len, why);
    return 0;
}

static const struct stage_ops disk_ops = { "fake disk", disk_begin, disk_write, disk_end, disk_declare };

static uint64_t released;
static void release(size_t len)
{
    released += len;
}

static struct stage_error err;
static struct detect_stage det;
static struct gzip_stage gz;
static struct zstd_stage zs;
static struct xz_stage xz;
static struct bzip2_stage bz;

static void stop_all(void)
{
    gz.dec.ops->stop(&gz.dec), zs.dec.ops->stop(&zs.dec), xz.dec.ops->stop(&xz.dec), bz.dec.ops->stop(&bz.dec);
    struct decoder *all[] = { &gz.dec, &zs.dec, &xz.dec, &bz.dec };
    for (size_t i = 0; i < 4; i++) {
        compress_free(all[i]->out);
        all[i]->out = NULL;
    }
}

static void setup(enum format want)
{
    static bool once;
    if (once)
        stop_all();
    once = true;
    memset(&err, 0, sizeof(err));
    disk.st = (struct stage){ &disk_ops, NULL, &err };
    disk.len = 0, disk.begins = disk.ends = disk.declares = 0;
    released = 0;
    gzip_stage_init(&gz, &disk.st, &err, release);
    zstd_stage_init(&zs, &disk.st, &err, release);
    xz_stage_init(&xz, &disk.st, &err, release);
    bzip2_stage_init(&bz, &disk.st, &err, release);
    struct stage *const to[FORMAT_COUNT] = { &disk.st, &gz.dec.st, &zs.dec.st, &xz.dec.st, &bz.dec.st };
    detect_stage_init(&det, to, &err, want);
}

/* Writes p[from, to) in pieces whose sizes cycle through `pieces`; stops at a failure. */
static int write_pieces(const uint8_t *p, size_t from, size_t to, const size_t *pieces, size_t npieces)
{
    for (size_t k = 0; from < to; k++) {
        size_t n = pieces[k % npieces] < to - from ? pieces[k % npieces] : to - from;
        if (stage_write(&det.st, p + from, n))
            return -1;
        from += n;
    }
    return 0;
}

static const size_t MIXED[] = { 1, 7, 4096, 3, 65536, 100, 2 };
static const size_t ONES[] = { 1 };

static int install(const uint8_t *p, size_t len, const size_t *pieces, size_t npieces)
{
    if (stage_begin(&det.st, 0, len) || write_pieces(p, 0, len, pieces, npieces))
        return -1;
    return stage_end(&det.st);
}

static void test_format_detect(void)
{
    static const uint8_t mbr[] = { 0xeb, 0x63, 0x90 }, gzip[] = { 0x1f, 0x8b, 0x08, 0x00 };
    static const uint8_t zstd[] = { 0x28, 0xb5, 0x2f, 0xfd }, skip[] = { 0x5e, 0x2a, 0x4d, 0x18 };
    static const uint8_t xz6[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, bz2[] = { 'B', 'Z', 'h', '9' };
    CHECK(format_detect(mbr, 1, false) == FORMAT_RAW);      /* no magic starts 0xeb: at once */
    CHECK(format_detect(gzip, 3, false) == FORMAT_GZIP);
    CHECK(format_detect(gzip, 2, false) == FORMAT_UNSURE);
    CHECK(format_detect(gzip, 2, true) == FORMAT_RAW);      /* two bytes in all: not gzip */
    CHECK(format_detect((const uint8_t *)"\x1f\x8b\x07", 3, false) == FORMAT_RAW);     /* not deflate */
    CHECK(format_detect(zstd, 4, false) == FORMAT_ZSTD);
    CHECK(format_detect(skip, 4, false) == FORMAT_ZSTD);
    CHECK(format_detect(xz6, 6, false) == FORMAT_XZ);
    CHECK(format_detect(xz6, 5, false) == FORMAT_UNSURE);
    CHECK(format_detect(bz2, 4, false) == FORMAT_BZIP2);
    CHECK(format_detect((const uint8_t *)"BZh0", 4, false) == FORMAT_RAW);
    CHECK(format_detect((const uint8_t *)"BZh", 3, true) == FORMAT_RAW);
    CHECK(format_detect((const uint8_t *)"QFI\xfb\0\0\0\3", 8, false) == FORMAT_QCOW2);
    CHECK(format_detect((const uint8_t *)"QFI", 3, false) == FORMAT_UNSURE);
    CHECK(format_detect((const uint8_t *)"QFI\xfa", 4, false) == FORMAT_RAW);     /* one bit off */
    CHECK(format_detect(mbr, 0, false) == FORMAT_UNSURE);
    CHECK(format_detect(mbr, 0, true) == FORMAT_RAW);
    enum format f;
    CHECK(format_parse("xz", &f) == 0 && f == FORMAT_XZ);
    CHECK(format_parse("auto", &f) == 0 && f == FORMAT_AUTO);
    CHECK(format_parse("gz", &f) < 0 && format_parse(NULL, &f) < 0);
    CHECK_STR(format_name(FORMAT_BZIP2), "bzip2");
    CHECK(format_parse("qcow2", &f) == 0 && f == FORMAT_QCOW2);
    CHECK_STR(format_name(FORMAT_QCOW2), "qcow2");
    CHECK_STR(format_name(FORMAT_UNSURE), "-");
}

/* Each stream, cut into pieces of mixed sizes, then one byte at a time. */
static void test_each_format_whole_and_in_pieces(void)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        const struct fixture *fx = &fixtures[i];
        for (int ones = 0; ones < 2; ones++) {
            setup(FORMAT_AUTO);
            int r = install(fx->data, fx->len, ones ? ONES : MIXED, ones ? 1 : 7);
            if (!CHECK(r == 0))
                fprintf(stderr, "  %s: %s\n", fx->name, err.msg);
            CHECK(det.got == fx->format);
            CHECK_EQ_U64(disk.len, PAYLOAD_LEN);
            CHECK(memcmp(disk.data, payload, PAYLOAD_LEN) == 0);
            CHECK(disk.begins == 1 && disk.begin_offset == 0 && disk.ends == 1);
            CHECK_EQ_U64(released, fx->len);    /* every input byte went back to the source */
            CHECK_EQ_U64(det.pos, fx->len);
        }
    }
}

static void test_corrupt_fails_with_the_library_reason(void)
{
    static uint8_t buf[1 << 20];
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        const struct fixture *fx = &fixtures[i];
        memcpy(buf, fx->data, fx->len);
        buf[fx->len / 2] ^= 0x55;
        setup(FORMAT_AUTO);
        CHECK(install(buf, fx->len, MIXED, 7) < 0);
        CHECK(err.status == NP_EXIT_FORMAT);
        if (!CHECK(strncmp(err.msg, format_name(fx->format), strlen(format_name(fx->format))) == 0))
            fprintf(stderr, "  %s: %s\n", fx->name, err.msg);
        CHECK(disk.ends == 0);      /* the disk never heard the end: nothing is committed */
    }
}

static void test_truncated_fails_at_the_end(void)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        const struct fixture *fx = &fixtures[i];
        for (size_t cut = 1; cut <= 64; cut *= 8) {
            setup(FORMAT_AUTO);
            CHECK(install(fx->data, fx->len - cut, MIXED, 7) < 0);
            CHECK(err.status == NP_EXIT_FORMAT);
            if (!CHECK(strstr(err.msg, "truncated") || strstr(err.msg, "corrupt") || strstr(err.msg, "Corrupted")))
                fprintf(stderr, "  %s cut %zu: %s\n", fx->name, cut, err.msg);
            CHECK(disk.ends == 0);
        }
    }
}

/* A cut mid-stream: the input goes on at the byte where it broke, the library keeps its state. */
static void test_resume_continues_the_decoder(void)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        const struct fixture *fx = &fixtures[i];
        size_t cut = fx->len * 2 / 3 + 1;
        setup(FORMAT_AUTO);
        CHECK(stage_begin(&det.st, 0, fx->len) == 0);
        CHECK(write_pieces(fx->data, 0, cut, MIXED, 7) == 0);
        size_t before = disk.len;
        CHECK(before < PAYLOAD_LEN);    /* bzip2's one 900k block comes out only at its end */
        if (fx->format == FORMAT_GZIP || fx->format == FORMAT_XZ)
            CHECK(before > 0);
        CHECK(stage_begin(&det.st, cut, fx->len) == 0);
        CHECK(disk.begins == 2 && disk.begin_offset == before);     /* the disk resumes where it stopped */
        CHECK(write_pieces(fx->data, cut, fx->len, MIXED, 7) == 0);
        CHECK(stage_end(&det.st) == 0);
        CHECK_EQ_U64(disk.len, PAYLOAD_LEN);
        CHECK(memcmp(disk.data, payload, PAYLOAD_LEN) == 0);
        CHECK_EQ_U64(released, fx->len);
    }
}

static void test_resume_elsewhere_and_restart(void)
{
    const struct fixture *fx = &fixtures[0];
    setup(FORMAT_AUTO);
    CHECK(stage_begin(&det.st, 0, fx->len) == 0);
    CHECK(write_pieces(fx->data, 0, 1000, MIXED, 7) == 0);
    CHECK(stage_begin(&det.st, 0, fx->len) == 0);       /* the server sent it all again */
    CHECK(install(fx->data, fx->len, MIXED, 7) == 0);
    CHECK(memcmp(disk.data, payload, PAYLOAD_LEN) == 0 && disk.len == PAYLOAD_LEN);
    setup(FORMAT_AUTO);
    CHECK(stage_begin(&det.st, 0, fx->len) == 0);
    CHECK(write_pieces(fx->data, 0, 1000, MIXED, 7) == 0);
    CHECK(stage_begin(&det.st, 999, fx->len) < 0);      /* a splice would decode the wrong bytes */
    CHECK(err.status == NP_EXIT_HTTP);
    /* a cut inside the magic number: the detect stage goes on collecting it */
    setup(FORMAT_AUTO);
    CHECK(stage_begin(&det.st, 0, fx->len) == 0);
    CHECK(write_pieces(fx->data, 0, 2, ONES, 1) == 0 && det.got == FORMAT_UNSURE);
    CHECK(stage_begin(&det.st, 2, fx->len) == 0);
    CHECK(write_pieces(fx->data, 2, fx->len, MIXED, 7) == 0 && stage_end(&det.st) == 0);
    CHECK(det.got == FORMAT_GZIP && disk.len == PAYLOAD_LEN);
}

static void test_xz_dictionary_larger_than_memory_is_refused(void)
{
    uint64_t saved = compress_alloc_limit;
    compress_alloc_limit = 64ull << 20;
    setup(FORMAT_AUTO);
    CHECK(install(fx_xz_big_dict, sizeof(fx_xz_big_dict), MIXED, 7) < 0);
    CHECK(err.status == NP_EXIT_FORMAT);
    if (!CHECK(strstr(err.msg, "xz: the stream needs 257 MiB of memory to decode (its dictionary), "
                               "and there are 64 MiB")))
        fprintf(stderr, "  %s\n", err.msg);
    CHECK(disk.len == 0);   /* refused before the first byte of the image */
    compress_alloc_limit = 512ull << 20;    /* with the memory, the same stream decodes */
    setup(FORMAT_AUTO);
    CHECK(install(fx_xz_big_dict, sizeof(fx_xz_big_dict), MIXED, 7) == 0);
    CHECK(disk.len == PAYLOAD_LEN && memcmp(disk.data, payload, PAYLOAD_LEN) == 0);
    compress_alloc_limit = saved;
}

/* A zstd frame's window is checked against memory from its header, before the library allocates. */
static void test_zstd_window_larger_than_memory_is_refused(void)
{
    uint64_t saved = compress_alloc_limit;
    compress_alloc_limit = 32ull << 20;
    setup(FORMAT_AUTO);
    CHECK(install(fx_zstd_big_window, sizeof(fx_zstd_big_window), MIXED, 7) < 0);
    CHECK(err.status == NP_EXIT_FORMAT);
    if (!CHECK(strstr(err.msg, "zstd: the frame needs 65 MiB of memory to decode (its window is 64 MiB), "
                               "and there are 32 MiB; nothing of it was written")))
        fprintf(stderr, "  %s\n", err.msg);
    CHECK(disk.len == 0);
    compress_alloc_limit = 256ull << 20;
    setup(FORMAT_AUTO);
    CHECK(install(fx_zstd_big_window, sizeof(fx_zstd_big_window), ONES, 1) == 0);
    CHECK(disk.len == PAYLOAD_LEN && memcmp(disk.data, payload, PAYLOAD_LEN) == 0);
    compress_alloc_limit = saved;
}

/* Frames that declare their content size: each declaration reaches the disk before its bytes. */
static void test_zstd_content_size_is_declared(void)
{
    setup(FORMAT_AUTO);
    CHECK(install(fx_zstd_sized, sizeof(fx_zstd_sized), MIXED, 7) == 0);
    CHECK(disk.declares == 2 && disk.declared[0] == SPLIT && disk.declared[1] == PAYLOAD_LEN);
    CHECK(disk.len == PAYLOAD_LEN && memcmp(disk.data, payload, PAYLOAD_LEN) == 0);
    size_t cap = disk.cap;
    disk.cap = SPLIT - 1;       /* the first frame alone does not fit: nothing is written */
    setup(FORMAT_AUTO);
    CHECK(install(fx_zstd_sized, sizeof(fx_zstd_sized), ONES, 1) < 0);
    CHECK(err.status == NP_EXIT_TOOBIG && disk.len == 0 && disk.declares == 1);
    disk.cap = PAYLOAD_LEN - 1; /* the second does not: refused at its header, the first frame written */
    setup(FORMAT_AUTO);
    CHECK(install(fx_zstd_sized, sizeof(fx_zstd_sized), MIXED, 7) < 0);
    CHECK(err.status == NP_EXIT_TOOBIG && disk.len == SPLIT && disk.declares == 2);
    if (!CHECK(strstr(err.msg, "as its zstd frame header declares")))
        fprintf(stderr, "  %s\n", err.msg);
    disk.cap = cap;
}

static void test_format_key_overrides_the_magic(void)
{
    const struct fixture *fx = &fixtures[0];
    setup(FORMAT_RAW);      /* format=raw: a .gz file is written as it is */
    CHECK(install(fx->data, fx->len, MIXED, 7) == 0);
    CHECK(disk.len == fx->len && memcmp(disk.data, fx->data, fx->len) == 0);
    CHECK(released == 0);   /* raw: the disk stage releases, not the decoders */
    setup(FORMAT_GZIP);     /* format=gzip on a raw image: zlib says what is wrong */
    CHECK(install(payload, 5000, MIXED, 7) < 0);
    CHECK(err.status == NP_EXIT_FORMAT);
    CHECK(strncmp(err.msg, "gzip: incorrect header check", 28) == 0);
    setup(FORMAT_XZ);       /* and an empty body is not an xz stream either */
    CHECK(install(payload, 0, MIXED, 7) < 0);
    CHECK(strstr(err.msg, "xz: ") == err.msg);
}

static void test_short_raw_streams(void)
{
    setup(FORMAT_AUTO);
    CHECK(install((const uint8_t *)"BZh", 3, ONES, 1) == 0);     /* shorter than any magic: raw */
    CHECK(det.got == FORMAT_RAW && disk.len == 3 && memcmp(disk.data, "BZh", 3) == 0);
    setup(FORMAT_AUTO);
    CHECK(install(payload, 0, ONES, 1) == 0);
    CHECK(det.got == FORMAT_RAW && disk.len == 0 && disk.ends == 1);
    setup(FORMAT_AUTO);
    CHECK(install(payload, 12345, MIXED, 7) == 0);
    CHECK(det.got == FORMAT_RAW && disk.len == 12345 && memcmp(disk.data, payload, 12345) == 0);
    CHECK(strstr(logged, "format raw (by its magic bytes)") != NULL);
}

/* The bytes after a whole gzip member must be another member: garbage is refused. */
static void test_trailing_garbage(void)
{
    static uint8_t buf[1 << 20];
    const struct fixture *fx = &fixtures[0];
    memcpy(buf, fx->data, fx->len);
    memcpy(buf + fx->len, "junk", 4);
    setup(FORMAT_AUTO);
    CHECK(install(buf, fx->len + 4, MIXED, 7) < 0);
    CHECK(err.status == NP_EXIT_FORMAT);
}

int main(void)
{
    make_payload();
    disk.cap = 4 * PAYLOAD_LEN;
    disk.data = malloc(disk.cap);
    TEST_RUN(test_format_detect);
    TEST_RUN(test_each_format_whole_and_in_pieces);
    TEST_RUN(test_corrupt_fails_with_the_library_reason);
    TEST_RUN(test_truncated_fails_at_the_end);
    TEST_RUN(test_resume_continues_the_decoder);
    TEST_RUN(test_resume_elsewhere_and_restart);
    TEST_RUN(test_xz_dictionary_larger_than_memory_is_refused);
    TEST_RUN(test_zstd_window_larger_than_memory_is_refused);
    TEST_RUN(test_zstd_content_size_is_declared);
    TEST_RUN(test_format_key_overrides_the_magic);
    TEST_RUN(test_short_raw_streams);
    TEST_RUN(test_trailing_garbage);
    stop_all();
    free(disk.data);
    return test_finish();
}
