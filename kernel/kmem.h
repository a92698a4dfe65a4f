/* The kernel's one physical page allocator instance. */
#ifndef KERNEL_KMEM_H
#define KERNEL_KMEM_H

#include <stdint.h>

#include "kernel/bootinfo.h"
#include "kernel/pmm.h"

int kmem_init(const struct boot_info *bi);
int kmem_alloc_pages(uint64_t npages, uint64_t align, uint64_t limit, uint64_t *out);
int kmem_free_pages(uint64_t base, uint64_t npages);
uint64_t kmem_free_bytes(void);

#endif
