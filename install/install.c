/*
 * The install job: url= through the pipeline (install/stage.h) onto the disk, then the
 * checks, then the first MiB, then one summary line. The pipeline today:
 *     HTTP source -> checksum (SHA-256 of the served bytes) -> disk (sector ring)
 */
#include "install/install.h"

#include "arch/x86_64/arch.h"
#include "install/checksum.h"
#include "install/disk_stage.h"
#include "install/source_http.h"
#include "install/summary.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "kernel/undriven.h"
#include "kernel/urlmask.h"
#include "lwip/netif.h"
#include "lwip/opt.h"
#include "net/http/http_fetch.h"
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
    enum disk_wipe wipe;
    bool gpt_keep;
    struct http_get_opts http;
};

static struct {
    struct stage_error err;
    struct checksum_stage sum;
    struct disk_stage disk;
    uint64_t t0_us, last_progress_us;
    /* The result as summary() printed it, for done_url=. */
    enum np_exit status;
    uint64_t us;
    bool have_digest;
    uint8_t digest[CHECKSUM_SHA256_LEN];
} job;

static void progress(bool force)
{
    uint64_t now = clock_us(), pos = job.disk.pos, total = job.disk.total;
    if (!force && now - job.last_progress_us < PROGRESS_US)
        return;
    job.last_progress_us = now;
    uint64_t us = now - job.t0_us ? now - job.t0_us : 1, mbps1000 = pos * 1000 / us;
    if (total != STAGE_LEN_UNKNOWN && total) {
        uint64_t eta = mbps1000 ? (total - pos) / (mbps1000 * 1000) : 0;   /* bytes/ms * 1000 */
        log_info("progress: %llu of %llu MiB (%llu%%), %llu.%01llu MB/s, ETA %llu s\n",
                 (unsigned long long)(pos >> 20), (unsigned long long)(total >> 20),
                 (unsigned long long)(pos * 100 / total), (unsigned long long)(mbps1000 / 1000),
                 (unsigned long long)(mbps1000 / 100 % 10), (unsigned long long)eta);
    } else {
        log_info("progress: %llu MiB, %llu.%01llu MB/s\n", (unsigned long long)(pos >> 20),
                 (unsigned long long)(mbps1000 / 1000), (unsigned long long)(mbps1000 / 100 % 10));
    }
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
    /* With a hash to check the result, a server without validators may be resumed too. */
    o->http = (struct http_get_opts){ (unsigned)retries, (uint32_t)timeout * 1000, 8, o->have_sha, NULL, 0 };
    return parse_disk_opts(cl, o);
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
    else if (blkdev_get(i)->read_only)
        np_snprintf(job.err.msg, sizeof(job.err.msg), "disk %s is read-only", blkdev_get(i)->name);
    else
        return job.err.status = NP_EXIT_OK, blkdev_get(i);
    return NULL;
}

static void summary(enum np_exit status, const uint8_t *digest)
{
    char line[200];
    uint64_t us = job.t0_us ? clock_us() - job.t0_us : 0;
    summary_format(line, sizeof(line), status, job.disk.pos, digest, us, job.disk.disk ? job.disk.disk->name : NULL);
    job.status = status, job.us = us, job.have_digest = digest != NULL;
    if (digest)
        NP_STRFN(memcpy)(job.digest, digest, sizeof(job.digest));
    np_result_line(line);
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

/*
 * The image onto the disk but for its first MiB: downloaded, the stages ended (the ring written
 * out and flushed, the hash compared). A hash that fails after a resume the server could not
 * validate (no ETag or Last-Modified) may be that resume's splice of two versions: the download
 * runs once more from byte 0, without such resumes; the stages begin again at 0 and the disk's
 * first MiB stays zeroed. Returns NP_EXIT_OK or the failure's status.
 */
static enum np_exit download(struct install_opts *o)
{
    struct http_get_result res;
    for (;;) {
        source_http_run(o->url, &o->http, &job.sum.st, job_pump, NULL, &res);
        if (res.status != NP_EXIT_OK) {
            disk_stage_settle(&job.disk);   /* let what was written land; the first MiB stays zero */
            return job.err.status != NP_EXIT_OK ? job.err.status : res.status;
        }
        progress(true);
        if (stage_end(&job.sum.st) == 0)
            return NP_EXIT_OK;
        if (job.err.status != NP_EXIT_HASH || !res.unvalidated_resumes || !o->http.resume_unvalidated)
            return job.err.status;
        log_warn("install: sha256 mismatch after a resume the server could not validate; "
                 "downloading once more from byte 0\n");
        job.err = (struct stage_error){ NP_EXIT_OK, "" };
        o->http.resume_unvalidated = false;
    }
}

/* After the download: the first MiB, then the read-back. */
static enum np_exit finish(const struct install_opts *o)
{
    if (disk_stage_commit(&job.disk) || (o->readback && readback(job.sum.digest)))
        return fail_with(job.err.status != NP_EXIT_OK ? job.err.status : NP_EXIT_DISK);
    summary(NP_EXIT_OK, job.sum.digest);
    return NP_EXIT_OK;
}

/* The result line's figures as one JSON object, and who sends it: the MAC and address in use. */
static void report_json(char *buf, size_t size)
{
    char hex[65] = "", ip[IP4ADDR_STRLEN_MAX] = "";
    static const uint8_t none[6];
    const uint8_t *m = net_mac() ? net_mac() : none;
    if (job.have_digest)
        summary_hex(job.digest, hex);
    if (netif_default)
        ip4addr_ntoa_r(netif_ip4_addr(netif_default), ip, sizeof(ip));
    np_snprintf(buf, size, "{\"result\":\"%s\",\"code\":\"%s\",\"bytes\":%llu,\"sha256\":%s%s%s,"
                "\"seconds\":%llu.%03llu,\"disk\":\"%s\",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"ip\":\"%s\"}",
                job.status == NP_EXIT_OK ? "ok" : "error", np_exit_name(job.status), (unsigned long long)job.disk.pos,
                hex[0] ? "\"" : "null", hex, hex[0] ? "\"" : "", (unsigned long long)(job.us / 1000000),
                (unsigned long long)(job.us / 1000 % 1000), job.disk.disk ? job.disk.disk->name : "",
                m[0], m[1], m[2], m[3], m[4], m[5], ip);
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
    char body[512];
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
    report_json(body, sizeof(body));
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
    job.status = e;     /* also for endings before any summary (a usage error) */
    report_done(cl, bi);
    return e;
}

static enum np_exit install_job(const struct cmdline *cl, const struct boot_info *bi)
{
    struct install_opts o;
    NP_STRFN(memset)(&job, 0, sizeof(job));
    if (parse_opts(cl, &o))
        return NP_EXIT_USAGE;
    struct blkdev *disk = pick_disk(cl);
    if (!disk || disk_stage_init(&job.disk, disk, &job.err, http_get_release, TCP_WND))
        return fail_with(NP_EXIT_DISK);
    job.disk.wipe = o.wipe;
    job.disk.gpt_keep = o.gpt_keep;
    checksum_stage_init(&job.sum, &job.disk.st, &job.err, o.have_sha ? o.sha : NULL);
    enum np_exit e = net_up(cl, bi);
    if (e != NP_EXIT_OK)
        return fail_with(e);    /* net_up said why; the summary still names the disk */
    log_info("install: %s onto disk %s (%llu MiB)\n", urlmask_str(o.url), disk->name,
             (unsigned long long)(disk->size >> 20));
    job.t0_us = job.last_progress_us = clock_us();
    e = download(&o);
    return e == NP_EXIT_OK ? finish(&o) : fail_with(e);
}
