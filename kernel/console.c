#include "kernel/console.h"

#include <stdarg.h>

#include "arch/x86_64/arch.h"
#include "kernel/printf.h"

static int console_threshold = LOG_INFO;

void console_set_level(int level)
{
    console_threshold = level;
}

int console_level(void)
{
    return console_threshold;
}

static void console_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    serial_write(s, n);
}

void log_printf(int level, const char *fmt, ...)
{
    if (level > console_threshold)
        return;
    va_list ap;
    va_start(ap, fmt);
    np_vformat(console_sink, NULL, fmt, ap);
    va_end(ap);
}
