/*
 * zlib's zalloc/zfree over compress_alloc (compress/alloc.h), for every zlib user (the gzip
 * decoder, qcow2's compressed clusters): one place that says how zlib gets memory.
 */
#ifndef COMPRESS_ZLIB_ALLOC_H
#define COMPRESS_ZLIB_ALLOC_H

#include "compress/alloc.h"
#include "zlib.h"

/* items * size bytes (zlib never asks for more than 64 KiB * a few); Z_NULL when there is none. */
static inline voidpf compress_zalloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return compress_alloc((size_t)items * size);
}

static inline void compress_zfree(voidpf opaque, voidpf p)
{
    (void)opaque;
    compress_free(p);
}

#endif
