#include "kernel/kmem.h"

#include "arch/x86_64/arch.h"
#include "kernel/string.h"

static struct pmm kernel_pmm;

int kmem_init(const struct boot_info *bi)
{
    pmm_init(&kernel_pmm);
    for (unsigned i = 0; i < bi->nmem; i++) {
        if (bi->mem[i].type != MEM_USABLE)
            continue;
        int err = pmm_add(&kernel_pmm, bi->mem[i].base, bi->mem[i].len);
        if (err)
            return err;
    }
    /*
     * Keep out: the low 1 MiB (real-mode IVT, BDA, EBDA, option ROMs, and where loaders put
     * their boot data) and the kernel image itself. The boot data above 1 MiB was copied
     * into boot_info before this runs; modules are not copied and are kept out too.
     */
    int err = pmm_reserve(&kernel_pmm, 0, 1 << 20);
    if (!err)
        err = pmm_reserve(&kernel_pmm, (uint64_t)(uintptr_t)_kernel_start,
                          (uint64_t)(uintptr_t)(_end - _kernel_start));
    /* Modules stay where the loader put them: they are read later (ca=). */
    for (unsigned i = 0; !err && i < bi->nmodules; i++)
        err = pmm_reserve(&kernel_pmm, bi->modules[i].start, bi->modules[i].len);
    return err;
}

int kmem_alloc_pages(uint64_t npages, uint64_t align, uint64_t limit, uint64_t *out)
{
    return pmm_alloc(&kernel_pmm, npages, align, limit, out);
}

int kmem_free_pages(uint64_t base, uint64_t npages)
{
    return pmm_free(&kernel_pmm, base, npages);
}

uint64_t kmem_free_bytes(void)
{
    return kernel_pmm.free_bytes;
}

void *kmem_dma_alloc(size_t size, size_t align)
{
    uint64_t pa, pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    /* Below 4 GiB: some devices (legacy virtio, 32-bit AHCI) take only 32-bit addresses. */
    if (!pages || kmem_alloc_pages(pages, align > PAGE_SIZE ? align : PAGE_SIZE, 4ull << 30, &pa))
        return NULL;
    NP_STRFN(memset)((void *)(uintptr_t)pa, 0, pages * PAGE_SIZE);
    return (void *)(uintptr_t)pa;
}
