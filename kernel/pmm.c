#include "kernel/pmm.h"

#include "kernel/errno.h"
#include "kernel/string.h"

void pmm_init(struct pmm *p)
{
    p->n = 0;
    p->free_bytes = 0;
}

static void ext_remove(struct pmm *p, unsigned i)
{
    NP_STRFN(memmove)(&p->ext[i], &p->ext[i + 1], (p->n - i - 1) * sizeof(p->ext[0]));
    p->n--;
}

static int ext_insert(struct pmm *p, unsigned i, uint64_t base, uint64_t end)
{
    if (p->n == PMM_MAX_EXTENTS)
        return -NP_ENOSPC;
    NP_STRFN(memmove)(&p->ext[i + 1], &p->ext[i], (p->n - i) * sizeof(p->ext[0]));
    p->ext[i] = (struct pmm_extent){ base, end };
    p->n++;
    return 0;
}

/* Inserts a free run that overlaps nothing already free, merging with its neighbours. */
static int ext_add(struct pmm *p, uint64_t base, uint64_t end)
{
    unsigned i = 0;
    while (i < p->n && p->ext[i].base < base)
        i++;
    if ((i > 0 && p->ext[i - 1].end > base) || (i < p->n && p->ext[i].base < end))
        return -NP_EINVAL;
    bool join_prev = i > 0 && p->ext[i - 1].end == base;
    bool join_next = i < p->n && p->ext[i].base == end;
    if (join_prev && join_next) {
        p->ext[i - 1].end = p->ext[i].end;
        ext_remove(p, i);
    } else if (join_prev) {
        p->ext[i - 1].end = end;
    } else if (join_next) {
        p->ext[i].base = base;
    } else {
        int err = ext_insert(p, i, base, end);
        if (err)
            return err;
    }
    p->free_bytes += end - base;
    return 0;
}

int pmm_add(struct pmm *p, uint64_t base, uint64_t len)
{
    uint64_t end = base + len < base ? UINT64_MAX : base + len;
    if (base > UINT64_MAX - (PAGE_SIZE - 1))
        return 0;       /* starts inside the last page: holds no whole page */
    base = (base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    end &= ~(uint64_t)(PAGE_SIZE - 1);
    if (end <= base)
        return 0;
    return ext_add(p, base, end);
}

/* Takes [base, end) out of extent i, which contains it. */
static int ext_carve(struct pmm *p, unsigned i, uint64_t base, uint64_t end)
{
    struct pmm_extent e = p->ext[i];
    p->free_bytes -= end - base;
    if (e.base == base && e.end == end) {
        ext_remove(p, i);
    } else if (e.base == base) {
        p->ext[i].base = end;
    } else if (e.end == end) {
        p->ext[i].end = base;
    } else {
        p->ext[i].end = base;
        int err = ext_insert(p, i + 1, end, e.end);
        if (err) {
            p->ext[i].end = e.end;
            p->free_bytes += end - base;
            return err;
        }
    }
    return 0;
}

int pmm_reserve(struct pmm *p, uint64_t base, uint64_t len)
{
    uint64_t end = base + len < base ? UINT64_MAX : base + len;
    base &= ~(uint64_t)(PAGE_SIZE - 1);
    end = end > UINT64_MAX - PAGE_SIZE ? UINT64_MAX & ~(uint64_t)(PAGE_SIZE - 1)
                                       : (end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    for (unsigned i = 0; i < p->n;) {
        uint64_t a = p->ext[i].base > base ? p->ext[i].base : base;
        uint64_t b = p->ext[i].end < end ? p->ext[i].end : end;
        if (a >= b) {
            i++;
            continue;
        }
        unsigned before = p->n;
        int err = ext_carve(p, i, a, b);
        if (err)
            return err;
        if (p->n >= before)
            i++;
    }
    return 0;
}

int pmm_alloc(struct pmm *p, uint64_t npages, uint64_t align, uint64_t limit, uint64_t *out)
{
    if (npages == 0 || npages > (UINT64_MAX >> 12) || align < PAGE_SIZE || (align & (align - 1)))
        return -NP_EINVAL;
    uint64_t size = npages * PAGE_SIZE;
    for (unsigned i = 0; i < p->n; i++) {
        uint64_t base = (p->ext[i].base + align - 1) & ~(align - 1);
        if (base < p->ext[i].base || base >= p->ext[i].end || p->ext[i].end - base < size)
            continue;
        if (base + size > limit)
            break;      /* extents are sorted: every later one is higher still */
        int err = ext_carve(p, i, base, base + size);
        if (err)
            return err;
        *out = base;
        return 0;
    }
    return -NP_ENOMEM;
}

int pmm_free(struct pmm *p, uint64_t base, uint64_t npages)
{
    if ((base & (PAGE_SIZE - 1)) || npages == 0 || npages > (UINT64_MAX - base) / PAGE_SIZE)
        return -NP_EINVAL;
    return ext_add(p, base, base + npages * PAGE_SIZE);
}
