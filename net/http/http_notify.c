/*
 * The notifier (see http_notify.h): a POST that never makes the download wait. Every step is
 * a callback of lwIP's run from the download's own loop (net_poll); the callbacks only record
 * what happened, and http_notify_poll, called from the install's progress path, closes the
 * connection and counts the outcome. One request at a time; a new connection for each
 * (Connection: close), since a progress report comes every few seconds at most.
 *
 *     IDLE -post-> RESOLVING -dns-> CONNECTING -connected-> SENDING (request, then its answer)
 *          -status line, close, error or timeout-> DONE -poll-> IDLE
 *
 * The job's http_config applies as to every other request: header= lines go with each POST,
 * and through proxy= an http URL is asked for in absolute-form (RFC 9112 3.2.2) with the
 * proxy's credentials, an https URL through a tunnel (RFC 9110 9.3.6) whose TLS is started by
 * http_notify_poll (not from inside the callback that read the proxy's answer):
 *
 *     CONNECTING (to the proxy) -connected-> TUNNEL (CONNECT sent, its answer read)
 *          -2xx-> TUNNEL_OPEN -poll-> HANDSHAKE (TLS inside) -connected-> SENDING
 */
#include "net/http/http_notify.h"

#include "arch/x86_64/arch.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "kernel/urlmask.h"
#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/dns.h"
#include "net/http/http_config.h"
#include "net/http/proxy.h"
#include "net/http/url.h"
#include "net/tls/tls.h"

#define USER_AGENT      "netplant/" NETPLANT_VERSION
#define BODY_ROOM       640     /* what a request leaves for its body when the URL is taken */
#define STATUS_LEN      12      /* "HTTP/1.1 204": all of the answer that is read */
#define CREDS_MAX       384     /* Basic credentials of a URL the request has room for */

enum nstate { N_IDLE, N_RESOLVING, N_CONNECTING, N_TUNNEL, N_TUNNEL_OPEN, N_HANDSHAKE, N_SENDING, N_DONE };

static struct {
    bool active;
    struct url url;             /* 64 KiB: static, parsed once */
    char url_text[160];         /* masked, for the one warning */
    char creds[CREDS_MAX];      /* "" without userinfo, or when header= gives an Authorization */
    struct http_config cfg;     /* the job's, when the notifier started */
    uint32_t timeout_ms;
    ip_addr_t ip;
    bool have_ip;
    enum nstate state;
    unsigned tag;               /* which request a late DNS answer belongs to */
    struct altcp_pcb *pcb;
    bool tls_layer;             /* pcb is a TLS pcb (direct https, or once the tunnel is open) */
    uint64_t t0_ms;
    char req[HTTP_NOTIFY_REQ_MAX];
    size_t req_len;
    char connect[URL_HOST_MAX * 2 + PROXY_BASIC_MAX + 128];    /* CONNECT host:port and its head */
    const char *out;            /* what goes out now: connect, then req */
    size_t out_len, out_off;
    struct proxy_resp tunnel;   /* the proxy's answer to CONNECT */
    char status[STATUS_LEN + 1];
    size_t status_len;
    bool ok;
    const char *why;            /* a failure's reason (static text, tls_why or proxy_why) */
    char tls_why[160];
    char proxy_why[PROXY_REASON_MAX + 128];
    bool warned;
    struct http_notify_stats st;
} nt;

/* The request's outcome; http_notify_poll ends the connection (never from inside a callback). */
static void finish(bool ok, const char *why)
{
    if (nt.state == N_DONE)
        return;
    nt.state = N_DONE;
    nt.ok = ok;
    nt.why = why;
}

/* The one way a connection ends: callbacks off; a request that failed is reset, not closed. */
static void conn_end(bool graceful)
{
    if (!nt.pcb)
        return;
    altcp_arg(nt.pcb, NULL);
    altcp_recv(nt.pcb, NULL);
    altcp_sent(nt.pcb, NULL);
    altcp_err(nt.pcb, NULL);
    if (!graceful || altcp_close(nt.pcb) != ERR_OK)
        altcp_abort(nt.pcb);    /* frees it now: a silent server holds no pcb of ours */
    nt.pcb = NULL;
}

/* Queues what the send buffer takes now; the sent callback brings the rest. */
static void send_more(void)
{
    size_t n = nt.out_len - nt.out_off;
    u16_t room = altcp_sndbuf(nt.pcb);
    u16_t k = n < room ? (u16_t)n : room;
    if (k && altcp_write(nt.pcb, nt.out + nt.out_off, k, TCP_WRITE_FLAG_COPY) == ERR_OK)
        nt.out_off += k;
    altcp_output(nt.pcb);
}

/* Starts sending len bytes of p (nt.connect or nt.req, which stay put until sent). */
static void send_start(const char *p, size_t len)
{
    nt.out = p;
    nt.out_len = len;
    nt.out_off = 0;
    send_more();
}

static err_t on_sent(void *arg, struct altcp_pcb *pcb, u16_t len)
{
    (void)arg, (void)pcb, (void)len;
    if ((nt.state == N_SENDING || nt.state == N_TUNNEL) && nt.out_off < nt.out_len)
        send_more();
    return ERR_OK;
}

/* "HTTP/1.1 204": a 2xx is taken; nothing else of the answer matters. */
static void judge_status(void)
{
    const char *s = nt.status;
    if (NP_STRFN(strncmp)(s, "HTTP/1.", 7) || s[8] != ' ' || s[9] < '1' || s[9] > '5')
        return finish(false, "the answer is not HTTP/1.x");
    /* An absolute-form request's 407 is the proxy's own (RFC 9110 15.5.8). */
    if (nt.cfg.proxy && !nt.url.tls && !NP_STRFN(strncmp)(s + 9, "407", 3)) {
        np_snprintf(nt.proxy_why, sizeof(nt.proxy_why), "the proxy %s: HTTP 407", proxy_auth_words(nt.cfg.proxy));
        return finish(false, nt.proxy_why);
    }
    finish(s[9] == '2', s[9] == '2' ? NULL : "the server answered with a status other than 2xx");
}

static err_t on_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p) {
        finish(false, "the server closed the connection without answering");
        return ERR_OK;
    }
    for (struct pbuf *q = p; q && nt.status_len < STATUS_LEN; q = q->next) {
        size_t k = STATUS_LEN - nt.status_len < q->len ? STATUS_LEN - nt.status_len : q->len;
        NP_STRFN(memcpy)(nt.status + nt.status_len, q->payload, k);
        nt.status_len += k;
    }
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    if (nt.status_len == STATUS_LEN && nt.state == N_SENDING)
        judge_status();
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)arg, (void)err;
    bool handshake = nt.tls_layer && (nt.state == N_CONNECTING || nt.state == N_HANDSHAKE);
    if (handshake)
        tls_note_error_aux(nt.pcb);     /* still alive here: lwIP frees it after this returns */
    nt.pcb = NULL;      /* lwIP freed it */
    if (handshake && tls_aux_failure(nt.tls_why, sizeof(nt.tls_why)) != NP_EXIT_OK)
        return finish(false, nt.tls_why);
    finish(false, handshake ? "refused, reset or the TLS handshake broke" : "refused or reset");
}

/* The proxy said no to CONNECT: its status, and what a 407 (or tinyproxy's 401) means. The
   warning line names the proxy already. */
static void tunnel_refused(void)
{
    bool auth = nt.tunnel.status == 407 || nt.tunnel.status == 401;
    np_snprintf(nt.proxy_why, sizeof(nt.proxy_why), "the proxy %s%s CONNECT: HTTP %d %s",
                auth ? proxy_auth_words(nt.cfg.proxy) : "refused", auth ? " for" : "", nt.tunnel.status,
                nt.tunnel.reason);
    finish(false, nt.proxy_why);
}

/* The proxy's answer to CONNECT; on a 2xx, http_notify_poll starts TLS inside the tunnel. */
static err_t on_tunnel_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p) {
        finish(false, "the proxy closed the connection without answering CONNECT");
        return ERR_OK;
    }
    if (nt.state == N_TUNNEL_OPEN)      /* more after the answer, before our TLS began */
        finish(false, "the proxy sent data in the tunnel before the TLS handshake began");
    for (struct pbuf *q = p; q && nt.state == N_TUNNEL; q = q->next) {
        size_t used = 0;
        int r = proxy_resp_feed(&nt.tunnel, q->payload, q->len, &used);
        if (r < 0)
            finish(false, "the proxy's answer to CONNECT is not HTTP");
        else if (r == 1 && nt.tunnel.status / 100 != 2)
            tunnel_refused();
        else if (r == 1 && (used < q->len || q->next))
            finish(false, "the proxy sent data in the tunnel before the TLS handshake began");
        else if (r == 1)
            nt.state = N_TUNNEL_OPEN;
    }
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

/* Connected to the proxy for an https URL: ask it for a tunnel to the URL's server. */
static void tunnel_request(void)
{
    int n = proxy_connect_request(nt.connect, sizeof(nt.connect), nt.url.host, nt.url.port,
                                  nt.cfg.proxy->basic, USER_AGENT);
    if (n < 0)
        return finish(false, "the CONNECT request does not fit");
    proxy_resp_init(&nt.tunnel);
    altcp_recv(nt.pcb, on_tunnel_recv);
    nt.state = N_TUNNEL;
    send_start(nt.connect, (size_t)n);
}

static err_t on_connected(void *arg, struct altcp_pcb *pcb, err_t err);

/* The tunnel is open: TLS with the URL's server inside it, the TCP pcb its inner connection. */
static void tunnel_start_tls(void)
{
    enum np_exit st;
    struct altcp_pcb *t = tls_open_over_aux(nt.pcb, nt.url.host, nt.url.port, &st, nt.tls_why, sizeof(nt.tls_why));
    if (!t)
        return finish(false, nt.tls_why);   /* nt.pcb is still the TCP pcb: conn_end resets it */
    nt.pcb = t;
    nt.tls_layer = true;
    altcp_arg(t, NULL);
    altcp_recv(t, on_recv);
    altcp_sent(t, on_sent);
    altcp_err(t, on_err);
    nt.state = N_HANDSHAKE;
    if (tls_start(t, on_connected))
        finish(false, "cannot start TLS inside the proxy's tunnel");
}

static err_t on_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    (void)arg, (void)pcb;
    if (err != ERR_OK || (nt.state != N_CONNECTING && nt.state != N_HANDSHAKE)) {
        finish(false, "cannot connect");
        return ERR_OK;
    }
    if (nt.state == N_CONNECTING && nt.cfg.proxy && nt.url.tls) {
        tunnel_request();
        return ERR_OK;
    }
    nt.state = N_SENDING;
    send_start(nt.req, nt.req_len);
    return ERR_OK;
}

/* Where the connection goes: the proxy, when there is one. */
static const char *conn_host(void)
{
    return nt.cfg.proxy ? nt.cfg.proxy->host : nt.url.host;
}

static uint16_t conn_port(void)
{
    return nt.cfg.proxy ? nt.cfg.proxy->port : nt.url.port;
}

/*
 * The one place a connection is made: TLS directly, or TCP (to the server, or to the proxy,
 * which for https opens the tunnel first). Starts the connect; the callbacks carry on.
 */
static void notify_connect(void)
{
    enum np_exit st = NP_EXIT_OK;
    nt.tls_layer = nt.url.tls && !nt.cfg.proxy;     /* through a proxy, TLS starts in the tunnel */
    nt.pcb = nt.tls_layer ? tls_open_aux(nt.url.host, nt.url.port, &st, nt.tls_why, sizeof(nt.tls_why))
                          : altcp_new(NULL);
    if (!nt.pcb)
        return finish(false, st != NP_EXIT_OK ? nt.tls_why : "no memory for a connection");
    altcp_arg(nt.pcb, NULL);
    altcp_recv(nt.pcb, on_recv);
    altcp_sent(nt.pcb, on_sent);
    altcp_err(nt.pcb, on_err);
    nt.state = N_CONNECTING;
    if (altcp_connect(nt.pcb, &nt.ip, conn_port(), on_connected) != ERR_OK)
        finish(false, "cannot connect (no route?)");
}

static void on_resolved(const char *name, const ip_addr_t *ip, void *arg)
{
    (void)name;
    if ((unsigned)(uintptr_t)arg != nt.tag || nt.state != N_RESOLVING)
        return;     /* the answer for a request already abandoned */
    if (!ip)
        return finish(false, "the name does not resolve");
    nt.ip = *ip;
    nt.have_ip = true;
    notify_connect();
}

/* The address once (a literal, lwIP's DNS cache, or an answer to come), then the connection. */
static void resolve_and_connect(void)
{
    if (nt.have_ip || ipaddr_aton(conn_host(), &nt.ip)) {
        nt.have_ip = true;
        return notify_connect();
    }
    nt.state = N_RESOLVING;
    err_t e = dns_gethostbyname(conn_host(), &nt.ip, on_resolved, (void *)(uintptr_t)nt.tag);
    if (e == ERR_OK) {
        nt.have_ip = true;
        notify_connect();
    } else if (e != ERR_INPROGRESS) {
        finish(false, "the name cannot be looked up");
    }
}

/* Appends text to nt.req at *n; past the end marks it as not fitting. */
static void put(size_t *n, const char *text)
{
    size_t k = NP_STRFN(strlen)(text);
    if (*n + k >= sizeof(nt.req)) {
        *n = sizeof(nt.req);
        return;
    }
    NP_STRFN(memcpy)(nt.req + *n, text, k);
    *n += k;
}

/*
 * The request for body into nt.req; its length, or 0 when it does not fit. Through a proxy an
 * http URL goes in absolute-form with the proxy's credentials (an https URL's request is the
 * server's own, inside the tunnel); every header= line goes with it (no redirect ever takes it
 * to another server).
 */
static size_t build_request(const char *body)
{
    char host[URL_HOST_MAX + 8], absolute[URL_HOST_MAX + 16] = "", length[48];
    if (url_default_port(&nt.url))
        np_strlcpy(host, nt.url.host, sizeof(host));
    else
        np_snprintf(host, sizeof(host), "%s:%u", nt.url.host, nt.url.port);
    bool via = nt.cfg.proxy && !nt.url.tls;
    if (via && proxy_absolute_prefix(absolute, sizeof(absolute), nt.url.host, nt.url.port) < 0)
        return 0;
    const char *pbasic = via && nt.cfg.proxy->basic[0] ? nt.cfg.proxy->basic : NULL;
    np_snprintf(length, sizeof(length), "%zu", NP_STRFN(strlen)(body));
    const char *const head[] = {
        "POST ", absolute, url_path(&nt.url), " HTTP/1.1\r\nHost: ", host, "\r\n",
        nt.creds[0] ? "Authorization: Basic " : "", nt.creds, nt.creds[0] ? "\r\n" : "",
        pbasic ? "Proxy-Authorization: Basic " : "", pbasic ? pbasic : "", pbasic ? "\r\n" : "",
        "User-Agent: " USER_AGENT "\r\nContent-Type: application/json\r\nContent-Length: ", length, "\r\n",
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        put(&n, head[i]);
    for (unsigned i = 0; i < nt.cfg.nheaders; i++) {
        put(&n, nt.cfg.headers[i]);
        put(&n, "\r\n");
    }
    put(&n, "Connection: close\r\n\r\n");
    put(&n, body);
    return n < sizeof(nt.req) ? n : 0;
}

int http_notify_start(const char *url, uint32_t timeout_ms)
{
    http_notify_stop(NULL);
    NP_STRFN(memset)(&nt, 0, sizeof(nt));
    int err = url_parse(url, &nt.url);
    if (err)
        return err;
    nt.cfg = *http_config_job();
    err = url_basic_credentials(&nt.url, nt.creds, sizeof(nt.creds));
    if (err && err != -NP_ENOENT)
        return -NP_EOVERFLOW;
    if (err || http_config_has_auth(nt.cfg.headers, nt.cfg.nheaders))
        nt.creds[0] = '\0';    /* an Authorization header= replaces the URL's credentials */
    size_t head = build_request("");
    if (!head || head + BODY_ROOM > sizeof(nt.req))
        return -NP_EOVERFLOW;
    np_strlcpy(nt.url_text, urlmask_str(url), sizeof(nt.url_text));
    nt.timeout_ms = timeout_ms;
    nt.active = true;
    return 0;
}

int http_notify_post(const char *body)
{
    if (!nt.active)
        return -NP_ENOENT;
    http_notify_poll();
    if (nt.state != N_IDLE) {
        nt.st.skipped++;
        return -NP_EBUSY;
    }
    nt.req_len = build_request(body);
    if (!nt.req_len)
        return -NP_EOVERFLOW;
    nt.status_len = 0;
    nt.why = NULL;
    nt.tag++;
    nt.t0_ms = clock_ms();
    nt.st.sent++;
    resolve_and_connect();
    return 0;
}

/* One warning for the first failure: a server that is down is not worth a line every few seconds. */
static void count_outcome(void)
{
    if (nt.ok) {
        nt.st.taken++;
        return;
    }
    nt.st.failed++;
    if (!nt.warned && nt.cfg.proxy)
        log_warn("http: notify: POST %s through proxy %s:%u: %s; the install goes on (later failures are only "
                 "counted)\n", nt.url_text, nt.cfg.proxy->host, nt.cfg.proxy->port, nt.why ? nt.why : "failed");
    else if (!nt.warned)
        log_warn("http: notify: POST %s: %s; the install goes on (later failures are only counted)\n",
                 nt.url_text, nt.why ? nt.why : "failed");
    nt.warned = true;
}

void http_notify_poll(void)
{
    if (!nt.active || nt.state == N_IDLE)
        return;
    if (nt.state == N_TUNNEL_OPEN)
        tunnel_start_tls();
    if (nt.state != N_DONE && clock_ms() - nt.t0_ms >= nt.timeout_ms)
        finish(false, "no answer before the notifier's timeout");
    if (nt.state != N_DONE)
        return;
    conn_end(nt.ok);
    count_outcome();
    nt.state = N_IDLE;
}

void http_notify_stop(struct http_notify_stats *stats)
{
    if (nt.active) {
        http_notify_poll();
        if (nt.state != N_IDLE) {
            conn_end(false);    /* still in flight: the install does not wait for it */
            nt.state = N_IDLE;
        }
    }
    if (stats)
        *stats = nt.st;
    nt.active = false;
}
