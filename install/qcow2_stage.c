#include "install/qcow2_stage.h"

#include "arch/x86_64/arch.h"
#include "compress/alloc.h"
#include "compress/zlib_alloc.h"
#include "install/decoder.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "net/http/http_fetch.h"

#define ZSTD_STATIC_LINKING_ONLY    /* ZSTD_createDCtx_advanced: our allocator */
#include "zstd.h"

#define MAP_MAX_BYTES   (64u << 20)     /* ~1.7 million runs: a fragmented multi-TiB image */
#define INFLATE_BITS    (-15)           /* raw deflate (2.5: no zlib header), any window */
#define MAPS_MAX        3               /* map reads per install: a file that keeps changing stops */
#define SCRATCH_BYTES   (1u << 20)      /* adjacent L2 tables read together: fewer requests */
#define HEAD_BYTES      8192u           /* a GPT header at LBA 1 of 512- or 4096-byte sectors */
#define DECODE_STEPS    64              /* zstd frames in one compressed cluster, at most */

static struct qcow2_stage *of(struct stage *s)
{
    return (struct qcow2_stage *)s;
}

bool qcow2_stage_wants_map(const struct qcow2_stage *q)
{
    return q->want_map && q->st.err->status == NP_EXIT_OK;
}

/* The header is in head: refuse what cannot be installed, else stop the download for the map. */
static int header_then_stop(struct qcow2_stage *q)
{
    char why[QCOW2_WHY_MAX];
    uint32_t bs = q->disk->disk->block_size;
    if (qcow2_header_parse(q->head, q->nhead, q->total, &q->h, why, sizeof(why)))
        return stage_fail(&q->st, NP_EXIT_FORMAT, "%s", why);
    if (q->h.cluster_size < bs)
        return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: the image's %u-byte clusters are smaller than disk %s's "
                          "%u-byte blocks", (unsigned)q->h.cluster_size, q->disk->disk->name, (unsigned)bs);
    if (q->h.size > q->disk->disk->size)
        return stage_fail(&q->st, NP_EXIT_TOOBIG, "the image is %llu bytes but disk %s holds %llu; nothing written",
                          (unsigned long long)q->h.size, q->disk->disk->name,
                          (unsigned long long)q->disk->disk->size);
    log_info("qcow2: version %u, %u-byte clusters, a %llu-byte disk; reading its tables\n", (unsigned)q->h.version,
             (unsigned)q->h.cluster_size, (unsigned long long)q->h.size);
    q->want_map = true;
    return -1;      /* no error: the download stops here, the job reads the map */
}

static int q_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    struct qcow2_stage *q = of(s);
    if (offset) {   /* a resume: the stream goes on where it stopped */
        if (offset != q->in_pos)
            return stage_fail(s, NP_EXIT_HTTP, "qcow2: input resumed at byte %llu, not at %llu",
                              (unsigned long long)offset, (unsigned long long)q->in_pos);
        return 0;
    }
    if (total == STAGE_LEN_UNKNOWN)
        return stage_fail(s, NP_EXIT_FORMAT, "qcow2: the server does not say the file's length, which reading "
                          "a qcow2 image's tables needs");
    q->in_pos = 0;
    q->nhead = 0;
    q->next = 0;
    q->z_active = q->in_ext = false;
    q->want_map = false;
    if (q->mapped && !q->streaming && total == q->total) {
        q->streaming = true;    /* the pass this map was read for */
        if (q->verify)
            checksum_hash_start(&q->runs, DIGEST_SHA256);
        return stage_begin(&q->disk->st, 0, q->h.size);
    }
    q->total = total;
    q->mapped = q->streaming = false;   /* a new file, or a restart: its tables are read afresh */
    return 0;
}

/* A run's place as verify=readback hashes it before its bytes: guest offset and length, LE. */
static void run_head(struct checksum_hash *h, const struct qcow2_ext *e)
{
    uint8_t head[12];
    for (unsigned i = 0; i < 8; i++)
        head[i] = (uint8_t)(e->guest >> (8 * i));
    for (unsigned i = 0; i < 4; i++)
        head[8 + i] = (uint8_t)(e->len >> (8 * i));
    checksum_hash_update(h, head, sizeof(head));
}

/* A run's bytes go to the disk at guest offset at; verify=readback hashes them on the way. */
static int run_write(struct qcow2_stage *q, uint64_t at, const uint8_t *p, size_t n)
{
    if (q->verify)
        checksum_hash_update(&q->runs, p, n);
    return disk_stage_seek(q->disk, at) || stage_write(&q->disk->st, p, n) ? -1 : 0;
}

/* Input bytes the stage is done with: TCP may send more. */
static void take(struct qcow2_stage *q, size_t n)
{
    q->in_pos += n;
    q->release(n);
}

/*
 * One step of a compressed cluster's codec (2.5; Compressed Cluster Layout): raw deflate, or
 * one or more zstd frames until a whole cluster came out. *made: the cluster's bytes so far.
 * 1 when it is whole, 0 for more, -1 with *why.
 */
static int codec_step(struct qcow2_stage *q, const uint8_t *p, size_t n, size_t *used, size_t *made,
                      const char **why)
{
    if (q->h.compression == QCOW2_COMPRESSION_ZSTD) {
        ZSTD_inBuffer i = { p, n, 0 };
        ZSTD_outBuffer o = { q->cluster, q->cluster_bytes, q->z_made };
        size_t r = ZSTD_decompressStream(q->zs, &o, &i);
        *used = i.pos;
        *made = o.pos;
        if (ZSTD_isError(r))
            return *why = ZSTD_getErrorName(r), -1;
        return r == 0 && o.pos >= q->h.cluster_size;     /* a frame ended with the cluster whole */
    }
    q->z.next_in = (Bytef *)p;
    q->z.avail_in = (uInt)n;
    int r = inflate(&q->z, Z_NO_FLUSH);
    *used = n - q->z.avail_in;
    *made = q->cluster_bytes - q->z.avail_out;
    if (r == Z_STREAM_END)
        return 1;
    if (r != Z_OK && r != Z_BUF_ERROR)
        return *why = q->z.msg ? q->z.msg : "zlib error", -1;
    return 0;
}

/* One compressed cluster decodes as its bytes come; whole, it goes to the disk. */
/* The image's codec ready for a new compressed cluster, decoding into q->cluster from its start. */
static void codec_reset(struct qcow2_stage *q)
{
    if (q->h.compression == QCOW2_COMPRESSION_ZSTD) {
        ZSTD_DCtx_reset(q->zs, ZSTD_reset_session_only);
    } else {
        inflateReset(&q->z);
        q->z.next_out = q->cluster;
        q->z.avail_out = (uInt)q->cluster_bytes;
    }
    q->z_made = 0;
}

static int inflate_some(struct qcow2_stage *q, const struct qcow2_ext *e, const uint8_t *p, size_t len,
                        size_t *used)
{
    const char *why = NULL;
    size_t made;
    if (!q->z_active) {
        codec_reset(q);
        q->z_in = 0;
        q->z_active = true;
    }
    size_t n = e->clen - q->z_in < len ? (size_t)(e->clen - q->z_in) : len;
    int r = codec_step(q, p, n, used, &made, &why);
    q->z_in += *used;
    q->z_made = made;
    if (r == 1) {
        q->z_active = false;
        q->next++;
        if (made < e->len || made > q->h.cluster_size)
            return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: the compressed cluster for guest byte %llu decodes "
                              "to %zu bytes, not %u", (unsigned long long)e->guest, made, (unsigned)e->len);
        if (q->verify)
            run_head(&q->runs, e);
        return run_write(q, e->guest, q->cluster, e->len);
    }
    if (!why && made > q->h.cluster_size)
        why = "it decodes to more than a cluster";
    else if (!why && (q->z_in == e->clen || (!*used && n)))
        why = "it does not end within its sectors";
    if (why)
        return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: the compressed cluster for guest byte %llu at file "
                          "byte %llu is corrupt: %s", (unsigned long long)e->guest, (unsigned long long)e->host, why);
    return 0;
}

/*
 * File bytes in order: those of the next map entry go to the disk at its guest offset, the
 * rest (header, tables, refcounts, unused space) pass by. Every turn takes input.
 */
static int stream(struct qcow2_stage *q, const uint8_t *p, size_t len)
{
    while (len) {
        const struct qcow2_ext *e = q->next < q->map.ndata ? &q->map.data[q->next] : NULL;
        size_t n;
        if (!e || (!q->z_active && e->host > q->in_pos)) {
            n = !e || e->host - q->in_pos > len ? len : (size_t)(e->host - q->in_pos);
        } else if (!q->z_active && !q->in_ext && e->host < q->in_pos) {
            /* A compressed cluster's data ran into the next one's bytes. */
            return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: the cluster for guest byte %llu starts at file byte "
                              "%llu, inside the compressed cluster before it", (unsigned long long)e->guest,
                              (unsigned long long)e->host);
        } else if (e->clen) {
            if (inflate_some(q, e, p, len, &n))
                return -1;
        } else {
            uint64_t into = q->in_pos - e->host;
            n = e->len - into < len ? (size_t)(e->len - into) : len;
            if (q->verify && !q->in_ext)
                run_head(&q->runs, e);
            if (run_write(q, e->guest + into, p, n))
                return -1;
            q->in_ext = into + n < e->len;
            q->next += !q->in_ext;
        }
        take(q, n);
        p += n, len -= n;
    }
    return 0;
}

static int q_write(struct stage *s, const uint8_t *p, size_t len)
{
    struct qcow2_stage *q = of(s);
    if (q->streaming)
        return stream(q, p, len);
    size_t n = sizeof(q->head) - q->nhead < len ? sizeof(q->head) - q->nhead : len;
    NP_STRFN(memcpy)(q->head + q->nhead, p, n);
    q->nhead += n;
    take(q, len);
    return q->nhead == sizeof(q->head) ? header_then_stop(q) : 0;
}

/* The file is complete: every data cluster must have come; then the zero ranges, then the disk's end. */
static int q_end(struct stage *s)
{
    struct qcow2_stage *q = of(s);
    if (!q->streaming)
        return header_then_stop(q);     /* a file shorter than a header: it says what is wrong */
    if (q->next < q->map.ndata)
        return stage_fail(s, NP_EXIT_FORMAT, "qcow2: the file ends at byte %llu, before the cluster for guest "
                          "byte %llu (truncated)", (unsigned long long)q->in_pos,
                          (unsigned long long)q->map.data[q->next].guest);
    for (size_t i = 0; i < q->map.nzero; i++)
        if (disk_stage_zero(q->disk, q->map.zero[i].guest, q->map.zero[i].guest + q->map.zero[i].len))
            return -1;
    q->streaming = q->mapped = false;   /* this map was used: another pass reads it again */
    if (q->verify)
        checksum_hash_finish(&q->runs, &q->runs_digest);
    return stage_end(&q->disk->st);
}

static const struct stage_ops qcow2_ops = {
    .name = "qcow2",
    .begin = q_begin,
    .write = q_write,
    .end = q_end,
};

void qcow2_stage_init(struct qcow2_stage *q, struct disk_stage *disk, bool verify, struct stage_error *err,
                      void (*release)(size_t len))
{
    NP_STRFN(memset)(q, 0, sizeof(*q));
    q->st = (struct stage){ &qcow2_ops, &disk->st, err };
    q->disk = disk;
    q->verify = verify;
    q->release = release;
}

/* The map's reads: Range requests, each counted in the log line that follows the map. */
static struct {
    const char *url;
    const struct http_get_opts *o;
    bool no_range;
    enum np_exit status;
    unsigned reads;
    uint64_t bytes;
} rd;

static int range_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx;
    rd.reads++;
    rd.bytes += len;
    rd.status = http_fetch_range(rd.url, rd.o, off, buf, len, &rd.no_range);
    return rd.status == NP_EXIT_OK ? 0 : -1;
}

/* Memory: the map at its worst (one entry per guest cluster), bounded; a cluster; zlib. */
static size_t scratch_bytes(const struct qcow2_stage *q)
{
    size_t least = qcow2_scratch_bytes(&q->h);
    return least > SCRATCH_BYTES ? least : SCRATCH_BYTES;
}

static int map_alloc(struct qcow2_stage *q, uint8_t **scratch)
{
    uint64_t clusters = (q->h.size + q->h.cluster_size - 1) / q->h.cluster_size + 2;
    uint64_t want = clusters * QCOW2_MAP_ENTRY_BYTES, avail = compress_avail() / 2;
    uint64_t cap = avail < MAP_MAX_BYTES ? avail : MAP_MAX_BYTES;
    compress_free(q->map_mem);
    q->map_bytes = (size_t)(want < cap ? want : cap);
    q->map_mem = compress_alloc(q->map_bytes);
    *scratch = compress_alloc(scratch_bytes(q));
    if (!q->map_mem || !*scratch) {
        compress_free(*scratch);
        return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: no memory for the map of the image's clusters");
    }
    return 0;
}

/* A cluster's buffer and the image's codec, once per install. */
static int codec_ready(struct qcow2_stage *q)
{
    if (!q->cluster) {
        q->cluster_bytes = (size_t)q->h.cluster_size + 1;
        if (!(q->cluster = compress_alloc(q->cluster_bytes)))
            return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: no memory for a cluster's buffer");
    }
    if (q->h.compression == QCOW2_COMPRESSION_ZSTD && !q->zs) {
        const ZSTD_customMem mem = { compress_alloc_cb, compress_free_cb, NULL };
        if (!(q->zs = ZSTD_createDCtx_advanced(mem)))
            return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: no memory for zstd");
    }
    if (q->h.compression != QCOW2_COMPRESSION_ZSTD && !q->z_live) {
        q->z.zalloc = compress_zalloc;
        q->z.zfree = compress_zfree;
        if (inflateInit2(&q->z, INFLATE_BITS) != Z_OK)
            return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: no memory for zlib");
        q->z_live = true;
    }
    return 0;
}

static enum np_exit map_failed(struct qcow2_stage *q, int err)
{
    char need[32], have[32];
    if (err == -NP_EIO && rd.no_range)
        stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: the server does not answer Range requests (it sent the whole "
                   "file), and a qcow2 image's tables must be read first; serve it from one that does, or "
                   "convert it to raw");
    else if (err == -NP_EIO)
        return rd.status;   /* the HTTP client said why */
    else if (err == -NP_ENOMEM) {
        decoder_size(need, sizeof(need), (q->map.need_data > q->map.need_zero ? q->map.need_data : q->map.need_zero) *
                     QCOW2_MAP_ENTRY_BYTES);
        decoder_size(have, sizeof(have), q->map_bytes);
        stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: the map of the image's clusters needs %s (%llu runs), there is "
                   "room for %s; nothing written", need, (unsigned long long)q->map.need_data, have);
    } else {
        stage_fail(&q->st, NP_EXIT_FORMAT, "%s", q->map.why);
    }
    return NP_EXIT_FORMAT;
}

/* A compressed cluster's clen file bytes in buf, decoded whole into q->cluster: 0, or -1 with err set. */
static int decode_cluster(struct qcow2_stage *q, const struct qcow2_ext *e, const uint8_t *buf)
{
    const char *why = NULL;
    size_t used = 0, made = 0, off = 0;
    int r = 0;
    codec_reset(q);
    for (unsigned i = 0; i < DECODE_STEPS && r == 0 && off < e->clen; i++) {
        r = codec_step(q, buf + off, e->clen - off, &used, &made, &why);
        off += used;
        q->z_made = made;
    }
    if (r == 1 && made >= e->len && made <= q->h.cluster_size)
        return 0;
    return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: the compressed cluster for guest byte %llu at file byte %llu "
                      "is corrupt: %s", (unsigned long long)e->guest, (unsigned long long)e->host,
                      why ? why : "it does not decode to a whole cluster");
}

/*
 * The guest disk's first HEAD_BYTES, read now with Range requests (the clusters holding them
 * may come last in the file): the disk stage's sector-size check runs on them before anything
 * is written. 0, or -1 (err set, or rd.status when a read failed).
 */
static int head_check(struct qcow2_stage *q)
{
    static uint8_t head[HEAD_BYTES];
    size_t n = q->h.size < HEAD_BYTES ? (size_t)q->h.size : HEAD_BYTES;
    NP_STRFN(memset)(head, 0, sizeof(head));    /* zero and unallocated clusters read as zeros */
    for (size_t i = 0; i < q->map.ndata; i++) {
        const struct qcow2_ext *e = &q->map.data[i];
        if (e->guest >= n)
            continue;
        size_t m = e->len < n - e->guest ? e->len : n - (size_t)e->guest;
        if (!e->clen) {
            if (range_read(NULL, e->host, head + e->guest, m))
                return -1;
            continue;
        }
        uint8_t *buf = compress_alloc(e->clen);
        if (!buf)
            return stage_fail(&q->st, NP_EXIT_FORMAT, "qcow2: no memory for a compressed cluster");
        int err = range_read(NULL, e->host, buf, e->clen) ? -1 : decode_cluster(q, e, buf);
        compress_free(buf);
        if (err)
            return -1;
        NP_STRFN(memcpy)(head + e->guest, q->cluster, m);
    }
    return disk_stage_check_head(q->disk, head, n);
}

enum np_exit qcow2_stage_map(struct qcow2_stage *q, const char *url, const struct http_get_opts *o)
{
    uint8_t *scratch;
    if (++q->maps > MAPS_MAX)
        return stage_fail(&q->st, NP_EXIT_HTTP, "qcow2: the file changed %u times while being read", MAPS_MAX),
               NP_EXIT_HTTP;
    if (map_alloc(q, &scratch))
        return NP_EXIT_FORMAT;
    rd.url = url, rd.o = o, rd.no_range = false, rd.reads = 0, rd.bytes = 0;
    uint64_t t0 = clock_us();
    qcow2_map_init(&q->map, q->map_mem, q->map_bytes);
    int err = qcow2_map_build(&q->map, &q->h, q->total, range_read, NULL, scratch, scratch_bytes(q));
    compress_free(scratch);
    if (err)
        return map_failed(q, err);
    if (q->map.compressed && codec_ready(q))
        return NP_EXIT_FORMAT;
    uint64_t ms = (clock_us() - t0) / 1000;
    log_info("qcow2: %u table reads (%llu KiB) in %llu ms: %llu MiB of data in %zu runs (%llu compressed "
             "clusters), %llu MiB of zeros in %zu ranges\n", rd.reads, (unsigned long long)(rd.bytes >> 10),
             (unsigned long long)ms, (unsigned long long)(q->map.data_bytes >> 20), q->map.ndata,
             (unsigned long long)q->map.compressed, (unsigned long long)(q->map.zero_bytes >> 20), q->map.nzero);
    rd.status = NP_EXIT_OK;
    if (head_check(q))
        return rd.status != NP_EXIT_OK ? rd.status : q->st.err->status;    /* the HTTP client said why */
    q->want_map = false;
    q->mapped = true;
    return NP_EXIT_OK;
}

int qcow2_stage_raw_check(struct qcow2_stage *q, const struct digest *want)
{
    static struct checksum_hash h;
    struct digest got;
    char hex[DIGEST_HEX_MAX];
    uint64_t t0 = clock_us();
    checksum_hash_start(&h, DIGEST_SHA256);
    int err = disk_stage_read(q->disk, 0, q->h.size, checksum_hash_feed, &h);
    checksum_hash_finish(&h, &got);
    if (err)
        return -1;
    if (NP_STRFN(memcmp)(got.bytes, want->bytes, digest_len(got.alg))) {
        digest_hex(&got, hex);
        return stage_fail(&q->st, NP_EXIT_HASH, "raw_sha256 mismatch: got %s; the first MiB stays zeroed", hex);
    }
    log_info("install: %llu bytes, raw_sha256 matches (the guest image read back from disk %s in %llu ms)\n",
             (unsigned long long)q->h.size, q->disk->disk->name, (unsigned long long)((clock_us() - t0) / 1000));
    return 0;
}

/* A zero range as read back, compared with the disk stage's MiB of zeros. */
struct zero_check {
    const uint8_t *zero;
    bool not_zero;
};

static void zero_feed(void *ctx, const uint8_t *p, size_t len)
{
    struct zero_check *z = ctx;
    for (size_t i = 0, k; i < len && !z->not_zero; i += k) {
        k = len - i < DISK_STAGE_HOLD_BYTES ? len - i : DISK_STAGE_HOLD_BYTES;
        z->not_zero = NP_STRFN(memcmp)(p + i, z->zero, k) != 0;
    }
}

int qcow2_stage_readback(struct qcow2_stage *q)
{
    static struct checksum_hash h;
    struct digest got;
    const char *name = q->disk->disk->name;
    uint64_t t0 = clock_us();
    checksum_hash_start(&h, DIGEST_SHA256);
    for (size_t i = 0; i < q->map.ndata; i++) {
        const struct qcow2_ext *e = &q->map.data[i];
        run_head(&h, e);
        if (disk_stage_read(q->disk, e->guest, e->guest + e->len, checksum_hash_feed, &h))
            return checksum_hash_finish(&h, &got), -1;
    }
    checksum_hash_finish(&h, &got);
    if (NP_STRFN(memcmp)(got.bytes, q->runs_digest.bytes, digest_len(got.alg)))
        return stage_fail(&q->st, NP_EXIT_VERIFY, "read-back of disk %s does not match the image's data clusters "
                          "as written", name);
    for (size_t i = 0; i < q->map.nzero; i++) {
        const struct qcow2_zero *z = &q->map.zero[i];
        struct zero_check zc = { q->disk->zero, false };
        if (disk_stage_read(q->disk, z->guest, z->guest + z->len, zero_feed, &zc))
            return -1;
        if (zc.not_zero)
            return stage_fail(&q->st, NP_EXIT_VERIFY, "read-back of disk %s: guest bytes %llu to %llu should be "
                              "zeros and are not", name, (unsigned long long)z->guest,
                              (unsigned long long)(z->guest + z->len));
    }
    log_info("install: read back %llu bytes from %s in %llu ms: %zu data runs the same sha256, %zu zero ranges "
             "zeros\n", (unsigned long long)q->h.size, name, (unsigned long long)((clock_us() - t0) / 1000),
             q->map.ndata, q->map.nzero);
    return 0;
}
