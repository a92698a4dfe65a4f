/*
 * net/lwip-port/inet_csum.c: the software check of a received frame's IPv4 header checksum
 * and TCP/UDP checksum (RFC 791, 793, 768, 1071), on frames built by frames.c; then every
 * single-bit error, every truncation and random mutations against the reference in
 * tests/fuzz_net/inet_csum_ref.h.
 */
#include <stdlib.h>

#include "net/lwip-port/inet_csum.h"
#include "tests/fuzz_net/inet_csum_ref.h"
#include "tests/unit/test.h"
#include "tests/unit_net/frames.h"

static const struct fr_host peer = { { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 }, { 10, 0, 2, 2 } };
static const struct fr_host self = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, { 10, 0, 2, 15 } };

static uint8_t frame[FR_MAX];

/* Checked on an exact-size heap copy, so that ASan sees any read past the frame's end. */
static bool csum_ok(const uint8_t *f, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, f, len);
    bool ok = inet_frame_csum_ok(copy, len);
    free(copy);
    return ok;
}

static size_t make_tcp(size_t payload)
{
    uint8_t data[1400];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + 3);
    return fr_tcp(frame, &peer, &self, 40000, 80, 1000, 2000, FR_TCP_ACK | FR_TCP_PSH, data, payload);
}

static size_t make_udp(size_t payload)
{
    uint8_t data[1400];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 13 + 1);
    return fr_udp(frame, &peer, &self, 53, 40001, data, payload);
}

static void test_valid(void)
{
    static const size_t sizes[] = { 0, 1, 2, 3, 17, 100, 1001, 1400 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t len = make_tcp(sizes[i]);
        if (!CHECK(csum_ok(frame, len)))
            fprintf(stderr, "  TCP with %zu bytes\n", sizes[i]);
        len = make_udp(sizes[i]);
        if (!CHECK(csum_ok(frame, len)))
            fprintf(stderr, "  UDP with %zu bytes\n", sizes[i]);
    }
    size_t len = fr_tcp(frame, &peer, &self, 40000, 80, 1, 0, FR_TCP_SYN, NULL, 0);
    CHECK(csum_ok(frame, len));
    len = fr_icmp_echo(frame, &peer, &self, 8, 1, 1, "ping", 4);
    CHECK(csum_ok(frame, len));
}

/* Not IPv4, or too short to say: nothing to check, accepted. */
static void test_not_ipv4(void)
{
    size_t len = fr_arp(frame, 1, &peer, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
                        (const uint8_t[6]){ 0 }, self.ip);
    CHECK(csum_ok(frame, len));
    len = make_tcp(10);
    fr_wr16(frame + 12, 0x86DD);    /* IPv6 */
    CHECK(csum_ok(frame, len));
    fr_wr16(frame + 12, 0x8100);    /* an 802.1Q tag: lwIP is built without VLAN support */
    CHECK(csum_ok(frame, len));
    for (size_t n = 0; n < FR_ETH_HLEN; n++)
        CHECK(csum_ok(frame, n));
}

/* A single bit flipped anywhere in the IP header or the segment is caught. */
static void test_bit_flips(void)
{
    for (int proto = 0; proto < 2; proto++) {
        size_t len = proto ? make_udp(33) : make_tcp(33);
        size_t end = FR_ETH_HLEN + fr_rd16(frame + FR_ETH_HLEN + 2);
        for (size_t i = FR_ETH_HLEN; i < end; i++) {
            for (int bit = 0; bit < 8; bit++) {
                frame[i] ^= (uint8_t)(1u << bit);
                if (!CHECK(!csum_ok(frame, len)))
                    fprintf(stderr, "  %s: byte %zu bit %d flipped, still accepted\n",
                            proto ? "UDP" : "TCP", i, bit);
                frame[i] ^= (uint8_t)(1u << bit);
            }
        }
        CHECK(csum_ok(frame, len));
    }
}

/* Ethernet pads short frames to 60 bytes, with whatever the sender had: never summed. */
static void test_padding(void)
{
    size_t len = make_tcp(3);       /* 57 bytes of frame: padded to 60 */
    CHECK_EQ_U64(len, 60);
    memset(frame + 57, 0xA5, 3);
    CHECK(csum_ok(frame, len));
    len = make_udp(1);              /* odd: the pad byte after the last one must count as zero */
    memset(frame + 43, 0xFF, len - 43);
    CHECK(csum_ok(frame, len));
    /* A longer frame than the IP total (a device that pads to a 64-byte boundary, say). */
    len = make_udp(101);
    memset(frame + len, 0x77, 40);
    CHECK(csum_ok(frame, len + 40));
}

/* Headers the length fields do not leave room for are rejected, never read past. */
static void test_truncated(void)
{
    size_t len = make_tcp(40);
    for (size_t n = FR_ETH_HLEN; n < len; n++)
        if (!CHECK(!csum_ok(frame, n)))
            fprintf(stderr, "  TCP frame cut to %zu of %zu bytes accepted\n", n, len);
    len = make_udp(40);
    for (size_t n = FR_ETH_HLEN; n < len; n++)
        CHECK(!csum_ok(frame, n));

    uint8_t *ip = frame + FR_ETH_HLEN;
    /* IHL below 5; total length below the header; version 6 in an IPv4 frame. */
    len = make_udp(8);
    ip[0] = 0x44;
    fr_fix_csums(frame, len);
    CHECK(!csum_ok(frame, len));
    len = make_udp(8);
    fr_wr16(ip + 2, 19);
    fr_wr16(ip + 10, 0);
    fr_wr16(ip + 10, (uint16_t)~fr_sum(ip, 20, 0));
    CHECK(!csum_ok(frame, len));
    len = make_udp(8);
    ip[0] = 0x65;
    fr_fix_csums(frame, len);
    CHECK(!csum_ok(frame, len));

    /* TCP shorter than its 20-byte header, UDP shorter than 8, with right IP checksums. */
    uint8_t seg[19] = { 0 };
    len = fr_ipv4(frame, &peer, &self, FR_PROTO_TCP, seg, sizeof(seg));
    CHECK(!csum_ok(frame, len));
    len = fr_ipv4(frame, &peer, &self, FR_PROTO_UDP, seg, 7);
    CHECK(!csum_ok(frame, len));
}

/* Options make a longer header; the segment starts after them. */
static void test_ip_options(void)
{
    uint8_t data[64];
    memset(data, 0x3C, sizeof(data));
    for (unsigned ihl = 6; ihl <= 15; ihl++) {
        size_t len = make_udp(20);
        uint8_t *ip = frame + FR_ETH_HLEN;
        unsigned extra = (ihl - 5) * 4;
        memmove(ip + 20 + extra, ip + 20, 28);
        memset(ip + 20, 1, extra);      /* NOP options */
        ip[0] = (uint8_t)(0x40 | ihl);
        fr_wr16(ip + 2, (uint16_t)(20 + extra + 28));
        len = FR_ETH_HLEN + 20 + extra + 28;
        fr_fix_csums(frame, len);
        if (!CHECK(csum_ok(frame, len)))
            fprintf(stderr, "  IHL %u\n", ihl);
        ip[20 + extra + 9] ^= 1;        /* a payload byte */
        CHECK(!csum_ok(frame, len));
    }
}

static void test_udp_zero_and_ffff(void)
{
    /* 0: the sender computed none, whatever the data says. */
    size_t len = make_udp(30);
    uint8_t *udp = frame + FR_ETH_HLEN + FR_IP_HLEN;
    fr_wr16(udp + 6, 0);
    udp[20] ^= 0xFF;
    CHECK(csum_ok(frame, len));

    /* A segment whose checksum computes to 0 goes out as 0xFFFF (RFC 768), and is right. */
    uint8_t data[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 0, 0 };
    len = fr_udp(frame, &peer, &self, 53, 40001, data, sizeof(data));
    /* Choose the last data word so that the sum without the checksum is all ones. */
    fr_wr16(udp + 6, 0);
    uint8_t *last = udp + 8 + 8;
    fr_wr16(last, 0);
    uint16_t s = fr_sum(udp, 18, fr_sum(frame + FR_ETH_HLEN + 12, 8, 0) + FR_PROTO_UDP + 18);
    fr_wr16(last, (uint16_t)~s);
    CHECK_EQ_U64(fr_sum(udp, 18, fr_sum(frame + FR_ETH_HLEN + 12, 8, 0) + FR_PROTO_UDP + 18), 0xFFFF);
    fr_wr16(udp + 6, 0xFFFF);
    CHECK(csum_ok(frame, len));
}

/* The transport checksum of a fragment is not checked; its IP header checksum is. */
static void test_fragments(void)
{
    uint8_t *ip = frame + FR_ETH_HLEN;
    static const uint16_t frag[] = { 0x2000, 0x0001, 0x00B9, 0x1FFF, 0x6000, 0x2010 };
    for (size_t i = 0; i < sizeof(frag) / sizeof(frag[0]); i++) {
        size_t len = make_tcp(24);
        ip[FR_IP_HLEN + 30] ^= 0x55;    /* a bad TCP checksum */
        fr_wr16(ip + 6, frag[i]);
        fr_wr16(ip + 10, 0);
        fr_wr16(ip + 10, (uint16_t)~fr_sum(ip, 20, 0));
        if (!CHECK(csum_ok(frame, len)))
            fprintf(stderr, "  flags/offset 0x%04x\n", frag[i]);
        ip[8] ^= 1;                     /* TTL: now the IP checksum is wrong */
        CHECK(!csum_ok(frame, len));
    }
    /* DF alone is not a fragment: the TCP checksum is checked. */
    size_t len = make_tcp(24);
    CHECK_EQ_U64(fr_rd16(ip + 6), 0x4000);
    ip[FR_IP_HLEN + 30] ^= 0x55;
    CHECK(!csum_ok(frame, len));
}

/* Protocols other than TCP and UDP carry nothing this function checks (ICMP included). */
static void test_other_protocols(void)
{
    size_t len = fr_icmp_echo(frame, &peer, &self, 8, 7, 9, "abcdefgh", 8);
    frame[len - 20] ^= 0x10;    /* ICMP data: its checksum is now wrong */
    CHECK(csum_ok(frame, len));
    uint8_t body[12] = { 0 };
    len = fr_ipv4(frame, &peer, &self, 2 /* IGMP */, body, sizeof(body));
    CHECK(csum_ok(frame, len));
    len = fr_ipv4(frame, &peer, &self, 47 /* GRE */, body, 1);
    CHECK(csum_ok(frame, len));
}

/* Random damage to valid frames, each answer compared with the reference. */
static void test_against_reference(void)
{
    test_seed(0x1C5);
    unsigned disagreements = 0, accepted = 0;
    for (unsigned iter = 0; iter < 200000; iter++) {
        size_t len;
        switch (test_rand_below(4)) {
        case 0: len = make_tcp(test_rand_below(200)); break;
        case 1: len = make_udp(test_rand_below(200)); break;
        case 2: len = fr_icmp_echo(frame, &peer, &self, 8, 1, 2, "x", 1); break;
        default: len = FR_ETH_HLEN + test_rand_below(300);
                 for (size_t i = 0; i < len; i++)
                     frame[i] = (uint8_t)test_rand();
                 fr_wr16(frame + 12, 0x0800);
                 frame[14] = (uint8_t)(0x45 + test_rand_below(2));
                 break;
        }
        /* Damage: a few bytes, maybe a length field, maybe the checksums redone after. */
        unsigned hits = (unsigned)test_rand_below(3);
        for (unsigned h = 0; h < hits; h++)
            frame[test_rand_below(len)] ^= (uint8_t)(1u << test_rand_below(8));
        if (test_rand_below(4) == 0)
            fr_wr16(frame + 16, (uint16_t)test_rand_below(len + 8));
        if (test_rand_below(2))
            fr_fix_csums(frame, len);
        if (test_rand_below(4) == 0)
            len = test_rand_below(len + 1);
        bool got = csum_ok(frame, len), want = ref_inet_frame_csum_ok(frame, len);
        accepted += want;
        if (got != want && disagreements++ < 5) {
            CHECK_EQ_U64(got, want);
            fprintf(stderr, "  len %zu:", len);
            for (size_t i = 0; i < len && i < 64; i++)
                fprintf(stderr, " %02x", frame[i]);
            fprintf(stderr, "\n");
        }
    }
    CHECK_EQ_U64(disagreements, 0);
    CHECK(accepted > 20000);    /* both answers were exercised */
}

/* lwIP's algorithm 1, byte by byte: the reference inet_sum16 must equal. */
static uint16_t sum16_ref(const uint8_t *p, int len)
{
    uint32_t acc = 0;
    for (; len > 1; p += 2, len -= 2)
        acc += (uint32_t)(p[0] << 8 | p[1]);
    if (len > 0)
        acc += (uint32_t)p[0] << 8;
    while (acc >> 16)
        acc = (acc & 0xFFFF) + (acc >> 16);
    return (uint16_t)((acc & 0xFF) << 8 | acc >> 8);     /* lwip_htons on a little-endian host */
}

/* Every length 0-80 at every start 0-7, long all-0xFF runs (carries), 65535 bytes: as lwIP's. */
static void test_sum16(void)
{
    static uint8_t buf[65536 + 8];
    srand(7);
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rand();
    for (int off = 0; off < 8; off++)
        for (int len = 0; len <= 80; len++)
            CHECK_EQ_U64(inet_sum16(buf + off, len), sum16_ref(buf + off, len));
    CHECK_EQ_U64(inet_sum16(buf + 3, 65535), sum16_ref(buf + 3, 65535));
    memset(buf, 0xFF, sizeof(buf));
    for (int len = 1499; len <= 1501; len++)
        CHECK_EQ_U64(inet_sum16(buf + 1, len), sum16_ref(buf + 1, len));
    CHECK_EQ_U64(inet_sum16(buf, 65535), sum16_ref(buf, 65535));
    CHECK_EQ_U64(inet_sum16(buf, -1), 0);
}

int main(void)
{
    TEST_RUN(test_valid);
    TEST_RUN(test_not_ipv4);
    TEST_RUN(test_bit_flips);
    TEST_RUN(test_padding);
    TEST_RUN(test_truncated);
    TEST_RUN(test_ip_options);
    TEST_RUN(test_udp_zero_and_ffff);
    TEST_RUN(test_fragments);
    TEST_RUN(test_other_protocols);
    TEST_RUN(test_against_reference);
    TEST_RUN(test_sum16);
    return test_finish();
}
