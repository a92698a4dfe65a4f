/* lwIP's system hooks under NO_SYS: the clock, diagnostics, asserts and randomness. */
#include <stdarg.h>

#include "arch/x86_64/arch.h"
#include "kernel/console.h"
#include "kernel/exit.h"
#include "kernel/printf.h"
#include "kernel/random.h"
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

uint32_t lwip_port_rand(void)
{
    return np_rand32();
}
