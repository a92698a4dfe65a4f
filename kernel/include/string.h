/* The freestanding kernel's <string.h> (lwIP includes it): our own functions, no libc. */
#ifndef NETPLANT_LIBC_STRING_H
#define NETPLANT_LIBC_STRING_H
#include "kernel/string.h"
#endif
