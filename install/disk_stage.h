/*
 * The last stage: the disk. The first MiB of the image is held back in memory and the disk's
 * first MiB zeroed as soon as the image is known to be longer; the rest streams through the
 * sector ring (install/sring.h) in large writes, several in flight. At the end of the input the
 * ring drains and the disk is flushed; only disk_stage_commit, once every check passed, writes
 * the held first MiB. A failed or unverified install never leaves a disk that looks bootable.
 * Where the disk offers BLK_WRITE_ZEROES, all-zero runs of the image (install/zeroes.h) go out
 * as that instead of as zeros; a disk that then refuses one gets zeros written after all.
 */
#ifndef INSTALL_DISK_STAGE_H
#define INSTALL_DISK_STAGE_H

#include <stdbool.h>

#include "install/sring.h"
#include "install/stage.h"
#include "kernel/blkdev.h"

#define DISK_STAGE_HOLD_BYTES   (1u << 20)
#define DISK_STAGE_RING_BYTES   (8u << 20)

/* wipe=: what of the old disk is blanked before the image goes on (see disk_stage.c). */
enum disk_wipe { DISK_WIPE_ENDS, DISK_WIPE_NONE, DISK_WIPE_ALL };

struct disk_stage {
    struct stage st;
    struct blkdev *disk;
    struct sring ring;
    struct blk_req req[SRING_MAX_IO];
    uint8_t *hold, *zero;
    uint64_t pos;           /* where the next image byte goes (the stream's offset, or a seek's) */
    uint64_t end;           /* the image's end so far: the furthest byte taken or zeroed */
    uint64_t written;       /* image bytes taken from the input (summary written=) */
    uint64_t total;         /* the image's length, or STAGE_LEN_UNKNOWN */
    bool zeroed;            /* the disk's first MiB was blanked */
    int pending;            /* a ring write the device had no room for yet, or -1 */
    uint64_t ring_in;       /* bytes appended to the ring in this stream */
    uint64_t ring_credited; /* of those, how many the source was told are free */
    size_t tcp_window;      /* the most the source may send beyond what it was credited */
    void (*release)(size_t len);    /* input memory is free again: the source may send more */
    uint64_t last_done_us;
    uint64_t copy_tsc, disk_tsc;    /* TSC cycles copying into the ring, submitting and reaping */
    size_t zero_max;        /* longest BLK_WRITE_ZEROES run; 0 when the disk has none */
    uint32_t redo;          /* slots whose WRITE_ZEROES the disk refused: to write as data */
    uint64_t held_head;     /* a write was held back when the ring's head was here */
    uint64_t zeroed_bytes;  /* image bytes the disk zeroed itself, in this stream */
    unsigned zero_reqs;
    uint64_t zero_scan_us;  /* time spent looking for zero runs */
    enum disk_wipe wipe;    /* set after init; default DISK_WIPE_ENDS */
    bool gpt_keep;          /* gpt=keep: the image's GPT as it is, backup where the image put it */
    bool prepared;          /* the sector-size check and the wipe ran */
    bool committed;         /* the held first MiB is on the disk */
    bool head_checked;      /* the sector-size check ran on bytes read ahead (disk_stage_check_head) */
    uint8_t orig[8192];     /* the image's first two sectors before the GPT was moved (read-back) */
    size_t orig_len;
};

/*
 * Takes disk (already checked writable) and allocates the ring and the held MiB below 4 GiB.
 * window: bytes the source may have in flight beyond what it was credited (TCP's window).
 * Returns 0, or -1 with err set (not enough memory).
 */
int disk_stage_init(struct disk_stage *d, struct blkdev *disk, struct stage_error *err,
                    void (*release)(size_t len), size_t window);

/*
 * The next image bytes go to pos (a multiple of the block size; a qcow2 image's clusters come in
 * file order): the writes so far are handed out and complete first, then the ring carries the
 * image from pos on. Nothing between the old and the new place is written. 0 or -1 (err set).
 */
int disk_stage_seek(struct disk_stage *d, uint64_t pos);

/*
 * Image bytes [from, to) are zeros: within the held first MiB nothing to do (it starts zeroed),
 * past it WRITE_ZEROES where the disk has it (counted in zeroed_bytes), zero writes otherwise.
 * to may end inside a block (the image's end): the block is zeroed whole. 0 or -1 (err set).
 */
int disk_stage_zero(struct disk_stage *d, uint64_t from, uint64_t to);

/*
 * The image's first n bytes known ahead (a qcow2 image's guest bytes, read with its tables,
 * while its first MiB may reach the disk last): the sector-size check runs on them now, not on
 * the held MiB at the first write. 0, or -1 with err set (NP_EXIT_SECTOR); nothing is written.
 */
int disk_stage_check_head(struct disk_stage *d, const uint8_t *head, size_t n);

/* Submits ring writes and reaps completions; -1 when the disk failed (err says why). */
int disk_stage_pump(struct disk_stage *d);

/* After a failure upstream: lets the writes already handed out land (the first MiB stays zero). */
void disk_stage_settle(struct disk_stage *d);

/*
 * Everything checked out: when the image holds a GPT and the disk is larger, moves its backup
 * to the disk's last LBA (unless gpt_keep), then writes the held first MiB and flushes.
 * 0 or -1 (err says why).
 */
int disk_stage_commit(struct disk_stage *d);

/*
 * Image bytes [from, to) as they are now, in order, in chunks handed to feed: before
 * disk_stage_commit the first MiB from the held buffer, the rest (and everything after commit)
 * read from the disk, with the image's own first sectors in place of a moved GPT's. 0 or -1
 * (err set: the disk failed a read).
 */
int disk_stage_read(struct disk_stage *d, uint64_t from, uint64_t to,
                    void (*feed)(void *ctx, const uint8_t *p, size_t len), void *ctx);

/* Reads the whole image back, [0, end): disk_stage_read. 0 or -1 (err set). */
int disk_stage_readback(struct disk_stage *d, void (*feed)(void *ctx, const uint8_t *p, size_t len),
                        void *ctx);

#endif
