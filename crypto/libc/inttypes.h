/* The freestanding <inttypes.h> mbedTLS's debug.h includes: the 64-bit printf format it asks for. */
#ifndef NETPLANT_LIBC_INTTYPES_H
#define NETPLANT_LIBC_INTTYPES_H
#include <stdint.h>
#define PRId64 "lld"
#endif
