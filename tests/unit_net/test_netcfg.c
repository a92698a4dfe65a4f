/*
 * net/lwip-port/netcfg.c: the network keys of the command line (ip=10.0.2.15/24, gw=, dns=
 * lists): strict dotted quads, CIDR prefixes, comma lists, and prefix lengths to masks.
 */
#include "kernel/errno.h"
#include "net/lwip-port/netcfg.h"
#include "tests/unit/test.h"

static bool eq4(const uint8_t *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    return a[0] == b0 && a[1] == b1 && a[2] == b2 && a[3] == b3;
}

static void test_ipv4(void)
{
    uint8_t a[4];
    CHECK_EQ_I64(netcfg_parse_ipv4("10.0.2.15", a), 0);
    CHECK(eq4(a, 10, 0, 2, 15));
    CHECK_EQ_I64(netcfg_parse_ipv4("0.0.0.0", a), 0);
    CHECK(eq4(a, 0, 0, 0, 0));
    CHECK_EQ_I64(netcfg_parse_ipv4("255.255.255.255", a), 0);
    CHECK(eq4(a, 255, 255, 255, 255));
    CHECK_EQ_I64(netcfg_parse_ipv4("192.168.122.1", a), 0);
    CHECK(eq4(a, 192, 168, 122, 1));
    /* Leading zeros are decimal, never octal: 010 is ten. */
    CHECK_EQ_I64(netcfg_parse_ipv4("010.001.000.009", a), 0);
    CHECK(eq4(a, 10, 1, 0, 9));

    static const char *const bad[] = {
        "", ".", "...", "1.2.3", "1.2.3.", "1.2.3.4.", "1.2.3.4.5", "256.0.0.1", "1.2.3.256",
        "1.2.3.999", "1.2.3.0255", "1..2.3", ".1.2.3", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/24",
        "1.2.3.-4", "+1.2.3.4", "a.b.c.d", "0x0a.0.0.1", "1,2,3,4", "1.2.3.4,", "4294967295",
        "1.2.3.99999999999999999999",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (!CHECK_EQ_I64(netcfg_parse_ipv4(bad[i], a), -NP_EINVAL))
            fprintf(stderr, "  \"%s\"\n", bad[i]);
    CHECK_EQ_I64(netcfg_parse_ipv4(NULL, a), -NP_EINVAL);
}

static void test_cidr(void)
{
    uint8_t a[4];
    unsigned p = 99;
    CHECK_EQ_I64(netcfg_parse_cidr("10.0.2.15/24", a, &p), 0);
    CHECK(eq4(a, 10, 0, 2, 15));
    CHECK_EQ_U64(p, 24);
    CHECK_EQ_I64(netcfg_parse_cidr("192.168.1.2/0", a, &p), 0);
    CHECK_EQ_U64(p, 0);
    CHECK_EQ_I64(netcfg_parse_cidr("192.168.1.2/32", a, &p), 0);
    CHECK_EQ_U64(p, 32);
    CHECK_EQ_I64(netcfg_parse_cidr("1.2.3.4/08", a, &p), 0);
    CHECK_EQ_U64(p, 8);

    static const char *const bad[] = {
        "10.0.2.15", "10.0.2.15/", "10.0.2.15/33", "10.0.2.15/100", "10.0.2.15/24/", "10.0.2.15/24 ",
        "10.0.2.15/-1", "10.0.2.15/+8", "10.0.2.15/ 8", "10.0.2.15/x", "10.0.2/24", "/24",
        "10.0.2.15/4294967320", "10.0.2.15/99999999999999999999999", "256.0.0.1/8", "10.0.2.15//8",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p = 77;
        if (!CHECK_EQ_I64(netcfg_parse_cidr(bad[i], a, &p), -NP_EINVAL))
            fprintf(stderr, "  \"%s\"\n", bad[i]);
        CHECK_EQ_U64(p, 77);    /* untouched on error */
    }
    CHECK_EQ_I64(netcfg_parse_cidr(NULL, a, &p), -NP_EINVAL);
}

static void test_list(void)
{
    uint8_t l[3][4];
    CHECK_EQ_I64(netcfg_parse_ipv4_list("1.1.1.1", l, 3), 1);
    CHECK(eq4(l[0], 1, 1, 1, 1));
    CHECK_EQ_I64(netcfg_parse_ipv4_list("1.1.1.1,9.9.9.9", l, 3), 2);
    CHECK(eq4(l[0], 1, 1, 1, 1) && eq4(l[1], 9, 9, 9, 9));
    CHECK_EQ_I64(netcfg_parse_ipv4_list("1.0.0.1,8.8.4.4,10.0.2.3", l, 3), 3);
    CHECK(eq4(l[2], 10, 0, 2, 3));
    /* More than fit: the caller's array is never written past max. */
    uint8_t two[2][4];
    CHECK_EQ_I64(netcfg_parse_ipv4_list("1.1.1.1,2.2.2.2,3.3.3.3", two, 2), -NP_ENOSPC);
    CHECK_EQ_I64(netcfg_parse_ipv4_list("1.1.1.1", two, 0), -NP_ENOSPC);

    static const char *const bad[] = {
        "", ",", "1.1.1.1,", ",1.1.1.1", "1.1.1.1,,2.2.2.2", "1.1.1.1;2.2.2.2", "1.1.1.1, 2.2.2.2",
        "1.1.1.1,2.2.2", "1.1.1.1/32", "1.1.1.256",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (!CHECK_EQ_I64(netcfg_parse_ipv4_list(bad[i], l, 3), -NP_EINVAL))
            fprintf(stderr, "  \"%s\"\n", bad[i]);
    CHECK_EQ_I64(netcfg_parse_ipv4_list(NULL, l, 3), -NP_EINVAL);
}

static void test_prefix_mask(void)
{
    uint8_t m[4];
    for (unsigned p = 0; p <= 32; p++) {
        netcfg_prefix_mask(p, m);
        uint32_t want = p ? ~0u << (32 - p) : 0;
        uint32_t got = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
        if (!CHECK_EQ_U64(got, want))
            fprintf(stderr, "  /%u\n", p);
    }
    netcfg_prefix_mask(24, m);
    CHECK(eq4(m, 255, 255, 255, 0));
    netcfg_prefix_mask(33, m);      /* out of range: clamped, no undefined shift */
    CHECK(eq4(m, 255, 255, 255, 255));
    netcfg_prefix_mask(1000, m);
    CHECK(eq4(m, 255, 255, 255, 255));
}

int main(void)
{
    TEST_RUN(test_ipv4);
    TEST_RUN(test_cidr);
    TEST_RUN(test_list);
    TEST_RUN(test_prefix_mask);
    return test_finish();
}
