#include "net/http/http_get.h"

#include "arch/x86_64/arch.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "net/http/hdropt.h"
#include "net/http/policy.h"
#include "net/http/proxy.h"
#include "net/http/url.h"
#include "net/lwip-port/net.h"
#include "net/tls/tls.h"

#define USER_AGENT      "netplant/" NETPLANT_VERSION
#define RESOLVE_MS      10000
/* An If-Range validator (ETag or Last-Modified) this long or longer is not kept: no resume. */
#define VALIDATOR_MAX   8192

enum action { A_NONE, A_DONE, A_REDIRECT, A_RETRY, A_NEW_REQUEST, A_FAIL, A_STOP };

static struct {
    const struct http_sink *sink;
    struct altcp_pcb *pcb;
    bool connected, broken, remote_closed;
    bool tls_layer;         /* pcb is a TLS pcb (not yet, while a CONNECT tunnel is opened) */
    const struct proxy *proxy;
    const char *const *headers;     /* header= lines: the options' or the job's */
    unsigned nheaders;
    bool auth_redirects;
    bool answered;          /* a byte of this exchange's response arrived */
    err_t err;
    uint64_t last_rx_ms;
    struct http_resp resp;
    const struct http_get_opts *opts;
    struct url url;
    uint64_t offset;        /* image bytes handed to the sink */
    uint64_t req_offset;    /* where this request's Range starts */
    uint64_t total;
    /*
     * The stream's validators, from the response that began it at byte 0: "" when the server
     * gave none, or one too long to keep (a validator cut short would never match).
     */
    char validator[VALIDATOR_MAX];      /* sent as If-Range */
    char etag[VALIDATOR_MAX];
    char last_modified[VALIDATOR_MAX];
    bool judged, taking;
    enum action action;
    enum np_exit fail_status;
    const char *why;
    char tls_why[320];      /* a TLS failure's line: hg.why points here */
    size_t unreleased;      /* body bytes of this connection TCP has not been told about */
    uint64_t taken;         /* body bytes handed to the sink, all connections */
    size_t skip;            /* releases owed to dead connections: they credit nobody */
    struct http_get_result *res;
    char origin[URL_HOST_MAX];      /* the first URL's server: Authorization header= stays there */
    uint16_t origin_port;
    bool origin_tls, elsewhere, told_withheld;
    /*
     * Received and not yet parsed: on_recv only queues, so that lwIP's ACK leaves before the
     * hash and the copy run (a sender with a small send buffer, as QEMU's user networking has,
     * refills it only as ACKs come back). rx_drain parses after each poll; at most a poll's
     * worth of frames waits here, and the window counts it until the sink takes it.
     */
    struct pbuf *rxq;
    bool rxq_eof;           /* the FIN came after what rxq holds */
    size_t ahead;           /* window opened for bytes not yet consumed (RECV_AHEAD at most) */
} hg;

/*
 * on_recv opens the window for what it queues at once, up to this much ahead of what the
 * parser and the sink consumed: the sender fills the next window while the last one is hashed
 * (QEMU's user networking offers no window scaling: 64 KiB is all it may have in flight).
 * Consumed bytes pay the advance back before TCP hears of them.
 */
#define RECV_AHEAD      (64u * 1024)

/* Tells TCP that len bytes were consumed, less what was credited ahead for them. */
static void recved(size_t len)
{
    size_t k = len < hg.ahead ? len : hg.ahead;
    hg.ahead -= k;
    len -= k;
    while (hg.pcb && hg.connected && len) {
        u16_t n = len > 0xFFFF ? 0xFFFF : (u16_t)len;
        altcp_recved(hg.pcb, n);
        len -= n;
    }
}

void http_get_release(size_t len)
{
    size_t k = len < hg.skip ? len : hg.skip;
    hg.skip -= k;
    len -= k;
    if (len > hg.unreleased)
        len = hg.unreleased;
    hg.unreleased -= len;
    recved(len);
}

static void fail(enum np_exit status, const char *why)
{
    hg.action = A_FAIL;
    hg.fail_status = status;
    hg.why = why;
}

/* The bytes the sink holds are not the image any more: the next body starts at byte 0. */
static void stream_void(void)
{
    hg.req_offset = hg.offset = 0;
    hg.total = HTTP_LEN_UNKNOWN;
    hg.validator[0] = hg.etag[0] = hg.last_modified[0] = '\0';
}

/* A validator is kept whole or not at all: one cut short would never match. */
static void keep_validator(char dst[VALIDATOR_MAX], const char *v)
{
    if (!v || np_strlcpy(dst, v, VALIDATOR_MAX) >= VALIDATOR_MAX)
        dst[0] = '\0';
}

/* The response's body is the image from req_offset on: hand it to the sink. */
static void take_body(void)
{
    if (hg.req_offset == 0 || (hg.req_offset == hg.opts->start && hg.total == HTTP_LEN_UNKNOWN)) {
        /* A stream from its first byte (0, or opts->start): this response says what the file is. */
        hg.offset = hg.req_offset;
        hg.skip = 0;    /* the sink starts over: nothing of old connections will be released */
        hg.total = http_total_length(&hg.resp);
        keep_validator(hg.validator, http_validator(&hg.resp));
        keep_validator(hg.etag, hg.resp.etag);
        keep_validator(hg.last_modified, hg.resp.last_modified);
    } else if (!hg.validator[0]) {
        hg.res->unvalidated_resumes++;
    }
    if (hg.total != HTTP_LEN_UNKNOWN)
        log_info("http: %d from %s, %llu bytes from byte %llu, %llu ms after kernel entry\n", hg.resp.status,
                 hg.url.host, (unsigned long long)hg.total, (unsigned long long)hg.req_offset,
                 (unsigned long long)clock_ms());
    else
        log_info("http: %d from %s, length not given%s, %llu ms after kernel entry\n", hg.resp.status,
                 hg.url.host, hg.resp.chunked ? " (chunked)" : "", (unsigned long long)clock_ms());
    if (hg.sink->begin(hg.sink->ctx, hg.req_offset, hg.total) < 0)
        hg.action = A_STOP;     /* the sink said why itself */
    else
        hg.taking = true;       /* only now may body bytes reach the sink */
}

/* Decides, once per response, what its headers mean for the download. */
static void judge(void)
{
    const char *why;
    if (hg.judged || !hg.resp.headers_done)
        return;
    hg.judged = true;
    hg.res->http_status = hg.resp.status;
    const struct http_expect e = { hg.req_offset, hg.total, hg.etag, hg.last_modified };
    enum http_verdict v = http_judge(&hg.resp, &e, &why);
    if (hg.opts->body && hg.resp.status / 100 == 2)
        v = HTTP_TAKE_BODY;     /* a POST's answer: any success, 201 and 204 too */
    if (hg.opts->start && hg.req_offset == hg.opts->start && hg.resp.status == 200) {
        hg.res->no_range = true;    /* the caller says what that means for it */
        hg.action = A_STOP;
        return;
    }
    if (v == HTTP_RESTART && hg.resp.status == 200) {
        /* The whole image instead of the range: it is the new start it asks for. */
        log_warn("http: %s; starting over from byte 0\n", why);
        hg.res->restarts++;
        hg.req_offset = 0;
        v = HTTP_TAKE_BODY;
    }
    switch (v) {
    case HTTP_TAKE_BODY:
        take_body();
        break;
    case HTTP_RESTART:
        log_warn("http: %s; starting over from byte 0\n", why);
        hg.res->restarts++;
        stream_void();
        hg.action = A_NEW_REQUEST;
        hg.why = why;
        break;
    case HTTP_REDIRECT: hg.action = A_REDIRECT; break;
    case HTTP_RETRY: hg.action = A_RETRY; hg.why = why; break;
    case HTTP_FAIL: fail(NP_EXIT_HTTP, why); break;
    }
}

static int on_body(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    judge();
    if (!hg.taking || hg.action != A_NONE)
        return 0;   /* the body of a redirect or an error page, or a refused one: not ours */
    /* Counted before the sink sees them: it may release them at once (the held first MiB). */
    hg.unreleased += len;
    hg.taken += len;
    const char *why = NULL;
    if (hg.sink->data(hg.sink->ctx, data, len, &why) < 0) {
        hg.action = A_STOP;
        hg.why = why;
        return -1;
    }
    hg.offset += len;
    return 0;
}

static err_t on_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (!p) {
        hg.rxq_eof = true;
        return ERR_OK;
    }
    hg.last_rx_ms = clock_ms();
    hg.answered = true;
    if (hg.rxq)
        pbuf_cat(hg.rxq, p);
    else
        hg.rxq = p;
    size_t n = RECV_AHEAD - hg.ahead < p->tot_len ? RECV_AHEAD - hg.ahead : p->tot_len;
    if (n && hg.connected) {
        hg.ahead += n;
        altcp_recved(pcb, (u16_t)n);
    }
    return ERR_OK;
}

/* Parses what on_recv queued, then the FIN if one came after it. */
static void rx_drain(void)
{
    struct pbuf *p = hg.rxq;
    hg.rxq = NULL;
    size_t framing = 0;
    for (struct pbuf *q = p; q; q = q->next) {
        uint64_t taken0 = hg.taken;
        http_resp_feed(&hg.resp, q->payload, q->len);
        framing += q->len - (size_t)(hg.taken - taken0);    /* headers, chunk framing, discarded */
    }
    if (p)
        pbuf_free(p);
    recved(framing);
    if (hg.rxq_eof) {
        hg.rxq_eof = false;
        hg.remote_closed = true;
        http_resp_eof(&hg.resp);
    }
}

/* One turn: frames in (on_recv queues them, lwIP ACKs them), then the parser and the sink. */
static void poll_and_parse(void)
{
    net_poll();
    rx_drain();
}

static void on_err(void *arg, err_t err)
{
    (void)arg;
    if (hg.tls_layer && !hg.connected)
        tls_note_error(hg.pcb);     /* still alive here: lwIP frees it after this returns */
    hg.pcb = NULL;      /* lwIP freed it */
    hg.err = err;
    hg.broken = true;
}

static err_t on_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    (void)arg;
    hg.connected = err == ERR_OK;
    hg.last_rx_ms = clock_ms();
    if (hg.connected && hg.tls_layer)
        tls_connected(pcb);         /* for TLS, "connected" means the handshake is done */
    return ERR_OK;
}

/* The one way a connection ends: callbacks off, close (abort if that fails), accounting. */
static void conn_close(void)
{
    if (hg.pcb) {
        altcp_arg(hg.pcb, NULL);
        altcp_recv(hg.pcb, NULL);
        altcp_err(hg.pcb, NULL);
        if (altcp_close(hg.pcb) != ERR_OK)
            altcp_abort(hg.pcb);
        hg.pcb = NULL;
    }
    hg.connected = false;
    hg.skip += hg.unreleased;
    hg.unreleased = 0;
    if (hg.rxq)
        pbuf_free(hg.rxq);      /* the connection's unparsed tail: no exchange wants it now */
    hg.rxq = NULL;
    hg.rxq_eof = false;
    hg.ahead = 0;
}

/* Waits ms while the network and the disk keep working. */
static int idle_wait(uint32_t ms)
{
    uint64_t t0 = clock_ms();
    while (clock_ms() - t0 < ms) {
        net_poll();
        if (hg.sink->pump(hg.sink->ctx, &hg.why) < 0)
            return -1;
    }
    return 0;
}

/* Waits for the connected callback (for TLS: the handshake); -NP_EIO when the sink stopped it. */
static int wait_connected(const struct http_get_opts *o)
{
    uint64_t t0 = clock_ms();
    while (!hg.connected && !hg.broken && clock_ms() - t0 < o->idle_ms) {
        net_poll();
        if (hg.sink->pump(hg.sink->ctx, &hg.why) < 0) {
            hg.action = A_STOP;     /* the disk failed meanwhile: not the network's fault */
            conn_close();
            return -NP_EIO;
        }
    }
    return 0;
}

/* After a connection that did not come up: a TLS verdict ends it; anything else is retried. */
static int connect_failed(void)
{
    if (hg.tls_layer) {
        /* A certificate that fails or a server that refuses the handshake: not worth a retry. */
        enum np_exit st = tls_failure(hg.tls_why, sizeof(hg.tls_why));
        if (st != NP_EXIT_OK) {
            conn_close();
            fail(st, hg.tls_why);
            return -NP_EPROTO;
        }
    }
    const char *how = hg.broken ? (hg.tls_layer ? "refused, reset or the TLS handshake broke" : "refused or reset")
                                : "timed out";
    if (hg.proxy && !hg.tls_layer)
        log_warn("http: cannot connect to proxy %s:%u: %s\n", hg.proxy->host, hg.proxy->port, how);
    else
        log_warn("http: cannot connect to %s:%u%s: %s\n", hg.url.host, hg.url.port,
                 hg.proxy ? " through the proxy's tunnel" : "", how);
    conn_close();
    return -NP_ETIMEDOUT;
}

static struct proxy_resp tunnel;    /* the proxy's answer to CONNECT */
static int tunnel_state;            /* proxy_resp_feed's verdict: 0 reading, 1 done, < 0 bad */
static size_t tunnel_extra;         /* bytes after that answer: nothing may come before TLS */

static err_t on_tunnel_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (!p) {
        hg.remote_closed = true;
        return ERR_OK;
    }
    hg.last_rx_ms = clock_ms();
    for (struct pbuf *q = p; q; q = q->next) {
        size_t used = 0;
        if (tunnel_state == 0)
            tunnel_state = proxy_resp_feed(&tunnel, q->payload, q->len, &used);
        tunnel_extra += q->len - used;
    }
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

/* The proxy said no to CONNECT: one line with its answer; the same request would get the same. */
static int tunnel_refused(void)
{
    static char why[URL_HOST_MAX * 2 + PROXY_REASON_MAX + 160];
    const struct proxy *px = hg.proxy;
    /* Some proxies (tinyproxy 1.11, for wrong credentials) say 401, which on a CONNECT can only be
       the proxy's own. */
    if (tunnel.status == 407 || tunnel.status == 401)
        np_snprintf(why, sizeof(why), "proxy %s:%u %s for CONNECT %s:%u: HTTP %d %s", px->host, px->port,
                    proxy_auth_words(hg.proxy), hg.url.host, hg.url.port, tunnel.status, tunnel.reason);
    else
        np_snprintf(why, sizeof(why), "proxy %s:%u refused CONNECT %s:%u: HTTP %d %s", px->host, px->port,
                    hg.url.host, hg.url.port, tunnel.status, tunnel.reason);
    conn_close();
    fail(NP_EXIT_HTTP, why);
    return -NP_EPROTO;
}

static int tunnel_fail(const char *what)
{
    static char why[URL_HOST_MAX + 128];
    np_snprintf(why, sizeof(why), "proxy %s:%u: %s", hg.proxy->host, hg.proxy->port, what);
    conn_close();
    fail(NP_EXIT_HTTP, why);
    return -NP_EPROTO;
}

static int conn_write(const char *p, size_t n);

/*
 * https through the proxy: CONNECT host:port on the connection to the proxy (RFC 9110 9.3.6),
 * then TLS inside the tunnel with the origin's name for SNI and the certificate check.
 */
static int tunnel_open(const struct http_get_opts *o)
{
    static char req[URL_HOST_MAX * 2 + PROXY_BASIC_MAX + 128];
    proxy_resp_init(&tunnel);
    tunnel_state = 0;
    tunnel_extra = 0;
    altcp_recv(hg.pcb, on_tunnel_recv);
    int n = proxy_connect_request(req, sizeof(req), hg.url.host, hg.url.port, hg.proxy->basic, USER_AGENT);
    if (n < 0 || conn_write(req, (size_t)n) || altcp_output(hg.pcb) != ERR_OK) {
        conn_close();
        return -NP_EIO;
    }
    hg.last_rx_ms = clock_ms();
    while (tunnel_state == 0 && !hg.broken && !hg.remote_closed && clock_ms() - hg.last_rx_ms < o->idle_ms) {
        net_poll();
        if (hg.sink->pump(hg.sink->ctx, &hg.why) < 0) {
            hg.action = A_STOP;
            conn_close();
            return -NP_EIO;
        }
    }
    if (tunnel_state < 0)
        return tunnel_fail(tunnel_state == -NP_EOVERFLOW ? "an answer to CONNECT with a head too long"
                                                         : "not an HTTP answer to CONNECT");
    if (tunnel_state == 0) {
        log_warn("http: proxy %s:%u: no answer to CONNECT %s:%u (%s)\n", hg.proxy->host, hg.proxy->port,
                 hg.url.host, hg.url.port, hg.broken ? "reset" : hg.remote_closed ? "closed" : "timed out");
        conn_close();
        return -NP_ETIMEDOUT;   /* a retry may find it answering */
    }
    if (tunnel.status / 100 != 2)
        return tunnel_refused();
    if (tunnel_extra)
        return tunnel_fail("data in the tunnel before the TLS handshake began");
    log_info("http: proxy %s:%u: tunnel to %s:%u open (HTTP %d)\n", hg.proxy->host, hg.proxy->port, hg.url.host,
             hg.url.port, tunnel.status);
    enum np_exit st;
    struct altcp_pcb *t = tls_open_over(hg.pcb, hg.url.host, hg.url.port, &st, hg.tls_why, sizeof(hg.tls_why));
    if (!t) {
        conn_close();
        fail(st, hg.tls_why);
        return -NP_EPROTO;
    }
    hg.pcb = t;         /* the TCP pcb is its inner connection now, closed with it */
    hg.tls_layer = true;
    hg.connected = false;
    altcp_recv(t, on_recv);
    altcp_err(t, on_err);
    if (tls_start(t, on_connected)) {
        conn_close();
        return -NP_EIO;
    }
    if (wait_connected(o))
        return -NP_EIO;
    return hg.connected ? 0 : connect_failed();
}

static int conn_open(const struct http_get_opts *o)
{
    ip_addr_t ip;
    const char *host = hg.proxy ? hg.proxy->host : hg.url.host;
    uint16_t port = hg.proxy ? hg.proxy->port : hg.url.port;
    /* No DNS server, no such name, no route, no lease: the network says which, once; no retry. */
    enum np_exit why = net_resolve(host, &ip, RESOLVE_MS);
    if (why == NP_EXIT_OK)
        why = net_route_check(&ip);
    if (why != NP_EXIT_OK) {
        if (hg.proxy)
            log_err("error: http: proxy %s:%u cannot be reached (see the line above)\n", host, port);
        hg.fail_status = why;
        return -NP_EHOSTUNREACH;
    }
    hg.broken = hg.remote_closed = hg.connected = false;
    hg.tls_layer = hg.url.tls && !hg.proxy;     /* through a proxy, TLS starts in the tunnel */
    if (hg.tls_layer) {
        enum np_exit st;
        hg.pcb = tls_open(hg.url.host, hg.url.port, &st, hg.tls_why, sizeof(hg.tls_why));
        if (!hg.pcb && st != NP_EXIT_OK) {
            fail(st, hg.tls_why);   /* no clock, no entropy, a bad ca=: no retry mends that */
            return -NP_EPROTO;
        }
    } else {
        hg.pcb = altcp_new(NULL);
    }
    if (!hg.pcb)
        return -NP_ENOMEM;
    altcp_recv(hg.pcb, on_recv);
    altcp_err(hg.pcb, on_err);
    if (altcp_connect(hg.pcb, &ip, port, on_connected) != ERR_OK) {
        conn_close();
        return -NP_EIO;
    }
    if (wait_connected(o))
        return -NP_EIO;
    if (!hg.connected)
        return connect_failed();
    return hg.proxy && hg.url.tls ? tunnel_open(o) : 0;
}

/*
 * Queues n bytes of the request, as lwIP's send buffer makes room (altcp_write takes at most
 * 64 KiB - 1 at a time, and no more than the buffer holds): a request is as long as its URL.
 */
static int conn_write(const char *p, size_t n)
{
    uint64_t t0 = clock_ms();
    while (n) {
        if (!hg.pcb || hg.broken)
            return -NP_EIO;
        u16_t room = altcp_sndqueuelen(hg.pcb) < TCP_SND_QUEUELEN ? altcp_sndbuf(hg.pcb) : 0;
        u16_t k = n < room ? (u16_t)n : room;
        err_t e = k ? altcp_write(hg.pcb, p, k, TCP_WRITE_FLAG_COPY) : ERR_MEM;
        if (e == ERR_OK) {
            p += k;
            n -= k;
            t0 = clock_ms();
            continue;
        }
        if (e != ERR_MEM)
            return -NP_EIO;
        altcp_output(hg.pcb);       /* send what is queued; its ACKs make room */
        poll_and_parse();
        if (hg.sink->pump(hg.sink->ctx, &hg.why) < 0 || clock_ms() - t0 > hg.opts->idle_ms)
            return -NP_EIO;
    }
    return 0;
}

/* Basic credentials (RFC 7617) when the URL carries userinfo; url_resolve kept them only for
 * the server they were given for. */
static const char *credentials(void)
{
    static char basic[URL_BASIC_MAX];
    return url_basic_credentials(&hg.url, basic, sizeof(basic)) == 0 ? basic : NULL;
}

/* header= lines for this request: Authorization only to the first URL's server, unless auth_redirects. */
static int send_extra_headers(void)
{
    for (unsigned i = 0; i < hg.nheaders; i++) {
        const char *h = hg.headers[i];
        if (hg.elsewhere && !hg.auth_redirects && hdropt_is(h, "Authorization")) {
            if (!hg.told_withheld)
                log_info("http: Authorization (header=) not sent to %s, another server than the URL's "
                         "(auth_redirects sends it)\n", hg.url.host);
            hg.told_withheld = true;
            continue;
        }
        if (conn_write(h, NP_STRFN(strlen)(h)) || conn_write("\r\n", 2))
            return -NP_EIO;
    }
    return 0;
}

static int send_request(void)
{
    char host[URL_HOST_MAX + 8], range[64] = "", post[80] = "", absolute[URL_HOST_MAX + 16] = "";
    if (!url_default_port(&hg.url))
        np_snprintf(host, sizeof(host), "%s:%u", hg.url.host, hg.url.port);
    else
        np_strlcpy(host, hg.url.host, sizeof(host));
    if (hg.req_offset)      /* without a validator: a resume only a checksum can vouch for */
        np_snprintf(range, sizeof(range), "Range: bytes=%llu-\r\n", (unsigned long long)hg.req_offset);
    bool if_range = hg.req_offset && hg.validator[0];
    if (hg.opts->body)
        np_snprintf(post, sizeof(post), "Content-Type: application/json\r\nContent-Length: %zu\r\n", hg.opts->body_len);
    /* An Authorization header= replaces the URL's Basic credentials. */
    const char *basic = http_config_has_auth(hg.headers, hg.nheaders) ? NULL : credentials();
    /* http through a proxy: absolute-form (RFC 9112 3.2.2), and the proxy's own credentials.
       (https went through CONNECT: the tunnel's requests are the origin's, origin-form.) */
    bool via = hg.proxy && !hg.url.tls;
    if (via && proxy_absolute_prefix(absolute, sizeof(absolute), hg.url.host, hg.url.port) < 0)
        return -NP_EIO;
    const char *pbasic = via && hg.proxy->basic[0] ? hg.proxy->basic : NULL;
    const char *const piece[] = {
        hg.opts->body ? "POST " : "GET ", absolute, url_path(&hg.url), " HTTP/1.1\r\nHost: ", host, "\r\n",
        basic ? "Authorization: Basic " : "", basic ? basic : "", basic ? "\r\n" : "",
        pbasic ? "Proxy-Authorization: Basic " : "", pbasic ? pbasic : "", pbasic ? "\r\n" : "",
        "User-Agent: " USER_AGENT "\r\nAccept: */*\r\n",
        range, if_range ? "If-Range: " : "", if_range ? hg.validator : "", if_range ? "\r\n" : "",
        post, "Connection: keep-alive\r\n\r\n",
    };
    http_resp_init(&hg.resp, on_body, NULL);
    hg.judged = hg.taking = false;
    hg.action = A_NONE;
    size_t last = sizeof(piece) / sizeof(piece[0]) - 1;     /* the blank line ending the head */
    for (size_t i = 0; i < last; i++)
        if (conn_write(piece[i], NP_STRFN(strlen)(piece[i])))
            return -NP_EIO;
    if (send_extra_headers() || conn_write(piece[last], NP_STRFN(strlen)(piece[last])))
        return -NP_EIO;
    if (hg.opts->body && conn_write(hg.opts->body, hg.opts->body_len))
        return -NP_EIO;
    return altcp_output(hg.pcb) == ERR_OK ? 0 : -NP_EIO;
}

/* Why an exchange broke: before any answer, the server never answered at all. */
static const char *break_reason(void)
{
    if (!hg.answered)
        return hg.remote_closed ? "the server closed the connection without answering"
             : hg.broken ? "the connection was reset before any answer"
             : "the server accepted the connection but never answered";
    return hg.remote_closed ? "connection closed early" : hg.broken ? "connection reset"
         : hg.resp.failed ? hg.resp.error : "no data for too long";
}

/* Runs one exchange to its end: complete, refused, broken or stopped. */
static void exchange(const struct http_get_opts *o)
{
    while (hg.action == A_NONE) {
        poll_and_parse();
        judge();
        if (hg.sink->pump(hg.sink->ctx, &hg.why) < 0) {
            hg.action = A_STOP;
            break;
        }
        if (hg.action != A_NONE)
            break;
        if (hg.resp.failed && hg.resp.fatal) {
            fail(NP_EXIT_HTTP, hg.resp.error);  /* the same request would get the same answer */
            break;
        }
        if (hg.resp.complete && hg.taking) {
            /* A body shorter than the image it belongs to (a 206's Content-Length short of
               its Content-Range) ends the response, not the image. */
            bool whole = hg.total == HTTP_LEN_UNKNOWN || hg.offset == hg.total;
            hg.action = whole ? A_DONE : A_RETRY;
            hg.why = whole ? NULL : "the response ended before the image did";
            break;
        }
        if (hg.resp.failed || hg.broken || hg.remote_closed || clock_ms() - hg.last_rx_ms > o->idle_ms) {
            hg.why = break_reason();
            hg.action = A_RETRY;
        }
    }
}

/*
 * A redirect on a keep-alive connection: read its (small) body to the end, so the same
 * connection can carry the next request.
 */
static bool redirect_reusable(const struct http_get_opts *o)
{
    uint64_t t0 = clock_ms();
    while (hg.resp.keep_alive && !hg.resp.complete && !hg.resp.failed && !hg.broken &&
           !hg.remote_closed && clock_ms() - t0 < o->idle_ms) {
        poll_and_parse();
        if (hg.sink->pump(hg.sink->ctx, &hg.why) < 0) {    /* the disk works on meanwhile */
            hg.action = A_STOP;
            return false;
        }
    }
    return hg.resp.keep_alive && hg.resp.complete && hg.pcb && hg.connected && !hg.broken && !hg.remote_closed;
}

/* One line per failed attempt: where the body broke, or that there was none. */
static void log_break(unsigned attempt, const struct http_get_opts *o)
{
    if (!hg.taking)
        log_warn("http: %s (attempt %u of %u)\n", hg.why, attempt, o->retries + 1);
    else if (hg.total != HTTP_LEN_UNKNOWN)
        log_warn("http: %s at byte %llu of %llu\n", hg.why, (unsigned long long)hg.offset,
                 (unsigned long long)hg.total);
    else
        log_warn("http: %s at byte %llu\n", hg.why, (unsigned long long)hg.offset);
}

/*
 * Before another attempt: resume where the sink's bytes of the stream end (whichever attempt
 * delivered them), or start over; the policy says when a resume is safe.
 */
static void plan_retry(const struct http_get_opts *o)
{
    const char *why;
    enum http_resume r = http_plan_resume(hg.offset, hg.total, hg.validator[0] != '\0', o->resume_unvalidated, &why);
    if (why)
        log_warn("http: %s\n", why);
    if (r == HTTP_START_OVER) {
        hg.req_offset = 0;
        return;
    }
    hg.req_offset = hg.offset;
    hg.res->resumes++;
}

/* A request on a kept-alive connection died before any answer: the server had closed it. */
static bool stale_connection(bool reused, int err)
{
    return reused && !hg.answered && hg.action == A_RETRY && (err || hg.broken || hg.remote_closed);
}

/* "http://user:***@host:port/path": a URL for the console, its password masked. */
static void log_url(const char *what, const struct url *u)
{
    log_info("http: %s %s://%.*s%s%s%s:%u%s\n", what, u->tls ? "https" : "http", (int)u->user_len, u->text,
             url_has_password(u) ? ":***" : "", u->userinfo_len ? "@" : "", u->host, u->port, url_path(u));
}

/* Moves hg.url to the Location; *reuse stays true only for the same server. */
static bool follow_redirect(const struct http_get_opts *o, bool *reuse)
{
    static struct url next;     /* 64 KiB: not on the stack */
    static char why[96];
    char what[32];
    if (++hg.res->redirects > o->max_redirects) {
        fail(NP_EXIT_HTTP, "too many redirects");
        conn_close();
        return false;
    }
    int err = url_resolve(&hg.url, hg.resp.location, &next);
    if (err) {
        np_snprintf(why, sizeof(why), "a redirect to an unusable Location: %s", url_strerror(err));
        fail(NP_EXIT_HTTP, why);
        conn_close();
        return false;
    }
    np_snprintf(what, sizeof(what), "%d redirect to", hg.resp.status);
    log_url(what, &next);
    if (hg.url.userinfo_len && !next.userinfo_len)
        log_info("http: the credentials stay with %s:%u, not sent to %s:%u\n", hg.url.host, hg.url.port,
                 next.host, next.port);
    if (NP_STRFN(strcmp)(hg.url.host, next.host) || hg.url.port != next.port || hg.url.tls != next.tls)
        *reuse = false;     /* another server: a new connection */
    hg.url = next;
    hg.elsewhere = NP_STRFN(strcmp)(hg.origin, next.host) || hg.origin_port != next.port || hg.origin_tls != next.tls;
    if (*reuse)
        log_info("http: reusing the connection to %s (keep-alive)\n", hg.url.host);
    else
        conn_close();
    return true;
}

static void result_fail(struct http_get_result *res, enum np_exit status, const char *what)
{
    res->status = status;
    log_err("error: %s: %s\n", status == NP_EXIT_CERT || status == NP_EXIT_TLS ? "tls" : "http", what);
}

/* After the last attempt: the status and the message name how far it got. */
static void give_up(struct http_get_result *res, unsigned attempts, bool connected)
{
    char msg[URL_HOST_MAX + 256];   /* a whole host name and the reason */
    np_snprintf(msg, sizeof(msg), "giving up after %u attempts: %s", attempts, hg.why ? hg.why : "failed");
    result_fail(res, http_giveup_status(connected, hg.answered, hg.taking), msg);
}

void http_get(const char *url, const struct http_get_opts *o, const struct http_sink *sink,
              struct http_get_result *res)
{
    NP_STRFN(memset)(&hg, 0, sizeof(hg));
    NP_STRFN(memset)(res, 0, sizeof(*res));
    hg.sink = sink;
    hg.opts = o;
    hg.res = res;
    hg.total = HTTP_LEN_UNKNOWN;
    const struct http_config *job = http_config_job();
    hg.proxy = job->proxy;
    hg.headers = o->headers ? o->headers : job->headers;
    hg.nheaders = o->headers ? o->nheaders : job->nheaders;
    hg.auth_redirects = o->headers ? o->auth_redirects : job->auth_redirects;
    hg.req_offset = hg.offset = o->start;     /* a range read: as if resuming there */
    int perr = url_parse(url, &hg.url);
    if (perr)
        return result_fail(res, NP_EXIT_USAGE, url_strerror(perr));   /* never retried */
    if (hg.proxy)
        log_info("http: through proxy %s:%u%s%s (%s)\n", hg.proxy->host, hg.proxy->port,
                 hg.proxy->basic[0] ? " as " : "", hg.proxy->basic[0] ? hg.proxy->user : "",
                 hg.url.tls ? "CONNECT tunnel" : "absolute-form requests");
    np_strlcpy(hg.origin, hg.url.host, sizeof(hg.origin));
    hg.origin_port = hg.url.port;
    hg.origin_tls = hg.url.tls;
    unsigned attempt = 0;
    bool reuse = false;
    for (;;) {
        bool reused = reuse;
        hg.action = A_NONE;
        hg.answered = hg.taking = false;
        int err = reuse ? 0 : conn_open(o);
        bool connected = !err;
        if (err == -NP_EHOSTUNREACH) {
            res->status = hg.fail_status;   /* conn_open's error line named the cause */
            return;
        }
        if (err == -NP_EPROTO && hg.action == A_FAIL)
            return result_fail(res, hg.fail_status, hg.why);    /* TLS: the line says why */
        if (!err && (err = send_request()) != 0)
            conn_close();
        if (!err)
            exchange(o);
        else if (hg.action != A_STOP)
            hg.action = A_RETRY, hg.why = connected ? "the request could not be sent"
                                        : hg.proxy ? "cannot connect through the proxy" : "cannot connect";
        if (stale_connection(reused, err)) {
            /* Not a retry: the server closed an idle connection as the request went out. */
            log_info("http: the kept-alive connection to %s closed before answering; "
                     "sending the request again on a new connection\n", hg.url.host);
            conn_close();
            reuse = false;
            continue;
        }
        reuse = hg.action == A_REDIRECT && redirect_reusable(o);
        if (!reuse)
            conn_close();
        res->bytes = hg.offset;
        res->total = hg.total;
        switch (hg.action) {
        case A_DONE:
            res->status = NP_EXIT_OK;
            return;
        case A_STOP:
            res->status = NP_EXIT_DISK;     /* the sink stopped it and reports why itself */
            return;
        case A_FAIL: {
            char msg[URL_HOST_MAX + 256];   /* a whole host name and the reason */
            np_snprintf(msg, sizeof(msg), "%s: HTTP %d from %s", hg.why, hg.resp.status, hg.url.host);
            if (hg.proxy && !hg.url.tls && hg.resp.status == 407)   /* absolute-form: the proxy's own answer */
                np_snprintf(msg, sizeof(msg), "proxy %s:%u %s for %s: HTTP 407", hg.proxy->host, hg.proxy->port,
                            proxy_auth_words(hg.proxy), hg.url.host);
            return result_fail(res, hg.fail_status, hg.resp.status ? msg : hg.why);
        }
        case A_REDIRECT:
            if (!follow_redirect(o, &reuse))
                return result_fail(res, hg.fail_status, hg.why);
            continue;   /* a resume keeps its Range: the new place is judged the same way */
        default:
            break;
        }
        /* A_RETRY and A_NEW_REQUEST: another attempt, after a pause. */
        if (hg.action == A_RETRY && connected)     /* (conn_open said why it could not connect) */
            log_break(attempt + 1, o);
        if (++attempt > o->retries)
            return give_up(res, attempt, connected);
        res->retries++;
        if (hg.action == A_RETRY)
            plan_retry(o);
        if (idle_wait(http_backoff_ms(attempt - 1)) < 0) {
            res->status = NP_EXIT_DISK;     /* the sink reports why itself */
            return;
        }
    }
}
