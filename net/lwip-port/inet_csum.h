/* Software checks of a received frame's IPv4, TCP and UDP checksums (pure). */
#ifndef NET_INET_CSUM_H
#define NET_INET_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * True when an Ethernet frame's checksums are right, or it carries nothing we check (not IPv4,
 * a fragment, UDP without a checksum). False for a bad checksum or a truncated header.
 */
bool inet_frame_csum_ok(const uint8_t *frame, size_t len);

/*
 * lwIP's LWIP_CHKSUM: the RFC 1071 one's-complement sum of len bytes (folded, not complemented)
 * as lwIP's lwip_standard_chksum gives it: in network byte order, an odd last byte as the high
 * half of a word. Sums 8 bytes a step (under TCG each guest instruction counts: lwIP's C takes
 * about twice as many per byte). Little-endian hosts only.
 */
uint16_t inet_sum16(const void *data, int len);

#endif
