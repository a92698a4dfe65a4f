/*
 * The decompressors' allocator in the kernel: each allocation is a run of whole pages with a
 * 16-byte header in front that remembers the run's length for compress_free. Decoders make a
 * handful of allocations (zlib two, zstd three, liblzma about ten, bzip2 two), so rounding to
 * pages costs a few dozen KiB at most. The libraries' own malloc/calloc/free fallbacks (used
 * only when no allocator is given, which never happens here) land on it too.
 */
#include "compress/alloc.h"

#include "kernel/kmem.h"
#include "kernel/string.h"

#define HEADER          16u
#define RESERVE_BYTES   (1ull << 20)    /* kept for the kernel: page tables, retries' buffers */

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void free(void *p);

void *compress_alloc(size_t size)
{
    uint64_t base;
    if (size > (1ull << 40))
        return NULL;
    uint64_t pages = (size + HEADER + PAGE_SIZE - 1) / PAGE_SIZE;
    if (kmem_alloc_pages(pages, PAGE_SIZE, UINT64_MAX, &base))
        return NULL;
    *(uint64_t *)(uintptr_t)base = pages;
    return (void *)(uintptr_t)(base + HEADER);
}

void compress_free(void *p)
{
    if (!p)
        return;
    uint64_t base = (uint64_t)(uintptr_t)p - HEADER;
    kmem_free_pages(base, *(uint64_t *)(uintptr_t)base);
}

uint64_t compress_avail(void)
{
    uint64_t avail = kmem_free_bytes();
    return avail > RESERVE_BYTES ? avail - RESERVE_BYTES : 0;
}

void *malloc(size_t size)
{
    return compress_alloc(size);
}

void *calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = compress_alloc(n * size);
    return p ? NP_STRFN(memset)(p, 0, n * size) : NULL;
}

void free(void *p)
{
    compress_free(p);
}
