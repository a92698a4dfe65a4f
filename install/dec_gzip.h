/*
 * The gzip decoder stage (RFC 1952, through zlib's inflate): members one after another, as
 * `cat a.gz b.gz` or pigz make them; each member's CRC-32 and length are checked by zlib.
 * Memory: zlib's state and a 32 KiB window.
 */
#ifndef INSTALL_DEC_GZIP_H
#define INSTALL_DEC_GZIP_H

#include "install/decoder.h"
#include "zlib.h"

struct gzip_stage {
    struct decoder dec;
    z_stream z;
    bool live;          /* inflateInit2 succeeded and inflateEnd is owed */
    bool member_end;    /* a member ended: more input starts the next one */
};

void gzip_stage_init(struct gzip_stage *g, struct stage *next, struct stage_error *err,
                     void (*release)(size_t len));

#endif
