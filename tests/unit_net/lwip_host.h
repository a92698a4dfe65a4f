/*
 * lwIP on the host for the tests: the hooks our arch/cc.h and NO_SYS expect from the port
 * (sys_now on a clock the test moves, diagnostics, asserts that abort with the place, a fixed
 * random sequence), and an account of lwIP's memory: the free elements of every memp pool and
 * the largest block the heap can still give, to show a scenario leaves nothing behind.
 */
#ifndef TESTS_UNIT_NET_LWIP_HOST_H
#define TESTS_UNIT_NET_LWIP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/memp.h"

/* sys_now() starts at 5000 ms and moves only here. */
void lwip_host_advance_ms(uint32_t ms);

struct lwip_host_mem {
    unsigned pool_free[MEMP_MAX];   /* free elements of each pool */
    size_t heap_largest;            /* the largest mem_malloc that succeeds */
};

void lwip_host_mem(struct lwip_host_mem *m);
/* True when nothing changed; else prints which pool (or the heap) differs. */
bool lwip_host_mem_same(const struct lwip_host_mem *before, const struct lwip_host_mem *after);
/* Free elements of one pool (walks its free list). */
unsigned lwip_host_pool_free(memp_t pool);

#endif
