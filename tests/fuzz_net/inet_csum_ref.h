/*
 * A reference for inet_frame_csum_ok (net/lwip-port/inet_csum.h), written from the RFCs and the
 * header's contract rather than from the code, for the fuzzer and the unit test to compare with:
 *  - not IPv4 (frame shorter than an Ethernet header, or another EtherType): accepted;
 *  - IPv4 header shorter than 20 bytes, version not 4, IHL < 5, total length below the header
 *    or past the frame: rejected; Ethernet padding past the total length is not checked;
 *  - header checksum wrong (RFC 791): rejected;
 *  - a fragment (MF set or an offset): accepted, the transport checksum spans the datagram;
 *  - TCP shorter than 20 bytes or UDP shorter than 8: rejected;
 *  - UDP with checksum 0 (RFC 768: none sent): accepted;
 *  - TCP or UDP: the checksum over the pseudo-header and the segment must hold (RFC 793, 768);
 *  - any other protocol: accepted.
 */
#ifndef TESTS_FUZZ_NET_INET_CSUM_REF_H
#define TESTS_FUZZ_NET_INET_CSUM_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The byte at i of the 16-bit-word stream, odd lengths padded with a zero byte (RFC 1071). */
static inline uint32_t ref_word(const uint8_t *p, size_t n, size_t i)
{
    return (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
}

/* True when the one's-complement sum of the pieces is all ones (the checksum holds). */
static inline bool ref_sum_ok(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    uint64_t s = 0;
    for (size_t i = 0; i < na; i += 2)
        s += ref_word(a, na, i);
    for (size_t i = 0; i < nb; i += 2)
        s += ref_word(b, nb, i);
    while (s > 0xFFFF)
        s = (s >> 16) + (s & 0xFFFF);
    return s == 0xFFFF;
}

static inline bool ref_inet_frame_csum_ok(const uint8_t *f, size_t len)
{
    if (len < 14 || f[12] != 0x08 || f[13] != 0x00)
        return true;
    const uint8_t *ip = f + 14;
    size_t avail = len - 14;
    if (avail < 20)
        return false;
    unsigned version = ip[0] >> 4, ihl = ip[0] & 0x0F;
    size_t hlen = 4u * ihl, total = (size_t)ip[2] << 8 | ip[3];
    if (version != 4 || ihl < 5 || total < hlen || total > avail)
        return false;
    if (!ref_sum_ok(ip, hlen, NULL, 0))
        return false;
    bool more_fragments = ip[6] & 0x20;
    unsigned offset = (unsigned)(ip[6] & 0x1F) << 8 | ip[7];
    if (more_fragments || offset)
        return true;
    const uint8_t *seg = ip + hlen;
    size_t seg_len = total - hlen;
    if (ip[9] == 6 && seg_len < 20)
        return false;
    if (ip[9] == 17 && seg_len < 8)
        return false;
    if (ip[9] == 17 && seg[6] == 0 && seg[7] == 0)
        return true;
    if (ip[9] != 6 && ip[9] != 17)
        return true;
    const uint8_t pseudo[12] = {
        ip[12], ip[13], ip[14], ip[15], ip[16], ip[17], ip[18], ip[19],
        0, ip[9], (uint8_t)(seg_len >> 8), (uint8_t)seg_len,
    };
    return ref_sum_ok(pseudo, sizeof(pseudo), seg, seg_len);
}

#endif
