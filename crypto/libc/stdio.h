/* The freestanding <stdio.h> mbedTLS includes: no files, no streams; snprintf is np_snprintf. */
#ifndef NETPLANT_LIBC_STDIO_H
#define NETPLANT_LIBC_STDIO_H
#include <stddef.h>
#endif
