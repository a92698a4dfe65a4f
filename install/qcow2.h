/*
 * qcow2 images (QEMU's docs/interop/qcow2.txt, versions 2 and 3): the header, and the map of
 * where each guest cluster's data sits in the file, built from the L1 and L2 tables. Pure and
 * host-tested; the reads go through a callback (Range requests in the kernel, memory in the
 * tests), the map lives in memory the caller gives.
 *
 * Taken: uncompressed clusters, zlib- and zstd-compressed ones, zero clusters, unallocated
 * clusters (read as zeros: there is no backing file). Refused, each with its own reason: a
 * backing file, encryption, an external data file, extended L2 entries, a corrupt image,
 * incompatible feature bits this code does not know, and tables that point outside the file.
 */
#ifndef INSTALL_QCOW2_H
#define INSTALL_QCOW2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QCOW2_HEADER_BYTES  112     /* what qcow2_header_parse looks at, at most (v3, 2.10) */
#define QCOW2_HEADER_MIN    72      /* a version 2 header */
#define QCOW2_WHY_MAX       200
#define QCOW2_CLUSTER_MAX   (2u << 20)  /* cluster_bits 21, QEMU's largest */

struct qcow2_header {
    uint32_t version;           /* 2 or 3 */
    uint32_t cluster_bits;      /* 9 to 21 */
    uint32_t cluster_size;
    uint64_t size;              /* the guest disk's size in bytes (virtual size) */
    uint32_t l1_size;           /* L1 entries */
    uint64_t l1_offset;
    uint64_t incompatible;      /* v3 incompatible_features (dirty is taken: refcounts are not read) */
    uint8_t compression;        /* QCOW2_COMPRESSION_* */
};

#define QCOW2_COMPRESSION_ZLIB  0
#define QCOW2_COMPRESSION_ZSTD  1

/*
 * The file's first n bytes (n >= QCOW2_HEADER_MIN; more only matters for v3), file_len its
 * length: 0 and *h, or -1 with why set to a line saying what is refused (header fields, 2.1).
 */
int qcow2_header_parse(const uint8_t *p, size_t n, uint64_t file_len, struct qcow2_header *h,
                       char *why, size_t why_size);

/* Where guest bytes come from: one run of data clusters, or one compressed cluster. */
struct qcow2_ext {
    uint64_t host;          /* file offset */
    uint64_t guest;         /* guest disk offset */
    uint32_t len;           /* guest bytes; uncompressed, the same number of file bytes */
    uint32_t clen;          /* compressed: file bytes it may take at most (0: not compressed) */
};

/* A guest range that reads as zeros: zero clusters and unallocated ones. */
struct qcow2_zero {
    uint64_t guest, len;
};

struct qcow2_map {
    struct qcow2_ext *data;     /* sorted by host offset once built */
    size_t ndata, data_cap;
    struct qcow2_zero *zero;    /* sorted by guest offset, adjacent ranges merged */
    size_t nzero, zero_cap;
    uint64_t need_data, need_zero;  /* entries the image needs: counted on past the caps */
    uint64_t data_bytes;        /* guest bytes with data */
    uint64_t zero_bytes;        /* guest bytes that read as zeros */
    uint64_t compressed;        /* compressed clusters */
    char why[QCOW2_WHY_MAX];
};

/* Bytes of map memory for one more data and one more zero entry. */
#define QCOW2_MAP_ENTRY_BYTES (sizeof(struct qcow2_ext) + sizeof(struct qcow2_zero))

/* The map in mem (bytes long, 8-byte aligned), empty. */
void qcow2_map_init(struct qcow2_map *m, void *mem, size_t bytes);

/* Reads len bytes at file offset off into buf: 0, or < 0 (the reader said why itself). */
typedef int (*qcow2_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

/*
 * Reads the L1 table and each L2 table (adjacent L2 tables in one read) through read, with
 * scratch (at least 2 * cluster_size + 8 bytes) as the buffer, and fills m (2.4, 2.5).
 * 0; -NP_EBADMSG with m->why (a table is invalid); -NP_ENOMEM when the entries do not fit
 * (m->need_* say how many it takes); -NP_EIO when read failed.
 */
int qcow2_map_build(struct qcow2_map *m, const struct qcow2_header *h, uint64_t file_len, qcow2_read_fn read,
                    void *ctx, uint8_t *scratch, size_t scratch_len);

/* Minimum scratch for qcow2_map_build. */
size_t qcow2_scratch_bytes(const struct qcow2_header *h);

#endif
