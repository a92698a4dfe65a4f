/*
 * The pure parts of certificate checking, host-tested: PEM files from boot modules (RFC 7468
 * textual encoding), IP-address subjectAltNames (RFC 5280 4.2.1.6, which mbedTLS 2.28 does not
 * match), the names a certificate holds for the error line, and the one reason a failed
 * verification gives.
 */
#ifndef NET_TLS_TLS_CHECK_H
#define NET_TLS_TLS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The next "-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----" block at or after
 * *pos: sets [*begin, *end) around it (END line included) and *pos after it. Returns 1, 0 when
 * there is none, -NP_EBADMSG for a BEGIN without its END.
 */
int pem_next_cert(const char *s, size_t len, size_t *pos, size_t *begin, size_t *end);
/* Counts the blocks; -NP_ENOENT for none, -NP_EBADMSG for an unterminated one or a NUL byte. */
int pem_count_certs(const char *s, size_t len);

/* A dotted-quad IPv4 literal, as URLs carry them ("10.0.2.2"); false for a name. */
bool tls_parse_ipv4(const char *s, uint8_t ip[4]);

/* One subjectAltName entry: GeneralName tag number (2 dNSName, 7 iPAddress) and its bytes. */
#define TLS_SAN_DNS 2
#define TLS_SAN_IP  7
struct tls_san {
    uint8_t type;
    const uint8_t *p;
    size_t len;
};

bool tls_san_has_ip(const struct tls_san *s, size_t n, const uint8_t ip[4]);

/* "DNS:a.example, IP:10.0.2.2" (or "CN=name" without SANs); cut with "..." to fit cap. */
void tls_names_format(const struct tls_san *s, size_t n, const char *cn, char *buf, size_t cap);

/* mbedTLS's X.509 verification flags (mbedtls/x509.h; tls.c checks they agree). */
#define TLS_BAD_EXPIRED     0x01u
#define TLS_BAD_REVOKED     0x02u
#define TLS_BAD_NAME        0x04u
#define TLS_BAD_NOT_TRUSTED 0x08u
#define TLS_BAD_FUTURE      0x0200u
#define TLS_BAD_KEY_USAGE   0x0800u
#define TLS_BAD_EXT_USAGE   0x1000u
#define TLS_BAD_MD          0x4000u
#define TLS_BAD_PK          0x8000u
#define TLS_BAD_KEY         0x010000u

enum tls_reason {
    TLS_OK, TLS_UNKNOWN_ISSUER, TLS_EXPIRED, TLS_NOT_YET_VALID, TLS_NAME_MISMATCH, TLS_WEAK, TLS_USAGE,
    TLS_OTHER,
};

/* The one reason to name: the issuer first (nothing else counts if it is unknown), then time, then name. */
enum tls_reason tls_reason_of(uint32_t flags);
const char *tls_reason_text(enum tls_reason r);

#endif
