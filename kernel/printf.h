/* printf formatting shared by the console and snprintf; no floating point. */
#ifndef KERNEL_PRINTF_H
#define KERNEL_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Supports %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ', width and precision
 * (also '*'), and the length modifiers hh h l ll z j t. Returns the length the full
 * output would have (like C99), writes at most size-1 characters and a NUL.
 */
int np_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int np_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Streams formatted output to a sink one chunk at a time: no length limit, no buffer. */
typedef void (*np_sink_fn)(void *ctx, const char *s, size_t n);
int np_vformat(np_sink_fn sink, void *ctx, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
