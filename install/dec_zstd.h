/*
 * The zstd decoder stage (RFC 8878, through libzstd's streaming decoder): frames one after
 * another and skippable frames, each frame's checksum checked when it has one. Memory: the
 * decoder context and the frame's window. Each frame's header is read before the library
 * sees it: a window that does not fit in the memory there is (up to 2 GiB is allowed) is
 * refused with what it needs and what there is, and a declared content size goes down the
 * pipeline (stage_declare), so an image larger than the disk is refused before it is written.
 */
#ifndef INSTALL_DEC_ZSTD_H
#define INSTALL_DEC_ZSTD_H

#include "install/decoder.h"

struct ZSTD_DCtx_s;

#define ZSTD_STAGE_HEADER_MAX  18     /* ZSTD_FRAMEHEADERSIZE_MAX */

struct zstd_stage {
    struct decoder dec;
    struct ZSTD_DCtx_s *z;
    bool frame_end;     /* the last frame is complete and flushed */
    bool in_header;     /* the next input bytes are a frame header, collected in hdr first */
    uint8_t hdr[ZSTD_STAGE_HEADER_MAX];
    size_t hlen;
};

void zstd_stage_init(struct zstd_stage *zs, struct stage *next, struct stage_error *err,
                     void (*release)(size_t len));

#endif
