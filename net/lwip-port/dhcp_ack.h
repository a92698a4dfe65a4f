/* The DHCP ACK a boot loader passes on (Multiboot2 network tag), read as pure data. */
#ifndef NET_DHCP_ACK_H
#define NET_DHCP_ACK_H

#include <stddef.h>
#include <stdint.h>

struct dhcp_ack {
    uint8_t chaddr[6];      /* the client the ACK was for */
    uint8_t addr[4];        /* yiaddr */
    uint8_t mask[4];
    uint8_t router[4];      /* 0.0.0.0 when none */
    uint8_t dns[2][4];
    unsigned ndns;
    uint8_t server[4];
    uint32_t lease_s;       /* 0xFFFFFFFF = infinite */
};

/*
 * Parses a BOOTP/DHCP packet (RFC 2131/2132): a reply with the magic cookie, message type ACK,
 * an address and a subnet mask. Returns 0, or -NP_EBADMSG / -NP_ENOENT (not an ACK).
 */
int dhcp_ack_parse(const uint8_t *pkt, size_t len, struct dhcp_ack *out);

#endif
