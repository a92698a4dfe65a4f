/* The console: log levels over a set of back-ends (console.h). */
#include "kernel/console.h"

#include <stdarg.h>

#include "arch/x86_64/arch.h"
#include "kernel/errno.h"
#include "kernel/printf.h"

#define PROGRESS_MAX 160

/*
 * log=json: each console line becomes one JSON object, {"level":..,"t":seconds since boot,
 * "msg":..}, for collectors that parse serial consoles. A line is gathered (escaped) until its
 * newline; one longer than the buffer is sent in pieces, each a whole object.
 */
static struct {
    bool on;
    int level;          /* of the call that began the line */
    char buf[1024];
    size_t len;
} json;

void console_set_json(bool on)
{
    json.on = on;
}

static const char *level_name(int level)
{
    return level <= LOG_ERR ? "error" : level == LOG_WARN ? "warning" : level == LOG_DEBUG ? "debug" : "info";
}

static void json_flush(void)
{
    char head[80];
    uint64_t us = clock_us();
    int n = np_snprintf(head, sizeof(head), "{\"level\":\"%s\",\"t\":%llu.%06llu,\"msg\":\"", level_name(json.level),
                        (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000));
    serial_write(head, (size_t)n);
    serial_write(json.buf, json.len);
    serial_write("\"}\n", 3);
    json.len = 0;
}

static void json_put(char c)
{
    static const char hex[] = "0123456789abcdef";
    char e[6] = { '\\', c, 0 };
    size_t n = 2;
    if (c == '"' || c == '\\')
        ;
    else if ((unsigned char)c < 0x20)
        e[1] = 'u', e[2] = '0', e[3] = '0', e[4] = hex[(c >> 4) & 15], e[5] = hex[c & 15], n = 6;
    else
        e[0] = c, n = 1;
    if (json.len + n > sizeof(json.buf))
        json_flush();
    for (size_t i = 0; i < n; i++)
        json.buf[json.len++] = e[i];
}

/* The serial port: the text as it is, or with log=json one JSON object per line. */
static void serial_out(void *ctx, int level, const char *s, size_t n)
{
    (void)ctx;
    if (!json.on) {
        serial_write(s, n);
        return;
    }
    if (json.len == 0)
        json.level = level;     /* the level of the message that begins the line */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            json_flush();
        else if (s[i] != '\r')
            json_put(s[i]);
    }
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
