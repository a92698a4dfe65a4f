/*
 * Physical page allocator: a sorted list of free extents. Contiguous runs of any size and
 * alignment (virtqueues and DMA rings need them), first fit from the lowest address, so page
 * tables and small rings land below 4 GiB.
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE 4096u
#define PMM_MAX_EXTENTS 256

struct pmm_extent {
    uint64_t base, end;     /* [base, end), page-aligned */
};

struct pmm {
    struct pmm_extent ext[PMM_MAX_EXTENTS];
    unsigned n;
    uint64_t free_bytes;
};

void pmm_init(struct pmm *p);
/* Adds [base, base+len) shrunk inward to whole pages. -NP_ENOSPC when out of extent slots. */
int pmm_add(struct pmm *p, uint64_t base, uint64_t len);
/* Removes [base, base+len) grown outward to whole pages from the free set. */
int pmm_reserve(struct pmm *p, uint64_t base, uint64_t len);
/* Allocates npages contiguous pages aligned to align (a power of two >= PAGE_SIZE) below limit. */
int pmm_alloc(struct pmm *p, uint64_t npages, uint64_t align, uint64_t limit, uint64_t *out);
/* Returns pages; -NP_EINVAL if any of them is already free (a double free). */
int pmm_free(struct pmm *p, uint64_t base, uint64_t npages);

#endif
