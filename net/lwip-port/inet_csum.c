#include "net/lwip-port/inet_csum.h"

#define ETH_HLEN        14
#define ETHTYPE_IPV4    0x0800
#define IPPROTO_TCP     6
#define IPPROTO_UDP     17

static uint16_t rd16be(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* The RFC 1071 sum, not folded or complemented. */
static uint64_t sum_bytes(const uint8_t *p, size_t n, uint64_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += rd16be(p + i);
    if (n & 1)
        sum += (uint64_t)p[n - 1] << 8;
    return sum;
}

static uint16_t fold(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)sum;
}

bool inet_frame_csum_ok(const uint8_t *f, size_t len)
{
    if (len < ETH_HLEN || rd16be(f + 12) != ETHTYPE_IPV4)
        return true;
    const uint8_t *ip = f + ETH_HLEN;
    size_t avail = len - ETH_HLEN;
    if (avail < 20 || (ip[0] >> 4) != 4)
        return false;
    size_t ihl = (size_t)(ip[0] & 15) * 4, total = rd16be(ip + 2);
    if (ihl < 20 || total < ihl || total > avail)
        return false;
    if (fold(sum_bytes(ip, ihl, 0)) != 0xFFFF)
        return false;
    if (rd16be(ip + 6) & 0x3FFF)
        return true;    /* a fragment: the transport checksum spans the reassembled datagram */
    const uint8_t *l4 = ip + ihl;
    size_t l4len = total - ihl;
    uint8_t proto = ip[9];
    if (proto == IPPROTO_UDP && (l4len < 8 || rd16be(l4 + 6) == 0))
        return l4len >= 8;  /* a zero UDP checksum means none was sent */
    if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
        return true;
    if (proto == IPPROTO_TCP && l4len < 20)
        return false;
    /* Pseudo-header: source, destination, protocol, transport length. */
    uint64_t sum = sum_bytes(ip + 12, 8, 0) + proto + l4len;
    return fold(sum_bytes(l4, l4len, sum)) == 0xFFFF;
}

uint16_t inet_sum16(const void *data, int len)
{
    const uint8_t *p = data;
    size_t n = len > 0 ? (size_t)len : 0;
    uint64_t acc = 0;
    /* Little-endian words: their sum is the byte swap of the big-endian sum (RFC 1071 2(B)),
       which is the network-order result lwIP wants. 32 bytes a step in one add-with-carry
       chain, the end-around carry folded back in: 2 instructions per 8 bytes. */
    if (n >= 32) {
        size_t blocks = n / 32;
        __asm__("clc\n"
                "1:\n\t"
                "adcq 0(%[p]), %[acc]\n\t"
                "adcq 8(%[p]), %[acc]\n\t"
                "adcq 16(%[p]), %[acc]\n\t"
                "adcq 24(%[p]), %[acc]\n\t"
                "leaq 32(%[p]), %[p]\n\t"     /* lea and dec leave CF alone */
                "decq %[k]\n\t"
                "jnz 1b\n\t"
                "adcq $0, %[acc]"
                : [acc] "+r"(acc), [p] "+r"(p), [k] "+r"(blocks)
                : "m"(*(const uint8_t(*)[n / 32 * 32])p)
                : "cc");
        n %= 32;
    }
    /* acc is a 64-bit one's-complement sum: fold it to 32 bits first, then add the rest. */
    acc = (acc & 0xFFFFFFFF) + (acc >> 32);
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        __builtin_memcpy(&w, p, 8);
        acc += (uint32_t)w;
        acc += w >> 32;
    }
    if (n >= 4) {
        uint32_t w;
        __builtin_memcpy(&w, p, 4);
        acc += w;
        p += 4, n -= 4;
    }
    if (n >= 2) {
        uint16_t w;
        __builtin_memcpy(&w, p, 2);
        acc += w;
        p += 2, n -= 2;
    }
    if (n)
        acc += *p;      /* the low byte of a little-endian word: the high one on the wire */
    return fold(acc);
}
