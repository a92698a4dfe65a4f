/* net/tls/tls_check.c: PEM modules, IPv4 literals and IP SANs, the names line, the reason. */
#include <stdlib.h>
#include <string.h>

#include "kernel/errno.h"
#include "net/tls/tls_check.h"
#include "tests/unit/test.h"

#define CERT "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

/* Counts on an exact-size heap copy, so ASan catches any read past the module's end. */
static int count(const char *s)
{
    size_t n = strlen(s);
    char *copy = malloc(n ? n : 1);
    memcpy(copy, s, n);
    int r = pem_count_certs(copy, n);
    free(copy);
    return r;
}

static void test_pem(void)
{
    CHECK_EQ_I64(count(CERT), 1);
    CHECK_EQ_I64(count("# company CA\n" CERT "junk between\n" CERT), 2);
    CHECK_EQ_I64(count(CERT CERT CERT), 3);
    CHECK_EQ_I64(count(""), -NP_ENOENT);
    CHECK_EQ_I64(count("this is not a certificate\n"), -NP_ENOENT);
    CHECK_EQ_I64(count("-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n"), -NP_ENOENT);
    CHECK_EQ_I64(count("-----BEGIN CERTIFICATE-----\nMIIB\n"), -NP_EBADMSG);       /* cut short */
    CHECK_EQ_I64(count("-----BEGIN CERTIFICATE-----\n" CERT), -NP_EBADMSG);       /* BEGIN in BEGIN */
    CHECK_EQ_I64(count(CERT "-----BEGIN CERTIFICATE-----"), -NP_EBADMSG);
    CHECK_EQ_I64(count("-----BEGIN CERTIFICAT"), -NP_ENOENT);
    /* A NUL byte: binary (a DER file given by mistake), not PEM. */
    char bin[] = CERT "\0";
    CHECK_EQ_I64(pem_count_certs(bin, sizeof(bin)), -NP_EBADMSG);
    /* Where the block is. */
    const char *s = "xx" CERT;
    size_t pos = 0, b, e;
    CHECK_EQ_I64(pem_next_cert(s, strlen(s), &pos, &b, &e), 1);
    CHECK_EQ_U64(b, 2);
    CHECK_EQ_U64(e, strlen(s) - 1);     /* the END line, without its newline */
    CHECK_EQ_I64(pem_next_cert(s, strlen(s), &pos, &b, &e), 0);
}

static bool ip(const char *s, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    uint8_t v[4];
    return tls_parse_ipv4(s, v) && v[0] == a && v[1] == b && v[2] == c && v[3] == d;
}

static void test_ipv4(void)
{
    uint8_t v[4];
    CHECK(ip("10.0.2.2", 10, 0, 2, 2));
    CHECK(ip("255.255.255.255", 255, 255, 255, 255));
    CHECK(ip("0.0.0.0", 0, 0, 0, 0));
    CHECK(!tls_parse_ipv4("256.0.0.1", v));
    CHECK(!tls_parse_ipv4("10.0.2", v));
    CHECK(!tls_parse_ipv4("10.0.2.2.", v));
    CHECK(!tls_parse_ipv4("10.0.2.2.5", v));
    CHECK(!tls_parse_ipv4("010.0.2.2", v));     /* octal in some parsers: not an address here */
    CHECK(!tls_parse_ipv4("1000.0.2.2", v));
    CHECK(!tls_parse_ipv4("files.example", v));
    CHECK(!tls_parse_ipv4("10.0.2.2a", v));
    CHECK(!tls_parse_ipv4("", v));
    CHECK(!tls_parse_ipv4("1..2.3", v));
}

static void test_names(void)
{
    static const uint8_t a[] = { 10, 0, 2, 2 }, b[] = { 10, 0, 2, 3 };
    static const uint8_t v6[16] = { 0xfe, 0x80 };
    struct tls_san sans[] = {
        { TLS_SAN_DNS, (const uint8_t *)"files.test", 10 },
        { TLS_SAN_IP, b, 4 },
        { TLS_SAN_IP, v6, 16 },
        { 1, (const uint8_t *)"me@example", 10 },       /* rfc822Name: not shown */
        { TLS_SAN_DNS, (const uint8_t *)"bad\nname", 8 },
    };
    char buf[200];
    CHECK(!tls_san_has_ip(sans, 5, a));
    CHECK(tls_san_has_ip(sans, 5, b));
    CHECK(!tls_san_has_ip(sans, 0, b));
    tls_names_format(sans, 5, "ignored CN", buf, sizeof(buf));
    CHECK_STR(buf, "DNS:files.test, IP:10.0.2.3, DNS:bad?name");
    tls_names_format(sans, 0, "legacy.example", buf, sizeof(buf));
    CHECK_STR(buf, "CN=legacy.example");
    tls_names_format(sans, 0, "", buf, sizeof(buf));
    CHECK_STR(buf, "no names");
    /* Too many names for the line: cut with "...", always terminated, never past cap. */
    char small[24];
    memset(small, 'Z', sizeof(small));
    tls_names_format(sans, 5, NULL, small, sizeof(small));
    CHECK(strlen(small) < sizeof(small));
    CHECK(strstr(small, "...") != NULL);
}

static void test_reason(void)
{
    CHECK_EQ_U64(tls_reason_of(0), TLS_OK);
    CHECK_EQ_U64(tls_reason_of(TLS_BAD_NOT_TRUSTED | TLS_BAD_EXPIRED | TLS_BAD_NAME), TLS_UNKNOWN_ISSUER);
    CHECK_EQ_U64(tls_reason_of(TLS_BAD_EXPIRED | TLS_BAD_NAME), TLS_EXPIRED);
    CHECK_EQ_U64(tls_reason_of(TLS_BAD_FUTURE | TLS_BAD_NAME), TLS_NOT_YET_VALID);
    CHECK_EQ_U64(tls_reason_of(TLS_BAD_NAME), TLS_NAME_MISMATCH);
    CHECK_EQ_U64(tls_reason_of(TLS_BAD_MD), TLS_WEAK);
    CHECK_EQ_U64(tls_reason_of(TLS_BAD_EXT_USAGE), TLS_USAGE);
    CHECK_EQ_U64(tls_reason_of(TLS_BAD_REVOKED), TLS_OTHER);
    CHECK_STR(tls_reason_text(TLS_UNKNOWN_ISSUER), "unknown issuer");
    CHECK_STR(tls_reason_text(TLS_NAME_MISMATCH), "name mismatch");
}

int main(void)
{
    TEST_RUN(test_pem);
    TEST_RUN(test_ipv4);
    TEST_RUN(test_names);
    TEST_RUN(test_reason);
    return test_finish();
}
