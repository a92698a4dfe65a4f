/*
 * The install job: url= through the pipeline (install/stage.h) onto the disk, then the
 * checks, then the first MiB, then one summary line. The pipeline:
 *     HTTP source -> checksum (of the served bytes) -> detect (format by magic bytes)
 *         -> [decoder: gzip, zstd, xz or bzip2] -> [raw checksum] -> disk (sector ring)
 * or, for a qcow2 image, detect -> qcow2 (its tables read first with Range requests, then each
 * cluster written at its guest offset) -> disk.
 * The raw checksum (raw_sha256=, or verify=readback's hash of what was written) is always the
 * stage right before the disk; a qcow2 image has none (its clusters come out of order): the
 * guest image is read back and hashed before the first MiB is written (raw_sha256=), and its
 * data runs, hashed in file order as written, are read back after (verify=readback).
 * Credit to TCP: with a decoder, the decoder releases its input as it consumes it and the
 * disk's releases do nothing; a raw image reaches the disk as served, and the disk releases.
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
#include "install/qcow2_stage.h"
#include "install/report.h"
#include "install/source_http.h"
#include "install/summary.h"
#include "install/sums.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "kernel/undriven.h"
#include "kernel/urlmask.h"
#include "lwip/netif.h"
#include "lwip/opt.h"
#include "net/http/http_fetch.h"
#include "net/http/http_notify.h"
#include "net/http/http_resp.h"
#include "net/http/url.h"
#include "net/lwip-port/net.h"
#include "net/lwip-port/netif_glue.h"

#define PROGRESS_US     1000000ull
#define SUMS_FILE_MAX   (128u << 10)    /* a SHA256SUMS of a few thousand files */
#define NOTIFY_EVERY_S  10              /* progress_every= by default */
#define NOTIFY_TIMEOUT_MS 10000         /* one progress POST may take this long at most, then it is abandoned */

/* The ring is the receive buffer: it must hold a whole TCP window beyond what it lends back early. */
_Static_assert(DISK_STAGE_RING_BYTES >= 4 * TCP_WND, "keep the ring well above TCP_WND");
_Static_assert(STAGE_LEN_UNKNOWN == HTTP_LEN_UNKNOWN, "lengths pass from HTTP to the stages as they are");

struct install_opts {
    const char *url;
    const char *sums_url;       /* checksum=: want comes from this file */
    struct digest want, raw;    /* of the bytes served; of the bytes written (raw_sha256=) */
    bool have_want, have_raw;
    bool readback;
    enum format format;
    enum disk_wipe wipe;
    bool gpt_keep;
    const char *progress_url;
    uint64_t progress_every_us;
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
    struct qcow2_stage qcow2;
    struct checksum_stage raw;      /* raw_sha256= or verify=readback: right before the disk */
    struct disk_stage disk;
    uint64_t t0_us, last_progress_us, t0_tsc;
    /* progress_url=: the notifier runs beside the download, from the progress path. */
    bool notify;
    uint64_t notify_every_us, last_notify_us;
    struct netif_stats net0;    /* the network's counters when the download began */
    /* The result as summary() printed it, for done_url=. */
    enum np_exit status;
    uint64_t us;
    bool have_digest;
    struct digest digest;
} job;

/* The MAC and address in use, the disk and the time so far: for done_url= and progress_url=. */
static void report_who(struct report_who *w, char ip[IP4ADDR_STRLEN_MAX], uint64_t us)
{
    ip[0] = '\0';
    if (netif_default)
        ip4addr_ntoa_r(netif_ip4_addr(netif_default), ip, IP4ADDR_STRLEN_MAX);
    *w = (struct report_who){ us, job.disk.disk ? job.disk.disk->name : "", net_mac(), ip };
}

/*
 * progress_url=: every progress_every= seconds a progress object goes out, without waiting for
 * anything; one still in flight when the next is due makes that one a skip (http_notify.h).
 */
static void notify_progress(uint64_t now)
{
    char body[384], ip[IP4ADDR_STRLEN_MAX];
    struct report_who w;
    if (!job.notify)
        return;
    http_notify_poll();
    if (now - job.last_notify_us < job.notify_every_us)
        return;
    job.last_notify_us = now;
    report_who(&w, ip, now - job.t0_us);
    report_json_progress(body, sizeof(body), "downloading", job.detect.pos, job.detect.total, job.disk.written, &w);
    http_notify_post(body);
}

/* The notifier's end: whatever is in flight is dropped; one line of counts. */
static void notify_end(void)
{
    struct http_notify_stats st;
    if (!job.notify)
        return;
    job.notify = false;
    http_notify_stop(&st);
    log_info("progress: %u POSTs to progress_url= (%u taken, %u failed, %u skipped while one was in flight)\n",
             st.sent, st.taken, st.failed, st.skipped);
}

/* Bytes received (served, hashed) and bytes written (the image); rate and ETA of the received. */
static void progress(bool force)
{
    uint64_t now = clock_us(), pos = job.detect.pos, total = job.detect.total;
    notify_progress(now);
    if (!force && now - job.last_progress_us < PROGRESS_US)
        return;
    job.last_progress_us = now;
    uint64_t us = now - job.t0_us ? now - job.t0_us : 1, mbps1000 = pos * 1000 / us;
    unsigned long long written = job.disk.written >> 20;
    if (total != STAGE_LEN_UNKNOWN && total) {
        uint64_t eta = mbps1000 ? (total - pos) / (mbps1000 * 1000) : 0;   /* bytes/ms * 1000 */
        console_progress((int)(pos * 1000 / total),
                         "progress: %llu of %llu MiB (%llu%%), %llu MiB written, %llu.%01llu MB/s, ETA %llu s",
                         (unsigned long long)(pos >> 20), (unsigned long long)(total >> 20),
                         (unsigned long long)(pos * 100 / total), written, (unsigned long long)(mbps1000 / 1000),
                         (unsigned long long)(mbps1000 / 100 % 10), (unsigned long long)eta);
    } else {
        console_progress(-1, "progress: %llu MiB, %llu MiB written, %llu.%01llu MB/s", (unsigned long long)(pos >> 20),
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

/* key=HEX of alg into d: 0 (*have says whether it was given), or -1 after an error line. */
static int parse_digest(const struct cmdline *cl, const char *key, enum digest_alg alg, struct digest *d,
                        bool *have)
{
    const char *s = cmdline_get(cl, key);
    *have = s != NULL;
    if (s && digest_parse_hex(s, NP_STRFN(strlen)(s), alg, d))
        return log_err("error: %s=%s: want %zu hex digits\n", key, s, 2 * digest_len(alg)), -1;
    return 0;
}

/* wipe=none|ends|all and gpt=keep|fix: what happens around the image on the disk. */
static int parse_disk_opts(const struct cmdline *cl, struct install_opts *o)
{
    static const char *const wipes[] = { [DISK_WIPE_ENDS] = "ends", [DISK_WIPE_NONE] = "none", [DISK_WIPE_ALL] = "all" };
    const char *s = cmdline_get(cl, "wipe");
    o->wipe = DISK_WIPE_ENDS;
    if (s) {
        unsigned i = 0;
        while (i < 3 && NP_STRFN(strcmp)(s, wipes[i]))
            i++;
        if (i == 3)
            return log_err("error: wipe=%s: want none, ends or all\n", s), -1;
        o->wipe = (enum disk_wipe)i;
    }
    s = cmdline_get(cl, "gpt");
    if (s && NP_STRFN(strcmp)(s, "keep") && NP_STRFN(strcmp)(s, "fix"))
        return log_err("error: gpt=%s: want keep or fix\n", s), -1;
    o->gpt_keep = s && !NP_STRFN(strcmp)(s, "keep");
    return 0;
}

/*
 * progress_url=: parsed now (a bad URL is a usage error); the reports start with the download.
 * A request gets until the next is due (10 s at most): a silent server is dropped in time, so
 * the next report goes out instead of being skipped.
 */
static int start_notifier(const struct install_opts *o)
{
    uint64_t every_ms = o->progress_every_us / 1000;
    int err = http_notify_start(o->progress_url, every_ms < NOTIFY_TIMEOUT_MS ? (uint32_t)every_ms : NOTIFY_TIMEOUT_MS);
    if (err)
        return log_err("error: progress_url=%s: %s\n", urlmask_str(o->progress_url),
                       err == -NP_EOVERFLOW ? "too long for a report's request" : url_strerror(err)), -1;
    job.notify = true;
    job.notify_every_us = o->progress_every_us;
    return 0;
}

static int parse_opts(const struct cmdline *cl, struct install_opts *o)
{
    uint64_t retries = 5, timeout = 30;
    const char *s;
    struct digest sha512;
    bool have512;
    o->url = cmdline_get(cl, "url");
    o->sums_url = cmdline_get(cl, "checksum");
    if (parse_digest(cl, "sha256", DIGEST_SHA256, &o->want, &o->have_want) ||
        parse_digest(cl, "sha512", DIGEST_SHA512, &sha512, &have512) ||
        parse_digest(cl, "raw_sha256", DIGEST_SHA256, &o->raw, &o->have_raw))
        return -1;
    if (o->have_want + have512 + (o->sums_url != NULL) > 1)
        return log_err("error: sha256=, sha512= and checksum= say the same thing: give one\n"), -1;
    if (have512)
        o->want = sha512, o->have_want = true;
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
        return log_err("error: format=%s: want auto, raw, gzip, zstd, xz, bzip2 or qcow2\n", s), -1;
    o->progress_url = cmdline_get(cl, "progress_url");
    uint64_t every = NOTIFY_EVERY_S;
    if ((s = cmdline_get(cl, "progress_every")) && (cmdline_parse_u64(s, &every) || !every || every > 3600))
        return log_err("error: progress_every=%s: want seconds, 1 to 3600\n", s), -1;
    o->progress_every_us = every * 1000000;
    if (o->progress_url && start_notifier(o))
        return -1;
    o->http = (struct http_get_opts){ .retries = (unsigned)retries, .idle_ms = (uint32_t)timeout * 1000,
                                      .max_redirects = 8 };
    /* header=, auth_redirects and proxy= are the job's, set by kmain for every request (http_configure). */
    return parse_disk_opts(cl, o) ? -1 : 0;    /* resume_unvalidated: see install_run */
}

/* disk= named nothing usable: say what it names when that is a device netplant does not drive. */
static void disk_spec_error(const char *spec, char *buf, size_t size)
{
    const struct undriven *u = undriven_find(DEV_DISK, spec);
    int n = np_snprintf(buf, size, u ? "disk=%s: " : "disk=%s matches no single disk", spec);
    if (u && n > 0 && (size_t)n < size)
        undriven_format(u, buf + n, size - (size_t)n);
}

/* A refusal names every disk, so the operator can write hints that pick one. */
static void list_candidates(void)
{
    for (unsigned i = 0; i < blkdev_count(); i++) {
        const struct blkdev *d = blkdev_get(i);
        log_err("error:   disk %s: %llu bytes (%llu MiB), model \"%s\", serial \"%s\", %s\n", d->name,
                (unsigned long long)d->size, (unsigned long long)(d->size >> 20), d->model, d->serial, d->location);
    }
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
    else if (err == -NP_ENODEV)
        undriven_explain(DEV_DISK, job.err.msg, sizeof(job.err.msg));
    else if (err == -NP_EBADMSG)
        np_snprintf(job.err.msg, sizeof(job.err.msg), "disk=%s: a size wants digits and K, M, G or T", spec);
    else if (err)
        disk_spec_error(spec, job.err.msg, sizeof(job.err.msg));
    if (err == -NP_EINVAL || err == -NP_EEXIST || err == -NP_ENOENT || err == -NP_EBADMSG) {
        log_err("error: disk=%s: exactly one disk must match; the disks are:\n", spec ? spec : "");
        list_candidates();
    }
    if (err)
        return NULL;
    if (blkdev_get(i)->read_only) {
        np_snprintf(job.err.msg, sizeof(job.err.msg), "disk %s is read-only", blkdev_get(i)->name);
        return NULL;
    }
    job.err.status = NP_EXIT_OK;
    return blkdev_get(i);
}

static void summary(enum np_exit status, const struct digest *digest)
{
    char line[320];
    uint64_t us = job.t0_us ? clock_us() - job.t0_us : 0;
    summary_format(line, sizeof(line), status, job.detect.pos, digest, us, job.disk.disk ? job.disk.disk->name : NULL,
                   format_name(job.detect.got), job.disk.written, job.disk.zeroed_bytes);
    job.status = status, job.us = us, job.have_digest = digest != NULL;
    if (digest)
        job.digest = *digest;
    np_result_line(line);
}

static enum np_exit fail_with(enum np_exit status)
{
    if (job.err.msg[0])
        log_err("error: %s\n", job.err.msg);
    summary(status, NULL);
    return status;
}

/* verify=readback: the image as the disk holds it now, hashed again (want: of those bytes). */
static int readback(const struct digest *want)
{
    static struct checksum_hash h;
    struct digest got;
    checksum_hash_start(&h, want->alg);
    int err = disk_stage_readback(&job.disk, checksum_hash_feed, &h);
    checksum_hash_finish(&h, &got);
    if (err)
        return -1;
    if (NP_STRFN(memcmp)(got.bytes, want->bytes, digest_len(got.alg)))
        return stage_fail(&job.disk.st, NP_EXIT_VERIFY, "read-back of disk %s does not match what was received",
                          job.disk.disk->name);
    log_info("install: read back %llu bytes from %s: same %s\n", (unsigned long long)job.disk.end,
             job.disk.disk->name, digest_name(got.alg));
    return 0;
}

/*
 * The image onto the disk but for its first MiB: downloaded, the stages ended (the ring written
 * out and flushed, the checksums compared). A checksum that fails after a resume the server
 * could not validate (no ETag or Last-Modified) may be that resume's splice of two versions: the
 * download runs once more from byte 0, without such resumes; the stages begin again at 0 and the
 * disk's first MiB stays zeroed. Returns NP_EXIT_OK or the failure's status.
 */
static enum np_exit download(struct install_opts *o)
{
    struct http_get_result res;
    for (;;) {
        source_http_run(o->url, &o->http, &job.sum.st, job_pump, NULL, &res);
        if (res.status != NP_EXIT_OK && qcow2_stage_wants_map(&job.qcow2)) {
            /* A qcow2 image: its tables first (Range requests), then the file again from byte 0. */
            enum np_exit e = qcow2_stage_map(&job.qcow2, o->url, &o->http);
            if (e != NP_EXIT_OK)
                return e;
            continue;
        }
        if (res.status != NP_EXIT_OK) {
            disk_stage_settle(&job.disk);   /* let what was written land; the first MiB stays zero */
            return job.err.status != NP_EXIT_OK ? job.err.status : res.status;
        }
        progress(true);
        if (stage_end(&job.sum.st) == 0)
            return NP_EXIT_OK;
        if (job.err.status != NP_EXIT_HASH || !res.unvalidated_resumes || !o->http.resume_unvalidated)
            return job.err.status;
        log_warn("install: %s mismatch after a resume the server could not validate; "
                 "downloading once more from byte 0\n", o->have_want ? digest_name(o->want.alg) : "raw_sha256");
        job.err = (struct stage_error){ NP_EXIT_OK, "" };
        o->http.resume_unvalidated = false;
    }
}

/* loglevel=7: where the stream's time went (TSC cycles per stage), and the hash's own rate. */
static void report_stages(void)
{
    uint64_t hz = clock_tsc_hz(), total = __builtin_ia32_rdtsc() - job.t0_tsc;
    const struct { const char *name; uint64_t tsc; } part[] = {
        { "hash", job.sum.tsc + job.raw.tsc },
        { "copy into ring", job.disk.copy_tsc },
        { "disk submit/poll", job.disk.disk_tsc },
    };
    uint64_t rest = total;
    if (!hz || !total)
        return;
    for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
        rest -= part[i].tsc < rest ? part[i].tsc : rest;
        log_debug("install: stage %s: %llu ms (%llu%%)\n", part[i].name, (unsigned long long)(part[i].tsc * 1000 / hz),
                  (unsigned long long)(part[i].tsc * 100 / total));
    }
    log_debug("install: stage network, HTTP and the rest: %llu ms (%llu%%)\n", (unsigned long long)(rest * 1000 / hz),
              (unsigned long long)(rest * 100 / total));
    const struct netif_stats *ns = netif_glue_stats(), *n0 = &job.net0;
    unsigned long polls = ns->polls - n0->polls, idle = ns->idle_polls - n0->idle_polls;
    log_debug("install: network: %lu frames in, %lu out; %lu polls: %lu took frames (%llu ms), %lu found none (%llu ms)\n",
              ns->rx_frames - n0->rx_frames, ns->tx_frames - n0->tx_frames, polls, polls - idle,
              (unsigned long long)((ns->busy_tsc - n0->busy_tsc) * 1000 / hz), idle,
              (unsigned long long)((ns->idle_tsc - n0->idle_tsc) * 1000 / hz));
    log_debug("install: network: transmit %llu ms\n", (unsigned long long)((ns->tx_tsc - n0->tx_tsc) * 1000 / hz));
    uint64_t hash_us = job.sum.tsc * 1000000 / hz;
    if (hash_us)
        log_debug("install: %s %s hashed %llu bytes at %llu MB/s\n", job.sum.key,
                  hash_impl_name(job.sum.hash.alg == DIGEST_SHA512 ? HASH_SHA512 : HASH_SHA256),
                  (unsigned long long)job.sum.pos, (unsigned long long)(job.sum.pos / hash_us));
}

/* After the download: the first MiB, then the read-back. */
static enum np_exit finish(const struct install_opts *o)
{
    /* The read-back is of the bytes written: the raw stage's digest when there is one. */
    const struct digest *written = o->have_raw || o->readback ? &job.raw.digest : &job.sum.digest;
    bool qcow2 = job.detect.got == FORMAT_QCOW2;    /* its clusters came out of order: checked by reading */
    if (qcow2 && o->have_raw && qcow2_stage_raw_check(&job.qcow2, &o->raw))
        return fail_with(job.err.status != NP_EXIT_OK ? job.err.status : NP_EXIT_DISK);
    log_info("install: every check passed; writing the first MiB\n");
    report_stages();
    if (disk_stage_commit(&job.disk) ||
        (o->readback && (qcow2 ? qcow2_stage_readback(&job.qcow2) : readback(written))))
        return fail_with(job.err.status != NP_EXIT_OK ? job.err.status : NP_EXIT_DISK);
    summary(NP_EXIT_OK, &job.sum.digest);
    return NP_EXIT_OK;
}

/*
 * checksum=URL: the sums file's line for url='s file name becomes the digest to compare.
 * NP_EXIT_OK, or the status after one error line.
 */
static enum np_exit fetch_sums(struct install_opts *o)
{
    static char text[SUMS_FILE_MAX];
    static struct sums_result r;
    char name[SUMS_NAME_MAX];
    size_t len;
    if (sums_url_name(o->url, name, sizeof(name)))
        return log_err("error: checksum=: url=%s names no file to look up\n", urlmask_str(o->url)), NP_EXIT_USAGE;
    log_info("checksum: fetching %s\n", urlmask_str(o->sums_url));
    enum np_exit e = http_fetch(o->sums_url, text, sizeof(text), &len);
    if (e != NP_EXIT_OK)
        return e;
    const char *sums = urlmask_str(o->sums_url);     /* for the lines below */
    int err = sums_find(text, len, name, &r);
    if (err == -NP_ENOENT)
        log_err("error: checksum: %s has no line for %s (%u lines: %s)\n", sums, name, r.entries,
                r.entries ? r.listed : "no checksum lines at all");
    else if (err == -NP_ENOTSUP)
        log_err("error: checksum: %s lists %s only with digests netplant does not check (it takes SHA-256 "
                "and SHA-512)\n", sums, name);
    else if (err == -NP_EEXIST)
        log_err("error: checksum: %s lists %s with two different digests, lines %u and %u\n", sums, name,
                r.entry.line, r.other_line);
    if (err)
        return NP_EXIT_HASH;
    char hex[DIGEST_HEX_MAX];
    digest_hex(&r.entry.digest, hex);
    log_info("checksum: line %u of %s: %s %s %s\n", r.entry.line, sums, digest_name(r.entry.digest.alg),
             hex, name);
    o->want = r.entry.digest;
    o->have_want = true;
    return NP_EXIT_OK;
}

/*
 * Built from the disk up: [raw checksum ->] disk; each decoder -> that tail; detect -> the
 * decoder for the format it sees (raw: the tail); checksum of the served bytes -> detect.
 * Each decoder releases its input to TCP itself.
 */
static void build_chain(const struct install_opts *o)
{
    struct stage *tail = &job.disk.st;
    if (o->have_raw || o->readback) {
        /* Without raw_sha256=, the read-back's hash: the algorithm the user checks with. */
        enum digest_alg alg = !o->have_raw && o->have_want ? o->want.alg : DIGEST_SHA256;
        checksum_stage_init(&job.raw, tail, &job.err, o->have_raw ? "raw_sha256" : NULL, alg,
                            o->have_raw ? &o->raw : NULL);
        tail = &job.raw.st;
    }
    gzip_stage_init(&job.gzip, tail, &job.err, http_get_release);
    zstd_stage_init(&job.zstd, tail, &job.err, http_get_release);
    xz_stage_init(&job.xz, tail, &job.err, http_get_release);
    bzip2_stage_init(&job.bzip2, tail, &job.err, http_get_release);
    qcow2_stage_init(&job.qcow2, &job.disk, o->readback, &job.err, http_get_release);
    struct stage *const to[FORMAT_COUNT] = {
        [FORMAT_RAW] = tail,
        [FORMAT_GZIP] = &job.gzip.dec.st,
        [FORMAT_ZSTD] = &job.zstd.dec.st,
        [FORMAT_XZ] = &job.xz.dec.st,
        [FORMAT_BZIP2] = &job.bzip2.dec.st,
        [FORMAT_QCOW2] = &job.qcow2.st,
    };
    detect_stage_init(&job.detect, to, &job.err, o->format);
    checksum_stage_init(&job.sum, &job.detect.st, &job.err, o->have_want ? digest_name(o->want.alg) : "sha256",
                        DIGEST_SHA256, o->have_want ? &o->want : NULL);
}


/*
 * done_url=: after the install, success or failure, the result goes to the provisioning
 * server, so it can stop offering this machine the installer. Bounded by done_timeout=: a
 * server that never answers delays the reboot by that much and no more.
 */
static void report_done(const struct cmdline *cl, const struct boot_info *bi)
{
    const char *url = cmdline_get(cl, "done_url"), *t = cmdline_get(cl, "done_timeout");
    uint64_t timeout = 30;
    char body[640], ip[IP4ADDR_STRLEN_MAX];     /* room for a SHA-512 digest */
    struct report_who w;
    if (!url)
        return;
    if (t && (cmdline_parse_u64(t, &timeout) || !timeout || timeout > 3600)) {
        log_err("error: done_timeout=%s: want seconds, 1 to 3600; not reporting\n", t);
        return;
    }
    if (!net_mac() && net_up(cl, bi) != NP_EXIT_OK) {
        log_warn("report: no network to send done_url= over\n");
        return;
    }
    report_who(&w, ip, job.us);
    report_json_done(body, sizeof(body), job.status, job.disk.end, job.have_digest ? &job.digest : NULL, &w);
    log_info("report: POST %s %s\n", urlmask_str(url), body);
    if (http_post_json(url, body, (uint32_t)timeout * 1000) == NP_EXIT_OK)
        log_info("report: done_url= took the result\n");
    else
        log_warn("report: done_url= did not take the result; going on\n");
}

static enum np_exit install_job(const struct cmdline *cl, const struct boot_info *bi);

enum np_exit install_run(const struct cmdline *cl, const struct boot_info *bi)
{
    enum np_exit e = install_job(cl, bi);
    notify_end();       /* before done_url=: its POST is the last word */
    job.status = e;     /* also for endings before any summary (a usage error) */
    report_done(cl, bi);
    return e;
}

static enum np_exit install_job(const struct cmdline *cl, const struct boot_info *bi)
{
    struct install_opts o;
    NP_STRFN(memset)(&job, 0, sizeof(job));
    job.detect.got = FORMAT_UNSURE;     /* a summary before the stream started says format=- */
    if (parse_opts(cl, &o))
        return NP_EXIT_USAGE;
    struct blkdev *disk = pick_disk(cl);
    if (!disk || disk_stage_init(&job.disk, disk, &job.err, disk_release, TCP_WND))
        return fail_with(NP_EXIT_DISK);
    job.disk.wipe = o.wipe;
    job.disk.gpt_keep = o.gpt_keep;
    enum np_exit e = net_up(cl, bi);
    if (e != NP_EXIT_OK)
        return fail_with(e);    /* net_up said why; the summary still names the disk */
    log_info("install: %s onto disk %s (%llu MiB)\n", urlmask_str(o.url), disk->name,
             (unsigned long long)(disk->size >> 20));
    if (o.sums_url && (e = fetch_sums(&o)) != NP_EXIT_OK)
        return fail_with(e);
    /* With a checksum to check the result, a server without validators may be resumed too. */
    o.http.resume_unvalidated = o.have_want || o.have_raw;
    build_chain(&o);
    job.t0_us = job.last_progress_us = clock_us();
    if (job.notify) {
        log_info("progress: POST to %s every %llu s\n", urlmask_str(o.progress_url),
                 (unsigned long long)(job.notify_every_us / 1000000));
        job.last_notify_us = job.t0_us - job.notify_every_us;  /* the first goes out at once */
    }
    job.t0_tsc = __builtin_ia32_rdtsc();
    job.net0 = *netif_glue_stats();
    e = download(&o);
    return e == NP_EXIT_OK ? finish(&o) : fail_with(e);
}
