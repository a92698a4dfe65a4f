/*
 * The zstd decoder stage (RFC 8878, through libzstd's streaming decoder): frames one after
 * another and skippable frames, each frame's checksum checked when it has one. Memory: the
 * decoder context and the frame's window (its header declares it; up to 2 GiB is allowed,
 * and a window that does not fit in memory fails the install with the library's reason).
 */
#ifndef INSTALL_DEC_ZSTD_H
#define INSTALL_DEC_ZSTD_H

#include "install/decoder.h"

struct ZSTD_DCtx_s;

struct zstd_stage {
    struct decoder dec;
    struct ZSTD_DCtx_s *z;
    bool frame_end;     /* the last frame is complete and flushed */
};

void zstd_stage_init(struct zstd_stage *zs, struct stage *next, struct stage_error *err,
                     void (*release)(size_t len));

#endif
