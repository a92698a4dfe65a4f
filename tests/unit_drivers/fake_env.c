/* The host's virtio_dma_alloc and virtio_now_us (see fake_env.h). */
#include "tests/unit_drivers/fake_env.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtqueue.h"

#define FAKE_DMA_MAX 4096

/* Kept in a global table: the memory stays reachable for LeakSanitizer until freed. */
static void *blocks[FAKE_DMA_MAX];
static unsigned nblocks;
static int fail_after = -1;
static uint64_t clock_us, clock_reads;

void *virtio_dma_alloc(size_t size, size_t align)
{
    if (fail_after == 0 || nblocks == FAKE_DMA_MAX)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    if (align < sizeof(void *))
        align = sizeof(void *);
    size_t rounded = (size + align - 1) / align * align;
    void *p = aligned_alloc(align, rounded ? rounded : align);
    if (!p)
        return NULL;
    memset(p, 0, rounded ? rounded : align);
    blocks[nblocks++] = p;
    return p;
}

void fake_dma_fail_after(int after)
{
    fail_after = after;
}

void fake_dma_free_all(void)
{
    for (unsigned i = 0; i < nblocks; i++)
        free(blocks[i]);
    nblocks = 0;
}

uint64_t virtio_now_us(void)
{
    clock_reads++;
    return clock_us += FAKE_CLOCK_STEP_US;
}

uint64_t fake_clock_reads(void)
{
    return clock_reads;
}
