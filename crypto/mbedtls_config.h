/* mbedTLS configuration for netplant: SHA-256 and SHA-512 only, no platform layer, no libc beyond memset. */
#ifndef NETPLANT_MBEDTLS_CONFIG_H
#define NETPLANT_MBEDTLS_CONFIG_H

#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS  /* no stdio, stdlib or time: the hashes need none */

#include "mbedtls/check_config.h"

#endif
