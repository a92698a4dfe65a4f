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
