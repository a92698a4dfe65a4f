/*
 * How netplant ends: an exit status per failure class, printed on the console, and given to
 * QEMU's isa-debug-exit device only when the command line asked for it (qemu_exit=), which
 * makes QEMU exit with (status << 1) | 1.
 */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

#include <stddef.h>
#include <stdint.h>

#define NP_EXITS(X) \
    X(NP_EXIT_OK,       0, "ok") \
    X(NP_EXIT_USAGE,    1, "usage") \
    X(NP_EXIT_FAULT,    2, "fault") \
    X(NP_EXIT_PANIC,    3, "panic") \
    X(NP_EXIT_BOOT,     4, "boot") \
    X(NP_EXIT_SELFTEST, 5, "selftest") \
    X(NP_EXIT_DISK,     6, "disk") \
    X(NP_EXIT_VERIFY,   7, "verify") \
    X(NP_EXIT_NET,      8, "net") \
    X(NP_EXIT_DHCP,     9, "dhcp") \
    X(NP_EXIT_DNS,      10, "dns") \
    X(NP_EXIT_HTTP,     11, "http") \
    X(NP_EXIT_HASH,     12, "hash") \
    X(NP_EXIT_TOOBIG,   13, "toobig") \
    X(NP_EXIT_CONNECT,  14, "connect") \
    X(NP_EXIT_SHORT,    15, "short") \
    X(NP_EXIT_NOROUTE,  16, "noroute") \
    X(NP_EXIT_FORMAT,   17, "format") \
    X(NP_EXIT_CANCELLED, 18, "cancelled") \
    X(NP_EXIT_CERT,     19, "cert") \
    X(NP_EXIT_TLS,      20, "tls") \
    X(NP_EXIT_SECTOR,   21, "sector")

enum np_exit {
#define NP_EXIT_ENUM(name, value, text) name = value,
    NP_EXITS(NP_EXIT_ENUM)
#undef NP_EXIT_ENUM
};

enum np_then { NP_THEN_REBOOT, NP_THEN_POWEROFF, NP_THEN_HALT };

const char *np_exit_name(int status);
const char *np_then_name(enum np_then t);
int np_then_parse(const char *s, enum np_then *out);

/* What np_finish does after a success and after a failure; 0 port = no QEMU exit. */
void np_exit_configure(uint16_t qemu_port, enum np_then on_ok, enum np_then on_error);

/*
 * Formats the one machine-readable line for an ending that no job reported itself. The job
 * layer, which owns that line's format (install/summary.h), sets it first thing in kmain.
 */
typedef void (*np_result_fn)(char *buf, size_t size, enum np_exit status);
void np_exit_set_result_fn(np_result_fn fn);

/*
 * Prints the run's one machine-readable result line (install/summary.h), a job's own with its
 * figures. np_finish prints a plain one for the status when no job did, so every run that
 * ends through it ends with exactly one `result=` line.
 */
void np_result_line(const char *line);

/* Prints the result line if still due and the outcome, exits QEMU when asked, then reboots, powers off or halts. */
__attribute__((noreturn)) void np_finish(enum np_exit status);
/* The same without console output or power actions: for faults inside the fault path. */
__attribute__((noreturn)) void np_finish_now(enum np_exit status);
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
