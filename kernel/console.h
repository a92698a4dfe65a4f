/*
 * Console output with syslog-style levels. The console is a set of back-ends: the serial port
 * (always there) and the screen (drivers/video/screen.c registers it when there is one);
 * console= chooses which of them get the output.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

enum log_level { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

#include <stdbool.h>

enum console_output { CONSOLE_SERIAL = 1, CONSOLE_SCREEN = 2, CONSOLE_ALL = 3 };

struct console_backend {
    unsigned output;        /* CONSOLE_SERIAL or CONSOLE_SCREEN: what console= selects it by */
    /* Bytes of one message at level (which may choose a colour). */
    void (*write)(void *ctx, int level, const char *s, size_t n);
    /* One updating status line (a bar of permille, negative: none); NULL: a line of its own. */
    void (*status)(void *ctx, int permille, const char *s, size_t n);
    void *ctx;
};

#define CONSOLE_MAX_BACKENDS 4

/* Adds a back-end (b must stay valid); returns 0 or -NP_ENOSPC. */
int console_register(const struct console_backend *b);
/* Which outputs get the console (CONSOLE_* bits); the default is all of them. */
void console_set_outputs(unsigned mask);

void console_set_level(int level);
/* log=json: every console line one JSON object (level, seconds since boot, message). */
void console_set_json(bool on);
int console_level(void);
void log_printf(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For the person at the machine (the menu): on every selected output, whatever the level. */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Progress at LOG_INFO: a back-end with a status line shows it there, updated in place with a
 * bar of permille (negative: no bar); the others (the serial port) get it as a line of its own.
 */
void console_progress(int permille, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)   log_printf(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
