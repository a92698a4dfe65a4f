/*
 * The xz decoder stage (the .xz file format 1.1.0, through liblzma's stream decoder):
 * streams one after another (and stream padding), LZMA2 with CRC32, CRC64 or SHA-256 checks.
 * Memory: what each block header declares (mostly the LZMA2 dictionary), checked by liblzma
 * against the free memory before the block is decoded: a stream that needs more is refused
 * with how much it needs and how much there is, before anything of it is written.
 */
#ifndef INSTALL_DEC_XZ_H
#define INSTALL_DEC_XZ_H

#include <stddef.h>
#include <stdint.h>

#include "install/decoder.h"
#include "lzma.h"

struct xz_stage {
    struct decoder dec;
    lzma_stream s;
    lzma_allocator alloc;
    bool live;      /* lzma_end is owed */
};

void xz_stage_init(struct xz_stage *x, struct stage *next, struct stage_error *err,
                   void (*release)(size_t len));

#endif
