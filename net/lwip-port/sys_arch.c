/* lwIP's system hooks under NO_SYS: the clock, diagnostics, asserts and randomness. */
#include <stdarg.h>

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"
#include "kernel/exit.h"
#include "kernel/printf.h"
#include "lwip/sys.h"

u32_t sys_now(void)
{
    return (u32_t)clock_ms();   /* lwIP's timers compare with wrap-around */
}

void lwip_port_diag(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    np_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_debug("lwip: %s", line);
}

void lwip_port_assert(const char *msg, const char *file, int line)
{
    panic("lwIP assertion \"%s\" failed at %s:%d", msg, file, line);
}

/*
 * Seeds ports and DHCP transaction ids, not keys: RDRAND when the CPU has it, else the
 * TSC through a xorshift so successive calls differ.
 */
uint32_t lwip_port_rand(void)
{
    static uint64_t state;
    uint32_t r[4];
    cpuid(1, 0, r);
    if (r[2] & (1u << 30)) {
        uint64_t v;
        unsigned char ok;
        for (int i = 0; i < 10; i++) {
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
