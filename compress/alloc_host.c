/*
 * The decompressors' allocator for the host tests and fuzz targets: malloc under a limit on
 * the bytes held at once (compress_alloc_limit), so a test can make a stream's declared
 * needs exceed the memory there is, as a small machine would.
 */
#include <stdlib.h>

#include "compress/alloc.h"

#define HEADER 16u

uint64_t compress_alloc_limit = 256ull << 20;
static uint64_t in_use;

void *compress_alloc(size_t size)
{
    if (size > compress_alloc_limit - in_use)
        return NULL;
    uint8_t *p = malloc(size + HEADER);
    if (!p)
        return NULL;
    *(uint64_t *)p = size;
    in_use += size;
    return p + HEADER;
}

void compress_free(void *p)
{
    if (!p)
        return;
    uint8_t *base = (uint8_t *)p - HEADER;
    in_use -= *(uint64_t *)base;
    free(base);
}

uint64_t compress_avail(void)
{
    return compress_alloc_limit - in_use;
}
