#include "kernel/exit.h"

#include <stdarg.h>
#include <stdbool.h>

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"
#include "kernel/printf.h"

void abort(void);
void np_assert_fail(const char *expr, const char *file, int line);

static uint16_t qemu_exit_port;
static enum np_then then_ok = NP_THEN_REBOOT;
static enum np_then then_error = NP_THEN_HALT;
static bool result_printed;
static np_result_fn result_fn;

void np_exit_configure(uint16_t qemu_port, enum np_then on_ok, enum np_then on_error)
{
    qemu_exit_port = qemu_port;
    then_ok = on_ok;
    then_error = on_error;
}

void np_finish_now(enum np_exit status)
{
    irq_disable();
    if (qemu_exit_port)
        power_qemu_exit(qemu_exit_port, (uint8_t)status);
    power_halt();
}

void np_exit_set_result_fn(np_result_fn fn)
{
    result_fn = fn;
}

void np_result_line(const char *line)
{
    log_printf(LOG_INFO, "%s\n", line);
    result_printed = true;
}

void np_finish(enum np_exit status)
{
    if (!result_printed && result_fn) {
        /* No job printed its own (a failure before it could, or one with no figures). */
        char line[160];
        result_fn(line, sizeof(line), status);
        np_result_line(line);
    }
    enum np_then then = status == NP_EXIT_OK ? then_ok : then_error;
    log_printf(LOG_INFO, "exit: status=%d (%s), then %s\n", (int)status, np_exit_name(status),
               np_then_name(then));
    if (qemu_exit_port)
        power_qemu_exit(qemu_exit_port, (uint8_t)status);
    if (then == NP_THEN_REBOOT)
        power_reboot();
    else if (then == NP_THEN_POWEROFF)
        power_off();
    log_printf(LOG_INFO, "halted\n");
    power_halt();
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    np_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_printf(LOG_ERR, "PANIC: %s\n", msg);
    np_finish(NP_EXIT_PANIC);
}

/* lwIP and the compiler's runtime may call abort(); it is a panic like any other. */
void abort(void)
{
    panic("abort() called");
}

/* Third-party code's assert(): a panic naming the expression and where it is. */
void np_assert_fail(const char *expr, const char *file, int line)
{
    panic("assertion \"%s\" failed at %s:%d", expr, file, line);
}
