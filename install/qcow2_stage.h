/*
 * The qcow2 stage: a qcow2 file in, its guest disk out to the disk stage. The checksum users
 * have covers the file as served, so the file still streams once, in file order, through the
 * checksum; only the map of its clusters (install/qcow2.h) is read ahead, with Range requests.
 *
 * A pass without the map (the first): the stage takes the header from the stream's first
 * bytes, refuses what it cannot install, then stops the download (qcow2_stage_wants_map);
 * the job reads the tables (qcow2_stage_map) and runs the download again from byte 0. With
 * the map, each data cluster goes to the disk at its guest offset (disk_stage_seek: runs stay
 * long, qemu-img writes clusters nearly in guest order), compressed ones inflated one at a
 * time; metadata and refcount clusters pass by. At the end the zero and unallocated ranges
 * go to the disk as zero ranges, the virtual size is the image's end.
 *
 * Resume: begin at the byte where the input stopped goes on. A restart from byte 0 after a
 * pass began reads the map again (the file may have changed).
 */
#ifndef INSTALL_QCOW2_STAGE_H
#define INSTALL_QCOW2_STAGE_H

#include <stdbool.h>

#include "install/checksum.h"
#include "install/digest.h"
#include "install/disk_stage.h"
#include "install/qcow2.h"
#include "install/stage.h"
#include "net/http/http_get.h"
#include "zlib.h"

struct ZSTD_DCtx_s;

struct qcow2_stage {
    struct stage st;
    struct disk_stage *disk;
    bool verify;                /* verify=readback: the runs are hashed as they are written */
    struct checksum_hash runs;  /* of each data run in map order: its guest offset, length, bytes */
    struct digest runs_digest;  /* valid after the stream ended */
    void (*release)(size_t len);
    struct qcow2_header h;
    uint8_t head[QCOW2_HEADER_BYTES];
    size_t nhead;
    uint64_t total;             /* the file's length */
    bool want_map, mapped, streaming;
    unsigned maps;              /* times the map was read in this install */
    struct qcow2_map map;
    void *map_mem;
    size_t map_bytes;
    size_t next;                /* the next map entry, in file order */
    uint64_t in_pos;            /* file bytes taken */
    bool in_ext;                /* some of the next entry's bytes went to the disk, not all yet */
    z_stream z;
    bool z_live, z_active;      /* inflate set up; a compressed cluster is being inflated */
    uint64_t z_in;              /* its compressed bytes taken so far */
    size_t z_made;              /* its bytes decoded so far */
    struct ZSTD_DCtx_s *zs;     /* compression_type=zstd */
    uint8_t *cluster;           /* one cluster and a byte: a stream that makes more is refused */
    size_t cluster_bytes;
};

/* verify: hash the data runs as they are written, for qcow2_stage_readback. */
void qcow2_stage_init(struct qcow2_stage *q, struct disk_stage *disk, bool verify, struct stage_error *err,
                      void (*release)(size_t len));

/*
 * raw_sha256= for a qcow2 image: after the stream ended (every run and zero range written and
 * flushed), before disk_stage_commit, the guest image [0, virtual size) read back in order (the
 * first MiB from the held buffer, the rest from the disk) and hashed with SHA-256.
 * 0, or -1 with err set (NP_EXIT_HASH: a mismatch; NP_EXIT_DISK: a read failed).
 */
int qcow2_stage_raw_check(struct qcow2_stage *q, const struct digest *want);

/*
 * verify=readback for a qcow2 image, after disk_stage_commit: each data run read back in map
 * order and hashed as it was hashed when written; each zero range must read back as zeros.
 * 0, or -1 with err set (NP_EXIT_VERIFY: the disk does not hold what was written).
 */
int qcow2_stage_readback(struct qcow2_stage *q);

/* The stage stopped the download to have its map read (the only reason it stops without an error). */
bool qcow2_stage_wants_map(const struct qcow2_stage *q);

/*
 * Reads the L1 and L2 tables of url with Range requests (o: its headers and timeout) into the
 * map, in memory bounded by what the decoders may take. NP_EXIT_OK, or the status after the
 * stage's error (err) says why, or after the HTTP client printed why.
 */
enum np_exit qcow2_stage_map(struct qcow2_stage *q, const char *url, const struct http_get_opts *o);

#endif
