/*
 * mbedTLS 3.6 configuration for netplant: a TLS 1.3 and TLS 1.2 client (ECDHE key exchange,
 * AEAD suites only, X.509 chain checks) for https; the host tests also check SHA-256/512
 * against it. TLS 1.3 runs on PSA crypto (psa_crypto_init() in net/tls/tls.c), whose random
 * generator is mbedTLS's CTR-DRBG over the same entropy as the rest. Freestanding: no
 * libc beyond the kernel's string functions, memory from a TLS-local arena
 * (MEMORY_BUFFER_ALLOC over pages), time from the kernel's wall clock, entropy from
 * kernel/entropy.h through the hardware-poll hook (crypto/tls_platform.c).
 */
#ifndef NETPLANT_MBEDTLS_CONFIG_H
#define NETPLANT_MBEDTLS_CONFIG_H

/* Platform. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY                 /* calloc/free set at run time: the arena */
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS       /* no stdio, stdlib or time */
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO     np_snprintf
#define MBEDTLS_PLATFORM_EXIT_MACRO         np_tls_exit     /* the arena found corruption: panic */
#define MBEDTLS_PLATFORM_TIME_TYPE_MACRO    long long
#define MBEDTLS_PLATFORM_TIME_MACRO         np_tls_time
#define MBEDTLS_PLATFORM_MS_TIME_TYPE_MACRO long long  /* no <inttypes.h> here */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT           /* np's calendar: crypto/tls_platform.c */
#define MBEDTLS_PLATFORM_MS_TIME_ALT            /* mbedtls_ms_time: the kernel's clock (crypto/tls_platform.c) */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT            /* mbedtls_hardware_poll: kernel/entropy.h */

/* Hashes, ciphers, AEAD. AES-NI and PCLMULQDQ are used when CPUID offers them. */
#define MBEDTLS_SHA1_C                          /* to parse roots self-signed with SHA-1; never accepted in a chain */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C                        /* SHA-384 suites and signatures (3.x: apart from SHA-512) */
#define MBEDTLS_SHA512_C                        /* SHA-512 signatures; the entropy pool */
#define MBEDTLS_MD_C
#define MBEDTLS_HKDF_C                          /* TLS 1.3's key schedule (PSA HKDF) */
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_PSA_CRYPTO_C                    /* TLS 1.3 (keys in RAM only: no PSA storage) */

/* Public keys: RSA (PKCS#1 v1.5 and PSS) and ECDSA/ECDH on P-256, P-384, P-521, X25519. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_SECP521R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* Certificates: DER built in, PEM from ca= modules. */
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA    8

/*
 * TLS 1.3 and 1.2 client: ECDHE only (forward secrecy; TLS 1.3's ephemeral and psk_dhe_ke modes,
 * no PSK-only), AEAD only, SNI; sessions resume by ticket (TLS 1.3, TLS 1.2) or ID (TLS 1.2).
 */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED  /* resumption by ticket, still with ECDHE */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE  /* RFC 8446 D.4: what middleboxes expect */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE       /* TLS 1.3 in mbedTLS 3.6 needs it */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_IN_CONTENT_LEN          16384   /* a server may send full 16 KiB records */
#define MBEDTLS_SSL_OUT_CONTENT_LEN         4096    /* we send a ClientHello and a request */
#define MBEDTLS_SSL_CIPHERSUITES \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384

#ifdef NETPLANT_KERNEL
/* The compiler says __unix__ (it targets Linux), but the kernel has no getpid() or <unistd.h>:
   mbedTLS's switch for a platform that is not Unix-like (fork protection of PSA's generator). */
#define MBEDTLS_TEST_PLATFORM_IS_NOT_UNIXLIKE
#include <stddef.h>
int np_snprintf(char *buf, size_t size, const char *fmt, ...);
long long np_tls_time(long long *t);
__attribute__((noreturn)) void np_tls_exit(int status);
#endif

#endif
