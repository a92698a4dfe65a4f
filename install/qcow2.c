#include "install/qcow2.h"

#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

#define QCOW2_MAGIC         0x514649fbu     /* "QFI\xfb" */
#define L1_RESERVED         0x7f000000000001feull   /* L1 entry bits 1-8, 56-62 (2.4) */
#define L2_RESERVED         0x3f000000000001feull   /* standard descriptor bits 1-8, 56-61 */
#define OFFSET_MASK         0x00fffffffffffe00ull   /* bits 9-55: a cluster's file offset */
#define L2_COMPRESSED       (1ull << 62)
#define L2_ZERO             1ull                    /* standard descriptor bit 0, v3 */
#define L1_MAX_ENTRIES      (4u << 20)              /* QEMU's 32 MiB L1 limit */
#define SIZE_MAX_BYTES      (1ull << 56)
#define RUN_MAX             (1u << 30)              /* one merged data run, at most */

/* v3 incompatible feature bits (2.1): dirty is harmless here, refcounts are never read. */
#define INC_DIRTY           (1ull << 0)
#define INC_CORRUPT         (1ull << 1)
#define INC_DATA_FILE       (1ull << 2)
#define INC_COMPRESSION     (1ull << 3)
#define INC_EXTENDED_L2     (1ull << 4)

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The guest bytes one L1 entry covers: an L2 table of cluster_size / 8 entries. */
static uint64_t l1_cover(const struct qcow2_header *h)
{
    return (uint64_t)(h->cluster_size / 8) << h->cluster_bits;
}

static uint64_t l1_needed(const struct qcow2_header *h)
{
    return (h->size + l1_cover(h) - 1) / l1_cover(h);
}

/* The v3 feature bits: each one this code cannot honour has its own reason. */
static const char *features_refused(uint64_t inc, uint8_t compression)
{
    if (inc & INC_CORRUPT)
        return "the image is marked corrupt (qemu-img check -r all repairs it)";
    if (inc & INC_DATA_FILE)
        return "the image keeps its data in an external data file; netplant installs only self-contained images";
    if (inc & INC_EXTENDED_L2)
        return "the image has extended L2 entries (subclusters); convert it without extended_l2=on";
    if ((inc & INC_COMPRESSION) && compression > QCOW2_COMPRESSION_ZSTD)
        return "the image names an unknown compression type";
    if (inc & ~(INC_DIRTY | INC_CORRUPT | INC_DATA_FILE | INC_COMPRESSION | INC_EXTENDED_L2))
        return "the image sets incompatible feature bits netplant does not know";
    return NULL;
}

int qcow2_header_parse(const uint8_t *p, size_t n, uint64_t file_len, struct qcow2_header *h,
                       char *why, size_t why_size)
{
    const char *bad = NULL;
    NP_STRFN(memset)(h, 0, sizeof(*h));
    if (n < QCOW2_HEADER_MIN || be32(p) != QCOW2_MAGIC) {
        np_snprintf(why, why_size, "qcow2: the file is too short for a qcow2 header");
        return -1;
    }
    h->version = be32(p + 4);
    h->cluster_bits = be32(p + 20);
    h->size = be64(p + 24);
    h->l1_size = be32(p + 36);
    h->l1_offset = be64(p + 40);
    if (h->version != 2 && h->version != 3) {
        np_snprintf(why, why_size, "qcow2: version %u; netplant reads versions 2 and 3", (unsigned)h->version);
        return -1;
    }
    if (h->version == 3) {
        uint32_t hlen = n >= 104 ? be32(p + 100) : 0;
        if (n < 104 || hlen < 104 || (hlen > 104 && n < 105)) {
            np_snprintf(why, why_size, "qcow2: the version 3 header is cut short");
            return -1;
        }
        h->incompatible = be64(p + 72);
        /* Without the feature bit the type is zlib whatever the byte says (2.1). */
        h->compression = (h->incompatible & INC_COMPRESSION) && hlen > 104 ? p[104] : QCOW2_COMPRESSION_ZLIB;
        bad = features_refused(h->incompatible, h->compression);
    }
    if (!bad && be64(p + 8))
        bad = "the image has a backing file (it holds only changes to another image); "
              "convert it to a standalone one with qemu-img convert";
    else if (!bad && be32(p + 32))
        bad = "the image is encrypted; netplant installs only unencrypted images";
    else if (!bad && (h->cluster_bits < 9 || h->cluster_bits > 21))
        bad = "the cluster size is outside 512 bytes to 2 MiB";
    else if (!bad && (!h->size || h->size > SIZE_MAX_BYTES))
        bad = h->size ? "the guest disk is implausibly large" : "the guest disk is empty (virtual size 0)";
    if (bad) {
        np_snprintf(why, why_size, "qcow2: %s", bad);
        return -1;
    }
    h->cluster_size = 1u << h->cluster_bits;
    uint64_t need = l1_needed(h);
    if (h->l1_size < need || h->l1_size > L1_MAX_ENTRIES || h->l1_offset % h->cluster_size ||
        h->l1_offset > file_len || need * 8 > file_len - h->l1_offset) {
        np_snprintf(why, why_size, "qcow2: the L1 table (%u entries at byte %llu) does not fit the image or the file",
                    (unsigned)h->l1_size, (unsigned long long)h->l1_offset);
        return -1;
    }
    return 0;
}

void qcow2_map_init(struct qcow2_map *m, void *mem, size_t bytes)
{
    NP_STRFN(memset)(m, 0, sizeof(*m));
    size_t n = bytes / QCOW2_MAP_ENTRY_BYTES;
    m->data = mem;
    m->data_cap = n;
    m->zero = (struct qcow2_zero *)(m->data + n);
    m->zero_cap = n;
}

/* Whether an uncompressed run (host, guest, len) continues l in the file and the guest, within RUN_MAX. */
static bool joins(const struct qcow2_ext *l, uint64_t host, uint64_t guest, uint32_t len, uint32_t clen)
{
    return l && !clen && !l->clen && l->host + l->len == host && l->guest + l->len == guest && l->len <= RUN_MAX - len;
}

/* Appends (or merges into the last entry, when it continues it in the file and the guest). */
static void add_data(struct qcow2_map *m, uint64_t host, uint64_t guest, uint32_t len, uint32_t clen)
{
    struct qcow2_ext *l = m->ndata ? &m->data[m->ndata - 1] : NULL;
    m->data_bytes += len;
    m->compressed += clen != 0;
    if (joins(l, host, guest, len, clen)) {
        l->len += len;
        return;
    }
    if (m->need_data++ < m->data_cap)
        m->data[m->ndata++] = (struct qcow2_ext){ host, guest, len, clen };
}

static void add_zero(struct qcow2_map *m, uint64_t guest, uint64_t len)
{
    struct qcow2_zero *l = m->nzero ? &m->zero[m->nzero - 1] : NULL;
    m->zero_bytes += len;
    if (l && l->guest + l->len == guest) {
        l->len += len;
        return;
    }
    if (m->need_zero++ < m->zero_cap)
        m->zero[m->nzero++] = (struct qcow2_zero){ guest, len };
}

static int map_bad(struct qcow2_map *m, const char *what, uint64_t guest, uint64_t off)
{
    np_snprintf(m->why, sizeof(m->why), "qcow2: %s (guest byte %llu, file byte %llu)", what,
                (unsigned long long)guest, (unsigned long long)off);
    return -NP_EBADMSG;
}

/* One L2 table: the guest clusters from guest on (2.5, standard and compressed descriptors). */
static int parse_l2(struct qcow2_map *m, const struct qcow2_header *h, uint64_t file_len, uint64_t guest,
                    const uint8_t *t)
{
    uint32_t cs = h->cluster_size, x = 62 - (h->cluster_bits - 8);
    for (uint32_t i = 0; i < cs / 8 && guest < h->size; i++, guest += cs) {
        uint64_t e = be64(t + 8 * i);
        uint32_t glen = h->size - guest < cs ? (uint32_t)(h->size - guest) : cs;
        if (e & L2_COMPRESSED) {
            uint64_t host = e & ((1ull << x) - 1);
            uint64_t nsec = (e >> x) & ((1ull << (h->cluster_bits - 8)) - 1);
            uint64_t clen = (nsec + 1) * 512 - (host & 511);
            if (host >= file_len)
                return map_bad(m, "a compressed cluster lies past the file's end (truncated?)", guest, host);
            /* The last sector count may run past the file's end: the data itself ends before. */
            add_data(m, host, guest, glen, (uint32_t)(clen < file_len - host ? clen : file_len - host));
            continue;
        }
        uint64_t off = e & OFFSET_MASK;
        if ((e & L2_RESERVED) || (h->version == 2 && (e & L2_ZERO)))
            return map_bad(m, "an L2 entry sets reserved bits", guest, e);
        if ((e & L2_ZERO) || !off) {
            add_zero(m, guest, glen);
            continue;
        }
        if (off % cs)
            return map_bad(m, "a data cluster is not cluster-aligned", guest, off);
        if (off > file_len || glen > file_len - off)
            return map_bad(m, "a data cluster lies past the file's end (truncated?)", guest, off);
        add_data(m, off, guest, glen, 0);
    }
    return 0;
}

/* In-place heapsort of n elements of size bytes by key: no allocation, O(n log n) at worst. */
static void swap_bytes(uint8_t *a, uint8_t *b, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        uint8_t t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

static void sift(uint8_t *base, size_t size, size_t root, size_t n, uint64_t (*key)(const void *))
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && key(base + (c + 1) * size) > key(base + c * size))
            c++;
        if (key(base + root * size) >= key(base + c * size))
            return;
        swap_bytes(base + root * size, base + c * size, size);
        root = c;
    }
}

static void heapsort(void *v, size_t n, size_t size, uint64_t (*key)(const void *))
{
    uint8_t *base = v;
    for (size_t i = n / 2; i-- > 0;)
        sift(base, size, i, n, key);
    for (size_t end = n; end-- > 1;) {
        swap_bytes(base, base + end * size, size);
        sift(base, size, 0, end, key);
    }
}

static uint64_t host_key(const void *e)
{
    return ((const struct qcow2_ext *)e)->host;
}

static uint64_t guest_key(const void *e)
{
    return ((const struct qcow2_zero *)e)->guest;
}

/* File order for the stream, guest order for the zeros; two clusters in one place are refused. */
static int map_finish(struct qcow2_map *m)
{
    heapsort(m->data, m->ndata, sizeof(m->data[0]), host_key);
    heapsort(m->zero, m->nzero, sizeof(m->zero[0]), guest_key);
    size_t k = 0;
    for (size_t i = 0; i < m->ndata; i++) {
        struct qcow2_ext *l = k ? &m->data[k - 1] : NULL, *e = &m->data[i];
        if (l && (l->clen ? e->host <= l->host : e->host < l->host + l->len))
            return map_bad(m, "two guest clusters share the same bytes of the file (internal snapshots?)",
                           e->guest, e->host);
        if (joins(l, e->host, e->guest, e->len, e->clen))
            l->len += e->len;
        else
            m->data[k++] = *e;
    }
    m->ndata = k;
    k = 0;
    for (size_t i = 0; i < m->nzero; i++) {
        if (k && m->zero[k - 1].guest + m->zero[k - 1].len == m->zero[i].guest)
            m->zero[k - 1].len += m->zero[i].len;
        else
            m->zero[k++] = m->zero[i];
    }
    m->nzero = k;
    return 0;
}

size_t qcow2_scratch_bytes(const struct qcow2_header *h)
{
    return 2 * (size_t)h->cluster_size + 8;
}

int qcow2_map_build(struct qcow2_map *m, const struct qcow2_header *h, uint64_t file_len, qcow2_read_fn read,
                    void *ctx, uint8_t *scratch, size_t scratch_len)
{
    uint32_t cs = h->cluster_size;
    uint64_t cover = l1_cover(h), need = l1_needed(h);
    if (scratch_len < qcow2_scratch_bytes(h))
        return -NP_EINVAL;
    /* Half (at least a cluster) for L2 tables, the rest for a piece of the L1 table. */
    size_t l2_bytes = scratch_len / 2 / cs * cs < cs ? cs : scratch_len / 2 / cs * cs;
    size_t per = (scratch_len - l2_bytes) / 8;
    uint8_t *l1 = scratch, *l2 = scratch + per * 8;
    for (uint64_t i0 = 0; i0 < need; i0 += per) {
        size_t k = need - i0 < per ? (size_t)(need - i0) : per;
        if (read(ctx, h->l1_offset + i0 * 8, l1, k * 8))
            return -NP_EIO;
        for (size_t j = 0; j < k;) {
            uint64_t e = be64(l1 + 8 * j), off = e & OFFSET_MASK, guest = (i0 + j) * cover;
            if (e & L1_RESERVED)
                return map_bad(m, "an L1 entry sets reserved bits", guest, e);
            if (!off) {     /* no L2 table: the whole range reads as zeros */
                add_zero(m, guest, h->size - guest < cover ? h->size - guest : cover);
                j++;
                continue;
            }
            if (off % cs || off > file_len || cs > file_len - off)
                return map_bad(m, "an L2 table lies outside the file (truncated?)", guest, off);
            /* The L2 tables that follow it in the file, for the next entries too: one read. */
            size_t t = 1;
            while (j + t < k && t < l2_bytes / cs && (be64(l1 + 8 * (j + t)) & ~(1ull << 63)) == off + t * cs &&
                   off + (t + 1) * cs <= file_len)
                t++;
            if (read(ctx, off, l2, t * cs))
                return -NP_EIO;
            for (size_t u = 0; u < t; u++)
                if (parse_l2(m, h, file_len, (i0 + j + u) * cover, l2 + u * cs))
                    return -NP_EBADMSG;
            j += t;
        }
    }
    if (m->need_data > m->data_cap || m->need_zero > m->zero_cap)
        return -NP_ENOMEM;
    return map_finish(m);
}
