/* Network bring-up: the NIC, its link, its address (static, boot loader's ACK, or DHCP), DNS. */
#include "net/lwip-port/net.h"

#include "arch/x86_64/arch.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/netdev.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "kernel/undriven.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/ip4_addr.h"
#include "lwip/timeouts.h"
#include "net/lwip-port/dhcp_ack.h"
#include "net/lwip-port/lease.h"
#include "net/lwip-port/netcfg.h"
#include "net/lwip-port/netif_glue.h"

#define LINK_WAIT_MS        10000
#define DHCP_TIMEOUT_S      30
#define ACK_MIN_LEASE_S     600     /* a boot loader's lease shorter than this: ask again */
#define POLL_BUDGET         64
/*
 * lwIP gives up on a silent DNS server after about 7 s (DNS_MAX_RETRIES 4: it waits 1, 1, 2
 * and 3 s); a server's "no such name" comes long before that.
 */
#define DNS_SILENT_MS       6000

enum net_source { SRC_STATIC, SRC_LOADER_ACK, SRC_DHCP };
#define NETDEV_MAX_PICK     8       /* NICs whose link the choice looks at */

static struct netif nif;
static bool nif_added;
static bool net_is_up;      /* net_up succeeded: config= and the job share one bring-up */
static enum net_source source;
static uint64_t lease_wait_s = DHCP_TIMEOUT_S;  /* dhcp_timeout=: for the first lease and any later one */
static struct lease_watch lease;

void net_poll(void)
{
    if (nif_added)
        netif_glue_poll(&nif, POLL_BUDGET);
    sys_check_timeouts();
    if (source == SRC_DHCP && nif_added)
        lease_watch_poll(&lease, &nif, clock_ms());     /* renewals and losses get a line each */
}

/* lwIP's status callback: the address changed (a lost lease takes it at once). */
static void on_status(struct netif *n)
{
    if (source == SRC_DHCP)
        lease_watch_addr_changed(&lease, n, clock_ms());
}

static const char *nic_name(void)
{
    return ((struct netdev *)nif.state)->name;
}

static void list_nics(void)
{
    char line[320];
    for (unsigned i = 0; i < netdev_count(); i++) {
        const struct netdev *d = netdev_get(i);
        char mac[24];
        netdev_mac_format(d->mac, mac, sizeof(mac));
        log_info("nic %s: %s via %s, MAC %s%s, MTU %u, %u receive buffers%s%s\n", d->name, d->location,
                 d->transport, mac, d->mac_generated ? " (generated)" : "", d->mtu, d->rx_ring,
                 d->link_status ? ", link status" : "", d->rx_csum ? ", receive checksums" : "");
    }
    /* What is there and not driven: a listing, not an error, while there is a NIC to use. */
    for (unsigned i = 0; i < undriven_count(DEV_NIC); i++) {
        undriven_format(undriven_get(DEV_NIC, i), line, sizeof(line));
        log_info("nic: %s\n", line);
    }
}

/* The hints a boot gives: BOOTIF= (pxelinux, iPXE scripts) and the loader's DHCP ACK. */
static int net_hints(const struct cmdline *cl, const struct boot_info *bi, uint8_t bootif[6], uint8_t ack_mac[6],
                     struct netdev_hint *h)
{
    const char *b = cmdline_get(cl, "BOOTIF");
    struct dhcp_ack ack;
    *h = (struct netdev_hint){ cmdline_get(cl, "nic"), NULL, NULL };
    if (b && netdev_parse_mac(b, bootif))
        return log_err("error: BOOTIF=%s: want 01-52-54-00-12-34-56 (type 01, then the MAC)\n", b), -NP_EINVAL;
    h->bootif = b ? bootif : NULL;
    if (bi->dhcp_ack_len && !dhcp_ack_parse(bi->dhcp_ack, bi->dhcp_ack_len, &ack)) {
        NP_STRFN(memcpy)(ack_mac, ack.chaddr, 6);
        h->ack_mac = ack_mac;
    }
    return 0;
}

/* Several NICs and no hint: the first with link, waiting up to LINK_WAIT_MS for one. */
static int net_choose_by_link(const struct netdev_hint *h, unsigned *index, enum netdev_why *why)
{
    static bool link[NETDEV_MAX_PICK];
    unsigned n = netdev_count() < NETDEV_MAX_PICK ? netdev_count() : NETDEV_MAX_PICK;
    uint64_t t0 = clock_ms();
    do {
        for (unsigned i = 0; i < n; i++) {
            struct netdev *d = netdev_get(i);
            link[i] = d->ops->link(d) > 0;
        }
        int err = netdev_choose(netdev_all(), n, h, link, index, why);
        if (err || *why != NETDEV_NO_LINK)
            return err;
    } while (clock_ms() - t0 <= LINK_WAIT_MS);
    return 0;
}

static const char *const why_text[] = {
    [NETDEV_BY_SPEC] = "nic= names it",
    [NETDEV_BY_BOOTIF] = "BOOTIF= names its MAC",
    [NETDEV_BY_ACK] = "the boot loader booted through it (its DHCP ACK is for this MAC)",
    [NETDEV_ONLY] = "the only NIC",
    [NETDEV_BY_LINK] = "the first NIC with link",
    [NETDEV_NO_LINK] = "no NIC has link",
};

/*
 * nic= names the NIC; else BOOTIF= or the boot loader's ACK (the NIC the machine booted
 * from); else the only one; else the first with link. Says which and why, and any hint that
 * named no NIC here. NULL (with *status) after one error line.
 */
static struct netdev *net_pick(const struct cmdline *cl, const struct boot_info *bi, enum np_exit *status)
{
    uint8_t bootif[6], ack_mac[6];
    struct netdev_hint h;
    unsigned i = 0;
    enum netdev_why why = NETDEV_ONLY;
    char why_line[320];
    *status = NP_EXIT_NET;
    if (net_hints(cl, bi, bootif, ack_mac, &h))
        return *status = NP_EXIT_USAGE, NULL;
    int err = netdev_choose(netdev_all(), netdev_count(), &h, NULL, &i, &why);
    if (!err && why == NETDEV_NO_LINK)
        err = net_choose_by_link(&h, &i, &why);
    const struct undriven *u = h.spec ? undriven_find(DEV_NIC, h.spec) : NULL;
    if (err == -NP_ENOENT && u)
        undriven_format(u, why_line, sizeof(why_line)), log_err("error: nic=%s: %s\n", h.spec, why_line);
    else if (err == -NP_ENOENT)
        log_err("error: nic=%s matches no network device\n", h.spec);
    else if (err)
        undriven_explain(DEV_NIC, why_line, sizeof(why_line)), log_err("error: %s\n", why_line);
    if (err)
        return NULL;
    if (why == NETDEV_NO_LINK)
        return log_err("error: net: none of the %u NICs has link after %d s\n", netdev_count(), LINK_WAIT_MS / 1000),
               NULL;
    struct netdev *d = netdev_get(i);
    char mac[24];
    netdev_mac_format(d->mac, mac, sizeof(mac));
    if (h.bootif && why != NETDEV_BY_BOOTIF && why != NETDEV_BY_SPEC)
        log_warn("net: BOOTIF=%s names no NIC here\n", cmdline_get(cl, "BOOTIF"));
    else if (h.ack_mac && why != NETDEV_BY_ACK && why != NETDEV_BY_SPEC && why != NETDEV_BY_BOOTIF)
        log_info("net: the boot loader's DHCP ACK is for a MAC no NIC here has\n");
    log_info("net: using %s (%s): %s\n", d->name, mac, why_text[why]);
    return d;
}

/* Waits for the link while running lwIP; false after LINK_WAIT_MS without one. */
static bool wait_link(void)
{
    uint64_t t0 = clock_ms();
    if (!netif_is_link_up(&nif))
        log_info("net: %s: waiting for link\n", ((struct netdev *)nif.state)->name);
    while (!netif_is_link_up(&nif)) {
        if (clock_ms() - t0 > LINK_WAIT_MS)
            return false;
        net_poll();
    }
    return true;
}

static void set_ip4(ip4_addr_t *a, const uint8_t b[4])
{
    IP4_ADDR(a, b[0], b[1], b[2], b[3]);
}

static int config_static(const struct cmdline *cl)
{
    const char *ip = cmdline_get(cl, "ip"), *gw = cmdline_get(cl, "gw");
    uint8_t a[4], m[4], g[4] = { 0 };
    unsigned prefix;
    if (netcfg_parse_cidr(ip, a, &prefix))
        return log_err("error: ip=%s: want ADDRESS/PREFIX, e.g. 192.0.2.10/24\n", ip), -NP_EINVAL;
    if (gw && netcfg_parse_ipv4(gw, g))
        return log_err("error: gw=%s: want an IPv4 address\n", gw), -NP_EINVAL;
    netcfg_prefix_mask(prefix, m);
    ip4_addr_t addr, mask, gate;
    set_ip4(&addr, a);
    set_ip4(&mask, m);
    set_ip4(&gate, g);
    netif_set_addr(&nif, &addr, &mask, &gate);
    return 0;
}

static int config_dns(const struct cmdline *cl)
{
    const char *dns = cmdline_get(cl, "dns");
    uint8_t list[DNS_MAX_SERVERS][4];
    if (!dns)
        return 0;
    int n = netcfg_parse_ipv4_list(dns, list, DNS_MAX_SERVERS);
    if (n < 0)
        return log_err("error: dns=%s: want one or two IPv4 addresses, comma-separated\n", dns), -NP_EINVAL;
    for (int i = 0; i < n; i++) {
        ip_addr_t a;
        IP_ADDR4(&a, list[i][0], list[i][1], list[i][2], list[i][3]);
        dns_setserver((u8_t)i, &a);
    }
    return 0;
}

/* The boot loader's DHCP ACK, when it was for this NIC and leaves time enough to work. */
static bool config_from_ack(const struct boot_info *bi, const struct netdev *d)
{
    struct dhcp_ack ack;
    if (!bi->dhcp_ack_len || dhcp_ack_parse(bi->dhcp_ack, bi->dhcp_ack_len, &ack) ||
        NP_STRFN(memcmp)(ack.chaddr, d->mac, 6) || ack.lease_s < ACK_MIN_LEASE_S)
        return false;
    ip4_addr_t addr, mask, gate;
    set_ip4(&addr, ack.addr);
    set_ip4(&mask, ack.mask);
    set_ip4(&gate, ack.router);
    netif_set_addr(&nif, &addr, &mask, &gate);
    for (unsigned i = 0; i < ack.ndns && i < DNS_MAX_SERVERS; i++) {
        ip_addr_t a;
        IP_ADDR4(&a, ack.dns[i][0], ack.dns[i][1], ack.dns[i][2], ack.dns[i][3]);
        dns_setserver((u8_t)i, &a);
    }
    log_info("net: using the DHCP ACK the boot loader received (lease %u s)\n", (unsigned)ack.lease_s);
    return true;
}

static enum np_exit config_dhcp(const struct cmdline *cl)
{
    uint64_t secs = DHCP_TIMEOUT_S;
    const char *t = cmdline_get(cl, "dhcp_timeout");
    if (t && (cmdline_parse_u64(t, &secs) || secs == 0 || secs > 3600)) {
        log_err("error: dhcp_timeout=%s: want seconds, 1 to 3600\n", t);
        return NP_EXIT_USAGE;
    }
    lease_wait_s = secs;
    source = SRC_DHCP;
    netif_set_status_callback(&nif, on_status);
    dhcp_start(&nif);
    uint64_t t0 = clock_ms();
    while (!dhcp_supplied_address(&nif)) {
        if (clock_ms() - t0 > secs * 1000) {
            log_err("error: dhcp: no lease on %s within %llu s: no DHCP server answered\n",
                    ((struct netdev *)nif.state)->name, (unsigned long long)secs);
            return NP_EXIT_DHCP;
        }
        net_poll();
    }
    return NP_EXIT_OK;
}

static void print_config(const char *how, uint64_t t0_us)
{
    char ip[16], mask[16], gw[16], dns[16] = "none";
    np_strlcpy(ip, ip4addr_ntoa(netif_ip4_addr(&nif)), sizeof(ip));
    np_strlcpy(mask, ip4addr_ntoa(netif_ip4_netmask(&nif)), sizeof(mask));
    np_strlcpy(gw, ip4addr_ntoa(netif_ip4_gw(&nif)), sizeof(gw));
    const ip_addr_t *d0 = dns_getserver(0);
    if (!ip_addr_isany(d0))
        np_strlcpy(dns, ipaddr_ntoa(d0), sizeof(dns));
    uint64_t now = clock_us();
    log_info("net: %s up: %s netmask %s gw %s dns %s (%s) in %llu ms, %llu ms after kernel entry\n",
             ((struct netdev *)nif.state)->name, ip, mask, gw, dns, how,
             (unsigned long long)((now - t0_us) / 1000), (unsigned long long)(now / 1000));
}

const uint8_t *net_mac(void)
{
    return nif_added ? ((struct netdev *)nif.state)->mac : NULL;
}

enum np_exit net_up(const struct cmdline *cl, const struct boot_info *bi)
{
    if (net_is_up)
        return NP_EXIT_OK;
    enum np_exit pick_status;
    list_nics();
    struct netdev *d = net_pick(cl, bi, &pick_status);
    if (!d)
        return pick_status;
    uint64_t t0 = clock_us();
    if (netif_glue_add(&nif, d))
        return log_err("error: net: cannot attach %s to the stack\n", d->name), NP_EXIT_NET;
    nif_added = true;
    netif_set_up(&nif);
    if (!wait_link())
        return log_err("error: net: %s: no link after %d s\n", d->name, LINK_WAIT_MS / 1000), NP_EXIT_NET;
    const char *how = "dhcp";
    if (cmdline_get(cl, "ip")) {
        if (config_static(cl))
            return NP_EXIT_USAGE;
        how = "static";
        source = SRC_STATIC;
    } else if (config_from_ack(bi, d)) {
        how = "boot loader's DHCP ACK";
        source = SRC_LOADER_ACK;
    } else {
        enum np_exit e = config_dhcp(cl);
        if (e != NP_EXIT_OK)
            return e;
    }
    if (config_dns(cl))
        return NP_EXIT_USAGE;
    print_config(how, t0);
    net_is_up = true;
    return NP_EXIT_OK;
}

/*
 * One lookup at a time. The record is static and tagged: a lookup we gave up on may still
 * answer later, and its answer must land nowhere harmful and count for nothing.
 */
static struct {
    uintptr_t tag;
    bool done, found;
    ip_addr_t addr;
} resolving;

static void resolve_cb(const char *name, const ip_addr_t *ip, void *arg)
{
    (void)name;
    if ((uintptr_t)arg != resolving.tag)
        return;     /* a lookup that already timed out */
    resolving.done = true;
    if (ip) {
        resolving.found = true;
        resolving.addr = *ip;
    }
}

/* Where the missing gateway or DNS server should have come from, for the error line. */
static const char *config_gap(const char *what)
{
    static char buf[80];
    const char *from = source == SRC_STATIC ? "the command line" : source == SRC_LOADER_ACK ?
                       "the boot loader's DHCP ACK" : "the DHCP lease";
    np_snprintf(buf, sizeof(buf), "%s gave no %s", from, what);
    return buf;
}

/* Packets to ip can leave the NIC: ip is on its network (or a broadcast), or there is a gateway. */
static bool routable(const ip4_addr_t *ip)
{
    return ip4_addr_netcmp(ip, netif_ip4_addr(&nif), netif_ip4_netmask(&nif)) ||
           ip4_addr_isbroadcast(ip, &nif) || !ip4_addr_isany(netif_ip4_gw(&nif));
}

static void log_no_route(const char *what, const ip4_addr_t *ip)
{
    char dst[IP4ADDR_STRLEN_MAX], net[IP4ADDR_STRLEN_MAX];
    ip4_addr_t n;
    ip4_addr_get_network(&n, netif_ip4_addr(&nif), netif_ip4_netmask(&nif));
    ip4addr_ntoa_r(ip, dst, sizeof(dst));
    ip4addr_ntoa_r(&n, net, sizeof(net));
    log_err("error: net: no route to %s%s: it is outside %s's network %s/%d and there is no gateway (%s)\n",
            what, dst, nic_name(), net, __builtin_popcount(ip4_addr_get_u32(netif_ip4_netmask(&nif))),
            config_gap("router"));
}

/*
 * A lease lost while netplant runs (expired, refused) leaves the NIC without an address while
 * lwIP asks for a new one: wait for it as long as for the first one.
 */
static enum np_exit wait_address(void)
{
    if (!ip4_addr_isany(netif_ip4_addr(&nif)) || source != SRC_DHCP)
        return NP_EXIT_OK;
    log_info("net: %s has no address since its lease was lost; waiting up to %llu s for a new one\n",
             nic_name(), (unsigned long long)lease_wait_s);
    uint64_t t0 = clock_ms();
    while (!dhcp_supplied_address(&nif)) {
        if (clock_ms() - t0 > lease_wait_s * 1000) {
            log_err("error: dhcp: %s lost its lease and got no new one within %llu s\n", nic_name(),
                    (unsigned long long)lease_wait_s);
            return NP_EXIT_DHCP;
        }
        net_poll();
    }
    return NP_EXIT_OK;
}

enum np_exit net_route_check(const ip_addr_t *ip)
{
    enum np_exit e = wait_address();
    if (e != NP_EXIT_OK)
        return e;
    if (routable(ip_2_ip4(ip)))
        return NP_EXIT_OK;
    log_no_route("", ip_2_ip4(ip));
    return NP_EXIT_NOROUTE;
}

/* The DNS server lwIP will ask first, when there is one we can reach; NP_EXIT_OK or why not. */
static enum np_exit dns_server_check(const char *name, ip_addr_t *first)
{
    const ip_addr_t *unroutable = NULL;
    for (u8_t i = 0; i < DNS_MAX_SERVERS; i++) {
        const ip_addr_t *s = dns_getserver(i);
        if (ip_addr_isany(s))
            continue;
        if (routable(ip_2_ip4(s))) {
            *first = *s;
            return NP_EXIT_OK;
        }
        unroutable = unroutable ? unroutable : s;
    }
    if (!unroutable) {
        log_err("error: dns: cannot resolve %s: no DNS server (%s; give dns=)\n", name, config_gap("DNS server"));
        return NP_EXIT_DNS;
    }
    log_no_route("the DNS server ", ip_2_ip4(unroutable));
    return NP_EXIT_NOROUTE;
}

enum np_exit net_resolve(const char *name, ip_addr_t *out, uint32_t timeout_ms)
{
    if (ipaddr_aton(name, out))
        return NP_EXIT_OK;
    ip_addr_t server;
    enum np_exit e = wait_address();
    if (e == NP_EXIT_OK)
        e = dns_server_check(name, &server);
    if (e != NP_EXIT_OK)
        return e;
    resolving.tag++;
    resolving.done = resolving.found = false;
    uint64_t t0 = clock_ms();
    err_t err = dns_gethostbyname(name, out, resolve_cb, (void *)resolving.tag);
    if (err == ERR_OK)
        return NP_EXIT_OK;
    if (err != ERR_INPROGRESS) {
        log_err("error: dns: cannot resolve %s: not a name that can be looked up\n", name);
        return NP_EXIT_DNS;
    }
    while (!resolving.done && clock_ms() - t0 < timeout_ms)
        net_poll();
    char srv[IP4ADDR_STRLEN_MAX];
    ip4addr_ntoa_r(ip_2_ip4(&server), srv, sizeof(srv));
    if (!resolving.done || (!resolving.found && clock_ms() - t0 >= DNS_SILENT_MS)) {
        log_err("error: dns: cannot resolve %s: the DNS server %s did not answer within %llu s\n", name, srv,
                (unsigned long long)((clock_ms() - t0 + 999) / 1000));
        return NP_EXIT_DNS;
    }
    if (!resolving.found) {
        log_err("error: dns: cannot resolve %s: no such name (the DNS server %s has no address for it)\n",
                name, srv);
        return NP_EXIT_DNS;
    }
    *out = resolving.addr;
    return NP_EXIT_OK;
}
