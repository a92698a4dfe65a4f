/* Memory-map normalization: firmware maps overlap, come unsorted and repeat themselves. */
#include "kernel/bootinfo.h"

/* Higher wins where ranges overlap: never hand out memory that anyone calls reserved. */
static int type_rank(uint32_t type)
{
    switch (type) {
    case MEM_USABLE: return 0;
    case MEM_ACPI: return 1;
    case MEM_NVS: return 3;
    case MEM_BAD: return 4;
    default: return 2;
    }
}

static void sort_u64(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static uint64_t range_end(const struct mem_range *r)
{
    /* Clip at the top of the address space instead of wrapping. */
    return r->base + r->len < r->base ? UINT64_MAX : r->base + r->len;
}

/* The type covering [a, b), or 0 when no input range covers it. */
static uint32_t type_at(const struct mem_range *r, unsigned n, uint64_t a)
{
    uint32_t t = 0;
    for (unsigned i = 0; i < n; i++) {
        if (r[i].len == 0 || a < r[i].base || a >= range_end(&r[i]))
            continue;
        uint32_t ti = r[i].type < MEM_USABLE || r[i].type > MEM_BAD ? MEM_RESERVED : r[i].type;
        if (!t || type_rank(ti) > type_rank(t))
            t = ti;
    }
    return t;
}

unsigned memmap_normalize(struct mem_range *r, unsigned n, unsigned cap)
{
    static uint64_t edges[2 * BOOTINFO_MAX_RANGES];
    static struct mem_range in[BOOTINFO_MAX_RANGES];
    unsigned ne = 0, out = 0;

    if (n > BOOTINFO_MAX_RANGES)
        n = BOOTINFO_MAX_RANGES;
    for (unsigned i = 0; i < n; i++) {
        in[i] = r[i];
        if (r[i].len) {
            edges[ne++] = r[i].base;
            edges[ne++] = range_end(&r[i]);
        }
    }
    sort_u64(edges, ne);
    for (unsigned e = 0; e + 1 < ne; e++) {
        uint64_t a = edges[e], b = edges[e + 1];
        uint32_t t = a == b ? 0 : type_at(in, n, a);
        if (!t)
            continue;
        if (out && r[out - 1].type == t && range_end(&r[out - 1]) == a) {
            r[out - 1].len += b - a;
        } else if (out < cap) {
            r[out].base = a;
            r[out].len = b - a;
            r[out].type = t;
            out++;
        }
    }
    return out;
}

uint64_t memmap_total(const struct mem_range *r, unsigned n, uint32_t type)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++)
        if (r[i].type == type)
            sum += r[i].len;
    return sum;
}
