/*
 * The DHCP lease over time (RFC 2131 4.4.5): lwIP's DHCP client (with patches/lwip/0002 and
 * our lwipopts.h, built for the host) against a small DHCP server in this file, on a clock the
 * test moves a second at a time. It checks when the client renews (T1, unicast), rebinds (T2,
 * broadcast), sends again, and gives the lease up, for leases of a minute, of days and
 * infinite ones, T1/T2 as options 58/59 (and out of order), a DHCPNAK on renewal, a main loop
 * that comes round only every few seconds; and the
 * console line net/lwip-port/lease.c writes for each change. lwIP keeps static state: each
 * group runs in its own process.
 */
#include <stdarg.h>

#include "kernel/console.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/dhcp.h"
#include "lwip/timeouts.h"
#include "net/lwip-port/lease.h"
#include "netif/ethernet.h"
#include "tests/unit/test.h"
#include "tests/unit_net/frames.h"
#include "tests/unit_net/lwip_host.h"

#define DAY         86400u
#define INFINITE    0xFFFFFFFFu
#define NO_OPTION   0u          /* t1/t2 of the server: not sent */

static const struct fr_host server = { { 0x52, 0x55, 0x0a, 0x00, 0x00, 0x01 }, { 10, 0, 0, 1 } };
static const struct fr_host bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 255, 255, 255, 255 } };
static const struct fr_host client = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, { 10, 0, 0, 50 } };

/* What the server does with a REQUEST from a client that holds the lease. */
enum policy { ANSWER, IGNORE, REFUSE };

/* One DHCP message the client sent, as the server saw it. */
struct seen {
    unsigned at_s;      /* seconds since the lease was first bound */
    uint8_t type;       /* DHCP_DISCOVER, DHCP_REQUEST, DHCP_RELEASE */
    bool unicast;       /* to the server's address, not broadcast */
    bool ciaddr;        /* the client put its address in ciaddr: renewing or rebinding */
};

static struct {
    uint32_t lease, t1, t2;
    enum policy renew, rebind;
    struct seen seen[64];
    unsigned nseen;
    uint64_t now_s;             /* seconds since the first ACK */
    bool bound_once;
} srv;

/* Frames the client sent, for the server to look at from the test's loop (never from inside lwIP). */
static struct {
    uint8_t f[16][FR_MAX];
    unsigned len[16];
    unsigned head, tail;
} txq;

static struct netif nif;
static struct lease_watch watch;
static enum lease_event events[64];
static unsigned nevents;
static char last_line[256];

/* lease.c writes through the console: keep the last line. */
void log_printf(int level, const char *fmt, ...)
{
    (void)level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_line, sizeof(last_line), fmt, ap);
    va_end(ap);
}

static void put_opt32(uint8_t **o, uint8_t code, uint32_t v)
{
    uint8_t *p = *o;
    p[0] = code;
    p[1] = 4;
    fr_wr32(p + 2, v);
    *o = p + 6;
}


static void deliver(const uint8_t *f, size_t len)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!CHECK(p))
        return;
    pbuf_take(p, f, (u16_t)len);
    if (nif.input(p, &nif) != ERR_OK)
        pbuf_free(p);
}

/* A BOOTREPLY to the request msg (its DHCP part): OFFER, ACK or NAK, by broadcast. */
static void reply(const uint8_t *msg, uint8_t type)
{
    uint8_t d[300] = { 0 }, f[FR_MAX];
    d[0] = 2;   /* BOOTREPLY */
    d[1] = 1;
    d[2] = 6;
    memcpy(d + 4, msg + 4, 4);                          /* xid */
    if (type != DHCP_NAK)
        memcpy(d + 16, client.ip, 4);                   /* yiaddr */
    memcpy(d + 28, msg + 28, 16);                       /* chaddr */
    fr_wr32(d + 236, 0x63825363);                       /* magic cookie */
    uint8_t *o = d + 240;
    *o++ = DHCP_OPTION_MESSAGE_TYPE, *o++ = 1, *o++ = type;
    *o++ = DHCP_OPTION_SERVER_ID, *o++ = 4;
    memcpy(o, server.ip, 4), o += 4;
    if (type != DHCP_NAK) {
        put_opt32(&o, DHCP_OPTION_LEASE_TIME, srv.lease);
        if (srv.t1 != NO_OPTION)
            put_opt32(&o, DHCP_OPTION_T1, srv.t1);
        if (srv.t2 != NO_OPTION)
            put_opt32(&o, DHCP_OPTION_T2, srv.t2);
        *o++ = DHCP_OPTION_SUBNET_MASK, *o++ = 4;
        memcpy(o, (uint8_t[]){ 255, 255, 255, 0 }, 4), o += 4;
    }
    *o++ = DHCP_OPTION_END;
    deliver(f, fr_udp(f, &server, &bcast, 67, 68, d, (size_t)(o - d)));
}

static uint8_t msg_type(const uint8_t *d, unsigned len)
{
    for (unsigned i = 240; i + 2 < len && d[i] != DHCP_OPTION_END; i += d[i] ? 2u + d[i + 1] : 1u)
        if (d[i] == DHCP_OPTION_MESSAGE_TYPE)
            return d[i + 2];
    return 0;
}

/* The server's side of one frame the client sent: ARP for the server, or DHCP. */
static void serve(const uint8_t *f, unsigned len)
{
    struct fr_view v;
    uint8_t out[FR_MAX];
    if (!fr_parse(f, len, &v))
        return;
    if (v.ethertype == FR_ETH_ARP && v.arp_op == 1 && !memcmp(v.arp_tpa, server.ip, 4)) {
        deliver(out, fr_arp(out, 2, &server, client.mac, client.mac, client.ip));
        return;
    }
    if (v.ethertype != FR_ETH_IPV4 || v.proto != FR_PROTO_UDP || v.dport != 67 || v.payload_len < 244)
        return;
    uint8_t type = msg_type(v.payload, v.payload_len);
    bool has_ciaddr = fr_rd32(v.payload + 12) != 0, unicast = !memcmp(v.ip_dst, server.ip, 4);
    if (srv.nseen < sizeof(srv.seen) / sizeof(srv.seen[0]))
        srv.seen[srv.nseen++] = (struct seen){ (unsigned)srv.now_s, type, unicast, has_ciaddr };
    if (type == DHCP_DISCOVER) {
        reply(v.payload, DHCP_OFFER);
    } else if (type == DHCP_REQUEST) {
        enum policy p = !has_ciaddr ? ANSWER : unicast ? srv.renew : srv.rebind;
        if (p == ANSWER && !srv.bound_once) {
            srv.bound_once = true;
            srv.now_s = 0;
            srv.nseen = 0;      /* count from the first lease on */
        }
        if (p != IGNORE)
            reply(v.payload, p == REFUSE ? DHCP_NAK : DHCP_ACK);
    }
}

static err_t capture(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (!CHECK(txq.tail - txq.head < 16))
        return ERR_MEM;
    unsigned i = txq.tail++ % 16;
    txq.len[i] = pbuf_copy_partial(p, txq.f[i], FR_MAX, 0);
    return ERR_OK;
}

static err_t nif_init(struct netif *n)
{
    n->name[0] = 't';
    n->name[1] = 'e';
    n->mtu = 1500;
    n->hwaddr_len = 6;
    memcpy(n->hwaddr, client.mac, 6);
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    n->output = etharp_output;
    n->linkoutput = capture;
    return ERR_OK;
}

static void poll_watch(void)
{
    enum lease_event ev = lease_watch_poll(&watch, &nif, srv.now_s * 1000);
    if (ev != LEASE_NONE && nevents < sizeof(events) / sizeof(events[0]))
        events[nevents++] = ev;
}

/*
 * The server answers what the client sent, at once: a NAK, the OFFER and the ACK after it may
 * all land in one batch of received frames between two polls, as within one net_poll, so only
 * the status callback sees the address go.
 */
static void pump(void)
{
    for (unsigned n = 0; txq.head != txq.tail && n < 64; n++) {
        unsigned i = txq.head++ % 16;
        serve(txq.f[i], txq.len[i]);
    }
}

static void on_status(struct netif *n)
{
    enum lease_event ev = lease_watch_addr_changed(&watch, n, srv.now_s * 1000);
    if (ev != LEASE_NONE && nevents < sizeof(events) / sizeof(events[0]))
        events[nevents++] = ev;
}

/* The server's terms; lwIP up, DHCP started and bound (the clock then reads 0 s). */
static void start(uint32_t lease, uint32_t t1, uint32_t t2, enum policy renew, enum policy rebind)
{
    memset(&srv, 0, sizeof(srv));
    srv.lease = lease, srv.t1 = t1, srv.t2 = t2, srv.renew = renew, srv.rebind = rebind;
    lwip_init();
    CHECK(netif_add(&nif, NULL, NULL, NULL, NULL, nif_init, ethernet_input));
    netif_set_default(&nif);
    netif_set_status_callback(&nif, on_status);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    CHECK_EQ_I64(dhcp_start(&nif), ERR_OK);
    poll_watch();
    pump();
    poll_watch();
    CHECK(dhcp_supplied_address(&nif));
    CHECK_EQ_U64(events[0], LEASE_BOUND);
}

/*
 * Moves the clock s seconds, one second at a time, in net_poll's order: lwIP's timers (which
 * send renewals), the watcher; then the server's answers arrive, the watcher again.
 */
static void run_steps(unsigned s, unsigned step_s)
{
    for (unsigned i = 0; i < s; i += step_s) {
        lwip_host_advance_ms(step_s * 1000);
        srv.now_s += step_s;
        sys_check_timeouts();
        poll_watch();
        pump();
        poll_watch();
    }
}

static void run_s(unsigned s)
{
    run_steps(s, 1);
}

/* The index of the next message of type from index `from` on, or -1. */
static int find(unsigned from, uint8_t type)
{
    for (unsigned i = from; i < srv.nseen; i++)
        if (srv.seen[i].type == type)
            return (int)i;
    return -1;
}

/* Message i was sent at want_s (lwIP's 1 s tick may fire it up to a second early). */
static bool sent_at(int i, unsigned want_s, bool unicast)
{
    if (!CHECK(i >= 0))
        return false;
    const struct seen *m = &srv.seen[i];
    bool ok = CHECK(m->at_s + 1 >= want_s && m->at_s <= want_s) & CHECK(m->unicast == unicast) & CHECK(m->ciaddr);
    if (!ok)
        fprintf(stderr, "  message %d at %u s (%s), want %u s (%s)\n", i, m->at_s,
                m->unicast ? "unicast" : "broadcast", want_s, unicast ? "unicast" : "broadcast");
    return ok;
}

/* The field report: a 60 s lease is renewed at 30 s, again and again, and never lost. */
static void test_minute_lease_renewed(void)
{
    start(60, NO_OPTION, NO_OPTION, ANSWER, ANSWER);
    run_s(200);
    CHECK_EQ_I64(find(0, DHCP_DISCOVER), -1);
    CHECK_EQ_I64(find(0, DHCP_RELEASE), -1);
    unsigned renewals = 0, at = 0;
    for (int i = find(0, DHCP_REQUEST); i >= 0; i = find((unsigned)i + 1, DHCP_REQUEST)) {
        at += 30;
        if (!sent_at(i, at, true))
            break;
        at = srv.seen[i].at_s;      /* the next T1 counts from this ACK */
        renewals++;
    }
    CHECK(renewals >= 6);
    CHECK(dhcp_supplied_address(&nif));
    CHECK(strstr(last_line, "dhcp: lease of 10.0.0.50 renewed by 10.0.0.1 for 60 s"));
    CHECK_EQ_U64(events[1], LEASE_RENEWING);
    CHECK_EQ_U64(events[2], LEASE_RENEWED);
}

/* Three days: T1 at 1.5 days, not clamped by 16-bit counters into an early expiry. */
static void test_days_lease(void)
{
    start(3 * DAY, NO_OPTION, NO_OPTION, ANSWER, ANSWER);
    run_s(3 * DAY / 2 - 2);
    CHECK_EQ_U64(srv.nseen, 0);
    run_s(3);
    CHECK_EQ_U64(srv.nseen, 1);
    sent_at(find(0, DHCP_REQUEST), 3 * DAY / 2, true);
    CHECK(dhcp_supplied_address(&nif));
    CHECK_EQ_U64(nevents, 3);   /* bound, renewing, renewed */
}

/* An infinite lease is never renewed and never ends. */
static void test_infinite_lease(void)
{
    start(INFINITE, NO_OPTION, NO_OPTION, ANSWER, ANSWER);
    CHECK(strstr(last_line, "infinite (never renewed)"));
    run_s(2 * DAY);
    CHECK_EQ_U64(srv.nseen, 0);
    CHECK(dhcp_supplied_address(&nif));
}

/* T1 and T2 from options 58/59; a server that ignores unicast renewals gets a broadcast at T2. */
static void test_options_and_rebind(void)
{
    start(600, 100, 200, IGNORE, ANSWER);
    run_s(250);
    int r = find(0, DHCP_REQUEST);
    sent_at(r, 100, true);
    sent_at(find((unsigned)r + 1, DHCP_REQUEST), 150, true);    /* again after half the time to T2 */
    int b = -1;
    for (unsigned i = 0; i < srv.nseen; i++)
        if (!srv.seen[i].unicast && b < 0)
            b = (int)i;
    sent_at(b, 200, false);
    CHECK(dhcp_supplied_address(&nif));
    CHECK_EQ_I64(find(0, DHCP_DISCOVER), -1);
    CHECK_EQ_U64(events[1], LEASE_RENEWING);
    CHECK_EQ_U64(events[2], LEASE_REBINDING);
    CHECK_EQ_U64(events[3], LEASE_RENEWED);
}

/* T1 after T2, T2 after the lease: the server's values are not taken; 1/2 and 7/8 are. */
static void test_options_out_of_order(void)
{
    start(600, 700, 900, ANSWER, ANSWER);
    CHECK(strstr(last_line, "for 600 s (renew at 300 s, rebind at 525 s)"));
    run_s(310);
    sent_at(find(0, DHCP_REQUEST), 300, true);
}

/* Nobody answers: renew at T1 and again, rebind at T2, then the lease ends, said as such. */
static void test_expiry(void)
{
    start(60, NO_OPTION, NO_OPTION, IGNORE, IGNORE);
    run_s(61);
    /* T1 30, again at 41 and 46 (half the time to T2, down to 5 s); T2 52; gone at 60. */
    int i = find(0, DHCP_REQUEST);
    sent_at(i, 30, true);
    sent_at(i = find((unsigned)i + 1, DHCP_REQUEST), 41, true);
    sent_at(i = find((unsigned)i + 1, DHCP_REQUEST), 46, true);
    sent_at(i = find((unsigned)i + 1, DHCP_REQUEST), 52, false);
    int d = find(0, DHCP_DISCOVER);
    if (CHECK(d >= 0))
        CHECK(srv.seen[d].at_s >= 59 && srv.seen[d].at_s <= 60);
    CHECK_EQ_U64(events[nevents - 1], LEASE_BOUND);     /* a new lease at once */
    CHECK_EQ_U64(events[nevents - 2], LEASE_EXPIRED);
}

/*
 * A main loop that comes round only every 3 s (a busy install, a starved VM): lwIP's cyclic
 * timer then fires once per turn, and the lease clock must still follow the real one.
 */
static void test_slow_loop(void)
{
    start(60, NO_OPTION, NO_OPTION, IGNORE, IGNORE);
    run_steps(66, 3);
    int r = find(0, DHCP_REQUEST);
    if (CHECK(r >= 0))
        CHECK(srv.seen[r].at_s >= 30 && srv.seen[r].at_s <= 33);
    int d = find(0, DHCP_DISCOVER);
    if (CHECK(d >= 0))
        CHECK(srv.seen[d].at_s >= 60 && srv.seen[d].at_s <= 63);
}

/* A DHCPNAK to the renewal: the address goes at once and the client starts over. */
static void test_nak(void)
{
    start(60, NO_OPTION, NO_OPTION, REFUSE, ANSWER);
    run_s(30);
    CHECK_EQ_U64(events[2], LEASE_REFUSED);
    CHECK(find(0, DHCP_DISCOVER) >= 0);
    srv.renew = ANSWER;
    run_s(1);
    CHECK(dhcp_supplied_address(&nif));
    CHECK(strstr(last_line, "dhcp: lease of 10.0.0.50 from 10.0.0.1 for 60 s"));
}

/* The event of each state change, as the watcher names it. */
static void test_event_table(void)
{
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_REQUESTING, DHCP_STATE_BOUND, false), LEASE_BOUND);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_BOUND, DHCP_STATE_RENEWING, false), LEASE_RENEWING);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_RENEWING, DHCP_STATE_REBINDING, false), LEASE_REBINDING);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_BOUND, DHCP_STATE_REBINDING, false), LEASE_REBINDING);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_RENEWING, DHCP_STATE_BOUND, false), LEASE_RENEWED);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_REBINDING, DHCP_STATE_BOUND, false), LEASE_RENEWED);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_BOUND, DHCP_STATE_REBOOTING, false), LEASE_CONFIRMING);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_REBOOTING, DHCP_STATE_BOUND, false), LEASE_RENEWED);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_REBINDING, DHCP_STATE_SELECTING, true), LEASE_EXPIRED);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_RENEWING, DHCP_STATE_SELECTING, false), LEASE_REFUSED);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_REBOOTING, DHCP_STATE_SELECTING, false), LEASE_UNCONFIRMED);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_SELECTING, DHCP_STATE_REQUESTING, false), LEASE_NONE);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_OFF, DHCP_STATE_SELECTING, true), LEASE_NONE);
    CHECK_EQ_U64(lease_event_of(DHCP_STATE_BOUND, DHCP_STATE_BOUND, false), LEASE_NONE);
}

int main(void)
{
    TEST_RUN(test_event_table);
    TEST_RUN_ISOLATED(test_minute_lease_renewed);
    TEST_RUN_ISOLATED(test_days_lease);
    TEST_RUN_ISOLATED(test_infinite_lease);
    TEST_RUN_ISOLATED(test_options_and_rebind);
    TEST_RUN_ISOLATED(test_options_out_of_order);
    TEST_RUN_ISOLATED(test_expiry);
    TEST_RUN_ISOLATED(test_nak);
    TEST_RUN_ISOLATED(test_slow_loop);
    return test_finish();
}
