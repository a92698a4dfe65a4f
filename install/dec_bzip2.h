/*
 * The bzip2 decoder stage (through libbz2): streams one after another, as pbzip2 or
 * `cat a.bz2 b.bz2` make them; each block's and each stream's CRC checked by libbz2.
 * Memory: about 64 KiB plus 4 bytes per byte of the stream's block size (3.6 MB at -9).
 */
#ifndef INSTALL_DEC_BZIP2_H
#define INSTALL_DEC_BZIP2_H

#include "bzlib.h"
#include "install/decoder.h"

struct bzip2_stage {
    struct decoder dec;
    bz_stream b;
    bool live;          /* BZ2_bzDecompressEnd is owed */
    bool stream_end;    /* a stream ended: more input starts the next one */
};

void bzip2_stage_init(struct bzip2_stage *bz, struct stage *next, struct stage_error *err,
                      void (*release)(size_t len));

#endif
