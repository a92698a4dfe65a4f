/*
 * Memory for the decompressors (zlib's zalloc, ZSTD_customMem, lzma_allocator, bzalloc):
 * whole pages from the kernel's page allocator, each allocation its own contiguous run, so
 * what a decoder holds is what its stream declared it needs (a window, a dictionary, a
 * block) and never depends on the image's size. The host build uses malloc with a limit the
 * tests set.
 */
#ifndef COMPRESS_ALLOC_H
#define COMPRESS_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* size bytes, 16-byte aligned; NULL when there is not that much free memory in one piece. */
void *compress_alloc(size_t size);
/* Gives back what compress_alloc returned; NULL is ignored. */
void compress_free(void *p);
/* compress_alloc and compress_free in the shape ZSTD_customMem takes (opaque unused). */
static inline void *compress_alloc_cb(void *opaque, size_t size)
{
    (void)opaque;
    return compress_alloc(size);
}

static inline void compress_free_cb(void *opaque, void *p)
{
    (void)opaque;
    compress_free(p);
}

/* Bytes a decoder may still ask for, in all, leaving the rest of the kernel its reserve. */
uint64_t compress_avail(void);

#ifndef NETPLANT_KERNEL
/* Host only: how many bytes compress_alloc may hand out at once (tests lower it). */
extern uint64_t compress_alloc_limit;
#endif

#endif
