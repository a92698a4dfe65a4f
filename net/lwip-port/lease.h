/*
 * Says on the console what happens to a DHCP lease while netplant runs: bound (with its
 * times), renewing at T1, rebinding at T2, renewed, lost (expired, or refused with a DHCPNAK)
 * and got again (RFC 2131 4.4.5). lwIP calls nobody back for these, so the main loop polls
 * the client's state and each change becomes one line.
 */
#ifndef NET_LEASE_H
#define NET_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/netif.h"

enum lease_event {
    LEASE_NONE,
    LEASE_BOUND,        /* a new lease (the first, or one after a loss) */
    LEASE_RENEWING,     /* T1: asking the server that gave it (unicast) */
    LEASE_REBINDING,    /* T2: that server did not answer; asking any (broadcast) */
    LEASE_CONFIRMING,   /* the link came back: asking whether the lease still holds */
    LEASE_RENEWED,      /* an ACK while renewing, rebinding or confirming */
    LEASE_EXPIRED,      /* lost: its time ran out */
    LEASE_REFUSED,      /* lost before its end: a DHCPNAK to a renewal or rebind */
    LEASE_UNCONFIRMED,  /* lost after the link came back: a DHCPNAK, or no answer */
};

struct lease_watch {
    uint8_t state;          /* lwIP's DHCP_STATE_* last seen */
    uint64_t bound_ms;      /* when the lease last became valid */
    uint32_t lease_s;       /* its length; 0xFFFFFFFF = infinite */
    ip4_addr_t addr;        /* its address, for the line that says it is lost */
};

/*
 * The event of one change of lwIP's DHCP state from `from` to `to` (DHCP_STATE_*); expired:
 * the lease's time is up. Pure.
 */
enum lease_event lease_event_of(uint8_t from, uint8_t to, bool expired);

/* Looks at netif's DHCP client; logs a line when its lease changed. Returns the event. */
enum lease_event lease_watch_poll(struct lease_watch *w, struct netif *netif, uint64_t now_ms);

/*
 * For netif's status callback (its address changed). A NAK or an expiry takes the address at
 * once, and the next lease may be bound before the next poll: the loss is said here, when the
 * address goes. Returns the event.
 */
enum lease_event lease_watch_addr_changed(struct lease_watch *w, struct netif *netif, uint64_t now_ms);

#endif
