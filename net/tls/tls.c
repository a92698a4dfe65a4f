/*
 * The TLS client over lwIP's altcp_tls_mbedtls (see tls.h). Trust is set up on the first
 * https connection: the arena, the random generator (seeded from kernel/entropy.h), the roots.
 * The verify callback records what the handshake found, because lwIP frees the connection (and
 * mbedTLS's state with it) before the HTTP client hears that it failed.
 */
#include "net/tls/tls.h"

#include "arch/x86_64/arch.h"
#include "crypto/tls_platform.h"
#include "kernel/console.h"
#include "kernel/entropy.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "kernel/walltime.h"
#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/altcp_tls.h"
#include "mbedtls/oid.h"
#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "mbedtls/version.h"
#include "mbedtls/x509_crt.h"
#include "net/tls/ca_roots.h"
#include "net/tls/tls_check.h"
#include "psa/crypto.h"

#define TLS_ARENA_BYTES (2u << 20)  /* ~400 KiB of parsed roots, a handshake, 20 KiB of records */
#define NAMES_MAX       200
#define MAX_SANS        16

_Static_assert(TLS_BAD_EXPIRED == MBEDTLS_X509_BADCERT_EXPIRED && TLS_BAD_NAME == MBEDTLS_X509_BADCERT_CN_MISMATCH &&
               TLS_BAD_NOT_TRUSTED == MBEDTLS_X509_BADCERT_NOT_TRUSTED && TLS_BAD_FUTURE == MBEDTLS_X509_BADCERT_FUTURE &&
               TLS_BAD_KEY == MBEDTLS_X509_BADCERT_BAD_KEY && TLS_BAD_MD == MBEDTLS_X509_BADCERT_BAD_MD,
               "tls_check.h's flags are mbedTLS's");

/* Prototype from our lwIP patch (patches/lwip/0001). */
mbedtls_ssl_config *altcp_tls_config_mbedtls(struct altcp_tls_config *config);

/*
 * AES-GCM first where AES-NI makes it cheap, else ChaCha20-Poly1305 (fast in software). TLS
 * 1.3's suites (RFC 8446 B.4) lead: the handshake picks 1.3 when the server speaks it.
 */
static const int suites_aesni[] = {
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384, MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, 0,
};
static const int suites_soft[] = {
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, 0,
};

static struct tls_trust trust;
static struct altcp_tls_config *config;
static mbedtls_x509_crt roots;

/*
 * What a handshake found; reset when its connection opens. Two records: the HTTP client's
 * connection and the notifier's (progress_url=) may shake hands at the same time, and the
 * name check of one must never read the other's host.
 */
struct handshake {
    char host[256];
    uint16_t port;
    bool host_is_ip;
    uint8_t ip[4];
    bool verify_called;
    uint32_t flags;             /* all depths */
    char names[NAMES_MAX];      /* the leaf's names */
    char issuer[128];           /* the issuer nobody vouches for (top of the chain) */
    char not_before[24], not_after[24];
    int alert;                  /* a fatal alert the server sent, or -1 */
    const struct altcp_pcb *pcb;    /* the connection (only compared: TLS 1.3 tickets) */
    uint64_t t0;
};
static struct handshake hs, hs_aux;

static struct {
    bool have;
    char host[256];
    uint16_t port;
    mbedtls_ssl_session s;
} saved;

int tls_configure(const struct tls_trust *t)
{
    if (config) {
        /* Trust was set up for an earlier connection (config= over https): it stays. */
        if (t->insecure != trust.insecure || t->ca_only != trust.ca_only || t->ca_pem != trust.ca_pem)
            log_warn("tls: ca=, ca_only and insecure from config= come too late: the file itself came "
                     "over https; give them on the boot command line\n");
        return 0;
    }
    if (t->insecure == trust.insecure && t->ca_only == trust.ca_only && t->ca_pem == trust.ca_pem &&
        t->ca_len == trust.ca_len && (trust.ca_pem || trust.insecure))
        return 0;   /* the same again after config=: said once already */
    trust = *t;
    if (t->ca_pem) {
        int n = pem_count_certs(t->ca_pem, t->ca_len);
        if (n < 0) {
            log_err("error: ca=%s: %s\n", t->ca_name, n == -NP_ENOENT ? "no PEM certificate in it"
                                                       : "not a PEM file (a BEGIN without its END, or binary)");
            return -NP_EBADMSG;
        }
        log_info("tls: trusting %s%d certificate%s from ca=%s%s\n", t->ca_only ? "only " : "", n, n == 1 ? "" : "s",
                 t->ca_name, t->ca_only ? "" : ", and the built-in roots");
    }
    if (t->insecure)
        log_warn("tls: insecure: server certificates will not be checked\n");
    return 0;
}

unsigned tls_builtin_roots(const char **source)
{
    *source = ca_roots_source;
    return ca_roots_count;
}

static void format_time(const mbedtls_x509_time *t, char *buf, size_t cap)
{
    np_snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

/* The leaf's DNS and IP names (and its CN when it has none), for the mismatch line. */
static void record_names(struct handshake *h, const mbedtls_x509_crt *crt)
{
    struct tls_san sans[MAX_SANS];
    size_t n = 0;
    char cn[64] = "";
    for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s && s->buf.p && n < MAX_SANS; s = s->next)
        sans[n++] = (struct tls_san){ (uint8_t)(s->buf.tag & 0x1F), s->buf.p, s->buf.len };
    for (const mbedtls_x509_name *a = &crt->subject; a; a = a->next)
        if (a->oid.p && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &a->oid) == 0) {
            size_t k = a->val.len < sizeof(cn) - 1 ? a->val.len : sizeof(cn) - 1;
            NP_STRFN(memcpy)(cn, a->val.p, k);
            cn[k] = '\0';
        }
    tls_names_format(sans, n, cn, h->names, sizeof(h->names));
    if (h->host_is_ip && !tls_san_has_ip(sans, n, h->ip))
        h->flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
}

/*
 * Called for each certificate of the chain, the top first and the server's own (depth 0)
 * last. IP hosts are matched here (the handshake is told no host name for them: no SNI for an
 * address, RFC 6066 3), DNS names by mbedTLS.
 */
static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct handshake *h = ctx;
    if (!h->verify_called)
        mbedtls_x509_dn_gets(h->issuer, sizeof(h->issuer), &crt->issuer);
    h->verify_called = true;
    if (depth == 0) {
        uint32_t before = h->flags;
        record_names(h, crt);
        *flags |= h->flags & ~before & MBEDTLS_X509_BADCERT_CN_MISMATCH;
        format_time(&crt->valid_from, h->not_before, sizeof(h->not_before));
        format_time(&crt->valid_to, h->not_after, sizeof(h->not_after));
    }
    h->flags |= *flags;
    return 0;
}

static int load_roots(size_t *ok, size_t *skipped)
{
    *ok = *skipped = 0;
    mbedtls_x509_crt_init(&roots);
    for (unsigned i = 0; !trust.ca_only && i < ca_roots_count; i++) {
        /* nocopy: the DER stays in the kernel image; only the parsed form takes arena. */
        if (mbedtls_x509_crt_parse_der_nocopy(&roots, ca_roots_der + ca_roots_off[i],
                                              ca_roots_off[i + 1] - ca_roots_off[i]) == 0)
            (*ok)++;
        else
            (*skipped)++;   /* an algorithm this build does not carry */
    }
    if (trust.ca_pem) {
        /* mbedtls_x509_crt_parse wants PEM NUL-terminated, its length counting the NUL. */
        unsigned char *copy = mbedtls_calloc(1, trust.ca_len + 1);
        if (!copy)
            return -NP_ENOMEM;
        NP_STRFN(memcpy)(copy, trust.ca_pem, trust.ca_len);
        int r = mbedtls_x509_crt_parse(&roots, copy, trust.ca_len + 1);
        mbedtls_free(copy);
        if (r != 0) {
            log_err("error: ca=%s: mbedTLS cannot use %s of its certificates (-0x%04x)\n", trust.ca_name,
                    r > 0 ? "some" : "any", r > 0 ? 0 : -r);
            return -NP_EBADMSG;
        }
    }
    return 0;
}

/* Keeps the session of the HTTP client's connection to h's server for its next connection. */
static void keep_session(const struct handshake *h, mbedtls_ssl_context *ssl)
{
    mbedtls_ssl_session_free(&saved.s);
    mbedtls_ssl_session_init(&saved.s);
    saved.have = mbedtls_ssl_get_session(ssl, &saved.s) == 0;
    np_strlcpy(saved.host, h->host, sizeof(saved.host));
    saved.port = h->port;
}

/*
 * A TLS 1.3 server sent a ticket on pcb (after the handshake): its session can resume now.
 * Only the HTTP client's connection keeps one; the notifier's pcb may sit where a closed
 * connection of the client's was.
 */
static void keep_ticket(struct altcp_pcb *pcb)
{
    mbedtls_ssl_context *ssl = altcp_tls_context(pcb);
    if (ssl && pcb == hs.pcb && pcb != hs_aux.pcb && !trust.insecure)
        keep_session(&hs, ssl);
}

/* Once: arena, random generator, roots, policy. */
static int tls_init(enum np_exit *status, char *msg, size_t cap)
{
    size_t ok, skipped;
    uint64_t t0 = clock_ms();
    *status = NP_EXIT_TLS;
    if (entropy_kind() == ENTROPY_NONE)
        return np_snprintf(msg, cap, "no entropy source to make keys with (see the entropy: line)"), -NP_ENODEV;
    if (tls_platform_init(TLS_ARENA_BYTES))
        return np_snprintf(msg, cap, "no memory for TLS"), -NP_ENOMEM;
    /* TLS 1.3 runs on PSA crypto: its random generator is seeded here, from kernel/entropy.h
       (mbedtls_hardware_poll) like the one below. */
    psa_status_t ps = psa_crypto_init();
    if (ps != PSA_SUCCESS)
        return np_snprintf(msg, cap, "cannot start PSA crypto (%d)", (int)ps), -NP_EIO;
    config = altcp_tls_create_config_client(NULL, 0);
    if (!config)
        return np_snprintf(msg, cap, "cannot seed the random generator"), -NP_EIO;
    int err = load_roots(&ok, &skipped);
    if (err) {
        *status = err == -NP_EBADMSG ? NP_EXIT_USAGE : NP_EXIT_TLS;
        return np_snprintf(msg, cap, "cannot load the trusted certificates"), err;
    }
    mbedtls_ssl_config *c = altcp_tls_config_mbedtls(config);
    mbedtls_ssl_conf_ca_chain(c, &roots, NULL);
    /* Insecure still verifies (OPTIONAL), so the warning can say what would have failed. */
    mbedtls_ssl_conf_authmode(c, trust.insecure ? MBEDTLS_SSL_VERIFY_OPTIONAL : MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_min_tls_version(c, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(c, MBEDTLS_SSL_VERSION_TLS1_3);
    /* TLS 1.3: a full handshake with ECDHE, or a resumption by ticket still with ECDHE
       (psk_dhe_ke, RFC 8446 4.2.9): forward secrecy either way. Tickets come after the
       handshake; lwIP hands each up to keep_ticket (patches/lwip/0006). */
    mbedtls_ssl_conf_tls13_key_exchange_modes(c, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL |
                                                 MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL);
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(c, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
    altcp_tls_config_new_ticket_fn(config, keep_ticket);
    bool aesni = tls_platform_aesni();
    mbedtls_ssl_conf_ciphersuites(c, aesni ? suites_aesni : suites_soft);
    mbedtls_ssl_session_init(&saved.s);
    if (trust.ca_only)
        log_info("tls: trusting only ca=%s; mbedTLS %s, TLS 1.3 and 1.2; AES-NI %s; ready in %llu ms\n",
                 trust.ca_name, MBEDTLS_VERSION_STRING, aesni ? "yes" : "no", (unsigned long long)(clock_ms() - t0));
    else
        log_info("tls: %zu built-in roots from %s loaded (%zu skipped: algorithms this build lacks); mbedTLS %s, "
                 "TLS 1.3 and 1.2; AES-NI %s; ready in %llu ms\n", ok, ca_roots_source, skipped,
                 MBEDTLS_VERSION_STRING, aesni ? "yes" : "no", (unsigned long long)(clock_ms() - t0));
    return 0;
}

/* A TLS pcb over inner (the caller's until this succeeds), its handshake recorded in h. */
static struct altcp_pcb *open_with(struct handshake *h, struct altcp_pcb *inner, const char *host, uint16_t port,
                                  enum np_exit *status, char *msg, size_t cap)
{
    *status = NP_EXIT_OK;
    if (!trust.insecure && walltime_now() < 0) {
        *status = NP_EXIT_CERT;
        np_snprintf(msg, cap, "no trustworthy time to check certificates against (see the time: line); "
                              "give time= or insecure");
        return NULL;
    }
    if (!config && tls_init(status, msg, cap))
        return NULL;
    NP_STRFN(memset)(h, 0, sizeof(*h));
    h->alert = -1;
    h->t0 = clock_ms();
    np_strlcpy(h->host, host, sizeof(h->host));
    h->port = port;
    h->host_is_ip = tls_parse_ipv4(host, h->ip);
    struct altcp_pcb *pcb = altcp_tls_wrap(config, inner);
    if (!pcb) {
        *status = NP_EXIT_TLS;
        np_snprintf(msg, cap, "no memory for a TLS connection");
        return NULL;
    }
    h->pcb = pcb;
    mbedtls_ssl_context *ssl = altcp_tls_context(pcb);
    /* SNI and mbedTLS's own DNS-name check; RFC 6066 3: no SNI for an address, whose check is
       verify_cb's. mbedTLS 3.6 fails a verified handshake whose host name was never set: NULL
       says so on purpose. */
    mbedtls_ssl_set_hostname(ssl, h->host_is_ip ? NULL : host);
    mbedtls_ssl_set_verify(ssl, verify_cb, h);
    if (saved.have && saved.port == port && !NP_STRFN(strcmp)(saved.host, host))
        mbedtls_ssl_set_session(ssl, &saved.s);
    return pcb;
}

struct altcp_pcb *tls_open_over(struct altcp_pcb *inner, const char *host, uint16_t port, enum np_exit *status,
                                char *msg, size_t cap)
{
    return open_with(&hs, inner, host, port, status, msg, cap);
}

struct altcp_pcb *tls_open_over_aux(struct altcp_pcb *inner, const char *host, uint16_t port, enum np_exit *status,
                                    char *msg, size_t cap)
{
    return open_with(&hs_aux, inner, host, port, status, msg, cap);
}

/* A fresh TCP pcb under TLS, its handshake recorded in h. */
static struct altcp_pcb *open_new(struct handshake *h, const char *host, uint16_t port, enum np_exit *status,
                                  char *msg, size_t cap)
{
    struct altcp_pcb *inner = altcp_tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!inner) {
        *status = NP_EXIT_TLS;
        np_snprintf(msg, cap, "no memory for a TLS connection");
        return NULL;
    }
    struct altcp_pcb *pcb = open_with(h, inner, host, port, status, msg, cap);
    if (!pcb)
        altcp_close(inner);
    return pcb;
}

struct altcp_pcb *tls_open(const char *host, uint16_t port, enum np_exit *status, char *msg, size_t cap)
{
    return open_new(&hs, host, port, status, msg, cap);
}

struct altcp_pcb *tls_open_aux(const char *host, uint16_t port, enum np_exit *status, char *msg, size_t cap)
{
    return open_new(&hs_aux, host, port, status, msg, cap);
}

int tls_start(struct altcp_pcb *pcb, altcp_connected_fn connected)
{
    return altcp_tls_handshake_established(pcb, connected) == ERR_OK ? 0 : -NP_EIO;
}

/* A fatal alert the server sent on pcb, into the record h (the pcb is freed after its err callback). */
static void note_error(struct handshake *h, struct altcp_pcb *pcb)
{
    mbedtls_ssl_context *ssl = pcb ? altcp_tls_context(pcb) : NULL;
    /* mbedTLS 3 has no accessor for a received alert: its last record, read through MBEDTLS_PRIVATE. */
    if (ssl && ssl->MBEDTLS_PRIVATE(in_msg) && ssl->MBEDTLS_PRIVATE(in_msgtype) == MBEDTLS_SSL_MSG_ALERT &&
        ssl->MBEDTLS_PRIVATE(in_msg)[0] == MBEDTLS_SSL_ALERT_LEVEL_FATAL)
        h->alert = ssl->MBEDTLS_PRIVATE(in_msg)[1];
}

void tls_note_error(struct altcp_pcb *pcb)
{
    note_error(&hs, pcb);
}

void tls_note_error_aux(struct altcp_pcb *pcb)
{
    note_error(&hs_aux, pcb);
}

static const char *alert_name(int a)
{
    switch (a) {
    case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE: return "handshake failure: no cipher suite or group in common";
    case MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION: return "protocol version: the server speaks neither TLS 1.3 nor 1.2";
    case MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME: return "unrecognized name: the server has no site of that name";
    case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY: return "insufficient security";
    case MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR: return "internal error";
    default: return "alert";
    }
}

static enum np_exit failure_of(const struct handshake *h, char *msg, size_t cap)
{
    enum tls_reason r = tls_reason_of(h->flags);
    switch (r) {
    case TLS_OK:
        break;
    case TLS_UNKNOWN_ISSUER:
        np_snprintf(msg, cap, "certificate of %s: unknown issuer \"%s\" (not among the trusted roots)", h->host,
                    h->issuer);
        return NP_EXIT_CERT;
    case TLS_EXPIRED:
        np_snprintf(msg, cap, "certificate of %s: expired on %s UTC", h->host, h->not_after);
        return NP_EXIT_CERT;
    case TLS_NOT_YET_VALID:
        np_snprintf(msg, cap, "certificate of %s: not yet valid (valid from %s UTC)", h->host, h->not_before);
        return NP_EXIT_CERT;
    case TLS_NAME_MISMATCH:
        np_snprintf(msg, cap, "certificate of %s: name mismatch: it is for %s", h->host, h->names);
        return NP_EXIT_CERT;
    default:
        np_snprintf(msg, cap, "certificate of %s: %s (flags %#x)", h->host, tls_reason_text(r), h->flags);
        return NP_EXIT_CERT;
    }
    if (h->alert >= 0) {
        np_snprintf(msg, cap, "%s refused the TLS handshake: alert %d (%s)", h->host, h->alert, alert_name(h->alert));
        return NP_EXIT_TLS;
    }
    return NP_EXIT_OK;
}

enum np_exit tls_failure(char *msg, size_t cap)
{
    return failure_of(&hs, msg, cap);
}

enum np_exit tls_aux_failure(char *msg, size_t cap)
{
    return failure_of(&hs_aux, msg, cap);
}

void tls_connected(struct altcp_pcb *pcb)
{
    mbedtls_ssl_context *ssl = altcp_tls_context(pcb);
    if (!ssl)
        return;
    bool resumed = !hs.verify_called;   /* an abbreviated handshake carries no certificate */
    log_info("tls: %s %s with %s, handshake %llu ms, %s\n", mbedtls_ssl_get_version(ssl),
             mbedtls_ssl_get_ciphersuite(ssl), hs.host, (unsigned long long)(clock_ms() - hs.t0),
             resumed ? "session resumed" : "new session");
    if (trust.insecure) {
        enum tls_reason r = tls_reason_of(hs.flags);
        log_warn("tls: warning: insecure: the certificate of %s was not checked%s%s\n", hs.host,
                 r != TLS_OK ? "; it would have failed: " : "", r != TLS_OK ? tls_reason_text(r) : "");
        return;     /* and nothing of an unchecked server is kept for later */
    }
    /* A TLS 1.2 session is kept now for the next connection to the same server (ticket or
       ID); a TLS 1.3 one when its ticket comes (keep_ticket). */
    if (mbedtls_ssl_get_version_number(ssl) == MBEDTLS_SSL_VERSION_TLS1_2)
        keep_session(&hs, ssl);
}
