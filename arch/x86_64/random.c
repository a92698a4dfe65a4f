/*
 * Randomness from the CPU: RDRAND for ports, DHCP transaction ids and made-up MACs
 * (np_rand32), and RDSEED/RDRAND as entropy sources for key material (kernel/entropy.c).
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/random.h"

#define CPUID1_ECX_RDRAND   (1u << 30)
#define CPUID7_EBX_RDSEED   (1u << 18)
#define CPUID1_ECX_AESNI    (1u << 25)
#define CPUID1_ECX_PCLMUL   (1u << 1)
#define CPUID1_EDX_SSE2     (1u << 26)
#define RNG_RETRIES         10      /* the SDM says retry: failures are transient */
#define CR0_EM              (1ull << 2)
#define CR0_MP              (1ull << 1)
#define CR4_OSFXSR          (1ull << 9)
#define CR4_OSXMMEXCPT      (1ull << 10)

enum cpu_rng cpu_rng_best(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        if (r[1] & CPUID7_EBX_RDSEED)
            return CPU_RNG_RDSEED;
    }
    cpuid(1, 0, r);
    return r[2] & CPUID1_ECX_RDRAND ? CPU_RNG_RDRAND : CPU_RNG_NONE;
}

static bool rng_step(enum cpu_rng kind, uint64_t *v)
{
    unsigned char ok;
    for (int i = 0; i < RNG_RETRIES; i++) {
        if (kind == CPU_RNG_RDSEED)
            __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
        else
            __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return true;
        cpu_relax();    /* RDSEED runs dry under load; give the conditioner a moment */
    }
    return false;
}

unsigned cpu_rng_fill(enum cpu_rng kind, uint64_t *words, unsigned n)
{
    unsigned got = 0;
    while (kind != CPU_RNG_NONE && got < n && rng_step(kind, &words[got]))
        got++;
    return got;
}

uint32_t np_rand32(void)
{
    static uint64_t state;
    uint64_t v;
    uint32_t r[4];
    cpuid(1, 0, r);
    if ((r[2] & CPUID1_ECX_RDRAND) && rng_step(CPU_RNG_RDRAND, &v))
        return (uint32_t)v;
    /* Not key material: the TSC stirred through a xorshift so that successive calls differ. */
    state ^= rdtsc();
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)state;
}

bool cpu_has_aesni(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    return (r[2] & CPUID1_ECX_AESNI) && (r[2] & CPUID1_ECX_PCLMUL) && (r[3] & CPUID1_EDX_SSE2);
}

/*
 * The kernel is built without SSE (-mgeneral-regs-only) and exceptions save no SSE state;
 * only mbedTLS's AES-NI code uses the XMM registers, and nothing preempts it.
 */
void cpu_sse_enable(void)
{
    uint64_t cr0 = read_cr0(), cr4 = read_cr4();
    cr0 = (cr0 & ~CR0_EM) | CR0_MP;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT) : "memory");
}
