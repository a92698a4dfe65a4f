/*
 * The notifier (see http_notify.h): a POST that never makes the download wait. Every step is
 * a callback of lwIP's run from the download's own loop (net_poll); the callbacks only record
 * what happened, and http_notify_poll, called from the install's progress path, closes the
 * connection and counts the outcome. One request at a time; a new connection for each
 * (Connection: close), since a progress report comes every few seconds at most.
 *
 *     IDLE -post-> RESOLVING -dns-> CONNECTING -connected-> SENDING (request, then its answer)
 *          -status line, close, error or timeout-> DONE -poll-> IDLE
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
#include "net/http/url.h"
#include "net/tls/tls.h"

#define USER_AGENT      "netplant/" NETPLANT_VERSION
#define BODY_ROOM       640     /* what a request leaves for its body when the URL is taken */
#define STATUS_LEN      12      /* "HTTP/1.1 204": all of the answer that is read */
#define CREDS_MAX       384     /* Basic credentials of a URL the request has room for */

enum nstate { N_IDLE, N_RESOLVING, N_CONNECTING, N_SENDING, N_DONE };

static struct {
    bool active;
    struct url url;             /* 64 KiB: static, parsed once */
    char url_text[160];         /* masked, for the one warning */
    char creds[CREDS_MAX];      /* "" without userinfo */
    uint32_t timeout_ms;
    ip_addr_t ip;
    bool have_ip;
    enum nstate state;
    unsigned tag;               /* which request a late DNS answer belongs to */
    struct altcp_pcb *pcb;
    uint64_t t0_ms;
    char req[HTTP_NOTIFY_REQ_MAX];
    size_t req_len, req_off;
    char status[STATUS_LEN + 1];
    size_t status_len;
    bool ok;
    const char *why;            /* a failure's reason (static text) */
    char tls_why[160];
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
    size_t n = nt.req_len - nt.req_off;
    u16_t room = altcp_sndbuf(nt.pcb);
    u16_t k = n < room ? (u16_t)n : room;
    if (k && altcp_write(nt.pcb, nt.req + nt.req_off, k, TCP_WRITE_FLAG_COPY) == ERR_OK)
        nt.req_off += k;
    altcp_output(nt.pcb);
}

static err_t on_sent(void *arg, struct altcp_pcb *pcb, u16_t len)
{
    (void)arg, (void)pcb, (void)len;
    if (nt.state == N_SENDING && nt.req_off < nt.req_len)
        send_more();
    return ERR_OK;
}

/* "HTTP/1.1 204": a 2xx is taken; nothing else of the answer matters. */
static void judge_status(void)
{
    const char *s = nt.status;
    if (NP_STRFN(strncmp)(s, "HTTP/1.", 7) || s[8] != ' ' || s[9] < '1' || s[9] > '5')
        return finish(false, "the answer is not HTTP/1.x");
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
    bool handshake = nt.url.tls && nt.state == N_CONNECTING;
    nt.pcb = NULL;      /* lwIP freed it */
    if (handshake && tls_aux_failure(nt.tls_why, sizeof(nt.tls_why)) != NP_EXIT_OK)
        return finish(false, nt.tls_why);
    finish(false, handshake ? "refused, reset or the TLS handshake broke" : "refused or reset");
}

static err_t on_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    (void)arg, (void)pcb;
    if (err != ERR_OK || nt.state != N_CONNECTING) {
        finish(false, "cannot connect");
        return ERR_OK;
    }
    nt.state = N_SENDING;
    send_more();
    return ERR_OK;
}

/*
 * The one place a connection is made, plain or TLS: a proxy (proxy=) slots in here. Starts the
 * connect; the callbacks carry on.
 */
static void notify_connect(void)
{
    enum np_exit st = NP_EXIT_OK;
    nt.pcb = nt.url.tls ? tls_open_aux(nt.url.host, nt.url.port, &st, nt.tls_why, sizeof(nt.tls_why))
                        : altcp_new(NULL);
    if (!nt.pcb)
        return finish(false, st != NP_EXIT_OK ? nt.tls_why : "no memory for a connection");
    altcp_arg(nt.pcb, NULL);
    altcp_recv(nt.pcb, on_recv);
    altcp_sent(nt.pcb, on_sent);
    altcp_err(nt.pcb, on_err);
    nt.state = N_CONNECTING;
    if (altcp_connect(nt.pcb, &nt.ip, nt.url.port, on_connected) != ERR_OK)
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
    if (nt.have_ip || ipaddr_aton(nt.url.host, &nt.ip)) {
        nt.have_ip = true;
        return notify_connect();
    }
    nt.state = N_RESOLVING;
    err_t e = dns_gethostbyname(nt.url.host, &nt.ip, on_resolved, (void *)(uintptr_t)nt.tag);
    if (e == ERR_OK) {
        nt.have_ip = true;
        notify_connect();
    } else if (e != ERR_INPROGRESS) {
        finish(false, "the name cannot be looked up");
    }
}

/* The request for body into nt.req; its length, or 0 when it does not fit. */
static size_t build_request(const char *body)
{
    char host[URL_HOST_MAX + 8];
    if (url_default_port(&nt.url))
        np_strlcpy(host, nt.url.host, sizeof(host));
    else
        np_snprintf(host, sizeof(host), "%s:%u", nt.url.host, nt.url.port);
    size_t blen = NP_STRFN(strlen)(body);
    int n = np_snprintf(nt.req, sizeof(nt.req),
                        "POST %s HTTP/1.1\r\nHost: %s\r\n%s%s%sUser-Agent: " USER_AGENT "\r\n"
                        "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                        url_path(&nt.url), host, nt.creds[0] ? "Authorization: Basic " : "", nt.creds,
                        nt.creds[0] ? "\r\n" : "", blen, body);
    return n > 0 && (size_t)n < sizeof(nt.req) ? (size_t)n : 0;
}

int http_notify_start(const char *url, uint32_t timeout_ms)
{
    http_notify_stop(NULL);
    NP_STRFN(memset)(&nt, 0, sizeof(nt));
    int err = url_parse(url, &nt.url);
    if (err)
        return err;
    err = url_basic_credentials(&nt.url, nt.creds, sizeof(nt.creds));
    if (err && err != -NP_ENOENT)
        return -NP_EOVERFLOW;
    if (err)
        nt.creds[0] = '\0';
    if (build_request("") + BODY_ROOM > sizeof(nt.req) || !build_request(""))
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
    nt.req_off = nt.status_len = 0;
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
    if (!nt.warned)
        log_warn("http: notify: POST %s: %s; the install goes on (later failures are only counted)\n",
                 nt.url_text, nt.why ? nt.why : "failed");
    nt.warned = true;
}

void http_notify_poll(void)
{
    if (!nt.active || nt.state == N_IDLE)
        return;
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
