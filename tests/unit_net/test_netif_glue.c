/*
 * net/lwip-port/netif_glue.c: lwIP's netif over a struct netdev, with lwIP itself (built for
 * the host with our lwipopts.h) answering. First over the fake netdev of fake_netdev.c:
 * zero-copy receive and the buffer's single release when lwIP frees the pbuf, the copy path
 * when the device runs low, checksums checked in software when the device does not vouch,
 * transmit of pbuf chains (references, linearizing, a full ring), link following and the
 * receive budget. Then end to end: virtio_net.c over the fake virtio device of fake_vnet.c,
 * bound to the glue, lwIP answering ARP, ping and a TCP SYN on several transports.
 * lwIP and the glue keep static state: each group runs in its own process, forked after
 * lwip_init().
 */
#include "drivers/virtio/virtio_net.h"
#include "kernel/errno.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/mem.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "net/lwip-port/netif_glue.h"
#include "tests/unit/test.h"
#include "tests/unit_drivers/fake_env.h"
#include "tests/unit_net/fake_netdev.h"
#include "tests/unit_net/fake_vnet.h"
#include "tests/unit_net/frames.h"
#include "tests/unit_net/lwip_host.h"

#define BUDGET 64

static const struct fr_host self = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, { 10, 0, 2, 15 } };
static const struct fr_host peer = { { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 }, { 10, 0, 2, 2 } };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero_mac[6];

static struct fake_netdev fnd;
static struct netif nif;
static uint8_t frame[FR_MAX];
static unsigned tx_seen;        /* fnd.tx[] entries already looked at */

static const struct netif_stats *st(void)
{
    return netif_glue_stats();
}

static void pump(void)
{
    netif_glue_poll(&nif, BUDGET);
}

static void set_addr(struct netif *n)
{
    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 10, 0, 2, 15);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 10, 0, 2, 2);
    netif_set_addr(n, &a, &m, &g);
    netif_set_up(n);
}

/* The next frame the fake device was given, parsed; NULL when none is new. */
static const struct fnd_tx *tx_next(struct fr_view *v)
{
    if (tx_seen == fnd.ntx)
        return NULL;
    const struct fnd_tx *t = &fnd.tx[tx_seen++];
    if (!CHECK(fr_parse(t->data, t->len, v)))
        fprintf(stderr, "  sent frame %u (%u bytes) does not parse\n", tx_seen - 1, t->len);
    return t;
}

/* Up over the fake netdev, addressed, the gratuitous ARP of netif_set_up seen and reclaimed. */
static bool up(unsigned rx_ring, bool rx_csum)
{
    fnd_init(&fnd, rx_ring);
    fnd.nd.rx_csum = rx_csum;
    tx_seen = 0;
    if (!CHECK_EQ_I64(netif_glue_add(&nif, &fnd.nd), 0))
        return false;
    set_addr(&nif);
    pump();
    struct fr_view v;
    const struct fnd_tx *t = tx_next(&v);
    if (CHECK(t != NULL)) {
        CHECK_EQ_U64(v.ethertype, FR_ETH_ARP);
        CHECK(!memcmp(v.arp_spa, self.ip, 4) && !memcmp(v.arp_tpa, self.ip, 4));    /* gratuitous */
    }
    CHECK_EQ_U64(fnd_tx_in_ring(&fnd), 0);
    return true;
}

/* Injects a frame, polls, and checks its buffer came back exactly once. */
static int deliver(size_t len, bool csum_ok)
{
    int b = fnd_inject(&fnd, frame, (uint32_t)len, csum_ok);
    if (!CHECK(b >= 0))
        return -1;
    unsigned before = fnd.releases[b];
    pump();
    CHECK_EQ_U64(fnd.releases[b], before + 1);
    CHECK_EQ_U64(fnd.state[b], FND_POSTED);
    CHECK_EQ_U64(fnd.bad_releases, 0);
    return b;
}

/* The peer asks for our MAC: lwIP answers and learns the peer's. */
static void arp_exchange(void)
{
    size_t len = fr_arp(frame, 1, &peer, bcast, zero_mac, self.ip);
    deliver(len, false);
    struct fr_view v;
    const struct fnd_tx *t = tx_next(&v);
    if (!CHECK(t != NULL) || !CHECK_EQ_U64(v.ethertype, FR_ETH_ARP))
        return;
    CHECK_EQ_U64(v.arp_op, 2);
    CHECK(!memcmp(v.eth_dst, peer.mac, 6) && !memcmp(v.eth_src, self.mac, 6));
    CHECK(!memcmp(v.arp_sha, self.mac, 6) && !memcmp(v.arp_spa, self.ip, 4));
    CHECK(!memcmp(v.arp_tha, peer.mac, 6) && !memcmp(v.arp_tpa, peer.ip, 4));
    CHECK(t->returned);         /* reclaimed in the same poll */
}

/* ---- Setup ---- */

static void test_init(void)
{
    fnd_init(&fnd, 32);
    fnd.nd.mtu = 9000;
    if (!CHECK_EQ_I64(netif_glue_add(&nif, &fnd.nd), 0))
        return;
    CHECK(nif.state == &fnd.nd);
    CHECK(netif_default == &nif);
    CHECK_EQ_U64(nif.mtu, 9000);
    CHECK_EQ_U64(nif.hwaddr_len, 6);
    CHECK(!memcmp(nif.hwaddr, self.mac, 6));
    CHECK(nif.flags & NETIF_FLAG_ETHARP);
    CHECK(nif.flags & NETIF_FLAG_BROADCAST);
    CHECK(nif.flags & NETIF_FLAG_LINK_UP);      /* no link status: a cable is assumed */
    CHECK(!(nif.flags & NETIF_FLAG_UP));        /* up is the caller's to say */
    CHECK_EQ_U64(fnd.link_calls, 0);
    CHECK_EQ_U64(nif.chksum_flags, NETIF_CHECKSUM_ENABLE_ALL);   /* lwIP checks everything */

    /* A device that can vouch: lwIP generates all checksums, checks none itself. */
    static struct netif n2;
    fnd_init(&fnd, 32);
    fnd.nd.rx_csum = true;
    fnd.nd.link_status = true;
    fnd.link = 0;
    if (CHECK_EQ_I64(netif_glue_add(&n2, &fnd.nd), 0)) {
        CHECK(n2.chksum_flags & NETIF_CHECKSUM_GEN_IP);
        CHECK(n2.chksum_flags & NETIF_CHECKSUM_GEN_TCP);
        CHECK(n2.chksum_flags & NETIF_CHECKSUM_GEN_UDP);
        CHECK(n2.chksum_flags & NETIF_CHECKSUM_GEN_ICMP);
        CHECK(!netif_is_link_up(&n2));          /* the device said down */
        CHECK_EQ_U64(fnd.link_calls, 1);
        CHECK(netif_default == &n2);
    }
    /* More receive buffers than the glue has pbufs for. */
    static struct netif n3;
    fnd_init(&fnd, 32);
    fnd.nd.rx_ring = 1025;
    CHECK_EQ_I64(netif_glue_add(&n3, &fnd.nd), -NP_ENOTSUP);
    CHECK(netif_default == &n2);
}

/* ---- Receive ---- */

static void test_arp(void)
{
    if (!up(FND_BUFS, false))
        return;
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    unsigned long copied = st()->rx_copied;
    arp_exchange();
    CHECK_EQ_U64(st()->rx_copied, copied);      /* in place */
    /* A request for someone else: no answer, the buffer still comes back once. */
    size_t len = fr_arp(frame, 1, &peer, bcast, zero_mac, (const uint8_t[]){ 10, 0, 2, 99 });
    deliver(len, false);
    struct fr_view v;
    CHECK(tx_next(&v) == NULL);
    lwip_host_mem(&m1);
    CHECK(lwip_host_mem_same(&m0, &m1));
    CHECK_EQ_U64(fnd_held(&fnd), 0);
}

static void test_ping(void)
{
    if (!up(FND_BUFS, false))
        return;
    arp_exchange();
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    uint8_t data[56];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(0x10 + i);
    size_t len = fr_icmp_echo(frame, &peer, &self, 8, 0x4242, 7, data, sizeof(data));
    deliver(len, false);
    struct fr_view v;
    const struct fnd_tx *t = tx_next(&v);
    if (CHECK(t != NULL) && CHECK_EQ_U64(v.proto, FR_PROTO_ICMP)) {
        CHECK(!memcmp(v.eth_dst, peer.mac, 6) && !memcmp(v.eth_src, self.mac, 6));
        CHECK(!memcmp(v.ip_src, self.ip, 4) && !memcmp(v.ip_dst, peer.ip, 4));
        CHECK_EQ_U64(v.l4[0], 0);               /* echo reply */
        CHECK_EQ_U64(fr_rd16(v.l4 + 4), 0x4242);
        CHECK_EQ_U64(fr_rd16(v.l4 + 6), 7);
        CHECK(v.payload_len == sizeof(data) && !memcmp(v.payload, data, sizeof(data)));
        CHECK(fr_csums_ok(t->data, t->len));
    }
    CHECK(tx_next(&v) == NULL);
    lwip_host_mem(&m1);
    CHECK(lwip_host_mem_same(&m0, &m1));
}

/* A UDP receiver that keeps what it gets, so the test decides when lwIP frees it. */
static struct pbuf *udp_got[FND_BUFS];
static unsigned udp_ngot;
static int udp_state_at_recv = -1;      /* the buffer's state when the callback ran */
static int udp_expect_buf = -1;

static void udp_keep(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    (void)pcb;
    (void)addr;
    (void)port;
    if (udp_expect_buf >= 0)
        udp_state_at_recv = fnd.state[udp_expect_buf];
    if (udp_ngot < FND_BUFS)
        udp_got[udp_ngot++] = p;
    else
        pbuf_free(p);
}

static struct udp_pcb *udp_listen(u16_t port)
{
    struct udp_pcb *u = udp_new();
    if (!CHECK(u != NULL))
        return NULL;
    CHECK_EQ_I64(udp_bind(u, IP_ADDR_ANY, port), ERR_OK);
    udp_recv(u, udp_keep, NULL);
    udp_ngot = 0;
    return u;
}

static size_t make_udp(unsigned n, uint8_t seed)
{
    uint8_t data[1400];
    for (unsigned i = 0; i < n; i++)
        data[i] = (uint8_t)(seed + i);
    return fr_udp(frame, &peer, &self, 5353, 7777, data, n);
}

/* In place: lwIP's pbuf is the device's buffer, handed back once, when the last ref goes. */
static void test_zero_copy(void)
{
    if (!up(FND_BUFS, false) || !udp_listen(7777))
        return;
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    size_t len = make_udp(100, 1);
    int b = fnd_inject(&fnd, frame, (uint32_t)len, false);
    udp_expect_buf = b;
    pump();
    if (!CHECK_EQ_U64(udp_ngot, 1))
        return;
    struct pbuf *p = udp_got[0];
    CHECK(p->flags & PBUF_FLAG_IS_CUSTOM);
    CHECK(p->payload == fnd.buf[b] + FR_ETH_HLEN + FR_IP_HLEN + 8);
    CHECK_EQ_U64(p->tot_len, 100);
    CHECK_EQ_U64(udp_state_at_recv, FND_HELD);
    CHECK_EQ_U64(fnd.state[b], FND_HELD);
    CHECK_EQ_U64(fnd.releases[b], 0);
    CHECK_EQ_U64(st()->rx_copied, 0);
    /* A second reference: the first free gives nothing back. */
    pbuf_ref(p);
    pbuf_free(p);
    CHECK_EQ_U64(fnd.releases[b], 0);
    pbuf_free(p);
    CHECK_EQ_U64(fnd.releases[b], 1);
    CHECK_EQ_U64(fnd.state[b], FND_POSTED);
    unsigned flushes = fnd.flushes;
    pump();
    CHECK(fnd.flushes > flushes);   /* the released buffer reaches the device at the flush */

    /* Many at once, freed in another order than they came. */
    udp_ngot = 0;
    udp_expect_buf = -1;
    for (unsigned i = 0; i < 20; i++) {
        len = make_udp(10 + i, (uint8_t)i);
        CHECK(fnd_inject(&fnd, frame, (uint32_t)len, false) >= 0);
    }
    pump();
    CHECK_EQ_U64(udp_ngot, 20);
    CHECK_EQ_U64(fnd_held(&fnd), 20);
    for (unsigned i = 0; i < udp_ngot; i += 2)
        pbuf_free(udp_got[i]);
    CHECK_EQ_U64(fnd_held(&fnd), 10);
    for (unsigned i = 1; i < udp_ngot; i += 2)
        pbuf_free(udp_got[i]);
    CHECK_EQ_U64(fnd_held(&fnd), 0);
    CHECK_EQ_U64(fnd.bad_releases, 0);
    for (unsigned i = 0; i < FND_BUFS; i++)
        CHECK(fnd.releases[i] <= 2);
    lwip_host_mem(&m1);
    CHECK(lwip_host_mem_same(&m0, &m1));
}

/* The device is low on posted buffers: frames are copied and their buffers go back at once. */
static void test_copy_path(void)
{
    if (!up(FND_BUFS, false) || !udp_listen(7777))
        return;
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    static const struct { int posted; bool copy; } cases[] = {
        { FND_BUFS / 4 + 1, false }, { FND_BUFS / 4, true }, { 1, true }, { 0, true }, { FND_BUFS, false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fnd.posted_override = cases[i].posted;
        udp_ngot = 0;
        size_t len = make_udp(300, (uint8_t)i);
        int b = fnd_inject(&fnd, frame, (uint32_t)len, false);
        udp_expect_buf = b;
        unsigned long copied = st()->rx_copied;
        pump();
        if (!CHECK_EQ_U64(udp_ngot, 1))
            continue;
        struct pbuf *p = udp_got[0];
        CHECK_EQ_U64(st()->rx_copied - copied, cases[i].copy);
        CHECK_EQ_U64(!(p->flags & PBUF_FLAG_IS_CUSTOM), cases[i].copy);
        CHECK_EQ_U64(fnd_in_buf(&fnd, (unsigned)b, p->payload), !cases[i].copy);
        CHECK_EQ_U64(udp_state_at_recv, cases[i].copy ? FND_POSTED : FND_HELD);
        CHECK_EQ_U64(p->tot_len, 300);
        uint8_t back[300];
        CHECK_EQ_U64(pbuf_copy_partial(p, back, 300, 0), 300);
        CHECK(!memcmp(back, frame + 42, 300));
        pbuf_free(p);
        if (!CHECK_EQ_U64(fnd.releases[b], 1))
            fprintf(stderr, "  posted %d\n", cases[i].posted);
        fnd.releases[b] = 0;
    }
    udp_expect_buf = -1;
    CHECK_EQ_U64(fnd.bad_releases, 0);
    lwip_host_mem(&m1);
    CHECK(lwip_host_mem_same(&m0, &m1));

    /* No pool pbuf left to copy into: dropped, and the buffer still goes back. */
    static struct pbuf *hog[PBUF_POOL_SIZE + 1];
    unsigned nhog = 0;
    while (nhog < PBUF_POOL_SIZE + 1 && (hog[nhog] = pbuf_alloc(PBUF_RAW, 100, PBUF_POOL)) != NULL)
        nhog++;
    CHECK_EQ_U64(lwip_host_pool_free(MEMP_PBUF_POOL), 0);
    fnd.posted_override = 0;
    udp_ngot = 0;
    unsigned long dropped = st()->rx_dropped;
    deliver(make_udp(50, 9), false);
    CHECK_EQ_U64(st()->rx_dropped, dropped + 1);
    CHECK_EQ_U64(udp_ngot, 0);
    for (unsigned i = 0; i < nhog; i++)
        pbuf_free(hog[i]);
}

/*
 * A frame longer than a pbuf can say (u16_t) cannot go up; its buffer must still go back,
 * or the ring loses it for good.
 */
static void test_rx_too_long(void)
{
    if (!up(FND_BUFS, false))
        return;
    size_t len = make_udp(10, 0);
    int b = fnd_inject(&fnd, frame, (uint32_t)len, false);
    fnd.next_rx_len = 0x10000;
    unsigned long dropped = st()->rx_dropped;
    pump();
    CHECK_EQ_U64(st()->rx_dropped, dropped + 1);
    if (!CHECK_EQ_U64(fnd.releases[b], 1))
        fprintf(stderr, "  buffer %d of a 65536-byte frame never released\n", b);
    CHECK_EQ_U64(fnd_held(&fnd), 0);
}

static void test_rx_budget(void)
{
    if (!up(FND_BUFS, false))
        return;
    for (unsigned i = 0; i < 5; i++) {
        size_t len = fr_arp(frame, 1, &peer, bcast, zero_mac, (const uint8_t[]){ 10, 0, 2, (uint8_t)(100 + i) });
        CHECK(fnd_inject(&fnd, frame, (uint32_t)len, false) >= 0);
    }
    unsigned long frames = st()->rx_frames;
    unsigned flushes = fnd.flushes;
    netif_glue_poll(&nif, 2);
    CHECK_EQ_U64(st()->rx_frames - frames, 2);
    CHECK_EQ_U64(fnd.q_count, 3);
    CHECK_EQ_U64(fnd.flushes, flushes + 1);
    netif_glue_poll(&nif, 2);
    netif_glue_poll(&nif, 2);
    CHECK_EQ_U64(st()->rx_frames - frames, 5);
    CHECK_EQ_U64(fnd.q_count, 0);
    CHECK_EQ_U64(fnd.flushes, flushes + 3);
    netif_glue_poll(&nif, 0);       /* a zero budget still flushes and reclaims */
    CHECK_EQ_U64(fnd.flushes, flushes + 4);
    CHECK_EQ_U64(fnd_held(&fnd), 0);
}

/* ---- Checksums: lwIP's reaction to a SYN on a listening port says whether it was taken ---- */

static struct tcp_pcb *tcp_listen_on(u16_t port)
{
    struct tcp_pcb *t = tcp_new();
    if (!CHECK(t != NULL) || !CHECK_EQ_I64(tcp_bind(t, IP_ADDR_ANY, port), ERR_OK))
        return NULL;
    struct tcp_pcb *l = tcp_listen(t);
    CHECK(l != NULL);
    return l;
}

enum damage { GOOD, BAD_TCP, BAD_IP };

/* Sends a SYN from sport; true when lwIP answered SYN-ACK. Checks nothing else was sent. */
static bool syn_answered(uint16_t sport, enum damage dmg, bool csum_ok)
{
    size_t len = fr_tcp(frame, &peer, &self, sport, 80, 1000, 0, FR_TCP_SYN, NULL, 0);
    if (dmg == BAD_TCP)
        frame[FR_ETH_HLEN + FR_IP_HLEN + 16] ^= 0x40;    /* the TCP checksum */
    if (dmg == BAD_IP)
        frame[FR_ETH_HLEN + 10] ^= 0x40;                 /* the IP header checksum */
    deliver(len, csum_ok);
    struct fr_view v;
    const struct fnd_tx *t = tx_next(&v);
    if (!t)
        return false;
    bool synack = v.proto == FR_PROTO_TCP && v.dport == sport &&
                  v.tcp_flags == (FR_TCP_SYN | FR_TCP_ACK) && v.ack == 1001;
    CHECK(synack);
    CHECK(fr_csums_ok(t->data, t->len));
    CHECK(tx_next(&v) == NULL);
    return synack;
}

static bool echo_answered(bool bad_icmp, bool csum_ok)
{
    size_t len = fr_icmp_echo(frame, &peer, &self, 8, 1, 1, "abcdefgh", 8);
    if (bad_icmp)
        frame[FR_ETH_HLEN + FR_IP_HLEN + 9] ^= 0x01;     /* data: the ICMP checksum is wrong */
    deliver(len, csum_ok);
    struct fr_view v;
    bool any = false;
    while (tx_next(&v))
        any = true;
    return any;
}

static bool udp_taken(bool bad, bool csum_ok)
{
    size_t len = make_udp(40, 3);
    if (bad)
        frame[len - 30] ^= 0x08;
    udp_ngot = 0;
    int b = fnd_inject(&fnd, frame, (uint32_t)len, csum_ok);
    pump();
    bool got = udp_ngot == 1;
    if (got)
        pbuf_free(udp_got[0]);      /* held by the receiver until now */
    if (CHECK(b >= 0)) {
        CHECK_EQ_U64(fnd.releases[b], 1);
        fnd.releases[b] = 0;
    }
    return got;
}

/* The device never vouches: lwIP checks everything itself, csum_ok means nothing. */
static void test_csum_lwip_checks(void)
{
    if (!up(FND_BUFS, false) || !tcp_listen_on(80) || !udp_listen(7777))
        return;
    arp_exchange();
    unsigned long bad = st()->rx_bad_csum;
    CHECK(syn_answered(40001, GOOD, false));
    CHECK(!syn_answered(40002, BAD_TCP, false));
    CHECK(!syn_answered(40003, BAD_TCP, true));
    CHECK(!syn_answered(40004, BAD_IP, false));
    CHECK(echo_answered(false, false));
    CHECK(!echo_answered(true, false));
    CHECK(udp_taken(false, false));
    CHECK(!udp_taken(true, false));
    CHECK_EQ_U64(st()->rx_bad_csum, bad);   /* lwIP dropped them, not the glue */
}

/* The device may vouch: frames it did not are checked by the glue in software. */
static void test_csum_glue_checks(void)
{
    if (!up(FND_BUFS, true) || !tcp_listen_on(80) || !udp_listen(7777))
        return;
    arp_exchange();
    unsigned long bad = st()->rx_bad_csum;
    CHECK(syn_answered(40001, GOOD, false));
    CHECK(!syn_answered(40002, BAD_TCP, false));
    CHECK_EQ_U64(st()->rx_bad_csum, bad + 1);
    CHECK(syn_answered(40003, BAD_TCP, true));     /* vouched for: lwIP does not look again */
    CHECK(syn_answered(40004, GOOD, true));
    CHECK(!syn_answered(40005, BAD_IP, false));
    CHECK_EQ_U64(st()->rx_bad_csum, bad + 2);
    CHECK(udp_taken(false, false));
    CHECK(!udp_taken(true, false));
    CHECK(udp_taken(true, true));
    CHECK_EQ_U64(st()->rx_bad_csum, bad + 3);
    CHECK(echo_answered(false, false));
}

/*
 * The same device, an ICMP echo request with a wrong ICMP checksum that the device did not
 * vouch for: lwIP's ICMP check is switched off on this netif and inet_frame_csum_ok covers
 * only IPv4, TCP and UDP, so nobody checks it. RFC 1122 3.2.2: such a message is discarded.
 */
static void test_csum_icmp_unchecked(void)
{
    if (!up(FND_BUFS, true))
        return;
    arp_exchange();
    if (!CHECK(!echo_answered(true, false)))
        fprintf(stderr, "  echo request with a bad ICMP checksum answered (rx_csum, !csum_ok)\n");
}

/* ---- Transmit ---- */

/* A chain of n pbufs of `each` bytes (PBUF_RAM), numbered bytes throughout. */
static struct pbuf *chain(unsigned n, unsigned each)
{
    struct pbuf *head = NULL;
    unsigned v = 0;
    for (unsigned i = 0; i < n; i++) {
        struct pbuf *q = pbuf_alloc(PBUF_RAW, (u16_t)each, PBUF_RAM);
        if (!CHECK(q != NULL))
            break;
        for (unsigned k = 0; k < each; k++)
            ((uint8_t *)q->payload)[k] = (uint8_t)v++;
        if (head)
            pbuf_cat(head, q);
        else
            head = q;
    }
    return head;
}

static bool numbered(const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i] != (uint8_t)i)
            return false;
    return true;
}

/* Up to NETDEV_MAX_FRAGS non-empty pieces go out in place, referenced until the device is done. */
static void test_tx_in_place(void)
{
    if (!up(FND_BUFS, false))
        return;
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    /* Three pieces, one of them empty: two fragments, in place, the chain referenced. */
    struct pbuf *a = chain(1, 40), *e = pbuf_alloc(PBUF_RAW, 0, PBUF_RAM), *c = chain(1, 30);
    for (unsigned k = 0; k < 30; k++)
        ((uint8_t *)c->payload)[k] = (uint8_t)(40 + k);
    pbuf_cat(a, e);
    pbuf_cat(a, c);
    fnd.tx_stuck = true;
    CHECK_EQ_I64(nif.linkoutput(&nif, a), ERR_OK);
    const struct fnd_tx *t = &fnd.tx[fnd.ntx - 1];
    CHECK_EQ_U64(t->nfrags, 2);
    CHECK(t->frag_data[0] == a->payload && t->frag_data[1] == c->payload);
    CHECK(t->len == 70 && numbered(t->data, 70));
    CHECK(t->cookie == a);
    CHECK_EQ_U64(a->ref, 2);                    /* ours and the ring's */
    fnd.tx_stuck = false;
    pump();
    CHECK(t->returned);
    CHECK_EQ_U64(a->ref, 1);
    pbuf_free(a);

    /* Exactly NETDEV_MAX_FRAGS non-empty pieces (and empty ones): still in place. */
    struct pbuf *p = chain(NETDEV_MAX_FRAGS, 10);
    pbuf_cat(p, pbuf_alloc(PBUF_RAW, 0, PBUF_RAM));
    unsigned long lin = st()->tx_linearized;
    CHECK_EQ_I64(nif.linkoutput(&nif, p), ERR_OK);
    t = &fnd.tx[fnd.ntx - 1];
    CHECK_EQ_U64(t->nfrags, NETDEV_MAX_FRAGS);
    CHECK(t->cookie == p);
    CHECK_EQ_U64(st()->tx_linearized, lin);
    pump();
    pbuf_free(p);
    lwip_host_mem(&m1);
    CHECK(lwip_host_mem_same(&m0, &m1));
}

/* More pieces than the device takes: copied into one contiguous pbuf, the chain not kept. */
static void test_tx_linearize(void)
{
    if (!up(FND_BUFS, false))
        return;
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    unsigned long lin = st()->tx_linearized;
    struct pbuf *p = chain(NETDEV_MAX_FRAGS + 4, 10);
    fnd.tx_stuck = true;
    CHECK_EQ_I64(nif.linkoutput(&nif, p), ERR_OK);
    const struct fnd_tx *t = &fnd.tx[fnd.ntx - 1];
    CHECK_EQ_U64(t->nfrags, 1);
    CHECK(t->len == (NETDEV_MAX_FRAGS + 4) * 10 && numbered(t->data, t->len));
    CHECK(t->cookie != p);
    CHECK_EQ_U64(p->ref, 1);
    CHECK_EQ_U64(st()->tx_linearized, lin + 1);
    pbuf_free(p);                               /* the copy lives on in the ring */
    CHECK(numbered(t->frag_data[0], t->len));
    fnd.tx_stuck = false;
    pump();
    CHECK(t->returned);
    lwip_host_mem(&m1);
    CHECK(lwip_host_mem_same(&m0, &m1));
}

/* No heap left for the copy: ERR_MEM, nothing sent, the chain untouched. */
static void test_tx_linearize_no_memory(void)
{
    if (!up(FND_BUFS, false))
        return;
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    static uint8_t rom[10 * (NETDEV_MAX_FRAGS + 1)];
    for (unsigned i = 0; i < sizeof(rom); i++)
        rom[i] = (uint8_t)i;
    struct pbuf *p = NULL;
    for (unsigned i = 0; i <= NETDEV_MAX_FRAGS; i++) {
        struct pbuf *q = pbuf_alloc(PBUF_RAW, 10, PBUF_ROM);
        if (!CHECK(q != NULL))
            return;
        q->payload = rom + 10 * i;
        if (p)
            pbuf_cat(p, q);
        else
            p = q;
    }
    static void *hog[MEM_SIZE / 16];
    unsigned nhog = 0;
    while (nhog < MEM_SIZE / 16 && (hog[nhog] = mem_malloc(MEM_SIZE / 64)) != NULL)
        nhog++;
    while (nhog < MEM_SIZE / 16 && (hog[nhog] = mem_malloc(16)) != NULL)
        nhog++;
    unsigned calls = fnd.tx_calls;
    CHECK_EQ_I64(nif.linkoutput(&nif, p), ERR_MEM);
    CHECK_EQ_U64(fnd.tx_calls, calls);
    CHECK_EQ_U64(p->ref, 1);
    for (unsigned i = 0; i < nhog; i++)
        mem_free(hog[i]);
    pbuf_free(p);
    lwip_host_mem(&m1);
    CHECK(lwip_host_mem_same(&m0, &m1));
}

static void test_tx_busy(void)
{
    if (!up(FND_BUFS, false))
        return;
    arp_exchange();
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    unsigned long busy = st()->tx_busy, frames = st()->tx_frames;

    /* A ring that stays full: one reclaim, one retry, then the frame is dropped with ERR_MEM. */
    fnd.tx_capacity = 2;
    fnd.tx_stuck = true;
    struct pbuf *p1 = chain(1, 60), *p2 = chain(1, 60), *p3 = chain(2, 30);
    CHECK_EQ_I64(nif.linkoutput(&nif, p1), ERR_OK);
    CHECK_EQ_I64(nif.linkoutput(&nif, p2), ERR_OK);
    unsigned calls = fnd.tx_calls, dones = fnd.tx_done_calls;
    CHECK_EQ_I64(nif.linkoutput(&nif, p3), ERR_MEM);
    CHECK_EQ_U64(fnd.tx_calls - calls, 2);
    CHECK(fnd.tx_done_calls > dones);
    CHECK_EQ_U64(p3->ref, 1);                   /* not kept */
    CHECK_EQ_U64(st()->tx_busy, busy + 1);
    CHECK_EQ_U64(p1->ref, 2);

    /* Through lwIP: udp_sendto reports the drop, and its headers are not leaked. */
    struct udp_pcb *u = udp_new();
    ip_addr_t dst = IPADDR4_INIT_BYTES(10, 0, 2, 2);
    struct pbuf *d = chain(1, 200);
    CHECK_EQ_I64(udp_sendto(u, d, &dst, 9999), ERR_MEM);
    CHECK_EQ_U64(d->ref, 1);
    pbuf_free(d);
    udp_remove(u);

    /* The device finishes: the reclaim in the retry frees a slot, the frame goes out. */
    fnd.tx_stuck = false;
    dones = fnd.tx_done_calls;
    calls = fnd.tx_calls;
    CHECK_EQ_I64(nif.linkoutput(&nif, p3), ERR_OK);
    CHECK_EQ_U64(fnd.tx_calls - calls, 2);
    CHECK_EQ_U64(p1->ref, 1);                   /* reclaimed on the way */
    CHECK_EQ_U64(p2->ref, 1);
    CHECK_EQ_U64(p3->ref, 2);
    pump();
    CHECK_EQ_U64(p3->ref, 1);

    /* Any other error: no retry, ERR_MEM, nothing kept. */
    fnd.tx_fail = -NP_EIO;
    calls = fnd.tx_calls;
    CHECK_EQ_I64(nif.linkoutput(&nif, p3), ERR_MEM);
    CHECK_EQ_U64(fnd.tx_calls - calls, 1);
    CHECK_EQ_U64(p3->ref, 1);
    fnd.tx_fail = 0;
    CHECK_EQ_U64(st()->tx_frames - frames, 3);
    pbuf_free(p1);
    pbuf_free(p2);
    pbuf_free(p3);
    lwip_host_mem(&m1);
    CHECK(lwip_host_mem_same(&m0, &m1));
}

/* ---- Link ---- */

static unsigned link_events;

static void on_link(struct netif *n)
{
    (void)n;
    link_events++;
}

static void test_link(void)
{
    fnd_init(&fnd, FND_BUFS);
    fnd.nd.link_status = true;
    if (!CHECK_EQ_I64(netif_glue_add(&nif, &fnd.nd), 0))
        return;
    netif_set_link_callback(&nif, on_link);
    CHECK(netif_is_link_up(&nif));
    pump();                                     /* the first poll looks at once */
    unsigned calls = fnd.link_calls;
    fnd.link = 0;
    for (int i = 0; i < 10; i++)
        pump();                                 /* the clock has not moved: not asked */
    CHECK_EQ_U64(fnd.link_calls, calls);
    lwip_host_advance_ms(99);
    pump();
    CHECK(netif_is_link_up(&nif));
    lwip_host_advance_ms(1);
    pump();
    CHECK(!netif_is_link_up(&nif));
    CHECK_EQ_U64(link_events, 1);
    CHECK_EQ_U64(fnd.link_calls, calls + 1);
    fnd.link = 1;
    lwip_host_advance_ms(50);
    pump();
    CHECK(!netif_is_link_up(&nif));
    lwip_host_advance_ms(50);
    pump();
    CHECK(netif_is_link_up(&nif));
    CHECK_EQ_U64(link_events, 2);
    /* A device that reports an error is down, not up. */
    fnd.link = -NP_EIO;
    lwip_host_advance_ms(100);
    pump();
    CHECK(!netif_is_link_up(&nif));
    /* Long gaps (and a clock that wraps) still look once per poll. */
    fnd.link = 1;
    lwip_host_advance_ms(0xFFFFFF00u);
    pump();
    CHECK(netif_is_link_up(&nif));

    /* No link status from the device: link() is never called, the link stays up. */
    static struct netif n2;
    fnd_init(&fnd, FND_BUFS);
    fnd.link = 0;
    if (!CHECK_EQ_I64(netif_glue_add(&n2, &fnd.nd), 0))
        return;
    for (int i = 0; i < 5; i++) {
        lwip_host_advance_ms(1000);
        netif_glue_poll(&n2, BUDGET);
    }
    CHECK_EQ_U64(fnd.link_calls, 0);
    CHECK(netif_is_link_up(&n2));
}

/* ---- End to end: virtio_net.c over the fake virtio device, the glue, lwIP ---- */

struct e2e {
    const char *name;
    bool modern;
    uint64_t offered;
    unsigned hdr_len;
};

static const struct e2e e2es[] = {
    { "modern, QEMU's offer", true,
      FV_BIT(VIRTIO_F_VERSION_1) | FV_BIT(FV_F_CSUM) | FV_BIT(FV_F_GUEST_CSUM) | FV_BIT(FV_F_MAC) |
      FV_BIT(FV_F_MRG_RXBUF) | FV_BIT(FV_F_STATUS) | FV_BIT(FV_F_CTRL_VQ), 12 },
    { "modern, no offloads", true, FV_BIT(VIRTIO_F_VERSION_1) | FV_BIT(FV_F_MAC), 12 },
    { "legacy, split header", false, FV_BIT(FV_F_MAC) | FV_BIT(FV_F_STATUS), 10 },
    { "legacy, ANY_LAYOUT and MRG_RXBUF", false,
      FV_BIT(FV_F_MAC) | FV_BIT(FV_F_ANY_LAYOUT) | FV_BIT(FV_F_MRG_RXBUF) | FV_BIT(FV_F_GUEST_CSUM), 12 },
};
static const struct e2e *e2e;

static struct fv fv;
static struct netdev *vnd;
static uint8_t dev_out[FR_MAX + 16];

static bool dev_send(size_t len, uint8_t flags)
{
    uint8_t hdr[12];
    fv_hdr(hdr, e2e->hdr_len, flags, 1);
    return CHECK(fv_rx(&fv, hdr, e2e->hdr_len, frame, (unsigned)len) > 0);
}

/* The next frame the driver sent, header checked and stripped; NULL when none. */
static const uint8_t *dev_recv(struct fr_view *v, unsigned *len)
{
    struct fv_chain ch;
    int n = fv_tx(&fv, dev_out, sizeof(dev_out), &ch);
    if (n < 0)
        return NULL;
    if (!CHECK((unsigned)n >= e2e->hdr_len + FR_ETH_HLEN))
        return NULL;
    for (unsigned i = 0; i < e2e->hdr_len; i++)
        CHECK_EQ_U64(dev_out[i], 0);
    *len = (unsigned)n - e2e->hdr_len;
    CHECK(fr_parse(dev_out + e2e->hdr_len, *len, v));
    return dev_out + e2e->hdr_len;
}

static bool e2e_up(uint16_t rxq_max)
{
    fv_init(&fv, e2e->modern, e2e->offered);
    fv_set_mac(&fv, self.mac);
    fv_set_config16(&fv, 6, 1);         /* link up */
    fv.q[FV_RXQ].max = rxq_max;
    unsigned n = netdev_count();
    if (!CHECK_EQ_I64(virtio_net_attach(&fv.vdev), 0) || !CHECK_EQ_U64(netdev_count(), n + 1))
        return false;
    vnd = netdev_get(n);
    if (!CHECK_EQ_I64(netif_glue_add(&nif, vnd), 0))
        return false;
    set_addr(&nif);
    netif_glue_poll(&nif, BUDGET);
    struct fr_view v;
    unsigned len;
    CHECK(dev_recv(&v, &len) != NULL && v.ethertype == FR_ETH_ARP);     /* gratuitous ARP */
    return true;
}

static void e2e_poll(void)
{
    netif_glue_poll(&nif, BUDGET);
}

/* Every posted buffer back with the device: none lost, none twice. */
static void e2e_check_ring(void)
{
    CHECK_EQ_U64(vnd->ops->rx_posted(vnd), vnd->rx_ring);
    CHECK_EQ_U64(fv_avail(&fv, FV_RXQ), vnd->rx_ring);
    CHECK_EQ_U64(fv.bad, 0);
    CHECK_EQ_U64(fv.early_notifies, 0);
}

/* ARP: who has 10.0.2.15? */
static void e2e_arp(void)
{
    struct fr_view v;
    unsigned len;
    const uint8_t *out;
    if (!dev_send(fr_arp(frame, 1, &peer, bcast, zero_mac, self.ip), 0))
        return;
    e2e_poll();
    out = dev_recv(&v, &len);
    if (CHECK(out != NULL) && CHECK_EQ_U64(v.ethertype, FR_ETH_ARP)) {
        CHECK_EQ_U64(v.arp_op, 2);
        CHECK(!memcmp(v.eth_dst, peer.mac, 6) && !memcmp(v.arp_sha, self.mac, 6));
        CHECK(!memcmp(v.arp_spa, self.ip, 4) && !memcmp(v.arp_tpa, peer.ip, 4));
    }
    CHECK(dev_recv(&v, &len) == NULL);
    e2e_check_ring();
}

/* Ping, several sizes, up to a full frame. */
static void e2e_ping(void)
{
    struct fr_view v;
    unsigned len;
    const uint8_t *out;
    static const unsigned sizes[] = { 0, 56, 1000, 1472 };
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        static uint8_t data[1472];
        for (unsigned k = 0; k < sizes[i]; k++)
            data[k] = (uint8_t)(k ^ i);
        if (!dev_send(fr_icmp_echo(frame, &peer, &self, 8, 0x77, (uint16_t)i, data, sizes[i]), 0))
            return;
        e2e_poll();
        out = dev_recv(&v, &len);
        if (!CHECK(out != NULL) || !CHECK_EQ_U64(v.proto, FR_PROTO_ICMP))
            continue;
        CHECK_EQ_U64(v.l4[0], 0);
        CHECK_EQ_U64(fr_rd16(v.l4 + 6), i);
        CHECK(!memcmp(v.ip_dst, peer.ip, 4) && !memcmp(v.eth_dst, peer.mac, 6));
        CHECK(v.payload_len == sizes[i] && !memcmp(v.payload, data, sizes[i]));
        CHECK(fr_csums_ok(out, len));
    }
}

/* A TCP SYN to the listening port: SYN-ACK; with a bad checksum only if the device vouched. */
static void e2e_tcp(void)
{
    struct fr_view v;
    unsigned len;
    const uint8_t *out;
    if (!dev_send(fr_tcp(frame, &peer, &self, 41000, 80, 5000, 0, FR_TCP_SYN, NULL, 0), 0))
        return;
    e2e_poll();
    out = dev_recv(&v, &len);
    if (CHECK(out != NULL) && CHECK_EQ_U64(v.proto, FR_PROTO_TCP)) {
        CHECK_EQ_U64(v.tcp_flags, FR_TCP_SYN | FR_TCP_ACK);
        CHECK_EQ_U64(v.ack, 5001);
        CHECK_EQ_U64(v.dport, 41000);
        CHECK(fr_csums_ok(out, len));
    }
    /* Bad TCP checksum: dropped, unless the device vouched (DATA_VALID) with GUEST_CSUM. */
    bool guest_csum = e2e->offered & FV_BIT(FV_F_GUEST_CSUM);
    fr_tcp(frame, &peer, &self, 41001, 80, 6000, 0, FR_TCP_SYN, NULL, 0);
    frame[FR_ETH_HLEN + FR_IP_HLEN + 17] ^= 0x01;
    dev_send(60, 0);
    e2e_poll();
    CHECK(dev_recv(&v, &len) == NULL);
    dev_send(60, FV_HDR_DATA_VALID);
    e2e_poll();
    out = dev_recv(&v, &len);
    CHECK_EQ_U64(out != NULL && v.proto == FR_PROTO_TCP && v.dport == 41001, guest_csum);
}

static void test_e2e(void)
{
    fprintf(stderr, "[%s]\n", e2e->name);
    if (!e2e_up(256) || !tcp_listen_on(80))
        return;
    e2e_arp();
    struct lwip_host_mem m0, m1;
    lwip_host_mem(&m0);
    e2e_ping();
    e2e_tcp();
    /* A runt between frames: dropped, its buffer straight back. */
    struct fr_view v;
    unsigned len;
    dev_send(10, 0);
    e2e_poll();
    CHECK(dev_recv(&v, &len) == NULL);
    e2e_check_ring();
    lwip_host_mem(&m1);
    /* The SYN_RCVD pcbs (their SYN-ACKs kept for resending, the TCP timer) are not leaks. */
    m1.pool_free[MEMP_TCP_PCB] = m0.pool_free[MEMP_TCP_PCB];
    m1.pool_free[MEMP_TCP_SEG] = m0.pool_free[MEMP_TCP_SEG];
    m1.pool_free[MEMP_SYS_TIMEOUT] = m0.pool_free[MEMP_SYS_TIMEOUT];
    m1.heap_largest = m0.heap_largest;
    CHECK(lwip_host_mem_same(&m0, &m1));
}

/*
 * A small ring: a receiver that holds on to every datagram takes the device's buffers one by
 * one, until the glue switches to copying; the device always keeps some, and every buffer
 * comes back when the datagrams are freed.
 */
static void test_e2e_low_water(void)
{
    e2e = &e2es[0];
    if (!e2e_up(16) || !udp_listen(7777))
        return;
    CHECK_EQ_U64(vnd->rx_ring, 16);
    unsigned long copied = st()->rx_copied;
    for (unsigned i = 0; i < 40; i++) {
        if (!dev_send(make_udp(100, (uint8_t)i), 0))
            break;
        e2e_poll();
        CHECK(fv_avail(&fv, FV_RXQ) >= vnd->rx_ring / 4);
    }
    CHECK_EQ_U64(udp_ngot, 40);
    /* In place while more than a quarter stays posted after taking the frame: 11 of 16. */
    CHECK_EQ_U64(st()->rx_copied - copied, 40 - (vnd->rx_ring - vnd->rx_ring / 4 - 1));
    for (unsigned i = 0; i < udp_ngot; i++) {
        uint8_t back[100];
        CHECK_EQ_U64(pbuf_copy_partial(udp_got[i], back, 100, 0), 100);
        CHECK_EQ_U64(back[0], (uint8_t)i);
        pbuf_free(udp_got[i]);
    }
    e2e_poll();
    e2e_check_ring();
}

/* The receiver of test_e2e_burst_ack: takes every segment at once. */
static unsigned burst_bytes;

static err_t burst_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (p) {
        burst_bytes += p->tot_len;
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
    }
    return ERR_OK;
}

static err_t burst_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    (void)err;
    tcp_recv(pcb, burst_recv);
    return ERR_OK;
}

/*
 * A burst of in-order segments taken in one poll gets one cumulative ACK (TCP_ACK_DELAY_ALWAYS,
 * sent at the burst's end), and the device one notify for it (tx_batch); lwIP alone ACKs every
 * second segment, each with a notify.
 */
static void test_e2e_burst_ack(void)
{
    e2e = &e2es[0];
    struct tcp_pcb *l = e2e_up(256) ? tcp_listen_on(80) : NULL;
    if (!l)
        return;
    tcp_accept(l, burst_accept);
    e2e_arp();
    struct fr_view v;
    unsigned len;
    const uint8_t *out;
    if (!dev_send(fr_tcp(frame, &peer, &self, 42000, 80, 7000, 0, FR_TCP_SYN, NULL, 0), 0))
        return;
    e2e_poll();
    out = dev_recv(&v, &len);
    if (!CHECK(out != NULL) || !CHECK_EQ_U64(v.tcp_flags, FR_TCP_SYN | FR_TCP_ACK))
        return;
    uint32_t isn = v.seq;
    dev_send(fr_tcp(frame, &peer, &self, 42000, 80, 7001, isn + 1, FR_TCP_ACK, NULL, 0), 0);
    e2e_poll();
    CHECK(dev_recv(&v, &len) == NULL);     /* the handshake's last ACK needs no answer */
    static uint8_t data[1000];
    for (unsigned k = 0; k < 6; k++)
        dev_send(fr_tcp(frame, &peer, &self, 42000, 80, 7001 + k * 1000u, isn + 1, FR_TCP_ACK, data, 1000), 0);
    unsigned notifies = fv.q[FV_TXQ].notifies;
    e2e_poll();
    CHECK_EQ_U64(burst_bytes, 6000);
    out = dev_recv(&v, &len);
    if (CHECK(out != NULL) && CHECK_EQ_U64(v.proto, FR_PROTO_TCP)) {
        CHECK_EQ_U64(v.tcp_flags & FR_TCP_ACK, FR_TCP_ACK);
        CHECK_EQ_U64(v.ack, 7001 + 6000);
    }
    CHECK(dev_recv(&v, &len) == NULL);     /* one ACK for the six segments */
    CHECK_EQ_U64(fv.q[FV_TXQ].notifies, notifies + 1);
}

int main(void)
{
    lwip_init();
    TEST_RUN_ISOLATED(test_init);
    TEST_RUN_ISOLATED(test_arp);
    TEST_RUN_ISOLATED(test_ping);
    TEST_RUN_ISOLATED(test_zero_copy);
    TEST_RUN_ISOLATED(test_copy_path);
    TEST_RUN_ISOLATED(test_rx_too_long);
    TEST_RUN_ISOLATED(test_rx_budget);
    TEST_RUN_ISOLATED(test_csum_lwip_checks);
    TEST_RUN_ISOLATED(test_csum_glue_checks);
    TEST_RUN_ISOLATED(test_csum_icmp_unchecked);
    TEST_RUN_ISOLATED(test_tx_in_place);
    TEST_RUN_ISOLATED(test_tx_linearize);
    TEST_RUN_ISOLATED(test_tx_linearize_no_memory);
    TEST_RUN_ISOLATED(test_tx_busy);
    TEST_RUN_ISOLATED(test_link);
    for (size_t i = 0; i < sizeof(e2es) / sizeof(e2es[0]); i++) {
        e2e = &e2es[i];
        TEST_RUN_ISOLATED(test_e2e);
    }
    TEST_RUN_ISOLATED(test_e2e_low_water);
    TEST_RUN_ISOLATED(test_e2e_burst_ack);
    return test_finish();
}
