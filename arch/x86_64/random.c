#include "kernel/random.h"

#include "arch/x86_64/cpu.h"

/*
 * Seeds ports, DHCP transaction ids and made-up MACs, not keys: RDRAND when the CPU has it,
 * else the TSC stirred through a xorshift so that successive calls differ.
 */
uint32_t np_rand32(void)
{
    static uint64_t state;
    uint32_t r[4];
    cpuid(1, 0, r);
    if (r[2] & (1u << 30)) {
        for (int i = 0; i < 10; i++) {  /* RDRAND may fail transiently; the SDM says retry */
            uint64_t v;
            unsigned char ok;
            __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
            if (ok)
                return (uint32_t)v;
        }
    }
    state ^= rdtsc();
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)state;
}
