/* lwIP's compiler/platform glue for the freestanding kernel (and the host tests). */
#ifndef NETPLANT_ARCH_CC_H
#define NETPLANT_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

/* No <inttypes.h> or <ctype.h> in a freestanding build: give lwIP what they would. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H    1
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define BYTE_ORDER LITTLE_ENDIAN

void lwip_port_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void lwip_port_assert(const char *msg, const char *file, int line);
uint32_t lwip_port_rand(void);

#define LWIP_PLATFORM_DIAG(x)           do { lwip_port_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)         lwip_port_assert((x), __FILE__, __LINE__)
#define LWIP_RAND()                     lwip_port_rand()

#endif
