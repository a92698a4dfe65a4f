/*
 * Fuzz target: bootinfo_parse_mb2 on an exact-size, 8-aligned heap copy of the input; then the
 * same bytes as a small physical memory for the Multiboot1 and PVH parsers (info at 0).
 * Crashes, sanitizer reports and broken invariants (__builtin_trap) are findings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/bootinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct boot_info bi;

struct mem {
    const uint8_t *p;
    size_t size;
};

static const void *mem_map(void *ctx, uint64_t addr, size_t len)
{
    const struct mem *m = ctx;
    return addr <= m->size && len <= m->size - addr ? m->p + addr : NULL;
}

static void check_result(void)
{
    if (bi.nmem == 0 || bi.nmem > BOOTINFO_MAX_RANGES || !bi.mem_source)
        __builtin_trap();
    for (unsigned i = 0; i < bi.nmem; i++) {
        const struct mem_range *r = &bi.mem[i];
        if (r->len == 0 || r->type < MEM_USABLE || r->type > MEM_BAD)
            __builtin_trap();
        if (i && bi.mem[i - 1].base + bi.mem[i - 1].len > r->base)
            __builtin_trap();       /* sorted and non-overlapping */
    }
    if (strnlen(bi.cmdline, sizeof(bi.cmdline)) == sizeof(bi.cmdline) ||
        strnlen(bi.loader, sizeof(bi.loader)) == sizeof(bi.loader) ||
        bi.rsdp_len > sizeof(bi.rsdp) || bi.dhcp_ack_len > sizeof(bi.dhcp_ack))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* malloc's result is 16-aligned; exact size, so ASan sees a read one byte past. */
    uint8_t *p = malloc(size ? size : 1);
    if (!p)
        return 0;
    memcpy(p, data, size);
    if (bootinfo_parse_mb2(&bi, p, size) == 0)
        check_result();

    struct mem m = { p, size };
    if (bootinfo_parse_mb1(&bi, 0, mem_map, &m) == 0)
        check_result();
    if (bootinfo_parse_pvh(&bi, 0, mem_map, &m) == 0)
        check_result();
    free(p);
    return 0;
}
