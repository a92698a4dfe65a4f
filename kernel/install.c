/*
 * url= onto the disk: the first MiB is held back in memory and the disk's first MiB zeroed as
 * soon as the image is known to be longer; the rest streams through the sector ring; after the
 * last byte the ring is flushed, the SHA-256 (or SHA-512) compared, and only then is the first
 * MiB written.
 * A failed or unverified install never leaves a disk that looks bootable.
 */
#include "kernel/install.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "crypto/hash.h"
#include "kernel/blkdev.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kmem.h"
#include "kernel/printf.h"
#include "kernel/sring.h"
#include "kernel/string.h"
#include "kernel/summary.h"
#include "net/http/http_get.h"
#include "net/http/http_resp.h"
#include "net/lwip-port/net.h"
#include "lwip/opt.h"

#define HOLD_BYTES      (1u << 20)
#define RING_BYTES      (8u << 20)
#define CHUNK_MAX       (1u << 20)
#define DISK_STALL_US   30000000ull
#define PROGRESS_US     1000000ull

/* Where the stream's time goes, in TSC cycles, reported at loglevel=7; the rest is network. */
enum stage { STAGE_HASH, STAGE_COPY, STAGE_DISK, STAGE_COUNT };
static const char *const stage_names[STAGE_COUNT] = { "hash", "copy into ring", "disk submit/poll" };
#define STAGE_TIMED(st, stmt)                      \
    do {                                           \
        uint64_t t0_ = rdtsc();                    \
        stmt;                                      \
        in.stage_tsc[st] += rdtsc() - t0_;         \
    } while (0)

/* The ring must hold a whole TCP window beyond what it lends back early (see ring_credit). */
_Static_assert(RING_BYTES >= 4 * TCP_WND, "the ring is the receive buffer: keep it well above TCP_WND");

static struct {
    struct blkdev *disk;
    struct sring ring;
    struct blk_req req[SRING_MAX_IO];
    uint8_t *hold, *zero;
    uint64_t pos;           /* image bytes received (the stream's offset) */
    uint64_t total;
    bool zeroed;
    int pending;            /* a ring write the device had no room for yet, or -1 */
    uint64_t ring_in;       /* bytes appended to the ring in this stream */
    uint64_t ring_credited; /* of those, how many TCP was told it may send again */
    enum hash_alg alg;      /* sha256= or sha512=; SHA-256 when neither is given */
    struct hash_ctx hash;
    enum np_exit status;    /* set by the sink when it refuses; 0 otherwise */
    char error[200];        /* room for a SHA-512 mismatch: 128 hex digits */
    uint64_t t0_us, last_progress_us, last_done_us;
    uint64_t t0_tsc, stage_tsc[STAGE_COUNT];
} in;

static void req_done(struct blk_req *r)
{
    (void)r;    /* completion is read from r->status in pump: nothing to do here */
}

static int disk_fail(struct blk_req *r, const char *what)
{
    np_snprintf(in.error, sizeof(in.error), "disk %s: %s failed at sector %llu: %s", in.disk->name, what,
                (unsigned long long)(r->offset / 512), np_strerror(r->status));
    in.status = NP_EXIT_DISK;
    return -1;
}

/* One synchronous request, split to the device's maximum, bounded in time. */
static int disk_sync(enum blk_op op, uint64_t off, void *buf, size_t len)
{
    static struct blk_req r;    /* static: a timed-out request may still complete later */
    size_t done = 0;
    do {
        size_t n = len - done < in.disk->max_transfer ? len - done : in.disk->max_transfer;
        r = (struct blk_req){ op, off + done, (uint8_t *)buf + done, n, BLK_PENDING, req_done, NULL };
        if (blkdev_sync(in.disk, &r, DISK_STALL_US))
            return disk_fail(&r, op == BLK_READ ? "read" : op == BLK_FLUSH ? "flush" : "write");
        done += n;
    } while (done < len);
    return 0;
}

static int disk_flush(void)
{
    return in.disk->can_flush ? disk_sync(BLK_FLUSH, 0, NULL, 0) : 0;
}

static void progress(bool force)
{
    uint64_t now = clock_us();
    if (!force && now - in.last_progress_us < PROGRESS_US)
        return;
    in.last_progress_us = now;
    uint64_t us = now - in.t0_us ? now - in.t0_us : 1, mbps1000 = in.pos * 1000 / us;
    if (in.total != HTTP_LEN_UNKNOWN && in.total) {
        uint64_t eta = mbps1000 ? (in.total - in.pos) / (mbps1000 * 1000) : 0;   /* bytes/ms * 1000 */
        log_info("progress: %llu of %llu MiB (%llu%%), %llu.%01llu MB/s, ETA %llu s\n",
                 (unsigned long long)(in.pos >> 20), (unsigned long long)(in.total >> 20),
                 (unsigned long long)(in.pos * 100 / in.total), (unsigned long long)(mbps1000 / 1000),
                 (unsigned long long)(mbps1000 / 100 % 10), (unsigned long long)eta);
    } else {
        log_info("progress: %llu MiB, %llu.%01llu MB/s\n", (unsigned long long)(in.pos >> 20),
                 (unsigned long long)(mbps1000 / 1000), (unsigned long long)(mbps1000 / 100 % 10));
    }
}

/*
 * Lends TCP window back for ring bytes early: the sender may then have at most TCP_WND bytes
 * more in flight than were credited, so crediting up to (written + ring size - TCP_WND) keeps
 * every byte it can still send fitting in the ring. While the disk keeps up the window stays
 * open; when it falls a ring behind, credit waits for completed writes, and TCP's window is
 * the brake.
 */
static void ring_credit(void)
{
    uint64_t written = in.ring.done - in.ring.start;
    uint64_t limit = written + in.ring.size - TCP_WND;
    uint64_t upto = in.ring_in < limit ? in.ring_in : limit;
    if (upto > in.ring_credited) {
        http_get_release((size_t)(upto - in.ring_credited));
        in.ring_credited = upto;
    }
}

/* Hands one ring write to the disk; a full device queue leaves it pending for the next turn. */
static int submit(unsigned slot)
{
    int err = blkdev_submit(in.disk, &in.req[slot]);
    in.pending = err == -NP_EBUSY ? (int)slot : -1;
    if (err && err != -NP_EBUSY) {
        in.req[slot].status = err;
        return disk_fail(&in.req[slot], "write");
    }
    return 0;
}

/* Submits ring writes, reaps completions, frees ring space back to TCP. */
static int pump_once(bool final)
{
    unsigned slot;
    uint64_t off;
    void *data;
    size_t len, pad;
    if (in.pending >= 0 && submit((unsigned)in.pending))
        return -1;
    while (in.pending < 0) {
        int got = sring_next(&in.ring, final, &slot, &off, &data, &len, &pad);
        if (pad)    /* reported once, by whichever call padded, handing out a write or not */
            log_info("install: the image ends inside a block: %zu zero bytes pad it\n", pad);
        if (got != 1)
            break;
        in.req[slot] = (struct blk_req){ BLK_WRITE, off, data, len, BLK_PENDING, req_done, NULL };
        if (submit(slot))
            return -1;
    }
    if (blkdev_poll(in.disk) < 0) {
        np_snprintf(in.error, sizeof(in.error), "disk %s stopped working", in.disk->name);
        in.status = NP_EXIT_DISK;
        return -1;
    }
    for (unsigned i = 0; i < SRING_MAX_IO; i++) {
        struct blk_req *r = &in.req[i];
        if (!in.ring.io[i].busy || in.ring.io[i].complete || r->status == BLK_PENDING || (int)i == in.pending)
            continue;
        if (r->status)
            return disk_fail(r, "write");
        if (sring_complete(&in.ring, i))
            ring_credit();
        in.last_done_us = clock_us();
    }
    progress(false);
    return 0;
}

static int pump(bool final)
{
    int err;
    STAGE_TIMED(STAGE_DISK, err = pump_once(final));
    return err;
}

static int sink_pump(void *ctx, const char **why)
{
    (void)ctx;
    int err = pump(false);
    if (err)
        *why = in.error;
    return err;
}

/*
 * final: writes everything, the zero-padded last block too, and waits for it all.
 * Otherwise: waits only for the writes already handed out; a partial block stays unwritten.
 */
static int drain(bool final)
{
    in.last_done_us = clock_us();
    while (final ? !sring_idle(&in.ring) : !sring_settled(&in.ring) || in.pending >= 0) {
        if (pump(final))
            return -1;
        if (clock_us() - in.last_done_us > DISK_STALL_US) {
            np_snprintf(in.error, sizeof(in.error), "disk %s: writes stopped completing", in.disk->name);
            in.status = NP_EXIT_DISK;
            return -1;
        }
    }
    return 0;
}

static int sink_begin(void *ctx, uint64_t offset, uint64_t total)
{
    (void)ctx;
    uint64_t cap = in.disk->size;
    if (total != HTTP_LEN_UNKNOWN && total > cap) {
        np_snprintf(in.error, sizeof(in.error), "the image is %llu bytes but disk %s holds %llu; nothing written",
                    (unsigned long long)total, in.disk->name, (unsigned long long)cap);
        in.status = NP_EXIT_TOOBIG;
        return -1;
    }
    in.total = total;
    if (offset && offset == in.pos)
        return 0;   /* a resume: the stream goes on where it stopped */
    /* From byte 0 (a start, or a restart): writes of the old stream finish before new ones. */
    if (drain(false))
        return -1;
    sring_init(&in.ring, in.ring.buf, in.ring.size, in.ring.chunk, in.ring.block, HOLD_BYTES, cap);
    in.pos = 0;
    in.ring_in = in.ring_credited = 0;
    hash_init(&in.hash, in.alg);
    return 0;
}

static int sink_data(void *ctx, const uint8_t *p, size_t len, const char **why)
{
    (void)ctx;
    STAGE_TIMED(STAGE_HASH, hash_update(&in.hash, p, len));
    while (len) {
        if (in.pos < HOLD_BYTES) {
            size_t n = HOLD_BYTES - in.pos < len ? (size_t)(HOLD_BYTES - in.pos) : len;
            STAGE_TIMED(STAGE_COPY, NP_STRFN(memcpy)(in.hold + in.pos, p, n));
            http_get_release(n);    /* held bytes take no ring space */
            in.pos += n, p += n, len -= n;
            continue;
        }
        if (!in.zeroed) {
            /* Longer than 1 MiB: blank the start now, so a broken install cannot boot. */
            if (disk_sync(BLK_WRITE, 0, in.zero, HOLD_BYTES) || disk_flush())
                return *why = in.error, -1;
            in.zeroed = true;
        }
        if (in.pos + len > in.disk->size) {
            np_snprintf(in.error, sizeof(in.error), "the image is larger than disk %s (%llu bytes); stopped there",
                        in.disk->name, (unsigned long long)in.disk->size);
            in.status = NP_EXIT_TOOBIG;
            return *why = in.error, -1;
        }
        size_t n;
        STAGE_TIMED(STAGE_COPY, n = sring_append(&in.ring, p, len));
        in.pos += n, p += n, len -= n;
        in.ring_in += n;
        ring_credit();
        if (len && pump(false))     /* the ring is full: write some out, then go on */
            return *why = in.error, -1;
    }
    return 0;
}

static int setup(const struct cmdline *cl)
{
    const char *spec = cmdline_get(cl, "disk");
    unsigned i;
    int err = blkdev_select(blkdev_all(), blkdev_count(), spec, &i);
    if (err == -NP_EINVAL)
        np_snprintf(in.error, sizeof(in.error), "%u disks found; say which one to write with disk=", blkdev_count());
    else if (err)
        np_snprintf(in.error, sizeof(in.error), spec ? "disk=%s matches no single disk" : "no disk found",
                    spec ? spec : "");
    if (err)
        return -1;
    in.disk = blkdev_get(i);
    if (in.disk->read_only) {
        np_snprintf(in.error, sizeof(in.error), "disk %s is read-only", in.disk->name);
        return -1;
    }
    uint32_t chunk = in.disk->max_transfer < CHUNK_MAX ? in.disk->max_transfer : CHUNK_MAX;
    chunk -= chunk % in.disk->block_size;
    uint64_t ring_pa, hold_pa, zero_pa;
    size_t ring = RING_BYTES - RING_BYTES % chunk;
    if (!chunk || kmem_alloc_pages(ring / PAGE_SIZE + 1, PAGE_SIZE, 4ull << 30, &ring_pa) ||
        kmem_alloc_pages(HOLD_BYTES / PAGE_SIZE, PAGE_SIZE, 4ull << 30, &hold_pa) ||
        kmem_alloc_pages(HOLD_BYTES / PAGE_SIZE, PAGE_SIZE, 4ull << 30, &zero_pa)) {
        np_snprintf(in.error, sizeof(in.error), "not enough memory for the disk buffers");
        return -1;
    }
    in.hold = (uint8_t *)(uintptr_t)hold_pa;
    in.zero = (uint8_t *)(uintptr_t)zero_pa;
    NP_STRFN(memset)(in.zero, 0, HOLD_BYTES);
    return sring_init(&in.ring, (uint8_t *)(uintptr_t)ring_pa, ring, chunk, in.disk->block_size, HOLD_BYTES,
                      in.disk->size);
}

/* The held first MiB, padded to a block: written last, after the hash matched. */
static int write_head(void)
{
    size_t n = in.pos < HOLD_BYTES ? (size_t)in.pos : HOLD_BYTES;
    size_t padded = (n + in.disk->block_size - 1) / in.disk->block_size * in.disk->block_size;
    if (padded > in.disk->size)
        return -1;
    NP_STRFN(memset)(in.hold + n, 0, padded - n);
    if (n < padded && in.pos < HOLD_BYTES)
        log_info("install: the image ends inside a block: %zu zero bytes pad it\n", padded - n);
    return disk_sync(BLK_WRITE, 0, in.hold, padded) || disk_flush() ? -1 : 0;
}

/* verify=readback: the image as the disk holds it now, hashed again. */
static int readback(const uint8_t *want)
{
    struct hash_ctx c;
    uint8_t got[HASH_MAX_DIGEST];
    hash_init(&c, in.alg);
    for (uint64_t off = 0; off < in.pos;) {
        size_t n = in.pos - off < in.ring.chunk ? (size_t)(in.pos - off) : in.ring.chunk;
        size_t whole = (n + in.disk->block_size - 1) / in.disk->block_size * in.disk->block_size;
        if (disk_sync(BLK_READ, off, in.ring.buf, whole))
            return -1;
        hash_update(&c, in.ring.buf, n);
        off += n;
    }
    hash_final(&c, got);
    if (NP_STRFN(memcmp)(got, want, hash_digest_size(in.alg))) {
        np_snprintf(in.error, sizeof(in.error), "read-back of disk %s does not match what was received", in.disk->name);
        in.status = NP_EXIT_VERIFY;
        return -1;
    }
    log_info("install: read back %llu bytes from %s: same %s\n", (unsigned long long)in.pos, in.disk->name,
             hash_alg_title(in.alg));
    return 0;
}

struct install_opts {
    const char *url;
    enum hash_alg alg;
    uint8_t want[HASH_MAX_DIGEST];  /* the digest sha256= or sha512= gave */
    bool have_want;
    bool readback;
    struct http_get_opts http;
};

/* Exactly 2n hex digits into n bytes. */
static int parse_hex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < 2 * n; i++) {
        char c = s[i] | 0x20;
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | v : v << 4);
    }
    return s[2 * n] ? -1 : 0;
}

static int parse_opts(const struct cmdline *cl, struct install_opts *o)
{
    uint64_t retries = 5, timeout = 30;
    const char *s;
    o->url = cmdline_get(cl, "url");
    if (cmdline_get(cl, "sha256") && cmdline_get(cl, "sha512"))
        return log_err("error: sha256= and sha512= given: want one of them\n"), -1;
    o->alg = cmdline_get(cl, "sha512") ? HASH_SHA512 : HASH_SHA256;
    o->have_want = (s = cmdline_get(cl, hash_alg_key(o->alg))) != NULL;
    if (o->have_want && parse_hex(s, o->want, hash_digest_size(o->alg)))
        return log_err("error: %s=%s: want %zu hex digits\n", hash_alg_key(o->alg), s,
                       2 * hash_digest_size(o->alg)), -1;
    if ((s = cmdline_get(cl, "retries")) && (cmdline_parse_u64(s, &retries) || retries > 100))
        return log_err("error: retries=%s: want 0 to 100\n", s), -1;
    if ((s = cmdline_get(cl, "timeout")) && (cmdline_parse_u64(s, &timeout) || !timeout || timeout > 3600))
        return log_err("error: timeout=%s: want seconds, 1 to 3600\n", s), -1;
    s = cmdline_get(cl, "verify");
    if (s && NP_STRFN(strcmp)(s, "readback") && NP_STRFN(strcmp)(s, "none"))
        return log_err("error: verify=%s: want none or readback\n", s), -1;
    o->readback = s && !NP_STRFN(strcmp)(s, "readback");
    o->http = (struct http_get_opts){ (unsigned)retries, (uint32_t)timeout * 1000, 8 };
    return 0;
}

static void summary(enum np_exit status, const uint8_t *digest)
{
    char line[280];
    summary_format_hash(line, sizeof(line), status, in.pos, hash_alg_key(in.alg), digest, hash_digest_size(in.alg),
                        clock_us() - in.t0_us, in.disk ? in.disk->name : NULL);
    log_info("%s\n", line);
}

/* loglevel=7: each stage's share of the stream's time, and the hash's own rate. */
static void report_stages(void)
{
    uint64_t hz = clock_tsc_hz(), total = rdtsc() - in.t0_tsc, rest = total;
    if (!hz || !total)
        return;
    for (int s = 0; s < STAGE_COUNT; s++) {
        rest -= in.stage_tsc[s] < rest ? in.stage_tsc[s] : rest;
        log_debug("install: stage %s: %llu ms (%llu%%)\n", stage_names[s],
                  (unsigned long long)(in.stage_tsc[s] * 1000 / hz), (unsigned long long)(in.stage_tsc[s] * 100 / total));
    }
    log_debug("install: stage network, HTTP and the rest: %llu ms (%llu%%)\n", (unsigned long long)(rest * 1000 / hz),
              (unsigned long long)(rest * 100 / total));
    uint64_t hash_us = in.stage_tsc[STAGE_HASH] * 1000000 / hz;
    if (hash_us)
        log_debug("install: %s %s hashed %llu bytes at %llu MB/s\n", hash_alg_key(in.alg), hash_impl_name(in.alg),
                  (unsigned long long)in.pos, (unsigned long long)(in.pos / hash_us));
}

static enum np_exit fail_with(enum np_exit status)
{
    if (in.error[0])
        log_err("error: %s\n", in.error);
    summary(status, NULL);
    return status;
}

/* After the last byte: ring out, hash compared, first MiB written, optionally read back. */
static enum np_exit finish(const struct install_opts *o)
{
    uint8_t digest[HASH_MAX_DIGEST];
    const char *key = hash_alg_key(in.alg);
    size_t size = hash_digest_size(in.alg);
    if (drain(true) || disk_flush())
        return fail_with(in.status ? in.status : NP_EXIT_DISK);
    hash_final(&in.hash, digest);
    if (o->have_want && NP_STRFN(memcmp)(digest, o->want, size)) {
        char got[2 * HASH_MAX_DIGEST + 1];
        summary_hex(digest, size, got);
        np_snprintf(in.error, sizeof(in.error), "%s mismatch: got %s; the first MiB stays zeroed", key, got);
        return fail_with(NP_EXIT_HASH);
    }
    if (o->have_want)
        log_info("install: %llu bytes, %s matches; writing the first MiB\n", (unsigned long long)in.pos, key);
    else
        log_info("install: %llu bytes, %s (no %s= given to compare); writing the first MiB\n",
                 (unsigned long long)in.pos, key, key);
    report_stages();
    if (write_head() || (o->readback && readback(digest)))
        return fail_with(in.status ? in.status : NP_EXIT_DISK);
    summary(NP_EXIT_OK, digest);
    return NP_EXIT_OK;
}

enum np_exit install_run(const struct cmdline *cl, const struct boot_info *bi)
{
    struct install_opts o;
    NP_STRFN(memset)(&in, 0, sizeof(in));
    in.total = HTTP_LEN_UNKNOWN;
    in.pending = -1;
    if (parse_opts(cl, &o))
        return NP_EXIT_USAGE;
    in.alg = o.alg;
    hash_init(&in.hash, in.alg);
    if (setup(cl))
        return fail_with(NP_EXIT_DISK);
    enum np_exit e = net_up(cl, bi);
    if (e != NP_EXIT_OK)
        return e;
    log_info("install: %s onto disk %s (%llu MiB)\n", o.url, in.disk->name, (unsigned long long)(in.disk->size >> 20));
    in.t0_us = in.last_progress_us = clock_us();
    in.t0_tsc = rdtsc();
    const struct http_sink sink = { sink_begin, sink_data, sink_pump, NULL };
    struct http_get_result res;
    http_get(o.url, &o.http, &sink, &res);
    if (res.status != NP_EXIT_OK) {
        drain(false);   /* let what was written land, then report; the first MiB stays zero */
        return fail_with(in.status ? in.status : res.status);
    }
    progress(true);
    return finish(&o);
}
