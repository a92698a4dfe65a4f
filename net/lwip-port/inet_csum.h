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

#endif
