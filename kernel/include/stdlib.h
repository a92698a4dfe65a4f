/* The freestanding kernel's <stdlib.h>: only what lwIP refers to. */
#ifndef NETPLANT_LIBC_STDLIB_H
#define NETPLANT_LIBC_STDLIB_H
#include <stddef.h>
#include "kernel/string.h"
int atoi(const char *s);
__attribute__((noreturn)) void abort(void);
#endif
