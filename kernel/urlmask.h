/*
 * Secrets out of console lines: the value of every header= word, and the password of every URL's userinfo
 * ("scheme://user:password@", or scheme-relative "//user:password@") becomes "***", so
 * "user:***@" is all a console shows. Pure string functions, for the kernel's command-line
 * echo, the config and install lines alike.
 *
 * The authority ends at '/', '?', '#', a blank, '"' or the end, as in RFC 3986 3.2: a
 * password must be percent-encoded where it holds one of those (RFC 3986 3.2.1 asks so).
 */
#ifndef KERNEL_URLMASK_H
#define KERNEL_URLMASK_H

#include <stddef.h>

/* Enough room for the masked copy of n bytes: "//:@" (4 bytes) can grow by "***" (3). */
#define URLMASK_CAP(n) (2 * (n) + 1)

/*
 * Copies in to out with the passwords masked: snprintf rules (returns the full length,
 * writes at most cap - 1 bytes and a NUL). A cut copy never holds part of a password.
 */
size_t urlmask_copy(char *out, size_t cap, const char *in);

/*
 * Copies in to out with the value of every header= word hidden: header="Authorization: Bearer
 * x" shows as header="Authorization: ***" (tokens are secrets too). snprintf rules, as above.
 */
size_t headermask_copy(char *out, size_t cap, const char *in);

/*
 * The masked copy of in, passwords and header= values (at most 2 x 128 KiB, the command
 * line's bound) in a buffer of its own, valid until the next call: one console line at a time.
 */
const char *urlmask_str(const char *in);

#endif
