/* Self-tests that exercise the failure paths on real (or emulated) hardware. */
#include "kernel/selftest.h"

#include <stdint.h>

#include "kernel/console.h"
#include "kernel/string.h"

/* 1 TiB: canonical, and never mapped (boot maps 4 GiB; RAM this high is not in our tests). */
#define UNMAPPED_ADDR 0x10000000000ull

static __attribute__((noinline)) void selftest_fault(void)
{
    log_info("selftest: reading unmapped address %#llx\n", UNMAPPED_ADDR);
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)UNMAPPED_ADDR;
    (void)*p;
}

static __attribute__((noinline)) void selftest_ud(void)
{
    log_info("selftest: executing ud2\n");
    __asm__ volatile("ud2");
}

enum np_exit selftest_run(const char *name)
{
    if (NP_STRFN(strcmp)(name, "fault") == 0)
        selftest_fault();
    else if (NP_STRFN(strcmp)(name, "ud") == 0)
        selftest_ud();
    else if (NP_STRFN(strcmp)(name, "panic") == 0)
        panic("selftest: deliberate panic");
    else {
        log_err("error: selftest=%s: want fault, ud or panic\n", name);
        return NP_EXIT_USAGE;
    }
    log_err("error: selftest=%s returned\n", name);
    return NP_EXIT_SELFTEST;
}
