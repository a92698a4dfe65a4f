/*
 * libFuzzer target: the detect stage and the gzip, zstd, xz and bzip2 decoder stages
 * (install/detect.c, install/decoder.c, install/dec_*.c) with the real libraries, on any
 * bytes. The input is a control byte, then the stream: control & 7 picks format= (0-4 one
 * format, else auto), control >> 3 the piece sizes. The stream goes in twice, whole and in
 * pieces with a resume in the middle, into a fake disk that takes at most 1 MiB. Rules:
 *  - a failure is NP_EXIT_FORMAT with a line naming the format, or the disk's NP_EXIT_TOOBIG;
 *  - both runs end the same way, and when they succeed they wrote the same bytes;
 *  - a raw image is written as it came; a decoded one gave every input byte back to the
 *    source (release), so TCP's window can never close on it;
 *  - every byte the decoders allocated is freed again.
 * Crashes, sanitizer reports and broken rules (abort) are findings.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compress/alloc.h"
#include "install/dec_bzip2.h"
#include "install/dec_gzip.h"
#include "install/dec_xz.h"
#include "install/dec_zstd.h"
#include "install/detect.h"
#include "kernel/console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

#define DISK_MAX    (1u << 20)
#define MEM_LIMIT   (16ull << 20)

void log_printf(int level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

static struct {
    struct stage st;
    uint8_t data[DISK_MAX];
    size_t len;
} disk;

static int disk_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    (void)s, (void)total;
    if (offset != disk.len)
        disk.len = 0;
    return 0;
}

static int disk_write(struct stage *s, const uint8_t *p, size_t len)
{
    if (len > DISK_MAX - disk.len)
        return stage_fail(s, NP_EXIT_TOOBIG, "the image is larger than the disk");
    memcpy(disk.data + disk.len, p, len);
    disk.len += len;
    return 0;
}

static int disk_end(struct stage *s)
{
    (void)s;
    return 0;
}

static const struct stage_ops disk_ops = { "fake disk", disk_begin, disk_write, disk_end, NULL };

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

static void teardown(void)
{
    struct decoder *all[] = { &gz.dec, &zs.dec, &xz.dec, &bz.dec };
    for (size_t i = 0; i < 4; i++) {
        all[i]->ops->stop(all[i]);
        compress_free(all[i]->out);
        all[i]->out = NULL;
    }
    REQUIRE(compress_avail() == MEM_LIMIT);     /* nothing leaked */
}

static void setup(enum format want)
{
    memset(&err, 0, sizeof(err));
    disk.st = (struct stage){ &disk_ops, NULL, &err };
    disk.len = 0;
    released = 0;
    gzip_stage_init(&gz, &disk.st, &err, release);
    zstd_stage_init(&zs, &disk.st, &err, release);
    xz_stage_init(&xz, &disk.st, &err, release);
    bzip2_stage_init(&bz, &disk.st, &err, release);
    struct stage *const to[FORMAT_COUNT] = { &disk.st, &gz.dec.st, &zs.dec.st, &xz.dec.st, &bz.dec.st };
    detect_stage_init(&det, to, &err, want);
}

/* One install of p[0..n): whole (piece 0) or in pieces of about `piece` bytes, resumed halfway. */
static int run(enum format want, const uint8_t *p, size_t n, size_t piece)
{
    setup(want);
    if (stage_begin(&det.st, 0, n))
        return -1;
    for (size_t off = 0, k = 0; off < n; k++) {
        size_t len = piece ? 1 + (piece * (k % 3 + 1)) % 97 : n;
        len = len < n - off ? len : n - off;
        if (piece && off && off >= n / 2 && off - len < n / 2 && stage_begin(&det.st, off, n))
            return -1;  /* a resume where the input broke */
        if (stage_write(&det.st, p + off, len))
            return -1;
        off += len;
    }
    return stage_end(&det.st);
}

static void check_failure(void)
{
    REQUIRE(err.status == NP_EXIT_FORMAT || err.status == NP_EXIT_TOOBIG);
    REQUIRE(err.msg[0]);
    if (err.status == NP_EXIT_FORMAT && det.got < FORMAT_COUNT)
        REQUIRE(strncmp(err.msg, format_name(det.got), strlen(format_name(det.got))) == 0);
}

static uint8_t first[DISK_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    compress_alloc_limit = MEM_LIMIT;
    if (size < 1)
        return 0;
    enum format want = (data[0] & 7) < FORMAT_COUNT ? (enum format)(data[0] & 7) : FORMAT_AUTO;
    size_t piece = 1 + (data[0] >> 3);
    const uint8_t *p = data + 1;
    size_t n = size - 1;

    int r1 = run(want, p, n, 0);
    enum format got1 = det.got;
    size_t len1 = disk.len;
    memcpy(first, disk.data, len1);
    if (r1)
        check_failure();
    else if (got1 == FORMAT_RAW)
        REQUIRE(len1 == n && memcmp(first, p, n) == 0);
    else
        REQUIRE(released == n);
    teardown();

    int r2 = run(want, p, n, piece);
    REQUIRE((r1 == 0) == (r2 == 0));
    if (r2)
        check_failure();
    else
        REQUIRE(det.got == got1 && disk.len == len1 && memcmp(disk.data, first, len1) == 0);
    teardown();
    return 0;
}
