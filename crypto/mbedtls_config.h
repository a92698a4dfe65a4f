/* mbedTLS configuration for netplant: SHA-256 only, no platform layer, no libc beyond memset. */
#ifndef NETPLANT_MBEDTLS_CONFIG_H
#define NETPLANT_MBEDTLS_CONFIG_H

#define MBEDTLS_SHA256_C
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS  /* no stdio, stdlib or time: SHA-256 needs none */

#include "mbedtls/check_config.h"

#endif
