/* The kernel's one physical page allocator instance. */
#ifndef KERNEL_KMEM_H
#define KERNEL_KMEM_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/bootinfo.h"
#include "kernel/pmm.h"

int kmem_init(const struct boot_info *bi);
int kmem_alloc_pages(uint64_t npages, uint64_t align, uint64_t limit, uint64_t *out);
int kmem_free_pages(uint64_t base, uint64_t npages);
uint64_t kmem_free_bytes(void);
/*
 * Zeroed, identity-mapped, physically contiguous memory below 4 GiB for device rings and
 * buffers: whole pages, aligned to align (at least a page). NULL when none is left.
 */
void *kmem_dma_alloc(size_t size, size_t align);

#endif
