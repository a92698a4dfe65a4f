/*
 * The detect stage, first after the checksum: it holds the first few input bytes until their
 * magic number says the format (install/format.h; format= decides without looking), then
 * sends the input on to that format's decoder stage, or for a raw image straight to the disk.
 * A restart (begin at 0) decides afresh; a resume goes on to the same stage.
 */
#ifndef INSTALL_DETECT_H
#define INSTALL_DETECT_H

#include "install/format.h"
#include "install/stage.h"

struct detect_stage {
    struct stage st;
    enum format want;               /* format= : one format, or FORMAT_AUTO */
    enum format got;                /* FORMAT_UNSURE until decided */
    struct stage *to[FORMAT_COUNT]; /* where each format goes: to[FORMAT_RAW] is the disk */
    uint8_t head[FORMAT_MAGIC_MAX];
    size_t nhead;                   /* bytes held in head, not yet passed on */
    uint64_t pos;                   /* input bytes taken */
    uint64_t total;                 /* the input's length, or STAGE_LEN_UNKNOWN */
};

/* to: the stage for each format (to[FORMAT_RAW] required; NULL: that format is refused). */
void detect_stage_init(struct detect_stage *d, struct stage *const to[FORMAT_COUNT], struct stage_error *err,
                       enum format want);

#endif
