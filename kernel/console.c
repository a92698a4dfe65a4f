/* The console: log levels over a set of back-ends (console.h). */
#include "kernel/console.h"

#include <stdarg.h>

#include "arch/x86_64/arch.h"
#include "kernel/errno.h"
#include "kernel/printf.h"

#define PROGRESS_MAX 160

static void serial_out(void *ctx, int level, const char *s, size_t n)
{
    (void)ctx, (void)level;
    serial_write(s, n);
}

static const struct console_backend serial_backend = { CONSOLE_SERIAL, serial_out, NULL, NULL };

static const struct console_backend *backends[CONSOLE_MAX_BACKENDS] = { &serial_backend };
static unsigned nbackends = 1;
static unsigned outputs = CONSOLE_ALL;
static int console_threshold = LOG_INFO;

int console_register(const struct console_backend *b)
{
    if (nbackends == CONSOLE_MAX_BACKENDS)
        return -NP_ENOSPC;
    backends[nbackends++] = b;
    return 0;
}

void console_set_outputs(unsigned mask)
{
    outputs = mask;
}

void console_set_level(int level)
{
    console_threshold = level;
}

int console_level(void)
{
    return console_threshold;
}

struct sink_ctx {
    int level;
};

static void console_sink(void *ctx, const char *s, size_t n)
{
    const struct sink_ctx *c = ctx;
    for (unsigned i = 0; i < nbackends; i++)
        if (backends[i]->output & outputs)
            backends[i]->write(backends[i]->ctx, c->level, s, n);
}

void log_printf(int level, const char *fmt, ...)
{
    if (level > console_threshold)
        return;
    struct sink_ctx c = { level };
    va_list ap;
    va_start(ap, fmt);
    np_vformat(console_sink, &c, fmt, ap);
    va_end(ap);
}

void console_printf(const char *fmt, ...)
{
    struct sink_ctx c = { LOG_INFO };
    va_list ap;
    va_start(ap, fmt);
    np_vformat(console_sink, &c, fmt, ap);
    va_end(ap);
}

void console_progress(int permille, const char *fmt, ...)
{
    char line[PROGRESS_MAX];
    if (LOG_INFO > console_threshold)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = np_vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof(line) - 1 ? (size_t)n : sizeof(line) - 2;
    for (unsigned i = 0; i < nbackends; i++) {
        const struct console_backend *b = backends[i];
        if (!(b->output & outputs))
            continue;
        if (b->status) {
            b->status(b->ctx, permille, line, len);
        } else {
            line[len] = '\n';
            b->write(b->ctx, LOG_INFO, line, len + 1);
        }
    }
}
