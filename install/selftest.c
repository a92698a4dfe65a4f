/*
 * Self-tests on real (or emulated) hardware: fault, ud and panic exercise the failure paths;
 * hash checks every SHA-2 path this CPU can run against the FIPS 180-4 examples and times it.
 */
#include "install/selftest.h"

#include <stdint.h>

#include "arch/x86_64/arch.h"
#include "crypto/hash.h"
#include "crypto/hash_kat.h"
#include "kernel/console.h"
#include "kernel/string.h"

#define HASH_BENCH_BYTES (16u << 20)

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

/* MB/s of the current path for alg over HASH_BENCH_BYTES, in tenths. */
static uint64_t hash_rate10(enum hash_alg alg)
{
    static uint8_t buf[64 << 10];
    uint8_t d[HASH_MAX_DIGEST];
    struct hash_ctx c;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 131 + (i >> 8));
    uint64_t t0 = clock_us();
    hash_init(&c, alg);
    for (uint32_t n = 0; n < HASH_BENCH_BYTES; n += sizeof(buf))
        hash_update(&c, buf, sizeof(buf));
    hash_final(&c, d);
    uint64_t us = clock_us() - t0;
    return us ? (uint64_t)HASH_BENCH_BYTES * 10 / us : 0;
}

/* Every subset of the CPU's features selects a path: each runs the examples, then is timed. */
static enum np_exit selftest_hash(void)
{
    unsigned cpu = hash_cpu_features();
    int failures = 0;
    for (unsigned set = cpu;; set = (set - 1) & cpu) {
        hash_select(set);
        for (int a = HASH_SHA256; a <= HASH_SHA512; a++) {
            enum hash_alg alg = (enum hash_alg)a;
            const char *failed;
            size_t piece;
            if (hash_kat_run(alg, &failed, &piece)) {
                log_err("selftest: hash %s %s: wrong digest of example %s (%zu-byte pieces)\n",
                        hash_alg_key(alg), hash_impl_name(alg), failed, piece);
                failures++;
                continue;
            }
            uint64_t r = hash_rate10(alg);
            log_info("selftest: hash %s %s: known answers ok, %llu.%llu MB/s\n", hash_alg_key(alg),
                     hash_impl_name(alg), (unsigned long long)(r / 10), (unsigned long long)(r % 10));
        }
        if (!set)
            break;
    }
    hash_select(cpu);
    return failures ? NP_EXIT_SELFTEST : NP_EXIT_OK;
}

enum np_exit selftest_run(const char *name)
{
    if (NP_STRFN(strcmp)(name, "hash") == 0)
        return selftest_hash();
    if (NP_STRFN(strcmp)(name, "fault") == 0)
        selftest_fault();
    else if (NP_STRFN(strcmp)(name, "ud") == 0)
        selftest_ud();
    else if (NP_STRFN(strcmp)(name, "panic") == 0)
        panic("selftest: deliberate panic");
    else {
        log_err("error: selftest=%s: want fault, ud, panic or hash\n", name);
        return NP_EXIT_USAGE;
    }
    log_err("error: selftest=%s returned\n", name);
    return NP_EXIT_SELFTEST;
}
