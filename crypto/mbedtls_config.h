/*
 * mbedTLS configuration for netplant's host tests: SHA-256 and SHA-512 only, as an independent
 * implementation to compare nettle's paths against. No platform layer, no libc beyond memset.
 */
#ifndef NETPLANT_MBEDTLS_CONFIG_H
#define NETPLANT_MBEDTLS_CONFIG_H

#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS  /* no stdio, stdlib or time: SHA-2 needs none */

#include "mbedtls/check_config.h"

#endif
