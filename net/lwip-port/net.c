/* Network bring-up: the NIC, its link, its address (static, boot loader's ACK, or DHCP), DNS. */
#include "net/lwip-port/net.h"

#include "arch/x86_64/arch.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/netdev.h"
#include "kernel/string.h"
#include "kernel/undriven.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/ip4_addr.h"
#include "lwip/timeouts.h"
#include "net/lwip-port/dhcp_ack.h"
#include "net/lwip-port/netcfg.h"
#include "net/lwip-port/netif_glue.h"

#define LINK_WAIT_MS        10000
#define DHCP_TIMEOUT_S      30
#define ACK_MIN_LEASE_S     600     /* a boot loader's lease shorter than this: ask again */
#define POLL_BUDGET         64
#define NETDEV_MAX_PICK     8       /* NICs whose link the choice looks at */

static struct netif nif;
static bool nif_added;
static bool net_is_up;      /* net_up succeeded: config= and the job share one bring-up */

void net_poll(void)
{
    if (nif_added)
        netif_glue_poll(&nif, POLL_BUDGET);
    sys_check_timeouts();
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
    } else if (config_from_ack(bi, d)) {
        how = "boot loader's DHCP ACK";
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

int net_resolve(const char *name, ip_addr_t *out, uint32_t timeout_ms)
{
    if (ipaddr_aton(name, out))
        return 0;
    resolving.tag++;
    resolving.done = resolving.found = false;
    err_t e = dns_gethostbyname(name, out, resolve_cb, (void *)resolving.tag);
    if (e == ERR_OK)
        return 0;
    if (e != ERR_INPROGRESS)
        return -NP_EINVAL;
    uint64_t t0 = clock_ms();
    while (!resolving.done && clock_ms() - t0 < timeout_ms)
        net_poll();
    if (!resolving.done)
        return -NP_ETIMEDOUT;
    if (!resolving.found)
        return -NP_ENOENT;
    *out = resolving.addr;
    return 0;
}
