/* kernel/memmap.c: memmap_normalize and memmap_total, by example and against a page model. */
#include <string.h>

#include "kernel/bootinfo.h"
#include "test.h"

#define K4 0x1000ull

static struct mem_range r[BOOTINFO_MAX_RANGES + 64];

static void set(unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
    r[i] = (struct mem_range){ base, len, type };
}

static void expect(unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
    CHECK_EQ_U64(r[i].base, base);
    CHECK_EQ_U64(r[i].len, len);
    CHECK_EQ_U64(r[i].type, type);
}

/* Unsorted input comes out sorted; gaps stay gaps. */
static void test_sort(void)
{
    set(0, 0x300000, 0x100000, MEM_USABLE);
    set(1, 0x0, 0x9F000, MEM_USABLE);
    set(2, 0x100000, 0x100000, MEM_ACPI);
    if (!CHECK_EQ_U64(memmap_normalize(r, 3, 3), 3))
        return;
    expect(0, 0x0, 0x9F000, MEM_USABLE);
    expect(1, 0x100000, 0x100000, MEM_ACPI);
    expect(2, 0x300000, 0x100000, MEM_USABLE);
}

/* Overlaps split ranges; the more restrictive type wins: usable < ACPI < reserved < NVS < bad. */
static void test_overlaps(void)
{
    set(0, 0, 0x10000, MEM_USABLE);
    set(1, 0x4000, 0x4000, MEM_RESERVED);
    if (CHECK_EQ_U64(memmap_normalize(r, 2, 8), 3)) {
        expect(0, 0, 0x4000, MEM_USABLE);
        expect(1, 0x4000, 0x4000, MEM_RESERVED);
        expect(2, 0x8000, 0x8000, MEM_USABLE);
    }

    /* The same, reserved listed first: order of input does not matter. */
    set(0, 0x4000, 0x4000, MEM_RESERVED);
    set(1, 0, 0x10000, MEM_USABLE);
    if (CHECK_EQ_U64(memmap_normalize(r, 2, 8), 3))
        expect(1, 0x4000, 0x4000, MEM_RESERVED);

    /* A chain of partial overlaps, one of each type over a usable base. */
    set(0, 0, 0x10 * K4, MEM_USABLE);
    set(1, 0x1 * K4, 0x4 * K4, MEM_ACPI);
    set(2, 0x3 * K4, 0x4 * K4, MEM_RESERVED);
    set(3, 0x6 * K4, 0x4 * K4, MEM_NVS);
    set(4, 0x9 * K4, 0x2 * K4, MEM_BAD);
    set(5, 0x2 * K4, 0x1 * K4, MEM_USABLE);     /* under ACPI: stays ACPI */
    if (CHECK_EQ_U64(memmap_normalize(r, 6, 8), 6)) {
        expect(0, 0, 0x1 * K4, MEM_USABLE);
        expect(1, 0x1 * K4, 0x2 * K4, MEM_ACPI);
        expect(2, 0x3 * K4, 0x3 * K4, MEM_RESERVED);
        expect(3, 0x6 * K4, 0x3 * K4, MEM_NVS);
        expect(4, 0x9 * K4, 0x2 * K4, MEM_BAD);
        expect(5, 0xB * K4, 0x5 * K4, MEM_USABLE);
    }
}

/* Adjacent and repeated ranges of one type merge; zero-length ranges vanish. */
static void test_merge_and_zero(void)
{
    set(0, 0x1000, 0x1000, MEM_USABLE);
    set(1, 0x0, 0x1000, MEM_USABLE);
    set(2, 0x2000, 0x2000, MEM_USABLE);
    set(3, 0x1000, 0x1000, MEM_USABLE);         /* a duplicate */
    set(4, 0x2800, 0, MEM_RESERVED);            /* zero length: must not split */
    set(5, 0x9000, 0, MEM_USABLE);              /* zero length: must not appear */
    if (CHECK_EQ_U64(memmap_normalize(r, 6, 8), 1))
        expect(0, 0, 0x4000, MEM_USABLE);

    set(0, 0x1000, 0, MEM_USABLE);
    CHECK_EQ_U64(memmap_normalize(r, 1, 8), 0);
    CHECK_EQ_U64(memmap_normalize(r, 0, 8), 0);
}

/* A range whose end wraps past 2^64 is clipped at the top of the address space. */
static void test_overflow_clip(void)
{
    set(0, UINT64_MAX - 0xFFF, 0x2000, MEM_RESERVED);
    set(1, 0x1000, UINT64_MAX, MEM_USABLE);
    if (CHECK_EQ_U64(memmap_normalize(r, 2, 8), 2)) {
        expect(0, 0x1000, UINT64_MAX - 0xFFF - 0x1000, MEM_USABLE);
        expect(1, UINT64_MAX - 0xFFF, 0xFFF, MEM_RESERVED);
        CHECK(r[1].base + r[1].len >= r[1].base);   /* no wrap in the output */
    }
}

/* Types outside 1..5 are treated as reserved, and merge with reserved neighbours. */
static void test_unknown_types(void)
{
    set(0, 0x0, 0x1000, 0);
    set(1, 0x1000, 0x1000, 6);
    set(2, 0x2000, 0x1000, MEM_RESERVED);
    set(3, 0x3000, 0x1000, 0xFFFFFFFF);
    set(4, 0x1800, 0x1000, MEM_USABLE);         /* under the unknown ones: reserved wins */
    if (CHECK_EQ_U64(memmap_normalize(r, 5, 8), 1))
        expect(0, 0, 0x4000, MEM_RESERVED);
}

/* The output may be longer than the input (holes split ranges), and never exceeds cap. */
static void test_cap(void)
{
    set(0, 0, 0x10000, MEM_USABLE);
    set(1, 0x2000, 0x1000, MEM_RESERVED);
    set(2, 0x8000, 0x1000, MEM_RESERVED);
    CHECK_EQ_U64(memmap_normalize(r, 3, 8), 5);

    for (unsigned i = 0; i < 6; i++)
        set(i, i * 0x10000, 0x1000, MEM_USABLE);
    CHECK_EQ_U64(memmap_normalize(r, 6, 3), 3);
    expect(2, 0x20000, 0x1000, MEM_USABLE);
    expect(3, 0x30000, 0x1000, MEM_USABLE);         /* input left as it was */

    /* More input than BOOTINFO_MAX_RANGES: the excess is ignored, not overflowed. */
    unsigned n = BOOTINFO_MAX_RANGES + 40;
    for (unsigned i = 0; i < n; i++)
        set(i, (uint64_t)i * 0x10000, 0x1000, MEM_USABLE);
    CHECK_EQ_U64(memmap_normalize(r, n, n), BOOTINFO_MAX_RANGES);
}

/* memmap_total sums one type's lengths. */
static void test_total(void)
{
    set(0, 0, 0x9F000, MEM_USABLE);
    set(1, 0x100000, 0x700000, MEM_USABLE);
    set(2, 0x800000, 0x1000, MEM_ACPI);
    CHECK_EQ_U64(memmap_total(r, 3, MEM_USABLE), 0x79F000);
    CHECK_EQ_U64(memmap_total(r, 3, MEM_ACPI), 0x1000);
    CHECK_EQ_U64(memmap_total(r, 3, MEM_NVS), 0);
    CHECK_EQ_U64(memmap_total(r, 0, MEM_USABLE), 0);
}

/* ---- Randomized: classify every page of a small address space and compare ---- */

#define PAGES 96
#define SPACE_BASE 0x100000000ull       /* above 4 GiB: 64-bit arithmetic throughout */

static int rank(uint32_t t)
{
    static const int ranks[] = { [MEM_USABLE] = 1, [MEM_ACPI] = 2, [MEM_RESERVED] = 3,
                                 [MEM_NVS] = 4, [MEM_BAD] = 5 };
    return ranks[t];
}

static uint32_t canonical(uint32_t t)
{
    return t >= MEM_USABLE && t <= MEM_BAD ? t : MEM_RESERVED;
}

static void test_random_against_pages(void)
{
    static struct mem_range in[16], want[PAGES];
    uint32_t page[PAGES];
    test_seed(1);
    for (int round = 0; round < 5000; round++) {
        unsigned n = 1 + (unsigned)test_rand_below(12);
        memset(page, 0, sizeof(page));
        for (unsigned i = 0; i < n; i++) {
            uint64_t first = test_rand_below(PAGES - 8), count = test_rand_below(9);
            if (first + count > PAGES)
                count = PAGES - first;
            uint32_t type = (uint32_t)test_rand_below(8);
            in[i] = (struct mem_range){ SPACE_BASE + first * K4, count * K4, type };
            for (uint64_t p = first; p < first + count; p++)
                if (!page[p] || rank(canonical(type)) > rank(page[p]))
                    page[p] = canonical(type);
        }
        /* Runs of equal type are the expected ranges. */
        unsigned nw = 0;
        for (unsigned p = 0; p < PAGES; p++) {
            if (!page[p])
                continue;
            if (nw && want[nw - 1].type == page[p] && want[nw - 1].base + want[nw - 1].len == SPACE_BASE + p * K4)
                want[nw - 1].len += K4;
            else
                want[nw++] = (struct mem_range){ SPACE_BASE + p * K4, K4, page[p] };
        }
        memcpy(r, in, n * sizeof(in[0]));
        unsigned got = memmap_normalize(r, n, BOOTINFO_MAX_RANGES);
        bool same = got == nw;
        for (unsigned i = 0; same && i < nw; i++)
            same = r[i].base == want[i].base && r[i].len == want[i].len && r[i].type == want[i].type;
        if (!CHECK(same)) {
            fprintf(stderr, "  round %d: %u ranges in, %u out, %u expected\n", round, n, got, nw);
            for (unsigned i = 0; i < n; i++)
                fprintf(stderr, "  in  %#llx +%#llx type %u\n", (unsigned long long)in[i].base,
                        (unsigned long long)in[i].len, in[i].type);
            return;
        }
    }
}

int main(void)
{
    TEST_RUN(test_sort);
    TEST_RUN(test_overlaps);
    TEST_RUN(test_merge_and_zero);
    TEST_RUN(test_overflow_clip);
    TEST_RUN(test_unknown_types);
    TEST_RUN(test_cap);
    TEST_RUN(test_total);
    TEST_RUN(test_random_against_pages);
    return test_finish();
}
