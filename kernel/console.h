/* Console output with syslog-style levels; the serial port is the console. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

enum log_level { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

#include <stdbool.h>

void console_set_level(int level);
/* log=json: every console line one JSON object (level, seconds since boot, message). */
void console_set_json(bool on);
int console_level(void);
void log_printf(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)   log_printf(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
