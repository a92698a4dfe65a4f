/*
 * What mbedTLS needs from the kernel, in one place: memory (a TLS-local arena of whole pages,
 * handed to MEMORY_BUFFER_ALLOC), wall-clock time and its calendar, and seed entropy
 * (conditioned through SHA-256 from kernel/entropy.h).
 */
#ifndef CRYPTO_TLS_PLATFORM_H
#define CRYPTO_TLS_PLATFORM_H

#include <stddef.h>

/*
 * Takes bytes of pages for mbedTLS's allocations and turns SSE on when AES-NI is there (once;
 * later calls do nothing). -NP_ENOMEM when the pages are not there.
 */
int tls_platform_init(size_t bytes);

/* Arena use now and at its peak, in bytes (for the log). */
void tls_platform_mem(size_t *used, size_t *peak);

/* Whether mbedTLS found and uses AES-NI and PCLMULQDQ. */
int tls_platform_aesni(void);

#endif
