/*
 * Out-of-bounds detection for the parsers, and a fake physical memory.
 *
 * The kernel's rd32/rd64 helpers read through np_memcpy, which is `rep movsb` in inline asm:
 * ASan does not instrument it, so an exact-size heap buffer would not catch their overreads.
 * guard_alloc() therefore places a buffer so that it ends exactly where an inaccessible page
 * begins: any read past its end, from C or from asm, faults.
 *
 * The fake physical memory is one such buffer standing for phys [0, size), with a
 * phys_map_fn that hands out a pointer only when all of [addr, addr+len) lies inside it.
 */
#ifndef TESTS_UNIT_FAKEPHYS_H
#define TESTS_UNIT_FAKEPHYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* size bytes that end at a PROT_NONE page; aligned like size is (size % 8 == 0: 8-aligned). */
static inline uint8_t *guard_alloc(size_t size)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t data = (size + pg - 1) / pg * pg;
    uint8_t *map = mmap(NULL, data + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        abort();
    if (mprotect(map + data, pg, PROT_NONE) != 0)
        abort();
    return map + data - size;
}

static inline void guard_free(uint8_t *p, size_t size)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t base = (uintptr_t)p & ~(uintptr_t)(pg - 1);
    munmap((void *)base, (uintptr_t)p + size - base + pg);
}

/* A guarded copy of len bytes. */
static inline uint8_t *guard_copy(const void *src, size_t len)
{
    uint8_t *p = guard_alloc(len);
    memcpy(p, src, len);
    return p;
}

struct fakephys {
    uint8_t *mem;
    size_t size;
    unsigned maps;          /* calls to fakephys_map */
    unsigned refused;       /* of which returned NULL */
};

static inline void fakephys_init(struct fakephys *f, size_t size)
{
    f->mem = guard_alloc(size);     /* fresh anonymous memory: zeroed */
    f->size = size;
    f->maps = f->refused = 0;
}

static inline void fakephys_free(struct fakephys *f)
{
    guard_free(f->mem, f->size);
    f->mem = NULL;
}

static inline const void *fakephys_map(void *ctx, uint64_t addr, size_t len)
{
    struct fakephys *f = ctx;
    f->maps++;
    if (addr > f->size || len > f->size - addr) {
        f->refused++;
        return NULL;
    }
    return f->mem + addr;
}

/* Little-endian stores into any byte buffer. */
static inline void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* The byte that makes p[0..len) sum to zero, stored at p[at]. */
static inline void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = (uint8_t)(0x100 - sum);
}

/*
 * An RSDP (ACPI 6.5 section 5.2.5.3) at p: revision 0 is the 20-byte ACPI 1.0 form, revision
 * 2 the 36-byte form with an XSDT address and an extended checksum. Returns its length.
 */
static inline size_t build_rsdp(uint8_t *p, uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
    size_t len = revision >= 2 ? 36 : 20;
    memset(p, 0, len);
    memcpy(p, "RSD PTR ", 8);
    memcpy(p + 9, "NPOEM1", 6);
    p[15] = revision;
    put32(p + 16, rsdt);
    if (revision >= 2) {
        put32(p + 20, 36);
        put64(p + 24, xsdt);
    }
    fix_checksum(p, 20, 8);
    if (revision >= 2)
        fix_checksum(p, 36, 32);
    return len;
}

#endif
