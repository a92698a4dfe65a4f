/* The kernel command line: `key=value`, `key="quoted value"` and bare `flag` words. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a url= and a config= each at the longest URL netplant takes (64 KiB), and more. */
#define CMDLINE_MAX_LEN  (128 * 1024)
#define CMDLINE_MAX_ARGS 64

struct cmdline_arg {
    const char *key;
    const char *value;      /* NULL for a bare flag */
};

struct cmdline {
    char buf[CMDLINE_MAX_LEN];      /* unquoted copies of keys and values, NUL-separated */
    struct cmdline_arg args[CMDLINE_MAX_ARGS];
    unsigned nargs;
    const char *image;      /* the kernel's own path, name or URL that GRUB/iPXE/QEMU put first */
    size_t error_pos;       /* offset into the input where parsing failed */
    const char *error;      /* what failed, when cmdline_parse returned an error */
};

struct cmdline_key {
    const char *name;
    const char *help;
};

/*
 * Returns 0, -NP_EINVAL (unterminated quote, bad key) or -NP_ENOSPC (too long, too many).
 * On an error, the words before it stay parsed and error/error_pos say what and where.
 */
int cmdline_parse(struct cmdline *cl, const char *s);

/* The value of the last occurrence of key; "" for a bare flag; NULL when absent. */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* Calls report() for each key not in known[]; returns how many there were. */
unsigned cmdline_check(const struct cmdline *cl, const struct cmdline_key *known, size_t n,
                       void (*report)(void *ctx, const char *key), void *ctx);

/* Decimal or 0x hex, with an optional K/M/G/T (powers of 1024) suffix; no overflow. */
int cmdline_parse_u64(const char *s, uint64_t *out);
/* 1/0, on/off, yes/no, true/false; "" (a bare flag) is true. */
int cmdline_parse_bool(const char *s, bool *out);

#endif
