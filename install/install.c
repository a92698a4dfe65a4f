/*
 * The install job: url= through the pipeline (install/stage.h) onto the disk, then the
 * checks, then the first MiB, then one summary line. The pipeline:
 *     HTTP source -> checksum (SHA-256 of the served bytes) -> detect (format by magic bytes)
 *         -> [decoder: gzip, zstd, xz or bzip2] -> disk (sector ring)
 * Credit to TCP: with a decoder, the decoder releases its input as it consumes it and the
 * disk's releases do nothing; a raw image goes straight to the disk, which releases.
 */
#include "install/install.h"

#include "arch/x86_64/arch.h"
#include "install/checksum.h"
#include "install/dec_bzip2.h"
#include "install/dec_gzip.h"
#include "install/dec_xz.h"
#include "install/dec_zstd.h"
#include "install/detect.h"
#include "install/disk_stage.h"
#include "install/source_http.h"
#include "install/summary.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "lwip/opt.h"
#include "net/http/http_resp.h"
#include "net/lwip-port/net.h"

#define PROGRESS_US     1000000ull

/* The ring is the receive buffer: it must hold a whole TCP window beyond what it lends back early. */
_Static_assert(DISK_STAGE_RING_BYTES >= 4 * TCP_WND, "keep the ring well above TCP_WND");
_Static_assert(STAGE_LEN_UNKNOWN == HTTP_LEN_UNKNOWN, "lengths pass from HTTP to the stages as they are");

struct install_opts {
    const char *url;
    uint8_t sha[CHECKSUM_SHA256_LEN];
    bool have_sha;
    bool readback;
    enum format format;
    struct http_get_opts http;
};

static struct {
    struct stage_error err;
    struct checksum_stage sum;
    struct detect_stage detect;
    struct gzip_stage gzip;
    struct zstd_stage zstd;
    struct xz_stage xz;
    struct bzip2_stage bzip2;
    struct checksum_stage written;  /* verify=readback of a decoded image: the hash of what was written */
    struct disk_stage disk;
    uint64_t t0_us, last_progress_us;
} job;

/* Bytes received (served, hashed) and bytes written (the image); rate and ETA of the received. */
static void progress(bool force)
{
    uint64_t now = clock_us(), pos = job.detect.pos, total = job.detect.total;
    if (!force && now - job.last_progress_us < PROGRESS_US)
        return;
    job.last_progress_us = now;
    uint64_t us = now - job.t0_us ? now - job.t0_us : 1, mbps1000 = pos * 1000 / us;
    unsigned long long written = job.disk.pos >> 20;
    if (total != STAGE_LEN_UNKNOWN && total) {
        uint64_t eta = mbps1000 ? (total - pos) / (mbps1000 * 1000) : 0;   /* bytes/ms * 1000 */
        log_info("progress: %llu of %llu MiB (%llu%%), %llu MiB written, %llu.%01llu MB/s, ETA %llu s\n",
                 (unsigned long long)(pos >> 20), (unsigned long long)(total >> 20),
                 (unsigned long long)(pos * 100 / total), written, (unsigned long long)(mbps1000 / 1000),
                 (unsigned long long)(mbps1000 / 100 % 10), (unsigned long long)eta);
    } else {
        log_info("progress: %llu MiB, %llu MiB written, %llu.%01llu MB/s\n", (unsigned long long)(pos >> 20),
                 written, (unsigned long long)(mbps1000 / 1000), (unsigned long long)(mbps1000 / 100 % 10));
    }
}

/* The disk stage's credit goes to TCP only when it gets the served bytes themselves. */
static void disk_release(size_t len)
{
    if (job.detect.got == FORMAT_RAW)
        http_get_release(len);
}

/* What the source runs while it waits on the network: the disk's side, and the progress line. */
static int job_pump(void *ctx)
{
    (void)ctx;
    if (disk_stage_pump(&job.disk))
        return -1;
    progress(false);
    return 0;
}

static int parse_opts(const struct cmdline *cl, struct install_opts *o)
{
    uint64_t retries = 5, timeout = 30;
    const char *s;
    o->url = cmdline_get(cl, "url");
    o->have_sha = (s = cmdline_get(cl, "sha256")) != NULL;
    if (o->have_sha && checksum_parse_hex(s, o->sha))
        return log_err("error: sha256=%s: want 64 hex digits\n", s), -1;
    if ((s = cmdline_get(cl, "retries")) && (cmdline_parse_u64(s, &retries) || retries > 100))
        return log_err("error: retries=%s: want 0 to 100\n", s), -1;
    if ((s = cmdline_get(cl, "timeout")) && (cmdline_parse_u64(s, &timeout) || !timeout || timeout > 3600))
        return log_err("error: timeout=%s: want seconds, 1 to 3600\n", s), -1;
    s = cmdline_get(cl, "verify");
    if (s && NP_STRFN(strcmp)(s, "readback") && NP_STRFN(strcmp)(s, "none"))
        return log_err("error: verify=%s: want none or readback\n", s), -1;
    o->readback = s && !NP_STRFN(strcmp)(s, "readback");
    o->format = FORMAT_AUTO;
    if ((s = cmdline_get(cl, "format")) && format_parse(s, &o->format))
        return log_err("error: format=%s: want auto, raw, gzip, zstd, xz or bzip2\n", s), -1;
    o->http = (struct http_get_opts){ (unsigned)retries, (uint32_t)timeout * 1000, 8 };
    return 0;
}

/* disk=, or the only disk; refused when read-only. NULL with job.err set. */
static struct blkdev *pick_disk(const struct cmdline *cl)
{
    const char *spec = cmdline_get(cl, "disk");
    unsigned i;
    int err = blkdev_select(blkdev_all(), blkdev_count(), spec, &i);
    job.err.status = NP_EXIT_DISK;
    if (err == -NP_EINVAL)
        np_snprintf(job.err.msg, sizeof(job.err.msg), "%u disks found; say which one to write with disk=",
                    blkdev_count());
    else if (err)
        np_snprintf(job.err.msg, sizeof(job.err.msg), spec ? "disk=%s matches no single disk" : "no disk found",
                    spec ? spec : "");
    else if (blkdev_get(i)->read_only)
        np_snprintf(job.err.msg, sizeof(job.err.msg), "disk %s is read-only", blkdev_get(i)->name);
    else
        return job.err.status = NP_EXIT_OK, blkdev_get(i);
    return NULL;
}

static void summary(enum np_exit status, const uint8_t *digest)
{
    char line[256];
    summary_format(line, sizeof(line), status, job.detect.pos, digest, clock_us() - job.t0_us,
                   job.disk.disk ? job.disk.disk->name : NULL, format_name(job.detect.got), job.disk.pos);
    log_info("%s\n", line);
}

static enum np_exit fail_with(enum np_exit status)
{
    if (job.err.msg[0])
        log_err("error: %s\n", job.err.msg);
    summary(status, NULL);
    return status;
}

static void readback_feed(void *ctx, const uint8_t *p, size_t len)
{
    mbedtls_sha256_update_ret(ctx, p, len);
}

/* verify=readback: the image as the disk holds it now, hashed again. */
static int readback(const uint8_t want[CHECKSUM_SHA256_LEN])
{
    mbedtls_sha256_context c;
    uint8_t got[CHECKSUM_SHA256_LEN];
    mbedtls_sha256_init(&c);
    mbedtls_sha256_starts_ret(&c, 0);
    int err = disk_stage_readback(&job.disk, readback_feed, &c);
    mbedtls_sha256_finish_ret(&c, got);
    mbedtls_sha256_free(&c);
    if (err)
        return -1;
    if (NP_STRFN(memcmp)(got, want, sizeof(got)))
        return stage_fail(&job.disk.st, NP_EXIT_VERIFY, "read-back of disk %s does not match what was received",
                          job.disk.disk->name);
    log_info("install: read back %llu bytes from %s: same SHA-256\n", (unsigned long long)job.disk.pos,
             job.disk.disk->name);
    return 0;
}

/* After the last byte: the stages end (ring out, hash compared), the first MiB, the read-back. */
static enum np_exit finish(const struct install_opts *o)
{
    const uint8_t *disk_sha = job.detect.got == FORMAT_RAW ? job.sum.digest : job.written.digest;
    if (stage_end(&job.sum.st) || disk_stage_commit(&job.disk) || (o->readback && readback(disk_sha)))
        return fail_with(job.err.status != NP_EXIT_OK ? job.err.status : NP_EXIT_DISK);
    summary(NP_EXIT_OK, job.sum.digest);
    return NP_EXIT_OK;
}

/*
 * checksum -> detect -> (a decoder -> [checksum of the output, for verify=readback] ->) disk;
 * each decoder releases its input to TCP itself.
 */
static void build_chain(const struct install_opts *o)
{
    struct stage *out = &job.disk.st;
    if (o->readback) {
        checksum_stage_init(&job.written, &job.disk.st, &job.err, NULL);
        out = &job.written.st;
    }
    gzip_stage_init(&job.gzip, out, &job.err, http_get_release);
    zstd_stage_init(&job.zstd, out, &job.err, http_get_release);
    xz_stage_init(&job.xz, out, &job.err, http_get_release);
    bzip2_stage_init(&job.bzip2, out, &job.err, http_get_release);
    struct stage *const to[FORMAT_COUNT] = {
        [FORMAT_RAW] = &job.disk.st,
        [FORMAT_GZIP] = &job.gzip.dec.st,
        [FORMAT_ZSTD] = &job.zstd.dec.st,
        [FORMAT_XZ] = &job.xz.dec.st,
        [FORMAT_BZIP2] = &job.bzip2.dec.st,
    };
    detect_stage_init(&job.detect, to, &job.err, o->format);
    checksum_stage_init(&job.sum, &job.detect.st, &job.err, o->have_sha ? o->sha : NULL);
}

enum np_exit install_run(const struct cmdline *cl, const struct boot_info *bi)
{
    struct install_opts o;
    NP_STRFN(memset)(&job, 0, sizeof(job));
    if (parse_opts(cl, &o))
        return NP_EXIT_USAGE;
    build_chain(&o);    /* first: the summary of any failure reads the detect stage */
    struct blkdev *disk = pick_disk(cl);
    if (!disk || disk_stage_init(&job.disk, disk, &job.err, disk_release, TCP_WND))
        return fail_with(NP_EXIT_DISK);
    enum np_exit e = net_up(cl, bi);
    if (e != NP_EXIT_OK)
        return e;
    log_info("install: %s onto disk %s (%llu MiB)\n", o.url, disk->name, (unsigned long long)(disk->size >> 20));
    job.t0_us = job.last_progress_us = clock_us();
    struct http_get_result res;
    source_http_run(o.url, &o.http, &job.sum.st, job_pump, NULL, &res);
    if (res.status != NP_EXIT_OK) {
        disk_stage_settle(&job.disk);   /* let what was written land, then report; the first MiB stays zero */
        return fail_with(job.err.status != NP_EXIT_OK ? job.err.status : res.status);
    }
    progress(true);
    return finish(&o);
}
