/* lwIP's host hooks and memory account (see lwip_host.h). */
#include "tests/unit_net/lwip_host.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lwip/mem.h"
#include "lwip/priv/memp_priv.h"
#include "lwip/sys.h"

static uint32_t now_ms = 5000;
static uint32_t rand_state = 0x6C774950;    /* "lwIP" */

u32_t sys_now(void)
{
    return now_ms;
}

void lwip_host_advance_ms(uint32_t ms)
{
    now_ms += ms;
}

void lwip_port_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void lwip_port_assert(const char *msg, const char *file, int line)
{
    fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
    abort();
}

uint32_t lwip_port_rand(void)
{
    rand_state = rand_state * 1103515245u + 12345u;
    return rand_state;
}

static const char *const pool_names[MEMP_MAX] = {
#define LWIP_MEMPOOL(name, num, size, desc) desc,
#include "lwip/priv/memp_std.h"
};

unsigned lwip_host_pool_free(memp_t pool)
{
    unsigned n = 0;
    for (const struct memp *e = *memp_pools[pool]->tab; e && n <= memp_pools[pool]->num; e = e->next)
        n++;
    return n;
}

/* Binary search for the largest block: each probe is given back at once. */
static size_t heap_largest(void)
{
    size_t lo = 0, hi = MEM_SIZE + 1;   /* lo succeeds (or is 0), hi fails */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        void *p = mem_malloc((mem_size_t)mid);
        if (p) {
            mem_free(p);
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

void lwip_host_mem(struct lwip_host_mem *m)
{
    for (unsigned i = 0; i < MEMP_MAX; i++)
        m->pool_free[i] = lwip_host_pool_free((memp_t)i);
    m->heap_largest = heap_largest();
}

bool lwip_host_mem_same(const struct lwip_host_mem *a, const struct lwip_host_mem *b)
{
    bool same = true;
    for (unsigned i = 0; i < MEMP_MAX; i++) {
        if (a->pool_free[i] != b->pool_free[i]) {
            fprintf(stderr, "  lwIP pool %s: %u free before, %u after\n", pool_names[i],
                    a->pool_free[i], b->pool_free[i]);
            same = false;
        }
    }
    if (a->heap_largest != b->heap_largest) {
        fprintf(stderr, "  lwIP heap: largest block %zu before, %zu after\n", a->heap_largest,
                b->heap_largest);
        same = false;
    }
    return same;
}
