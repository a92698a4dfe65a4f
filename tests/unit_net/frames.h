/*
 * The frames the network tests send and the checks on the frames they get back: Ethernet,
 * ARP (RFC 826), IPv4 (RFC 791) carrying ICMP echo (RFC 792), UDP (RFC 768) and TCP (RFC 793).
 * Checksums are computed here, byte by byte (RFC 1071), independently of lwIP and of
 * net/lwip-port/inet_csum.c.
 */
#ifndef TESTS_UNIT_NET_FRAMES_H
#define TESTS_UNIT_NET_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FR_ETH_HLEN     14
#define FR_IP_HLEN      20
#define FR_MAX          1600

#define FR_ETH_IPV4     0x0800
#define FR_ETH_ARP      0x0806
#define FR_PROTO_ICMP   1
#define FR_PROTO_TCP    6
#define FR_PROTO_UDP    17

#define FR_TCP_FIN      0x01
#define FR_TCP_SYN      0x02
#define FR_TCP_RST      0x04
#define FR_TCP_PSH      0x08
#define FR_TCP_ACK      0x10

/* One end of a conversation. */
struct fr_host {
    uint8_t mac[6];
    uint8_t ip[4];
};

/* What fr_parse finds in a frame: pointers into it, lengths bounded by it. */
struct fr_view {
    uint16_t ethertype;
    const uint8_t *eth_dst, *eth_src;
    /* ARP */
    uint16_t arp_op;
    const uint8_t *arp_sha, *arp_spa, *arp_tha, *arp_tpa;
    /* IPv4 */
    const uint8_t *ip;
    unsigned ip_hlen, ip_total;
    uint8_t proto;
    const uint8_t *ip_src, *ip_dst;
    const uint8_t *l4;
    unsigned l4_len;
    /* TCP / UDP */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t tcp_flags;
    const uint8_t *payload;
    unsigned payload_len;
};

uint16_t fr_rd16(const uint8_t *p);
uint32_t fr_rd32(const uint8_t *p);
void fr_wr16(uint8_t *p, uint16_t v);
void fr_wr32(uint8_t *p, uint32_t v);

/* The folded one's-complement sum of n bytes on top of sum (not complemented). */
uint16_t fr_sum(const void *p, size_t n, uint32_t sum);

/* ARP request (op 1) or reply (op 2) from `from` about target_ip; Ethernet to eth_dst. */
size_t fr_arp(uint8_t *f, uint16_t op, const struct fr_host *from, const uint8_t eth_dst[6],
              const uint8_t target_mac[6], const uint8_t target_ip[4]);

/* IPv4 from src to dst around l4 (l4_len bytes), header checksum filled, id, TTL 64. */
size_t fr_ipv4(uint8_t *f, const struct fr_host *src, const struct fr_host *dst, uint8_t proto,
               const void *l4, size_t l4_len);
/* ICMP echo request (type 8) or reply (0) with its checksum. */
size_t fr_icmp_echo(uint8_t *f, const struct fr_host *src, const struct fr_host *dst, uint8_t type,
                    uint16_t id, uint16_t seq, const void *data, size_t n);
/* UDP with its checksum (pseudo-header included; 0 sent as 0xFFFF). */
size_t fr_udp(uint8_t *f, const struct fr_host *src, const struct fr_host *dst, uint16_t sport,
              uint16_t dport, const void *data, size_t n);
/* TCP with a 20-byte header (or 24 with an MSS option when flags has SYN), window 8192. */
size_t fr_tcp(uint8_t *f, const struct fr_host *src, const struct fr_host *dst, uint16_t sport,
              uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const void *data, size_t n);

/* Recomputes the IPv4 header checksum and the TCP/UDP/ICMP one of an IPv4 frame in place. */
void fr_fix_csums(uint8_t *f, size_t len);

/* Reads what it can; false when the frame is not well-formed Ethernet/ARP/IPv4. */
bool fr_parse(const uint8_t *f, size_t len, struct fr_view *v);
/* True when the IPv4 header checksum and the ICMP/TCP/UDP checksum of the frame hold. */
bool fr_csums_ok(const uint8_t *f, size_t len);

#endif
