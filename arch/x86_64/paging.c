/*
 * Identity mappings beyond what boot.asm set up (the first 4 GiB in 2 MiB pages): RAM above
 * 4 GiB and MMIO anywhere in the 64-bit space (ECAM and 64-bit BARs often sit high). Page-table
 * pages come from the page allocator below 4 GiB, where they are already mapped.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/kmem.h"
#include "kernel/string.h"

#define PTE_P       (1ull << 0)
#define PTE_W       (1ull << 1)
#define PTE_PWT     (1ull << 3)
#define PTE_PCD     (1ull << 4)
#define PTE_PS      (1ull << 7)
#define PTE_ADDR    0x000FFFFFFFFFF000ull
#define HUGE_2M     (1ull << 21)
#define MAX_PHYS    (1ull << 46)    /* stay well inside the canonical lower half */

extern uint64_t boot_pml4[512];
extern uint64_t boot_pd[4 * 512];   /* boot.asm's map of the low 4 GiB, 2 MiB a page */

static uint64_t *table_next(uint64_t *table, unsigned index)
{
    uint64_t e = table[index];
    if (e & PTE_P)
        return (uint64_t *)(uintptr_t)(e & PTE_ADDR);
    uint64_t page;
    if (kmem_alloc_pages(1, PAGE_SIZE, 4ull << 30, &page))
        return NULL;
    NP_STRFN(memset)((void *)(uintptr_t)page, 0, PAGE_SIZE);
    table[index] = page | PTE_P | PTE_W;
    return (uint64_t *)(uintptr_t)page;
}

/* Maps one 2 MiB page; an existing mapping is left as it is. */
static int map_2m(uint64_t pa, bool uncached)
{
    uint64_t *pdpt = table_next(boot_pml4, (pa >> 39) & 511);
    uint64_t *pd = pdpt ? table_next(pdpt, (pa >> 30) & 511) : NULL;
    if (!pd)
        return -1;
    uint64_t *e = &pd[(pa >> 21) & 511];
    if (*e & PTE_P)
        return 0;
    *e = pa | PTE_P | PTE_W | PTE_PS | (uncached ? PTE_PCD | PTE_PWT : 0);
    return 0;
}

int paging_map(uint64_t phys, uint64_t len, bool uncached)
{
    if (len == 0 || phys >= MAX_PHYS || len > MAX_PHYS - phys)
        return -1;
    uint64_t end = phys + len;
    bool changed = false;
    for (uint64_t pa = phys & ~(HUGE_2M - 1); pa < end; pa += HUGE_2M) {
        if (pa >= (4ull << 30)) {
            if (map_2m(pa, uncached))
                return -1;
            changed = true;
        } else if (uncached && !(boot_pd[pa >> 21] & PTE_PCD)) {
            /* The boot map is write-back; device registers must not be cached. */
            boot_pd[pa >> 21] |= PTE_PCD | PTE_PWT;
            invlpg(pa);
        }
    }
    if (!changed)
        return 0;
    /* New entries only: nothing stale to flush, but a reload makes that obvious to a reader. */
    write_cr3(read_cr3());
    return 0;
}

const void *phys_map(void *ctx, uint64_t addr, size_t len)
{
    (void)ctx;
    /* Address 0 is never a valid table or string; NULL is our "cannot map". */
    if (addr == 0 || paging_map(addr, len ? len : 1, false))
        return NULL;
    return (const void *)(uintptr_t)addr;
}
