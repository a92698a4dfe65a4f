/* Frame building and checking for the network tests (see frames.h). */
#include "tests/unit_net/frames.h"

#include <string.h>

static uint16_t ip_id = 0x4000;

uint16_t fr_rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

uint32_t fr_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void fr_wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void fr_wr32(uint8_t *p, uint32_t v)
{
    fr_wr16(p, (uint16_t)(v >> 16));
    fr_wr16(p + 2, (uint16_t)v);
}

uint16_t fr_sum(const void *data, size_t n, uint32_t sum)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        sum += i % 2 ? p[i] : (uint32_t)p[i] << 8;
        sum = (sum & 0xFFFF) + (sum >> 16);     /* fold as we go: never overflows */
    }
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);     /* n == 0, or a large starting sum */
    return (uint16_t)sum;
}

static void eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    fr_wr16(f + 12, type);
}

size_t fr_arp(uint8_t *f, uint16_t op, const struct fr_host *from, const uint8_t eth_dst[6],
              const uint8_t target_mac[6], const uint8_t target_ip[4])
{
    uint8_t *a = f + FR_ETH_HLEN;
    eth(f, eth_dst, from->mac, FR_ETH_ARP);
    fr_wr16(a, 1);              /* hardware: Ethernet */
    fr_wr16(a + 2, FR_ETH_IPV4);
    a[4] = 6;
    a[5] = 4;
    fr_wr16(a + 6, op);
    memcpy(a + 8, from->mac, 6);
    memcpy(a + 14, from->ip, 4);
    memcpy(a + 18, target_mac, 6);
    memcpy(a + 24, target_ip, 4);
    memset(a + 28, 0, 18);      /* padded to the 60-byte minimum frame */
    return 60;
}

/* The pseudo-header sum (RFC 793 3.1, RFC 768) of the IPv4 packet at ip. */
static uint32_t pseudo_sum(const uint8_t *ip, unsigned proto, unsigned l4_len)
{
    return fr_sum(ip + 12, 8, 0) + proto + l4_len;
}

/* The checksum field's offset in the transport header, or -1 when the protocol has none we set. */
static int csum_off(uint8_t proto)
{
    return proto == FR_PROTO_TCP ? 16 : proto == FR_PROTO_UDP ? 6 : proto == FR_PROTO_ICMP ? 2 : -1;
}

static void l4_fix(uint8_t *ip, unsigned hlen, unsigned total)
{
    uint8_t proto = ip[9];
    uint8_t *l4 = ip + hlen;
    unsigned l4_len = total - hlen;
    int off = csum_off(proto);
    if (off < 0 || l4_len < (unsigned)off + 2)
        return;
    fr_wr16(l4 + off, 0);
    uint16_t s = proto == FR_PROTO_ICMP ? fr_sum(l4, l4_len, 0)
                                        : fr_sum(l4, l4_len, pseudo_sum(ip, proto, l4_len));
    uint16_t c = (uint16_t)~s;
    if (proto == FR_PROTO_UDP && c == 0)
        c = 0xFFFF;             /* 0 means "no checksum" in UDP */
    fr_wr16(l4 + off, c);
}

void fr_fix_csums(uint8_t *f, size_t len)
{
    if (len < FR_ETH_HLEN + FR_IP_HLEN || fr_rd16(f + 12) != FR_ETH_IPV4)
        return;
    uint8_t *ip = f + FR_ETH_HLEN;
    unsigned hlen = (ip[0] & 15u) * 4, total = fr_rd16(ip + 2);
    if (hlen < FR_IP_HLEN || total < hlen || FR_ETH_HLEN + total > len)
        return;
    fr_wr16(ip + 10, 0);
    fr_wr16(ip + 10, (uint16_t)~fr_sum(ip, hlen, 0));
    if (!(fr_rd16(ip + 6) & 0x3FFF))
        l4_fix(ip, hlen, total);
}

size_t fr_ipv4(uint8_t *f, const struct fr_host *src, const struct fr_host *dst, uint8_t proto,
               const void *l4, size_t l4_len)
{
    uint8_t *ip = f + FR_ETH_HLEN;
    eth(f, dst->mac, src->mac, FR_ETH_IPV4);
    ip[0] = 0x45;
    ip[1] = 0;
    fr_wr16(ip + 2, (uint16_t)(FR_IP_HLEN + l4_len));
    fr_wr16(ip + 4, ip_id++);
    fr_wr16(ip + 6, 0x4000);    /* DF */
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, src->ip, 4);
    memcpy(ip + 16, dst->ip, 4);
    memmove(ip + FR_IP_HLEN, l4, l4_len);
    size_t len = FR_ETH_HLEN + FR_IP_HLEN + l4_len;
    fr_fix_csums(f, len);
    if (len < 60) {
        memset(f + len, 0, 60 - len);   /* Ethernet padding */
        len = 60;
    }
    return len;
}

size_t fr_icmp_echo(uint8_t *f, const struct fr_host *src, const struct fr_host *dst, uint8_t type,
                    uint16_t id, uint16_t seq, const void *data, size_t n)
{
    uint8_t l4[FR_MAX];
    l4[0] = type;
    l4[1] = 0;
    fr_wr16(l4 + 2, 0);
    fr_wr16(l4 + 4, id);
    fr_wr16(l4 + 6, seq);
    if (n)
        memcpy(l4 + 8, data, n);
    return fr_ipv4(f, src, dst, FR_PROTO_ICMP, l4, 8 + n);
}

size_t fr_udp(uint8_t *f, const struct fr_host *src, const struct fr_host *dst, uint16_t sport,
              uint16_t dport, const void *data, size_t n)
{
    uint8_t l4[FR_MAX];
    fr_wr16(l4, sport);
    fr_wr16(l4 + 2, dport);
    fr_wr16(l4 + 4, (uint16_t)(8 + n));
    fr_wr16(l4 + 6, 0);
    if (n)
        memcpy(l4 + 8, data, n);
    return fr_ipv4(f, src, dst, FR_PROTO_UDP, l4, 8 + n);
}

size_t fr_tcp(uint8_t *f, const struct fr_host *src, const struct fr_host *dst, uint16_t sport,
              uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const void *data, size_t n)
{
    uint8_t l4[FR_MAX];
    unsigned hlen = flags & FR_TCP_SYN ? 24 : 20;
    fr_wr16(l4, sport);
    fr_wr16(l4 + 2, dport);
    fr_wr32(l4 + 4, seq);
    fr_wr32(l4 + 8, ack);
    l4[12] = (uint8_t)(hlen / 4 << 4);
    l4[13] = flags;
    fr_wr16(l4 + 14, 8192);
    fr_wr32(l4 + 16, 0);        /* checksum, urgent pointer */
    if (hlen == 24)
        fr_wr32(l4 + 20, 0x020405B4);   /* MSS 1460 */
    if (n)
        memcpy(l4 + hlen, data, n);
    return fr_ipv4(f, src, dst, FR_PROTO_TCP, l4, hlen + n);
}

static bool parse_ipv4(const uint8_t *ip, size_t avail, struct fr_view *v)
{
    if (avail < FR_IP_HLEN || ip[0] >> 4 != 4)
        return false;
    v->ip = ip;
    v->ip_hlen = (ip[0] & 15u) * 4;
    v->ip_total = fr_rd16(ip + 2);
    if (v->ip_hlen < FR_IP_HLEN || v->ip_total < v->ip_hlen || v->ip_total > avail)
        return false;
    v->proto = ip[9];
    v->ip_src = ip + 12;
    v->ip_dst = ip + 16;
    v->l4 = ip + v->ip_hlen;
    v->l4_len = v->ip_total - v->ip_hlen;
    if (v->proto == FR_PROTO_UDP && v->l4_len >= 8) {
        v->sport = fr_rd16(v->l4);
        v->dport = fr_rd16(v->l4 + 2);
        v->payload = v->l4 + 8;
        v->payload_len = v->l4_len - 8;
    } else if (v->proto == FR_PROTO_TCP && v->l4_len >= 20) {
        unsigned doff = (v->l4[12] >> 4) * 4u;
        if (doff < 20 || doff > v->l4_len)
            return false;
        v->sport = fr_rd16(v->l4);
        v->dport = fr_rd16(v->l4 + 2);
        v->seq = fr_rd32(v->l4 + 4);
        v->ack = fr_rd32(v->l4 + 8);
        v->tcp_flags = v->l4[13];
        v->payload = v->l4 + doff;
        v->payload_len = v->l4_len - doff;
    } else if (v->proto == FR_PROTO_ICMP && v->l4_len >= 8) {
        v->payload = v->l4 + 8;
        v->payload_len = v->l4_len - 8;
    }
    return true;
}

bool fr_parse(const uint8_t *f, size_t len, struct fr_view *v)
{
    memset(v, 0, sizeof(*v));
    if (len < FR_ETH_HLEN)
        return false;
    v->eth_dst = f;
    v->eth_src = f + 6;
    v->ethertype = fr_rd16(f + 12);
    const uint8_t *a = f + FR_ETH_HLEN;
    if (v->ethertype == FR_ETH_ARP) {
        if (len < FR_ETH_HLEN + 28 || fr_rd16(a) != 1 || fr_rd16(a + 2) != FR_ETH_IPV4 || a[4] != 6 || a[5] != 4)
            return false;
        v->arp_op = fr_rd16(a + 6);
        v->arp_sha = a + 8;
        v->arp_spa = a + 14;
        v->arp_tha = a + 18;
        v->arp_tpa = a + 24;
        return true;
    }
    return v->ethertype == FR_ETH_IPV4 && parse_ipv4(a, len - FR_ETH_HLEN, v);
}

bool fr_csums_ok(const uint8_t *f, size_t len)
{
    struct fr_view v;
    if (!fr_parse(f, len, &v) || v.ethertype != FR_ETH_IPV4)
        return false;
    if (fr_sum(v.ip, v.ip_hlen, 0) != 0xFFFF)
        return false;
    if (v.proto == FR_PROTO_ICMP)
        return fr_sum(v.l4, v.l4_len, 0) == 0xFFFF;
    if (v.proto == FR_PROTO_UDP && v.l4_len >= 8 && fr_rd16(v.l4 + 6) == 0)
        return true;
    if (v.proto == FR_PROTO_TCP || v.proto == FR_PROTO_UDP)
        return fr_sum(v.l4, v.l4_len, pseudo_sum(v.ip, v.proto, v.l4_len)) == 0xFFFF;
    return true;
}
