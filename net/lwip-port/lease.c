/* The DHCP lease's changes as console lines (see lease.h). */
#include "net/lwip-port/lease.h"

#include "kernel/console.h"
#include "lwip/dhcp.h"
#include "lwip/ip4_addr.h"
#include "lwip/prot/dhcp.h"

#define LEASE_INFINITE  0xFFFFFFFFu
#define TICK_SLACK_MS   1000    /* lwIP's lease timer fires up to one 1 s tick early */

/*
 * patches/lwip/0002 and lwipopts.h: lease timers in 32-bit counts of 1 s ticks. Without them a
 * lease under two minutes expires before it is renewed, and one of days is cut short.
 */
_Static_assert(DHCP_COARSE_TIMER_SECS == 1, "lwipopts.h must set DHCP_COARSE_TIMER_SECS to 1");
_Static_assert(sizeof(((struct dhcp *)0)->t0_timeout) == 4, "lwIP lacks patches/lwip/0002-dhcp-lease-timers.patch");

static bool holds_lease(uint8_t s)
{
    return s == DHCP_STATE_BOUND || s == DHCP_STATE_RENEWING || s == DHCP_STATE_REBINDING ||
           s == DHCP_STATE_REBOOTING;
}

enum lease_event lease_event_of(uint8_t from, uint8_t to, bool expired)
{
    if (from == to)
        return LEASE_NONE;
    switch (to) {
    case DHCP_STATE_BOUND:
        return holds_lease(from) ? LEASE_RENEWED : LEASE_BOUND;
    case DHCP_STATE_RENEWING:
        return LEASE_RENEWING;
    case DHCP_STATE_REBINDING:
        return LEASE_REBINDING;
    case DHCP_STATE_REBOOTING:
        return LEASE_CONFIRMING;
    default:
        /* Out of the lease states: lwIP dropped the address and starts over with DISCOVER. */
        if (!holds_lease(from))
            return LEASE_NONE;
        return expired ? LEASE_EXPIRED : from == DHCP_STATE_REBOOTING ? LEASE_UNCONFIRMED : LEASE_REFUSED;
    }
}

static void log_bound(const struct dhcp *d, const char *addr, const char *server)
{
    if (d->offered_t0_lease == LEASE_INFINITE)
        log_info("dhcp: lease of %s from %s, infinite (never renewed)\n", addr, server);
    else
        log_info("dhcp: lease of %s from %s for %u s (renew at %u s, rebind at %u s)\n", addr, server,
                 (unsigned)d->offered_t0_lease, (unsigned)d->offered_t1_renew, (unsigned)d->offered_t2_rebind);
}

static void log_event(enum lease_event ev, const struct dhcp *d, const struct lease_watch *w, unsigned into_s)
{
    char addr[IP4ADDR_STRLEN_MAX], server[IP4ADDR_STRLEN_MAX];
    ip4addr_ntoa_r(&w->addr, addr, sizeof(addr));
    ip4addr_ntoa_r(ip_2_ip4(&d->server_ip_addr), server, sizeof(server));
    switch (ev) {
    case LEASE_BOUND: log_bound(d, addr, server); break;
    case LEASE_RENEWING:
        log_info("dhcp: renewing the lease of %s with %s (T1, %u s into it)\n", addr, server, into_s);
        break;
    case LEASE_REBINDING:
        log_warn("dhcp: %s did not renew the lease of %s; rebinding with any server (T2, %u s into it)\n",
                 server, addr, into_s);
        break;
    case LEASE_CONFIRMING: log_info("dhcp: link back; confirming the lease of %s\n", addr); break;
    case LEASE_RENEWED:
        log_info("dhcp: lease of %s renewed by %s for %u s\n", addr, server, (unsigned)d->offered_t0_lease);
        break;
    case LEASE_EXPIRED:
        log_warn("dhcp: lease of %s lost: it expired after %u s without a renewal; asking for a new one\n",
                 addr, into_s);
        break;
    case LEASE_REFUSED:
        log_warn("dhcp: lease of %s lost after %u s: the server refused it (DHCPNAK); asking for a new one\n",
                 addr, into_s);
        break;
    case LEASE_UNCONFIRMED:
        log_warn("dhcp: lease of %s lost: no server confirmed it after the link came back; asking for a new one\n",
                 addr);
        break;
    case LEASE_NONE: break;
    }
}

/* One step of the watch: lwIP's DHCP client is now in d->state. */
static enum lease_event watch_step(struct lease_watch *w, const struct dhcp *d, uint64_t now_ms)
{
    uint64_t into_ms = now_ms - w->bound_ms;
    bool expired = w->lease_s != LEASE_INFINITE && into_ms + TICK_SLACK_MS >= (uint64_t)w->lease_s * 1000;
    enum lease_event ev = lease_event_of(w->state, d->state, expired);
    w->state = d->state;
    if (ev == LEASE_BOUND || ev == LEASE_RENEWED) {
        w->bound_ms = now_ms;
        w->lease_s = d->offered_t0_lease;
        w->addr = d->offered_ip_addr;
    }
    log_event(ev, d, w, (unsigned)((into_ms + 500) / 1000));
    return ev;
}

enum lease_event lease_watch_poll(struct lease_watch *w, struct netif *netif, uint64_t now_ms)
{
    const struct dhcp *d = netif_dhcp_data(netif);
    if (!d || d->state == w->state)
        return LEASE_NONE;
    return watch_step(w, d, now_ms);
}

enum lease_event lease_watch_addr_changed(struct lease_watch *w, struct netif *netif, uint64_t now_ms)
{
    const struct dhcp *d = netif_dhcp_data(netif);
    if (!d || !ip4_addr_isany(netif_ip4_addr(netif)) || !holds_lease(w->state) || d->state == w->state)
        return LEASE_NONE;
    return watch_step(w, d, now_ms);    /* lwIP left the lease states before it dropped the address */
}
