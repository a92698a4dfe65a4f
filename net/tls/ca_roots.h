/*
 * The built-in trust anchors: the Mozilla CA set from Debian's ca-certificates package,
 * converted to DER at build time (tools/mkcaroots into the build tree; never committed).
 * Root i is ca_roots_der[ca_roots_off[i] .. ca_roots_off[i + 1]).
 */
#ifndef NET_TLS_CA_ROOTS_H
#define NET_TLS_CA_ROOTS_H

#include <stdint.h>

extern const char ca_roots_source[];        /* "ca-certificates 20230311+deb12u1" */
extern const unsigned ca_roots_count;
extern const uint32_t ca_roots_off[];
extern const uint8_t ca_roots_der[];

#endif
