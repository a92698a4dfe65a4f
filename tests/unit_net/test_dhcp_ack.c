/*
 * net/lwip-port/dhcp_ack.c: the DHCP ACK a boot loader hands over (RFC 2131 section 2, RFC 2132
 * options), as QEMU's slirp and dnsmasq send it, then refusals, options at the packet's edge
 * and every truncation of a valid packet (on exact-size heap copies, so ASan sees overreads).
 */
#include <stdlib.h>

#include "kernel/errno.h"
#include "net/lwip-port/dhcp_ack.h"
#include "tests/unit/test.h"

#define BOOTP_LEN       240     /* fixed part and the magic cookie */

static uint8_t pkt[1024];
static size_t pkt_len;

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* The fixed BOOTP part of a reply (RFC 2131 figure 1) for yiaddr, options follow. */
static void bootp_reply(const uint8_t yiaddr[4])
{
    memset(pkt, 0, sizeof(pkt));
    pkt[0] = 2;                 /* op: BOOTREPLY */
    pkt[1] = 1;                 /* htype: Ethernet */
    pkt[2] = 6;
    memcpy(pkt + 4, "\x12\x34\x56\x78", 4);    /* xid */
    memcpy(pkt + 16, yiaddr, 4);
    memcpy(pkt + 20, "\x0a\x00\x02\x02", 4);   /* siaddr */
    memcpy(pkt + 28, client_mac, 6);
    memcpy(pkt + 236, "\x63\x82\x53\x63", 4);
    pkt_len = BOOTP_LEN;
}

static void opt(uint8_t code, const void *val, uint8_t n)
{
    pkt[pkt_len++] = code;
    pkt[pkt_len++] = n;
    memcpy(pkt + pkt_len, val, n);
    pkt_len += n;
}

static void opt_byte(uint8_t b)
{
    pkt[pkt_len++] = b;
}

/* What QEMU's slirp (slirp/src/bootp.c) answers to a DHCPREQUEST, padded to its 548 bytes. */
static void slirp_ack(void)
{
    bootp_reply((const uint8_t[]){ 10, 0, 2, 15 });
    opt(53, "\x05", 1);
    opt(54, "\x0a\x00\x02\x02", 4);
    opt(51, "\x00\x01\x51\x80", 4);         /* 86400 s */
    opt(1, "\xff\xff\xff\x00", 4);
    opt(3, "\x0a\x00\x02\x02", 4);
    opt(6, "\x0a\x00\x02\x03", 4);
    opt_byte(255);
    pkt_len = 548;
}

/* What dnsmasq sends: T1/T2, broadcast, domain and host name, two DNS servers, padded to 300. */
static void dnsmasq_ack(void)
{
    bootp_reply((const uint8_t[]){ 192, 168, 122, 57 });
    opt(53, "\x05", 1);
    opt(54, "\xc0\xa8\x7a\x01", 4);
    opt(51, "\x00\x00\x0e\x10", 4);         /* 3600 s */
    opt(58, "\x00\x00\x07\x08", 4);
    opt(59, "\x00\x00\x0c\x4e", 4);
    opt(1, "\xff\xff\xff\x00", 4);
    opt(28, "\xc0\xa8\x7a\xff", 4);
    opt(3, "\xc0\xa8\x7a\x01", 4);
    opt(6, "\xc0\xa8\x7a\x01\x01\x01\x01\x01\x09\x09\x09\x09", 12);
    opt(15, "lan", 3);
    opt(12, "netplant", 8);
    opt_byte(255);
    while (pkt_len < 300)
        opt_byte(0);
}

/* Parses an exact-size heap copy of pkt[0, len). */
static int parse(size_t len, struct dhcp_ack *a)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, pkt, len);
    int r = dhcp_ack_parse(copy, len, a);
    free(copy);
    return r;
}

static bool eq4(const uint8_t *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    return a[0] == b0 && a[1] == b1 && a[2] == b2 && a[3] == b3;
}

static void test_slirp(void)
{
    struct dhcp_ack a;
    slirp_ack();
    if (!CHECK_EQ_I64(parse(pkt_len, &a), 0))
        return;
    CHECK(!memcmp(a.chaddr, client_mac, 6));
    CHECK(eq4(a.addr, 10, 0, 2, 15));
    CHECK(eq4(a.mask, 255, 255, 255, 0));
    CHECK(eq4(a.router, 10, 0, 2, 2));
    CHECK(eq4(a.server, 10, 0, 2, 2));
    CHECK_EQ_U64(a.ndns, 1);
    CHECK(eq4(a.dns[0], 10, 0, 2, 3));
    CHECK(eq4(a.dns[1], 0, 0, 0, 0));
    CHECK_EQ_U64(a.lease_s, 86400);
}

static void test_dnsmasq(void)
{
    struct dhcp_ack a;
    dnsmasq_ack();
    if (!CHECK_EQ_I64(parse(pkt_len, &a), 0))
        return;
    CHECK(eq4(a.addr, 192, 168, 122, 57));
    CHECK(eq4(a.mask, 255, 255, 255, 0));
    CHECK(eq4(a.router, 192, 168, 122, 1));
    CHECK(eq4(a.server, 192, 168, 122, 1));
    CHECK_EQ_U64(a.ndns, 2);            /* the first two of three */
    CHECK(eq4(a.dns[0], 192, 168, 122, 1));
    CHECK(eq4(a.dns[1], 1, 1, 1, 1));
    CHECK_EQ_U64(a.lease_s, 3600);
}

/* Minimal: no router, no DNS, no lease, no server id; no END either (the packet just ends). */
static void test_minimal(void)
{
    struct dhcp_ack a;
    bootp_reply((const uint8_t[]){ 10, 1, 2, 3 });
    opt(53, "\x05", 1);
    opt(1, "\xff\x00\x00\x00", 4);
    if (!CHECK_EQ_I64(parse(pkt_len, &a), 0))
        return;
    CHECK(eq4(a.addr, 10, 1, 2, 3));
    CHECK(eq4(a.mask, 255, 0, 0, 0));
    CHECK(eq4(a.router, 0, 0, 0, 0));
    CHECK(eq4(a.server, 0, 0, 0, 0));
    CHECK_EQ_U64(a.ndns, 0);
    CHECK_EQ_U64(a.lease_s, 0);

    /* Infinite lease; several routers (the first counts); pads between options. */
    opt(51, "\xff\xff\xff\xff", 4);
    opt_byte(0);
    opt_byte(0);
    opt(3, "\x0a\x01\x00\x01\x0a\x01\x00\x02", 8);
    opt_byte(255);
    opt(3, "\x0b\x0b\x0b\x0b", 4);      /* after END: ignored */
    if (CHECK_EQ_I64(parse(pkt_len, &a), 0)) {
        CHECK_EQ_U64(a.lease_s, 0xFFFFFFFFu);
        CHECK(eq4(a.router, 10, 1, 0, 1));
    }
}

static void test_not_an_ack(void)
{
    struct dhcp_ack a;
    static const uint8_t other_types[] = { 1, 2, 3, 4, 6, 7, 8, 0, 255 };
    for (size_t i = 0; i < sizeof(other_types); i++) {
        bootp_reply((const uint8_t[]){ 10, 0, 2, 15 });
        opt(53, &other_types[i], 1);
        opt(1, "\xff\xff\xff\x00", 4);
        opt_byte(255);
        CHECK_EQ_I64(parse(pkt_len, &a), -NP_ENOENT);
    }
    /* No message type at all: BOOTP, not DHCP. */
    bootp_reply((const uint8_t[]){ 10, 0, 2, 15 });
    opt(1, "\xff\xff\xff\x00", 4);
    opt_byte(255);
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_ENOENT);
    CHECK_EQ_I64(parse(BOOTP_LEN, &a), -NP_ENOENT);
    /* A type option with no value byte is no type. */
    bootp_reply((const uint8_t[]){ 10, 0, 2, 15 });
    opt(53, "", 0);
    opt(1, "\xff\xff\xff\x00", 4);
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_ENOENT);
    /* The last type option wins: an ACK overridden by a NAK is a NAK. */
    slirp_ack();
    pkt_len = 240 + 3 + 6 + 6 + 6 + 6 + 6;      /* drop END and the padding */
    opt(53, "\x06", 1);
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_ENOENT);
}

static void test_malformed(void)
{
    struct dhcp_ack a;
    /* A request, not a reply. */
    slirp_ack();
    pkt[0] = 1;
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_EBADMSG);
    /* No magic cookie: plain BOOTP. */
    slirp_ack();
    pkt[239] ^= 1;
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_EBADMSG);
    /* No address, or no (or a zero, or a short) mask. */
    slirp_ack();
    memset(pkt + 16, 0, 4);
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_EBADMSG);
    bootp_reply((const uint8_t[]){ 10, 0, 2, 15 });
    opt(53, "\x05", 1);
    opt(3, "\x0a\x00\x02\x02", 4);
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_EBADMSG);
    opt(1, "\x00\x00\x00\x00", 4);
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_EBADMSG);
    bootp_reply((const uint8_t[]){ 10, 0, 2, 15 });
    opt(53, "\x05", 1);
    opt(1, "\xff\xff\xff", 3);
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_EBADMSG);
    /* An option whose length runs past the packet, and one cut after its code. */
    bootp_reply((const uint8_t[]){ 10, 0, 2, 15 });
    opt(53, "\x05", 1);
    opt(1, "\xff\xff\xff\x00", 4);
    opt(6, "\x01\x01\x01\x01", 4);
    CHECK_EQ_I64(parse(pkt_len - 1, &a), -NP_EBADMSG);
    CHECK_EQ_I64(parse(pkt_len - 5, &a), -NP_EBADMSG);
    CHECK_EQ_I64(parse(pkt_len - 4, &a), -NP_EBADMSG);  /* code and length, no value */
    CHECK_EQ_I64(parse(pkt_len - 6, &a), 0);            /* without the option at all */
    pkt_len -= 6;
    opt(6, "", 0);                                      /* a DNS option with no server */
    CHECK_EQ_I64(parse(pkt_len, &a), 0);
    CHECK_EQ_U64(a.ndns, 0);
    /* On any error the result is all zero: nothing half-parsed leaks out. */
    slirp_ack();
    pkt[0] = 1;
    memset(&a, 0xEE, sizeof(a));
    CHECK_EQ_I64(parse(pkt_len, &a), -NP_EBADMSG);
    static const struct dhcp_ack zero;
    CHECK(!memcmp(&a, &zero, sizeof(a)));
}

/* Every prefix of a valid ACK: never a read past the end, and only sensible answers. */
static void test_truncations(void)
{
    struct dhcp_ack a;
    for (int which = 0; which < 2; which++) {
        which ? dnsmasq_ack() : slirp_ack();
        size_t full = pkt_len;
        for (size_t n = 0; n <= full; n++) {
            int r = parse(n, &a);
            if (n < BOOTP_LEN)
                CHECK_EQ_I64(r, -NP_EBADMSG);
            else
                CHECK(r == 0 || r == -NP_EBADMSG || r == -NP_ENOENT);
            if (r == 0)
                CHECK(eq4(a.mask, 255, 255, 255, 0));
        }
    }
}

int main(void)
{
    TEST_RUN(test_slirp);
    TEST_RUN(test_dnsmasq);
    TEST_RUN(test_minimal);
    TEST_RUN(test_not_an_ack);
    TEST_RUN(test_malformed);
    TEST_RUN(test_truncations);
    return test_finish();
}
