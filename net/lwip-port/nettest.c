#include "net/lwip-port/nettest.h"

#include "arch/x86_64/arch.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "lwip/tcp.h"
#include "net/lwip-port/net.h"
#include "net/lwip-port/netif_glue.h"

#define ACCEPT_TIMEOUT_MS   120000
#define IDLE_TIMEOUT_MS     30000
#define RESOLVE_TIMEOUT_MS  10000
#define DRAIN_TIMEOUT_MS    10000   /* for the peer to acknowledge the last bytes */
#define LINGER_MS           500     /* for QEMU's user network to hand them to the host */

enum nt_mode { NT_SINK, NT_ECHO };

static struct {
    enum nt_mode mode;
    struct tcp_pcb *listener, *pcb;
    struct pbuf *pending;       /* echo: received, not yet written back */
    bool peer_closed, done, failed;
    uint64_t bytes, first_us, last_us;
} nt;

static void nt_finish(bool failed)
{
    nt.failed = failed;
    nt.done = true;
}

/*
 * Closes the connection only once the peer has acknowledged every byte sent, then keeps the
 * network running a moment: ending the machine earlier can lose data still on its way out.
 */
static void nt_close(void)
{
    uint64_t t0 = clock_ms();
    while (nt.pcb && (nt.pcb->unsent || nt.pcb->unacked) && clock_ms() - t0 < DRAIN_TIMEOUT_MS)
        net_poll();
    if (nt.pcb) {
        tcp_arg(nt.pcb, NULL);
        tcp_recv(nt.pcb, NULL);
        tcp_sent(nt.pcb, NULL);
        tcp_err(nt.pcb, NULL);
        if (tcp_close(nt.pcb) != ERR_OK)
            tcp_abort(nt.pcb);
        nt.pcb = NULL;
    }
    for (t0 = clock_ms(); clock_ms() - t0 < LINGER_MS;)
        net_poll();
}

/* Echo: write back as much as the send buffer takes, acknowledging only what was written. */
static void nt_echo_flush(struct tcp_pcb *pcb)
{
    while (nt.pending) {
        u16_t room = tcp_sndbuf(pcb);
        u16_t n = nt.pending->len < room ? nt.pending->len : room;
        if (n == 0 || tcp_write(pcb, nt.pending->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        tcp_recved(pcb, n);     /* the window reopens only as data leaves again */
        nt.pending = pbuf_free_header(nt.pending, n);
    }
    tcp_output(pcb);
    if (nt.peer_closed && !nt.pending)
        nt_finish(false);
}

static err_t nt_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)arg;
    (void)len;
    nt_echo_flush(pcb);
    return ERR_OK;
}

static err_t nt_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    uint64_t now = clock_us();
    if (!p) {
        nt.peer_closed = true;
        if (nt.mode == NT_SINK)
            nt_finish(false);
        else
            nt_echo_flush(pcb);
        return ERR_OK;
    }
    if (!nt.bytes)
        nt.first_us = now;
    nt.last_us = now;
    nt.bytes += p->tot_len;
    if (nt.mode == NT_SINK) {
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    if (nt.pending)
        pbuf_cat(nt.pending, p);
    else
        nt.pending = p;
    nt_echo_flush(pcb);
    return ERR_OK;
}

static void nt_err(void *arg, err_t err)
{
    (void)arg;
    log_err("error: nettest: connection failed (lwIP error %d)\n", (int)err);
    nt.pcb = NULL;      /* lwIP has freed it already */
    nt.done = nt.failed = true;
}

static err_t nt_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    nt.pcb = pcb;
    tcp_recv(pcb, nt_recv);
    tcp_sent(pcb, nt_sent);
    tcp_err(pcb, nt_err);
    tcp_close(nt.listener);     /* one connection per test */
    nt.listener = NULL;
    log_info("nettest: connection accepted\n");
    return ERR_OK;
}

static void nt_report(void)
{
    uint64_t us = nt.last_us > nt.first_us ? nt.last_us - nt.first_us : 1;
    uint64_t kbps = nt.bytes * 1000 / us;
    log_info("nettest: %s %llu bytes in %llu.%03llu s: %llu.%03llu MB/s\n",
             nt.mode == NT_SINK ? "received" : "echoed", (unsigned long long)nt.bytes,
             (unsigned long long)(us / 1000000), (unsigned long long)(us / 1000 % 1000),
             (unsigned long long)(kbps / 1000), (unsigned long long)(kbps % 1000));
    const struct netif_stats *st = netif_glue_stats();
    log_info("nettest: frames in %lu (copied %lu, bad checksum %lu, dropped %lu), out %lu "
             "(ring full %lu, linearized %lu)\n", st->rx_frames, st->rx_copied, st->rx_bad_csum,
             st->rx_dropped, st->tx_frames, st->tx_busy, st->tx_linearized);
}

static enum np_exit nt_serve(enum nt_mode mode, uint16_t port)
{
    NP_STRFN(memset)(&nt, 0, sizeof(nt));
    nt.mode = mode;
    struct tcp_pcb *pcb = tcp_new();
    if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK || !(nt.listener = tcp_listen(pcb)))
        return log_err("error: nettest: cannot listen on TCP port %u\n", port), NP_EXIT_NET;
    tcp_accept(nt.listener, nt_accept);
    log_info("nettest: listening on TCP port %u (%s)\n", port, mode == NT_SINK ? "sink" : "echo");
    uint64_t start = clock_ms();
    while (!nt.done) {
        net_poll();
        uint64_t now = clock_ms();
        bool idle = nt.pcb ? now - (nt.last_us ? nt.last_us / 1000 : start) > IDLE_TIMEOUT_MS
                           : now - start > ACCEPT_TIMEOUT_MS;
        if (idle) {
            log_err("error: nettest: %s\n", nt.pcb ? "connection idle too long" : "nobody connected");
            nt_finish(true);
        }
    }
    if (nt.listener)
        tcp_close(nt.listener);
    nt_close();
    if (nt.failed)
        return NP_EXIT_NET;
    nt_report();
    return NP_EXIT_OK;
}

static enum np_exit nt_resolve(const char *name)
{
    ip_addr_t a;
    enum np_exit e = net_resolve(name, &a, RESOLVE_TIMEOUT_MS);
    if (e != NP_EXIT_OK)
        return e;   /* net_resolve said why */
    log_info("nettest: %s is %s\n", name, ipaddr_ntoa(&a));
    return NP_EXIT_OK;
}

enum np_exit nettest_run(const char *spec)
{
    uint64_t port = 0;
    if (NP_STRFN(strcmp)(spec, "lease") == 0)
        return NP_EXIT_OK;
    if (NP_STRFN(strncmp)(spec, "resolve:", 8) == 0 && spec[8])
        return nt_resolve(spec + 8);
    bool sink = NP_STRFN(strncmp)(spec, "sink:", 5) == 0, echo = NP_STRFN(strncmp)(spec, "echo:", 5) == 0;
    if ((sink || echo) && !cmdline_parse_u64(spec + 5, &port) && port > 0 && port <= 0xFFFF)
        return nt_serve(sink ? NT_SINK : NT_ECHO, (uint16_t)port);
    log_err("error: nettest=%s: want lease, sink:PORT, echo:PORT or resolve:NAME\n", spec);
    return NP_EXIT_USAGE;
}
